"""Acronym–definition pairs in the manner of Schwartz & Hearst (2003).

For every ``long form (SHORT)`` the short form's characters are matched right to left
against the words before the bracket; the first character must start a word. The pair
links an acronym to its long form, so ``DPO`` and ``Direct Preference Optimization`` are
one entity.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from citegraph.graph.names import fold_plain

_PAREN = re.compile(r"\(([^()]{1,30})\)")
_SHORT_OK = re.compile(r"^[\w.+*&/-]+(?: [\w.+*-]+)?$")
_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class AcronymPair:
    short: str
    long: str
    long_start: int
    long_end: int
    short_start: int
    short_end: int


def _best_long_form(short: str, long: str) -> int:
    """Start offset in ``long`` of the shortest tail that spells ``short``, or -1."""
    s = len(short) - 1
    lidx = len(long) - 1
    while s >= 0:
        c = short[s].lower()
        if not c.isalnum():
            s -= 1
            continue
        while lidx >= 0 and (
            long[lidx].lower() != c
            or (s == 0 and lidx > 0 and long[lidx - 1].isalnum())
        ):
            lidx -= 1
        if lidx < 0:
            return -1
        lidx -= 1
        s -= 1
    return lidx + 1


def find_pairs(text: str) -> list[AcronymPair]:
    """Every acronym–definition pair ``long (SHORT)`` in a text."""
    pairs: list[AcronymPair] = []
    for m in _PAREN.finditer(text):
        inner = m.group(1).strip()
        short = re.split(r"[;,]", inner)[0].strip()
        if not _SHORT_OK.match(short) or not (2 <= len(short) <= 12):
            continue
        if not any(c.isupper() for c in short) or not short[0].isalnum():
            continue
        if sum(c.isalpha() for c in short) < 2:
            continue
        before = text[max(0, m.start() - 200):m.start()].rstrip()
        before = re.split(r"[.;:!?()\[\]]|, (?:and |or )?(?=[a-z])| and ", before)[-1]
        words = _WORD.findall(before)
        nletters = sum(c.isalpha() for c in short)
        window = words[-min(len(words), nletters + 5, nletters * 2):]
        if not window:
            continue
        candidate = " ".join(window)
        start = _best_long_form(short, candidate)
        if start < 0:
            continue
        while start > 0 and candidate[start - 1] != " ":  # whole hyphenated word
            start -= 1
        long = candidate[start:].strip(" ,-")
        if len(long) <= len(short) or fold_plain(long) == fold_plain(short):
            continue
        if len(long.split()) > nletters + 2:
            continue
        long_end = m.start() - (len(text[:m.start()]) - len(text[:m.start()].rstrip()))
        long_start = text.rfind(long, 0, long_end + 1)
        if long_start < 0:
            continue
        s_start = m.start(1) + m.group(1).find(short)
        pairs.append(AcronymPair(short, long, long_start, long_start + len(long),
                                 s_start, s_start + len(short)))
    return pairs
