"""The embedded default store: a graph saved to a directory of JSON Lines files.

Format ``citegraph-graph`` version 1 (documented in the README):

- ``manifest.json``: format name and version, schema version, counts per label and type;
- ``nodes.jsonl``: one node a line, ``{"id", "label", "properties"}``;
- ``edges.jsonl``: one edge a line, ``{"start", "end", "key", "type", "properties"}``;
- ``embeddings.npy`` and ``embeddings.json`` when the graph has paper embeddings.

Files are written beside their final names and moved into place, so an interrupted save
never leaves a half-written graph behind a complete-looking manifest.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from citegraph.graph import schema as S
from citegraph.graph.model import GraphError, KnowledgeGraph
from citegraph.graph.vectors import VECTORS_FILE, VECTORS_INDEX_FILE, PaperVectors

FORMAT_NAME = "citegraph-graph"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
NODES = "nodes.jsonl"
EDGES = "edges.jsonl"


class StoreError(GraphError):
    """A graph directory that cannot be read (missing, another format, a newer version)."""


def _write_lines(path: Path, rows) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False, sort_keys=True))
            fh.write("\n")
    os.replace(tmp, path)


def save_graph(kg: KnowledgeGraph, directory: Path) -> Path:
    """Write ``kg`` into ``directory`` (created if needed); returns the directory."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / MANIFEST).unlink(missing_ok=True)  # incomplete until rewritten last
    _write_lines(
        directory / NODES,
        (
            {"id": nid, "label": attrs[S.LABEL],
             "properties": {k: v for k, v in attrs.items() if k != S.LABEL}}
            for nid, attrs in kg.g.nodes(data=True)
        ),
    )
    _write_lines(
        directory / EDGES,
        (
            {"start": u, "end": v, "key": k, "type": attrs[S.TYPE],
             "properties": {p: x for p, x in attrs.items() if p != S.TYPE}}
            for u, v, k, attrs in kg.g.edges(keys=True, data=True)
        ),
    )
    if kg.embeddings is not None and len(kg.embeddings):
        kg.embeddings.save(directory)
    else:
        for name in (VECTORS_FILE, VECTORS_INDEX_FILE):
            (directory / name).unlink(missing_ok=True)
    manifest = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "schema_version": S.SCHEMA_VERSION,
        "counts": kg.stats(),
        "embeddings_model": kg.embeddings.model if kg.embeddings is not None else None,
    }
    tmp = directory / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, directory / MANIFEST)
    return directory


def read_manifest(directory: Path) -> dict:
    """The manifest of a saved graph, checked for format and version."""
    path = directory / MANIFEST
    if not directory.is_dir():
        raise StoreError(f"{directory}: no such graph directory")
    if not path.exists():
        raise StoreError(f"{directory}: not a citegraph graph directory (no {MANIFEST})")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise StoreError(f"{path}: unreadable manifest: {exc}") from None
    if manifest.get("format") != FORMAT_NAME:
        raise StoreError(f"{path}: not a citegraph graph (format {manifest.get('format')!r})")
    if manifest.get("version", 0) > FORMAT_VERSION:
        raise StoreError(
            f"{path}: written by a newer citegraph (format version {manifest['version']}, "
            f"this one reads up to {FORMAT_VERSION})"
        )
    return manifest


def load_graph(directory: Path) -> KnowledgeGraph:
    """Read a graph saved by :func:`save_graph`."""
    read_manifest(directory)
    kg = KnowledgeGraph()
    for lineno, row in _read_lines(directory / NODES):
        try:
            kg.g.add_node(row["id"], **{S.LABEL: row["label"]}, **row["properties"])
        except (KeyError, TypeError):
            raise StoreError(f"{directory / NODES}:{lineno}: malformed node") from None
    for lineno, row in _read_lines(directory / EDGES):
        try:
            kg.g.add_edge(row["start"], row["end"], key=row["key"], **{S.TYPE: row["type"]},
                          **row["properties"])
        except (KeyError, TypeError):
            raise StoreError(f"{directory / EDGES}:{lineno}: malformed edge") from None
    kg.embeddings = PaperVectors.load(directory)
    return kg


def _read_lines(path: Path):
    if not path.exists():
        raise StoreError(f"{path}: missing from the graph directory")
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            if line.strip():
                try:
                    yield lineno, json.loads(line)
                except ValueError:
                    raise StoreError(f"{path}:{lineno}: not valid JSON") from None
