"""A small graph in which one name of each kind fits two nodes, for the ambiguity tests.

``DPO`` is two methods, ``Phi`` two models, ``MT`` two benchmarks, ``NanoFlow`` the short
title of two papers and ``J. Smith`` two authors; each candidate has neighbours of every
relationship a helper follows, so ``ambiguous="all"`` has something of both to answer.
"""

from __future__ import annotations

from citegraph.graph import schema as S
from citegraph.graph.model import KnowledgeGraph

#: An ambiguous reference per parameter kind, and the node ids it fits.
AMBIGUOUS_REFS: dict[str, tuple[str, tuple[str, ...]]] = {
    "entity": ("DPO", ("Method:directpreferenceoptimization", "Method:directpolicyoptimization")),
    "node": ("DPO", ("Method:directpreferenceoptimization", "Method:directpolicyoptimization")),
    "model": ("Phi", ("Model:phi-2", "Model:phi-3")),
    "benchmark": ("MT", ("Benchmark:mtbench", "Benchmark:mtop")),
    "paper": ("NanoFlow", ("Paper:doi:10.1/nanoflow-a", "Paper:doi:10.1/nanoflow-b")),
    "author": ("J. Smith", ("Author:smith-jane", "Author:smith-john")),
}
#: The long forms the refusal must show, per node id.
LONG_FORMS = {
    "Method:directpreferenceoptimization": "Direct Preference Optimization",
    "Method:directpolicyoptimization": "Direct Policy Optimization",
    "Model:phi-2": "Phi-2 small model", "Model:phi-3": "Phi-3 mini model",
    "Benchmark:mtbench": "MT-Bench", "Benchmark:mtop": "MTOP",
    "Paper:doi:10.1/nanoflow-a": "NanoFlow: Optimal Serving Throughput",
    "Paper:doi:10.1/nanoflow-b": "NanoFlow: Fluid Simulation",
    "Author:smith-jane": "J. Smith", "Author:smith-john": "J. Smith",
}


def ambiguous_graph() -> KnowledgeGraph:
    kg = KnowledgeGraph()
    papers = {
        "a": ("NanoFlow: Optimal Serving Throughput", "2024-08-01", 2024),
        "b": ("NanoFlow: Fluid Simulation", "2023-03-02", 2023),
        "c": ("Preference tuning at scale", "2024-02-10", 2024),
        "d": ("Policy learning revisited", None, 2022),
        "e": ("Small models on multi-turn chat", "2024-05-05", 2024),
    }
    pid = {k: kg.add_node(S.PAPER, f"doi:10.1/{'nanoflow-' + k if k in 'ab' else k}",
                          title=t, date=d, year=y)
           for k, (t, d, y) in papers.items()}
    ent = {
        "pref": kg.add_node(S.METHOD, "directpreferenceoptimization",
                            name="Direct Preference Optimization", aliases=["DPO"],
                            entity_type="method"),
        "policy": kg.add_node(S.METHOD, "directpolicyoptimization",
                              name="Direct Policy Optimization", aliases=["DPO"],
                              entity_type="method"),
        "phi2": kg.add_node(S.MODEL, "phi-2", name="Phi-2 small model", aliases=["Phi"],
                            entity_type="model"),
        "phi3": kg.add_node(S.MODEL, "phi-3", name="Phi-3 mini model", aliases=["Phi"],
                            entity_type="model"),
        "mtbench": kg.add_node(S.BENCHMARK, "mtbench", name="MT-Bench", aliases=["MT"],
                               entity_type="benchmark"),
        "mtop": kg.add_node(S.BENCHMARK, "mtop", name="MTOP", aliases=["MT"],
                            entity_type="benchmark"),
    }
    for paper, entity in (("a", "pref"), ("c", "pref"), ("b", "policy"), ("d", "policy"),
                          ("e", "phi2"), ("e", "phi3"), ("e", "mtbench"), ("c", "mtop"),
                          ("a", "phi3")):
        kg.add_edge(S.MENTIONS, pid[paper], ent[entity], count=1, evidence=["..."])
    kg.add_edge(S.INTRODUCES, pid["c"], ent["pref"], evidence=["We introduce DPO."])
    kg.add_edge(S.INTRODUCES, pid["d"], ent["policy"], evidence=["We introduce DPO."])
    kg.add_edge(S.CO_MENTIONED, ent["pref"], ent["mtop"], count=2, strength=0.5)
    kg.add_edge(S.CO_MENTIONED, ent["policy"], ent["phi3"], count=2, strength=0.4)
    kg.add_edge(S.EVALUATED_ON, ent["phi2"], ent["mtbench"], count=1)
    kg.add_edge(S.EVALUATED_ON, ent["phi3"], ent["mtop"], count=2)
    kg.add_edge(S.SIMILAR_TO, pid["a"], pid["c"], score=0.8)
    kg.add_edge(S.SIMILAR_TO, pid["b"], pid["d"], score=0.7)
    for x, y, rel in (("a", "e", S.CO_CITED), ("b", "c", S.CO_CITED), ("a", "d", S.COUPLED),
                      ("b", "e", S.COUPLED)):
        kg.add_edge(rel, pid[x], pid[y], count=2, strength=0.5, evidence=["doi:10.1/z"])
    jane = kg.add_node(S.AUTHOR, "smith-jane", name="J. Smith")
    john = kg.add_node(S.AUTHOR, "smith-john", name="J. Smith")
    lee = kg.add_node(S.AUTHOR, "lee-ann", name="Ann Lee")
    roe = kg.add_node(S.AUTHOR, "roe-bo", name="Bo Roe")
    for author, paper in ((jane, "a"), (lee, "a"), (john, "b"), (roe, "b")):
        kg.add_edge(S.AUTHORED, author, pid[paper], position=1)
    kg.add_edge(S.CO_AUTHORED, jane, lee, count=1, evidence=["doi:10.1/nanoflow-a"])
    kg.add_edge(S.CO_AUTHORED, john, roe, count=1, evidence=["doi:10.1/nanoflow-b"])
    return kg
