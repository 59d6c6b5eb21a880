"""GraphML, GEXF and CSV exports, the export dispatcher and ``citegraph export``."""

from __future__ import annotations

import json
import subprocess
import sys

import networkx as nx
import pytest
from exchange_graphs import HOSTILE, small_related_graph
from import_files import read_group
from rdflib import Graph, URIRef

from citegraph.graph import schema as S
from citegraph.graph.model import KnowledgeGraph
from citegraph.graph.stores.exchange import FORMATS, ExportError, export_graph


def xml_safe(value):
    """Strings lose the characters XML cannot hold; JSON-encoded lists keep them escaped."""
    return value.replace("\x0b", "\ufffd") if isinstance(value, str) else value


def decoded(value):
    return json.loads(value) if isinstance(value, str) and value.startswith("[") else value


def check_view(kg: KnowledgeGraph, g: nx.MultiDiGraph, key_attr: str) -> None:
    """Every node and edge of ``kg`` is in ``g`` with its kind, type and typed properties."""
    assert g.number_of_nodes() == kg.number_of_nodes()
    assert g.number_of_edges() == kg.number_of_edges()
    for nid, attrs in kg.g.nodes(data=True):
        xid = nid.replace("\x0b", "\ufffd")
        data = g.nodes[xid]
        assert data["kind"] == attrs[S.LABEL]
        assert data[key_attr] == attrs[S.KEY].replace("\x0b", "\ufffd")
        for name, value in attrs.items():
            if name not in (S.LABEL, S.KEY):
                assert decoded(data[name]) == xml_safe(value), (nid, name)
                assert type(decoded(data[name])) is type(value)
    edges = {(u, v, d["edge_key"]): d for u, v, d in g.edges(data=True)}
    for u, v, key, _, attrs in kg.keyed_edges():
        data = edges[(u.replace("\x0b", "\ufffd"), v.replace("\x0b", "\ufffd"), key)]
        assert data["rel_type"] == attrs[S.TYPE]
        for name, value in attrs.items():
            if name != S.TYPE:
                assert decoded(data[name]) == xml_safe(value)
    similar = next(d for d in edges.values() if d["rel_type"] == S.SIMILAR_TO)
    assert isinstance(similar["score"], float) and similar["weight"] == similar["score"]


def test_graphml_reads_back_with_types(tmp_path):
    kg = small_related_graph()
    g = nx.read_graphml(kg.to_graphml(tmp_path / "g.graphml"), force_multigraph=True)
    assert g.graph["list_encoding"] == "json"
    check_view(kg, g, "node_key")
    paper = g.nodes[S.node_id(S.PAPER, "arxiv:2401.00001")]
    assert paper["label"] == "Second"  # what Gephi and Cytoscape display


def test_gexf_reads_back_with_types(tmp_path):
    kg = small_related_graph()
    g = nx.read_gexf(kg.to_gexf(tmp_path / "g.gexf"))
    check_view(kg, g, "node_key")
    assert g.nodes[S.node_id(S.METHOD, "dpo")]["label"] == "Direct Preference Optimization"
    assert {d["label"] for _, _, d in g.edges(data=True)} == set(S.REL_TYPES)


def test_csv_export_writes_the_bulk_import_files(tmp_path):
    """The same writer as the Neo4j bulk load (whose import into a real server is tested
    in test_neo4j_import): a header file and parts per label and type, with every node
    and edge."""
    kg = small_related_graph()
    assert kg.export(tmp_path / "csv", "csv") == tmp_path / "csv"
    headers = sorted((tmp_path / "csv").glob("*.header.csv"))
    rows: dict[str, int] = {}
    for path in headers:
        stem = path.name.removesuffix(".header.csv")
        header, found = read_group([path, *sorted(path.parent.glob(f"{stem}.part-*.csv"))])
        kind = next((c for c in header if c == ":LABEL" or c == ":TYPE"), None)
        assert kind is not None, path
        rows[stem] = len(found)
    stats = kg.stats()
    assert len(rows) >= len(stats["nodes"]) + len(stats["edges"])  # type, start, end
    assert sum(rows.values()) == sum(stats["nodes"].values()) + sum(stats["edges"].values())


def test_the_format_comes_from_the_suffix_or_is_asked_for(tmp_path):
    kg = small_related_graph()
    for fmt in ("ttl", "nt", "jsonld", "graphml", "gexf"):
        assert export_graph(kg, tmp_path / "sub" / f"g.{fmt}").exists()
    assert export_graph(kg, tmp_path / "g.rdf", "nt").read_text(encoding="utf-8")
    with pytest.raises(ExportError, match="--format"):
        export_graph(kg, tmp_path / "g.bin")
    with pytest.raises(ExportError, match="unknown export format"):
        export_graph(kg, tmp_path / "g.ttl", "xml")
    assert FORMATS == ("ttl", "nt", "jsonld", "graphml", "gexf", "csv", "vosviewer", "pajek")


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "citegraph", *args], capture_output=True,
                          text=True, timeout=300)


def test_cli_export(tmp_path):
    kg = small_related_graph()
    kg.save(tmp_path / "graph")
    result = run("export", str(tmp_path / "graph"), "--format", "nt", "-o",
                 str(tmp_path / "g.rdf"), "--base", "http://example.org/kg/")
    assert result.returncode == 0, result.stderr
    assert KnowledgeGraph.from_rdf(tmp_path / "g.rdf", "nt") == kg
    graph = Graph().parse(tmp_path / "g.rdf", format="nt")
    iris = [s for s in graph.subjects() if isinstance(s, URIRef)]
    assert iris and all(s.startswith("http://example.org/kg/") for s in iris)
    result = run("export", str(tmp_path / "graph"), "-o", str(tmp_path / "g.graphml"))
    assert result.returncode == 0, result.stderr
    assert nx.read_graphml(tmp_path / "g.graphml").number_of_nodes() == kg.number_of_nodes()
    bad = run("export", str(tmp_path / "graph"), "-o", str(tmp_path / "g.bin"))
    assert bad.returncode == 1 and "--format" in bad.stderr and "Traceback" not in bad.stderr


def test_hostile_text_survives_graphml(tmp_path):
    kg = KnowledgeGraph()
    kg.add_node(S.PAPER, "p", **{S.TITLE: HOSTILE})
    g = nx.read_graphml(kg.to_graphml(tmp_path / "h.graphml"))
    assert g.nodes["Paper:p"]["title"] == HOSTILE.replace("\x0b", "\ufffd")
