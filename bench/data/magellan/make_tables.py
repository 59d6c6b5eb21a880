"""Rebuild Magellan-style tables from the serialised pair files of the ER benchmarks.

The public copies of DBLP-ACM and DBLP-GoogleScholar hold each labelled pair as one line,
``COL title VAL … COL authors VAL … COL venue VAL … COL year VAL …`` for the left record,
a tab, the right record, a tab and the label. This splits every line back into its two
records, numbers each distinct left record (table A) and right record (table B) in order of
first sight, and writes ``tableA.csv``, ``tableB.csv`` and ``<split>.csv``
(``ltable_id,rtable_id,label``) beside the source files' dataset names.

Where a dataset's full ``train.txt`` is missing but its class-balanced sample
``train.txt.balance`` (every positive pair, an equal number of negatives) is there, that
sample becomes a folder ``train/`` of its own (``tableA.csv``, ``tableB.csv``,
``train.csv``), so the benchmark tables of valid and test stay as they were; lines that
also occur in valid or test are left out. The Dirty variant of such a dataset gets the
same sample made dirty by the benchmark's own recipe (:func:`make_dirty`), seeded.

Usage: ``python make_tables.py SRC_DIR OUT_DIR`` where SRC_DIR holds
``{Structured,Dirty}/{DBLP-ACM,DBLP-GoogleScholar}/{train,valid,test}.txt`` (and
``train.txt.balance`` where ``train.txt`` is missing).
"""

from __future__ import annotations

import csv
import random
import re
import sys
from pathlib import Path

FIELDS = ("title", "authors", "venue", "year")
_COL = re.compile(r"COL (\w+) VAL ?")


def parse(text: str) -> dict[str, str]:
    """One serialised record as a dict of its four columns."""
    parts = _COL.split(text.strip())
    values = {name: value.strip() for name, value in zip(parts[1::2], parts[2::2], strict=True)}
    return {f: values.get(f, "") for f in FIELDS}


def serialise(record: dict[str, str]) -> str:
    """One record back in the serialised form of the pair files."""
    return " ".join(f"COL {f} VAL {record[f]}" for f in FIELDS)


def make_dirty(line: str, rng: random.Random) -> str:
    """A pair line made dirty as the Dirty benchmarks were: each value other than the
    title moves, with probability one half, to the end of its record's title."""
    *records, label = line.split("\t")
    out = []
    for text in records:
        record = parse(text)
        for name in FIELDS[1:]:
            if record[name] and rng.random() < 0.5:
                record["title"] = f"{record['title']} {record[name]}".strip()
                record[name] = ""
        out.append(serialise(record))
    return "\t".join([*out, label])


def convert(src: Path, out: Path, splits: dict[str, list[str]] | None = None) -> None:
    """Tables and pair files of one dataset (``splits``: the pair lines of each split,
    read from ``src`` when not given)."""
    if splits is None:
        splits = {s: (src / f"{s}.txt").read_text(encoding="utf-8").splitlines()
                  for s in ("train", "valid", "test") if (src / f"{s}.txt").exists()}
    tables: list[dict[str, int]] = [{}, {}]
    for split, lines in splits.items():
        rows = []
        for line in lines:
            left, right, label = line.split("\t")
            ids = []
            for table, text in zip(tables, (left, right), strict=True):
                key = text.strip()
                ids.append(table.setdefault(key, len(table)))
            rows.append((ids[0], ids[1], int(label)))
        with (out / f"{split}.csv").open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(("ltable_id", "rtable_id", "label"))
            writer.writerows(rows)
    for name, table in zip(("tableA.csv", "tableB.csv"), tables, strict=True):
        with (out / name).open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(("id", *FIELDS))
            for text, idx in table.items():
                record = parse(text)
                writer.writerow((idx, *(record[f] for f in FIELDS)))


def balanced_train(src: Path, variant: str, dataset: str) -> list[str] | None:
    """The class-balanced train sample of a dataset without its full train split (the
    Structured one, made dirty for the Dirty variant), less lines found in the Structured
    valid or test split; None when the dataset has its full train split."""
    structured = src / "Structured" / dataset
    sample = structured / "train.txt.balance"
    if (src / variant / dataset / "train.txt").exists() or not sample.exists():
        return None
    held_out = set()
    for split in ("valid", "test"):
        held_out.update(line.strip() for line in
                        (structured / f"{split}.txt").read_text(encoding="utf-8").splitlines())
    lines = [line for line in sample.read_text(encoding="utf-8").splitlines()
             if line.strip() not in held_out]
    if variant == "Dirty":
        rng = random.Random(f"{variant}/{dataset}")
        lines = [make_dirty(line, rng) for line in lines]
    return lines


def main() -> None:
    src, out = Path(sys.argv[1]), Path(sys.argv[2])
    for variant in ("Structured", "Dirty"):
        for dataset in ("DBLP-ACM", "DBLP-GoogleScholar"):
            target = out / variant / dataset
            target.mkdir(parents=True, exist_ok=True)
            convert(src / variant / dataset, target)
            train = balanced_train(src, variant, dataset)
            if train is not None:
                (target / "train").mkdir(exist_ok=True)
                convert(src / variant / dataset, target / "train", {"train": train})


if __name__ == "__main__":
    main()
