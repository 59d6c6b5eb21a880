"""Rows with more cells than the header has columns: where the unlabelled cells sit.

Scopus writes one "Funding Text" column in the header but, for papers with two funding
texts, two cells; every column after it would then be read one place off. The extra cells
are found where putting them aside leaves the most cells that look like their column
(an EID under ``EID``, a DOI under ``DOI``, a year under ``Year``, "Scopus" under
``Source``). Ties go to the place right after a numbered column ("Funding Text 1": its
unlabelled siblings follow it), else to the end of the row.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_NUMBER = r"^\d+$"
#: What a cell of a known column looks like, by folded column name.
_LOOKS: dict[str, str] = {
    "eid": r"^2-s2\.0-\d+$",
    "doi": r"^10\.\d{4,9}/", "di": r"^10\.\d{4,9}/",
    "year": r"^(1[5-9]|20)\d\d$", "py": r"^(1[5-9]|20)\d\d$",
    "publication year": r"^(1[5-9]|20)\d\d$",
    "link": r"^https?://", "pdf link": r"^https?://",
    "source": r"^(Scopus|Web of Science)$",
    "references": r"\(\d{4}\)", "cited references": r", \d{4}, ", "cr": r", \d{4}, ",
    "cited by": _NUMBER, "page start": _NUMBER, "page end": _NUMBER, "page count": _NUMBER,
    "pubmed id": _NUMBER, "pm": _NUMBER, "tc": _NUMBER, "z9": _NUMBER,
    "article citation count": _NUMBER, "reference count": _NUMBER,
    "issn": r"^\d{4}-?\d{3}[\dXx]$", "sn": r"^\d{4}-\d{3}[\dXx]$",
    "isbn": r"^[\d\-Xx; ]{10,}$",
    "ut": r"^WOS:", "ut (unique wos id)": r"^WOS:",
    "language of original document": r"^[A-Z][a-z]+(; [A-Z][a-z]+)*$",
    "language": r"^[A-Z][a-z]+(; [A-Z][a-z]+)*$", "la": r"^[A-Z][a-z]+(; [A-Z][a-z]+)*$",
    "document type": r"^[A-Z][a-z]+( [A-Za-z]+)*(; [A-Z][a-z]+( [A-Za-z]+)*)*$",
    "publication stage": r"^(Final|Article in press)$",
    "open access": r"Open Access",
    "abbreviated source title": r"\.",
}
_NUMBERED = re.compile(r"\s\d+$")


class Aligner:
    """Reads a wide row's labelled cells in their columns; counts the rows it realigned."""

    def __init__(self, columns: list[str]) -> None:
        self.columns = columns
        self.checks: list[Callable[[str], object] | None] = [
            re.compile(p).search if (p := _LOOKS.get(c.casefold())) else None
            for c in columns
        ]
        #: Insertion places preferred on a tie: after a numbered column, then the end.
        self.preferred = [i + 1 for i, c in enumerate(columns) if _NUMBERED.search(c)]
        self.rows = 0
        self.first_location = ""
        self.places: dict[int, int] = {}

    def align(self, row: list[str], location: str) -> list[str]:
        """``row`` with its unlabelled cells taken out, as long as the header."""
        n, extra = len(self.columns), len(row) - len(self.columns)
        if extra <= 0 or not any(c.strip() for c in row):
            return row
        if not any(c.strip() for c in row[n:]):  # a trailing delimiter (Web of Science)
            return row[:n]
        place = self._place(row, extra)
        self.rows += 1
        self.first_location = self.first_location or location
        self.places[place] = self.places.get(place, 0) + 1
        return row[:place] + row[place + extra : n + extra]

    def _place(self, row: list[str], extra: int) -> int:
        n = len(self.columns)

        def fits(i: int, value: str) -> int:
            check = self.checks[i]
            return 1 if check is not None and value.strip() and check(value.strip()) else 0

        left = [0] * (n + 1)  # left[p]: columns before p that fit unshifted
        for i in range(n):
            left[i + 1] = left[i] + fits(i, row[i])
        right = [0] * (n + 1)  # right[p]: columns from p on that fit shifted by ``extra``
        for i in range(n - 1, -1, -1):
            right[i] = right[i + 1] + fits(i, row[i + extra])
        scores = [left[p] + right[p] for p in range(n + 1)]
        best = max(scores)
        for p in [*self.preferred, n]:
            if scores[p] == best:
                return p
        return max(p for p in range(n + 1) if scores[p] == best)

    def summary(self) -> str:
        """The one warning for the file: how many rows, and where their extra cells were."""
        where = ", ".join(
            f"after column {self.columns[p - 1]!r}" if 0 < p < len(self.columns)
            else "at the end" if p == len(self.columns) else "at the start"
            for p in sorted(self.places, key=self.places.__getitem__, reverse=True))
        return (f"{self.rows} row(s) have more cells than the header's {len(self.columns)} "
                f"columns; their unlabelled cells ({where}) were set aside and the labelled "
                "ones read in their columns")
