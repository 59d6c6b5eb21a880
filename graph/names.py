"""The one string folding of names: what makes two spellings of a name the same name.

Entity keys, reference resolution (query helpers, views, SPARQL examples, the CLI) and
search all fold through :func:`fold_name`, so a spelling the build merges into one entity
is also found as one entity by every reader of the graph.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_NON_WORD = re.compile(r"[\W_]+")
#: A possessive or elided ``'s`` at the end of a word ("Rubik's" is found by "Rubik").
_POSSESSIVE = re.compile(r"(\w)['\u2019\u02bc]s\b")


@lru_cache(maxsize=1 << 16)
def fold_name(name: str) -> str:
    """The identity of a name: case, accents, spaces, hyphens and dots folded away.

    ``LLaMA-2``, ``Llama 2`` and ``llama2`` share a key; a ``+`` is kept as ``plus`` so
    ``SpecDec++`` and ``SpecDec`` stay apart (``+`` is meaningful in method names).
    """
    name = unicodedata.normalize("NFKC", name).casefold()
    name = name.replace("+", "plus").replace("×", "x")
    if not name.isascii():
        name = "".join(c for c in unicodedata.normalize("NFKD", name)
                       if not unicodedata.combining(c))
    return _NON_WORD.sub("", name)


#: The apostrophes a possessive is written with (straight, right quote, modifier letter).
APOSTROPHES = "'\u2019\u02bc"


def strip_possessive(text: str) -> str:
    """``text`` with each word's possessive ``'s`` dropped, so search for a name finds it
    whether or not the text or the query writes the possessive."""
    return _POSSESSIVE.sub(r"\1", text)
