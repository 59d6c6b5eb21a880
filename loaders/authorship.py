"""Authors as bibliographic exports list them: placeholders, ORCIDs, and names to match.

Exports fill an empty author field with a placeholder that must not become a person
(:func:`citegraph.loaders.names.is_placeholder` is the one rule). They also name each
author several times in different forms (full name in the author list, "Family, Initials"
beside an address or an ORCID), so per-author affiliations and identifiers are matched
back to the author list by name: the folded full name first, then the family name with
the first initial when that picks out one author.
"""

from __future__ import annotations

import re

from citegraph.loaders.names import author_key, display_name, is_placeholder

__all__ = ["AuthorMatcher", "is_placeholder", "normalize_orcid"]

_ORCID = re.compile(r"(\d{4}-\d{4}-\d{4}-\d{3}[\dX])", re.IGNORECASE)


def normalize_orcid(value: str | None) -> str | None:
    """The bare ORCID (``0000-0002-1825-0097``) in an iD, a URL or a labelled value."""
    m = _ORCID.search(value or "")
    return m.group(1).upper() if m else None


def _family_initial(name: str) -> tuple[str, str]:
    """(folded family name, first initial) of a display-order name."""
    parts = [p for p in re.split(r"[\s.]+", display_name(name)) if p]
    if not parts:
        return "", ""
    return author_key(parts[-1]), author_key(parts[0])[:1]


class AuthorMatcher:
    """Finds the position of a differently written name in one record's author list."""

    def __init__(self, authors: list[str]) -> None:
        self._authors = authors
        self._by_key: dict[str, int] = {}
        for i, name in enumerate(authors):
            self._by_key.setdefault(author_key(name), i)
        self._by_initial: dict[tuple[str, str], list[int]] | None = None  # built when needed

    def find(self, name: str) -> int | None:
        """The index of ``name`` in the author list, or None when it is absent or ambiguous."""
        i = self._by_key.get(author_key(name))
        if i is not None:
            return i
        if self._by_initial is None:
            self._by_initial = {}
            for k, author in enumerate(self._authors):
                self._by_initial.setdefault(_family_initial(author), []).append(k)
        candidates = self._by_initial.get(_family_initial(name), [])
        return candidates[0] if len(candidates) == 1 else None
