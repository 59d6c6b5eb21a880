"""Real builds stopped by signals at random moments, for the kill test and its benchmark.

A run starts ``python -m citegraph build`` (or ``--append``) on a prepared graph directory
and sends a signal either after a random delay or a random few milliseconds after the save
has begun (its staging directory appeared), then reads the directory back.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import citegraph
from citegraph.graph.stores import graph_dir

#: Only papers, authors and their edges: the quickest build, so runs are short.
FAST = ("--no-similarity", "--no-entities", "--no-co-mention", "--no-citations", "-q")


def _default_sigint() -> None:
    """A child started from a shell job may inherit SIGINT ignored; give it Ctrl-C back."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_build(inputs: list[Path], out: Path, append: bool = False) -> subprocess.Popen:
    args = [sys.executable, "-m", "citegraph", "build", *map(str, inputs), "--out", str(out),
            *FAST, *(["--append"] if append else [])]
    return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            preexec_fn=_default_sigint)


@dataclass
class Timing:
    total: float  # seconds from start to exit
    save: float  # seconds the staging directory existed (the save's write and swap)


def build(inputs: list[Path], out: Path, append: bool = False) -> Timing:
    """Run a build to the end, timing it and its save."""
    staging = out / graph_dir.STAGING
    began = time.perf_counter()
    saving = saved = None
    proc = start_build(inputs, out, append)
    while proc.poll() is None:
        now, exists = time.perf_counter(), staging.exists()
        if saving is None and exists:
            saving = now
        elif saving is not None and saved is None and not exists:
            saved = now
        time.sleep(0.0005)
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    ended = time.perf_counter()
    return Timing(ended - began, (saved or ended) - (saving or ended))


def signature(directory: Path) -> tuple[frozenset, frozenset]:
    """Node ids and edge identities of the graph a directory holds (loaded and verified)."""
    kg = citegraph.load(directory)
    return frozenset(kg.g.nodes), frozenset(kg.g.edges(keys=True))


@dataclass
class Outcome:
    delay: float  # seconds after the start (or after the save began, when during_save)
    during_save: bool  # the staging directory existed when the signal was sent
    returncode: int
    stderr: str
    kept: str  # "old" or "new"


def signal_run(inputs: list[Path], out: Path, append: bool, rng: random.Random,
               timing: Timing, at_save: bool, signum: int = signal.SIGKILL,
               old: tuple | None = None, new: tuple | None = None) -> Outcome:
    """Start a build, signal it at a random moment, and say which graph ``out`` holds.

    ``at_save``: wait for the save to begin, then a uniform delay over the save's duration
    in ``timing`` (at least 40 ms); else a uniform delay over the whole build's (for Ctrl-C
    and SIGTERM, counted from when the build holds its lock). Raises
    AssertionError when ``out`` holds neither ``old`` nor ``new`` (or cannot be loaded).
    """
    staging = out / graph_dir.STAGING
    proc = start_build(inputs, out, append)
    began = time.perf_counter()
    if signum != signal.SIGKILL:
        _wait_for_lock(proc)  # Ctrl-C while Python itself starts is not ours to handle
    if at_save:
        while proc.poll() is None and not staging.exists():
            time.sleep(0.0005)
        delay = rng.uniform(0, max(timing.save, 0.04))
    else:
        delay = rng.uniform(0.05, timing.total)
    time.sleep(delay)
    during_save = staging.exists()
    if proc.poll() is None:
        proc.send_signal(signum)
    _, err = proc.communicate(timeout=600)
    found = signature(out)
    assert found in (old, new), f"after a signal {delay:.3f}s in, {out} holds another graph"
    return Outcome(delay if at_save else time.perf_counter() - began, during_save,
                   proc.returncode, err, "new" if found == new else "old")


def _wait_for_lock(proc: subprocess.Popen) -> None:
    """Until the build holds a file lock (read from /proc/locks, so the wait never takes
    the lock itself and cannot get in the build's way), or has ended."""
    while proc.poll() is None:
        with open("/proc/locks") as fh:
            if any(line.split()[1:2] == ["FLOCK"] and line.split()[4:5] == [str(proc.pid)]
                   for line in fh):
                return
        time.sleep(0.001)


def reset(source: Path, target: Path) -> None:
    """``target`` becomes a copy of the graph directory ``source``."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target)
    os.utime(target)
