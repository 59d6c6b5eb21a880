"""The identity of a keyword: one folded form for every spelling of it."""

from __future__ import annotations

import re
import unicodedata

_SEPARATORS = re.compile(r"[\s\-‐-―_/]+")
_UNPLURAL_KEEP = ("ss", "us", "is", "ics")


def fold_keyword(text: str) -> str:
    """The identity of a keyword: case, accents, hyphens and spacing folded away, and a
    plural ``s`` on the last word dropped ("Neural-Networks" and "neural network" are one).

    Words ending in ``ss``, ``us``, ``is`` or ``ics`` keep their ``s`` (analysis, corpus,
    bibliometrics are not plurals of anything shorter)."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    words = [w for w in _SEPARATORS.split(text.strip(" .;,")) if w]
    if words and len(words[-1]) > 3 and words[-1].endswith("s") \
            and not words[-1].endswith(_UNPLURAL_KEEP):
        words[-1] = words[-1][:-1]
    return " ".join(words)
