"""Rebuild Magellan-style tables from the serialised pair files of the ER benchmarks.

The public copies of DBLP-ACM and DBLP-GoogleScholar hold each labelled pair as one line,
``COL title VAL … COL authors VAL … COL venue VAL … COL year VAL …`` for the left record,
a tab, the right record, a tab and the label. This splits every line back into its two
records, numbers each distinct left record (table A) and right record (table B) in order of
first sight, and writes ``tableA.csv``, ``tableB.csv`` and ``<split>.csv``
(``ltable_id,rtable_id,label``) beside the source files' dataset names.

Usage: ``python make_tables.py SRC_DIR OUT_DIR`` where SRC_DIR holds
``{Structured,Dirty}/{DBLP-ACM,DBLP-GoogleScholar}/{train,valid,test}.txt``.
"""

from __future__ import annotations

import csv
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


def convert(src: Path, out: Path) -> None:
    tables: list[dict[str, int]] = [{}, {}]
    for split in ("train", "valid", "test"):
        path = src / f"{split}.txt"
        if not path.exists():
            continue
        rows = []
        for line in path.read_text(encoding="utf-8").splitlines():
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


def main() -> None:
    src, out = Path(sys.argv[1]), Path(sys.argv[2])
    for variant in ("Structured", "Dirty"):
        for dataset in ("DBLP-ACM", "DBLP-GoogleScholar"):
            target = out / variant / dataset
            target.mkdir(parents=True, exist_ok=True)
            convert(src / variant / dataset, target)


if __name__ == "__main__":
    main()
