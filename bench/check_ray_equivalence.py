"""The Ray engine's graph against the local engine's on a synthetic corpus of any size.

Writes a seeded synthetic corpus (``bench/synthetic_corpus.py``) with made-up vectors,
builds it with the local engine and with Ray on a local instance of ``--workers`` CPUs
(both handed the vectors, so no model runs), and compares: every node and every edge
other than SIMILAR_TO with its properties, the merge report, and the SIMILAR_TO edges as
the share each build finds of the other's (the Ray engine's index search is approximate;
at least 0.95 expected). Exits 1 on a difference.

    python bench/check_ray_equivalence.py [--papers 100000] [--workers 2] [--dir DIR]
                                          [--no-entities]
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

RECALL_TARGET = 0.95


def _parts(kg) -> tuple[dict, dict, dict]:
    from citegraph.graph import schema as S

    nodes = {nid: dict(p) for nid, p in kg.g.nodes(data=True)}
    edges = {(u, v, k): dict(p) for u, v, k, p in kg.g.edges(keys=True, data=True)
             if k != S.SIMILAR_TO}
    similar = {(u, v): p[S.SCORE] for u, v, _, p in kg.edges(S.SIMILAR_TO)}
    return nodes, edges, similar


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
        built = {}
        for engine in ("local", "ray"):
            if engine == "ray":
                ray.init(num_cpus=args.workers, object_store_memory=1536 * 1024**2,
                         include_dashboard=False, log_to_driver=False,
                         logging_level="warning", _system_config=LOCAL_SYSTEM_CONFIG)
            start = time.perf_counter()
            built[engine] = citegraph.build([corpus], options=dataclasses.replace(
                options, engine=engine))
            print(f"{engine}: {time.perf_counter() - start:.1f} s, {built[engine]!r}",
                  flush=True)
        ray.shutdown()
    local, on_ray = built["local"], built["ray"]
    (ln, le, ls), (rn, re_, rs) = _parts(local), _parts(on_ray)
    shared = ls.keys() & rs.keys()
    found = len(shared) / max(1, len(ls))
    extra = len(shared) / max(1, len(rs))
    checks = {
        "nodes": ln == rn,
        "edges other than SIMILAR_TO": le == re_,
        "merge report": local.merge_report.summary() == on_ray.merge_report.summary()
        and local.merge_report.merges == on_ray.merge_report.merges,
        f"SIMILAR_TO: {found:.4f} of local found, {extra:.4f} of Ray's are local's":
            min(found, extra) >= RECALL_TARGET,
        "SIMILAR_TO scores of shared edges": all(ls[k] == rs[k] for k in shared),
    }
    print(local.merge_report.summary())
    for name, ok in checks.items():
        print(f"{'OK    ' if ok else 'DIFFER'} {name}")
    sys.exit(0 if all(checks.values()) else 1)


if __name__ == "__main__":
    main()
