"""The learned decision over candidate entities: keep it, which type, is it introduced.

Three logistic-regression heads over the named features of :mod:`.features`, stored as
plain JSON (feature names and coefficients, no pickled code) in format
``citegraph-extractor-model``; :mod:`.train` fits them from gold annotations. Scoring is a
sparse dot product, cheap enough to run on every candidate of every abstract.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from citegraph.errors import (
    ModelError,  # noqa: F401  (old import path)
)
from citegraph.graph.extract.tagger import SpanTagger

FORMAT = "citegraph-extractor-model"
VERSION = 2  # version 2 adds the optional sequence tagger; version 1 files still load
READABLE = (1, 2)
SHIPPED = "extractor_model.json"


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z > -30 else 0.0


@dataclass
class LinearHead:
    """One logistic-regression head: a weight per feature name and an intercept per class
    (one class for a yes/no head, one per type for the type head)."""

    classes: list[str]
    weights: list[dict[str, float]]
    intercepts: list[float]

    def to_json(self) -> dict:
        return {"classes": self.classes, "intercepts": self.intercepts,
                "weights": [{k: round(v, 4) for k, v in sorted(w.items()) if abs(v) >= 5e-5}
                            for w in self.weights]}

    @classmethod
    def from_json(cls, data: dict) -> LinearHead:
        return cls(list(data["classes"]), [dict(w) for w in data["weights"]],
                   [float(x) for x in data["intercepts"]])


@dataclass
class ExtractorModel:
    """The three heads and the thresholds that turn probabilities into decisions."""

    keep: LinearHead
    introduced: LinearHead
    type: LinearHead
    keep_threshold: float = 0.4
    rule_keep_threshold: float = 0.2
    introduced_threshold: float = 0.5
    trained_on: dict | None = None
    tagger: SpanTagger | None = None
    _table: tuple | None = field(default=None, repr=False, compare=False)

    def prepare(self) -> None:
        """Build the scoring table now (numpy and the weight matrix), not on first use."""
        import numpy as np

        if self._table is None:
            heads = (self.keep, self.introduced, self.type)
            rows = [w for h in heads for w in h.weights]
            names = sorted(set().union(*rows))
            matrix = np.array([[row.get(n, 0.0) for row in rows] for n in names]
                              ).reshape(len(names), len(rows))
            bias = np.array([b for h in heads for b in h.intercepts])
            self._table = ({n: i for i, n in enumerate(names)}, matrix, bias)

    def _scores(self, feats: dict[str, float]) -> list[float]:
        """The keep, introduced and per-type scores in one product: every head's weights
        as one matrix with a row per feature name."""
        import numpy as np

        self.prepare()
        index, matrix, bias = self._table
        get = index.get
        cols, values = [], []
        for name, value in feats.items():
            i = get(name)
            if i is not None:
                cols.append(i)
                values.append(value)
        return (bias + np.dot(values, matrix[cols])).tolist() if cols else bias.tolist()

    def decide(self, feats: dict[str, float]) -> tuple[bool, str, bool]:
        """``(is an entity, type, introduced)`` for one candidate."""
        keep, intro, *kinds = self._scores(feats)
        # a candidate the hand-set weights keep needs less evidence from the model
        bar = self.rule_keep_threshold if feats.get("rule:kept") else self.keep_threshold
        if _sigmoid(keep) < bar:
            return False, "", False
        # a long form the paper proposes with its acronym ("we propose X (ABC)") is its own
        introduced = bool(feats.get("x:pair_introduced")) or \
            _sigmoid(intro) >= self.introduced_threshold
        return True, self.type.classes[max(range(len(kinds)), key=kinds.__getitem__)], \
            introduced

    def to_json(self) -> dict:
        data = {"format": FORMAT, "version": 1, "trained_on": self.trained_on or {},
                "keep_threshold": self.keep_threshold,
                "rule_keep_threshold": self.rule_keep_threshold,
                "introduced_threshold": self.introduced_threshold,
                "keep": self.keep.to_json(), "introduced": self.introduced.to_json(),
                "type": self.type.to_json()}
        if self.tagger is not None:
            data.update(version=VERSION, tagger=self.tagger.to_json())
        return data

    def save(self, path: str | Path) -> None:
        from citegraph.atomic import write_text_atomic

        write_text_atomic(Path(path), json.dumps(self.to_json(), indent=1, sort_keys=True)
                          + "\n")

    @classmethod
    def from_json(cls, data: dict, where: str = "model") -> ExtractorModel:
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ModelError(f"{where}: not a {FORMAT} file")
        if data.get("version") not in READABLE:
            raise ModelError(f"{where}: model version {data.get('version')} is not one of "
                             f"{', '.join(map(str, READABLE))}; retrain it with "
                             "citegraph train-extractor")
        try:
            return cls(LinearHead.from_json(data["keep"]),
                       LinearHead.from_json(data["introduced"]),
                       LinearHead.from_json(data["type"]),
                       float(data["keep_threshold"]), float(data["rule_keep_threshold"]),
                       float(data["introduced_threshold"]),
                       data.get("trained_on"),
                       SpanTagger.from_json(data["tagger"]) if data.get("tagger") else None)
        except (KeyError, TypeError, ValueError, OSError) as exc:
            raise ModelError(f"{where}: malformed model ({exc})") from None


def load_model(path: str | Path | None = None) -> ExtractorModel:
    """The model at ``path``, or the shipped one."""
    if path is None:
        text = resources.files("citegraph.graph.extract").joinpath("data", SHIPPED).read_text(
            encoding="utf-8")
        where = SHIPPED
    else:
        where = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise ModelError(f"{path}: cannot read ({exc.strerror})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ModelError(f"{where}: not JSON ({exc.msg}, line {exc.lineno})") from None
    return ExtractorModel.from_json(data, where)
