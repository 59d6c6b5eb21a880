"""How much work one input file may cost: the bounds that keep hostile files harmless.

A file over a bound is refused or cut with a report naming it, never allowed to exhaust
memory or hang the build. Each bound can be changed with an environment variable, read
when a file is opened, so a user with a legitimately huge file can raise it:

======================================  ====================================  ============
bound                                   variable                              default
======================================  ====================================  ============
bytes one compressed file may expand to ``CITEGRAPH_MAX_DECOMPRESSED_BYTES``  2 GiB
expansion ratio of a compressed file    ``CITEGRAPH_MAX_COMPRESSION_RATIO``   200
text of a file parsed whole (BibTeX,    ``CITEGRAPH_MAX_WHOLE_FILE_BYTES``    16 MiB
Daily Papers, a JSON object)
one line, and one record                ``CITEGRAPH_MAX_RECORD_BYTES``        10 MB
one text field of a record              ``CITEGRAPH_MAX_FIELD_CHARS``         1,000,000
======================================  ====================================  ============

The ratio bound applies only past the first MiB of output, so a small, very repetitive
file is never refused for its ratio; gzip itself cannot exceed about 1,032 to 1, and text
people export compresses far less than 200 to 1. The whole-file bound is low because a
parser that holds a file whole needs many times its size (bibtexparser: about fifty).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from citegraph.loaders.problems import FileProblem


class InputLimitError(FileProblem):
    """A file (or the rest of it) was refused because reading it would exceed a bound."""


@dataclass(frozen=True)
class Limits:
    """The bounds in force; see the module docstring."""

    max_decompressed: int = 2 * 1024**3
    max_ratio: int = 200
    ratio_grace: int = 1024**2
    max_whole_file: int = 16 * 1024**2
    max_record: int = 10_000_000
    max_field: int = 1_000_000


_ENV = {
    "max_decompressed": "CITEGRAPH_MAX_DECOMPRESSED_BYTES",
    "max_ratio": "CITEGRAPH_MAX_COMPRESSION_RATIO",
    "max_whole_file": "CITEGRAPH_MAX_WHOLE_FILE_BYTES",
    "max_record": "CITEGRAPH_MAX_RECORD_BYTES",
    "max_field": "CITEGRAPH_MAX_FIELD_CHARS",
}


def current() -> Limits:
    """The defaults, each overridden by its environment variable when that is a positive
    integer (anything else is ignored, so a typo never disables a bound)."""
    values: dict[str, int] = {}
    for name, var in _ENV.items():
        raw = os.environ.get(var, "").replace("_", "").strip()
        if raw.isdigit() and int(raw) > 0:
            values[name] = int(raw)
    return Limits(**values)


def size_text(n: int) -> str:
    """A byte count for a message: ``64 MiB``, ``10 MB``, ``512 bytes``."""
    for unit, size in (("GiB", 1024**3), ("MiB", 1024**2)):
        if n >= size and n % size == 0:
            return f"{n // size} {unit}"
    if n >= 1_000_000:
        return f"{n / 1_000_000:g} MB"
    return f"{n:,} bytes"
