"""Fit the pair model of graph/matching.py on the Magellan train splits; pick its threshold
on the valid splits.

For every dataset (Structured and Dirty DBLP-ACM and DBLP-Scholar) reads the labelled pairs
of its train split (``<dataset>/train/`` where the full split is missing and a balanced
sample stands in, see ``bench/data/magellan/make_tables.py``), computes
:func:`citegraph.graph.matching.pair_features` for each, and fits gradient-boosted trees
(scikit-learn, fixed seed, so a rerun writes the same file). The threshold is the one of
:data:`THRESHOLDS` with the best mean valid F1 over the four datasets, scored as the
benchmark scores (both tables built, a pair is "same" when both records land on one node,
``bench/bench_identity_magellan.py``), so chains of joins count too. The model is written
to ``graph/data/identity_model.json``; pairwise train and valid figures of
:func:`citegraph.graph.matching.decide` are printed too. Test splits are never scored
here.

Usage: ``python bench/train_identity_model.py``
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
DATA = Path(__file__).resolve().parent / "data" / "magellan"
DATASETS = [("Structured", "DBLP-ACM"), ("Structured", "DBLP-GoogleScholar"),
            ("Dirty", "DBLP-ACM"), ("Dirty", "DBLP-GoogleScholar")]
THRESHOLDS = (0.6, 0.7, 0.75, 0.8, 0.85, 0.9)
#: Boosting settings (not tuned on test; a common default size for a few thousand pairs).
TREES, DEPTH, RATE, SEED = 150, 3, 0.1, 0
#: Fewest train pairs a leaf holds: a leaf of a handful of pairs gets an extreme value
#: that one unusual pair elsewhere would meet (a near-identical pair scored as unrelated).
MIN_LEAF = 30


def split_pairs(folder: Path, split: str) -> list[tuple[object, object, int]]:
    """(features of the left record, of the right record, label) for a split."""
    from citegraph.graph.matching import features
    from citegraph.loaders import csv_export
    from citegraph.loaders.problems import LoadReport

    tables = [[features(r) for r in csv_export.read(folder / name, LoadReport())]
              for name in ("tableA.csv", "tableB.csv")]
    with (folder / f"{split}.csv").open(encoding="utf-8") as fh:
        return [(tables[0][int(row["ltable_id"])], tables[1][int(row["rtable_id"])],
                 int(row["label"])) for row in csv.DictReader(fh)]


def as_json(model, x: np.ndarray, threshold: float) -> dict:
    """The fitted trees as plain lists (see ``matching.PairModel``), checked to reproduce
    scikit-learn's log-odds on ``x``."""
    from citegraph.graph.matching import FEATURE_NAMES, PairModel

    trees = []
    for est in model.estimators_[:, 0]:
        t = est.tree_
        trees.append({"feature": [int(f) for f in t.feature],
                      "threshold": [float(v) for v in t.threshold],
                      "left": [int(c) for c in t.children_left],
                      "right": [int(c) for c in t.children_right],
                      "value": [float(v) for v in t.value[:, 0, 0]]})
    leaves = sum(est.predict(x[:1])[0] for est in model.estimators_[:, 0])
    init = float(model.decision_function(x[:1])[0] - model.learning_rate * leaves)
    data = {"features": list(FEATURE_NAMES), "init": init, "rate": model.learning_rate,
            "threshold": threshold, "trees": trees}
    ours = PairModel.from_json(data)
    worst = max(abs(ours.log_odds(row) - z) for row, z in zip(x, model.decision_function(x),
                                                                strict=True))
    if worst > 1e-6:
        raise SystemExit(f"exported trees disagree with the fitted model by {worst}")
    return data


def pairwise(decided: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    tp = int((decided & (y == 1)).sum())
    p, r = tp / max(int(decided.sum()), 1), tp / max(int((y == 1).sum()), 1)
    return p, r, 2 * p * r / max(p + r, 1e-9)


class using:
    """Within the block, the matcher uses ``model`` (a dict as written to the JSON file)."""

    def __init__(self, model: dict) -> None:
        from citegraph.graph import matching

        self.matching, self.fitted = matching, matching.PairModel.from_json(model)

    def __enter__(self) -> None:
        self.original = self.matching.pair_model
        self.matching.pair_model = lambda: self.fitted

    def __exit__(self, *exc: object) -> None:
        self.matching.pair_model = self.original


def decisions(pairs, model: dict) -> np.ndarray:
    """Whether :func:`decide` joins each pair under ``model``."""
    from citegraph.graph import matching

    with using(model):
        return np.array([matching.decide(a, b) is not None for a, b, _ in pairs])


def valid_f1(model: dict) -> dict[str, float]:
    """Node-level valid F1 of each dataset, built as the benchmark builds it."""
    import bench_identity_magellan as bench

    with using(model):
        return {f"{v}/{d}": bench.run(v, d, fuzzy=True, splits=("valid",))["valid"]["f1"]
                for v, d in DATASETS}


def main() -> None:
    from sklearn.ensemble import GradientBoostingClassifier

    from citegraph.graph.matching import FEATURE_NAMES, MODEL_PATH, pair_features

    train, valid = {}, {}
    for variant, dataset in DATASETS:
        folder = DATA / variant / dataset
        name = f"{variant}/{dataset}"
        train[name] = split_pairs(folder / "train" if (folder / "train").exists() else folder,
                                  "train")
        valid[name] = split_pairs(folder, "valid")
    x = np.array([pair_features(a, b) for pairs in train.values() for a, b, _ in pairs])
    y = np.array([label for pairs in train.values() for *_, label in pairs])
    model = GradientBoostingClassifier(n_estimators=TREES, max_depth=DEPTH,
                                       learning_rate=RATE, random_state=SEED,
                                       min_samples_leaf=MIN_LEAF).fit(x, y)
    best = None
    for threshold in THRESHOLDS:
        data = as_json(model, x, threshold)
        scores = valid_f1(data)
        mean = sum(scores.values()) / len(scores)
        print(f"threshold {threshold}: mean valid F1 {mean:.4f}  " + "  ".join(
            f"{n} {f1:.3f}" for n, f1 in scores.items()), flush=True)
        if best is None or mean > best[0]:
            best = (mean, threshold, data)
    _, threshold, data = best
    for split, sets in (("train", train), ("valid", valid)):
        for n, p in sets.items():
            prec, rec, f1 = pairwise(decisions(p, data), np.array([lab for *_, lab in p]))
            print(f"{split:5} {n:30} P {prec:.3f} R {rec:.3f} F1 {f1:.3f}")
    importances = sorted(zip(model.feature_importances_, FEATURE_NAMES, strict=True),
                         reverse=True)
    print("importance: " + ", ".join(f"{n} {w:.3f}" for w, n in importances))
    MODEL_PATH.parent.mkdir(exist_ok=True)
    from citegraph.atomic import write_text_atomic

    write_text_atomic(MODEL_PATH, json.dumps(data, separators=(",", ":")) + "\n")
    print(f"threshold {threshold} → {MODEL_PATH}")


if __name__ == "__main__":
    main()
