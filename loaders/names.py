"""Author names: one display form and one identity key, whatever the source's order.

"Smith, John A.", "John A. Smith", "J{\\"o}rg M\\"uller" and "JÃ¶rg MÃ¼ller" must each
become one author, so names are put in "Given Family" order, LaTeX-decoded and
mojibake-repaired for display, and folded (accents, case, punctuation) for the key.
"""

from __future__ import annotations

from citegraph.loaders.records import normalize_title
from citegraph.loaders.text import clean

_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}


def display_name(name: str, latex: bool = False) -> str:
    """``Family, Given[, Jr]`` reordered to ``Given Family[ Jr]``; cleaned text."""
    text = clean(name, latex=latex)
    parts = [p.strip() for p in text.split(",")]
    if len(parts) == 2 and all(parts) and parts[1].casefold() not in _SUFFIXES:
        return f"{parts[1]} {parts[0]}"
    if len(parts) == 3 and all(parts):  # BibTeX "von Last, Jr, First"
        return f"{parts[2]} {parts[0]} {parts[1]}"
    if len(parts) == 2 and parts[0] and parts[1].casefold() in _SUFFIXES:
        return f"{parts[0]} {parts[1]}"
    return text.strip(", ")


def join_name(given: str, family: str, suffix: str = "", latex: bool = False) -> str:
    """A display name from separate parts (arXiv ``authors_parsed``, WoS, BibTeX parts)."""
    return " ".join(clean(p, latex=latex) for p in (given, family, suffix) if p and p.strip())


def author_key(name: str) -> str:
    """The identity of an author: display form folded like a title ("john-a-smith")."""
    return normalize_title(display_name(name))
