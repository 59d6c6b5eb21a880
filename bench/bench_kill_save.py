"""Kill benchmark: SIGKILL real builds of a large graph at random moments, the save included.

A corpus of ``--papers`` papers (arXiv snapshot shape) is built once (graph A), and once
more with ``--extra`` papers appended (graph A + B). Then ``--kills`` runs each start from
one of them (alternately ``--append B`` onto A, and a rebuild of A over A + B) and are
killed either after a random delay over the whole run or at a random moment of their save
(after its staging directory appeared, within the save's measured duration). After
every kill the directory must load, verified, as the previous or the new complete graph;
the script counts which, and fails on anything else.

    python bench/bench_kill_save.py                       # 20,000 papers, 20 kills
    python bench/bench_kill_save.py --papers 5000 --kills 10
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from jsonl_shapes import write_jsonl  # noqa: E402
from kill_runs import build, reset, signal_run, signature  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=20_000)
    parser.add_argument("--extra", type=int, default=2_000)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="citegraph-kill-") as tmp:
        root = Path(tmp)
        lines = write_jsonl(root / "all.jsonl", args.papers + args.extra).read_text()
        rows = lines.splitlines(keepends=True)
        (root / "a.jsonl").write_text("".join(rows[:args.papers]))
        (root / "b.jsonl").write_text("".join(rows[args.papers:]))
        a, b = root / "a.jsonl", root / "b.jsonl"
        rebuild = build([a], root / "ref_a")
        reset(root / "ref_a", root / "ref_ab")
        append = build([b], root / "ref_ab", append=True)
        old, new = signature(root / "ref_a"), signature(root / "ref_ab")
        print(f"graph A: {len(old[0]):,} nodes, {len(old[1]):,} edges, built in "
              f"{rebuild.total:.1f} s (save {rebuild.save:.2f} s); A + B: {len(new[0]):,} "
              f"nodes, appended in {append.total:.1f} s (save {append.save:.2f} s)")
        print(f"{'run':>3}  {'build':<12} {'signal at':<22} {'in save':<8} graph kept")
        out, kept, in_save = root / "out", {"previous": 0, "new": 0}, 0
        began = time.perf_counter()
        for i in range(args.kills):
            at_save = i % 2 == 1
            if i % 4 < 2:
                reset(root / "ref_a", out)
                done = signal_run([b], out, True, rng, append, at_save, old=old, new=new)
                kind, which = "--append B", "previous" if done.kept == "old" else "new"
            else:
                reset(root / "ref_ab", out)
                done = signal_run([a], out, False, rng, rebuild, at_save, old=new, new=old)
                kind, which = "rebuild A", "previous" if done.kept == "old" else "new"
            kept[which] += 1
            in_save += done.during_save
            when = (f"save +{done.delay * 1000:.0f} ms" if at_save
                    else f"{done.delay:.2f} s after start")
            print(f"{i + 1:>3}  {kind:<12} {when:<22} {'yes' if done.during_save else 'no':<8} "
                  f"{which} (verified)")
        elapsed = time.perf_counter() - began
        build([b], out, append=True)  # after the last kill: the lock is free, nothing lost
        after = signature(out)
        assert after == new, "the append after the kills did not give graph A + B"
        print(f"then --append B ran to the end: {len(after[0]):,} nodes, graph A + B exactly")
        print(f"{args.kills} kills in {elapsed:.0f} s: {in_save} inside a "
              f"save; the directory held the previous graph {kept['previous']} times and the "
              f"new one {kept['new']} times; broken or shrunken: 0")


if __name__ == "__main__":
    main()
