"""Loaders: files in, :class:`PaperRecord` stream out. They know nothing of the graph."""

from __future__ import annotations

import glob
from collections.abc import Iterable, Iterator
from pathlib import Path

from citegraph.errors import CitegraphError
from citegraph.loaders.problems import LoadIssue, LoadReport
from citegraph.loaders.records import PaperRecord, Provenance, Reference


class InputError(CitegraphError):
    """A path the user gave cannot be read at all (missing, unreadable, unknown format)."""


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


def iter_records(
    paths: Iterable[str | Path], fmt: str | None = None, report: LoadReport | None = None
) -> Iterator[PaperRecord]:
    """Read every record of every file; problems go to ``report``, never raise mid-stream.

    ``fmt`` forces one format for all files; otherwise each file's format is detected from
    its content, and a file no loader recognises is reported and skipped.
    """
    from citegraph.loaders.detect import LOADER_BY_FORMAT, detect_format, formats

    report = report if report is not None else LoadReport()
    if fmt is not None and fmt not in LOADER_BY_FORMAT:
        raise InputError(f"unknown format {fmt!r}; known formats: {', '.join(formats())}")
    for path in expand_paths(paths):
        try:
            if path.stat().st_size == 0:
                report.skip_file(path, "empty file")
                continue
            name = fmt or detect_format(path)
        except OSError as exc:
            report.skip_file(path, f"cannot read: {exc.strerror or exc}")
            continue
        if name is None:
            report.skip_file(path, "not a recognised paper listing or export; skipped")
            continue
        report.formats[str(path)] = name
        loader = LOADER_BY_FORMAT[name]
        try:
            for record in loader.read(path, report):
                report.records_read[str(path)] += 1
                yield record
        except OSError as exc:
            report.skip_file(path, f"cannot read: {exc.strerror or exc}")


__all__ = [
    "InputError",
    "LoadIssue",
    "LoadReport",
    "PaperRecord",
    "Provenance",
    "Reference",
    "expand_paths",
    "iter_records",
]
