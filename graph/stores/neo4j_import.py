"""Bulk load: CSV files in the ``neo4j-admin database import`` format, and the import run.

:func:`write_import_csv` is a standalone writer (the exchange formats reuse it): one node
file per label with header ``key:ID(Label),:LABEL,prop:type,...`` and one relationship
file per (type, start label, end label) with ``:START_ID(Label),:END_ID(Label),:TYPE,...``.
Each label is its own ID space, so keys only need to be unique per label, as in the schema.
Lists are written as typed arrays (``authors:string[]``) joined by :data:`ARRAY_DELIMITER`.
Paper embeddings become three Paper columns, ``embedding:float[]`` (float32, as
:func:`~citegraph.graph.stores.neo4j_store.write_graph` stores them), ``embedding_hash``
and ``embedding_model``; the vector index is created once the server runs again.

:func:`bulk_import` runs ``neo4j-admin database import full`` into a **stopped** server's
database, which it **replaces**; it is much faster than transactional writes for a first
load, but cannot append.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from citegraph.atomic import atomic_write
from citegraph.graph import schema as S
from citegraph.graph.model import KnowledgeGraph
from citegraph.graph.stores.neo4j_conn import (
    DEFAULT_DATABASE,
    Neo4jStoreError,
    connect,
    settings,
)
from citegraph.graph.stores.neo4j_schema import ensure_schema
from citegraph.graph.stores.neo4j_vectors import ensure_vector_index, vector_rows

#: Column types that cannot be told from the values (vectors are float32, not double).
FIXED_TYPES: dict[str, str] = {S.EMBEDDING: "float[]"}

#: Separates array elements inside one CSV field (ASCII unit separator: never in text).
ARRAY_DELIMITER = "\x1f"
ARRAY_DELIMITER_OPTION = "U+001F"


@dataclass
class ImportFiles:
    """The CSV files of one graph: node files by label, relationship files by type."""

    directory: Path
    nodes: dict[str, list[Path]] = field(default_factory=lambda: defaultdict(list))
    relationships: dict[str, list[Path]] = field(default_factory=lambda: defaultdict(list))

    def arguments(self) -> list[str]:
        """The ``--nodes``/``--relationships`` options naming every file."""
        args = [f"--nodes={label}={path}" for label, paths in self.nodes.items()
                for path in paths]
        args += [f"--relationships={rel}={path}" for rel, paths in self.relationships.items()
                 for path in paths]
        return args


# --- typing columns -----------------------------------------------------------------------


def _native(value: Any) -> Any:
    """A numpy scalar as the Python value it holds (the model accepts both)."""
    if not isinstance(value, str | list | bool | int | float) and hasattr(value, "item"):
        return value.item()
    return value


def _scalar_type(value: Any) -> str:
    value = _native(value)
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "long"
    if isinstance(value, float):
        return "double"
    return "string"


def _column_type(values: Iterable[Any]) -> str:
    """The import type of a property from all its values (ints and floats make double)."""
    kinds: set[str] = set()
    is_array = False
    for value in values:
        if isinstance(value, list):
            is_array = True
            kinds.update(_scalar_type(v) for v in value)
        else:
            kinds.add(_scalar_type(value))
    if kinds == {"long", "double"}:
        kind = "double"
    elif len(kinds) == 1:
        kind = kinds.pop()
    else:
        kind = "string"
    return kind + ("[]" if is_array else "")


def _cell(value: Any) -> str:
    """One CSV field: strings quoted (so an empty string stays one), missing left empty."""
    value = _native(value)
    if value is None:
        return ""
    if isinstance(value, list):
        parts = []
        for item in value:
            text = _plain(item)
            if ARRAY_DELIMITER in text:
                raise Neo4jStoreError("a list value contains the array delimiter U+001F")
            parts.append(text)
        return _quote(ARRAY_DELIMITER.join(parts))
    if isinstance(value, str):
        return _quote(value)
    return _plain(value)


def _plain(value: Any) -> str:
    value = _native(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _write_csv(path: Path, header: list[str], rows: Iterable[list[Any]]) -> None:
    with atomic_write(path, "w") as fh:
        fh.write(",".join(header) + "\n")
        for row in rows:
            fh.write(",".join(_cell(v) for v in row) + "\n")


def _file_name(*parts: str) -> str:
    return "_".join(p.lower() for p in parts) + ".csv"


# --- the writer ----------------------------------------------------------------------------


def write_import_csv(kg: KnowledgeGraph, directory: str | Path) -> ImportFiles:
    """Write ``kg`` as neo4j-admin import CSV files into ``directory``; returns the files."""
    out = ImportFiles(Path(directory))
    out.directory.mkdir(parents=True, exist_ok=True)
    by_label: dict[str, list[dict[str, Any]]] = defaultdict(list)
    vectors = _paper_vectors(kg)
    for _, attrs in kg.nodes():
        if attrs[S.LABEL] == S.PAPER and attrs[S.KEY] in vectors:
            attrs = {**attrs, **vectors[attrs[S.KEY]]}
        by_label[attrs[S.LABEL]].append(attrs)
    for label, nodes in by_label.items():
        names = sorted({k for a in nodes for k in a} - {S.LABEL, S.KEY})
        header = [f"{S.KEY}:ID({label})", ":LABEL"] + [
            f"{name}:"
            f"{FIXED_TYPES.get(name) or _column_type(a[name] for a in nodes if name in a)}"
            for name in names
        ]
        path = out.directory / _file_name("nodes", label)
        _write_csv(path, header, ([a[S.KEY], label, *(a.get(n) for n in names)] for a in nodes))
        out.nodes[label].append(path)
    groups: dict[tuple[str, str, str], list[tuple[str, str, dict[str, Any]]]] = defaultdict(list)
    for start, end, ekey, attrs in kg.g.edges(keys=True, data=True):
        s_label, s_key = S.split_node_id(start)
        e_label, e_key = S.split_node_id(end)
        props = {k: v for k, v in attrs.items() if k != S.TYPE}
        disc = S.edge_discriminator(ekey)
        if disc:
            props[S.DISCRIMINATOR] = disc
        groups[(attrs[S.TYPE], s_label, e_label)].append((s_key, e_key, props))
    for (rel, s_label, e_label), edges in sorted(groups.items()):
        names = sorted({k for _, _, p in edges for k in p})
        header = [f":START_ID({s_label})", f":END_ID({e_label})", ":TYPE"] + [
            f"{name}:{_column_type(p[name] for _, _, p in edges if name in p)}"
            for name in names
        ]
        path = out.directory / _file_name("rels", rel, s_label, e_label)
        _write_csv(path, header,
                   ([s, e, rel, *(p.get(n) for n in names)] for s, e, p in edges))
        out.relationships[rel].append(path)
    return out


def _paper_vectors(kg: KnowledgeGraph) -> dict[str, dict[str, Any]]:
    """The embedding columns of each embedded paper, by key."""
    if kg.embeddings is None:
        return {}
    return {
        row["key"]: {S.EMBEDDING: row["vector"], S.EMBEDDING_HASH: row["hash"],
                     S.EMBEDDING_MODEL: row["model"]}
        for row in vector_rows(kg.embeddings)
    }


# --- running neo4j-admin --------------------------------------------------------------------


def project_script() -> Path:
    """``scripts/neo4j`` of the checkout this package runs from."""
    return Path(__file__).resolve().parents[2] / "scripts" / "neo4j"


def admin_command() -> list[str]:
    """How to run neo4j-admin: ``CITEGRAPH_NEO4J_ADMIN``, the project script, or PATH."""
    if os.environ.get("CITEGRAPH_NEO4J_ADMIN"):
        return shlex.split(os.environ["CITEGRAPH_NEO4J_ADMIN"])
    if project_script().exists():
        return [str(project_script()), "admin"]
    found = shutil.which("neo4j-admin")
    if found:
        return [found]
    raise Neo4jStoreError(
        "no neo4j-admin: run `scripts/neo4j install` or set CITEGRAPH_NEO4J_ADMIN"
    )


def import_arguments(files: ImportFiles, database: str) -> list[str]:
    return [
        "database", "import", "full", database, "--overwrite-destination=true",
        f"--array-delimiter={ARRAY_DELIMITER_OPTION}", "--multiline-fields=true",
        "--skip-bad-relationships=false", "--skip-duplicate-nodes=false",
        f"--report-file={files.directory / 'import.report'}",  # not into the working dir
        *files.arguments(),
    ]


def _server(action: str) -> None:
    proc = subprocess.run([str(project_script()), action], capture_output=True, text=True)
    if proc.returncode != 0:
        reason = (proc.stderr or proc.stdout).strip()
        raise Neo4jStoreError(f"scripts/neo4j {action} failed: {reason}")


def bulk_import(
    kg: KnowledgeGraph,
    database: str | None = None,
    *,
    manage_server: bool = False,
    admin: Sequence[str] | None = None,
    workdir: str | Path | None = None,
    uri: str | None = None,
    auth: tuple[str, str] | None = None,
) -> dict[str, int]:
    """Replace ``database`` with ``kg`` through ``neo4j-admin database import full``.

    The server must be stopped; with ``manage_server`` the project's ``scripts/neo4j``
    stops it first, starts it again afterwards and the constraints and indexes are
    created over ``uri``/``auth`` (default: the NEO4J_* environment), the vector index
    over the imported embeddings too. Otherwise the next
    :func:`~citegraph.graph.stores.neo4j_store.write_graph` creates them.
    ``database`` defaults to NEO4J_DATABASE, else ``neo4j``.
    Returns the node and relationship counts imported.
    """
    database = database or os.environ.get("NEO4J_DATABASE") or DEFAULT_DATABASE
    command = list(admin) if admin is not None else admin_command()
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        files = write_import_csv(kg, tmp)
        if manage_server:
            _server("stop")
        try:
            proc = subprocess.run([*command, *import_arguments(files, database)],
                                  capture_output=True, text=True)
        finally:
            if manage_server:
                _server("start")
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-15:])
        raise Neo4jStoreError(f"neo4j-admin import into {database!r} failed:\n{tail}")
    if manage_server:
        config = settings(uri, auth, database)
        driver = connect(config)
        try:
            ensure_schema(driver, config.database)
            if kg.embeddings is not None and len(kg.embeddings):
                with driver.session(database=config.database) as session:
                    ensure_vector_index(session, int(kg.embeddings.matrix.shape[1]))
        finally:
            driver.close()
    return {"nodes": kg.g.number_of_nodes(), "relationships": kg.g.number_of_edges()}
