"""Write transactions on several Neo4j sessions at once, results handed back in order.

One session keeps the server busy only while it executes; the client packs the next batch
and the server commits the last one in turn. With two or more sessions, one batch is
being packed or sent while another executes and a third commits, so the server's cores and
the client overlap. Each batch is still one transaction run through the driver's retrying
``execute_write``, so a deadlock between sessions or a lost leader is retried, never
half-applied.

Results are consumed in submission order on the caller's thread, so progress callbacks
and counters need no locking, and an exception raised by a callback (or a batch) stops
the submission of further batches.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

#: Sessions writing at once: two keep a local server's cores busy; more help a remote one.
DEFAULT_WORKERS = 2


class BatchRows(list):
    """A batch's rows as a query parameter: a list whose ``repr`` is its length.

    The driver formats every RUN message for its debug log whether or not debug logging
    is on; for thousands of rows (or of 384-float vectors) that ``repr`` costs more than
    packing and sending them, and would copy the whole batch into a debug log.
    """

    def __repr__(self) -> str:
        return f"<{len(self)} rows>"


class BatchPool:
    """A fixed set of sessions running submitted write batches; use as a context manager."""

    def __init__(self, driver, database: str, workers: int = DEFAULT_WORKERS) -> None:
        self._driver = driver
        self._database = database
        self._workers = max(1, workers)
        self._executor = ThreadPoolExecutor(self._workers, thread_name_prefix="neo4j-write")
        self._local = threading.local()
        self._sessions: list[Any] = []
        self._lock = threading.Lock()
        self._pending: deque[tuple[Future, Callable[[Any], None] | None]] = deque()

    def __enter__(self) -> BatchPool:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        # After a failure, batches not started yet are dropped; running ones finish.
        self._executor.shutdown(wait=True, cancel_futures=exc_type is not None)
        self._pending.clear()
        for session in self._sessions:
            session.close()

    def _session(self):
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._driver.session(database=self._database)
            self._local.session = session
            with self._lock:
                self._sessions.append(session)
        return session

    def _run(self, work: Callable[..., Any], args: tuple) -> Any:
        return self._session().execute_write(work, *args)

    def submit(
        self,
        work: Callable[..., Any],
        *args: Any,
        then: Callable[[Any], None] | None = None,
        bounded: bool = True,
    ) -> None:
        """Run ``work(tx, *args)`` in a write transaction; ``then(result)`` runs here, in order.

        ``bounded`` keeps at most two batches per session in flight (finishing the oldest
        first), so rows built for submission do not pile up in memory; ``bounded=False``
        queues at once and returns, freeing the caller for other work while they run.
        """
        if bounded:
            while len(self._pending) >= 2 * self._workers:
                self._finish_oldest()
        self._pending.append((self._executor.submit(self._run, work, args), then))

    def _finish_oldest(self) -> None:
        future, then = self._pending.popleft()
        result = future.result()
        if then is not None:
            then(result)

    def wait(self) -> None:
        """Finish every submitted batch, in submission order."""
        while self._pending:
            self._finish_oldest()
