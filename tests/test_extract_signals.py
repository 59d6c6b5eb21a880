"""Each extraction signal on its own, on small texts made for the purpose."""

from __future__ import annotations

import pytest

from citegraph.graph.extract import Extractor
from citegraph.graph.extract.acronyms import find_pairs
from citegraph.graph.extract.gazetteer import (
    GazEntry,
    Gazetteer,
    case_ok,
    load_gazetteer,
    parse_lines,
)
from citegraph.graph.extract.text import clean_text, norm_key, split_sentences


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


def by_name(entities):
    return {e.name: e for e in entities}


# --- text ------------------------------------------------------------------------------

def test_clean_text_strips_latex_remnants():
    text = r"We set $\epsilon$ small and use \emph{FooNet} with \textbf{\emph{BarLoss}}."
    assert clean_text(text) == "We set ε small and use FooNet with BarLoss."


def test_split_sentences_keeps_abbreviations_together():
    text = "We compare to e.g. BERT. Results improve. Fig. 2 shows it."
    assert [s for _, s in split_sentences(text)] == [
        "We compare to e.g. BERT.", "Results improve.", "Fig. 2 shows it."]


@pytest.mark.parametrize(("a", "b"), [
    ("LLaMA-2", "Llama 2"), ("GPT-4o", "gpt 4o"), ("Qwen2.5", "Qwen-2.5"),
    ("Müller-Net", "Muller Net"), ("k-means", "K-Means"),
])
def test_norm_key_folds_spelling_variants(a, b):
    assert norm_key(a) == norm_key(b)


def test_norm_key_keeps_plus_apart():
    assert norm_key("SpecDec++") != norm_key("SpecDec")


# --- gazetteer ---------------------------------------------------------------------

def test_shipped_gazetteer_has_thousands_of_entries():
    gaz = load_gazetteer()
    assert len(gaz) >= 2000
    assert {e.type for e in gaz.entries} == {"method", "model", "benchmark"}


def test_gazetteer_file_format_and_sizes():
    lines = ["[model]", "Foo LM | FooLM ; 7B 70B", "[generic]", "widgets"]
    entries = list(parse_lines(lines))
    assert [(e.name, e.type) for e in entries] == [
        ("Foo LM", "model"), ("Foo LM 7B", "model"), ("Foo LM 70B", "model"),
        ("widgets", "generic")]
    assert entries[1].family == "Foo LM" and "FooLM-7B" in entries[1].aliases


def test_gazetteer_matches_whole_words_only():
    gaz = Gazetteer([GazEntry("ImageNet", "benchmark"), GazEntry("GAN", "method")])
    text = "Mini-ImageNet, ImageNet and organ GANs."
    hits = [(m.surface, gaz.entries[m.entry].name) for m in gaz.find(text)]
    assert hits == [("ImageNet", "ImageNet"), ("GANs", "GAN")]


def test_case_rules_for_acronyms_and_capitalised_names():
    assert case_ok("MATH", "MATH") and not case_ok("MATH", "math")
    assert case_ok("Adam", "Adam") and not case_ok("Adam", "adam")
    assert case_ok("dropout", "Dropout")
    assert case_ok("LLaMA", "Llama")


def test_user_gazetteer_file_via_env(tmp_path, monkeypatch):
    path = tmp_path / "mine.txt"
    path.write_text("[method]\nZorblax Sampling | ZXS\n", encoding="utf-8")
    monkeypatch.setenv("CITEGRAPH_GAZETTEER", str(path))
    ents = Extractor().extract("A study", "We apply zorblax sampling to graphs.")
    assert [(e.name, e.type) for e in ents] == [("zorblax sampling", "method")]


def test_user_gazetteer_file_via_parameter(tmp_path):
    import citegraph

    path = tmp_path / "mine.txt"
    path.write_text("[benchmark]\nQuuxSet-9\n", encoding="utf-8")
    ents = citegraph.extract("On evaluation", "scores on QuuxSet-9 rise", gazetteer=[path])
    assert [(e.name, e.type) for e in ents] == [("QuuxSet-9", "benchmark")]


# --- patterns ----------------------------------------------------------------------

def test_schwartz_hearst_pairs():
    pairs = find_pairs("We train with direct preference optimization (DPO) and "
                       "Single-stream Policy Optimization (SPO).")
    assert [(p.long, p.short) for p in pairs] == [
        ("direct preference optimization", "DPO"),
        ("Single-stream Policy Optimization", "SPO")]


def test_schwartz_hearst_rejects_unrelated_brackets():
    assert find_pairs("the loss decreases (see Table 2) quickly") == []


def test_intro_patterns(extractor):
    ents = by_name(extractor.extract(
        "Efficient adapters",
        "In this work we propose GlimmerNet, a new architecture. A variant, "
        "dubbed GlimmerNet-Lite, runs faster."))
    assert ents["GlimmerNet"].introduced
    assert ents["GlimmerNet-Lite"].introduced


def test_title_colon_name_is_introduced(extractor):
    ents = by_name(extractor.extract("Zebra-7: Scaling Stripes for Vision",
                                     "Zebra-7 beats ResNet-50 on ImageNet."))
    assert ents["Zebra-7"].introduced
    assert not ents["ResNet-50"].introduced
    assert ents["ImageNet"].type == "benchmark"


@pytest.mark.parametrize("name", ["Llama-3-8B", "Mixtral 8x7B", "Qwen-2.5-32B", "GPT-4o",
                                  "Meerkat-7B", "Falcon-180B"])
def test_model_name_shapes(extractor, name):
    ents = extractor.extract("Notes", f"We fine-tune {name} on our data.")
    assert [(e.name, e.type) for e in ents] == [(name, "model")]


def test_model_variant_knows_its_family(extractor):
    (ent,) = extractor.extract("Notes", "We fine-tune Llama-3-8B on our data.")
    assert norm_key(ent.family) == norm_key("Llama 3")


def test_benchmark_cue_list(extractor):
    ents = by_name(extractor.extract(
        "Place recognition", "Experiments on the benchmarks Vorbis-12, Halden-Street and "
        "Krakow-Night show gains."))
    assert {"Vorbis-12", "Halden-Street", "Krakow-Night"} <= set(ents)
    assert all(ents[n].type == "benchmark" for n in ("Vorbis-12", "Krakow-Night"))


def test_benchmark_shape(extractor):
    ents = by_name(extractor.extract("Judges", "Our judge tops SnorkBench and GlimQA."))
    assert ents["SnorkBench"].type == "benchmark" and ents["GlimQA"].type == "benchmark"


def test_unicode_digits_dots_and_latex(extractor):
    ents = by_name(extractor.extract(
        r"Über-Net 2.5: Robust $\epsilon$-Training",
        r"We introduce \emph{Über-Net 2.5}, trained with AdamW and $\epsilon$-greedy "
        "exploration on CIFAR-10."))
    assert ents["Über-Net 2.5"].introduced
    assert ents["AdamW"].type == "method"
    assert ents["CIFAR-10"].type == "benchmark"
    assert not any("\\" in n or "$" in n for n in ents)


def test_generic_terms_are_not_entities(extractor):
    ents = extractor.extract("LLMs", "Large language models (LLMs) running on GPUs with "
                             "PyTorch improve BLEU and F1 in natural language processing (NLP).")
    assert ents == []


def test_acronym_and_long_form_are_one_entity(extractor):
    ents = extractor.extract("Alignment", "We use direct preference optimization (DPO). "
                             "DPO is stable.")
    assert [(e.name, e.aliases) for e in ents] == [("direct preference optimization", ["DPO"])]


def test_corpus_pass_recognises_introduced_names_elsewhere():
    ex = Extractor()
    papers = [("FrobNet: Faster Mixing", "We propose FrobNet, a sampler."),
              ("A comparison", "Results of FrobNet beat Gibbs sampling.")]
    assert "FrobNet" not in by_name(ex.extract(*papers[1]))
    assert ex.learn(papers) >= 1
    ents = by_name(ex.extract(*papers[1]))
    assert "FrobNet" in ents and not ents["FrobNet"].introduced


def test_coined_name_coordinated_with_known_name(extractor):
    ents = by_name(extractor.extract("Optimizers", "We compare AdaGrad and ZorbGradNorm."))
    assert ents["ZorbGradNorm"].type == "method"
    assert "ZorbGradNorm" not in by_name(extractor.extract("Optimizers", "We like ZorbGradNorm."))


def test_lower_case_checkpoint_suffixes_extend_a_model_family(extractor):
    ents = by_name(extractor.extract("Notes", "OpenAI o1-preview, o3-mini-high and GPT-5-nano "
                                     "struggle on these problems."))
    assert {"OpenAI o1-preview", "o3-mini-high", "GPT-5-nano"} <= set(ents)
    assert ents["GPT-5-nano"].type == "model" and ents["GPT-5-nano"].family == "GPT-5"
    # a hyphenated adjective after a name is not a checkpoint suffix
    assert "GPT-5-high" not in by_name(extractor.extract(
        "Notes", "GPT-5-high-quality answers were rated."))


def test_a_benchmark_takes_its_split_and_version(extractor):
    ents = by_name(extractor.extract("Notes", "We evaluate on HumanEval Pro and MBPP Pro, and "
                                     "on the MS MARCO V2.1 collection."))
    assert {"HumanEval Pro", "MBPP Pro", "MS MARCO V2.1"} <= set(ents)
    assert all(ents[n].type == "benchmark" for n in ("HumanEval Pro", "MS MARCO V2.1"))


def test_a_technique_head_noun_makes_a_competing_longer_candidate(extractor):
    found = extractor.candidates("Notes", "We train with ZorbIoU loss. Plain ZorbIoU fails.")
    names = [ent.name for ent, _ in found]
    longer = names.index("ZorbIoU loss")
    shorter = found[longer][1].rivals
    assert [names[i] for i in shorter] == ["ZorbIoU"]
    # half of the short name's mentions sit inside the longer reading
    assert found[shorter[0]][1].extra["boundary:inside"] == 0.5
    assert found[longer][1].extra["boundary:shorter_alone"] == 1.0
    # kind nouns only say what a name is: no "ZorbNet framework" candidate
    kinds = extractor.candidates("Notes", "The ZorbNet framework is fast.")
    assert [ent.name for ent, _ in kinds] == ["ZorbNet"]


def test_a_name_used_only_inside_its_kept_longer_reading_is_not_kept_too(extractor):
    text = "We add DropBlock regularization and a CIoU loss to the detector."
    found = {ent.name: cand for ent, cand in extractor.candidates("Detection", text)}
    assert found["CIoU"].extra["boundary:inside"] == 1.0
    kept = {e.name for e in extractor.extract("Detection", text)}
    for longer, short in (("DropBlock regularization", "DropBlock"), ("CIoU loss", "CIoU")):
        assert not {longer, short} <= kept
        assert kept & {longer, short}
