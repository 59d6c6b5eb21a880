"""Every record of every real export in ``tests/fixtures/real`` is read or reported, and
every titled record reaches the graph with its authors and DOI.

The expected counts come from :mod:`real_exports`, which reads the files by the
exporters' own record markers and never through citegraph's loaders. A file whose format
no loader reads yet is marked as an expected failure, decided from the loaders present
when the tests are collected, so the mark goes away when the loader lands.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from rapidfuzz import fuzz, process
from real_exports import (
    FAMILY_FORMATS,
    REAL,
    normalise_doi,
    normalise_title,
    real_exports,
)
from real_exports import read_export as _read_export

import citegraph
from citegraph.graph import schema as S
from citegraph.graph.pipeline import BuildOptions
from citegraph.loaders import LoadReport, iter_records
from citegraph.loaders.detect import LOADER_BY_FORMAT

#: Share of the file's DOIs, and of its records with authors, that must reach the graph.
MIN_SHARE = 0.9
#: Similarity (0-100) above which two normalised titles are the same title differently
#: decoded, for the few titles an exact comparison misses.
SAME_TITLE = 90


#: Each file is read once a session: at collection, then by every test of it.
read_export = cache(_read_export)


def _supported(family: str) -> bool:
    return any(name in LOADER_BY_FORMAT for name in FAMILY_FORMATS[family])


def _cases() -> list:
    cases = []
    for path in real_exports():
        family = read_export(path).family
        marks = [] if _supported(family) else [
            pytest.mark.xfail(strict=False, reason=f"format not supported yet ({family})")]
        cases.append(pytest.param(path, id=str(path.relative_to(REAL)), marks=marks))
    return cases


CASES = _cases()


#: Records counted by hand (grep over the record markers, see tests/fixtures/SOURCES.md):
#: file -> (records, records without a title). The counter must agree.
HAND_COUNTS = {
    "wos/wosfile_plaintext.txt": (30, 0),
    "wos/wosfile_tab_win_utf8.txt": (31, 0),
    "pubmed/pybibx_pubmed.txt": (52, 0),
    "ieee/litstudy_example.ris": (25, 0),
    "ovid/asreview_ovid_psycinfo.ris": (6, 0),
    "acm/interop_acm.bib": (66, 0),
    "pmlr/pmlr_v229_corl23.bib": (60, 1),
    "springer/litstudy_springer_notebook.csv": (300, 0),
}


def test_the_corpus_has_forty_real_exports():
    assert len(CASES) >= 40


@pytest.mark.parametrize("name", sorted(HAND_COUNTS))
def test_the_counter_agrees_with_hand_counts(name: str):
    export = read_export(REAL / name)
    assert (export.count, export.untitled) == HAND_COUNTS[name]


def _errors(report: LoadReport, path: Path) -> list[str]:
    return [str(i) for i in report.errors if i.path == str(path)][:5]


@pytest.mark.parametrize("path", CASES)
def test_every_record_is_read_or_reported(path: Path):
    export = read_export(path)
    report = LoadReport()
    for _ in iter_records([path], report=report):
        pass
    read, skipped = report.records_read[str(path)], report.records_skipped[str(path)]
    assert read + skipped == export.count, (
        f"{export.family}: {export.count} records in the file, {read} read, {skipped} "
        f"reported skipped; {_errors(report, path)}")
    assert skipped <= export.untitled, (
        f"{skipped} records skipped but only {export.untitled} have no title: "
        f"{_errors(report, path)}")


def _match(title: str, exact: dict[str, dict], keys: list[str]) -> dict | None:
    key = normalise_title(title)
    if key in exact:
        return exact[key]
    best = process.extractOne(key, keys, scorer=fuzz.ratio, score_cutoff=SAME_TITLE)
    return exact[best[0]] if best else None


def _share(hits: int, total: int) -> float:
    return hits / total if total else 1.0


@pytest.mark.parametrize("path", CASES)
def test_titled_records_reach_the_graph(path: Path):
    export = read_export(path)
    kg = citegraph.build([path], options=BuildOptions(entities=False, similarity=False))
    papers = [p for p in kg.papers if not p.get(S.STUB)]
    exact = {normalise_title(p.get(S.TITLE) or ""): p for p in papers}
    keys = list(exact)

    titled = [r for r in export.records if r.title]
    matched = [(r, _match(r.title, exact, keys)) for r in titled]
    problems = []
    missing = [r.title for r, paper in matched if paper is None]
    if missing:
        problems.append(f"{len(missing)} of {len(titled)} titles not on a paper: {missing[:3]}")

    with_authors = [paper for r, paper in matched if r.authors and paper is not None]
    authored = sum(1 for paper in with_authors if paper.get(S.AUTHORS))
    if _share(authored, len(with_authors)) < MIN_SHARE:
        problems.append(f"{authored} of {len(with_authors)} papers whose record names authors "
                        "have them in the graph")

    file_dois = {r.doi for r in export.records if r.doi}
    graph_dois = {normalise_doi(str(p.get(S.DOI) or "")) for p in papers}
    found = len(file_dois & graph_dois)
    if _share(found, len(file_dois)) < MIN_SHARE:
        problems.append(f"{found} of {len(file_dois)} DOIs in the file are on a paper; "
                        f"missing e.g. {sorted(file_dois - graph_dois)[:3]}")
    assert not problems, f"{export.family}: " + "; ".join(problems)
