"""Reading text files as people have them: gzip, BOMs, UTF-16, odd line endings, bad bytes.

Lines are cut and decoded a chunk at a time so a large file streams, and damage costs only
what it touches: a stray non-UTF-8 byte costs a warning naming its line, a NUL byte is
dropped with a warning, a line longer than the record bound is skipped with a report, and
a gzip stream that is truncated, corrupt or expands past the bounds of
:mod:`citegraph.loaders.limits` ends the file there with a report, keeping every line read
before. Lines end at LF, CRLF or a lone CR (old Mac exports), as in Python's universal
newlines. UTF-16 is recognised by its BOM, or without one by the zero bytes of its ASCII.
"""

from __future__ import annotations

import codecs
import io
import re
import weakref
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, AnyStr

from citegraph.loaders.limits import InputLimitError, Limits, current, size_text
from citegraph.loaders.problems import FileProblem, LoadReport

GZIP_MAGIC = b"\x1f\x8b"
FALLBACK_ENCODING = "cp1252"
_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = {b"\xff\xfe": "utf-16", b"\xfe\xff": "utf-16"}
_CHUNK = 1 << 16
#: Compressed bytes fed to zlib at a time: at most ~4 MB of output each (gzip's ratio is
#: at most about 1,032 to 1), so a bomb is caught within a few MB of output.
_PIECE = 1 << 12
#: Steps in which a damaged piece is fed again: what zlib gives before the damage is kept.
SALVAGE_STEP = 16
_GZIP_WBITS = 16 + zlib.MAX_WBITS
_EOL_TEXT = re.compile(r"\r\n|\r|\n")
_TEXT_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")
#: Share of zero bytes in one byte lane of a sample that marks UTF-16 without a BOM.
_UTF16_ZERO_SHARE = 0.3


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


class _Inflated(io.RawIOBase):
    """The decompressed bytes of a gzip file (every member), within the bounds.

    Compressed input is fed a piece at a time; when a piece turns out damaged, it is fed
    again in small steps from the state before it, so every byte zlib can recover before
    the damage is delivered before the :class:`FileProblem` that ends the file. Reads may
    be short, and the problem is raised only once everything before it has been read (a
    buffered reader on top would drop the bytes it had gathered when the problem came).
    """

    def __init__(self, raw: io.BufferedReader, limits: Limits) -> None:
        super().__init__()
        self._raw, self._limits, self._out = raw, limits, 0
        self._d = zlib.decompressobj(_GZIP_WBITS)
        self._between = True  # before a member's header: at the start, or after a member
        self._input = self._pending = b""
        self._problem: FileProblem | None = None

    def readable(self) -> bool:
        return True

    def peek(self, size: int = 1) -> bytes:
        """Up to ``size`` bytes ahead, without consuming them (fewer at a problem or EOF)."""
        while len(self._pending) < size and self._problem is None and self._feed():
            pass
        return self._pending[:size]

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while not self._pending and self._problem is None and self._feed():
            pass
        n = min(len(buffer), len(self._pending))
        if n == 0:
            if self._problem is not None:
                raise self._problem
            return 0
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n

    def _feed(self) -> bool:
        """Decompress one more piece into ``_pending``; False at the end of the input."""
        if not self._input:
            self._input = self._raw.read(_PIECE)
            if not self._input:
                if not self._between:
                    self._problem = FileProblem("compressed data ends early (truncated "
                                                "gzip file)")
                return False
        if self._between:
            self._input = self._input.lstrip(b"\x00")  # zero padding between members
            if not self._input:
                return True
            if not self._input.startswith(GZIP_MAGIC[: len(self._input)]):
                self._problem = FileProblem("data after the end of the compressed stream is "
                                            "not gzip; ignored")
                return False
            self._d, self._between = zlib.decompressobj(_GZIP_WBITS), False
        data, self._input = self._input, b""
        saved = self._d.copy()
        try:
            out = self._d.decompress(data)
        except zlib.error as exc:
            out = _salvage(saved, data)
            self._problem = FileProblem(f"compressed data is damaged ({exc})")
        else:
            if self._d.eof:
                self._input, self._between = self._d.unused_data, True
        self._pending += out
        self._out += len(out)
        self._problem = self._problem or self._over_bounds()
        return self._problem is None

    def _over_bounds(self) -> InputLimitError | None:
        """The bound the output so far exceeds (the piece that crossed it is still read)."""
        lim = self._limits
        if self._out > lim.max_decompressed:
            return InputLimitError(
                f"decompresses to more than {size_text(lim.max_decompressed)} "
                "(CITEGRAPH_MAX_DECOMPRESSED_BYTES); the rest is refused")
        if self._out > lim.ratio_grace and self._out > lim.max_ratio * max(self._raw.tell(), 1):
            return InputLimitError(
                f"expands more than {lim.max_ratio} times (a compression bomb?) past "
                f"{size_text(lim.ratio_grace)} (CITEGRAPH_MAX_COMPRESSION_RATIO); "
                "the rest is refused")
        return None

    def close(self) -> None:
        if not self.closed:
            self._raw.close()
        super().close()


def _salvage(d: Any, data: bytes) -> bytes:
    """What ``d`` yields from ``data`` fed in small steps, up to the step zlib rejects."""
    out = []
    for k in range(0, len(data), SALVAGE_STEP):
        try:
            out.append(d.decompress(data[k : k + SALVAGE_STEP]))
        except zlib.error:
            break
    return b"".join(out)


def open_binary(path: Path, limits: Limits | None = None) -> io.BufferedReader | _Inflated:
    """Open a file for reading bytes (``read``, ``peek``), gunzipping it within ``limits``
    when it is gzip.

    Reads may be short. Reading a damaged or oversized gzip stream raises
    :class:`FileProblem` once the bytes before the problem have been read.
    """
    raw = open(path, "rb")  # noqa: SIM115 - returned to the caller, who closes it
    _OPEN[str(path)] = raw
    if raw.peek(2)[:2] == GZIP_MAGIC:
        return _Inflated(raw, limits or current())
    return raw


def _encoding(sample: bytes) -> str | None:
    """``utf-16`` (with a BOM), ``utf-16-le``/``-be`` (ASCII's zero bytes, no BOM), or None
    for the byte-oriented path (UTF-8 with cp1252 fallback)."""
    if sample[:2] in _UTF16_BOMS:
        return _UTF16_BOMS[sample[:2]]
    sample = sample[: len(sample) // 2 * 2]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    share = _UTF16_ZERO_SHARE * len(even)
    if odd.count(0) > share and even.count(0) < share / 6:
        return "utf-16-le"
    if even.count(0) > share and odd.count(0) < share / 6:
        return "utf-16-be"
    return None


def head(path: Path, size: int = 8192) -> str:
    """The first ``size`` bytes of a (possibly gzipped) file as text, for format sniffing.

    Line endings become LF and NUL bytes are dropped, so sniffers see text as loaders will;
    leading lines of binary junk are passed over so the content after them decides.
    """
    parts: list[bytes] = []
    with open_binary(path) as fh:
        got = 0
        try:
            while got < size and (part := fh.read(size - got)):
                parts.append(part)
                got += len(part)
        except FileProblem:
            if not parts:
                raise
    data = b"".join(parts)
    encoding = _encoding(data)
    if encoding is not None:
        text = data.decode(encoding, errors="replace")
    else:
        text = data.removeprefix(_UTF8_BOM).decode("utf-8", errors="replace")
    lines = _EOL_TEXT.sub("\n", text).replace("\x00", "").split("\n")
    while lines and _binary(lines[0]):
        lines.pop(0)
    return "\n".join(lines).lstrip("\ufeff")


def _binary(line: str) -> bool:
    """A line that is mostly undecodable bytes or control characters: junk, not text."""
    if not line:
        return False
    junk = sum(1 for ch in line if ch == "\ufffd" or (ord(ch) < 32 and ch not in "\t\f"))
    return junk * 4 > len(line)


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


def _split_lines(chunks: Iterator[AnyStr], max_len: int) -> Iterator[AnyStr | None]:
    """Lines of a chunked stream without their endings (LF, CRLF, CR); None for a line over
    ``max_len``, yielded as soon as it is known and the line dropped as it streams past
    (memory stays within ``max_len`` plus a chunk)."""
    pending: list[AnyStr] = []
    size, overlong, after_cr = 0, False, False
    for chunk in chunks:
        if after_cr and chunk[:1] in (b"\n", "\n"):
            chunk = chunk[1:]  # the LF of a CRLF cut between two chunks
        after_cr = False
        for part in _with_endings(chunk):
            body = part.rstrip(b"\r\n" if isinstance(part, bytes) else "\r\n")
            if len(body) == len(part):  # no ending: the line goes on in the next chunk
                if not overlong and size + len(body) > max_len:
                    pending, size, overlong = [], 0, True
                    yield None
                elif not overlong:
                    pending.append(body)
                    size += len(body)
                continue
            if not overlong:
                if size + len(body) > max_len:
                    yield None
                else:
                    yield part[:0].join([*pending, body]) if pending else body
            pending, size, overlong = [], 0, False
        after_cr = chunk[-1:] in (b"\r", "\r")  # a CR at the end may be half of a CRLF
    if pending and not overlong:
        yield pending[0][:0].join(pending)


def _with_endings(chunk: AnyStr) -> list[AnyStr]:
    """The lines of a chunk, each with its ending (LF, CRLF or CR), the last maybe without.

    ``bytes.splitlines`` knows exactly these endings; ``str.splitlines`` knows more (form
    feeds, U+2028), which are text, not line breaks, in every format read here.
    """
    if isinstance(chunk, bytes):
        return chunk.splitlines(keepends=True)
    return _TEXT_LINE.findall(chunk)


def _chunks(fh: io.BufferedIOBase | _Inflated, problems: list[FileProblem]) -> Iterator[bytes]:
    """The file's bytes a chunk at a time; a problem ends them (kept in ``problems``), so
    the line it cut is still yielded before the problem is reported."""
    try:
        while chunk := fh.read(_CHUNK):
            yield chunk
    except FileProblem as exc:
        problems.append(exc)


def _text_chunks(fh: io.BufferedIOBase | _Inflated, encoding: str,
                 problems: list[FileProblem]) -> Iterator[str]:
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    for chunk in _chunks(fh, problems):
        yield decoder.decode(chunk)
    yield decoder.decode(b"", final=True)


def iter_lines(
    path: Path, report: LoadReport | None = None, *, whole_file: bool = False,
) -> Iterator[tuple[int, str]]:
    """Yield ``(line number, text without its line ending)`` for every line of a file.

    A line over the record bound is skipped with a warning. ``whole_file`` says the caller
    holds the whole text in memory: lines may then be as long as the whole-file bound, and
    reading stops, with a report, past it. Damaged or oversized compressed data ends the
    file with a report; the lines before it are kept.
    """
    limits = current()
    for lineno, line in iter_record_lines(path, report, whole_file=whole_file):
        if line is not None:
            yield lineno, line
        elif report is not None:
            report.warning(path, f"line {lineno}", f"line longer than "
                           f"{size_text(limits.max_record)} (CITEGRAPH_MAX_RECORD_BYTES); "
                           "skipped")


def iter_record_lines(
    path: Path, report: LoadReport | None = None, *, whole_file: bool = False,
    max_line: int | None = None,
) -> Iterator[tuple[int, str | None]]:
    """As :func:`iter_lines`, but a line over the bound (the record bound, or ``max_line``)
    comes as ``(line number, None)``, for readers that must count or handle its loss."""
    limits = current()
    if max_line is None:
        max_line = limits.max_whole_file if whole_file else limits.max_record
    lineno = total = 0
    problems: list[FileProblem] = []
    try:
        with open_binary(path, limits) as fh:
            encoding = _encoding(fh.peek(4096)[:4096])
            if encoding is None:
                lines: Iterator[str | bytes | None] = _split_lines(
                    _chunks(fh, problems), max_line)
            else:
                lines = _split_lines(_text_chunks(fh, encoding, problems), max_line)
            for lineno, line in enumerate(lines, start=1):  # noqa: B007 - read after the loop
                if line is None:
                    if whole_file:  # a line over the whole-file bound: so is the file
                        raise InputLimitError(_over_whole_file(limits))
                    yield lineno, None
                    continue
                if isinstance(line, bytes):
                    if lineno == 1:
                        line = line.removeprefix(_UTF8_BOM)
                    if b"\x00" in line:
                        line = line.replace(b"\x00", b"")
                        if report is not None:
                            report.warning(path, f"line {lineno}", "NUL bytes removed")
                    text = decode_line(line, path, lineno, report)
                else:
                    text = line.lstrip("\ufeff") if lineno == 1 else line
                total += len(text) + 1
                if whole_file and total > limits.max_whole_file:
                    raise InputLimitError(_over_whole_file(limits))
                yield lineno, text
            if problems:
                raise problems[0]
    except FileProblem as exc:
        if report is not None:
            report.error(path, "", f"{exc}; stopped at line {lineno}, lines before it read")


def _over_whole_file(limits: Limits) -> str:
    return (f"text is over {size_text(limits.max_whole_file)}, more than this format's "
            "reader holds in memory (CITEGRAPH_MAX_WHOLE_FILE_BYTES); the rest is refused")


def read_text(path: Path, report: LoadReport | None = None) -> str:
    """A whole file as text, with the rules of :func:`iter_lines`, within the whole-file
    bound (past it, the text read so far with a report)."""
    if (text := _plain_text(path)) is not None:
        return text
    return "\n".join(line for _, line in iter_lines(path, report, whole_file=True))


def _plain_text(path: Path) -> str | None:
    """The text of an uncompressed UTF-8 file within the whole-file bound, decoded at once;
    None for any file that needs the line-by-line rules (gzip, UTF-16, a NUL byte, a byte
    that is not UTF-8, a size past the bound), which give the same text for this one."""
    limit = current().max_whole_file
    try:
        if path.stat().st_size >= limit:
            return None
        with open_binary(path) as fh:
            if not isinstance(fh, io.BufferedReader) or _encoding(fh.peek(4096)[:4096]):
                return None
            data = fh.read(limit)
    except OSError:
        return None
    if b"\x00" in data:
        return None
    try:
        text = data.removeprefix(_UTF8_BOM).decode("utf-8")
    except UnicodeDecodeError:
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text[:-1] if text.endswith("\n") else text
