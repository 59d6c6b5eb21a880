"""The Ray engine's graph against the local engine's on a synthetic corpus of any size.

Writes a seeded synthetic corpus (``bench/synthetic_corpus.py``) with made-up vectors,
builds it with the local engine and with Ray on a local instance of ``--workers`` CPUs
(both handed the vectors, so no model runs), and compares: every node and every edge
other than SIMILAR_TO with its properties (as 64-bit fingerprints, so the first graph need
not stay in memory while the second builds), the merge report, and the SIMILAR_TO edges as
the share each build finds of the other's (the Ray engine's index search is approximate;
at least 0.95 expected). Exits 1 on a difference.

    python bench/check_ray_equivalence.py [--papers 100000] [--workers 2] [--dir DIR]
                                          [--no-entities]
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from hashlib import blake2b
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

RECALL_TARGET = 0.95


def _digest(*parts: object) -> int:
    """A 64-bit fingerprint of an item and its properties (in name order)."""
    return int.from_bytes(blake2b(repr(parts).encode(), digest_size=8).digest(), "little")


def _node_digests(kg) -> Iterator[tuple[int, str]]:
    for nid, p in kg.g.nodes(data=True):
        yield _digest(nid, sorted(p.items())), nid


def _edge_digests(kg) -> Iterator[tuple[int, tuple]]:
    from citegraph.graph import schema as S

    for u, v, k, _, p in kg.keyed_edges():
        if k != S.SIMILAR_TO:
            yield _digest(u, v, k, sorted(p.items())), (u, v, k)


def fingerprint(kg) -> dict:
    """What the comparison needs of one graph, small enough to keep while the other builds:
    sorted fingerprints of every node and non-SIMILAR_TO edge, the SIMILAR_TO scores, the
    merge report."""
    from citegraph.graph import schema as S

    return {
        "nodes": np.sort(np.fromiter((d for d, _ in _node_digests(kg)), dtype=np.uint64)),
        "edges": np.sort(np.fromiter((d for d, _ in _edge_digests(kg)), dtype=np.uint64)),
        "similar": {(u, v): p[S.SCORE] for u, v, _, p in kg.edges(S.SIMILAR_TO)},
        "report": (kg.merge_report.summary(), kg.merge_report.merges),
    }


def _examples(items: Iterable[tuple[int, object]], only: np.ndarray, limit: int = 5) -> list:
    wanted = set(only.tolist())
    return [item for digest, item in items if digest in wanted][:limit]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--dir", type=Path, help="keep the corpus here (default: temporary)")
    parser.add_argument("--no-entities", action="store_true", help="skip the entity stages")
    args = parser.parse_args()

    import ray
    from synthetic_corpus import read_vectors, write_corpus, write_vectors

    import citegraph
    from citegraph.graph.options import BuildOptions
    from citegraph.graph.ray_engine import LOCAL_SYSTEM_CONFIG

    with tempfile.TemporaryDirectory() as tmp:
        folder = args.dir or Path(tmp)
        corpus, vectors = folder / f"corpus{args.papers}.jsonl", folder / f"vectors{args.papers}"
        if not corpus.exists() or not vectors.exists():
            write_corpus(corpus, args.papers, seed=0)
            write_vectors(corpus, vectors, seed=0)
        options = BuildOptions(vector_cache=read_vectors(vectors),
                               entities=not args.no_entities)
        prints, ray_graph = {}, None
        for engine in ("local", "ray"):
            if engine == "ray":
                ray.init(num_cpus=args.workers, object_store_memory=1536 * 1024**2,
                         include_dashboard=False, log_to_driver=False,
                         logging_level="warning", _system_config=LOCAL_SYSTEM_CONFIG)
            start = time.perf_counter()
            kg = citegraph.build([corpus], options=dataclasses.replace(options, engine=engine))
            print(f"{engine}: {time.perf_counter() - start:.1f} s, {kg!r}", flush=True)
            prints[engine] = fingerprint(kg)
            if engine == "ray":
                ray_graph = kg
            del kg
            gc.collect()
        ray.shutdown()
    local, on_ray = prints["local"], prints["ray"]
    ls, rs = local["similar"], on_ray["similar"]
    shared = ls.keys() & rs.keys()
    found = len(shared) / max(1, len(ls))
    extra = len(shared) / max(1, len(rs))
    checks = {}
    for part, items in (("nodes", _node_digests), ("edges other than SIMILAR_TO", _edge_digests)):
        name = "nodes" if part == "nodes" else "edges"
        only_local = np.setdiff1d(local[name], on_ray[name])
        only_ray = np.setdiff1d(on_ray[name], local[name])
        checks[f"{part}: {len(local[name])} local, {len(on_ray[name])} on Ray"] = (
            len(only_local) == len(only_ray) == 0 and len(local[name]) == len(on_ray[name]))
        if len(only_local) or len(only_ray):
            print(f"{part}: {len(only_local)} only local, {len(only_ray)} only on Ray; "
                  f"on Ray, for example: {_examples(items(ray_graph), only_ray)}")
    checks["merge report"] = local["report"] == on_ray["report"]
    checks[f"SIMILAR_TO: {found:.4f} of local found, {extra:.4f} of Ray's are local's"] = (
        min(found, extra) >= RECALL_TARGET)
    checks["SIMILAR_TO scores of shared edges"] = all(ls[k] == rs[k] for k in shared)
    print(local["report"][0])
    for name, ok in checks.items():
        print(f"{'OK    ' if ok else 'DIFFER'} {name}")
    sys.exit(0 if all(checks.values()) else 1)


if __name__ == "__main__":
    main()
