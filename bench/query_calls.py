"""Varied arguments for every registered query helper, timed on any backend.

The arguments are drawn from an in-memory graph with a fixed seed, so two runs over the
same saved graph (before and after a change, or the embedded and the Neo4j backend) call
each helper with the same arguments and their answers can be compared row for row.

Usage: python bench/query_calls.py GRAPH_DIR [--calls N] [--answers OUT.pkl]
[--only a,b] loads a saved graph once and prints each helper's first call, p50 and p95.
"""

from __future__ import annotations

import argparse
import math
import pickle
import random
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from citegraph.errors import CitegraphError
from citegraph.graph import schema as S

#: Calls timed per helper after its first call.
CALLS = 20
#: A helper's timed calls stop early once they have taken this long together (seconds):
#: whole-graph analytics are measured, not waited for.
BUDGET_S = 60.0

Args = dict[str, Any]


def _pool(kg: Any, rng: random.Random) -> dict[str, list[Any]]:
    """Node references to draw arguments from: keys and names of nodes that have the
    edges the helpers follow, so most calls return rows."""
    mentions = [e for _, e, _, _ in kg.edges(S.MENTIONS)]
    mentioned = set(mentions)
    introduced = {e for _, e, _, _ in kg.edges(S.INTRODUCES)}
    evaluated = [(m, b) for m, b, _, _ in kg.edges(S.EVALUATED_ON)]
    papers = [p for p, a in kg.nodes(S.PAPER) if not a.get(S.STUB) and a.get(S.TITLE)]
    authors = sorted({a for a, _, _, _ in kg.edges(S.CO_AUTHORED)})
    ents = sorted(mentioned)
    pick = rng.sample
    return {
        # half drawn by mentions (popular entities, long answers), half uniformly
        "entities": [rng.choice(mentions) for _ in range(100)] + pick(ents, min(len(ents), 100)),
        "introduced": pick(sorted(introduced), min(len(introduced), 50)),
        "models": sorted({m for m, _ in evaluated})[:50],
        "benchmarks": sorted({b for _, b in evaluated})[:50],
        "papers": pick(sorted(papers), min(len(papers), 200)),
        "authors": pick(authors, min(len(authors), 100)),
    }


def _ref(kg: Any, nid: str, rng: random.Random) -> str:
    """A node's key, name or title, chosen at random (names exercise the resolver)."""
    a = kg.node(nid)
    choice = rng.random()
    if choice < 0.5:
        return a[S.KEY]
    return a.get(S.NAME) or a.get(S.TITLE) or a[S.KEY]


def argument_lists(kg: Any, calls: int = CALLS, seed: int = 0) -> dict[str, list[Args]]:
    """``calls + 1`` argument dicts per helper (the first is the first call's)."""
    rng = random.Random(seed)
    pool = _pool(kg, rng)
    n = calls + 1
    types = [None, "method", "model", "benchmark"]

    def ent() -> str:
        return _ref(kg, rng.choice(pool["entities"]), rng)

    def paper() -> str:
        return _ref(kg, rng.choice(pool["papers"]), rng)

    def words() -> str:
        source = kg.node(rng.choice(pool["papers"] if rng.random() < 0.5 else pool["entities"]))
        text = source.get(S.TITLE) or source.get(S.NAME) or ""
        found = [w for w in text.split() if w.isalpha()]
        return " ".join(rng.sample(found, min(len(found), rng.choice([1, 2])))) or "model"

    makers: dict[str, Callable[[], Args]] = {
        "papers_mentioning": lambda: {"entity": ent(), "limit": rng.choice([5, 50, 200]),
                                      "ambiguous": "all"},
        "introducing": lambda: {"entity": _ref(kg, rng.choice(pool["introduced"] or
                                                              pool["entities"]), rng),
                                "ambiguous": "all"},
        "timeline": lambda: {"entity": ent(), "ambiguous": "all"},
        "co_mentioned": lambda: {"entity": ent(), "limit": rng.choice([5, 20]),
                                 "ambiguous": "all"},
        "paper_entities": lambda: {"paper": paper(), "type": rng.choice(types),
                                   "ambiguous": "all"},
        "similar_papers": lambda: {"paper": paper(), "limit": rng.choice([5, 10]),
                                   "ambiguous": "all"},
        "co_cited": lambda: {"paper": paper(), "ambiguous": "all"},
        "coupled": lambda: {"paper": paper(), "ambiguous": "all"},
        "related": lambda: {"paper": paper(), "ambiguous": "all"},
        "co_authors": lambda: {"author": _ref(kg, rng.choice(pool["authors"]), rng),
                               "ambiguous": "all"},
        "search": lambda: {"text": words(), "label": rng.choice([None, None, "Paper",
                                                                  "Method", "Author"]),
                           "limit": rng.choice([5, 20, 100])},
        "papers_per_year": lambda: {"of": ent() if rng.random() < 0.8 else None},
        "top_entities": lambda: {"type": rng.choice(types), "limit": rng.choice([5, 10, 50])},
        "most_cited": lambda: {"limit": rng.choice([5, 10, 50])},
        "top_authors": lambda: {"limit": rng.choice([5, 10, 50])},
        "top_venues": lambda: {"limit": rng.choice([5, 10])},
        "top_countries": lambda: {"limit": rng.choice([5, 10])},
    }
    if pool["models"]:
        makers["benchmarks_for_model"] = lambda: {
            "model": _ref(kg, rng.choice(pool["models"]), rng), "ambiguous": "all"}
    if pool["benchmarks"]:
        makers["models_evaluated_on"] = lambda: {
            "benchmark": _ref(kg, rng.choice(pool["benchmarks"]), rng), "ambiguous": "all"}
    # whole-graph analytics and paths, after the rest (their arguments are drawn last)
    makers.update({
        "bursts": lambda: {"kind": rng.choice(["entity", "keyword", "reference"]),
                           "unit": rng.choice(["year", "month"]), "limit": rng.choice([5, 20])},
        "top_entities_by_pagerank": lambda: {"type": rng.choice(types),
                                             "limit": rng.choice([5, 10, 50])},
        "communities": lambda: {"type": rng.choice(types), "min_size": rng.choice([2, 5])},
        "main_path": lambda: {},
        "shortest_path": lambda: {"source": rng.choice([ent, paper])(),
                                  "target": rng.choice([ent, paper])(), "ambiguous": "all"},
    })
    return {name: [make() for _ in range(n)] for name, make in makers.items()}


def _answer(queries: Any, name: str, args: Args) -> Any:
    """A helper's rows as plain dicts, or its error as ``(class name, message)``."""
    try:
        return [dict(r) for r in queries.run(name, **args)]
    except CitegraphError as exc:
        return (type(exc).__name__, str(exc))


def time_helpers(queries: Any, args: dict[str, list[Args]],
                 budget_s: float = BUDGET_S) -> Iterator[tuple[str, dict[str, Any], list]]:
    """``(helper, timings, answers)`` per helper: the first call apart, then p50/p95."""
    for name, calls in args.items():
        answers = []
        began = time.perf_counter()
        answers.append(_answer(queries, name, calls[0]))
        first = time.perf_counter() - began
        times: list[float] = []
        for a in calls[1:]:
            began = time.perf_counter()
            answers.append(_answer(queries, name, a))
            times.append(time.perf_counter() - began)
            if sum(times) > budget_s:
                break
        times.sort()
        yield name, {"first_ms": 1000 * first, "calls": len(times),
                     "p50_ms": 1000 * times[len(times) // 2],
                     "p95_ms": 1000 * times[math.ceil(0.95 * len(times)) - 1]}, answers


def show(name: str, t: dict[str, Any]) -> str:
    return (f"  {name:22s} first {t['first_ms']:9.1f} ms   p50 {t['p50_ms']:8.2f} ms   "
            f"p95 {t['p95_ms']:8.2f} ms   ({t['calls']} calls)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("graph", type=Path)
    parser.add_argument("--calls", type=int, default=CALLS)
    parser.add_argument("--answers", type=Path, help="pickle every answer here")
    parser.add_argument("--only", help="comma-separated helper names")
    a = parser.parse_args()
    import citegraph

    began = time.perf_counter()
    kg = citegraph.load(a.graph)
    print(f"loaded {a.graph} in {time.perf_counter() - began:.0f} s", flush=True)
    args = argument_lists(kg, a.calls)
    if a.only:
        args = {k: v for k, v in args.items() if k in a.only.split(",")}
    out: dict[str, Any] = {}
    for name, timing, answers in time_helpers(kg.query, args):
        print(show(name, timing), flush=True)
        out[name] = {"timing": timing, "args": args[name], "answers": answers}
    if a.answers:
        from citegraph.atomic import atomic_write

        with atomic_write(a.answers, "wb", encoding=None) as fh:
            pickle.dump(out, fh)


if __name__ == "__main__":
    main()
