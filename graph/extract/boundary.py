"""Boundary alternatives: longer readings of a name that compete with it as candidates.

A known name is often part of a longer name the paper uses: a modifier before it
(*mini-batch* + a known optimiser, *Local* + a known method) or a head noun after it
(a coined loss + *loss*, a known regulariser + *regularization*). Which reading is the
entity depends on the field's naming habits, so the overlap rule does not choose: every
plausible extension becomes a candidate of its own, and the learned decision weighs its
``boundary:*`` features against the shorter name's.
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

#: words before a name that never modify it (function words, verbs of use)
_NOT_MODIFIERS = frozenset({
    "the", "a", "an", "of", "with", "and", "or", "to", "for", "in", "on", "by", "via",
    "using", "our", "their", "its", "this", "that", "these", "those", "is", "are", "was",
    "were", "be", "been", "we", "from", "as", "than", "use", "uses", "used", "apply",
    "applies", "applied", "proposed", "based", "called", "named", "trained", "compared",
    "introduced", "developed", "designed", "obtained", "achieved", "combined", "existing",
    "standard", "popular", "vanilla", "classical", "classic", "traditional", "conventional",
    "original", "previous", "recent", "prior", "such", "like", "both", "each", "all",
    "other", "new", "novel", "same", "which", "where", "when", "while", "also", "only",
    "not", "no", "but", "at", "into", "over", "under", "between", "after", "before",
    "without", "within", "against", "then", "thus", "hence", "can", "may", "will",
    "would", "could", "should", "do", "does", "did", "has", "have", "had", "it", "they",
    "how", "what", "why", "whether", "even", "more", "most", "less", "many", "several",
    "various", "different", "further", "improved", "enhanced", "pretrained",
    "pre-trained", "fine-tuned", "finetuned", "state-of-the-art", "well-known", "famous",
    "widely-used", "common", "commonly", "i.e", "e.g", "etc", "vs", "termed", "dubbed",
    "coined", "present", "presents", "identified", "well-tuned", "optimally-tuned", "large-scale",
    "off-the-shelf", "effective", "efficient", "general", "naive", "extensive",
})

_WORD_BEFORE = re.compile(r"(?<![\w-])([A-Za-z][A-Za-z]*(?:-[A-Za-z]+)*) $")
_WORD_AFTER = re.compile(r"[ -]([a-z]+)(?![\w-])")
_MODIFIER_SHAPE = re.compile(r"(?:-[a-z]+|ed|al|ive|ic|ar|ous|ent|ant|less|ary|ized|ised)$")

#: the kinds of alternative, each a feature of the longer candidate
MODIFIER, HEAD = "boundary:modifier", "boundary:head"


def _modifier(doc: str, start: int) -> int | None:
    """Where a modifier right before ``start`` begins, or None."""
    m = _WORD_BEFORE.search(doc, max(0, start - 40), start)
    if m is None:
        return None
    word = m.group(1)
    low = word.lower()
    if low in _NOT_MODIFIERS or len(word) < 3 or word.isupper():
        return None
    if word[:1].isupper() and (m.start() == 0 or doc[m.start() - 2:m.start()] in (". ", "\n")):
        return None  # a sentence's first word is capitalised whatever it is
    if low.endswith("ing") or not (word[:1].isupper() or _MODIFIER_SHAPE.search(low)):
        return None  # "Benchmarking X", "Editing X": a verb, not a modifier
    return m.start()


def extensions(doc: str, start: int, end: int, kind: str | None,
               taken: set[int]) -> list[tuple[int, int, str]]:
    """Longer readings of the name at ``doc[start:end]``: ``(start, end, kind)`` with a
    modifier before it (a method) or a head noun after it; none overlaps ``taken``."""
    out = []
    if kind in (None, "method"):
        left = _modifier(doc, start)
        if left is not None and not any(i in taken for i in range(left, start)):
            out.append((left, end, MODIFIER))
    m = _WORD_AFTER.match(doc, end)
    if m and m.group(1) in EXTENSION_HEADS and not any(i in taken for i in range(end, m.end())):
        out.append((start, m.end(), HEAD))
    return out
