"""Paper identity against the Magellan entity-matching benchmarks (DBLP-ACM, DBLP-Scholar).

For each dataset (Structured and Dirty variants) both tables are read as two CSV files
through citegraph's CSV loader and built with the default identity options (no entities,
no similarity). A labelled pair counts as predicted "same" when both records land on one
paper node; precision, recall and F1 are reported per split (train, valid, test), with
the number of records that landed on no node (which must be 0). Where the train split is a
sample in a folder of its own (DBLP-Scholar), it is built and scored on its own tables.

Thresholds were set on the train and valid splits only; test is reported, never tuned on.

Usage: ``python bench/bench_identity_magellan.py [--fuzzy/--exact] [--json OUT]``
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "magellan"
DATASETS = [("Structured", "DBLP-ACM"), ("Structured", "DBLP-GoogleScholar"),
            ("Dirty", "DBLP-ACM"), ("Dirty", "DBLP-GoogleScholar")]
SPLITS = ("train", "valid", "test")


def node_of_rows(kg, path: Path) -> dict[int, str]:
    """Row number (the table's ``id``) → the paper node its record landed on."""
    from citegraph.graph import schema as S

    ids = {}
    with path.open(encoding="utf-8") as fh:
        for line_no, row in enumerate(csv.DictReader(fh), start=2):
            ids[f"line {line_no}"] = int(row["id"])
    where: dict[int, str] = {}
    for node in kg.papers:
        for prov in node.get(S.PROVENANCE, []):
            source, _, location = prov.rpartition(":")
            if source == str(path) and location in ids:
                where[ids[location]] = S.node_id(S.PAPER, node[S.KEY])
    return where


def score(pairs: list[tuple[int, int, int]], a: dict[int, str], b: dict[int, str]) -> dict:
    tp = fp = fn = 0
    for left, right, label in pairs:
        same = left in a and right in b and a[left] == b[right]
        tp += same and label == 1
        fp += same and label == 0
        fn += (not same) and label == 1
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"pairs": len(pairs), "precision": round(p, 4), "recall": round(r, 4),
            "f1": round(f1, 4)}


def build(folder: Path, fuzzy: bool) -> tuple[dict[int, str], dict[int, str], dict]:
    """Both tables of a folder built with the default options (``fuzzy`` False: the exact
    rule): the node of each row of each table, and the counts."""
    import citegraph
    from citegraph.graph.pipeline import BuildOptions

    table_a, table_b = folder / "tableA.csv", folder / "tableB.csv"
    options = BuildOptions(entities=False, similarity=False, fuzzy_identity=fuzzy)
    started = time.perf_counter()
    kg = citegraph.build([str(table_a), str(table_b)], format="csv", options=options)
    seconds = time.perf_counter() - started
    a, b = node_of_rows(kg, table_a), node_of_rows(kg, table_b)
    rows_a = sum(1 for _ in table_a.open(encoding="utf-8")) - 1
    rows_b = sum(1 for _ in table_b.open(encoding="utf-8")) - 1
    return a, b, {"seconds": round(seconds, 2), "records": rows_a + rows_b,
                  "unplaced": rows_a - len(a) + rows_b - len(b),
                  "papers": sum(1 for p in kg.papers if not p.get("stub"))}


def run(variant: str, dataset: str, fuzzy: bool, splits: tuple[str, ...] = SPLITS) -> dict:
    """Scores of each split; a train split kept in a folder of its own (a sample standing in
    for the full split, see ``make_tables.py``) is built and scored on its own tables."""
    folder = DATA / variant / dataset
    a, b, counts = build(folder, fuzzy)
    out = {"variant": variant, "dataset": dataset, **counts}
    for split in splits:
        where, nodes = folder, (a, b)
        if not (folder / f"{split}.csv").exists() and (folder / split / f"{split}.csv").exists():
            where = folder / split
            *nodes, _ = build(where, fuzzy)
        path = where / f"{split}.csv"
        if not path.exists():
            out[split] = None
            continue
        with path.open(encoding="utf-8") as fh:
            pairs = [(int(r["ltable_id"]), int(r["rtable_id"]), int(r["label"]))
                     for r in csv.DictReader(fh)]
        out[split] = score(pairs, *nodes)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--exact", action="store_true", help="identifiers and equal titles only")
    parser.add_argument("--json", type=Path, help="write the results here too")
    args = parser.parse_args()
    results = []
    for variant, dataset in DATASETS:
        res = run(variant, dataset, fuzzy=not args.exact)
        results.append(res)
        cells = []
        for split in SPLITS:
            s = res[split]
            cells.append(f"{split} " + ("—" if s is None else
                                        f"P {s['precision']:.3f} R {s['recall']:.3f} "
                                        f"F1 {s['f1']:.3f}"))
        print(f"{variant:10} {dataset:18} {' | '.join(cells)} | unplaced "
              f"{res['unplaced']} | {res['seconds']:.1f}s", flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
