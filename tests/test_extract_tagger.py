"""The sequence tagger: tokens, labels from annotations, training, and its spans as
candidates of the extractor."""

from __future__ import annotations

from citegraph.graph.extract.extractor import Extractor
from citegraph.graph.extract.learned import ExtractorModel
from citegraph.graph.extract.tagger import SpanTagger, gold_labels, tokenize, train_tagger
from citegraph.graph.extract.train import fit_taggers, train_on

SENTENCES = [
    ("We fit the weights with {} and compare against plain baselines.", "method"),
    ("A solver based on {} converges faster than the alternatives.", "method"),
    ("Training with {} reduces the variance of the estimates.", "method"),
]
TECHNIQUES = ["wobble pooling", "drift averaging", "lattice smoothing", "quark sampling",
              "ripple scheduling", "tangent folding"]


def _papers(names: list[str]) -> list[dict]:
    papers = []
    for i, name in enumerate(names):
        text = " ".join(s.format(name) for s, _ in SENTENCES)
        papers.append({"title": f"Study number {i} of estimation", "abstract": text,
                       "entities": [{"name": name, "type": "method", "introduced": False}]})
    return papers


def test_tokens_keep_inner_hyphens_dots_and_plus():
    doc = "Llama-3.1-8B beats GPT-4o (HumanEval+), k-means."
    words = [doc[s:e] for s, e in tokenize(doc)]
    assert words == ["Llama-3.1-8B", "beats", "GPT-4o", "(", "HumanEval+", ")", ",",
                     "k-means", "."]


def test_gold_labels_mark_names_and_aliases_longest_first():
    doc = "We use direct preference optimization (DPO) on GSM8K; DPO helps."
    toks = tokenize(doc)
    labels = gold_labels(doc, toks, [
        {"name": "direct preference optimization", "aliases": ["DPO"], "type": "method"},
        {"name": "GSM8K", "type": "benchmark"}])
    tagged = [(doc[s:e], label) for (s, e), label in zip(toks, labels, strict=True)
              if label != "O"]
    assert tagged == [("direct", "B-method"), ("preference", "I-method"),
                      ("optimization", "I-method"), ("DPO", "B-method"),
                      ("GSM8K", "B-benchmark"), ("DPO", "B-method")]


def test_tagger_learns_lower_case_names_from_context_and_round_trips():
    extractor = Extractor(rules_only=True)
    papers = _papers(TECHNIQUES)
    data = []
    for paper in papers:
        doc, toks, feats = extractor.sequence(paper["title"], paper["abstract"])
        data.append((feats, gold_labels(doc, toks, paper["entities"])))
    tagger = train_tagger(data)
    assert tagger is not None and train_tagger(data).data == tagger.data  # deterministic
    again = SpanTagger.from_json(tagger.to_json())
    doc, toks, feats = extractor.sequence("A study", SENTENCES[0][0].format("pebble mixing"))
    spans = [(doc[s:e], etype) for s, e, etype, _ in again.tag(toks, feats).spans]
    assert ("pebble mixing", "method") in spans
    assert train_tagger([]) is None


def test_cross_fitted_taggers_never_saw_their_own_paper():
    papers = _papers(TECHNIQUES)
    extractor = Extractor(rules_only=True)
    full, inner = fit_taggers(extractor, papers)
    assert len(inner) == len(papers) and full is not None
    assert any(t is not None and t.data != full.data for t in inner)


#: a paper with candidates the annotation does not keep, so the heads see both classes
MIXED = {"title": "Zorbnet: Sparse Routing for Language Models",
         "abstract": ("We propose Zorbnet, trained with Adam. It beats Llama 2 on GSM8K with "
                      "Stochastic Weight Averaging and the Orbit Lab Toolkit Kit."),
         "entities": [{"name": "Zorbnet", "type": "method", "introduced": True},
                      {"name": "Llama 2", "type": "model", "introduced": False},
                      {"name": "GSM8K", "type": "benchmark", "introduced": False}]}


def test_trained_model_carries_its_tagger_and_finds_unseen_lower_case_names():
    model = train_on(_papers(TECHNIQUES) * 2 + [MIXED], tagger=True)
    assert model.tagger is not None and model.to_json()["version"] == 2
    again = ExtractorModel.from_json(model.to_json())
    assert again.tagger is not None and again.tagger.data == model.tagger.data
    extractor = Extractor(model=again)
    cands = extractor.candidates("A study", " ".join(s.format("pebble mixing")
                                                    for s, _ in SENTENCES))
    assert any(c.name == "pebble mixing" and "crf" in c.signals for _, c in cands)
    # the corpus pass decides by the hand-set weights alone, without the tagger
    assert "pebble mixing" not in {e.name for e in extractor.rule_entities(
        "A study", SENTENCES[0][0].format("pebble mixing"))}


def test_cli_trains_a_tagger_model_and_extracts_with_it(tmp_path):
    import json

    from typer.testing import CliRunner

    from citegraph.cli import app

    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps(p) + "\n" for p in _papers(TECHNIQUES) * 2 + [MIXED]),
                    encoding="utf-8")
    model = tmp_path / "model.json"
    result = CliRunner().invoke(app, ["train-extractor", str(gold), "--tagger", "-o", str(model)])
    assert result.exit_code == 0, result.output
    data = json.loads(model.read_text(encoding="utf-8"))
    assert data["version"] == 2 and data["trained_on"]["tagger"] is True
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["extract", str(gold), "-o", str(out),
                                      "--extractor-model", str(model)])
    assert result.exit_code == 0, result.output
    first = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert "wobble pooling" in {e["name"] for e in first["entities"]}
