"""The one way citegraph writes a file: beside its final name, then renamed into place.

A reader never sees a half-written file, and a write that fails (interrupted, out of
disk, a value that cannot be encoded) leaves the previous file as it was. An
:class:`OSError` raised while writing names the final path, so the command line can
report it in one line.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


#: Permissions of a new file as ``open`` would make it; ``mkstemp`` alone makes it private.
_FILE_MODE = 0o666 & ~_umask()


def _mkstemp(path: Path) -> tuple[int, str]:
    """A temporary file beside ``path`` with the permissions a plain ``open`` would give."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:  # name the file asked for, not the temporary one
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    if hasattr(os, "fchmod"):
        os.fchmod(fd, _FILE_MODE)
    return fd, tmp


def _named(exc: OSError, path: Path) -> OSError:
    """``exc`` with ``path`` as its file name when it had none (a write or fsync error)."""
    if exc.filename is None:
        exc.filename = str(path)
    return exc


def _replace(tmp: str | Path, path: Path) -> None:
    """Rename ``tmp`` onto ``path``; a failure names ``path`` (not the temporary file)."""
    try:
        os.replace(tmp, path)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(path)) from None


@contextlib.contextmanager
def atomic_path(path: str | Path, fsync: bool = True) -> Iterator[Path]:
    """A temporary path beside ``path`` for a writer that wants a file name; on success the
    file written there replaces ``path``, on any exception it is removed."""
    path = Path(path)
    fd, tmp = _mkstemp(path)
    os.close(fd)
    try:
        yield Path(tmp)
        if fsync:
            with open(tmp, "rb") as fh:
                os.fsync(fh.fileno())
        _replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise _named(exc, path) from None
        raise


@contextlib.contextmanager
def atomic_write(path: str | Path, mode: str = "w", encoding: str | None = "utf-8",
                 fsync: bool = True) -> Iterator[IO]:
    """Open a temporary file beside ``path``; on success it replaces ``path``.

    ``mode`` is ``"w"`` (text, ``encoding``) or ``"wb"``. On any exception the temporary
    file is removed and ``path`` is untouched.
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"atomic_write mode must be 'w' or 'wb', not {mode!r}")
    binary = "b" in mode
    with atomic_path(path, fsync) as tmp, open(
            tmp, mode, encoding=None if binary else encoding,
            newline=None if binary else "") as fh:
        yield fh


def write_text_atomic(path: str | Path, text: str, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` atomically."""
    with atomic_write(path, "w", encoding=encoding) as fh:
        fh.write(text)


def write_bytes_atomic(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically."""
    with atomic_write(path, "wb") as fh:
        fh.write(data)


def fsync_dir(directory: str | Path) -> None:
    """Make the renames inside ``directory`` durable (a no-op where directories cannot be
    opened, as on Windows)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)
