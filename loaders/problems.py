"""What went wrong while reading files: each problem names its file and record.

Loaders never raise on bad input; they report here and go on, so one bad record never
costs the records already read.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ERROR = "error"  # the record or file was skipped
#: Issues kept per file; beyond this they are only counted, so a file with a bad byte on
#: every one of a million lines costs a counter, not a million messages.
MAX_ISSUES_PER_FILE = 1000
WARNING = "warning"  # read, but something was repaired or guessed


#: Longest message kept: a message may quote a field, and a field may be a megabyte.
MAX_MESSAGE = 500
#: Control characters (terminal escapes among them) shown escaped, never sent to a terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str, limit: int = MAX_MESSAGE) -> str:
    """Text safe to print: control characters escaped (``\\x1b``), cut to ``limit``."""
    text = _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class LoadIssue:
    """One problem: the file, where in it (``line 12``, ``record smith2020``), and what.

    Location and message are stored printable (see :func:`printable`), whatever the input.
    """

    path: str
    location: str
    message: str
    severity: str = ERROR

    def __post_init__(self) -> None:
        object.__setattr__(self, "location", printable(self.location, 200))
        object.__setattr__(self, "message", printable(self.message))

    def __str__(self) -> str:
        where = f"{self.path}:{self.location}" if self.location else self.path
        return f"{where}: {self.severity}: {self.message}"


@dataclass
class LoadReport:
    """Problems and counts of one load, for the summary a user reads at the end."""

    issues: list[LoadIssue] = field(default_factory=list)
    records_read: Counter[str] = field(default_factory=Counter)  # per file
    records_skipped: Counter[str] = field(default_factory=Counter)  # per file
    files_skipped: list[str] = field(default_factory=list)
    formats: dict[str, str] = field(default_factory=dict)  # file -> format name
    issues_per_file: Counter[str] = field(default_factory=Counter)
    issues_not_kept: Counter[str] = field(default_factory=Counter)  # per file, over the cap

    def _keep(self, issue: LoadIssue) -> None:
        self.issues_per_file[issue.path] += 1
        if self.issues_per_file[issue.path] <= MAX_ISSUES_PER_FILE:
            self.issues.append(issue)
        else:
            self.issues_not_kept[issue.path] += 1

    def error(self, path: str | Path, location: str, message: str) -> None:
        """Report a skipped record (or file, with an empty location)."""
        self._keep(LoadIssue(str(path), location, message, ERROR))
        if location:
            self.records_skipped[str(path)] += 1

    def warning(self, path: str | Path, location: str, message: str) -> None:
        """Report something read with a repair or a guess."""
        self._keep(LoadIssue(str(path), location, message, WARNING))

    def skip_file(self, path: str | Path, message: str) -> None:
        """Report a whole file that was not read."""
        self.files_skipped.append(str(path))
        self.issues.append(LoadIssue(str(path), "", message, ERROR))

    @property
    def total_read(self) -> int:
        return sum(self.records_read.values())

    @property
    def total_skipped(self) -> int:
        return sum(self.records_skipped.values())

    @property
    def errors(self) -> list[LoadIssue]:
        return [i for i in self.issues if i.severity == ERROR]

    @property
    def warnings(self) -> list[LoadIssue]:
        return [i for i in self.issues if i.severity == WARNING]


class FileProblem(Exception):
    """The rest of a file cannot be read (damaged compression, a bound exceeded): what was
    read before stays read, and the message says where reading stopped and why."""
