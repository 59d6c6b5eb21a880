"""The per-paper work of the entity stage, split into chunks of papers for other processes.

Both passes of the extractor read one paper at a time: the corpus pass depends on the
paper alone, extraction on the paper and what the corpus pass learnt. So each pass splits
into chunks of papers (:func:`chunked`, shared with the Ray engine) that a pool of local
worker processes runs while the build waits; results come back in paper order, so the
graph does not depend on the number of workers.

Workers start by ``forkserver`` (``spawn`` where there is none), never by forking the
build's large heap, and each builds its extractor once, from the gazetteer file names, the
model name and, for extraction, what the corpus pass learnt. Chunks go out as plain
``(paper key, title, abstract)`` tuples and a bounded number are in flight at a time, so
the pool holds a few chunks of texts, not the corpus. A paper the extractor fails on stops
the build with one line naming the paper; a worker that dies (killed, out of memory) stops
it with one line too, never a hang.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import sys
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from citegraph.errors import EngineError, GraphError
from citegraph.graph.collector import collector_paused

if TYPE_CHECKING:
    from citegraph.graph.extract import Entity, Extractor
    from citegraph.graph.extract.extractor import Learnt

T = TypeVar("T")
#: ``(paper key, title, abstract)``: what a worker needs of one paper.
Paper = tuple[str, str, str]
#: What a worker's extractor is built from: gazetteer files, model file, learnt corpus.
Setup = tuple[list[str], str | None, bytes | None]

#: Papers per task: large enough that a task's overhead (a few milliseconds) is noise,
#: small enough that the chunks spread evenly over the workers.
CHUNK = 256
#: Fewer papers than this per worker run in the build's own process: starting a worker
#: (about half a second: imports, gazetteer, model) would cost more than it saves.
MIN_PAPERS_PER_WORKER = 1000
#: Chunks in flight per worker: enough to keep every worker busy while results are taken.
IN_FLIGHT = 2


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity, not the machine's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def worker_count(workers: int | None, papers: int) -> int:
    """How many processes a pass over ``papers`` papers uses: ``workers`` (None = the
    usable cores), fewer when there is too little work to share; 1 means this process."""
    wanted = usable_cores() if workers is None else workers
    if isinstance(wanted, bool) or not isinstance(wanted, int) or wanted < 1:
        raise EngineError(f"workers must be a whole number of at least 1, not {workers!r}")
    return max(1, min(wanted, papers // MIN_PAPERS_PER_WORKER))


def chunked(items: Sequence[T], size: int | None = None) -> list[Sequence[T]]:
    """``items`` cut into consecutive chunks of ``size`` (None = :data:`CHUNK`; the last
    may be shorter)."""
    size = size or CHUNK
    return [items[start:start + size] for start in range(0, len(items), size)]


# --- per paper, in a worker ------------------------------------------------------------
_extractor: Extractor | None = None  # this worker's extractor, built once by _start


def _start(gazetteer: list[str], model: str | None, learned: bytes | None) -> None:
    """Build the worker's extractor: rules only for the corpus pass (``learned`` None), the
    decision model and the corpus names and long forms for extraction."""
    global _extractor
    from citegraph.graph.extract import Extractor

    _extractor = Extractor(extra_files=gazetteer, model=model, rules_only=learned is None)
    if learned is not None:
        _extractor.corpus, _extractor.acronyms = pickle.loads(learned)


def each_paper(papers: Sequence[Paper], run: Callable[[str, str], T],
               advance: Callable[[], Any] | None = None) -> list[T]:
    """``run(title, abstract)`` of each paper, in order (in a worker, or in the build with
    one worker); a failure stops with one line naming its paper."""
    out = []
    for key, title, abstract in papers:
        try:
            out.append(run(title, abstract))
        except Exception as exc:
            raise GraphError(f"paper {key}: entity extraction failed "
                             f"({type(exc).__name__}: {exc})") from None
        if advance is not None:
            advance()
    return out


def learn_chunk(papers: Sequence[Paper]) -> list[Learnt]:
    """The corpus pass over one chunk, in a worker."""
    assert _extractor is not None
    return each_paper(papers, _extractor.learnt)


def extract_chunk(papers: Sequence[Paper]) -> list[list[Entity]]:
    """Extraction over one chunk, in a worker."""
    assert _extractor is not None
    return each_paper(papers, _extractor.extract)


# --- in the build --------------------------------------------------------------------------
def _context() -> Any:
    """Worker processes that do not inherit the build's heap."""
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        # workers fork from a server that has imported the extractor once
        context.set_forkserver_preload(["citegraph.graph.extract"])
        return context
    return multiprocessing.get_context("spawn")


def run_pool(papers: Sequence[Paper], job: Callable[[Sequence[Paper]], list[T]],
             workers: int, setup: Setup,
             advance: Callable[[int], Any]) -> list[T]:
    """``job`` over ``papers`` in chunks on ``workers`` processes, each started by
    :func:`_start` with ``setup``; the results in paper order. ``advance`` is called with
    each chunk's size as its results arrive."""
    out: list[T] = []
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=_context(),
                               initializer=_start, initargs=setup)
    try:
        # the results are kept, none is garbage: no collection walks the heap meanwhile
        with _main_script_hidden(), collector_paused():
            for part in _ordered(pool, job, chunked(papers), workers * IN_FLIGHT):
                out.extend(part)
                advance(len(part))
    except BrokenProcessPool:
        raise GraphError("an entity extraction worker stopped before it finished (killed, "
                         "or out of memory); rerun with fewer --workers or --workers 1"
                         ) from None
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return out


@contextmanager
def _main_script_hidden() -> Iterator[None]:
    """While the pool runs (its workers start on demand), the caller's main script is not
    named to new processes: each would run it again as its first step, and a script that
    builds a graph at top level (no ``if __name__ == "__main__"`` guard) would start its
    build in every worker. Workers need nothing from it: they run this module's functions
    on plain data."""
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if path is None or getattr(main, "__spec__", None) is not None:
        yield  # no script, or run as a module (``-m``): workers leave it alone
        return
    del main.__file__
    try:
        yield
    finally:
        main.__file__ = path


def _ordered(pool: ProcessPoolExecutor, job: Callable[[Sequence[Paper]], list[T]],
             chunks: list[Sequence[Paper]], window: int) -> Iterator[list[T]]:
    """Each chunk's result in chunk order, with at most ``window`` chunks submitted and
    not yet taken (so the texts in flight stay a few chunks, whatever the corpus)."""
    pending: deque[Future[list[T]]] = deque()
    for chunk in chunks:
        pending.append(pool.submit(job, chunk))
        if len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()
