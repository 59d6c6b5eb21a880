"""Countries from affiliation strings, as ISO 3166 short names.

Exporters end an affiliation with its country, spelled their way: "…, Poland",
"…, Boston, MA 02115 USA." (Web of Science), "…, Peoples R China", "…, Korea, Republic
of". The country is the last comma-separated segment (or the last two, for names with a
comma), else the longest run of its last words, looked up in ``data/countries.tsv``: one
line per country, its ISO alpha-2 code, its ISO short name and the spellings seen in
exports. Exports that give countries as codes (OpenAlex) are read by
:func:`country_from_code`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

_TABLE = Path(__file__).with_name("data") / "countries.tsv"
_NON_WORD = re.compile(r"[^\w]+")
_DIGITS = re.compile(r"\d")
#: Longest country spelling, in words, tried at the end of a segment.
_MAX_WORDS = 6


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return " ".join(_NON_WORD.sub(" ", text).split())


@lru_cache(maxsize=1)
def _table() -> tuple[dict[str, str], dict[str, str]]:
    """Folded spelling -> ISO short name, and alpha-2 code -> ISO short name."""
    names: dict[str, str] = {}
    codes: dict[str, str] = {}
    for line in _TABLE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        code, name, *variants = line.split("\t")
        codes[code] = name
        for spelling in (name, *variants):
            names.setdefault(_fold(spelling), name)
    return names, codes


def _countries() -> dict[str, str]:
    return _table()[0]


def country_from_code(code: str) -> str | None:
    """The ISO short name of an ISO 3166-1 alpha-2 code ("IT" -> "Italy")."""
    return _table()[1].get(code.strip().upper())


@lru_cache(maxsize=1 << 16)
def country_of(affiliation: str) -> str | None:
    """The country an affiliation ends with, as its ISO 3166 short name; None if unknown.

    Kept per string: the same affiliations come back on many records of an export."""
    table = _countries()
    segments = [s for s in (p.strip(" .;") for p in affiliation.split(",")) if s]
    if not segments:
        return None
    for n in (1, 2):  # "…, Poland", "…, Korea, Republic of"
        if len(segments) >= n and (found := table.get(_fold(", ".join(segments[-n:])))):
            return found
    words = [w for w in _fold(segments[-1]).split() if not _DIGITS.search(w)]
    while len(words) > 1 and len(words[-1]) == 1:  # a postcode's letter: "Hungary H-1117"
        words.pop()
    for n in range(min(_MAX_WORDS, len(words)), 0, -1):  # "MA 02115 USA", "Sinaloa Mexico"
        if found := table.get(" ".join(words[-n:])):
            return found
    return None


def countries_of(affiliations: Iterable[str]) -> list[str]:
    """The distinct countries of some affiliations, in order of first appearance."""
    found = (country_of(a) for a in affiliations if a)
    return list(dict.fromkeys(c for c in found if c))

