"""Shared fixtures: the example corpus and small listing files written per test."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from citegraph.loaders import LoadReport, PaperRecord, iter_records

REPO = Path(__file__).resolve().parents[1]


def _find_shared() -> Path:
    """``shared/`` beside the checkout, or beside a folder above it (a clone kept one level
    down); CITEGRAPH_SHARED names it outright."""
    if os.environ.get("CITEGRAPH_SHARED"):
        return Path(os.environ["CITEGRAPH_SHARED"])
    for folder in REPO.parents:
        if (folder / "shared" / "seeds").is_dir():
            return folder / "shared"
    return REPO.parent / "shared"


#: The example corpus and the evaluation set. Tests that need them skip when they are
#: absent; CITEGRAPH_SHARED / CITEGRAPH_SEEDS point elsewhere.
SHARED = _find_shared()
SEEDS = Path(os.environ.get("CITEGRAPH_SEEDS") or SHARED / "seeds")
EVAL = SHARED / "eval"

HEADER = (
    "new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\n"
    "byAK and the research community\n\n{listing}\n\n"
)


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The example corpus of five Daily Papers listings."""
    if not SEEDS.is_dir():
        pytest.skip("the example corpus (../shared/seeds) is not beside this checkout")
    return SEEDS


def listing(*blocks: str, listing_date: str = "Mar 12") -> str:
    """A layout (a)/(b) page: header, then blocks separated by blank lines."""
    return HEADER.format(listing=listing_date) + "\n\n".join(blocks) + "\n"


ABSTRACT_1 = (
    "We study how small language models scale when trained with a warmup-stable-decay "
    "schedule. Our experiments cover dozens of runs and show that careful data mixing "
    "matters more than model size for downstream reasoning tasks. We release code and "
    "checkpoints so that others can reproduce every figure of the paper."
)
ABSTRACT_2 = (
    "Retrieval pipelines often fail on long documents. We present a routing method that "
    "chooses between retrieval and long-context reading per query, and we evaluate it on "
    "four question answering datasets, where it improves accuracy while cutting cost by "
    "half compared to always reading the full context."
)
ABSTRACT_3 = (
    "Pruning removes weights from trained networks. We analyse when iterative pruning "
    "keeps accuracy, derive a simple criterion for the pruning rate, and show on image "
    "classification benchmarks that the criterion predicts the best schedule in practice "
    "across architectures and training budgets."
)


FIXTURES = Path(__file__).parent / "fixtures"


def load(*paths: str | Path, fmt: str | None = None) -> tuple[list[PaperRecord], LoadReport]:
    """Every record of the named fixtures (relative to ``tests/fixtures``) and the report."""
    report = LoadReport()
    files = [p if Path(p).is_absolute() else FIXTURES / p for p in paths]
    return list(iter_records(files, fmt=fmt, report=report)), report


def by_title(records: list[PaperRecord]) -> dict[str, PaperRecord]:
    return {r.title: r for r in records}


def messages(report: LoadReport) -> list[str]:
    return [str(i) for i in report.issues]


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def encoder():
    """The default embedding model, loaded once; the build's own loader returns this object."""
    from citegraph.graph.embed import load_encoder

    return load_encoder()


@pytest.fixture(scope="session")
def seed_files(seeds_dir: Path) -> list[Path]:
    """The example corpus' listing files, in name order."""
    return sorted(seeds_dir.glob("*.txt"))


@pytest.fixture(scope="session")
def built_graph(seed_files: list[Path]):
    """One listing of the example corpus built with entities and similarity, once a session:
    real SIMILAR_TO and CO_MENTIONED edges and real paper embeddings. Do not modify it."""
    import citegraph
    from citegraph.graph.pipeline import BuildOptions

    return citegraph.build([seed_files[0]],
                           options=BuildOptions(entities=True, similarity=True))
