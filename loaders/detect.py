"""Which loader reads a file: decided from its content, with the extension as a tie-break.

A new source format is one module with ``FORMAT``, ``sniff(path, head)`` and
``read(path, report)``, plus one line in :data:`LOADERS`.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from citegraph.loaders import daily_papers
from citegraph.loaders.textio import head

#: Loaders in the order they are asked; the first whose ``sniff`` accepts a file reads it.
LOADERS: tuple[ModuleType, ...] = (daily_papers,)

LOADER_BY_FORMAT: dict[str, ModuleType] = {m.FORMAT: m for m in LOADERS}


def formats() -> list[str]:
    """Names accepted by ``--format``."""
    return sorted(LOADER_BY_FORMAT)


def detect_format(path: Path) -> str | None:
    """The format of a file from its first bytes; None when no loader recognises it."""
    text = head(path)
    for loader in LOADERS:
        if loader.sniff(path, text):
            return loader.FORMAT
    return None
