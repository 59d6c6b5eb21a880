"""Loaders: files in, :class:`PaperRecord` stream out. They know nothing of the graph."""

from __future__ import annotations

import contextlib
import glob
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from pathlib import Path

from citegraph.errors import (
    InputError,  # noqa: F401  (old import path)
)
from citegraph.loaders.problems import FileProblem, LoadIssue, LoadReport
from citegraph.loaders.records import PaperRecord, Provenance, Reference


def _hidden(relative: Path) -> bool:
    return any(part.startswith(".") for part in relative.parts)


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files named by paths, directories (recursively, sorted) and glob patterns.

    Hidden files are passed over inside directories. Raises :class:`InputError` for a
    path that names nothing.
    """
    files: list[Path] = []
    for raw in paths:
        path = Path(raw).expanduser()
        if path.is_dir():
            files.extend(
                p for p in sorted(path.rglob("*"))
                if p.is_file() and not _hidden(p.relative_to(path))
            )
        elif path.is_file():
            files.append(path)
        elif any(ch in str(raw) for ch in "*?["):
            matches = sorted(Path(p) for p in glob.glob(str(path), recursive=True))
            if not matches:
                raise InputError(f"{raw}: no file matches this pattern")
            files.extend(p for p in matches if p.is_file())
        elif path.exists():
            raise InputError(f"{raw}: not a regular file or directory")
        else:
            raise InputError(f"{raw}: no such file or directory")
    seen: set[Path] = set()
    unique = []
    for f in files:
        resolved = f.resolve()
        if resolved not in seen:
            seen.add(resolved)
            unique.append(f)
    return unique


#: Records between two looks at how far the current file has been read.
_PROGRESS_EVERY = 1000


def iter_records(
    paths: Iterable[str | Path],
    fmt: str | None = None,
    report: LoadReport | None = None,
    progress: Callable[[int], None] | None = None,
) -> Iterator[PaperRecord]:
    """Read every record of every file; problems go to ``report``, never raise mid-stream.

    ``fmt`` forces one format for all files; otherwise each file's format is detected from
    its content, and a file no loader recognises is reported and skipped. ``progress`` is
    called with the number of (stored, possibly compressed) bytes read since its last call,
    so a bar over :func:`total_bytes` can follow a large file. Records are yielded as they
    are read: nothing here holds on to them.
    """
    return _iter_files(expand_paths(paths), fmt, report, progress)


def total_bytes(files: Iterable[Path]) -> int:
    """The size on disk of the files a load will read: the total for a progress bar."""
    total = 0
    for f in files:
        with contextlib.suppress(OSError):
            total += f.stat().st_size
    return total


class RecordStream:
    """The records of many files, read lazily, with the byte total a progress bar needs.

    Set :attr:`on_bytes` to follow the reading (the build pipeline points it at its progress
    stage); it may be set after :meth:`peek`. The stream can be iterated once.
    """

    def __init__(
        self, paths: Iterable[str | Path], fmt: str | None = None,
        report: LoadReport | None = None,
    ) -> None:
        self.files = expand_paths(paths)
        self.fmt, self.report = fmt, report if report is not None else LoadReport()
        self.total_bytes = total_bytes(self.files)
        self.on_bytes: Callable[[int], None] | None = None
        self._records: Iterator[PaperRecord] | None = None
        self._head: list[PaperRecord] = []

    def _advance(self, n: int) -> None:
        if self.on_bytes is not None:
            self.on_bytes(n)

    def _stream(self) -> Iterator[PaperRecord]:
        if self._records is None:
            self._records = _iter_files(self.files, self.fmt, self.report, self._advance)
        return self._records

    def peek(self) -> PaperRecord | None:
        """The first record, read ahead (None when the files hold none); iteration keeps it."""
        if not self._head:
            self._head = list(islice(self._stream(), 1))
        return self._head[0] if self._head else None

    def __iter__(self) -> Iterator[PaperRecord]:
        records = self._stream()
        yield from self._head
        self._head = []
        yield from records


def _iter_files(
    files: list[Path], fmt: str | None, report: LoadReport | None,
    progress: Callable[[int], None] | None,
) -> Iterator[PaperRecord]:
    """Each file read on its own: whatever goes wrong in one (unreadable bytes, damaged
    compression, a bound exceeded, a loader's surprise) is reported against that file, the
    records read before it are kept, and the next file is read."""
    from citegraph.loaders.common import bound_record
    from citegraph.loaders.detect import LOADER_BY_FORMAT, detect_format, formats
    from citegraph.loaders.limits import current
    from citegraph.loaders.textio import bytes_read

    report = report if report is not None else LoadReport()
    if fmt is not None and fmt not in LOADER_BY_FORMAT:
        raise InputError(f"unknown format {fmt!r}; known formats: {', '.join(formats())}")
    limits = current()
    for path in files:
        try:
            size = path.stat().st_size
            if size == 0:
                report.skip_file(path, "empty file")
                continue
            name = fmt or detect_format(path)
        except OSError as exc:
            report.skip_file(path, f"cannot read: {exc.strerror or exc}")
            if progress is not None:
                progress(0)
            continue
        except FileProblem as exc:
            report.skip_file(path, f"{exc}; file skipped")
            if progress is not None:
                progress(size)
            continue
        if name is None:
            report.skip_file(path, "not a recognised paper listing or export; skipped")
            if progress is not None:
                progress(size)
            continue
        report.formats[str(path)] = name
        loader = LOADER_BY_FORMAT[name]
        done = n = 0
        try:
            for n, record in enumerate(loader.read(path, report), start=1):
                report.records_read[str(path)] += 1
                bound_record(record, path, report, limits)
                if progress is not None and n % _PROGRESS_EVERY == 0:
                    position = bytes_read(path)
                    if position is not None and position > done:
                        progress(position - done)
                        done = position
                yield record
        except OSError as exc:
            _stopped(report, path, n, f"cannot read: {exc.strerror or exc}")
        except FileProblem as exc:
            _stopped(report, path, n, str(exc))
        except RecursionError:
            _stopped(report, path, n, "nested too deeply to read")
        except Exception as exc:  # a loader bug or a library's surprise must not end the run
            _stopped(report, path, n, f"unexpected error while reading ({type(exc).__name__}: "
                                      f"{exc})")
        if n == 0 and not report.issues_per_file[str(path)]:
            report.warning(path, "", f"read as {name}, but no records found in it")
        if progress is not None and size > done:
            progress(size - done)


def _stopped(report: LoadReport, path: Path, n: int, why: str) -> None:
    """A file that could not be read to its end: skipped if nothing came of it."""
    if n == 0:
        report.skip_file(path, f"{why}; file skipped")
    else:
        report.error(path, "", f"{why}; rest of file skipped, {n} record(s) before it kept")


__all__ = [
    "InputError",
    "LoadIssue",
    "LoadReport",
    "PaperRecord",
    "Provenance",
    "RecordStream",
    "Reference",
    "expand_paths",
    "iter_records",
    "total_bytes",
]
