"""The embedded default store: a graph saved to a directory of JSON Lines files.

Format ``citegraph-graph`` version 2 (documented in the README):

- ``manifest.json``: format name and version, schema version, counts per label and type,
  and per file its records, bytes and SHA-256; written last;
- ``nodes.jsonl``: one node a line, ``{"id", "label", "properties"}``;
- ``edges.jsonl``: one edge a line, ``{"start", "end", "key", "type", "properties"}``;
- ``embeddings.npy`` and ``embeddings.json`` when the graph has paper embeddings.

A save is staged and swapped in under a writer lock (:mod:`.graph_dir`), so the previous
graph stays readable until the new one is complete. A load verifies everything it reads
against the schema and the manifest and reports the first problem in one line naming the
file and line; version 1 directories (no checksums) are still read and checked.
"""

from __future__ import annotations

import json
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
from citegraph.graph.model import KnowledgeGraph
from citegraph.graph.stores import graph_dir as D
from citegraph.graph.vectors import PaperVectors

FORMAT_NAME = D.FORMAT_NAME
FORMAT_VERSION = 2
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
    for u, v, k, attrs in kg.g.edges(keys=True, data=True):
        yield {"start": u, "end": v, "key": k, "type": attrs[S.TYPE],
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
    that is not a citegraph graph is refused unless ``force``. ``on_warning`` receives the
    one warning a save can give (values with characters UTF-8 cannot hold, replaced);
    by default it is issued with :func:`warnings.warn`.
    """
    D.check_output(directory, force)
    encoder = _Encoder()
    with D.writer_lock(directory):
        staging = D.staging_directory(directory)
        try:
            files = {NODES: _write_lines(staging / NODES, _node_rows(kg), encoder),
                     EDGES: _write_lines(staging / EDGES, _edge_rows(kg), encoder)}
            vectors = kg.embeddings
            if vectors is not None and len(vectors):
                clean = PaperVectors(encoder.clean(vectors.model), encoder.clean(vectors.keys),
                                     encoder.clean(vectors.hashes), vectors.matrix)
                files.update(clean.save(staging))
            manifest = {
                "format": FORMAT_NAME,
                "version": FORMAT_VERSION,
                "schema_version": S.SCHEMA_VERSION,
                "counts": kg.stats(),
                "embeddings_model": vectors.model if vectors is not None else None,
                "files": {name: digest.to_json() for name, digest in files.items()},
            }
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
    if encoder.replaced:
        message = (f"{encoder.replaced} value(s) held characters UTF-8 cannot store (lone "
                   f"surrogates); saved in {directory} with U+FFFD in their place")
        if on_warning is None:
            warnings.warn(message, stacklevel=2)
        else:
            on_warning(message)
    return directory


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
        raise StoreError(f"{path}: not a citegraph graph (format {_short(found)})")
    version = manifest.get("version")
    if type(version) is not int or version < 1:
        raise CorruptGraphError(f"{path}: malformed manifest: version {_short(version)}")
    if version > FORMAT_VERSION:
        raise StoreError(f"{path}: written by a newer citegraph (format version {version}, "
                         f"this one reads up to {FORMAT_VERSION})")
    schema = manifest.get("schema_version", S.SCHEMA_VERSION)
    if type(schema) is not int or schema > S.SCHEMA_VERSION:
        raise StoreError(f"{path}: written with schema version {_short(schema)}, this "
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
        unknown = sorted(set(files) - set(D.GRAPH_FILES))
        if unknown:
            raise CorruptGraphError(f"{path}: names an unknown file {_short(unknown[0])}")
        if (D.VECTORS in files) != (D.VECTORS_INDEX in files):
            raise CorruptGraphError(f"{path}: lists only one of {D.VECTORS} and "
                                    f"{D.VECTORS_INDEX}")
        manifest["files"] = {name: FileDigest.from_json(entry, f"{path}: {name}")
                             for name, entry in files.items()}
    return path, manifest


def load_graph(directory: Path) -> KnowledgeGraph:
    """Read a graph saved by :func:`save_graph`, verified (see :func:`check_graph`)."""
    return _load(directory)[0]


def check_graph(directory: Path) -> GraphSummary:
    """Verify a saved graph: manifest fields; every node's label and every edge's type
    against the schema; ids, duplicates and dangling edges; counts per label and type,
    records, sizes and SHA-256 against the manifest; embeddings' shape against their
    keys. The first problem raises :class:`CorruptGraphError` (one line, file and line)."""
    kg, manifest = _load(directory)
    return GraphSummary(kg.g.number_of_nodes(), kg.g.number_of_edges(),
                        len(kg.embeddings) if kg.embeddings is not None else 0,
                        "files" in manifest)


def _load(directory: Path) -> tuple[KnowledgeGraph, dict[str, Any]]:
    """Load and verify; a load that raced a save's commit (the manifest changed while the
    files were read) is retried once, on the new graph."""
    raw = _manifest_bytes(directory)
    try:
        return _load_once(directory)
    except CorruptGraphError:
        if raw is None or raw == _manifest_bytes(directory):
            raise
    return _load_once(directory)


def _manifest_bytes(directory: Path) -> bytes | None:
    try:
        return D.read_current_manifest(directory)[1]
    except (OSError, CitegraphError):
        return None


def _load_once(directory: Path) -> tuple[KnowledgeGraph, dict[str, Any]]:
    manifest_path, manifest = read_manifest(directory)
    files: dict[str, FileDigest] | None = manifest.get("files")
    kg = KnowledgeGraph()
    shared = _Strings()
    _read_file(directory, NODES, files, lambda rows: _add_nodes(kg, rows, shared))
    _read_file(directory, EDGES, files, lambda rows: _add_edges(kg, rows, shared))
    shared.clear()
    _check_counts(kg, manifest["counts"], manifest_path)
    has_vectors = (D.VECTORS in files if files is not None
                   else (directory / D.VECTORS_INDEX).exists())
    if has_vectors:
        kg.embeddings = _read_vectors(directory, files)
        _check_vector_keys(kg, kg.embeddings, directory)
    return kg, manifest


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


class _Strings:
    """One string object per distinct value while a graph is read.

    Every JSON line decodes into fresh strings, so without this each edge would hold its
    own copies of its end nodes' ids, of the property names and of every paper key in its
    evidence: the same text many times over. Node ids map to the graph's own key objects;
    names, short values and list items to the first copy seen.
    """

    #: Longer scalar strings (titles, abstracts) are rarely repeated: not pooled.
    SHORT = 64

    def __init__(self) -> None:
        self.ids: dict[str, str] = {}
        self._pool: dict[str, str] = {}

    def name(self, text: str) -> str:
        return self._pool.setdefault(text, text)

    def clear(self) -> None:
        """Forget the pool once the graph is read (the graph keeps the strings)."""
        self.ids.clear()
        self._pool.clear()

    def props(self, props: dict[str, Any]) -> dict[str, Any]:
        pool = self._pool.setdefault
        out: dict[str, Any] = {}
        for name, value in props.items():
            kind = type(value)
            if kind is str:
                if len(value) <= self.SHORT:
                    value = pool(value, value)
            elif kind is list:
                value = [pool(x, x) if type(x) is str else x for x in value]
            out[pool(name, name)] = value
        return out


def _add_nodes(kg: KnowledgeGraph, rows: Iterator[tuple[Path, int, Any]],
               shared: _Strings) -> None:
    nodes = kg.g._node  # noqa: SLF001 - bulk insert; the graph is new and private here
    succ, pred = kg.g._succ, kg.g._pred  # noqa: SLF001
    for path, lineno, row in rows:
        nid, label, props = (row.get("id"), row.get("label"), row.get("properties")
                             ) if type(row) is dict else (None, None, None)
        if type(nid) is not str or type(label) is not str or type(props) is not dict:
            raise CorruptGraphError(f"{path}:{lineno}: malformed node (needs id, label, "
                                    "properties)")
        if label not in S.NODE_KIND_BY_LABEL:
            raise CorruptGraphError(f"{path}:{lineno}: unknown node label {_short(label)} "
                                    "(not in this citegraph's schema)")
        key = props.get(S.KEY)
        if type(key) is not str or not key or nid != S.node_id(label, key):
            raise CorruptGraphError(f"{path}:{lineno}: node id {_short(nid)} does not match "
                                    f"its label and key {_short(key)}")
        _check_properties(props, S.LABEL, path, lineno)
        if nid in nodes:
            raise CorruptGraphError(f"{path}:{lineno}: node {_short(nid)} appears twice")
        # what networkx's add_node does for a new node, without its per-call overhead
        nodes[nid] = {S.LABEL: shared.name(label), **shared.props(props)}
        succ[nid] = {}
        pred[nid] = {}
        shared.ids[nid] = nid
    _clear_networkx_cache(kg)


def _add_edges(kg: KnowledgeGraph, rows: Iterator[tuple[Path, int, Any]],
               shared: _Strings) -> None:
    succ, pred = kg.g._succ, kg.g._pred  # noqa: SLF001 - bulk insert, as for nodes
    ids = shared.ids
    for path, lineno, row in rows:
        start, end, key, rel, props = (
            row.get("start"), row.get("end"), row.get("key"), row.get("type"),
            row.get("properties")) if type(row) is dict else (None,) * 5
        if (type(start) is not str or type(end) is not str or type(key) is not str
                or type(rel) is not str or type(props) is not dict):
            raise CorruptGraphError(f"{path}:{lineno}: malformed edge (needs start, end, key, "
                                    "type, properties)")
        if rel not in S.REL_KIND_BY_TYPE:
            raise CorruptGraphError(f"{path}:{lineno}: unknown relationship type "
                                    f"{_short(rel)} (not in this citegraph's schema)")
        if key != rel and key.partition("|")[0] != rel:
            raise CorruptGraphError(f"{path}:{lineno}: edge key {_short(key)} does not match "
                                    f"its type {rel}")
        u, v = ids.get(start), ids.get(end)
        for end_name, nid, found in (("start", start, u), ("end", end, v)):
            if found is None:
                raise CorruptGraphError(f"{path}:{lineno}: dangling edge: its {end_name} node "
                                        f"{_short(nid)} is not in {NODES}")
        _check_properties(props, S.TYPE, path, lineno)
        # what networkx's add_edge does for a multigraph: one key dict shared by both sides
        keydict = succ[u].get(v)
        if keydict is None:
            keydict = succ[u][v] = pred[v][u] = {}
        elif key in keydict:
            raise CorruptGraphError(f"{path}:{lineno}: edge {_short(key)} from {_short(start)} "
                                    f"to {_short(end)} appears twice")
        keydict[shared.name(key)] = {S.TYPE: shared.name(rel), **shared.props(props)}
    _clear_networkx_cache(kg)


def _clear_networkx_cache(kg: KnowledgeGraph) -> None:
    """Drop whatever networkx cached about the graph before the bulk insert."""
    import networkx as nx

    clear = getattr(nx, "_clear_cache", None)
    if clear is not None:
        clear(kg.g)


#: Types of the values every store holds: scalars, and flat lists of them.
_SCALARS = frozenset({str, int, float, bool, type(None)})


def _check_properties(props: dict[str, Any], reserved: str, path: Path, lineno: int) -> None:
    """No property under the reserved name (the label or type), and only values every
    store can hold."""
    if reserved in props:
        raise CorruptGraphError(f"{path}:{lineno}: property {reserved!r} is reserved")
    for name, value in props.items():
        kind = type(value)
        if kind in _SCALARS or (kind is list and all(type(x) in _SCALARS for x in value)):
            continue
        raise CorruptGraphError(f"{path}:{lineno}: property {_short(name)} holds a "
                                f"{kind.__name__} no store can hold")


def _check_counts(kg: KnowledgeGraph, counts: dict[str, dict[str, int]], manifest: Path) -> None:
    found = {"nodes": Counter(a[S.LABEL] for _, a in kg.g.nodes(data=True)),
             "edges": Counter(a[S.TYPE] for _, _, a in kg.g.edges(data=True))}
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
            raise CorruptGraphError(f"{directory / D.VECTORS_INDEX}: key {_short(key)} is not "
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


def _int_map(value: Any) -> bool:
    return isinstance(value, dict) and all(
        isinstance(k, str) and type(n) is int and n >= 0 for k, n in value.items())


def _short(value: Any, limit: int = 80) -> str:
    """A value for a one-line message: its repr, cut at ``limit`` characters."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
