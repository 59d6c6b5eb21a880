"""Progress for the Python API: bars when a person is watching, nothing otherwise.

In Jupyter the bars are widgets when ipywidgets is installed and plain text otherwise (so a
kernel without ipywidgets never shows tqdm's "IProgress not found" warning); in a terminal
they are text on standard error; in scripts with redirected output the build stays silent.
"""

from __future__ import annotations

import importlib.util
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from citegraph.graph.progress import SILENT, Progress


def in_jupyter() -> bool:
    """True inside a Jupyter kernel (IPython's ZMQ shell)."""
    shell = sys.modules.get("IPython")
    if shell is None or "ipykernel" not in sys.modules:
        return False
    ip = shell.get_ipython()
    return ip is not None and type(ip).__name__ == "ZMQInteractiveShell"


def is_interactive() -> bool:
    """A person is probably watching: a Jupyter kernel or a terminal on standard error."""
    if in_jupyter():
        return True
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def _bar_class() -> Any:
    """tqdm's widget bar when Jupyter can draw widgets, its text bar otherwise."""
    if in_jupyter() and importlib.util.find_spec("ipywidgets") is not None:
        from tqdm.notebook import tqdm
    else:
        from tqdm.std import tqdm
    return tqdm


class TqdmProgress:
    """One tqdm bar per build stage."""

    def __init__(self, bar_class: Any | None = None, file: Any = None) -> None:
        self.bar_class = bar_class or _bar_class()
        self.file = file

    @contextmanager
    def stage(self, name: str, total: int | None = None) -> Iterator[Any]:
        kwargs = {"file": self.file} if self.file is not None else {}
        bar = self.bar_class(desc=f"{name:<22}", total=total, leave=True, **kwargs)
        try:
            yield _TqdmStage(bar)
        finally:
            bar.close()


class _TqdmStage:
    def __init__(self, bar: Any) -> None:
        self.bar = bar

    def advance(self, n: int = 1) -> None:
        self.bar.update(n)


def _import_autonotebook_quietly() -> None:
    """Import ``tqdm.autonotebook`` once with its warning silenced, where Jupyter has no
    ipywidgets: libraries the build uses import it for their own bars, and its import warns
    in red ("IProgress not found") before falling back to the text bars used here anyway."""
    if "tqdm.autonotebook" in sys.modules:
        return
    from tqdm import TqdmWarning

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="IProgress not found", category=TqdmWarning)
        import tqdm.autonotebook  # noqa: F401


def api_progress() -> Progress:
    """What ``citegraph.build`` shows when the caller passed no progress of its own."""
    if in_jupyter() and importlib.util.find_spec("ipywidgets") is None:
        _import_autonotebook_quietly()
    return TqdmProgress() if is_interactive() else SILENT
