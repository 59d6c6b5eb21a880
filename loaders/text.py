"""Cleaning text fields the way exports spoil them: LaTeX markup and mojibake.

Titles, abstracts and names arrive as LaTeX (BibTeX, arXiv), or as UTF-8 that was decoded
once as Latin-1/cp1252 somewhere upstream ("MÃ¼ller"). Both are repaired with libraries
built for the job (pylatexenc, ftfy) and only when the text shows the symptom, so clean
text is never touched.
"""

from __future__ import annotations

import re
from functools import lru_cache

import ftfy
from pylatexenc.latex2text import LatexNodes2Text

_LATEX_HINT = re.compile(r"[\\{}$~]")
#: A bare "%" or "&" in an abstract means percent or "and", never a LaTeX comment eating
#: the rest of the line or a table column break.
_BARE_SPECIAL = re.compile(r"(?<!\\)([%&])")
#: Lead bytes of two- and three-byte UTF-8 sequences as they look when read as cp1252.
_MOJIBAKE_HINT = re.compile("[ÃÂÅÄâÐÑ][\u0080-\u00bf\u2018-\u203a\u0152-\u017e\u02c6\u02dc]")


@lru_cache(maxsize=1)
def _latex() -> LatexNodes2Text:
    return LatexNodes2Text(math_mode="verbatim", strict_latex_spaces=True)


def squash(text: str) -> str:
    """Runs of whitespace (line breaks in wrapped fields) as one space, ends trimmed."""
    return " ".join(text.split())


def decode_latex(text: str) -> str:
    """LaTeX accents, escapes and braces as plain Unicode; math is kept as written."""
    if not _LATEX_HINT.search(text):
        return squash(text)
    try:
        return squash(_latex().latex_to_text(_BARE_SPECIAL.sub(r"\\\1", text)))
    except Exception:  # pylatexenc is lenient; never let one odd field cost the record
        return squash(text.replace("{", "").replace("}", ""))


def fix_mojibake(text: str) -> str:
    """Undo UTF-8 read as cp1252/Latin-1 ("MÃ¼ller" -> "Müller") when the text shows it."""
    if not _MOJIBAKE_HINT.search(text):
        return text
    return ftfy.fix_encoding(text)


def clean(text: str | None, latex: bool = False) -> str:
    """A field as readable text: mojibake repaired, LaTeX decoded if asked, spaces squashed."""
    if not text:
        return ""
    text = fix_mojibake(str(text))
    return decode_latex(text) if latex else squash(text)
