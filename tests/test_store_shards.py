"""Append shards: a graph appended to the graph saved in a directory and saved back there
writes only what changed, and reads back as the whole graph, verified."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from citegraph import build, load
from citegraph.errors import CorruptGraphError, StoreError
from citegraph.graph.options import BuildOptions
from citegraph.graph.progress import SILENT
from citegraph.graph.stores import files as F
from citegraph.graph.stores.files import check_graph


def _options() -> BuildOptions:
    return BuildOptions(similarity=False)


def _manifest(directory: Path) -> dict:
    return json.loads((directory / "manifest.json").read_text())


@pytest.fixture(scope="module")
def saved(seed_files, tmp_path_factory):
    """A graph of two listings saved, then appended with a third and saved back."""
    directory = tmp_path_factory.mktemp("g") / "graph"
    build(seed_files[:2], options=_options(), progress=SILENT).save(directory)
    before = {name: (directory / name).read_bytes() for name in ("edges.jsonl",)}
    grown = load(directory).append(seed_files[2:3], options=_options(), progress=SILENT)
    grown.save(directory)
    return directory, before, grown


def test_an_append_saved_into_its_directory_writes_a_shard(saved, seed_files):
    directory, before, grown = saved
    manifest = _manifest(directory)
    assert manifest["version"] == 3 and manifest["shards"] == [1]
    # the edges already saved are not written again
    for name, data in before.items():
        assert (directory / name).read_bytes() == data
    shard = directory / "edges.0001.jsonl"
    assert 0 < shard.stat().st_size < len(before["edges.jsonl"]) + shard.stat().st_size
    assert sum(1 for _ in shard.open()) < grown.number_of_edges()
    again = load(directory)
    assert again.equals(grown)
    assert again.equals(build(seed_files[:3], options=_options(), progress=SILENT))
    assert check_graph(directory).checksums


def _copy_of(directory: Path, copy: Path) -> Path:
    """A copy of a saved graph's files (shards included) to append into."""
    copy.mkdir()
    for path in directory.iterdir():
        if path.is_file():
            (copy / path.name).write_bytes(path.read_bytes())
    return copy


def test_shards_pile_up_and_a_later_save_compacts_them(saved, seed_files, monkeypatch,
                                                       tmp_path):
    directory, _, _ = saved
    copy = _copy_of(directory, tmp_path / "graph")
    grown = load(copy).append(seed_files[3:4], options=_options(), progress=SILENT)
    grown.save(copy)
    assert _manifest(copy)["shards"] == [1, 2]
    full = build(seed_files[:4], options=_options(), progress=SILENT)
    assert load(copy).equals(full)
    monkeypatch.setattr(F, "MAX_SHARDS", 2)
    grown = load(copy).append(seed_files[4:], options=_options(), progress=SILENT)
    grown.save(copy)
    manifest = _manifest(copy)
    assert manifest["version"] == 2 and "shards" not in manifest
    assert not list(copy.glob("edges.000*.jsonl"))
    assert load(copy).equals(build(seed_files, options=_options(), progress=SILENT))


def test_a_save_elsewhere_or_over_a_newer_save_writes_the_whole_graph(saved, seed_files,
                                                                      tmp_path):
    directory, _, _ = saved
    base = load(directory)
    grown = base.append(seed_files[3:4], options=_options(), progress=SILENT)
    grown.save(tmp_path / "other")
    assert "shards" not in _manifest(tmp_path / "other")
    # the directory changed after the base was read: the whole graph, not a shard of it
    copy = tmp_path / "copy"
    base.save(copy)
    grown = load(copy).append(seed_files[3:4], options=_options(), progress=SILENT)
    build(seed_files[:1], options=_options(), progress=SILENT).save(copy)
    grown.save(copy)
    assert "shards" not in _manifest(copy)
    assert load(copy).equals(grown)
    # the graph appended to was changed in memory after it was read: the whole graph
    base = load(copy)
    base.add_node("Method", "a-method-added-by-hand", name="A method added by hand")
    grown = base.append(seed_files[4:], options=_options(), progress=SILENT)
    grown.save(copy)
    assert "shards" not in _manifest(copy)
    assert load(copy).equals(grown)


def test_a_damaged_shard_is_refused_naming_the_file(saved, tmp_path):
    directory, _, _ = saved
    copy = _copy_of(directory, tmp_path / "graph")
    shard = copy / "edges.0001.jsonl"
    lines = shard.read_text(encoding="utf-8").splitlines(keepends=True)
    shard.write_text("".join(lines[:-1]), encoding="utf-8")
    with pytest.raises(CorruptGraphError, match=r"edges\.0001\.jsonl"):
        load(copy)
    (copy / "edges.0001.jsonl").unlink()
    with pytest.raises(StoreError, match=r"edges\.0001\.jsonl"):
        load(copy)
