"""Builds killed, interrupted or terminated at random moments of real runs (the save
included): the output directory always loads, and holds the previous or the new complete
graph, never a broken or shrunken one. ``bench/bench_kill_save.py`` is the large version."""

from __future__ import annotations

import random
import signal
import sys
from pathlib import Path

import pytest

from citegraph.graph.stores import graph_dir

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
from jsonl_shapes import write_jsonl  # noqa: E402
from kill_runs import build, reset, signal_run, signature  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def graphs(tmp_path_factory):
    """Corpus A (400 papers), corpus B (100 more), the graph of A and that of A + B."""
    root = tmp_path_factory.mktemp("kill")
    a = write_jsonl(root / "a.jsonl", 400, seed=1)
    b = root / "b.jsonl"
    lines = write_jsonl(root / "all.jsonl", 500, seed=1).read_text().splitlines(keepends=True)
    b.write_text("".join(lines[400:]))
    rebuild = build([a], root / "ref_a")
    reset(root / "ref_a", root / "ref_ab")
    append = build([b], root / "ref_ab", append=True)
    old, new = signature(root / "ref_a"), signature(root / "ref_ab")
    assert len(new[0]) > len(old[0])
    return root, a, b, rebuild, append, old, new


def test_sigkill_at_random_moments_keeps_the_old_or_the_new_graph(graphs):
    root, a, b, rebuild, append, old, new = graphs
    out = root / "out"
    rng = random.Random(20260)
    outcomes = []
    for i in range(20):
        at_save = i % 2 == 1
        if i % 4 < 2:  # --append B onto the graph of A
            reset(root / "ref_a", out)
            outcomes.append(signal_run([b], out, True, rng, append, at_save, old=old, new=new))
        else:  # rebuild A over the graph of A + B
            reset(root / "ref_ab", out)
            outcomes.append(signal_run([a], out, False, rng, rebuild, at_save, old=new, new=old))
    assert sum(o.during_save for o in outcomes) >= 3, "no kill landed inside a save"
    # the lock died with the killed writers; the next append recovers whatever was left
    # and builds on the complete graph it finds, so no paper of A is lost
    build([b], out, append=True)
    assert signature(out) == new
    assert not (out / graph_dir.STAGING).exists()


@pytest.mark.parametrize("signum, status", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_interrupts_exit_with_one_line_saying_what_was_kept(graphs, signum, status):
    root, _, b, _, append, old, new = graphs
    out = root / f"out-{signum}"
    rng = random.Random(signum)
    for at_save in (False, True, False):
        reset(root / "ref_a", out)
        done = signal_run([b], out, True, rng, append, at_save, signum, old=old, new=new)
        if done.returncode == 0:  # finished before the signal
            assert done.kept == "new"
            continue
        if done.returncode == -signum:  # before Python set its handlers, or after its exit
            assert "Traceback" not in done.stderr
            continue
        assert done.returncode == status, done.stderr
        assert "Traceback" not in done.stderr
        if done.kept == "old":
            expected = {f"interrupted; the graph in {out} is unchanged"}
        else:
            expected = {f"interrupted; the new graph was saved in {out}"}
        [line] = done.stderr.strip().splitlines()
        assert line in expected
