"""The embedded default store: a graph saved to a directory of JSON Lines files.

Format ``citegraph-graph`` version 2, or 3 with append shards (documented in the README):

- ``manifest.json``: format name and version, schema version, counts per label and type,
  and per file its records, bytes and SHA-256; written last;
- ``nodes.jsonl``: one node a line, ``{"id", "label", "properties"}``;
- ``edges.jsonl``: one edge a line, ``{"start", "end", "key", "type", "properties"}``;
- ``embeddings.npy`` and ``embeddings.json`` when the graph has paper embeddings;
- ``entities.jsonl`` when the build extracted entities: what each paper taught the corpus
  pass and the entities found in it, so an append extracts only what changed;
- ``edges.0001.jsonl``, ... (version 3): append shards, in the order the manifest's
  ``shards`` lists them. A save of a graph appended to the one saved in the same directory
  (and nothing saved there since) writes the nodes again but, of the edges, only those it
  added or changed (whole rows) and removal rows for those it dropped: the edges file is
  most of a graph's bytes, and an append changes few of its edges. A load applies the
  shards in order; a save that is not such an append, or the one after
  :data:`MAX_SHARDS` shards, writes the whole graph without shards.

A save is staged and swapped in under a writer lock (:mod:`.graph_dir`), so the previous
graph stays readable until the new one is complete. A load verifies everything it reads
against the schema and the manifest and reports the first problem in one line naming the
file and line; version 1 directories (no checksums) are still read and checked.
"""

from __future__ import annotations

import hashlib
import json
import os
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from citegraph.atomic import atomic_write, fsync_dir, write_bytes_atomic
from citegraph.digest import FileDigest, HashingReader, HashingWriter
from citegraph.errors import CitegraphError, CorruptGraphError, StoreError
from citegraph.graph import schema as S
from citegraph.graph.bulk import GraphLoader, short
from citegraph.graph.collector import collector_paused
from citegraph.graph.in_place import EdgeLog
from citegraph.graph.model import KnowledgeGraph
from citegraph.graph.stores import graph_dir as D
from citegraph.graph.vectors import PaperVectors

FORMAT_NAME = D.FORMAT_NAME
FORMAT_VERSION = 3
MANIFEST, NODES, EDGES = D.MANIFEST, D.NODES, D.EDGES

__all__ = ["FORMAT_NAME", "FORMAT_VERSION", "StoreError", "GraphSummary", "check_graph",
           "load_graph", "save_graph"]


# --- saving ------------------------------------------------------------------------------------
class _Encoder:
    """Rows to UTF-8 JSON lines; a string that UTF-8 cannot hold (a lone surrogate) has
    its unpaired surrogates replaced by U+FFFD, and every such value is counted."""

    def __init__(self) -> None:
        self.replaced = 0

    def line(self, row: dict[str, Any]) -> bytes:
        text = json.dumps(row, ensure_ascii=False, sort_keys=True)
        try:
            return text.encode("utf-8")
        except UnicodeEncodeError:
            return json.dumps(self.clean(row), ensure_ascii=False, sort_keys=True).encode()

    def clean(self, value: Any) -> Any:
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                self.replaced += 1
                # a well-formed pair becomes its character, a lone half U+FFFD
                return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
            return value
        if isinstance(value, dict):
            return {self.clean(k): self.clean(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.clean(v) for v in value]
        return value


def _node_rows(kg: KnowledgeGraph) -> Iterator[dict[str, Any]]:
    for nid, attrs in kg.g.nodes(data=True):
        yield {"id": nid, "label": attrs[S.LABEL],
               "properties": {k: v for k, v in attrs.items() if k != S.LABEL}}


def _edge_rows(kg: KnowledgeGraph) -> Iterator[dict[str, Any]]:
    for u, v, k, rel, attrs in kg.keyed_edges():
        yield {"start": u, "end": v, "key": k, "type": rel,
               "properties": {p: x for p, x in attrs.items() if p != S.TYPE}}


def _write_lines(path: Path, rows: Iterable[dict[str, Any]], encoder: _Encoder) -> FileDigest:
    with atomic_write(path, "wb") as fh:
        out = HashingWriter(fh)
        for row in rows:
            out.write_line(encoder.line(row))
        return out.finish()


def save_graph(kg: KnowledgeGraph, directory: Path, *, force: bool = False,
               on_warning: Callable[[str], None] | None = None) -> Path:
    """Write ``kg`` into ``directory`` (created if needed); returns the directory.

    The new graph is staged and swapped in under the writer lock; a non-empty directory
    that is not a citegraph graph is refused unless ``force``. A graph appended to the
    graph saved in ``directory`` (and nothing saved there since) is written as an append
    shard: its nodes, and of its edges only those added, changed or removed (see
    :func:`_edge_delta`).
    ``on_warning`` receives the one warning a save can give (values with characters UTF-8
    cannot hold, replaced); by default it is issued with :func:`warnings.warn`.
    """
    D.check_output(directory, force)
    encoder = _Encoder()
    with D.writer_lock(directory):
        previous = _shard_base(kg, directory)
        staging = D.staging_directory(directory)
        try:
            if previous is None:
                files = {NODES: _write_lines(staging / NODES, _node_rows(kg), encoder),
                         EDGES: _write_lines(staging / EDGES, _edge_rows(kg), encoder)}
                shards: list[int] = []
            else:
                files, shards = _write_shard(kg, staging, previous, encoder)
            vectors = kg.embeddings
            if vectors is not None and len(vectors):
                clean = PaperVectors(encoder.clean(vectors.model), encoder.clean(vectors.keys),
                                     encoder.clean(vectors.hashes), vectors.matrix)
                files.update(clean.save(staging))
            if kg.entity_cache is not None:
                files[D.ENTITIES] = _write_lines(staging / D.ENTITIES, kg.entity_cache.rows(),
                                                 encoder)
            manifest = {
                "format": FORMAT_NAME,
                # a graph without shards stays readable by readers of version 2
                "version": FORMAT_VERSION if shards else 2,
                "schema_version": S.SCHEMA_VERSION,
                "counts": kg.stats(),
                "embeddings_model": vectors.model if vectors is not None else None,
                "files": {name: digest.to_json() for name, digest in files.items()},
            }
            if shards:
                manifest["shards"] = shards
            data = (json.dumps(manifest, indent=2) + "\n").encode("ascii")
            fsync_dir(staging)
            with D.signals_deferred():
                write_bytes_atomic(staging / MANIFEST, data)  # the commit point
                fsync_dir(staging)
                D.roll_forward(directory)
        except OSError as exc:
            D.discard_staging(directory)
            raise D.fs_error(exc, staging, "cannot write the graph") from None
        except BaseException:
            D.discard_staging(directory)
            raise
    kg.saved_at = (os.path.realpath(directory), hashlib.sha256(data).hexdigest(), change_stamp(kg))
    kg.base = None  # saved: the graph it extends is no longer needed
    kg.edge_log = None  # and what an append changed in place is saved
    if encoder.replaced:
        message = (f"{encoder.replaced} value(s) held characters UTF-8 cannot store (lone "
                   f"surrogates); saved in {directory} with U+FFFD in their place")
        if on_warning is None:
            warnings.warn(message, stacklevel=2)
        else:
            on_warning(message)
    return directory


# --- append shards -----------------------------------------------------------------------
#: Shards kept before a save writes the whole graph again (reading each costs a little).
MAX_SHARDS = 8

#: What an append shard is written from: its edge rows (made when written) and the
#: manifest of the saved graph it extends.
_Previous = tuple[Callable[[], Iterator[dict[str, Any]]], dict[str, Any]]


def _shard_base(kg: KnowledgeGraph, directory: Path) -> _Previous | None:
    """The edge rows of ``kg``'s shard and the manifest of the saved graph it extends, when
    ``kg`` can be written as one more shard: ``kg`` was appended to the graph loaded from
    ``directory`` (a new graph beside it, or that graph changed in place), neither changed
    otherwise since, nothing was saved there since, and the graph has fewer than
    :data:`MAX_SHARDS` shards."""
    log, base = kg.edge_log, kg.base
    if log is not None:
        if log.origin is None or log.stamp != change_stamp(kg):
            return None  # changed in memory before the append, or after it
        saved_at = log.origin
        rows = lambda: _logged_delta(kg, log)  # noqa: E731
    elif base is not None and base.saved_at is not None:
        saved_at = base.saved_at
        if saved_at[2] != change_stamp(base):
            return None  # changed in memory since it was read
        rows = lambda: _edge_delta(kg, base)  # noqa: E731
    else:
        return None
    path, sha, _ = saved_at
    if path != os.path.realpath(directory):
        return None  # saved elsewhere
    try:
        _, manifest = read_manifest(directory)
    except (CitegraphError, OSError):
        return None
    if manifest["_sha256"] != sha or "files" not in manifest:
        return None
    if len(manifest.get("shards", ())) >= MAX_SHARDS:
        return None  # compact: the whole graph again
    return rows, manifest


def change_stamp(kg: KnowledgeGraph) -> tuple[int, int, int]:
    """What tells a graph changed in memory since it was read or saved: its change count
    and sizes."""
    return kg._changes, kg.number_of_nodes(), kg.number_of_edges()  # noqa: SLF001


def _edge_delta(kg: KnowledgeGraph, base: KnowledgeGraph) -> Iterator[dict[str, Any]]:
    """Edge rows of what ``kg`` adds to or changes in ``base`` (whole rows), then removal
    rows (``{"start", "end", "key", "removed": true}``) for what it drops."""
    for u, v, k, rel, attrs in kg.keyed_edges():
        if base.edge(u, v, k) != attrs:
            yield {"start": u, "end": v, "key": k, "type": rel,
                   "properties": {p: x for p, x in attrs.items() if p != S.TYPE}}
    for u, v, k, _, _ in base.keyed_edges():
        if not kg.has_edge(u, v, k):
            yield {"start": u, "end": v, "key": k, "removed": True}


def _logged_delta(kg: KnowledgeGraph, log: EdgeLog) -> Iterator[dict[str, Any]]:
    """Edge rows of what an in-place append changed: the whole row of every edge it
    touched that the graph has with other properties than before (or had not), a removal
    row for every one it had before and has no more."""
    for (u, v, k), before in log.before.items():
        attrs = kg.edge(u, v, k)
        if attrs is not None:
            if before is None or attrs != before:
                yield {"start": u, "end": v, "key": k, "type": attrs[S.TYPE],
                       "properties": {p: x for p, x in attrs.items() if p != S.TYPE}}
        elif before is not None:
            yield {"start": u, "end": v, "key": k, "removed": True}


def _write_shard(kg: KnowledgeGraph, staging: Path, previous: _Previous, encoder: _Encoder
                 ) -> tuple[dict[str, FileDigest], list[int]]:
    """Write the nodes in full (the smaller file; an append builds on their order) and the
    edges as the next shard; returns the manifest's file list so far (the edge files
    already saved, unchanged, and the new ones) and the shard numbers."""
    delta, manifest = previous
    shards = [*manifest.get("shards", ()), max(manifest.get("shards", ()), default=0) + 1]
    files = {name: digest for name, digest in manifest["files"].items()
             if name == EDGES or D.SHARD.fullmatch(name)}
    files[NODES] = _write_lines(staging / NODES, _node_rows(kg), encoder)
    name = D.shard_file(shards[-1])
    files[name] = _write_lines(staging / name, delta(), encoder)
    return files, shards


# --- loading and verifying ----------------------------------------------------------------
@dataclass
class GraphSummary:
    """What :func:`check_graph` found: counts, and whether checksums were compared."""

    nodes: int
    edges: int
    embeddings: int
    checksums: bool


def read_manifest(directory: Path) -> tuple[Path, dict[str, Any]]:
    """``(path, manifest)`` of a saved graph, checked for format, version and fields."""
    if not directory.exists():
        raise StoreError(f"{directory}: no such graph directory")
    if not directory.is_dir():
        raise StoreError(f"{directory}: not a directory")
    try:
        path, data = D.read_current_manifest(directory)
    except FileNotFoundError:
        raise StoreError(f"{directory}: not a citegraph graph directory (no {MANIFEST})") from None
    try:
        manifest = json.loads(data)
    except ValueError as exc:
        raise CorruptGraphError(f"{path}: unreadable manifest ({_first_line(exc)})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
        found = manifest.get("format") if isinstance(manifest, dict) else None
        raise StoreError(f"{path}: not a citegraph graph (format {short(found)})")
    version = manifest.get("version")
    if type(version) is not int or version < 1:
        raise CorruptGraphError(f"{path}: malformed manifest: version {short(version)}")
    if version > FORMAT_VERSION:
        raise StoreError(f"{path}: written by a newer citegraph (format version {version}, "
                         f"this one reads up to {FORMAT_VERSION})")
    schema = manifest.get("schema_version", S.SCHEMA_VERSION)
    if type(schema) is not int or schema > S.SCHEMA_VERSION:
        raise StoreError(f"{path}: written with schema version {short(schema)}, this "
                         f"citegraph knows up to {S.SCHEMA_VERSION}")
    counts = manifest.get("counts")
    if (not isinstance(counts, dict)
            or not all(_int_map(counts.get(part)) for part in ("nodes", "edges"))):
        raise CorruptGraphError(f"{path}: malformed manifest: 'counts' needs nodes and edges "
                                "counts")
    if version >= 2:
        files = manifest.get("files")
        if not isinstance(files, dict) or NODES not in files or EDGES not in files:
            raise CorruptGraphError(f"{path}: malformed manifest: 'files' must list {NODES} "
                                    f"and {EDGES}")
        unknown = sorted(name for name in files if not D.is_graph_file(name))
        if unknown:
            raise CorruptGraphError(f"{path}: names an unknown file {short(unknown[0])}")
        if (D.VECTORS in files) != (D.VECTORS_INDEX in files):
            raise CorruptGraphError(f"{path}: lists only one of {D.VECTORS} and "
                                    f"{D.VECTORS_INDEX}")
        manifest["files"] = {name: FileDigest.from_json(entry, f"{path}: {name}")
                             for name, entry in files.items()}
        _check_shards(manifest, path)
    manifest["_sha256"] = hashlib.sha256(data).hexdigest()  # which save this is
    return path, manifest


def _check_shards(manifest: dict[str, Any], path: Path) -> None:
    """Shard numbers increasing, each with its file listed, and no other shard file."""
    shards = manifest.get("shards", [])
    if (not isinstance(shards, list) or not all(type(n) is int and n > 0 for n in shards)
            or shards != sorted(set(shards))):
        raise CorruptGraphError(f"{path}: malformed manifest: 'shards' must be increasing "
                                "shard numbers")
    wanted = {D.shard_file(n) for n in shards}
    listed = {name for name in manifest["files"] if D.SHARD.fullmatch(name)}
    if wanted != listed:
        name = sorted(wanted ^ listed)[0]
        raise CorruptGraphError(f"{path}: shard file {name} is "
                                f"{'not listed' if name in wanted else 'not a listed shard'}")


def load_graph(directory: Path) -> KnowledgeGraph:
    """Read a graph saved by :func:`save_graph`, verified (see :func:`check_graph`; the
    edges file is read by the batched path of :func:`_read_own_edges`, with the same
    outcome)."""
    return _load(directory, own_edges=True)[0]


def check_graph(directory: Path) -> GraphSummary:
    """Verify a saved graph: manifest fields; every node's label and every edge's type
    against the schema; ids, duplicates and dangling edges; counts per label and type,
    records, sizes and SHA-256 against the manifest; embeddings' shape against their
    keys. The first problem raises :class:`CorruptGraphError` (one line, file and line)."""
    kg, manifest = _load(directory, own_edges=False)
    return GraphSummary(kg.number_of_nodes(), kg.number_of_edges(),
                        len(kg.embeddings) if kg.embeddings is not None else 0,
                        "files" in manifest)


def _load(directory: Path, *, own_edges: bool) -> tuple[KnowledgeGraph, dict[str, Any]]:
    """Load and verify; a load that raced a save's commit (the manifest changed while the
    files were read) is retried once, on the new graph. With ``own_edges`` the edges file
    of a manifest with checksums is read by :func:`_read_own_edges`; when a row or the
    checksum surprises that path, the graph is read again line by line, which names the
    first problem."""
    raw = _manifest_bytes(directory)
    with collector_paused():
        try:
            return _load_trying_own(directory, own_edges)
        except CorruptGraphError:
            if raw is None or raw == _manifest_bytes(directory):
                raise
        return _load_trying_own(directory, own_edges)


def _load_trying_own(directory: Path, own_edges: bool) -> tuple[KnowledgeGraph, dict[str, Any]]:
    if own_edges:
        try:
            return _load_once(directory, own_edges=True)
        except _NotOwn:
            pass  # the graph half-built is dropped here, before the checked read
    return _load_once(directory, own_edges=False)


def _manifest_bytes(directory: Path) -> bytes | None:
    try:
        return D.read_current_manifest(directory)[1]
    except (OSError, CitegraphError):
        return None


def _load_once(directory: Path, *, own_edges: bool) -> tuple[KnowledgeGraph, dict[str, Any]]:
    manifest_path, manifest = read_manifest(directory)
    files: dict[str, FileDigest] | None = manifest.get("files")
    loader = GraphLoader(CorruptGraphError)
    edges_over = _read_shards(directory, files, manifest.get("shards", []))
    _read_file(directory, NODES, files, lambda rows: _add_nodes(loader, rows))
    if own_edges and files is not None:
        _read_own_edges(directory, files, loader, edges_over)
    else:
        _read_file(directory, EDGES, files,
                   lambda rows: _add_edges(loader, _overlay(rows, edges_over, _edge_ident)))
    kg = loader.kg
    kg.saved_at = (os.path.realpath(directory), manifest["_sha256"], change_stamp(kg))
    _check_counts(kg, manifest["counts"], manifest_path)
    has_vectors = (D.VECTORS in files if files is not None
                   else (directory / D.VECTORS_INDEX).exists())
    if has_vectors:
        kg.embeddings = _read_vectors(directory, files)
        _check_vector_keys(kg, kg.embeddings, directory)
    if files is not None and D.ENTITIES in files:
        _read_file(directory, D.ENTITIES, files, lambda rows: _read_entity_cache(kg, rows))
    return kg, manifest


Located = tuple[Path, int, Any]  # (file, line, row)


def _edge_ident(row: Any) -> Any:
    if type(row) is not dict:
        return None
    ident = (row.get("start"), row.get("end"), row.get("key"))
    return ident if all(type(x) is str for x in ident) else None


@dataclass
class _Overrides:
    """What the shards say of edges: the last row per edge identity (a removal row
    included), and which identities a shard added or changed before a later one."""

    rows: dict[Any, Located]
    touched: set[Any]


def _read_shards(directory: Path, files: dict[str, FileDigest] | None, shards: list[int]
                 ) -> _Overrides:
    """The edge rows of every shard, in order, each file verified against the manifest."""
    over = _Overrides({}, set())

    def consume(rows: Iterator[Located]) -> None:
        for path, lineno, row in rows:
            key = _edge_ident(row)
            if key is None:
                raise CorruptGraphError(f"{path}:{lineno}: malformed shard row (needs the "
                                        "edge's start, end and key)")
            if key in over.rows and over.rows[key][2].get("removed") is not True:
                over.touched.add(key)
            over.rows[key] = (path, lineno, row)

    for number in shards:
        _read_file(directory, D.shard_file(number), files, consume)
    return over


def _overlay(rows: Iterator[Located], over: _Overrides, ident: Callable[[Any], Any]
             ) -> Iterator[Located]:
    """The saved rows with the shards applied: a changed row in its place, a removed one
    left out, added ones at the end."""
    if not over.rows:
        yield from rows
        return
    pending = dict(over.rows)
    for located in rows:
        found = pending.pop(ident(located[2]), None)
        if found is not None:
            located = found
            if located[2].get("removed") is True:
                continue
        yield located
    for key, (path, lineno, row) in pending.items():
        if row.get("removed") is True:
            if key in over.touched:  # added by an earlier shard, removed by a later one
                continue
            raise CorruptGraphError(f"{path}:{lineno}: removes {short(key)}, which is not in "
                                    "the graph")
        yield path, lineno, row


# --- the edges file as this tool wrote it -------------------------------------------------
class _NotOwn(Exception):
    """The edges file is not as this tool wrote it: read the graph again, checking all."""


#: Lines decoded by one JSON call on the fast path (one array rather than a call a line).
_BATCH = 4096


def _read_own_edges(directory: Path, files: dict[str, FileDigest], loader: GraphLoader,
                    over: _Overrides) -> None:
    """The edges file, with the shards applied, read as the writer wrote it: lines decoded
    in batches (one JSON call per batch) and added by :meth:`GraphLoader.own_edges`, with
    the checks of the line-by-line reader. The file's lines, size and SHA-256 must then
    match the manifest. A mismatch, or any row that path does not take, raises
    :class:`_NotOwn`, and the caller reads the graph again line by line
    (:func:`_add_edges`), which names the problem's file and line."""
    path, fh = D.open_graph_file(directory, EDGES)
    with fh:
        reader = HashingReader(fh)
        try:
            loader.own_edges(_own_batches(reader, over))
            found = reader.finish()
        except OSError as exc:
            raise D.fs_error(exc, path, "cannot read") from None
        except Exception:  # noqa: BLE001 - whatever a surprising row raised: check it all
            raise _NotOwn from None
    if files[EDGES].mismatch(found):
        raise _NotOwn


def _own_batches(reader: HashingReader, over: _Overrides) -> Iterator[list[Any]]:
    """Rows of the edges file in batches, with the shards applied as :func:`_overlay`
    applies them (a changed row in its place, a removed one left out, added ones last)."""
    pending = {key: located[2] for key, located in over.rows.items()}
    batch: list[bytes] = []
    for _, line in reader.lines():
        batch.append(line)
        if len(batch) == _BATCH:
            yield _overlaid(_decoded(batch), pending)
            batch = []
    if batch:
        yield _overlaid(_decoded(batch), pending)
    tail = []
    for key, row in pending.items():
        if row.get("removed") is True:
            if key not in over.touched:
                raise _NotOwn  # removes an edge the graph lacks: the checked read says so
            continue
        tail.append(row)
    yield tail


def _decoded(lines: list[bytes]) -> list[Any]:
    rows = _decode_json("[" + b",".join(lines).decode("utf-8") + "]")
    if len(rows) != len(lines):  # a line held more than one value
        raise _NotOwn
    return rows


def _overlaid(rows: list[Any], pending: dict[Any, Any]) -> list[Any]:
    if not pending:
        return rows
    out = []
    for row in rows:
        found = pending.pop((row["start"], row["end"], row["key"]), None)
        if found is not None:
            if found.get("removed") is True:
                continue
            row = found
        out.append(row)
    return out


def _read_entity_cache(kg: KnowledgeGraph, rows: Iterator[tuple[Path, int, Any]]) -> None:
    from citegraph.graph.entity_cache import EntityCache

    try:
        kg.entity_cache = EntityCache.from_rows(rows)
    except ValueError as exc:
        raise CorruptGraphError(str(exc)) from None


def _read_file(directory: Path, name: str, files: dict[str, FileDigest] | None,
               consume: Callable[[Iterator[tuple[Path, int, Any]]], None]) -> None:
    """Stream one JSON Lines file through ``consume``, then compare it with the manifest."""
    path, fh = D.open_graph_file(directory, name)
    with fh:
        reader = HashingReader(fh)
        try:
            consume(_json_rows(path, reader))
            found = reader.finish()
        except OSError as exc:
            raise D.fs_error(exc, path, "cannot read") from None
    expected = files.get(name) if files is not None else None
    if expected is not None:
        problem = expected.mismatch(found)
        if problem:
            raise CorruptGraphError(f"{path}: {problem}")


_decode_json = json.JSONDecoder().decode


def _json_rows(path: Path, reader: HashingReader) -> Iterator[tuple[Path, int, Any]]:
    for lineno, line in reader.lines():
        try:
            yield path, lineno, _decode_json(line.decode("utf-8"))
        except ValueError as exc:
            kind = "not UTF-8" if isinstance(exc, UnicodeDecodeError) else "not valid JSON"
            raise CorruptGraphError(f"{path}:{lineno}: {kind}") from None


def _add_nodes(loader: GraphLoader, rows: Iterator[tuple[Path, int, Any]]) -> None:
    for path, lineno, row in rows:
        nid, label, props = (row.get("id"), row.get("label"), row.get("properties")
                             ) if type(row) is dict else (None, None, None)
        if type(nid) is not str or type(label) is not str or type(props) is not dict:
            raise CorruptGraphError(f"{path}:{lineno}: malformed node (needs id, label, "
                                    "properties)")
        loader.node(label, props.get(S.KEY), props, nid=nid, where=f"{path}:{lineno}")


def _add_edges(loader: GraphLoader, rows: Iterator[tuple[Path, int, Any]]) -> None:
    for path, lineno, row in rows:
        start, end, key, rel, props = (
            row.get("start"), row.get("end"), row.get("key"), row.get("type"),
            row.get("properties")) if type(row) is dict else (None,) * 5
        if (type(start) is not str or type(end) is not str or type(key) is not str
                or type(rel) is not str or type(props) is not dict):
            raise CorruptGraphError(f"{path}:{lineno}: malformed edge (needs start, end, key, "
                                    "type, properties)")
        loader.edge(rel, start, end, props, key=key, where=f"{path}:{lineno}")


def _check_counts(kg: KnowledgeGraph, counts: dict[str, dict[str, int]], manifest: Path) -> None:
    found = {"nodes": Counter(a[S.LABEL] for _, a in kg.g.nodes(data=True)),
             "edges": Counter({rel: n for rel, n in kg.stats()["edges"].items() if n})}
    for part, file_name in (("nodes", NODES), ("edges", EDGES)):
        expected = counts[part]
        for kind in sorted(set(expected) | set(found[part])):
            want, have = expected.get(kind, 0), found[part].get(kind, 0)
            if want != have:
                raise CorruptGraphError(f"{manifest}: counts {want} {kind} {part}, "
                                        f"{file_name} holds {have}")


def _read_vectors(directory: Path, files: dict[str, FileDigest] | None) -> PaperVectors:
    npy_path, npy = D.open_graph_file(directory, D.VECTORS)
    with npy:
        index_path, index = D.open_graph_file(directory, D.VECTORS_INDEX)
        with index:
            npy_reader, index_reader = HashingReader(npy), HashingReader(index)
            try:
                vectors = PaperVectors.read(npy_reader, npy_path, index_reader, index_path)
                found = {D.VECTORS: npy_reader.finish(), D.VECTORS_INDEX: index_reader.finish()}
            except OSError as exc:
                raise D.fs_error(exc, npy_path.parent, "cannot read the embeddings") from None
    if files is not None:
        for name, path in ((D.VECTORS_INDEX, index_path), (D.VECTORS, npy_path)):
            found[name].lines = files[name].lines  # binary files: no records to count
            problem = files[name].mismatch(found[name])
            if problem:
                raise CorruptGraphError(f"{path}: {problem}")
    return vectors


def _check_vector_keys(kg: KnowledgeGraph, vectors: PaperVectors, directory: Path) -> None:
    for key in vectors.keys:
        if S.node_id(S.PAPER, key) not in kg.g:
            raise CorruptGraphError(f"{directory / D.VECTORS_INDEX}: key {short(key)} is not "
                                    f"a paper of {NODES}")


def load_vector_cache(directory: Path) -> PaperVectors | None:
    """The embeddings of the graph in ``directory`` to reuse on a rebuild, or None when
    there is no readable graph there (a rebuild then embeds everything)."""
    try:
        _, manifest = read_manifest(directory)
        files = manifest.get("files")
        if files is None and not (directory / D.VECTORS_INDEX).exists():
            return None
        if files is not None and D.VECTORS not in files:
            return None
        return _read_vectors(directory, files)
    except (CitegraphError, OSError):
        return None


def load_base(directory: Path) -> KnowledgeGraph | None:
    """The graph an append extends: the last complete graph in ``directory``, verified;
    None for a new or empty directory. Graph files without a manifest (an incomplete or
    damaged graph) are refused rather than silently replaced by the new papers alone."""
    try:
        D.read_current_manifest(directory)
    except (OSError, CitegraphError):
        found = [name for name in D.GRAPH_FILES if (directory / name).exists()]
        if found:
            raise StoreError(f"{directory}: holds {found[0]} but no {MANIFEST}, so not a "
                             "complete graph; --append will not build on it (restore the "
                             "graph, or build without --append)") from None
        return None
    return load_graph(directory)


def load_build_caches(directory: Path) -> tuple[PaperVectors | None, Any]:
    """The embeddings and the entity results (:class:`EntityCache`) of the graph in
    ``directory``, for a rebuild to reuse; None for each that is missing or unreadable
    (a rebuild then computes it)."""
    entities = None
    try:
        _, manifest = read_manifest(directory)
        files = manifest.get("files")
        if files is not None and D.ENTITIES in files:
            holder = KnowledgeGraph()
            _read_file(directory, D.ENTITIES, files,
                       lambda rows: _read_entity_cache(holder, rows))
            entities = holder.entity_cache
    except (CitegraphError, OSError):
        entities = None
    return load_vector_cache(directory), entities


def _int_map(value: Any) -> bool:
    return isinstance(value, dict) and all(
        isinstance(k, str) and type(n) is int and n >= 0 for k, n in value.items())


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
