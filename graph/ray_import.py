"""The parts of the neo4j-admin import files written by Ray tasks, in parallel.

The driver holds the graph, so it deals the rows: it decides every header first
(:func:`~citegraph.graph.stores.neo4j_csv.plan_import`), then cuts the rows into the same
parts the local writer writes and puts each part's rows into the object store; one task per
part formats it and writes it with the atomic-write helper. At most two parts per worker
are in flight, so the object store holds a bounded share of the graph at a time. Formatting
(quoting, number and array text) is the bulk of the work and runs on the workers; the
driver's share is collecting the rows and pickling them.

The folder the parts go to (the staging folder inside the import directory) must be a
path every worker can write (a shared filesystem on a cluster), as the input paths must be
readable by every worker.
"""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import TYPE_CHECKING, Any

from citegraph.errors import CitegraphError, EngineError
from citegraph.graph.ray_reading import blob
from citegraph.graph.stores.neo4j_csv import Group, ImportPlan, iter_parts, write_part

if TYPE_CHECKING:
    from citegraph.graph.model import KnowledgeGraph
    from citegraph.graph.options import BuildOptions

#: Parts in flight per worker: one being written, one waiting in the object store.
IN_FLIGHT_PER_WORKER = 2


def _write_part(directory: str, group: Group, index: int, rows: bytes) -> int:
    """A Ray task: format and write one part; returns its rows."""
    return write_part(Path(directory), group, index, pickle.loads(rows))


def write_parts_distributed(kg: KnowledgeGraph, plan: ImportPlan, directory: Path,
                            options: BuildOptions) -> int:
    """Write every part of ``plan`` with Ray tasks; returns the rows written.

    Joins the running Ray instance, the cluster of ``options.ray_address``, or starts a
    local one for the write. A task that fails ends the write with one line (an error of
    the writer itself, such as a full disk, is raised as it was).
    """
    from citegraph.graph.ray_engine import session, workers

    with session(options) as ray:
        task = ray.remote(num_cpus=1)(_write_part)
        limit = IN_FLIGHT_PER_WORKER * workers()
        pending: list[Any] = []
        written = 0
        try:
            for part in iter_parts(kg, plan):
                if len(pending) >= limit:
                    done, pending = ray.wait(pending, num_returns=1)
                    written += sum(ray.get(done))
                pending.append(task.remote(str(directory), part.group, part.index,
                                           blob(part.rows)))
            written += sum(ray.get(pending))
        except ray.exceptions.RayTaskError as exc:
            cause = getattr(exc, "cause", None)
            if isinstance(cause, CitegraphError | OSError):
                raise cause from None
            raise EngineError(f"writing import files on Ray failed: {_first_line(exc)}") from exc
        except ray.exceptions.RayError as exc:
            raise EngineError(f"writing import files on Ray failed: {_first_line(exc)}") from exc
    return written


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


__all__ = ["write_parts_distributed"]
