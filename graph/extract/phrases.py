"""Phrase signals that widen recall: Title Case runs and technique-headed noun phrases.

Both propose weak candidates only; the learned decision weighs them with everything else
known about the span. A Title Case run inside a sentence (``Single Transferable Vote``) is
a name more often than not; a lower-case phrase ending in a technique noun (``successive
elimination``, ``nested cross-validation``) is how papers in statistics, control and
theory name their methods.
"""

from __future__ import annotations

import re

# Head nouns that name a technique when a modifier precedes them.
TECHNIQUE_HEADS = frozenset((
    "sampling", "regression", "descent", "ascent", "decomposition", "distillation", "attention",
    "elimination", "clustering", "programming", "equation", "equations", "theorem", "criterion",
    "relaxation", "averaging", "smoothing", "estimator", "filter", "filtering", "transform",
    "transformation", "algorithm", "algorithms", "inference", "search", "pruning", "quantization",
    "regularization", "normalization", "dropout", "embedding", "embeddings", "encoding", "tuning",
    "prompting", "decoding", "optimization", "minimization", "maximization", "method",
    "iteration", "iterations", "propagation", "test", "testing", "bootstrap", "bootstrapping",
    "interpolation", "extrapolation", "projection", "factorization", "matching", "mapping",
    "vote", "voting", "aggregation", "ensemble", "ensembling", "boosting", "bagging", "kernel",
    "kernels", "process", "processes", "network", "networks", "autoencoder", "autoencoders",
    "machine", "machines", "game", "games", "model", "models", "distillation", "augmentation",
    "masking", "caching", "scheduling", "routing", "merging", "splitting", "rounding",
    "sketching", "hashing", "learning", "control", "controller", "controllers", "shaping",
    "mechanism", "policy", "policies", "planning", "analysis", "theory", "lemma", "bound",
))

# Modifiers that describe rather than name (``a novel sampling``, ``standard regression``).
_NOT_MODIFIER = frozenset((
    "a", "an", "the", "this", "that", "these", "those", "our", "their", "its", "his", "her", "we",
    "they", "it", "is", "are", "was", "were", "be", "been", "of", "to", "in", "for", "with",
    "and", "or", "by", "on", "at", "from", "as", "into", "via", "over", "under", "than", "then",
    "which", "who", "whose", "new", "novel", "proposed", "existing", "standard", "classical",
    "classic", "popular", "simple", "efficient", "general", "typical", "common", "conventional",
    "various", "several", "many", "multiple", "different", "other", "such", "same", "each",
    "every", "any", "all", "some", "both", "more", "most", "less", "least", "better", "best",
    "good", "large", "small", "first", "second", "third", "final", "previous", "recent", "prior",
    "current", "modern", "traditional", "naive", "based", "using", "use", "used", "uses", "fast",
    "faster", "slow", "scalable", "robust", "effective", "powerful",
))

_WORD = re.compile(r"[A-Za-z][A-Za-z-]*[A-Za-z]|[A-Za-z]")
#: a run of capitalised words, with lower-case joiners allowed inside
_CAPS_RUN = re.compile(
    r"(?<![\w-])(?P<name>[A-Z][a-z][\w'’-]*(?: (?:of |for |the |in |to )?[A-Z][\w'’-]*)+)"
    r"(?![\w-])")
_MAX_MODIFIERS = 3


def technique_phrases(text: str) -> list[tuple[int, int]]:
    """Lower-case phrases of up to three modifiers and a technique head noun."""
    words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
    spans = []
    for i, (_, end, word) in enumerate(words):
        if word not in TECHNIQUE_HEADS:
            continue
        first = i
        while first > 0 and i - first < _MAX_MODIFIERS:
            s, e, prev = words[first - 1]
            joint = text[e:words[first][0]]
            if joint != " " or prev.lower() in _NOT_MODIFIER or prev in TECHNIQUE_HEADS \
                    or not prev.islower() and not (prev[:1].isupper() and prev[1:].islower()):
                break
            first -= 1
        if first < i:
            spans.append((words[first][0], end))
    return spans


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
