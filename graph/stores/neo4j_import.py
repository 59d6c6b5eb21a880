"""Bulk load: the ``neo4j-admin database import`` CSV files of a graph, and the import run.

:func:`write_import_csv` writes the layout of :mod:`~citegraph.graph.stores.neo4j_csv` (the
exchange formats reuse it): per node label and per relationship type and end labels, one
header file and parts of bounded size. Every header is decided first, on this process; the
parts are then written here, or by Ray tasks in parallel when the options say
``engine="ray"`` (:mod:`citegraph.graph.ray_import`). Either way the files are the same.
Paper embeddings become ``embedding:float[]``, ``embedding_hash`` and ``embedding_model``
columns; the vector index is created once the server runs again.

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
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from citegraph.atomic import fsync_dir
from citegraph.graph.model import KnowledgeGraph
from citegraph.graph.stores.neo4j_conn import (
    DEFAULT_DATABASE,
    Neo4jStoreError,
    connect,
    settings,
)
from citegraph.graph.stores.neo4j_csv import (
    ARRAY_DELIMITER,
    ARRAY_DELIMITER_OPTION,
    ImportFiles,
    iter_parts,
    plan_import,
    remove_stale_parts,
    write_header,
    write_part,
)
from citegraph.graph.stores.neo4j_schema import ensure_schema
from citegraph.graph.stores.neo4j_vectors import ensure_vector_index

if TYPE_CHECKING:
    from citegraph.graph.options import BuildOptions

__all__ = ["ARRAY_DELIMITER", "ImportFiles", "bulk_import", "import_arguments",
           "write_import_csv"]


def write_import_csv(kg: KnowledgeGraph, directory: str | Path,
                     options: BuildOptions | None = None) -> ImportFiles:
    """Write ``kg`` as neo4j-admin import files into ``directory``; returns the files.

    With ``options.engine == "ray"`` the parts are written by Ray tasks (the cluster of
    ``options.ray_address``, or a local instance), so ``directory`` must be a path every
    worker sees. Every file is written into a staging folder inside ``directory`` and
    renamed into place once all are written, so a write that fails leaves the files
    already there as they were.
    """
    directory = Path(directory)
    try:
        plan = plan_import(kg)
    except Neo4jStoreError as exc:
        raise Neo4jStoreError(f"cannot write import files into {directory}: {exc}") from None
    directory.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=".staging-", dir=directory))
    try:
        if options is not None and options.engine == "ray":
            from citegraph.graph.ray_import import write_parts_distributed

            write_parts_distributed(kg, plan, stage, options)
        else:
            for part in iter_parts(kg, plan):
                write_part(stage, part.group, part.index, part.rows)
        for group in plan.groups:
            write_header(stage, group)
        for path in sorted(stage.iterdir()):
            os.replace(path, directory / path.name)
        fsync_dir(directory)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    remove_stale_parts(directory, plan)
    return plan.files(directory)


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
    files: ImportFiles | None = None,
    options: BuildOptions | None = None,
) -> dict[str, int]:
    """Replace ``database`` with ``kg`` through ``neo4j-admin database import full``.

    The server must be stopped; with ``manage_server`` the project's ``scripts/neo4j``
    stops it first, starts it again afterwards and the constraints and indexes are
    created over ``uri``/``auth`` (default: the NEO4J_* environment), the vector index
    over the imported embeddings too. Otherwise the next
    :func:`~citegraph.graph.stores.neo4j_store.write_graph` creates them.
    ``database`` defaults to NEO4J_DATABASE, else ``neo4j``. ``files`` are import files
    already written for ``kg`` (:func:`write_import_csv`); without them they are written
    into a temporary directory (under ``workdir``), on Ray when ``options`` say so.
    Returns the node and relationship counts imported.
    """
    database = database or os.environ.get("NEO4J_DATABASE") or DEFAULT_DATABASE
    command = list(admin) if admin is not None else admin_command()
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        if files is None:
            files = write_import_csv(kg, tmp, options)
        arguments = import_arguments(files, database)
        if manage_server:
            _server("stop")
        try:
            proc = subprocess.run([*command, *arguments], capture_output=True, text=True)
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
    return {"nodes": kg.number_of_nodes(), "relationships": kg.number_of_edges()}
