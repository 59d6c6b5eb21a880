"""Synthetic records in the arXiv metadata snapshot and OpenAlex layouts, for benchmarks and
streaming tests: same shape as the real thing, made-up content."""

from __future__ import annotations

import json
import random
from pathlib import Path

_WORDS = (
    "graph", "neural", "citation", "network", "learning", "model", "data", "analysis",
    "method", "scalable", "transformer", "attention", "retrieval", "corpus", "sparse",
    "dense", "embedding", "benchmark",
)
_SURNAMES = ("Chen", "Novák", "Müller", "Smith", "García", "O'Neil", "Nguyen", "Kowalski")
_GIVEN = ("Li", "Ana", "Jörg", "John", "José", "Mary", "Minh", "Piotr")


def _text(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(n))


def arxiv_line(i: int, rng: random.Random) -> dict:
    """One line of the arXiv snapshot layout."""
    authors = [[rng.choice(_SURNAMES), rng.choice(_GIVEN), ""] for _ in range(rng.randint(1, 5))]
    month = 1 + i % 12
    return {
        "id": f"{20 + i // 10_000_000:02d}{month:02d}.{i % 100_000:05d}",
        "submitter": authors[0][1] + " " + authors[0][0],
        "authors": ", ".join(f"{a[1]} {a[0]}" for a in authors),
        "title": _text(rng, 8).title() + f" {i}",
        "comments": "12 pages, 3 figures",
        "journal-ref": None,
        "doi": f"10.5555/bench.{i}" if i % 3 == 0 else None,
        "report-no": None,
        "categories": "cs.DL cs.LG",
        "license": None,
        "abstract": "  " + _text(rng, 60) + ".\n",
        "versions": [{"version": "v1", "created": "Mon, 2 Apr 2007 19:18:42 GMT"}],
        "update_date": "2008-11-13",
        "authors_parsed": authors,
    }


def openalex_line(i: int, rng: random.Random) -> dict:
    """One OpenAlex work with an inverted-index abstract and references."""
    words = _text(rng, 60).split()
    index: dict[str, list[int]] = {}
    for pos, word in enumerate(words):
        index.setdefault(word, []).append(pos)
    return {
        "id": f"https://openalex.org/W{1000000 + i}",
        "doi": f"https://doi.org/10.5555/bench.{i}",
        "title": _text(rng, 8).title() + f" {i}",
        "publication_year": 2000 + i % 24,
        "publication_date": f"{2000 + i % 24}-01-15",
        "authorships": [{"author_position": "first", "author": {
            "display_name": f"{rng.choice(_GIVEN)} {rng.choice(_SURNAMES)}"}}],
        "abstract_inverted_index": index,
        "referenced_works": [f"https://openalex.org/W{rng.randint(1, 10**7)}" for _ in range(5)],
    }


SHAPES = {"arxiv": arxiv_line, "openalex": openalex_line}


def write_jsonl(path: Path, n: int, shape: str = "arxiv", seed: int = 7) -> Path:
    """Write ``n`` records of one shape as JSON lines; returns ``path``."""
    rng = random.Random(seed)
    make = SHAPES[shape]
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps(make(i, rng), ensure_ascii=False))
            fh.write("\n")
    return path
