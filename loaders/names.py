"""Author names: one display form and one identity key, whatever the source's order.

"Smith, John A.", "John A. Smith", "Smith J.A.", "J{\\"o}rg M\\"uller" and "JÃ¶rg MÃ¼ller"
must each become one author, so names are put in "Given Family" order, LaTeX-decoded and
mojibake-repaired for display, and folded (accents, case, punctuation) for the key.

Name lists come in three shapes: BibTeX's ``and``-joined list (split by bibtexparser, with
:func:`split_names` as the fallback for lists it rejects), ``;``-joined lists, and Scopus's
comma-joined "Surname Initials." list. Placeholders exporters write where a name is
missing are never names (:func:`is_placeholder`), in every loader.
"""

from __future__ import annotations

import re
from functools import lru_cache

from citegraph.loaders.records import normalize_title
from citegraph.loaders.text import clean

_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}
#: Initials as exporters write them after a surname: "J.", "R.J.", "J.-M.", "A.B.C."
_INITIALS = r"(?:[A-Z][a-z]?\.\s?-?\s?)+"
_SURNAME_INITIALS = re.compile(rf"^(?P<family>[^\s,.][^,]*?)\s+(?P<given>{_INITIALS})$")
_INITIALS_ONLY = re.compile(rf"^{_INITIALS}$|^[A-Z]{{1,3}}$")
_AND = re.compile(r"\s+and\s+", re.IGNORECASE)
#: What exporters write where an author's name is unknown: never an author. Compared
#: folded (case, braces, brackets and punctuation at the ends dropped).
_PLACEHOLDERS = {
    "", "anonymous", "anon", "anonym", "et al", "others", "and others", "unknown",
    "no author name available", "no authors", "no author", "no authorship indicated",
    "unknown author", "n/a", "na", "none", "-",
}
_PLACEHOLDER_ENDS = "[](){}.,;:- "


def is_placeholder(name: str | None) -> bool:
    """True for what stands in for a missing name ("[No author name available]", "et al.")."""
    if not name:
        return True
    folded = " ".join(name.replace("{", "").replace("}", "").split()).casefold()
    return folded.strip(_PLACEHOLDER_ENDS) in _PLACEHOLDERS


def display_name(name: str, latex: bool = False) -> str:
    """``Family, Given[, Jr]`` or ``Family I.`` reordered to ``Given Family[ Jr]``."""
    text = clean(name, latex=latex).strip(" ,;")
    parts = [p.strip() for p in text.split(",")]
    if len(parts) == 2 and all(parts) and parts[1].casefold() not in _SUFFIXES:
        return f"{parts[1]} {parts[0]}"
    if len(parts) == 3 and all(parts):  # BibTeX "von Last, Jr, First"
        return f"{parts[2]} {parts[0]} {parts[1]}"
    if len(parts) == 2 and parts[0] and parts[1].casefold() in _SUFFIXES:
        return f"{parts[0]} {parts[1]}"
    if m := _SURNAME_INITIALS.match(text):  # Scopus "Watrobski J.", "Jain L.C."
        return f"{m['given'].strip()} {m['family']}"
    return text


def join_name(given: str, family: str, suffix: str = "", latex: bool = False) -> str:
    """A display name from separate parts (arXiv ``authors_parsed``, WoS, BibTeX parts)."""
    return " ".join(clean(p, latex=latex) for p in (given, family, suffix) if p and p.strip())


@lru_cache(maxsize=1 << 16)
def author_key(name: str) -> str:
    """The identity of an author: display form folded like a title ("john-a-smith").

    Kept per string: an export names the same people on many records."""
    return normalize_title(display_name(name))


def split_names(text: str) -> list[str]:
    """A list of names as one string, split by whichever convention it follows.

    ``;`` separates names when present; otherwise ``and``. A piece with commas is one
    "Surname, Given" name when it has exactly one comma, pairs of surname and initials
    when those alternate ("Kalé, L., Skeel, R."), and a comma-separated list of whole
    names otherwise (Scopus "Watrobski J., Salabun W."). Trailing commas and empty
    pieces are dropped. Names keep their source order and spelling; :func:`display_name`
    reorders them.
    """
    text = " ".join(text.split()).strip(" ,;")
    if not text:
        return []
    pieces = text.split(";") if ";" in text else _AND.split(text)
    names: list[str] = []
    for piece in (p.strip(" ,") for p in pieces):
        if not piece:
            continue
        parts = [p.strip() for p in piece.split(",") if p.strip()]
        if len(parts) <= 1 or _is_one_name(parts):
            names.append(", ".join(parts))
        elif len(parts) % 2 == 0 and all(_INITIALS_ONLY.match(p) for p in parts[1::2]):
            # "Kalé, L., Skeel, R.": surname and initials alternate
            names.extend(f"{a}, {b}" for a, b in zip(parts[::2], parts[1::2], strict=True))
        else:
            names.extend(parts)
    return names


def _is_one_name(parts: list[str]) -> bool:
    """``["Smith", "John A."]`` is one name; ``["Watrobski J.", "Salabun W."]`` two."""
    if all(_SURNAME_INITIALS.match(p) for p in parts):
        return False  # each part is a whole "Surname Initials." name
    if len(parts) == 2:
        return True  # "Surname, Given" (or "Surname, Initials")
    if len(parts) % 2 == 0 and all(_INITIALS_ONLY.match(p) for p in parts[1::2]):
        return False
    return len(parts) == 3 and parts[1].casefold() in _SUFFIXES  # "Last, Jr, First"


def real_names(names: list[str]) -> list[str]:
    """``names`` without placeholders and empty strings, order kept."""
    return [n for n in names if n and not is_placeholder(n)]
