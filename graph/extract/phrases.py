"""A phrase signal that widens recall: runs of capitalised words inside a sentence.

It proposes weak candidates only; the learned decision weighs them with everything else
known about the span. A Title Case run inside a sentence is a name more often than not
(a voting rule, a named estimator, a dataset), whatever the field.
"""

from __future__ import annotations

import re

#: a run of capitalised words, with lower-case joiners allowed inside
_CAPS_RUN = re.compile(
    r"(?<![\w-])(?P<name>[A-Z][a-z][\w'’-]*(?: (?:of |for |the |in |to )?[A-Z][\w'’-]*)+)"
    r"(?![\w-])")


def caps_runs(text: str, sentence_starts: set[int]) -> list[tuple[int, int]]:
    """Runs of two or more capitalised words; a run at a sentence start loses its first
    word (``Our Foo Bar`` → ``Foo Bar``)."""
    spans = []
    for m in _CAPS_RUN.finditer(text):
        start, end = m.span("name")
        if start in sentence_starts:
            space = text.find(" ", start, end)
            start = space + 1
            if " " not in text[start:end]:
                continue
        spans.append((start, end))
    return spans
