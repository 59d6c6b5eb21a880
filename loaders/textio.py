"""Reading text files as people have them: gzip, BOMs and encodings that are not UTF-8.

Lines are decoded one at a time so a large file streams, and a stray non-UTF-8 byte costs
a warning naming its line instead of the whole file.
"""

from __future__ import annotations

import gzip
import io
import weakref
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from citegraph.loaders.problems import LoadReport

GZIP_MAGIC = b"\x1f\x8b"
FALLBACK_ENCODING = "cp1252"
_BOMS = (b"\xef\xbb\xbf",)
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


#: Files open for reading, by path: how far a loader has got, for progress bars.
_OPEN: weakref.WeakValueDictionary[str, io.BufferedReader] = weakref.WeakValueDictionary()


def bytes_read(path: Path) -> int | None:
    """How many bytes of ``path`` (as stored, i.e. compressed) have been read so far."""
    raw = _OPEN.get(str(path))
    if raw is None or raw.closed:
        return None
    try:
        return raw.tell()
    except (OSError, ValueError):
        return None


class TruncatedGzipError(OSError):
    """A gzip stream that ends before its end marker: the file was cut short."""


class _Gunzip(gzip.GzipFile):
    """A gzip stream whose early end is an ``OSError`` like any other read failure, so the
    records before the cut are kept and the file is reported, whatever loader reads it."""

    def _guard(self, method: Callable[..., bytes], *args: Any) -> bytes:
        try:
            return method(*args)
        except EOFError as exc:
            raise TruncatedGzipError(f"gzip data ends early, the file is cut short ({exc})") \
                from exc

    def read(self, size: int | None = -1) -> bytes:
        return self._guard(super().read, size)

    def read1(self, size: int = -1) -> bytes:
        return self._guard(super().read1, size)

    def peek(self, n: int) -> bytes:
        return self._guard(super().peek, n)

    def readline(self, size: int | None = -1) -> bytes:
        return self._guard(super().readline, size)


def open_binary(path: Path) -> io.BufferedIOBase:
    """Open a file for reading bytes, gunzipping it when its content is gzip."""
    raw = open(path, "rb")  # noqa: SIM115 - returned to the caller, who closes it
    _OPEN[str(path)] = raw
    if raw.peek(2)[:2] == GZIP_MAGIC:
        return _Gunzip(fileobj=raw)  # type: ignore[return-value]
    return raw


def _head_bytes(path: Path, size: int) -> bytes:
    """Up to ``size`` leading bytes of the content; a gzip file is inflated only as far as
    it goes, so a file cut short still shows its beginning."""
    with open(path, "rb") as fh:
        data = fh.read(size)
        if data[:2] != GZIP_MAGIC:
            return data
        inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
        out = inflate.decompress(data, size)
        while len(out) < size and not inflate.eof and (more := fh.read(size)):
            out += inflate.decompress(inflate.unconsumed_tail + more, size - len(out))
        return out


def head(path: Path, size: int = 8192) -> str:
    """The first ``size`` bytes of a (possibly gzipped) file as text, for format sniffing."""
    try:
        data = _head_bytes(path, size)
    except zlib.error:
        data = b""
    if data.startswith(_UTF16_BOMS):
        return data.decode("utf-16", errors="replace")
    for bom in _BOMS:
        data = data.removeprefix(bom)
    return data.decode("utf-8", errors="replace")


def decode_line(raw: bytes, path: Path, lineno: int, report: LoadReport | None) -> str:
    """Decode one line as UTF-8, falling back to cp1252 with a warning that names the line."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = raw[exc.start : exc.start + 1].hex()
        if report is not None:
            report.warning(
                path,
                f"line {lineno}",
                f"not valid UTF-8 (byte 0x{bad} at column {exc.start + 1}); "
                f"decoded as {FALLBACK_ENCODING}",
            )
        return raw.decode(FALLBACK_ENCODING, errors="replace")


def iter_lines(path: Path, report: LoadReport | None = None) -> Iterator[tuple[int, str]]:
    """Yield ``(line number, text without its line ending)`` for every line of a file."""
    with open_binary(path) as fh:
        first = fh.peek(4)[:4] if hasattr(fh, "peek") else b""
        if first.startswith(_UTF16_BOMS):
            data = fh.read()
            try:
                text = data.decode("utf-16")
            except UnicodeDecodeError as exc:
                if report is not None:
                    report.warning(path, "", f"not valid UTF-16 ({exc.reason} at byte "
                                   f"{exc.start}); undecodable bytes replaced")
                text = data.decode("utf-16", errors="replace")
            for lineno, line in enumerate(text.splitlines(), start=1):
                yield lineno, line
            return
        for lineno, raw in enumerate(fh, start=1):
            if lineno == 1:
                for bom in _BOMS:
                    raw = raw.removeprefix(bom)
            raw = raw.rstrip(b"\n").removesuffix(b"\r")
            yield lineno, decode_line(raw, path, lineno, report)


def read_text(path: Path, report: LoadReport | None = None) -> str:
    """A whole file as text, with the same decoding rules as :func:`iter_lines`."""
    return "\n".join(line for _, line in iter_lines(path, report))
