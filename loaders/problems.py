"""What went wrong while reading files: each problem names its file and record.

Loaders never raise on bad input; they report here and go on, so one bad record never
costs the records already read, nor those after it. A loader counts every record it meets
(:meth:`LoadReport.saw`); each one is then either read (yielded) or skipped with an error,
so per file ``seen == read + skipped`` holds exactly. A field that cannot be read costs
that field only: :meth:`LoadReport.field` runs its reader and turns a failure into a
warning naming the file, the record and the field.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

ERROR = "error"  # the record or file was skipped
#: Issues kept per file; beyond this they are only counted, so a file with a bad byte on
#: every one of a million lines costs a counter, not a million messages.
MAX_ISSUES_PER_FILE = 1000
WARNING = "warning"  # read, but something was repaired, guessed or left empty
INFO = "info"  # met and passed over on purpose: not a paper (a proceedings volume entry)
#: The name the build gives the kept report, beside the saved graph.
REPORT_FILE = "load_report.jsonl"

T = TypeVar("T")


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

    def as_dict(self) -> dict[str, str]:
        return {"file": self.path, "location": self.location, "severity": self.severity,
                "reason": self.message}


@dataclass
class LoadReport:
    """Problems and counts of one load, for the summary a user reads at the end."""

    issues: list[LoadIssue] = field(default_factory=list)
    records_seen: Counter[str] = field(default_factory=Counter)  # per file, as loaders met them
    records_read: Counter[str] = field(default_factory=Counter)  # per file
    records_skipped: Counter[str] = field(default_factory=Counter)  # per file
    files_skipped: list[str] = field(default_factory=list)
    formats: dict[str, str] = field(default_factory=dict)  # file -> format name
    issues_per_file: Counter[str] = field(default_factory=Counter)
    warnings_per_file: Counter[str] = field(default_factory=Counter)
    issues_not_kept: Counter[str] = field(default_factory=Counter)  # per file, over the cap

    def _keep(self, issue: LoadIssue) -> None:
        self.issues_per_file[issue.path] += 1
        if self.issues_per_file[issue.path] <= MAX_ISSUES_PER_FILE:
            self.issues.append(issue)
        else:
            self.issues_not_kept[issue.path] += 1

    def saw(self, path: str | Path, n: int = 1) -> None:
        """Count ``n`` records met in a file, before deciding whether they can be read."""
        self.records_seen[str(path)] += n

    def error(self, path: str | Path, location: str, message: str) -> None:
        """Report a skipped record (or file, with an empty location)."""
        self._keep(LoadIssue(str(path), location, message, ERROR))
        if location:
            self.records_skipped[str(path)] += 1

    def passed(self, path: str | Path, location: str, message: str) -> None:
        """Report a record passed over on purpose because it is not a paper."""
        self._keep(LoadIssue(str(path), location, message, INFO))
        self.records_skipped[str(path)] += 1

    def warning(self, path: str | Path, location: str, message: str) -> None:
        """Report something read with a repair or a guess."""
        self.warnings_per_file[str(path)] += 1
        self._keep(LoadIssue(str(path), location, message, WARNING))

    def skip_file(self, path: str | Path, message: str) -> None:
        """Report a whole file that was not read."""
        self.files_skipped.append(str(path))
        self.issues.append(LoadIssue(str(path), "", message, ERROR))

    def field(self, path: str | Path, location: str, name: str, read: Callable[..., T],
              *args: Any, default: T) -> T:
        """``read(*args)``, or ``default`` with a warning when it raises.

        The one guard around reading a field: whatever a library throws at one odd value
        (a name that will not split, a date that will not parse) degrades that field of
        that record, never the record or the file.
        """
        try:
            return read(*args)
        except Exception as exc:  # any library's surprise: the field is lost, not the record
            self.warning(path, location, f"{name} could not be read "
                         f"({type(exc).__name__}: {_first_line(exc)}); left empty")
            return default

    @property
    def total_read(self) -> int:
        return sum(self.records_read.values())

    @property
    def total_skipped(self) -> int:
        return sum(self.records_skipped.values())

    @property
    def total_warnings(self) -> int:
        return sum(self.warnings_per_file.values())

    @property
    def errors(self) -> list[LoadIssue]:
        return [i for i in self.issues if i.severity == ERROR]

    @property
    def warnings(self) -> list[LoadIssue]:
        return [i for i in self.issues if i.severity == WARNING]

    def files(self) -> list[str]:
        """Every file the load met, in the order it met them."""
        names = dict.fromkeys([*self.formats, *self.files_skipped])
        return list(names)

    def totals(self, path: str) -> dict[str, Any]:
        """One file's counts: records seen, read and skipped, warnings, and its format."""
        read, skipped = self.records_read[path], self.records_skipped[path]
        return {"file": path, "format": self.formats.get(path),
                "seen": self.records_seen.get(path, read + skipped), "read": read,
                "skipped": skipped, "warnings": self.warnings_per_file[path],
                "file_skipped": path in self.files_skipped,
                "not_listed": self.issues_not_kept[path]}

    def summary(self) -> str:
        """One line: records read and skipped, warnings, files skipped."""
        return (f"{self.total_read} records read, {self.total_skipped} skipped, "
                f"{self.total_warnings} warnings, {len(self.files_skipped)} file(s) skipped")

    @property
    def has_problems(self) -> bool:
        """Something was skipped for an error, repaired or guessed (not merely passed over)."""
        return bool(self.files_skipped or any(self.issues_not_kept.values())
                    or any(i.severity != INFO for i in self.issues))

    def write_jsonl(self, path: str | Path) -> None:
        """Every kept problem, then every file's totals, one JSON object a line.

        Problem lines are ``{"kind": "issue", "file", "location", "severity", "reason"}``;
        totals lines ``{"kind": "file", "file", "format", "seen", "read", "skipped",
        "warnings", "file_skipped", "not_listed"}`` (``not_listed``: problems over the
        per-file cap, counted but not written).
        """
        from citegraph.atomic import atomic_write

        with atomic_write(path) as fh:
            for issue in self.issues:
                fh.write(json.dumps({"kind": "issue", **issue.as_dict()}, ensure_ascii=False))
                fh.write("\n")
            for name in self.files():
                fh.write(json.dumps({"kind": "file", **self.totals(name)}, ensure_ascii=False))
                fh.write("\n")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:200] if text else "no message"


class FileProblem(Exception):
    """The rest of a file cannot be read (damaged compression, a bound exceeded): what was
    read before stays read, and the message says where reading stopped and why."""
