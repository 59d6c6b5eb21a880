"""Cleaning text fields the way exports spoil them: LaTeX markup and mojibake.

Titles, abstracts and names arrive as LaTeX (BibTeX, arXiv), or as UTF-8 that was decoded
once as Latin-1/cp1252 somewhere upstream ("MÃ¼ller"). Both are repaired with libraries
built for the job (pylatexenc, ftfy) and only when the text shows the symptom, so clean
text is never touched.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

import ftfy
from pylatexenc import latexwalker, macrospec
from pylatexenc.latex2text import LatexNodes2Text

_LATEX_HINT = re.compile(r"[\\{}$~]")
#: What a word needs decoded for: markup, or the dashes and quotes LaTeX spells as pairs.
_WORD_MARKUP = re.compile(r"[\\{}$~]|--|``|''")
#: What takes more than dropping braces to decode.
_MARKUP = re.compile(r"[\\$~]|--|``|''")
#: A bare "%" or "&" in an abstract means percent or "and", never a LaTeX comment eating
#: the rest of the line or a table column break.
_BARE_SPECIAL = re.compile(r"(?<!\\)([%&])")
#: A macro named by letters (``\href``, ``\textbf``): dropped, arguments kept, when the
#: piece of text cannot be decoded with them.
_LETTER_MACRO = re.compile(r"\\[A-Za-z]+\*?")
#: Math, kept as written: ``$…$``, ``$$…$$``, ``\\(…\\)``, ``\\[…\\]``.
_MATH = re.compile(r"\$\$.+?\$\$|(?<!\\)\$.+?(?<!\\)\$|\\\(.+?\\\)|\\\[.+?\\\]", re.DOTALL)
#: Math spans stand in the text as private-use characters while the rest is decoded.
_MASK = 0xF0000
_MASKED = re.compile("[\U000F0000-\U000FFFFD]")
#: Lead bytes of two- and three-byte UTF-8 sequences as they look when read as cp1252.
_MOJIBAKE_HINT = re.compile("[ÃÂÅÄâÐÑ][\u0080-\u00bf\u2018-\u203a\u0152-\u017e\u02c6\u02dc]")


@lru_cache(maxsize=1)
def _latex() -> LatexNodes2Text:
    return LatexNodes2Text(math_mode="verbatim", strict_latex_spaces=True)


@lru_cache(maxsize=1)
def _context() -> macrospec.LatexContextDb:
    """pylatexenc's macro database, built once (each walker would build its own); the
    walker only reads it."""
    return latexwalker.get_default_latex_context_db()


def _to_text(latex: str) -> str:
    return _latex().latex_to_text(latex, latex_context=_context())


def squash(text: str) -> str:
    """Runs of whitespace (line breaks in wrapped fields) as one space, ends trimmed."""
    return " ".join(text.split())


def decode_latex(text: str, on_error: Callable[[Exception], None] | None = None) -> str:
    """LaTeX accents, escapes and braces as plain Unicode; math is kept as written.

    Only the pieces that carry markup go through pylatexenc: math spans are kept verbatim
    and the rest is cut at spaces outside braces, so a long abstract with one accent costs
    one short decode, not a walk over every character. A piece pylatexenc cannot decode
    (a macro short of its arguments) is decoded again without its letter macros, else
    kept with its braces dropped; ``on_error`` hears why, once per text.
    """
    if not _LATEX_HINT.search(text):
        return squash(text)
    maths: list[str] = []

    def mask(m: re.Match[str]) -> str:
        maths.append(m.group(0))
        return chr(_MASK + len(maths) - 1)

    masked = _MATH.sub(mask, text) if not _MASKED.search(text) else text
    failed: list[Exception] = []
    decoded = " ".join(_decode_words(masked, failed))
    if failed and on_error is not None:
        on_error(failed[0])
    if maths:
        decoded = _MASKED.sub(lambda m: maths[ord(m.group(0)) - _MASK], decoded)
    return squash(decoded)


def _decode_words(text: str, failed: list[Exception]) -> list[str]:
    """Groups of words (joined while a brace is open), decoded where they carry markup."""
    pieces: list[str] = []
    group: list[str] = []
    depth = 0
    hint = _WORD_MARKUP.search
    for word in text.split():
        if not group and not hint(word):
            pieces.append(word)
            continue
        group.append(word)
        depth += word.count("{") - word.count("}")
        if depth <= 0:
            pieces.append(_decode_piece(" ".join(group), failed))
            group, depth = [], 0
    if group:
        pieces.append(_decode_piece(" ".join(group), failed))
    return pieces


def _decode_piece(piece: str, failed: list[Exception]) -> str:
    if not _MARKUP.search(piece):  # braces only: a group means its content
        return piece.replace("{", "").replace("}", "")
    decoded, error = _decode_cached(piece)
    if error is not None:
        failed.append(error)
    return decoded


@lru_cache(maxsize=8192)
def _decode_cached(piece: str) -> tuple[str, Exception | None]:
    """A piece decoded (names and accents repeat across a file: decoded once)."""
    escaped = _BARE_SPECIAL.sub(r"\\\1", piece)
    try:
        return _to_text(escaped), None
    except Exception as exc:  # never let one odd field cost the record
        error = exc
    try:
        return _to_text(_LETTER_MACRO.sub(" ", escaped)), error
    except Exception:
        return _LETTER_MACRO.sub(" ", piece).replace("{", "").replace("}", ""), error


#: HTML character references exporters leave in text ("R&amp;D", ACM's "&\\#38;" with its
#: "#" escaped for LaTeX): numeric ones and the few named ones seen in exports.
_HTML_ENTITY = re.compile(
    r"&(?:\\?#(\d{1,7})|\\?#[xX]([0-9a-fA-F]{1,6})|(amp|lt|gt|quot|apos|nbsp));")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'", "nbsp": " "}


def unescape_html(text: str) -> str:
    """HTML character references as the characters they stand for."""
    if "&" not in text:
        return text
    return _HTML_ENTITY.sub(_entity, text)


def _entity(m: re.Match[str]) -> str:
    number = int(m.group(1)) if m.group(1) else int(m.group(2), 16) if m.group(2) else None
    if number is None:
        return _NAMED[m.group(3)]
    return chr(number) if 0 < number < 0x110000 and not 0xD800 <= number < 0xE000 else m.group(0)


def fix_mojibake(text: str) -> str:
    """Undo UTF-8 read as cp1252/Latin-1 ("MÃ¼ller" -> "Müller") when the text shows it."""
    if not _MOJIBAKE_HINT.search(text):
        return text
    return ftfy.fix_encoding(text)


def clean(text: str | None, latex: bool = False,
          on_error: Callable[[Exception], None] | None = None) -> str:
    """A field as readable text: mojibake repaired, HTML character references decoded,
    LaTeX decoded if asked, spaces squashed.

    ``on_error`` hears about LaTeX that could only be partly decoded (see
    :func:`decode_latex`).
    """
    if not text:
        return ""
    text = unescape_html(fix_mojibake(str(text)))
    return decode_latex(text, on_error) if latex else squash(text)
