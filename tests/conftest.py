"""Shared helpers: fixtures are export-shaped files written by hand in ``tests/fixtures``."""

from __future__ import annotations

from pathlib import Path

import pytest
from citegraph.loaders import LoadReport, PaperRecord, iter_records

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
