"""How a graph directory changes safely: one writer at a time, and a new graph that replaces
the old one only once it is complete, whenever the writer is stopped.

A graph directory ``DIR`` holds the current graph (``manifest.json`` and the files it
lists) and, while a save runs, the next graph in ``DIR/.citegraph-staging/``. A save

1. takes the writer lock (``flock`` on ``DIR/.citegraph.lock``; a second writer is refused,
   and the lock dies with its process, so a killed writer never leaves it stuck);
2. writes every file of the new graph into the staging directory, then its manifest,
   atomically: that rename is the commit point;
3. rolls forward: renames each file into ``DIR``, removes files of the old graph the new
   one lacks (only names the old manifest listed), renames the manifest last, and removes
   the staging directory.

Readers look into the staging directory only once it is committed: then its manifest is
the current one, and a file still there is newer than the one in ``DIR``. So a reader sees
the old graph until the commit and the new graph after it, even in the middle of the
roll-forward. Whoever next takes the lock finishes a committed roll-forward or discards an
uncommitted staging directory (:func:`recover`). Ctrl-C and SIGTERM are held back during
the commit and roll-forward, so an interrupted save is usually already whole; when one
gets through anyway (or the process is killed), the rule above still holds.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import shutil
import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from citegraph.atomic import fsync_dir
from citegraph.errors import FileSystemError, GraphLockedError, NotAGraphError, StoreError
from citegraph.graph.vectors import VECTORS_FILE, VECTORS_INDEX_FILE

FORMAT_NAME = "citegraph-graph"
MANIFEST = "manifest.json"
NODES = "nodes.jsonl"
EDGES = "edges.jsonl"
VECTORS, VECTORS_INDEX = VECTORS_FILE, VECTORS_INDEX_FILE
#: What the entity stage found per paper (optional; see citegraph.graph.entity_cache).
ENTITIES = "entities.jsonl"
#: Every file a graph may hold besides its manifest; a manifest naming any other is refused.
GRAPH_FILES = (NODES, EDGES, VECTORS, VECTORS_INDEX, ENTITIES)
#: An append shard: the edges an append added, changed or removed, numbered.
SHARD = re.compile(r"edges\.(\d{4})\.jsonl")


def shard_file(number: int) -> str:
    """The file name of append shard ``number``."""
    return f"edges.{number:04d}.jsonl"


def is_graph_file(name: str) -> bool:
    """Whether ``name`` is a file a graph may hold besides its manifest."""
    return name in GRAPH_FILES or SHARD.fullmatch(name) is not None

LOCK = ".citegraph.lock"
STAGING = ".citegraph-staging"
#: Names of ours that do not make a directory "not empty" for the output check.
OWN_NAMES = frozenset({LOCK, STAGING})

_held: dict[str, int] = {}  # real path of a locked directory -> nesting depth
_held_guard = threading.Lock()


def fs_error(exc: OSError, path: Path, doing: str = "") -> FileSystemError:
    """One line for an operating-system error on ``path``."""
    return FileSystemError.from_os_error(exc, path, doing)


# --- the writer lock ------------------------------------------------------------------------
@contextlib.contextmanager
def writer_lock(directory: Path) -> Iterator[Path]:
    """Hold the writer lock of ``directory`` (created if needed), after recovering it.

    Re-entrant within one process, so the command line can hold the lock over a whole build
    and the save inside it takes it again. A directory this call created and that is still
    empty but for the lock when the outermost holder leaves is removed again.
    """
    created = _make_directory(directory)
    real = os.path.realpath(directory)
    with _held_guard:
        depth = _held.get(real, 0)
        if depth:
            _held[real] = depth + 1
    if depth:
        try:
            yield directory
        finally:
            with _held_guard:
                _held[real] -= 1
        return
    lock_path = directory / LOCK
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise fs_error(exc, lock_path, "cannot create the lock file") from None
    try:
        _flock(fd, directory)
        with _held_guard:
            _held[real] = 1
        try:
            recover(directory)
            yield directory
        finally:
            with _held_guard:
                del _held[real]
            if created:
                _remove_if_unused(directory)
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _flock(fd: int, directory: Path) -> None:
    try:
        import fcntl
    except ImportError:  # no advisory locks on this platform: one writer is the user's job
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
            raise GraphLockedError(
                f"{directory}: another citegraph process is writing this graph; "
                "try again when it has finished") from None
        raise fs_error(exc, directory / LOCK, "cannot lock") from None


def _make_directory(directory: Path) -> bool:
    """Create ``directory`` if missing; True when this call created it."""
    if directory.is_dir():
        return False
    if directory.exists() or directory.is_symlink():
        raise StoreError(f"{directory}: exists and is not a directory")
    try:
        directory.mkdir(parents=True)
    except FileExistsError:
        if not directory.is_dir():
            raise StoreError(f"{directory}: exists and is not a directory") from None
        return False
    except OSError as exc:
        raise fs_error(exc, directory, "cannot create the graph directory") from None
    return True


def _remove_if_unused(directory: Path) -> None:
    """Remove a directory that holds nothing but our lock (a build that wrote nothing)."""
    with contextlib.suppress(OSError):
        if set(os.listdir(directory)) <= {LOCK}:
            (directory / LOCK).unlink(missing_ok=True)
            directory.rmdir()


# --- the output check -----------------------------------------------------------------------
def check_output(directory: Path, force: bool = False) -> None:
    """Refuse to write a graph into a file, or into a non-empty directory that holds no
    citegraph graph, unless ``force`` (then only the graph's own files are written)."""
    if not directory.exists() and not directory.is_symlink():
        return
    if not directory.is_dir():
        raise StoreError(f"{directory}: exists and is not a directory")
    try:
        entries = set(os.listdir(directory)) - OWN_NAMES
    except OSError as exc:
        raise fs_error(exc, directory, "cannot list") from None
    if not entries or force or _is_ours(directory / MANIFEST) or committed(directory):
        return
    raise NotAGraphError(
        f"{directory}: not empty and not a citegraph graph (no valid {MANIFEST}); pick "
        "another directory, or pass --force to write the graph's files into it (other "
        "files are left alone)")


def _is_ours(manifest: Path) -> bool:
    try:
        data = json.loads(manifest.read_bytes())
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and data.get("format") == FORMAT_NAME


# --- reading through the staging directory ------------------------------------------------
def committed(directory: Path) -> bool:
    """Whether a new graph is committed in the staging directory but not yet rolled forward."""
    return (directory / STAGING / MANIFEST).is_file()


def _open_first(places: tuple[Path, ...], what: str) -> tuple[Path, IO[bytes]] | None:
    """``(path, binary file)`` of the first of ``places`` that exists, else None; any other
    failure to open it is a :class:`StoreError` naming the path."""
    for path in places:
        try:
            return path, open(path, "rb")  # noqa: SIM115 - the caller closes it
        except FileNotFoundError:
            continue
        except IsADirectoryError:
            raise StoreError(f"{path}: is a directory, not {what}") from None
        except OSError as exc:
            raise fs_error(exc, path, "cannot read") from None
    return None


def read_current_manifest(directory: Path) -> tuple[Path, bytes]:
    """``(path, bytes)`` of the current manifest: the committed staging one, else DIR's."""
    found = _open_first((directory / STAGING / MANIFEST, directory / MANIFEST), "a manifest")
    if found is None:
        raise FileNotFoundError(errno.ENOENT, "no manifest", str(directory / MANIFEST))
    path, fh = found
    with fh:
        try:
            return path, fh.read()
        except OSError as exc:
            raise fs_error(exc, path, "cannot read") from None


def open_graph_file(directory: Path, name: str) -> tuple[Path, IO[bytes]]:
    """``(path, binary file)`` of one file of the current graph (from a committed staging
    directory while it still holds the file)."""
    places = (directory / STAGING / name, directory / name) if committed(directory) else (
        directory / name,)
    found = _open_first(places, "a graph file")
    if found is None:
        raise StoreError(f"{directory / name}: missing from the graph directory")
    return found


# --- committing a staged graph -------------------------------------------------------------
def staging_directory(directory: Path) -> Path:
    """A fresh, empty staging directory (the writer lock must be held)."""
    staging = directory / STAGING
    _discard(staging)
    try:
        staging.mkdir()
    except OSError as exc:
        raise fs_error(exc, staging, "cannot create") from None
    return staging


def discard_staging(directory: Path) -> None:
    """Remove an uncommitted staging directory (a save that failed or was interrupted)."""
    if not committed(directory):
        _discard(directory / STAGING)


def _discard(staging: Path) -> None:
    if staging.is_dir() and not staging.is_symlink():
        shutil.rmtree(staging, ignore_errors=True)
    elif staging.exists() or staging.is_symlink():
        staging.unlink(missing_ok=True)


def recover(directory: Path) -> None:
    """Finish a committed swap, or discard an uncommitted staging directory."""
    if committed(directory):
        roll_forward(directory)
    else:
        _discard(directory / STAGING)


def roll_forward(directory: Path) -> None:
    """Move the committed staged graph into ``directory``; idempotent, so a roll-forward
    stopped at any point is finished by running it again."""
    staging = directory / STAGING
    new_files = _listed_files(staging / MANIFEST) or set()
    old_files = _listed_files(directory / MANIFEST) or set()
    try:
        for name in sorted(new_files | set(GRAPH_FILES)):
            if (staging / name).exists():
                os.replace(staging / name, directory / name)
        for name in old_files - new_files:
            (directory / name).unlink(missing_ok=True)
        fsync_dir(directory)
        os.replace(staging / MANIFEST, directory / MANIFEST)
        fsync_dir(directory)
    except OSError as exc:
        raise fs_error(exc, directory, "cannot move the new graph into place") from None
    _discard(staging)


def _listed_files(manifest: Path) -> set[str] | None:
    """The graph files a manifest of ours lists (every graph file for a version 1 manifest,
    which lists none); None when it is missing or not ours."""
    try:
        data = json.loads(manifest.read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT_NAME:
        return None
    files = data.get("files")
    if not isinstance(files, dict):
        return set(GRAPH_FILES)
    return {name for name in files if is_graph_file(name)}


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back (delivered on exit) while a few renames run, so an
    interrupted save is either not committed or complete (main thread, POSIX only)."""
    if (not hasattr(signal, "pthread_sigmask")
            or threading.current_thread() is not threading.main_thread()):
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
