"""The one module of string foldings: what makes two spellings of a name the same name.

Entity keys, reference resolution (query helpers, views, SPARQL examples, the CLI) and
search all fold through :func:`fold_name`, so a spelling the build merges into one entity
is also found as one entity by every reader of the graph. The other foldings here differ
from it on purpose, each for the reason its docstring gives: :func:`fold_plain` is the
rule annotations are scored by, :func:`fold_keyword` keeps word boundaries and folds a
plural.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_NON_WORD = re.compile(r"[\W_]+")
#: A possessive or elided ``'s`` at the end of a word ("Rubik's" is found by "Rubik").
_POSSESSIVE = re.compile(r"(\w)['\u2019\u02bc]s\b")
#: Runs of spaces, hyphens, dashes, underscores and slashes between the words of a keyword.
_KEYWORD_SEPARATORS = re.compile(r"[\s\-‐-―_/]+")
#: Endings that are not plurals of something shorter (analysis, corpus, bibliometrics).
_UNPLURAL_KEEP = ("ss", "us", "is", "ics")


def _unaccent(text: str) -> str:
    """``text`` without combining marks (``é`` becomes ``e``)."""
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(c))


def fold_plain(text: str) -> str:
    """Compatibility forms (NFKC), case, and every character that is not a letter or digit
    folded away; accents and ``+`` kept.

    This is the rule the entity annotations are scored by (``shared/eval``), so training
    and evaluation pair gold and found names exactly as the score does.
    """
    return _NON_WORD.sub("", unicodedata.normalize("NFKC", text).casefold())


@lru_cache(maxsize=1 << 16)
def fold_name(name: str) -> str:
    """The identity of a name: case, accents, spaces, hyphens and dots folded away.

    ``LLaMA-2``, ``Llama 2`` and ``llama2`` share a key; a ``+`` is kept as ``plus`` so
    ``SpecDec++`` and ``SpecDec`` stay apart (``+`` is meaningful in method names).
    """
    name = unicodedata.normalize("NFKC", name).casefold()
    name = _unaccent(name.replace("+", "plus").replace("×", "x"))
    return _NON_WORD.sub("", name)


def fold_keyword(text: str) -> str:
    """The identity of a keyword: case, accents, hyphens and spacing folded away, and a
    plural ``s`` on the last word dropped ("Neural-Networks" and "neural network" are one).

    Unlike :func:`fold_name` the words stay apart (a keyword node is named and searched by
    its words). Words ending in ``ss``, ``us``, ``is`` or ``ics`` keep their ``s``.
    """
    text = _unaccent(unicodedata.normalize("NFKD", text)).casefold()
    words = [w for w in _KEYWORD_SEPARATORS.split(text.strip(" .;,")) if w]
    if words and len(words[-1]) > 3 and words[-1].endswith("s") \
            and not words[-1].endswith(_UNPLURAL_KEEP):
        words[-1] = words[-1][:-1]
    return " ".join(words)


#: The apostrophes a possessive is written with (straight, right quote, modifier letter).
APOSTROPHES = "'\u2019\u02bc"


def strip_possessive(text: str) -> str:
    """``text`` with each word's possessive ``'s`` dropped, so search for a name finds it
    whether or not the text or the query writes the possessive."""
    return _POSSESSIVE.sub(r"\1", text)
