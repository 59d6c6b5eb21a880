"""Saved graphs survive failures: damaged directories are reported in one line, a failed or
crashed save keeps the previous graph, one writer at a time, foreign directories refused,
and the command line reports filesystem errors and user text safely."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ABSTRACT_1, ABSTRACT_2, listing
from store_damage import DAMAGES, sample_graph

import citegraph
from citegraph import cli
from citegraph.errors import (
    CitegraphError,
    FileSystemError,
    GraphLockedError,
    NotAGraphError,
    StoreError,
)
from citegraph.graph import schema as S
from citegraph.graph.stores import graph_dir
from citegraph.graph.stores.files import check_graph, save_graph


def run_cli(*args: str, capsys) -> tuple[int, str, str]:
    """The command line in this process: exit status, stdout, stderr."""
    handlers = {n: signal.getsignal(n) for n in (signal.SIGINT, signal.SIGTERM)}
    argv = sys.argv
    sys.argv = ["citegraph", *args]
    code = 0
    try:
        cli.main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    finally:
        sys.argv = argv
        for signum, handler in handlers.items():
            signal.signal(signum, handler)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def run(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "citegraph", *args], capture_output=True,
                          text=True, timeout=120, **kwargs)


def one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    assert "Traceback" not in text
    return lines[0]


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    directory = tmp_path / "graph"
    sample_graph().save(directory)
    return directory


# --- damaged graphs ---------------------------------------------------------------------------
def test_there_are_enough_distinct_damages():
    assert len(DAMAGES) >= 47


@pytest.mark.parametrize("name", sorted(DAMAGES))
def test_a_damaged_graph_loads_intact_or_fails_in_one_line(name, saved, capsys):
    damage, names = DAMAGES[name]
    damage(saved)
    code, out, err = run_cli("check", str(saved), capsys=capsys)
    if code == 0:
        assert citegraph.load(saved) == sample_graph(), name
        assert "OK" in one_line(out)
        return
    assert names is not None, f"{name}: an intact graph was refused: {err}"
    assert code == 1
    line = one_line(err)
    assert line.startswith("error: ")
    assert (names or saved.name) in line
    with pytest.raises(CitegraphError):
        citegraph.load(saved)


def test_damages_are_reported_through_a_real_process_without_traceback(saved):
    DAMAGES["edges dangling end"][0](saved)
    result = run("stats", str(saved))
    assert result.returncode == 1
    line = one_line(result.stderr)
    assert "edges.jsonl:1: dangling edge" in line


def test_check_reports_counts_of_an_intact_graph(saved, capsys):
    code, out, _ = run_cli("check", str(saved), capsys=capsys)
    assert code == 0
    assert one_line(out) == (f"OK {saved}: 11 nodes, 18 edges, 4 embeddings; files match "
                             "the manifest's checksums")


def test_a_format_1_directory_still_loads(saved):
    manifest = json.loads((saved / "manifest.json").read_text())
    del manifest["files"]
    manifest["version"] = 1
    (saved / "manifest.json").write_text(json.dumps(manifest))
    assert citegraph.load(saved) == sample_graph()
    assert check_graph(saved).checksums is False


def test_the_manifest_records_each_file(saved):
    manifest = json.loads((saved / "manifest.json").read_text())
    nodes = manifest["files"]["nodes.jsonl"]
    assert nodes["lines"] == 11
    assert nodes["bytes"] == (saved / "nodes.jsonl").stat().st_size
    assert nodes["sha256"] == hashlib.sha256((saved / "nodes.jsonl").read_bytes()).hexdigest()
    assert set(manifest["files"]) == {"nodes.jsonl", "edges.jsonl", "embeddings.npy",
                                      "embeddings.json"}


# --- failed and crashed saves -----------------------------------------------------------------
def smaller_graph():
    kg = sample_graph()
    kg.remove_node(S.node_id(S.PAPER, "arxiv:2401.00006"))
    kg.embeddings = None
    return kg


def test_a_save_that_runs_out_of_disk_keeps_the_previous_graph(saved, monkeypatch):
    from citegraph.digest import HashingWriter

    written = []

    def full(self, line):
        if len(written) > 5:
            raise OSError(errno.ENOSPC, "No space left on device")
        written.append(line)
        self.write(line + b"\n")

    monkeypatch.setattr(HashingWriter, "write_line", full)
    with pytest.raises(FileSystemError, match="No space left on device"):
        smaller_graph().save(saved)
    monkeypatch.undo()
    assert citegraph.load(saved) == sample_graph()
    assert not (saved / graph_dir.STAGING).exists()


class Crash(BaseException):
    """The process dying at one exact step."""


@pytest.mark.parametrize("grows", [False, True], ids=["drops embeddings", "adds embeddings"])
@pytest.mark.parametrize("step", range(16))
def test_a_crash_at_any_rename_or_removal_leaves_a_complete_graph(tmp_path, monkeypatch,
                                                                  step, grows):
    """Every rename and removal of a save, in order; the save dies at ``step``: a load finds
    the old or the new graph, and the next save finishes or discards the swap."""
    old, new = (smaller_graph(), sample_graph()) if grows else (sample_graph(), smaller_graph())
    saved = tmp_path / "graph"
    old.save(saved)
    calls = []
    real_replace, real_unlink = os.replace, os.unlink

    def counted(real):
        def call(*args, **kwargs):
            calls.append(args[0])
            if len(calls) - 1 == step:
                raise Crash
            return real(*args, **kwargs)
        return call

    monkeypatch.setattr(os, "replace", counted(real_replace))
    monkeypatch.setattr(os, "unlink", counted(real_unlink))
    with contextlib.suppress(Crash):
        new.save(saved)
    monkeypatch.undo()
    found = citegraph.load(saved)
    assert found in (old, new)
    if step >= len(calls):  # fewer steps than this: the save finished
        assert found == new
    if step == 15:
        assert len(calls) < 15, "a save has more steps than this test covers"
    old.save(saved)  # the next writer recovers first
    assert citegraph.load(saved) == old
    assert not (saved / graph_dir.STAGING).exists()


def test_an_interrupted_save_is_not_committed(saved, monkeypatch):
    from citegraph.digest import HashingWriter

    def interrupted(self, line):
        raise KeyboardInterrupt

    monkeypatch.setattr(HashingWriter, "write_line", interrupted)
    with pytest.raises(KeyboardInterrupt):
        smaller_graph().save(saved)
    monkeypatch.undo()
    assert citegraph.load(saved) == sample_graph()


# --- one writer, whose directory ---------------------------------------------------------------
def test_a_second_writer_is_refused_in_one_line(saved, capsys, tmp_path):
    with open(saved / graph_dir.LOCK, "a") as held:  # another process's lock, in effect
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(GraphLockedError, match="another citegraph process"):
            smaller_graph().save(saved)
        (tmp_path / "p.txt").write_text(listing(f"A Paper\n\n{ABSTRACT_1}"))
        code, _, err = run_cli("build", str(tmp_path / "p.txt"), "--out", str(saved),
                               "--no-similarity", "-q", capsys=capsys)
    assert code == 1
    assert "another citegraph process is writing this graph" in one_line(err)
    assert citegraph.load(saved) == sample_graph()


def test_out_on_a_foreign_directory_needs_force_and_keeps_its_files(tmp_path, capsys):
    out = tmp_path / "mine"
    (out / "sub").mkdir(parents=True)
    (out / "notes.txt").write_text("keep me")
    (out / "sub" / "data.csv").write_text("a,b\n")
    (out / "embeddings.npy").write_bytes(b"my own array")
    (tmp_path / "p.txt").write_text(listing(f"A Paper\n\n{ABSTRACT_1}",
                                            f"Another Paper\n\n{ABSTRACT_2}"))
    args = ("build", str(tmp_path / "p.txt"), "--out", str(out), "--no-similarity", "-q")
    code, _, err = run_cli(*args, capsys=capsys)
    assert code == 1
    assert "not empty and not a citegraph graph" in one_line(err)
    assert not (out / "manifest.json").exists()
    assert sorted(p.name for p in out.iterdir()) == ["embeddings.npy", "notes.txt", "sub"]
    with pytest.raises(NotAGraphError):
        sample_graph().save(out)

    code, _, err = run_cli(*args, "--force", capsys=capsys)
    assert code == 0, err
    assert (out / "notes.txt").read_text() == "keep me"
    assert (out / "sub" / "data.csv").read_text() == "a,b\n"
    assert (out / "embeddings.npy").read_bytes() == b"my own array"  # not ours: not deleted
    assert citegraph.load(out).stats()["nodes"][S.PAPER] == 2
    code, _, err = run_cli(*args, capsys=capsys)  # now a graph: no --force needed
    assert code == 0, err


def test_append_refuses_graph_files_without_a_manifest(saved, tmp_path, capsys):
    (saved / "manifest.json").unlink()
    (tmp_path / "p.txt").write_text(listing(f"A Paper\n\n{ABSTRACT_1}"))
    code, _, err = run_cli("build", str(tmp_path / "p.txt"), "--out", str(saved), "--append",
                           "--force", "--no-similarity", "-q", capsys=capsys)
    assert code == 1
    assert "no manifest.json, so not a complete graph" in one_line(err)
    assert (saved / "nodes.jsonl").exists()


def test_append_builds_on_the_last_complete_graph(saved, tmp_path, capsys):
    (tmp_path / "p.txt").write_text(listing(f"A Paper\n\n{ABSTRACT_1}"))
    code, _, err = run_cli("build", str(tmp_path / "p.txt"), "--out", str(saved), "--append",
                           "--no-similarity", "-q", capsys=capsys)
    assert code == 0, err
    assert citegraph.load(saved).stats()["nodes"][S.PAPER] == 7


# --- strings, paths and terminals -----------------------------------------------------------
def test_lone_surrogates_are_saved_as_replacement_characters_with_one_warning(tmp_path):
    kg = sample_graph()
    first = S.node_id(S.PAPER, "arxiv:2401.00001")
    kg.g.nodes[first][S.TITLE] = "Broken \ud800 title"
    kg.g.nodes[first][S.AUTHORS] = ["Ada \udfff", "pair \ud83d\ude00 kept"]
    with pytest.warns(UserWarning, match=r"^3 value\(s\) held characters UTF-8 cannot store"):
        kg.save(tmp_path / "g")
    again = citegraph.load(tmp_path / "g").node(first)
    assert again[S.TITLE] == "Broken \ufffd title"
    assert again[S.AUTHORS] == ["Ada \ufffd", "pair \U0001f600 kept"]


def test_a_surrogate_in_an_input_file_gives_a_warning_line(tmp_path):
    record = {"id": "2401.00001", "title": "Lone \\ud800 surrogate", "abstract": ABSTRACT_1,
              "authors_parsed": [["Lovelace", "Ada", ""]], "update_date": "2024-01-02"}
    (tmp_path / "a.jsonl").write_text(json.dumps(record).replace("\\\\ud800", "\\ud800") + "\n")
    result = run("build", str(tmp_path / "a.jsonl"), "--out", str(tmp_path / "g"),
                 "--no-similarity", "-q")
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "UTF-8 cannot store" in line]
    assert len(warnings) == 1 and warnings[0].startswith("warning 1 value(s)")
    assert "Lone \ufffd surrogate" in (tmp_path / "g" / "nodes.jsonl").read_text()


@pytest.mark.parametrize("case", ["out is a file", "out cannot be created", "view into a dir",
                                  "export cannot be created", "check a file"])
def test_filesystem_errors_are_one_line_naming_the_path(case, saved, tmp_path, capsys):
    (tmp_path / "p.txt").write_text(listing(f"A Paper\n\n{ABSTRACT_1}"))
    (tmp_path / "file").write_text("x")
    (tmp_path / "page.html").mkdir()
    build = ("build", str(tmp_path / "p.txt"), "--no-similarity", "-q", "--out")
    args, named = {
        "out is a file": ((*build, str(tmp_path / "file")), str(tmp_path / "file")),
        "out cannot be created": ((*build, "/proc/citegraph-test/g"), "/proc/citegraph-test"),
        "view into a dir": (("view", str(saved), "-o", str(tmp_path / "page.html")),
                            str(tmp_path / "page.html")),
        "export cannot be created": (("export", str(saved), "-o", "/proc/citegraph-test.ttl"),
                                     "/proc/citegraph-test.ttl"),
        "check a file": (("check", str(tmp_path / "file")), str(tmp_path / "file")),
    }[case]
    code, _, err = run_cli(*args, capsys=capsys)
    assert code == 1
    line = one_line(err)
    assert named in line and line.startswith("error: ")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through permissions")
def test_an_unwritable_out_is_one_line(tmp_path, capsys):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    (tmp_path / "p.txt").write_text(listing(f"A Paper\n\n{ABSTRACT_1}"))
    code, _, err = run_cli("build", str(tmp_path / "p.txt"), "--out", str(locked / "g"),
                           "--no-similarity", "-q", capsys=capsys)
    assert code == 1 and "Permission denied" in one_line(err)


def test_a_binary_gazetteer_is_one_line(tmp_path, capsys):
    (tmp_path / "p.txt").write_text(listing(f"A Paper\n\n{ABSTRACT_1}"))
    (tmp_path / "gaz.bin").write_bytes(bytes(range(256)) * 4)
    code, _, err = run_cli("build", str(tmp_path / "p.txt"), "--out", str(tmp_path / "g"),
                           "--gazetteer", str(tmp_path / "gaz.bin"), "-q", "--no-similarity",
                           capsys=capsys)
    assert code == 1
    line = one_line(err)
    assert "gaz.bin: not a text gazetteer (byte 0x80 at offset 128" in line
    assert not (tmp_path / "g").exists()


def test_control_characters_in_file_names_are_escaped(tmp_path, capsys):
    (tmp_path / "p.txt").write_text(listing(f"A Paper\n\n{ABSTRACT_1}"))
    evil = tmp_path / "evil\x1b[31mred\x07.txt"
    evil.write_text("")
    code, _, err = run_cli("build", str(tmp_path / "p.txt"), str(evil), "--out",
                           str(tmp_path / "g"), "--no-similarity", "-q", capsys=capsys)
    assert code == 0, err
    assert "\x1b" not in err and "\x07" not in err
    assert "evil\\x1b[31mred\\x07.txt" in err


def test_term_escapes_controls_and_markup():
    assert cli.term("a\nb\x1b[0m\u202e[bold]") == "a\\x0ab\\x1b[0m\\u202e\\[bold]"


def test_save_refuses_a_file_as_directory(tmp_path):
    (tmp_path / "f").write_text("x")
    with pytest.raises(StoreError, match="exists and is not a directory"):
        save_graph(sample_graph(), tmp_path / "f")
