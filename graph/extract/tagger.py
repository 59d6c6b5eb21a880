"""A sequence tagger over tokens that proposes entity spans the signals missed.

A linear-chain CRF (CRFsuite) labels each token ``B-type``, ``I-type`` or ``O``. Its
features are the token's words and shape, the words around it, and which signal spans
(gazetteer hits, acronym pairs, introduction cues …) cover it, so it learns both what a
name looks like in context and where the annotation puts its boundaries. Its spans join
the other candidates, and the probability it gives every candidate's tokens is a feature
of the learned decision. The trained model is kept as bytes (base64 in the model JSON).
"""

from __future__ import annotations

import base64
import os
import re
import tempfile
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pycrfsuite

#: a word with inner hyphens, dots, apostrophes or a trailing ``+``, or one other character
_TOKEN = re.compile(r"\w+(?:[-.'+]\w+)*\+*|[^\w\s]")
_SHAPE_RUNS = re.compile(r"(.)\1+")
_SHAPE_MAP = str.maketrans(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
    "X" * 26 + "x" * 26 + "d" * 10)
_ALNUM_RUN = re.compile(r"[^\W_]+")

#: CRFsuite training settings (L-BFGS is deterministic: same data, same model)
TRAIN_PARAMS = {"c1": 0.05, "c2": 0.05, "max_iterations": 120,
                "feature.possible_transitions": True}


def tokenize(doc: str) -> list[tuple[int, int]]:
    """Character spans of the tokens of ``doc``."""
    return [m.span() for m in _TOKEN.finditer(doc)]


@lru_cache(maxsize=1 << 16)
def _word(word: str) -> tuple[str, str, str]:
    """A word's features: lower case, shape (``Xx-d``, runs collapsed) and ending."""
    low = word.lower()
    return "w=" + low, "s=" + _SHAPE_RUNS.sub(r"\1", word.translate(_SHAPE_MAP))[:6], \
        "x=" + low[-3:]


def sequence_features(doc: str, toks: Sequence[tuple[int, int]], tlen: int,
                      covers: Sequence[Iterable[str]]) -> list[list[str]]:
    """One feature list per token: the word, its shape and ending, the two words on each
    side, whether it is in the title, and the signal spans covering it (``covers``)."""
    base = [_word(doc[s:e]) for s, e in toks]
    pad = [("w=<s>", "s=<s>", ""), ("w=<s>", "s=<s>", ""), *base,
           ("w=</s>", "s=</s>", ""), ("w=</s>", "s=</s>", "")]
    out = []
    for i, (w, s, x) in enumerate(base):
        left, right = pad[i + 1], pad[i + 3]
        f = [w, s, x, "-1" + left[0], "+1" + right[0], "-2" + pad[i][0], "+2" + pad[i + 4][0],
             "-1" + left[1], "+1" + right[1], f"{left[0]}/{w}"]
        if toks[i][0] < tlen:
            f.append("title")
        f.extend(covers[i])
        out.append(f)
    return out


def token_index(toks: Sequence[tuple[int, int]], start: int, end: int) -> range:
    """The tokens lying inside the characters ``start:end``."""
    import bisect

    lo = bisect.bisect_left(toks, (start, -1))
    hi = lo
    while hi < len(toks) and toks[hi][1] <= end:
        hi += 1
    return range(lo, hi)


def gold_labels(doc: str, toks: Sequence[tuple[int, int]],
                entities: Iterable[dict]) -> list[str]:
    """``B-type``/``I-type``/``O`` per token from annotations: every place a gold name or
    alias occurs as whole tokens, longest names first, without overlaps."""
    labels = ["O"] * len(toks)
    starts = {s: i for i, (s, _) in enumerate(toks)}
    ends = {e: i for i, (_, e) in enumerate(toks)}
    names = [(name, ent.get("type", "method")) for ent in entities
             for name in [ent.get("name", ""), *ent.get("aliases", [])]]
    for name, etype in sorted(names, key=lambda n: -len(n[0])):
        runs = _ALNUM_RUN.findall(name)
        if not runs:
            continue
        pattern = re.compile(r"[\W_]{0,2}".join(map(re.escape, runs)), re.IGNORECASE)
        for m in pattern.finditer(doc):
            first, last = starts.get(m.start()), ends.get(m.end())
            if first is None or last is None or any(x != "O" for x in labels[first:last + 1]):
                continue
            labels[first] = "B-" + etype
            for i in range(first + 1, last + 1):
                labels[i] = "I-" + etype
    return labels


class Tagged:
    """What the tagger said of one paper: its spans, and on request the probability that
    tokens belong to an entity (marginals are read only for the tokens asked about, so
    ask before the same tagger tags another paper)."""

    def __init__(self, tagger: pycrfsuite.Tagger, toks: list[tuple[int, int]],
                 labels: list[str]) -> None:
        self._tagger, self.toks, self._inside = tagger, toks, {}
        self.spans: list[tuple[int, int, str, float]] = []  # start, end, type, probability
        i = 0
        while i < len(labels):
            if labels[i] == "O":
                i += 1
                continue
            etype, j = labels[i][2:], i + 1
            while j < len(labels) and labels[j] == "I-" + etype:
                j += 1
            prob = min(self._p(k) for k in range(i, j))
            self.spans.append((toks[i][0], toks[j - 1][1], etype, prob))
            i = j

    def _p(self, i: int) -> float:
        p = self._inside.get(i)
        if p is None:
            p = self._inside[i] = 1.0 - self._tagger.marginal("O", i)
        return p

    def probability(self, start: int, end: int) -> float:
        """Mean probability that the tokens of ``start:end`` belong to an entity."""
        idx = token_index(self.toks, start, end)
        return sum(self._p(i) for i in idx) / len(idx) if len(idx) else 0.0


class SpanTagger:
    """A trained CRF, loaded from its bytes."""

    def __init__(self, data: bytes) -> None:
        import pycrfsuite  # only a model with a tagger needs CRFsuite

        self.data = data
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open_inmemory(data)

    def tag(self, toks: list[tuple[int, int]], feats: list[list[str]]) -> Tagged:
        """The spans of one paper's features, with their probabilities."""
        return Tagged(self._tagger, toks, self._tagger.tag(feats) if toks else [])

    def to_json(self) -> str:
        return base64.b64encode(self.data).decode("ascii")

    @classmethod
    def from_json(cls, text: str) -> SpanTagger:
        return cls(base64.b64decode(text.encode("ascii")))


def train_tagger(sequences: Iterable[tuple[list[list[str]], list[str]]]) -> SpanTagger | None:
    """A CRF fitted on ``(features, labels)`` sequences (same data, same bytes); None
    without any token to learn from."""
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    empty = True
    for feats, labels in sequences:
        if feats:
            trainer.append(feats, labels)
            empty = False
    if empty:
        return None
    trainer.set_params(TRAIN_PARAMS)
    fd, path = tempfile.mkstemp(suffix=".crfsuite")
    os.close(fd)
    try:
        trainer.train(path)
        with open(path, "rb") as fh:
            return SpanTagger(fh.read())
    finally:
        os.unlink(path)
