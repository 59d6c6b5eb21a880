"""Cross-validated scores of the learned extractor on the gold annotations.

k-fold cross-validation over train_gold + dev_gold grouped by paper: each fold's model is
trained on the other folds' papers only, and the held-out papers are extracted as
``citegraph extract`` would (the corpus pass runs over the held-out file). Prints entity,
typed and introduced precision/recall/F1 per fold, per source (example corpus, i.e.
papers whose title is in ``shared/seeds``, against papers from other venues) and overall,
and a table of how many papers each signal fires on and how precise its candidates are.

    python bench/eval_extractor.py [--folds 5] [--tagger] [GOLD.jsonl ...]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import random
import sys
from collections import defaultdict
from pathlib import Path

#: the shared data folder: CITEGRAPH_SHARED, else the nearest ``shared/`` above this file
SHARED = Path(os.environ["CITEGRAPH_SHARED"]) if os.environ.get("CITEGRAPH_SHARED") else next(
    (d / "shared" for d in Path(__file__).resolve().parents if (d / "shared" / "eval").is_dir()),
    Path("shared"))
EVAL = SHARED / "eval"


def _scorer():
    spec = importlib.util.spec_from_file_location("score_entities", EVAL / "score_entities.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _seed_text() -> str:
    seeds = SHARED / "seeds"
    if not seeds.is_dir():
        return ""
    text = " ".join(p.read_text(encoding="utf-8", errors="replace")
                    for p in sorted(seeds.rglob("*")) if p.is_file())
    return " ".join(text.split())


def folds_of(papers: list[dict], k: int, seed: int = 0) -> list[int]:
    """A fold number per paper; papers with the same normalised title share a fold."""
    from citegraph.graph.extract.train import gold_key

    keys = sorted({gold_key(p["title"]) for p in papers})
    random.Random(seed).shuffle(keys)
    fold = {key: i % k for i, key in enumerate(keys)}
    return [fold[gold_key(p["title"])] for p in papers]


def _prf(s: dict) -> str:
    return (f"P {s['precision']:.3f} R {s['recall']:.3f} F1 {s['f1']:.3f} | typed "
            f"{s['typed_f1']:.3f} | introduced P {s['introduced_precision']:.3f} "
            f"R {s['introduced_recall']:.3f} F1 {s['introduced_f1']:.3f}")


def _as_gold(papers: list[dict]) -> dict:
    scorer = _scorer()
    return {scorer.norm(p["title"]): p["entities"] for p in papers}


def cross_validate(papers: list[dict], k: int, rules: bool = False,
                   tagger: bool = False) -> tuple[dict, list[str]]:
    """Held-out predictions of every paper (``norm title -> entities``) and the report."""
    from citegraph.graph.extract.extractor import Extractor
    from citegraph.graph.extract.train import train_on

    scorer = _scorer()
    folds = folds_of(papers, k)
    predicted: dict[str, list[dict]] = {}
    lines = []
    for f in range(k):
        train = [p for p, g in zip(papers, folds, strict=True) if g != f]
        test = [p for p, g in zip(papers, folds, strict=True) if g == f]
        extractor = Extractor(rules_only=True) if rules else \
            Extractor(model=train_on(train, tagger=tagger))
        extractor.learn((p["title"], p["abstract"]) for p in test)
        for p in test:
            predicted[scorer.norm(p["title"])] = [
                e.to_json() for e in extractor.extract(p["title"], p["abstract"])]
        s = scorer.score(_as_gold(test), predicted)
        lines.append(f"fold {f + 1}: {len(test):3d} papers  {_prf(s)}")
    return predicted, lines


def signal_table(papers: list[dict]) -> list[str]:
    """Papers each signal fires on and the share of its candidates that are entities."""
    from citegraph.graph.extract.extractor import Extractor
    from citegraph.graph.extract.train import gold_key

    extractor = Extractor(rules_only=True)
    extractor.learn((p["title"], p["abstract"]) for p in papers)
    fired: dict[str, set[int]] = defaultdict(set)
    hits: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for i, paper in enumerate(papers):
        gold = {gold_key(n) for e in paper["entities"]
                for n in [e["name"], *e.get("aliases", [])]}
        for ent, cand in extractor.candidates(paper["title"], paper["abstract"]):
            for sig in cand.signals:
                fired[sig].add(i)
                hits[sig][0] += gold_key(ent.name) in gold
                hits[sig][1] += 1
    out = [f"{'signal':14s} {'papers':>6s} {'candidates':>10s} {'precision':>9s}"]
    for sig in sorted(fired, key=lambda s: -len(fired[s])):
        good, total = hits[sig]
        out.append(f"{sig:14s} {len(fired[sig]):6d} {total:10d} {good / total:9.3f}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", nargs="*", default=[str(EVAL / "train_gold.jsonl"),
                                                    str(EVAL / "dev_gold.jsonl")])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--rules", action="store_true",
                        help="score the hand-set signal weights instead (no training)")
    parser.add_argument("--tagger", action="store_true",
                        help="fit the sequence tagger too (inside each fold)")
    args = parser.parse_args()

    from citegraph.graph.extract.train import read_gold

    scorer = _scorer()
    papers = read_gold(args.gold)
    predicted, lines = cross_validate(papers, args.folds, rules=args.rules,
                                     tagger=args.tagger)
    print(f"{args.folds}-fold cross-validation over {len(papers)} papers, grouped by paper")
    print("\n".join(lines))
    seeds = _seed_text()
    groups = {"overall": papers}
    if seeds:
        groups["example corpus"] = [p for p in papers if " ".join(p["title"].split()) in seeds]
        groups["other venues"] = [p for p in papers
                                  if " ".join(p["title"].split()) not in seeds]
    figures = {}
    for name, group in groups.items():
        s = scorer.score(_as_gold(group), predicted)
        s.pop("errors")
        figures[name] = s
        print(f"{name:15s} {len(group):3d} papers  {_prf(s)}")
    print()
    print("\n".join(signal_table(papers)))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
