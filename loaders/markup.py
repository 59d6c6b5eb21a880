"""Abstracts that arrive as markup: JATS XML (Crossref, Lens, PubMed links) or HTML.

Crossref deposits abstracts as JATS fragments (``<jats:p>…</jats:p>``, often with an
undeclared namespace prefix, so not well-formed XML); some exports copy them verbatim.
They are parsed with lxml's forgiving HTML parser, which keeps prefixed names as plain tag
names, and flattened to text with a space between blocks. A leading heading that only says
"Abstract" or "Summary" is dropped; section headings of structured abstracts are kept.
"""

from __future__ import annotations

import re

from citegraph.loaders.text import clean

_TAG_HINT = re.compile(r"<[A-Za-z!/]")
#: Elements whose end separates words (paragraphs, headings, list items, breaks).
_BLOCKS = frozenset({"p", "title", "sec", "list-item", "li", "br", "div", "abstract", "label"})
_ABSTRACT_HEADINGS = frozenset({"abstract", "summary"})


def _local(tag: object) -> str:
    return str(tag).rsplit(":", 1)[-1].casefold() if isinstance(tag, str) else ""


def strip_markup(text: str | None) -> str:
    """The text of a JATS or HTML fragment, whitespace squashed; plain text passes through."""
    if not text:
        return ""
    if not _TAG_HINT.search(text):
        return clean(text)
    import lxml.html
    from lxml import etree

    try:
        root = lxml.html.fragment_fromstring(text, create_parent="div")
    except (etree.ParserError, ValueError):
        return clean(re.sub(r"<[^>]*>", " ", text))
    first = next((el for el in root.iter() if el is not root), None)
    if first is not None and _local(first.tag) == "title" \
            and clean(first.text_content()).casefold().rstrip(".:") in _ABSTRACT_HEADINGS:
        first.drop_tree()
    for el in root.iter():
        if _local(el.tag) in _BLOCKS:
            el.tail = " " + (el.tail or "")
    return clean(root.text_content())
