"""Co-citation and bibliographic coupling over 100,000 papers with 3,000,000 references.

Times the build's computation (:func:`citegraph.graph.bibliometrics.co_occurrence` over the
sparse citation matrix: AᵀA for co-citation, AAᵀ for coupling, upper triangle, threshold,
Salton's cosine) against the plain networkx way (the bipartite papers–works graph projected
onto the cited works, resp. the citing papers, with
``networkx.bipartite.weighted_projected_graph``: shared neighbours counted pair by pair)
in the same run. The projection visits every pair occurrence in Python (about 43 million
for co-citation at full size), so the baseline runs on ``--baseline-papers`` papers and
its time is extrapolated linearly in the number of pair occurrences, which is what it
spends its time on; the sparse product is also run at that size, so the two are compared
on equal input as well. Both results are checked equal at the small size.

Synthetic references: every paper cites ``--refs`` distinct works drawn from a pool of
``--works`` works with Zipf-like popularity, weight 1/(rank + ``--offset``), like real
reference lists where a few classics are cited by many. With the default offset of 1,000
the most cited work is in about 430 reference lists (0.4 % of the papers) and the top
thousand in 200 or more each; ``--offset 200`` makes the head four times heavier (the top
work in 1,800 lists), which multiplies the coupling pairs by ten.

    python bench/bench_cocitation.py [--papers 100000] [--refs 30] [--baseline-papers 5000]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import networkx as nx
import numpy as np

from citegraph.graph.bibliometrics import co_occurrence, incidence

RESULTS = Path(__file__).parent / "results"
MIN_COUNT = 2
TARGET_SECONDS = 60.0


def references(papers: int, refs: int, works: int, offset: float, seed: int = 0
               ) -> tuple[np.ndarray, np.ndarray]:
    """``(citing, cited)`` index arrays: ``refs`` distinct works per paper."""
    rng = np.random.default_rng(seed)
    weights = 1.0 / (np.arange(works) + offset)
    weights /= weights.sum()
    cited = rng.choice(works, size=(papers, refs * 2), p=weights)
    rows, cols = [], []
    for i, row in enumerate(cited):
        unique = np.unique(row)[:refs] if len(np.unique(row)) >= refs else np.unique(row)
        rows.append(np.full(len(unique), i))
        cols.append(unique)
    return np.concatenate(rows), np.concatenate(cols)


def sparse_run(citing: np.ndarray, cited: np.ndarray, papers: int, works: int
               ) -> tuple[float, dict[str, int], dict[str, object]]:
    start = time.perf_counter()
    a = incidence(citing, cited, (papers, works))
    co_cited = co_occurrence(a, MIN_COUNT)
    coupled = co_occurrence(a.T.tocsr(), MIN_COUNT)
    seconds = time.perf_counter() - start
    return seconds, {"co_cited": len(co_cited.i), "coupled": len(coupled.i)}, {
        "co_cited": co_cited, "coupled": coupled}


def projected_pairs(citing: np.ndarray, cited: np.ndarray, onto: str) -> set[tuple]:
    """``(i, j, count)`` pairs of cited works (``onto="cited"``) or citing papers sharing
    at least ``MIN_COUNT`` neighbours, by networkx's weighted bipartite projection."""
    g = nx.Graph()
    left = [("p", int(i)) for i in np.unique(citing)]
    right = [("w", int(j)) for j in np.unique(cited)]
    g.add_nodes_from(left)
    g.add_nodes_from(right)
    g.add_edges_from((("p", int(i)), ("w", int(j))) for i, j in zip(citing, cited, strict=True))
    projected = nx.bipartite.weighted_projected_graph(g, right if onto == "cited" else left)
    return {(min(a[1], b[1]), max(a[1], b[1]), w) for a, b, w in projected.edges(data="weight")
            if w >= MIN_COUNT}


def networkx_run(citing: np.ndarray, cited: np.ndarray) -> tuple[float, dict[str, set], int]:
    start = time.perf_counter()
    co_cited = projected_pairs(citing, cited, "cited")
    coupled = projected_pairs(citing, cited, "citing")
    seconds = time.perf_counter() - start
    occurrences = int(_pair_occurrences(citing) + _pair_occurrences(cited))
    return seconds, {"co_cited": co_cited, "coupled": coupled}, occurrences


def _pair_occurrences(groups: np.ndarray) -> int:
    sizes = np.bincount(groups)
    return int((sizes * (sizes - 1) // 2).sum())


def same(sparse_pairs, theirs: set[tuple]) -> bool:
    mine = set(zip(sparse_pairs.i.tolist(), sparse_pairs.j.tolist(),
                   sparse_pairs.count.tolist(), strict=True))
    return mine == theirs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--refs", type=int, default=30)
    parser.add_argument("--works", type=int, default=1_000_000)
    parser.add_argument("--offset", type=float, default=1_000.0)
    parser.add_argument("--baseline-papers", type=int, default=2_000)
    args = parser.parse_args()

    citing, cited = references(args.papers, args.refs, args.works, args.offset)
    full_seconds, full_counts, _ = sparse_run(citing, cited, args.papers, args.works)
    full_occurrences = _pair_occurrences(citing) + _pair_occurrences(cited)

    small = citing < args.baseline_papers
    s_citing, s_cited = citing[small], cited[small]
    small_sparse, _, small_pairs = sparse_run(s_citing, s_cited, args.baseline_papers,
                                              args.works)
    base_seconds, frames, occurrences = networkx_run(s_citing, s_cited)
    assert same(small_pairs["co_cited"], frames["co_cited"]), "co-citation differs"
    assert same(small_pairs["coupled"], frames["coupled"]), "coupling differs"
    extrapolated = base_seconds * full_occurrences / max(occurrences, 1)

    result = {
        "papers": args.papers, "references": int(len(citing)), "works": args.works,
        "popularity_offset": args.offset,
        "sparse_seconds": round(full_seconds, 2), "pairs": full_counts,
        "pair_occurrences": int(full_occurrences),
        "baseline_papers": args.baseline_papers,
        "baseline_references": int(small.sum()),
        "sparse_seconds_small": round(small_sparse, 3),
        "networkx_seconds_small": round(base_seconds, 3),
        "networkx_seconds_extrapolated": round(extrapolated, 1),
        "speedup_small": round(base_seconds / max(small_sparse, 1e-9), 1),
        "speedup_extrapolated": round(extrapolated / max(full_seconds, 1e-9), 1),
        "target_seconds": TARGET_SECONDS,
        "within_target": full_seconds <= TARGET_SECONDS,
    }
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"cocitation_offset{int(args.offset)}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
