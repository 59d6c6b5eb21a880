"""Line counts, sizes and SHA-256 of the files of a saved graph, taken while they stream.

The writer hashes the bytes as it writes them and the reader as it reads them, so
verifying a graph costs one pass over each file: no second read, no file held in memory.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from citegraph.errors import CorruptGraphError


@dataclass
class FileDigest:
    """What the manifest records of one file: records (non-blank lines; 0 for binary
    files), size in bytes and SHA-256."""

    lines: int = 0
    bytes: int = 0
    sha256: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"lines": self.lines, "bytes": self.bytes, "sha256": self.sha256}

    @classmethod
    def from_json(cls, value: Any, where: str) -> FileDigest:
        """The digest a manifest entry describes; ``where`` names the entry in errors."""
        if (not isinstance(value, dict)
                or not all(type(value.get(k)) is int and value[k] >= 0
                           for k in ("lines", "bytes"))
                or not isinstance(value.get("sha256"), str) or len(value["sha256"]) != 64):
            raise CorruptGraphError(f"{where}: malformed file entry (needs lines, bytes, sha256)")
        return cls(value["lines"], value["bytes"], value["sha256"])

    def mismatch(self, found: FileDigest) -> str | None:
        """How ``found`` (the file as read) differs from this expected digest, or None."""
        if found.lines != self.lines:
            return (f"has {found.lines} records, the manifest says {self.lines} "
                    "(truncated or edited?)")
        if found.bytes != self.bytes:
            return (f"has {found.bytes} bytes, the manifest says {self.bytes} "
                    "(truncated or edited?)")
        if found.sha256 != self.sha256:
            return "its SHA-256 differs from the manifest's (changed after it was saved)"
        return None


#: Bytes gathered before one hash update and one write (lines are small; calls are not).
BLOCK = 1 << 20


class HashingWriter:
    """A binary file wrapper that counts and hashes what is written through it."""

    def __init__(self, fh: IO[bytes]) -> None:
        self.fh = fh
        self._hash = hashlib.sha256()
        self.digest = FileDigest()
        self._pending: list[bytes] = []
        self._pending_size = 0

    def write(self, data: bytes) -> int:
        self._flush()
        self._hash.update(data)
        self.digest.bytes += len(data)
        return self.fh.write(data)

    def write_line(self, line: bytes) -> None:
        """One record: ``line`` (without its newline) and a newline."""
        self._pending.append(line)
        self._pending_size += len(line) + 1
        self.digest.lines += 1
        if self._pending_size >= BLOCK:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            block = b"\n".join(self._pending) + b"\n"
            self._pending, self._pending_size = [], 0
            self._hash.update(block)
            self.digest.bytes += len(block)
            self.fh.write(block)

    def finish(self) -> FileDigest:
        """The digest of everything written; call before the file is closed."""
        self._flush()
        self.digest.sha256 = self._hash.hexdigest()
        return self.digest


class HashingReader:
    """A binary file wrapper that counts and hashes what is read through it.

    ``numpy.lib.format.read_array`` reads a wrapped ``.npy`` file in chunks through
    :meth:`read`; JSON Lines files are read with :meth:`lines`. :meth:`finish` reads
    whatever is left, so trailing bytes count too.
    """

    def __init__(self, fh: IO[bytes]) -> None:
        self.fh = fh
        self._hash = hashlib.sha256()
        self.digest = FileDigest()

    def read(self, size: int = -1) -> bytes:
        data = self.fh.read(size)
        self._hash.update(data)
        self.digest.bytes += len(data)
        return data

    def lines(self) -> Iterator[tuple[int, bytes]]:
        """``(line number, line bytes)`` of every non-blank line, read in blocks; blank
        lines are hashed and numbered but not yielded. A line longer than a block is
        gathered piece by piece, so even a file without newlines is read in linear time."""
        pending: list[bytes] = []  # the start of a line that continues in the next block
        lineno = 0
        while block := self.read(BLOCK):
            parts = block.split(b"\n")
            if len(parts) == 1:
                pending.append(block)
                continue
            if pending:
                parts[0] = b"".join([*pending, parts[0]])
            last = parts.pop()
            pending = [last] if last else []
            for line in parts:
                lineno += 1
                if line.strip():
                    self.digest.lines += 1
                    yield lineno, line
        tail = b"".join(pending)
        if tail.strip():
            self.digest.lines += 1
            yield lineno + 1, tail

    def finish(self) -> FileDigest:
        while self.read(BLOCK):
            pass
        self.digest.sha256 = self._hash.hexdigest()
        return self.digest
