"""Reading neo4j-admin import files back, as the tests compare them."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

from citegraph.graph.stores.neo4j_csv import ImportFiles


def read_group(paths: list[Path]) -> tuple[list[str], list[list[str]]]:
    """The header (the first file, one line) and every row of the parts after it."""
    with open(paths[0], encoding="utf-8", newline="") as fh:
        header, *rest = csv.reader(fh)
    assert rest == [], f"{paths[0]} holds more than the header"
    rows = []
    for part in paths[1:]:
        with open(part, encoding="utf-8", newline="") as fh:
            rows.extend(csv.reader(fh))
    return header, rows


def groups(files: ImportFiles) -> dict[str, tuple[list[str], list[list[str]]]]:
    """Each file group by its header file's name: header and rows."""
    found = {}
    for kind in (files.nodes, files.relationships):
        for file_groups in kind.values():
            for paths in file_groups:
                found[paths[0].name] = read_group(paths)
    return found


def row_multisets(files: ImportFiles) -> dict[str, tuple[list[str], Counter]]:
    """Each file group's header and its rows as a multiset."""
    return {name: (header, Counter(map(tuple, rows)))
            for name, (header, rows) in groups(files).items()}


def directory_multisets(directory: Path) -> dict[str, tuple[list[str], Counter]]:
    """The same for every header file in ``directory`` and the parts beside it."""
    found = {}
    for header in sorted(directory.glob("*.header.csv")):
        stem = header.name.removesuffix(".header.csv")
        head, rows = read_group([header, *sorted(directory.glob(f"{stem}.part-*.csv"))])
        found[header.name] = (head, Counter(map(tuple, rows)))
    return found
