"""How long-running stages report progress without knowing who displays it.

The pipeline takes a :class:`Progress`; the CLI passes one that draws rich progress bars,
the Python API a silent one by default.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Protocol


class Stage(Protocol):
    """A running stage: advance it as work items finish."""

    def advance(self, n: int = 1) -> None: ...


class Progress(Protocol):
    """Opens stages; each is a context manager that yields a :class:`Stage`."""

    def stage(self, name: str, total: int | None = None) -> AbstractContextManager[Stage]: ...


class _SilentStage:
    def advance(self, n: int = 1) -> None:
        pass

    def __enter__(self) -> _SilentStage:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


class SilentProgress:
    """The default: report nothing."""

    def stage(self, name: str, total: int | None = None) -> _SilentStage:
        return _SilentStage()


SILENT = SilentProgress()
