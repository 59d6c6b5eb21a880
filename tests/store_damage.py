"""A small saved graph and the ways its directory gets damaged, for the store-safety tests.

Each damage is a function of the graph directory that changes it the way a crash, a full
disk, a bad copy or a hand edit would; the tests check that every one either still loads
the same graph or is reported in one line naming the file.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np

from citegraph.graph import schema as S
from citegraph.graph.model import KnowledgeGraph
from citegraph.graph.vectors import PaperVectors, content_hash


def sample_graph() -> KnowledgeGraph:
    """Six papers, two authors, three entities, every common edge type, embeddings of four
    papers; text with quotes, newlines and non-ASCII letters."""
    kg = KnowledgeGraph()
    papers = [kg.add_node(S.PAPER, f"arxiv:2401.0000{i}", title=f"Paper {i}: ünïcode “{i}”",
                          abstract=f"We use DPO.\nLine two of {i}.", year=2024, upvotes=i,
                          arxiv_id=f"2401.0000{i}",
                          authors=["Ada Lovelace", "Alan Turing"][: 1 + i % 2])
              for i in range(1, 7)]
    authors = [kg.add_node(S.AUTHOR, key, name=name)
               for key, name in (("lovelace-ada", "Ada Lovelace"), ("turing-alan", "Alan Turing"))]
    dpo = kg.add_node(S.METHOD, "dpo", name="Direct Preference Optimization", aliases=["DPO"],
                      entity_type="method", introduced=True)
    llama = kg.add_node(S.MODEL, "llama-3", name="Llama 3", entity_type="model")
    mmlu = kg.add_node(S.BENCHMARK, "mmlu", name="MMLU", entity_type="benchmark")
    for i, paper in enumerate(papers):
        kg.add_edge(S.MENTIONS, paper, dpo, count=1 + i, evidence=["We use DPO."])
        kg.add_edge(S.AUTHORED, authors[i % 2], paper, position=1)
    kg.add_edge(S.INTRODUCES, papers[0], dpo, evidence=["We introduce DPO."])
    kg.add_edge(S.EVALUATED_ON, llama, mmlu, count=2)
    kg.add_edge(S.CO_MENTIONED, llama, dpo, count=2, strength=0.5)
    kg.add_edge(S.SIMILAR_TO, papers[1], papers[2], score=0.75)
    kg.add_edge(S.CITES, papers[3], papers[0], inferred=False)
    kg.add_edge(S.CITES, papers[3], papers[0], discriminator="inferred", inferred=True, via=["dpo"])
    keys = [f"arxiv:2401.0000{i}" for i in range(1, 5)]
    kg.embeddings = PaperVectors("test-model", keys, [content_hash(k) for k in keys],
                                 np.arange(32, dtype=np.float32).reshape(4, 8) / 32)
    return kg


# --- helpers ------------------------------------------------------------------------------
def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines(keepends=True)


def _write_lines(path: Path, lines: list[str]) -> None:
    path.write_text("".join(lines), encoding="utf-8")


def _edit_row(name: str, index: int, change: Callable[[dict], None]) -> Callable[[Path], None]:
    def damage(d: Path) -> None:
        lines = _lines(d / name)
        row = json.loads(lines[index])
        change(row)
        lines[index] = json.dumps(row, ensure_ascii=False) + "\n"
        _write_lines(d / name, lines)
    return damage


def _edit_manifest(change: Callable[[dict], None]) -> Callable[[Path], None]:
    def damage(d: Path) -> None:
        manifest = json.loads((d / "manifest.json").read_text())
        change(manifest)
        (d / "manifest.json").write_text(json.dumps(manifest))
    return damage


def _truncate(name: str, fraction: float) -> Callable[[Path], None]:
    def damage(d: Path) -> None:
        data = (d / name).read_bytes()
        (d / name).write_bytes(data[: int(len(data) * fraction)])
    return damage


def _lines_edit(name: str, change: Callable[[list[str]], list[str]]) -> Callable[[Path], None]:
    return lambda d: _write_lines(d / name, change(_lines(d / name)))


def _flip_byte(name: str, old: bytes, new: bytes) -> Callable[[Path], None]:
    def damage(d: Path) -> None:
        data = (d / name).read_bytes()
        at = data.index(old)
        (d / name).write_bytes(data[:at] + new + data[at + len(old):])
    return damage


def _remove(name: str) -> Callable[[Path], None]:
    return lambda d: (d / name).unlink()


def _replace_with_directory(name: str) -> Callable[[Path], None]:
    def damage(d: Path) -> None:
        (d / name).unlink()
        (d / name).mkdir()
    return damage


def _npy(matrix: np.ndarray) -> Callable[[Path], None]:
    return lambda d: np.save(d / "embeddings.npy", matrix, allow_pickle=False)


def _vectors_index(change: Callable[[dict], None]) -> Callable[[Path], None]:
    def damage(d: Path) -> None:
        index = json.loads((d / "embeddings.json").read_text())
        change(index)
        (d / "embeddings.json").write_text(json.dumps(index))
    return damage


def _pop(field: str) -> Callable[[dict], None]:
    return lambda row: row.pop(field)


def _set(field: str, value) -> Callable[[dict], None]:
    def change(row: dict) -> None:
        row[field] = value
    return change


def _set_prop(field: str, value) -> Callable[[dict], None]:
    def change(row: dict) -> None:
        row["properties"][field] = value
    return change


def _dir_is_file(d: Path) -> None:
    shutil.rmtree(d)
    d.write_text("not a graph\n")


def _stale_files(d: Path) -> None:
    (d / ".nodes.jsonl.abc123.tmp").write_text('{"half": ')
    (d / ".citegraph-staging").mkdir()
    (d / ".citegraph-staging" / "nodes.jsonl").write_text("{broken")


def _unreadable(d: Path) -> None:
    os.chmod(d / "nodes.jsonl", 0)


N, E, M, V, VI = "nodes.jsonl", "edges.jsonl", "manifest.json", "embeddings.npy", "embeddings.json"

#: name -> (damage, the file a one-line report must name; None: the graph must load intact)
DAMAGES: dict[str, tuple[Callable[[Path], None], str | None]] = {
    # nodes.jsonl
    "nodes truncated mid-line": (_truncate(N, 0.5), N),
    "nodes truncated to 10%": (_truncate(N, 0.1), N),
    "nodes truncated to 90%": (_truncate(N, 0.9), N),
    "nodes last line dropped": (_lines_edit(N, lambda ls: ls[:-1]), N),
    "nodes final newline dropped": (_truncate(N, 1 - 1e-9), N),
    "nodes emptied": (_truncate(N, 0), N),
    "nodes byte changed inside a title": (_flip_byte(N, b"Paper 3", b"Paper 8"), N),
    "nodes byte changed in the structure": (_flip_byte(N, b'{"id"', b'{"iX"'), N),
    "nodes line deleted": (_lines_edit(N, lambda ls: ls[:2] + ls[3:]), N),
    "nodes line duplicated": (_lines_edit(N, lambda ls: ls + ls[2:3]), N),
    "nodes lines swapped": (_lines_edit(N, lambda ls: [ls[1], ls[0], *ls[2:]]), N),
    "nodes blank line added": (_lines_edit(N, lambda ls: [*ls[:2], "\n", *ls[2:]]), N),
    "nodes bad JSON line": (_lines_edit(N, lambda ls: [*ls[:3], "{oops\n", *ls[4:]]), N),
    "nodes not UTF-8": (_flip_byte(N, b"Paper 2", b"Paper \xff"), N),
    "nodes unknown label": (_edit_row(N, 0, _set("label", "Planet")), N),
    "nodes label missing": (_edit_row(N, 0, _pop("label")), N),
    "nodes properties not an object": (_edit_row(N, 0, _set("properties", [1])), N),
    "nodes id does not match key": (_edit_row(N, 0, _set("id", "Paper:other")), N),
    "nodes nested property value": (_edit_row(N, 0, _set_prop("title", {"a": 1})), N),
    "nodes reserved property": (_edit_row(N, 0, _set_prop("label", "Paper")), N),
    "nodes empty key": (_edit_row(N, 0, _set_prop("key", "")), N),
    "nodes key not a string": (_edit_row(N, 0, _set_prop("key", 12)), N),
    "nodes line is a list": (_lines_edit(N, lambda ls: ["[1, 2]\n", *ls[1:]]), N),
    "nodes file missing": (_remove(N), N),
    "nodes file is a directory": (_replace_with_directory(N), N),
    # edges.jsonl
    "edges truncated mid-line": (_truncate(E, 0.5), E),
    "edges truncated to 95%": (_truncate(E, 0.95), E),
    "edges last line dropped": (_lines_edit(E, lambda ls: ls[:-1]), E),
    "edges emptied": (_truncate(E, 0), E),
    "edges unknown type": (_edit_row(E, 0, _set("type", "LOVES")), E),
    "edges dangling end": (_edit_row(E, 0, _set("end", "Paper:arxiv:9999.99999")), E),
    "edges dangling start": (_edit_row(E, 1, _set("start", "Method:nothing")), E),
    "edges key does not match type": (_edit_row(E, 0, _set("key", "CITES")), E),
    "edges end label the type cannot join": (_edit_row(E, 1, _set("end", "Method:dpo")), E),
    "edges key with an empty discriminator": (_edit_row(E, 0, _set("key", "MENTIONS|")), E),
    "edges start not a string": (_edit_row(E, 0, _set("start", 7)), E),
    "edges line duplicated": (_lines_edit(E, lambda ls: ls + ls[:1]), E),
    "edges line deleted": (_lines_edit(E, lambda ls: ls[1:]), E),
    "edges bad JSON line": (_lines_edit(E, lambda ls: [*ls[:1], "not json\n", *ls[2:]]), E),
    "edges byte changed in a value": (_flip_byte(E, b"0.75", b"0.95"), E),
    "edges reserved property": (_edit_row(E, 0, _set_prop("type", "CITES")), E),
    "edges file missing": (_remove(E), E),
    # embeddings
    "embeddings.npy short": (_truncate(V, 0.5), V),
    "embeddings.npy header only": (_truncate(V, 0.3), V),
    "embeddings.npy extra row": (_npy(np.ones((5, 8), dtype=np.float32)), V),
    "embeddings.npy fewer rows": (_npy(np.ones((3, 8), dtype=np.float32)), V),
    "embeddings.npy float64": (_npy(np.ones((4, 8), dtype=np.float64)), V),
    "embeddings.npy one-dimensional": (_npy(np.ones(32, dtype=np.float32)), V),
    "embeddings.npy garbage": (lambda d: (d / V).write_bytes(os.urandom(300)), V),
    "embeddings.npy trailing bytes": (lambda d: (d / V).write_bytes((d / V).read_bytes() + b"x"),
                                      V),
    "embeddings.npy same shape other values": (_npy(np.ones((4, 8), dtype=np.float32)), V),
    "embeddings.npy missing": (_remove(V), V),
    "embeddings.json key dropped": (_vectors_index(lambda x: x["keys"].pop()), VI),
    "embeddings.json unknown paper": (_vectors_index(
        lambda x: x["keys"].__setitem__(0, "arxiv:0000.00000")), VI),
    "embeddings.json key twice": (_vectors_index(
        lambda x: x["keys"].__setitem__(1, x["keys"][0])), VI),
    "embeddings.json garbage": (lambda d: (d / VI).write_text("{]"), VI),
    "embeddings.json model missing": (_vectors_index(_pop("model")), VI),
    "embeddings.json missing": (_remove(VI), VI),
    # manifest.json
    "manifest missing": (_remove(M), M),
    "manifest garbage": (lambda d: (d / M).write_text("\x00garbage"), M),
    "manifest truncated": (_truncate(M, 0.5), M),
    "manifest not an object": (lambda d: (d / M).write_text("[1, 2]"), M),
    "manifest other format": (_edit_manifest(_set("format", "something-else")), M),
    "manifest newer version": (_edit_manifest(_set("version", 99)), M),
    "manifest version not a number": (_edit_manifest(_set("version", "2")), M),
    "manifest newer schema": (_edit_manifest(_set("schema_version", 99)), M),
    "manifest counts missing": (_edit_manifest(_pop("counts")), M),
    "manifest files missing": (_edit_manifest(_pop("files")), M),
    "manifest file entry malformed": (_edit_manifest(
        lambda m: m["files"]["nodes.jsonl"].pop("sha256")), M),
    "manifest names an unknown file": (_edit_manifest(
        lambda m: m["files"].__setitem__("../../etc/passwd", m["files"]["nodes.jsonl"])), M),
    "manifest lists only one embeddings file": (_edit_manifest(
        lambda m: m["files"].pop("embeddings.json")), M),
    "manifest wrong paper count": (_edit_manifest(
        lambda m: m["counts"]["nodes"].__setitem__("Paper", 7)), M),
    "manifest wrong edge count": (_edit_manifest(
        lambda m: m["counts"]["edges"].__setitem__("CITES", 1)), M),
    "manifest wrong line count": (_edit_manifest(
        lambda m: m["files"]["edges.jsonl"].__setitem__("lines", 3)), E),
    "manifest wrong checksum": (_edit_manifest(
        lambda m: m["files"]["nodes.jsonl"].__setitem__("sha256", "0" * 64)), N),
    "manifest is a directory": (_replace_with_directory(M), M),
    # the directory itself
    "directory is a file": (_dir_is_file, ""),
    "directory missing": (lambda d: shutil.rmtree(d), ""),
    "nodes file unreadable": (_unreadable, N),
    # leftovers of interrupted writers: harmless
    "stale temporary and staging files": (_stale_files, None),
}
