"""Fit the pair model of graph/matching.py on the Magellan train and valid splits.

Reads the labelled pairs of every train split (and of valid where a dataset has no train
split in the public copy), computes :func:`citegraph.graph.matching.pair_features` for
each, fits a logistic regression (scikit-learn) and prints the weights to paste into
``matching.py`` with pairwise precision/recall on the valid splits. Test splits are never
read here.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parent / "data" / "magellan"
DATASETS = [("Structured", "DBLP-ACM"), ("Structured", "DBLP-GoogleScholar"),
            ("Dirty", "DBLP-ACM"), ("Dirty", "DBLP-GoogleScholar")]


def split_features(folder: Path, split: str):
    from citegraph.graph.matching import features, pair_features
    from citegraph.loaders import csv_export
    from citegraph.loaders.problems import LoadReport

    tables = [[features(r) for r in csv_export.read(folder / name, LoadReport())]
              for name in ("tableA.csv", "tableB.csv")]
    x, y = [], []
    with (folder / f"{split}.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            a, b = tables[0][int(row["ltable_id"])], tables[1][int(row["rtable_id"])]
            x.append(pair_features(a, b))
            y.append(int(row["label"]))
    return np.array(x), np.array(y)


def main() -> None:
    from citegraph.graph.matching import FEATURE_NAMES
    from sklearn.linear_model import LogisticRegression

    fit_x, fit_y, valid = [], [], []
    for variant, dataset in DATASETS:
        folder = DATA / variant / dataset
        has_train = (folder / "train.csv").exists()
        x, y = split_features(folder, "train" if has_train else "valid")
        fit_x.append(x)
        fit_y.append(y)
        if has_train:
            valid.append((f"{variant}/{dataset}", *split_features(folder, "valid")))
    model = LogisticRegression(C=10.0, max_iter=2000, class_weight="balanced")
    model.fit(np.vstack(fit_x), np.concatenate(fit_y))
    print("WEIGHTS = (" + ", ".join(f"{w:.3f}" for w in model.coef_[0]) + ")")
    print(f"BIAS = {model.intercept_[0]:.3f}")
    for name, w in zip(FEATURE_NAMES, model.coef_[0], strict=True):
        print(f"  {name:16} {w:+.3f}")
    for name, x, y in valid:
        for threshold in (0.5, 0.7, 0.8, 0.9):
            pred = model.predict_proba(x)[:, 1] >= threshold
            tp = int((pred & (y == 1)).sum())
            p, r = tp / max(pred.sum(), 1), tp / max((y == 1).sum(), 1)
            print(f"{name:30} valid t={threshold}: P {p:.3f} R {r:.3f} "
                  f"F1 {2 * p * r / max(p + r, 1e-9):.3f}")


if __name__ == "__main__":
    main()
