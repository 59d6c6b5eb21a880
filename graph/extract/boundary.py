"""Boundary alternatives: longer readings of a name that compete with it as candidates.

A known or coined name is often part of a longer technique name the paper uses: the
name with a head noun that makes a technique of it (a coined box loss + *loss*, a known
regulariser + *regularization*, a sampling scheme's acronym + *sampling*). Whether the
longer reading is the entity depends on the field's naming habits, so the overlap rule
does not choose: the extension becomes a candidate of its own, and the learned decision
weighs its ``boundary:*`` features against the shorter name's.
"""

from __future__ import annotations

import re

#: head nouns that make a technique of the name before them (*X loss*, *X sampling*);
#: kind nouns (*model*, *framework*, *algorithm*, *dataset*) only say what a name is
EXTENSION_HEADS = frozenset({
    "loss", "regularization", "regularizer", "sampling", "rule", "analysis", "retrieval",
    "augmentation", "decomposition", "quadrature", "leaderboard", "suite", "potential",
    "trick", "prompting", "distillation", "attention", "decoding", "estimator", "pooling",
})

_WORD_AFTER = re.compile(r"[ -]([a-z]+)(?![\w-])")

#: the alternative's signal (a feature of the longer candidate)
HEAD = "boundary:head"


def extensions(doc: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """Longer readings of the name at ``doc[start:end]`` as ``(start, end, signal)``: the
    name with a technique-forming head noun after it."""
    m = _WORD_AFTER.match(doc, end)
    if m and m.group(1) in EXTENSION_HEADS:
        return [(start, m.end(), HEAD)]
    return []
