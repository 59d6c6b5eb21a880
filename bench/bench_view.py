"""How long a view takes to draw in headless Chromium, and where live physics stops paying.

Run: ``python bench/bench_view.py`` (needs ``chromium``). For each size it builds a
synthetic graph (:func:`citegraph.viz.samples.synthetic`, ~2.4 edges per node), writes the
overview page and measures, in a fresh browser, the time from navigation to the page's
``drawnAt`` mark: the first frame after vis-network's physics has stabilised, or the first
frame at all when positions come precomputed. The Python side (PageRank, layout, page) is
timed separately.

The "physics" rows justify ``PHYSICS_LIMIT`` in :mod:`citegraph.viz.views`: past it the
browser's stabilisation takes longer than the whole precomputed path does at 5,000
nodes. The last line is the headline figure: a 5,000-node view, from navigation to drawn.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from citegraph.viz import PHYSICS_LIMIT, samples
from citegraph.viz.headless import Browser, BrowserError, find_chromium
from citegraph.viz.views import overview

TIMEOUT = 90.0


def draw_ms(path: Path) -> float | None:
    """Milliseconds from navigation to the drawn mark, or None past ``TIMEOUT``."""
    with Browser() as browser:
        browser.open(path)
        try:
            return float(browser.wait_for("window.citegraphView && citegraphView.drawnAt",
                                          timeout=TIMEOUT))
        except BrowserError:
            return None


def measure(n: int, physics: bool, folder: Path) -> tuple[float, float | None]:
    """(seconds to build the page in Python, ms to draw it) for an ``n``-node graph."""
    kg = samples.synthetic(n)
    start = time.perf_counter()
    page = overview(kg, max_nodes=n, physics=physics)
    built = time.perf_counter() - start
    path = page.save(folder / f"view-{n}-{'physics' if physics else 'layout'}.html")
    return built, draw_ms(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--physics-sizes", default="250,500,1000,1500,2000")
    parser.add_argument("--layout-sizes", default="1000,2000,5000")
    args = parser.parse_args(argv)
    if not find_chromium():
        print("chromium is not installed", file=sys.stderr)
        return 1
    print(f"PHYSICS_LIMIT = {PHYSICS_LIMIT} nodes")
    print(f"{'nodes':>6}  {'mode':<8} {'python s':>9} {'draw ms':>9}")
    with tempfile.TemporaryDirectory() as tmp:
        rows = [(int(n), True) for n in args.physics_sizes.split(",") if n]
        rows += [(int(n), False) for n in args.layout_sizes.split(",") if n]
        last = None
        for n, physics in rows:
            built, drawn = measure(n, physics, Path(tmp))
            shown = f"{drawn:9.0f}" if drawn is not None else f">{TIMEOUT * 1000:8.0f}"
            print(f"{n:6d}  {'physics' if physics else 'layout':<8} {built:9.2f} {shown}",
                  flush=True)
            last = (n, physics, drawn)
    if last and not last[1] and last[2] is not None:
        print(f"{last[0]:,}-node view drawn {last[2] / 1000:.2f} s after navigation")
    return 0


if __name__ == "__main__":
    sys.exit(main())
