"""The derived edges of an append: old edges copied where the new papers change nothing,
the rest counted again, and every type, property and evidence list equal to a full build."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from citegraph import build
from citegraph.graph import bibliometrics as B
from citegraph.graph import comention as C
from citegraph.graph import schema as S
from citegraph.graph.citations_update import changed_entities
from citegraph.graph.options import BuildOptions
from citegraph.graph.pairs_update import changed_columns
from citegraph.graph.progress import SILENT

FIXTURES = Path(__file__).parent / "fixtures"


def _edges(kg, rel: str, inferred: bool | None = None) -> dict:
    return {(u, v): dict(p) for u, v, _, p in kg.edges(rel)
            if inferred is None or bool(p.get(S.INFERRED)) == inferred}


def _split_csv(source: Path, directory: Path, parts: int) -> list[Path]:
    rows = list(csv.reader(io.StringIO(source.read_text(encoding="utf-8-sig"))))
    body = rows[1:]
    size = -(-len(body) // parts)
    out = []
    for n in range(parts):
        buffer = io.StringIO()
        csv.writer(buffer).writerows([rows[0], *body[n * size:(n + 1) * size]])
        path = directory / f"part{n}.csv"
        path.write_text(buffer.getvalue(), encoding="utf-8")
        out.append(path)
    return out


@pytest.fixture(scope="module")
def scopus_graphs(tmp_path_factory):
    """Base (first three quarters of a Scopus export), the append of the last quarter,
    and the full build."""
    source = FIXTURES / "real" / "scopus" / "bibliometrix_scopus_sample.csv"
    parts = _split_csv(source, tmp_path_factory.mktemp("scopus"), 4)
    options = lambda: BuildOptions(similarity=False, min_co_occurrences=1)  # noqa: E731
    base = build(parts[:3], options=options(), progress=SILENT)
    appended = base.append(parts[3:], options=options(), progress=SILENT)
    full = build(parts, options=options(), progress=SILENT)
    return base, appended, full


@pytest.mark.parametrize("rel, rows_of", [
    (S.CO_CITED, B.co_citation_rows), (S.COUPLED, B.coupling_rows),
    (S.CO_AUTHORED, B.co_author_rows), (S.CO_OCCURS, B.keyword_rows)])
def test_bibliometric_networks_of_an_append_equal_the_full_build(scopus_graphs, rel, rows_of):
    base, appended, full = scopus_graphs
    old, new = _edges(base, rel), _edges(full, rel)
    assert old and new and _edges(appended, rel) == new
    # both paths ran: some columns changed, and some old pairs are copied
    changed = changed_columns(rows_of(base), rows_of(full))
    assert changed
    assert any(u not in changed and v not in changed for u, v in old)
    # an unchanged pair keeps its old edge exactly
    assert all(new[pair] == props for pair, props in old.items()
               if pair[0] not in changed and pair[1] not in changed)


def test_co_mentions_and_inferred_citations_of_an_append_equal_the_full_build(seed_files):
    options = lambda: BuildOptions(similarity=False)  # noqa: E731
    base = build(seed_files[:3], options=options(), progress=SILENT)
    appended = base.append(seed_files[3:], options=options(), progress=SILENT)
    full = build(seed_files, options=options(), progress=SILENT)
    old_inferred = _edges(base, S.CITES, inferred=True)
    assert old_inferred and _edges(appended, S.CITES, inferred=True) == _edges(
        full, S.CITES, inferred=True)
    old_co = _edges(base, S.CO_MENTIONED)
    assert old_co and _edges(appended, S.CO_MENTIONED) == _edges(full, S.CO_MENTIONED)
    # some entities are untouched by the new papers: their pairs are copied
    entities = {nid for nid, p in full.g.nodes(data=True)
                if p[S.LABEL] in S.ENTITY_NODE_LABELS}
    assert 0 < len(changed_entities(base, full)) < len(entities)
    rows = {p: frozenset(e) for p, e in C.entities_by_paper(full).items()}
    old_rows = {p: frozenset(e) for p, e in C.entities_by_paper(base).items()}
    changed = changed_columns(old_rows, rows)
    assert any(u not in changed and v not in changed for u, v in old_co)


def lengthened_listing(listing: str | Path, folder: Path) -> Path:
    """The listing again, written into ``folder`` under its own name, with every third
    long abstract lengthened by a sentence naming known entities: its records merge with
    the old papers and change their text and entities."""
    first = Path(listing)
    paragraphs = first.read_text(encoding="utf-8").split("\n\n")
    long = [n for n, p in enumerate(paragraphs) if len(p) > 300]
    assert len(long) > 3
    for n in long[::3]:
        paragraphs[n] += " We compare against LoRA and GPT-4 on MMLU and GSM8K."
    changed = folder / first.name
    changed.write_text("\n\n".join(paragraphs), encoding="utf-8")
    return changed


def test_an_append_that_changes_old_papers_equals_the_full_build(seed_files, tmp_path):
    """A listing again with every third abstract lengthened: old papers change (their
    entities, mentions and co-mention rows) as well as new ones arrive."""
    changed = lengthened_listing(seed_files[0], tmp_path)
    options = lambda: BuildOptions(similarity=False)  # noqa: E731
    base = build(seed_files[:2], options=options(), progress=SILENT)
    appended = base.append([changed, seed_files[2]], options=options(), progress=SILENT)
    full = build([*seed_files[:2], changed, seed_files[2]], options=options(),
                 progress=SILENT)
    assert changed_entities(base, full)
    assert appended.equals(full)


def test_only_columns_that_joined_or_left_a_row_are_changed():
    old = {"r1": frozenset({"a", "b"}), "r2": frozenset({"c"})}
    new = {"r1": frozenset({"a", "b", "d"}), "r3": frozenset({"a", "e"})}
    # r1 gained d (a and b still share it), r2 is gone, r3 is new
    assert changed_columns(old, new) == {"a", "c", "d", "e"}
