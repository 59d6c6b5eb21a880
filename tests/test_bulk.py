"""One edge-key codec and one validated bulk-load path for every store reader.

The model, the saved files, RDF, Neo4j and the import CSV all identify an edge by (start,
end, type, discriminator) through ``schema.edge_key``; every reader builds its graph
through ``graph/bulk.py``, which refuses what the schema does not know, naming the item.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from import_files import read_group
from rdflib import Literal

import citegraph
from citegraph.errors import GraphError, RdfError
from citegraph.graph import schema as S
from citegraph.graph.model import KnowledgeGraph

ROOT = Path(__file__).resolve().parent.parent


def two_citations() -> KnowledgeGraph:
    kg = KnowledgeGraph()
    a = kg.add_node(S.PAPER, "doi:10.1/a", title="A", year=2024)
    b = kg.add_node(S.PAPER, "doi:10.1/b", title="B", year=2023)
    dpo = kg.add_node(S.METHOD, "directpreferenceoptimization",
                      name="Direct Preference Optimization", aliases=["DPO"])
    kg.add_edge(S.CITES, a, b, inferred=False)
    kg.add_edge(S.CITES, a, b, "inferred", inferred=True, via="directpreferenceoptimization")
    kg.add_edge(S.MENTIONS, a, dpo, count=2, evidence=["We use DPO."])
    return kg


def records(kg: KnowledgeGraph) -> tuple[list[dict], list[dict]]:
    nodes = [{"id": nid, "label": a[S.LABEL], "key": a[S.KEY],
              "properties": {k: v for k, v in a.items() if k != S.LABEL}}
             for nid, a in kg.g.nodes(data=True)]
    edges = [{"type": a[S.TYPE], "start": u, "end": v, "key": k,
              "properties": {p: x for p, x in a.items() if p != S.TYPE}}
             for u, v, k, _, a in kg.keyed_edges()]
    return nodes, edges


# --- the codec ----------------------------------------------------------------------------


@pytest.mark.parametrize("rel, disc", [(S.CITES, ""), (S.CITES, "inferred"),
                                       (S.MENTIONS, "a|b")])
def test_edge_keys_decode_to_what_they_encode(rel, disc):
    assert S.split_edge_key(S.edge_key(rel, disc)) == (rel, disc)
    assert S.edge_discriminator(S.edge_key(rel, disc)) == disc


def test_the_model_keys_edges_with_the_codec():
    kg = two_citations()
    keys = sorted(k for _, _, k in kg.g.edges(keys=True))
    assert keys == sorted([S.edge_key(S.CITES), S.edge_key(S.CITES, "inferred"),
                           S.edge_key(S.MENTIONS)])


def test_no_module_spells_the_edge_key_format_by_hand():
    """Only schema.py joins or splits a type and a discriminator."""
    by_hand = re.compile(r"""partition\(\s*["']\|["']\s*\)|\{rel_type\}\||["']\|["']\s*\+|"""
                         r"""\+\s*["']\|["']""")
    offenders = []
    for folder in ("graph", "queries", "viz"):
        for path in (ROOT / folder).rglob("*.py"):
            if path.name == "schema.py":
                continue
            if by_hand.search(path.read_text(encoding="utf-8")):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_the_discriminator_survives_every_store(tmp_path):
    kg = two_citations()
    kg.save(tmp_path / "g")
    assert citegraph.load(tmp_path / "g") == kg
    rdf = kg.to_rdflib()
    assert (None, None, Literal("inferred")) in rdf
    assert KnowledgeGraph.from_rdf(rdf) == kg
    files = kg.to_csv(tmp_path / "csv")
    header, rows = read_group([files / "rels_cites_paper_paper.header.csv",
                               files / "rels_cites_paper_paper.part-00000.csv"])
    column = header.index("discriminator:string")
    assert sorted(r[column] for r in rows) == ["", "inferred"]


# --- from_records -------------------------------------------------------------------------


def test_from_records_gives_the_same_graph():
    kg = two_citations()
    nodes, edges = records(kg)
    again = KnowledgeGraph.from_records(nodes, edges)
    assert again == kg
    plain = [{"type": e["type"], "start": e["start"], "end": e["end"],
              "discriminator": S.edge_discriminator(e["key"]), "properties": e["properties"]}
             for e in edges]
    assert KnowledgeGraph.from_records(nodes, plain) == kg


def _broken(change) -> tuple[list[dict], list[dict]]:
    nodes, edges = records(two_citations())
    change(nodes, edges)
    return nodes, edges


@pytest.mark.parametrize("change, words", [
    (lambda n, e: n[1].update(label="Planet"), ["node 2", "unknown node label 'Planet'"]),
    (lambda n, e: n[0].update(id="Paper:other"), ["node 1", "'Paper:other'"]),
    (lambda n, e: n[0].update(key=""), ["node 1", "malformed Paper key ''"]),
    (lambda n, e: n[2]["properties"].update(key="other"), ["node 3", "malformed Method key"]),
    (lambda n, e: n.append(dict(n[0])), ["node 4", "appears twice"]),
    (lambda n, e: n[0]["properties"].update(title={"a": 1}), ["node 1", "'title' holds a dict"]),
    (lambda n, e: e[0].update(type="LOVES"), ["edge 1", "unknown relationship type 'LOVES'"]),
    (lambda n, e: e[0].update(key="CITES|"), ["edge 1", "malformed edge key 'CITES|'"]),
    (lambda n, e: e[0].update(key="MENTIONS"), ["edge 1", "does not match its type CITES"]),
    (lambda n, e: e[2].update(start="Paper:nowhere"), ["edge 3", "dangling", "'Paper:nowhere'"]),
    (lambda n, e: e[2].update(type=S.AUTHORED, key=S.AUTHORED),
     ["edge 3", "AUTHORED edge cannot start at 'Paper:doi:10.1/a' (a Paper)"]),
    (lambda n, e: e.append(dict(e[0])), ["edge 4", "appears twice"]),
])
def test_from_records_refuses_what_the_schema_does_not_know(change, words):
    nodes, edges = _broken(change)
    with pytest.raises(GraphError) as err:
        KnowledgeGraph.from_records(nodes, edges)
    message = str(err.value)
    assert "\n" not in message
    for word in words:
        assert word in message


def test_the_rdf_reader_refuses_an_edge_between_the_wrong_labels():
    kg = two_citations()
    rdf = kg.to_rdflib()
    from citegraph.graph.stores import rdf_vocab as V

    terms = V.rel_terms(S.MENTIONS)
    mention = next(rdf.subjects(terms.start, V.node_iri(V.DEFAULT_BASE, S.PAPER, "doi:10.1/a")))
    rdf.set((mention, terms.end, V.node_iri(V.DEFAULT_BASE, S.PAPER, "doi:10.1/b")))
    with pytest.raises(RdfError, match=r"MENTIONS edge cannot end at 'Paper:doi:10.1/b'") as err:
        KnowledgeGraph.from_rdf(rdf)
    assert str(mention) in str(err.value)


def test_the_import_csv_is_written_atomically(tmp_path, monkeypatch):
    """A value that cannot be written stops before any file is replaced, naming the
    record, with no temporary left beside the files."""
    from citegraph.graph.stores import neo4j_import

    kg = two_citations()
    out = kg.to_csv(tmp_path / "csv")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    kg.add_node(S.PAPER, "doi:10.1/c", title="C", authors=["x\x1fy"])
    with pytest.raises(citegraph.CitegraphError,
                       match=r"Paper 'doi:10.1/c': property 'authors': .*array delimiter"):
        neo4j_import.write_import_csv(kg, out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_a_symmetric_edge_given_either_way_is_stored_once():
    kg = KnowledgeGraph()
    a = kg.add_node(S.PAPER, "a", title="A")
    b = kg.add_node(S.PAPER, "b", title="B")
    kg.add_edge(S.SIMILAR_TO, b, a, score=0.5)
    nodes, _ = records(kg)
    edge = {"type": S.SIMILAR_TO, "start": b, "end": a, "properties": {"score": 0.5}}
    assert KnowledgeGraph.from_records(nodes, [edge]) == kg
    with pytest.raises(GraphError, match="edge 2: edge 'SIMILAR_TO' from 'Paper:a' to "
                                         "'Paper:b' appears twice"):
        KnowledgeGraph.from_records(nodes, [edge, {**edge, "start": a, "end": b}])
