"""Reading input files on Ray: a task per file, or per byte range of a big JSON-lines file.

Each task runs the ordinary loaders (:func:`citegraph.loaders.iter_records`) with a load
report of its own and sends back its records in parts; the driver takes the parts in input
order, so the records reach the merge in the order the local build reads them, and adds
each task's report to the build's.

A plain (not compressed) JSON-lines file of :data:`SPLIT_BYTES` or more in a JSON-lines
format is cut at line ends into ranges of about :data:`RANGE_BYTES`; each range is read by
its own task from a copy of its lines in a temporary file, and the driver turns the copy's
path and line numbers back into the file's own (``line 7`` of the third range becomes the
line it is in the file), in records' provenance and in the report alike.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import os
import pickle
import re
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from citegraph.loaders import LoadReport, RecordStream
    from citegraph.loaders.records import PaperRecord

#: Records per part sent back by a reading task, so a large file streams.
RECORDS_PER_PART = 5000
#: A JSON-lines file this large is read in ranges, by several tasks.
SPLIT_BYTES = 64 * 1024 * 1024
#: The size of one range.
RANGE_BYTES = 32 * 1024 * 1024
#: Formats whose JSON-lines files are one record per line, and so can be cut at line ends.
JSON_LINES_FORMATS = frozenset({"s2", "arxiv-json", "openalex"})
_LINE = re.compile(r"^line (\d+)")


@dataclasses.dataclass(frozen=True)
class Piece:
    """What one task reads: a whole file, or the bytes ``start:end`` of one (at line ends)."""

    index: int
    path: str
    start: int = 0
    end: int | None = None


def blob(value: Any) -> bytes:
    """A value as bytes for a Ray Data row (rows hold arrays, not Python objects)."""
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def _json_lines_format(path: Path, fmt: str | None) -> str | None:
    """The format of a file that can be cut at line ends, or None."""
    from citegraph.loaders.detect import detect_format
    from citegraph.loaders.limits import current

    try:
        with path.open("rb") as fh:
            head = fh.read(2)
            fh.seek(0)
            first = fh.readline(current().max_record)
    except OSError:
        return None
    if head == b"\x1f\x8b" or head in (b"\xff\xfe", b"\xfe\xff"):
        return None  # gzip and UTF-16 are not cut by byte offsets
    try:
        json.loads(first.removeprefix(b"\xef\xbb\xbf"))
    except (ValueError, RecursionError):
        return None  # a JSON document, or a damaged first line: read whole
    try:
        name = fmt or detect_format(path)
    except Exception:  # whatever detection makes of it, the whole-file read reports it
        return None
    return name if name in JSON_LINES_FORMATS else None


def _line_end_after(fh: Any, offset: int) -> int:
    """The offset just past the first line end at or after ``offset``."""
    fh.seek(offset)
    while True:
        block = fh.read(1 << 16)
        if not block:
            return fh.tell()
        cut = block.find(b"\n")
        if cut >= 0:
            return fh.tell() - len(block) + cut + 1


def plan(files: list[Path], fmt: str | None) -> tuple[list[Piece], dict[int, str]]:
    """The pieces to read, in file order, and the format of each file read in ranges."""
    pieces: list[Piece] = []
    formats: dict[int, str] = {}
    for index, path in enumerate(files):
        try:
            size = path.stat().st_size
        except OSError:
            size = 0
        name = _json_lines_format(path, fmt) if size >= SPLIT_BYTES else None
        if name is None:
            pieces.append(Piece(index, str(path)))
            continue
        formats[index] = name
        count = -(-size // RANGE_BYTES)
        with path.open("rb") as fh:
            cuts = sorted({0, size, *(_line_end_after(fh, size * k // count)
                                      for k in range(1, count))})
        pieces.extend(Piece(index, str(path), a, b) for a, b in itertools.pairwise(cuts))
    return pieces, formats


def _read_piece(batch: dict[str, np.ndarray], fmt: str | None,
                formats: dict[int, str]) -> Iterator[dict[str, Any]]:
    """One piece on a worker: its records in parts, then its own load report."""
    from citegraph.loaders import LoadReport, iter_records

    piece: Piece = pickle.loads(batch["piece"][0])
    report = LoadReport()
    copy = None
    newlines = 0
    target = piece.path
    if piece.end is not None:  # a range: its lines, copied, read as the file's format
        with open(piece.path, "rb") as fh:
            fh.seek(piece.start)
            data = fh.read(piece.end - piece.start)
        newlines = data.count(b"\n")
        folder = "/dev/shm" if os.path.isdir("/dev/shm") else None
        with tempfile.NamedTemporaryFile("wb", suffix=".jsonl", dir=folder, delete=False) as out:
            out.write(data)
        copy = target = out.name
        fmt = formats[piece.index]
    part: list[PaperRecord] = []

    def row(records: list[PaperRecord], done: LoadReport | None) -> dict[str, Any]:
        return {"piece": batch["piece"], "copy": [copy or ""], "newlines": [newlines],
                "records": [blob(records)], "report": [blob(done) if done else b""]}

    try:
        for record in iter_records([target], fmt, report):
            part.append(record)
            if len(part) >= RECORDS_PER_PART:
                yield row(part, None)
                part = []
    finally:
        if copy is not None:
            os.unlink(copy)
    yield row(part, report)


def _relocated(location: str, offset: int) -> str:
    """A location in a range's copy as the location in the whole file."""
    return _LINE.sub(lambda m: f"line {int(m.group(1)) + offset}", location, count=1)


def _fix_records(records: list[PaperRecord], copy: str, path: str, offset: int) -> None:
    for record in records:
        record.provenance = [
            dataclasses.replace(p, source=path, location=_relocated(p.location, offset))
            if p.source == copy else p for p in record.provenance]


def _fix_report(report: LoadReport, copy: str, path: str, offset: int) -> LoadReport:
    """A range's report as a report on the whole file."""
    report.issues = [
        dataclasses.replace(i, path=path, location=_relocated(i.location, offset))
        if i.path == copy else i for i in report.issues]
    for f in dataclasses.fields(report):
        value = getattr(report, f.name)
        if isinstance(value, dict) and copy in value:
            value[path] = value.pop(copy)
        elif isinstance(value, list) and copy in value:
            value[value.index(copy)] = path
    return report


def absorb_report(into: LoadReport, part: LoadReport) -> None:
    """Add one piece's load report to the build's (pieces come in input order); a file's
    issues past the per-file cap are counted, not kept, as when one report reads it all."""
    from citegraph.loaders.problems import MAX_ISSUES_PER_FILE

    for f in dataclasses.fields(part):
        mine, theirs = getattr(into, f.name), getattr(part, f.name)
        if f.name in ("issues", "issues_per_file"):
            continue
        if isinstance(mine, Counter):
            mine.update(theirs)
        elif isinstance(mine, list):
            mine.extend(x for x in theirs if x not in mine)
        elif isinstance(mine, dict):
            mine.update(theirs)
    for issue in part.issues:
        into.issues_per_file[issue.path] += 1
        if into.issues_per_file[issue.path] <= MAX_ISSUES_PER_FILE:
            into.issues.append(issue)
        else:
            into.issues_not_kept[issue.path] += 1
    for path, count in part.issues_not_kept.items():
        into.issues_per_file[path] += count


def read_distributed(stream: RecordStream) -> Iterator[PaperRecord]:
    """The records of ``stream``'s files, read by Ray tasks, in the local build's order;
    each piece's problems join ``stream.report`` once the piece is read."""
    import ray

    pieces, formats = plan(stream.files, stream.fmt)
    if not pieces:
        return
    rows = [{"piece": blob(piece)} for piece in pieces]
    dataset = ray.data.from_items(rows, override_num_blocks=len(rows)).map_batches(
        _read_piece, batch_size=1, batch_format="numpy",
        fn_kwargs={"fmt": stream.fmt, "formats": formats})
    offset, current = 0, None
    for row in dataset.iter_rows():
        piece: Piece = pickle.loads(row["piece"])
        if (piece.index, piece.start) != current:  # the first part of a new piece
            offset = offset if piece.start else 0
            current = (piece.index, piece.start)
        records = pickle.loads(row["records"])
        if row["copy"]:
            _fix_records(records, row["copy"], piece.path, offset)
        yield from records
        if row["report"]:
            report = pickle.loads(row["report"])
            if row["copy"]:
                report = _fix_report(report, row["copy"], piece.path, offset)
            absorb_report(stream.report, report)
            offset += int(row["newlines"])
