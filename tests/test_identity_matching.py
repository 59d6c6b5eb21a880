"""Fuzzy paper identity: who is merged, who never is, and that nothing is lost."""

import copy
import csv
import random
from pathlib import Path

from citegraph.graph.identity import merge_records
from citegraph.loaders.records import PaperRecord, Provenance

MAGELLAN = Path(__file__).resolve().parents[1] / "bench" / "data" / "magellan"


def rec(title, source="a.bib", line="1", **kw) -> PaperRecord:
    return PaperRecord(title=title, provenance=[Provenance(source, line)], sources=["x"], **kw)


def groups(index) -> set[frozenset[str]]:
    return {frozenset(map(str, p.provenance)) for p in index.papers if p.provenance}


def test_same_title_different_papers_all_keep_a_node_and_distinct_keys():
    notes = [rec("Editor's notes", line=str(i), year=y, authors=[a], venue="SIGMOD Record")
             for i, (y, a) in enumerate([(1998, "R. Snodgrass"), (2003, "K. Ross"),
                                         (2010, "J. Doe")])]
    untitled_twins = [rec("Editorial", source="b.csv", line="2"),
                      rec("Editorial", source="c.csv", line="7")]
    index = merge_records(notes + untitled_twins)
    assert len(index.papers) == 5
    assert len(set(index.keys)) == 5
    assert groups(index) == {frozenset({f"a.bib:{i}"}) for i in range(3)} | {
        frozenset({"b.csv:2"}), frozenset({"c.csv:7"})}
    assert all(key.startswith("title:editor-s-notes~") for key in index.keys[:3])


def test_typos_truncation_and_glued_authors_still_match():
    full = rec("Efficient Concurrency Control for Broadcast Environments", year=1999,
               authors=["Jayavel Shanmugasundaram", "Arvind Nithrakashyap",
                        "Krithi Ramamritham"])
    typo = rec("Eficient concurrency control for broadcast enviroments", source="b",
               year=1999, authors=["J. Shanmugasundaram", "K. Ramamritham"])
    truncated = rec("Efficient Concurrency Control for Broadcast", source="c", year=1999,
                    authors=["J Shanmugasundaram", "A Nithrakashyap"])
    glued = rec("efficient concurrency control for broadcast environments arvind "
                "nithrakashyap , jayavel shanmugasundaram , krithi ramamritham sigmod "
                "conference 1999", source="d")
    index = merge_records([full, typo, truncated, glued])
    assert len(index.papers) == 1
    evidence = {m["by"] for m in index.report.merges}
    assert evidence <= {"title", "title+authors"} and len(index.report.merges) == 3


def test_contradicting_identifiers_and_numbers_keep_papers_apart():
    a = rec("Deep Residual Learning", ids={"doi": "10.1/a"}, authors=["K. He"], year=2016)
    b = rec("Deep Residual Learning", ids={"doi": "10.1/b"}, authors=["K. He"], year=2016)
    qwen = rec("Qwen2.5 Technical Report")
    qwen_1m = rec("Qwen2.5-1M Technical Report", source="b")
    part1 = rec("Query evaluation techniques, part I", authors=["G. Graefe"], year=1993)
    part2 = rec("Query evaluation techniques, part II", authors=["X. Other"], year=1993)
    assert len(merge_records([a, b, qwen, qwen_1m, part1, part2]).papers) == 6


def test_generic_titles_need_agreeing_authors():
    same = [rec("Guest editorial", authors=["Paolo Atzeni"], year=2000, line="1"),
            rec("Guest Editorial.", authors=["P. Atzeni"], year=2000, source="b")]
    other = rec("Guest editorial", authors=["Jane Roe"], year=2000, source="c")
    index = merge_records([*same, other])
    assert groups(index) == {frozenset({"a.bib:1", "b:1"}), frozenset({"c:1"})}


def test_exact_mode_merges_only_identifiers_and_equal_titles():
    records = [rec("Spectral Bloom Filters", year=2003, authors=["S. Cohen"]),
               rec("Spectral bloom filters.", source="b", year=2003),
               rec("Spectral Bloom Filtres", source="c", year=2003, authors=["S. Cohen"])]
    assert len(merge_records(records, fuzzy=False).papers) == 2
    assert len(merge_records([rec(r.title, source=r.provenance[0].source, year=2003,
                                  authors=r.authors) for r in records]).papers) == 1


def _magellan_records(limit: int) -> list[PaperRecord]:
    out = []
    for table in ("tableA.csv", "tableB.csv"):
        path = MAGELLAN / "Structured" / "DBLP-ACM" / table
        with path.open(encoding="utf-8") as fh:
            for n, row in enumerate(csv.DictReader(fh)):
                if n >= limit:
                    break
                out.append(rec(row["title"], source=table, line=row["id"],
                               authors=[row["authors"]] if row["authors"] else [],
                               venue=row["venue"] or None,
                               year=int(float(row["year"])) if row["year"] else None))
    return out


def _key_of_each_record(index) -> dict[str, str]:
    return {str(prov): key for paper, key in zip(index.papers, index.keys, strict=True)
            for prov in paper.provenance}


def test_grouping_and_keys_do_not_depend_on_input_order():
    records = _magellan_records(250)
    first = merge_records(copy.deepcopy(records))
    assert len(groups(first)) < len(records)  # the two tables share papers
    for seed in (1, 2):
        shuffled = copy.deepcopy(records)
        random.Random(seed).shuffle(shuffled)
        index = merge_records(shuffled)
        assert groups(index) == groups(first)
        assert _key_of_each_record(index) == _key_of_each_record(first)


def test_every_record_lands_on_a_node_with_its_provenance():
    records = _magellan_records(300)
    index = merge_records(records)
    placed = {str(p) for paper in index.papers for p in paper.provenance}
    assert placed == {str(r.provenance[0]) for r in _magellan_records(300)}
    counts = index.report.file_counts()
    assert sum(row["created"] for row in counts) == len(index.papers)
    assert sum(row["created"] + row["merged"] for row in counts) == len(records)


def test_bulk_word_filter_drops_only_pairs_the_decision_rejects():
    from citegraph.graph import matching

    feats = [matching.features(r) for r in _magellan_records(400)]
    filtered = set(matching.candidate_pairs(feats))
    keep_all = matching.worth_a_look
    matching.worth_a_look = lambda feats, codes: codes
    try:
        unfiltered = set(matching.candidate_pairs(feats))
    finally:
        matching.worth_a_look = keep_all
    assert filtered < unfiltered  # the filter does drop pairs
    dropped = unfiltered - filtered
    assert all(matching.decide(feats[i], feats[j]) is None for i, j in dropped)
    assert any(matching.decide(feats[i], feats[j]) for i, j in filtered)


def test_pair_model_scores_a_reprint_high_and_a_related_paper_low():
    from citegraph.graph import matching

    paper = matching.features(rec("Answering queries using views: a survey",
                                  authors=["A. Halevy"], year=2001, venue="VLDB J."))
    reprint = matching.features(rec("Answering queries using views : a survey",
                                    authors=["Alon Y. Halevy"], year=2001,
                                    venue="The VLDB Journal"))
    related = matching.features(rec("Answering recursive queries using views",
                                    authors=["O. Duschka", "M. Genesereth"], year=1997))
    model = matching.pair_model()
    assert model.features == matching.FEATURE_NAMES
    high = matching.same_paper_probability(matching.pair_features(paper, reprint))
    low = matching.same_paper_probability(matching.pair_features(paper, related))
    assert high > model.threshold > low


def test_a_record_that_fits_two_versions_does_not_fold_them_into_one():
    """A conference paper and its journal version (same authors, related titles), each
    listed by two sources, and a third listing whose title fits both: it joins one, and
    the two versions stay apart because their own records reject each other."""
    authors = {"authors": ["H. Liefke", "D. Suciu"], "year": 2000}
    conference = [rec("XMill: an efficient compressor for XML data", source=s, line="1",
                      venue="SIGMOD Conference", **authors) for s in ("dblp", "scholar")]
    journal = [rec("An extensible compressor for XML data", source=s, line="2",
                   venue="SIGMOD Record", **authors) for s in ("dblp", "scholar")]
    bridge = rec("An efficient compressor for XML data", source="scholar", line="3",
                 authors=["H Liefke", "D Suciu"])
    found = groups(merge_records(conference + journal + [bridge]))
    assert {"dblp:2", "scholar:2"} in [set(g) for g in found]
    assert len(found) == 2


def test_a_name_parsed_as_a_title_does_not_match_a_paper_by_that_author():
    """A free-text reference cut after its first author ("Colonna S") gives a two-word
    title; sharing a surname with a real paper's author is no evidence they are one."""
    from citegraph.graph import matching

    name_only = matching.features(rec("Colonna S", stub=True))
    paper = matching.features(rec("The multifaceted biology of plasmacytoid dendritic cells",
                                  authors=["M. Colonna"], year=2015, stub=True))
    assert matching.decide(name_only, paper) is None
    assert matching.decide(paper, name_only) is None
    same = matching.features(rec("Colonna S", stub=True, year=2015))
    assert matching.decide(name_only, same) is not None  # equal short titles still agree


def test_rare_word_pairs_need_min_word_keys_occurrences():
    import numpy as np

    from citegraph.graph.matching import MIN_WORD_KEYS, kept_pairs

    rng = np.random.default_rng(7)
    n = 50
    pieces = [rng.integers(0, n * n, size=size) for size in (300, 200, 100)]
    other = [rng.integers(0, n * n, size=40)]
    occurrences: dict[int, int] = {}
    for code in np.concatenate(pieces).tolist():
        occurrences[code] = occurrences.get(code, 0) + 1
    expected = {c for c, k in occurrences.items() if k >= MIN_WORD_KEYS}
    expected |= set(other[0].tolist())
    expected = sorted(c for c in expected if c // n != c % n)
    assert any(k == 1 for k in occurrences.values())  # some pairs met once: dropped
    kept = kept_pairs(pieces, other, n)
    assert kept.tolist() == expected and pieces == []
