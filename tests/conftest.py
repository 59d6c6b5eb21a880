"""Shared fixtures: the real embedding model, loaded once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

SEEDS = Path("/work/shared/seeds")


@pytest.fixture(scope="session")
def encoder():
    """The default model, loaded once; the build's own loader returns this same object."""
    from citegraph.graph.embed import load_encoder

    return load_encoder()


@pytest.fixture(scope="session")
def seed_files() -> list[Path]:
    files = sorted(SEEDS.glob("*.txt"))
    if len(files) < 5:
        pytest.skip(f"the example corpus is not at {SEEDS}")
    return files
