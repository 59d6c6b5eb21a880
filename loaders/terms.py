"""Keyword lists as exports write them: one string, terms joined by ``;`` (or ``,``).

Scopus index keywords add a second level: the controlled and uncontrolled groups of one
item are joined by ", ". Terms keep their spelling and case; runs of spaces are squashed
and repeats dropped.
"""

from __future__ import annotations

from collections.abc import Iterable


def split_terms(text: str) -> list[str]:
    """Terms joined by ``;``, or by ``,`` when the string has no ``;``."""
    sep = ";" if ";" in text else ","
    return _unique(text.split(sep))


def scopus_terms(text: str) -> list[str]:
    """Scopus index keywords: ``;``-separated items whose groups are joined by ", "."""
    return _unique(t for part in text.split(";") for t in part.split(", "))


def _unique(parts: Iterable[str]) -> list[str]:
    terms = (" ".join(p.split()) for p in parts)
    return list(dict.fromkeys(t for t in terms if t))
