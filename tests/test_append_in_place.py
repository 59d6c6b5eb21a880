"""An append in place changes the graph it extends into the graph a full build of all the
papers gives; saved back where it was loaded from, it writes only the edges it touched."""

from __future__ import annotations

import json
from pathlib import Path

from test_append import _differences, _seeded_vectors, _split_csv
from test_append_incremental import lengthened_listing

from citegraph import build, load
from citegraph.graph import schema as S
from citegraph.graph.options import BuildOptions
from citegraph.graph.progress import SILENT
from citegraph.graph.stores.files import check_graph

FIXTURES = Path(__file__).parent / "fixtures"


def _no_similarity() -> BuildOptions:
    return BuildOptions(similarity=False)


def test_an_append_in_place_equals_the_full_build_and_the_copying_append(seed_files):
    full = build(seed_files, options=_no_similarity(), progress=SILENT)
    base = build(seed_files[:3], options=_no_similarity(), progress=SILENT)
    copied = base.append(seed_files[3:], options=_no_similarity(), progress=SILENT)
    assert not base.equals(full)  # the copying append left its base as it was
    grown = base.append(seed_files[3:], options=_no_similarity(), progress=SILENT,
                        in_place=True)
    assert grown is base
    assert grown.equals(full), _differences(grown, full)
    assert grown.equals(copied)
    assert grown.entity_cache is not None and grown.merge_report is not None


def test_an_append_in_place_with_similarity_equals_the_full_build(seed_files):
    plain = BuildOptions(entities=False, similarity=False, co_mention=False, citations=False)
    vectors = _seeded_vectors(build(seed_files, options=plain, progress=SILENT))

    def options() -> BuildOptions:
        return BuildOptions(vector_cache=vectors, similarity_top_k=5, similarity_threshold=0.3)

    full = build(seed_files, options=options(), progress=SILENT)
    grown = build(seed_files[:2], options=options(), progress=SILENT)
    old_similar = {(u, v) for u, v, _, _ in grown.edges(S.SIMILAR_TO)}
    grown.append(seed_files[2:], options=options(), progress=SILENT, in_place=True)
    assert grown.equals(full, embeddings=True), _differences(grown, full)
    # some old lists lost a neighbour to a new paper: their old edge was dropped
    assert old_similar - {(u, v) for u, v, _, _ in full.edges(S.SIMILAR_TO)}


def test_an_append_in_place_of_an_export_with_references(tmp_path):
    """Co-citation, coupling and co-authorship updated in place: the pairs the new
    records touch counted again, the others left as they were."""
    a, b = _split_csv(FIXTURES / "real" / "scopus" / "bibliometrix_scopus_sample.csv",
                      tmp_path)
    options = lambda: BuildOptions(similarity=False, min_co_occurrences=1)  # noqa: E731
    full = build([a, b], options=options(), progress=SILENT)
    grown = build(a, options=options(), progress=SILENT)
    old = {(u, v, k): dict(p) for u, v, k, _, p in grown.keyed_edges()
           if p[S.TYPE] in (S.CO_CITED, S.COUPLED)}
    grown.append(b, options=options(), progress=SILENT, in_place=True)
    stats = full.stats()["edges"]
    assert stats[S.CO_CITED] and stats[S.COUPLED] and stats[S.CO_AUTHORED]
    assert grown.equals(full), _differences(grown, full)
    logged = grown.edge_log.before
    assert any(ident in logged for ident in old)  # some old pairs counted again
    assert any(ident not in logged for ident in old)  # and some left alone


def test_an_append_in_place_that_changes_old_papers(seed_files, tmp_path):
    """A listing again with lengthened abstracts: its records merge with old papers and
    change their text, entities, mentions and co-mentions."""
    changed = lengthened_listing(seed_files[0], tmp_path)
    base = build(seed_files[:2], options=_no_similarity(), progress=SILENT)
    before = {nid: dict(p) for nid, p in base.nodes(S.PAPER)}
    base.append([changed, seed_files[2]], options=_no_similarity(), progress=SILENT,
                in_place=True)
    full = build([*seed_files[:2], changed, seed_files[2]], options=_no_similarity(),
                 progress=SILENT)
    assert base.equals(full), _differences(base, full)
    assert any(base.node(nid) != props for nid, props in before.items() if base.has_node(nid))


def test_an_append_in_place_with_stages_switched_off_drops_their_old_edges(seed_files):
    base = build(seed_files[:3], options=_no_similarity(), progress=SILENT)
    assert base.stats()["edges"][S.CO_MENTIONED]
    fewer = lambda: BuildOptions(similarity=False, co_mention=False, citations=False)  # noqa: E731
    copied = base.append(seed_files[3:], options=fewer(), progress=SILENT)
    base.append(seed_files[3:], options=fewer(), progress=SILENT, in_place=True)
    assert base.equals(copied), _differences(base, copied)
    assert base.stats()["edges"][S.CO_MENTIONED] == 0


def test_appends_in_place_saved_back_write_shards_and_load_as_the_full_build(seed_files,
                                                                             tmp_path):
    directory = tmp_path / "g"
    build(seed_files[:2], options=_no_similarity(), progress=SILENT).save(directory)
    edges_file = (directory / "edges.jsonl").read_bytes()
    for n, part in enumerate((seed_files[2:3], seed_files[3:]), 1):
        grown = build(part, options=_no_similarity(), base=directory, progress=SILENT)
        assert grown.edge_log is not None
        grown.save(directory)
        manifest = json.loads((directory / "manifest.json").read_text())
        assert manifest["shards"] == list(range(1, n + 1))
        shard = (directory / f"edges.{n:04d}.jsonl").read_text().splitlines()
        assert 0 < len(shard) < grown.number_of_edges()
    assert (directory / "edges.jsonl").read_bytes() == edges_file
    full = build(seed_files, options=_no_similarity(), progress=SILENT)
    again = load(directory)
    assert again.equals(full), _differences(again, full)
    assert check_graph(directory).checksums


def test_a_graph_changed_before_the_append_in_place_is_saved_whole(seed_files, tmp_path):
    directory = tmp_path / "g"
    build(seed_files[:2], options=_no_similarity(), progress=SILENT).save(directory)
    kg = load(directory)
    paper = next(nid for nid, _ in kg.nodes(S.PAPER))
    kg.add_node(S.KEYWORD, "hand-added", name="hand added")
    kg.add_edge(S.HAS_KEYWORD, paper, S.node_id(S.KEYWORD, "hand-added"), source="author")
    kg.append(seed_files[2:3], options=_no_similarity(), progress=SILENT, in_place=True)
    kg.save(directory)
    assert "shards" not in json.loads((directory / "manifest.json").read_text())
    assert load(directory).equals(kg)


def _ris(path: Path, records: list[dict[str, object]]) -> Path:
    lines = []
    for record in records:
        lines.append("TY  - JOUR")
        for tag, value in record.items():
            for item in value if isinstance(value, list) else [value]:
                lines.append(f"{tag}  - {item}")
        lines += ["ER  - ", ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


_PAPERS = [
    {"TI": f"Sparse attention for long documents, part {n}", "AU": authors, "PY": 2021,
     "KW": keywords, "AB": f"We study sparse attention on long documents, setting {n}."}
    for n, (authors, keywords) in enumerate([
        (["Okafor, Ada", "Lindqvist, Bo"], ["sparse attention", "long documents"]),
        (["Okafor, Ada", "Tanaka, Chie"], ["sparse attention", "retrieval"]),
        (["Lindqvist, Bo", "Tanaka, Chie"], ["long documents", "retrieval"]),
    ], 1)
]


def test_an_append_in_place_where_a_record_gives_an_old_paper_a_new_key(tmp_path):
    """A new record with a DOI merges with an old paper known by its title: the node
    gets a new id, and everything at the old one moves or is counted again."""
    base_file = _ris(tmp_path / "base.ris", _PAPERS)
    again = {**_PAPERS[0], "DO": "10.1234/sparse.1"}
    new_file = _ris(tmp_path / "new.ris", [again, {
        "TI": "Dense retrieval with sparse attention", "AU": ["Okafor, Ada", "Tanaka, Chie"],
        "PY": 2022, "KW": ["retrieval", "sparse attention"], "DO": "10.1234/dense"}])
    options = lambda: BuildOptions(similarity=False, min_co_occurrences=1)  # noqa: E731
    base = build(base_file, options=options(), progress=SILENT)
    old_ids = {nid for nid, _ in base.nodes(S.PAPER)}
    base.append(new_file, options=options(), progress=SILENT, in_place=True)
    full = build([base_file, new_file], options=options(), progress=SILENT)
    assert base.equals(full), _differences(base, full)
    moved = S.node_id(S.PAPER, "doi:10.1234/sparse.1")
    assert base.has_node(moved) and moved not in old_ids
    assert len(old_ids - set(base.g)) == 1
    assert base.stats()["edges"][S.CO_AUTHORED] and base.stats()["edges"][S.CO_OCCURS]
