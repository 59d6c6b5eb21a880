"""The batched reader of a saved edges file: the same graph as the line-by-line reader,
and a row it does not take (even under a manifest whose checksums were made to match)
sends the load to the line-by-line reader, which names the file and line."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from store_damage import sample_graph

from citegraph import build, load
from citegraph.errors import CorruptGraphError
from citegraph.graph.options import BuildOptions
from citegraph.graph.progress import SILENT
from citegraph.graph.stores import files as F


def _read_both(directory: Path):
    """The graph by the batched reader (which must take every row) and line by line."""
    batched, _ = F._load_once(directory, own_edges=True)
    checked, _ = F._load_once(directory, own_edges=False)
    return batched, checked


def _rehash(directory: Path, name: str) -> None:
    """Make the manifest describe ``name`` as it now is: what a deliberate edit of both
    files does, so only the row checks can catch the edit."""
    manifest = json.loads((directory / "manifest.json").read_text())
    data = (directory / name).read_bytes()
    manifest["files"][name] = {"lines": sum(1 for line in data.splitlines() if line.strip()),
                               "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    (directory / "manifest.json").write_text(json.dumps(manifest))


def _edit_edge(directory: Path, index: int, change) -> None:
    lines = (directory / "edges.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    row = json.loads(lines[index])
    change(row)
    lines[index] = json.dumps(row, ensure_ascii=False) + "\n"
    (directory / "edges.jsonl").write_text("".join(lines), encoding="utf-8")
    _rehash(directory, "edges.jsonl")


def test_the_batched_reader_gives_the_checked_graph(tmp_path, seed_files):
    kg = build(seed_files[:2], options=BuildOptions(similarity=False), progress=SILENT)
    kg.save(tmp_path / "g")
    batched, checked = _read_both(tmp_path / "g")
    assert batched.equals(checked, embeddings=True) and batched.equals(kg)
    # each node's neighbours in the same order: later stages read edges in graph order
    assert all(list(batched.g._succ[n]) == list(checked.g._succ[n]) for n in checked.g)
    assert load(tmp_path / "g").equals(kg)


def test_the_batched_reader_applies_shards(tmp_path, seed_files):
    options = BuildOptions(similarity=False)
    directory = tmp_path / "g"
    build(seed_files[:2], options=options, progress=SILENT).save(directory)
    grown = load(directory).append(seed_files[2:4], options=options, progress=SILENT)
    grown.save(directory)
    assert json.loads((directory / "manifest.json").read_text())["shards"] == [1]
    batched, checked = _read_both(directory)
    assert batched.equals(checked) and batched.equals(grown)
    assert all(list(batched.g._succ[n]) == list(checked.g._succ[n]) for n in checked.g)


def _set(field, value):
    return lambda row: row.__setitem__(field, value)


def _set_prop(field, value):
    return lambda row: row["properties"].__setitem__(field, value)


EDITS = {
    "dangling end": _set("end", "Paper:arxiv:9999.99999"),
    "unknown type": _set("type", "LOVES"),
    "key of another type": _set("key", "CITES"),
    "nested property value": _set_prop("score", {"a": 1}),
    "list of lists": _set_prop("evidence", [["x"]]),
    "reserved property": _set_prop("type", "CITES"),
    "start not a string": _set("start", 7),
    "properties not a map": _set("properties", [1]),
}


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_an_edit_under_a_matching_checksum_is_reported_by_line(tmp_path, edit):
    directory = tmp_path / "g"
    sample_graph().save(directory)
    _edit_edge(directory, 1, EDITS[edit])
    with pytest.raises(F._NotOwn):
        F._load_once(directory, own_edges=True)
    with pytest.raises(CorruptGraphError, match=r"edges\.jsonl:2: "):
        load(directory)


def test_two_values_on_one_line_are_not_read_as_two_rows(tmp_path):
    directory = tmp_path / "g"
    sample_graph().save(directory)
    lines = (directory / "edges.jsonl").read_text(encoding="utf-8").splitlines()
    lines[0:2] = [lines[0] + ", " + lines[1]]
    (directory / "edges.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    _rehash(directory, "edges.jsonl")
    with pytest.raises(CorruptGraphError, match=r"edges\.jsonl:1: not valid JSON"):
        load(directory)


def test_a_changed_value_under_the_old_checksum_is_refused(tmp_path):
    directory = tmp_path / "g"
    sample_graph().save(directory)
    data = (directory / "edges.jsonl").read_bytes()
    (directory / "edges.jsonl").write_bytes(data.replace(b"0.75", b"0.95"))
    with pytest.raises(CorruptGraphError, match=r"edges\.jsonl: its SHA-256 differs"):
        load(directory)
