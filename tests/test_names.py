import pytest

from citegraph.graph.papers import author_key
from citegraph.loaders.names import display_name
from citegraph.loaders.text import decode_latex, fix_mojibake


@pytest.mark.parametrize("name", [
    "Smith, John A.", "John A. Smith", "SMITH, JOHN A", "  John   A. Smith ",
])
def test_name_orders_share_a_key(name):
    assert author_key(name) == "john-a-smith"


def test_accents_latex_and_mojibake_share_a_key():
    keys = {author_key(n) for n in ["Müller, Jörg", "Jörg Müller", "MÃ¼ller, JÃ¶rg",
                                    "Jorg Muller"]}
    assert keys == {"jorg-muller"}
    assert display_name(r"M{\"u}ller, J\"org", latex=True) == "Jörg Müller"


def test_suffixes_stay_with_the_name():
    assert display_name("Smith, Jr., John") == "John Smith Jr."
    assert display_name("Martin Luther King, Jr.") == "Martin Luther King Jr."


def test_clean_text_is_left_alone():
    assert fix_mojibake("naïve café — “quoted”") == "naïve café — “quoted”"
    assert fix_mojibake("JosÃ© GarcÃ\xada") == "José García"
    decoded = decode_latex(r"The {B}ayesian Caf\'e, 50\% of $x^2$")
    assert decoded == "The Bayesian Café, 50% of $x^2$"


def test_bare_percent_and_ampersand_are_text_not_latex():
    assert decode_latex(r"improves by 5% over {BERT}, and 3\% more") == (
        "improves by 5% over BERT, and 3% more")
    assert decode_latex(r"Q&A with R\&D") == "Q&A with R&D"
    assert decode_latex(r"Schr\"odinger \v{C}ech") == "Schrödinger Čech"


def test_latex_dashes_and_quotes_decode_beside_other_markup():
    # words without a backslash or brace still get LaTeX's dashes and quotes
    assert decode_latex(r"an ``ideal'' bound --- {B}ayes -- $x$") == (
        "an \u201cideal\u201d bound \u2014 Bayes \u2013 $x$")


# --- the one folding module ------------------------------------------------------------------

FOLDING_SAMPLES = ["LLaMA-2", "Llama 2", "SpecDec++", "Naïve Bayes", "ｆｕｌｌ-width",
                   "snake_case", "Straße", "R² score", "Rubik's Cube", "  GPT-4o  ", "T5 × 3"]


def test_gold_key_is_the_scorers_normalisation():
    """Training pairs gold and found names exactly as shared/eval/score_entities.py does."""
    import importlib.util

    from conftest import EVAL

    from citegraph.graph.extract.train import gold_key

    script = EVAL / "score_entities.py"
    if not script.exists():
        pytest.skip("the evaluation set (../shared/eval) is not beside this checkout")
    spec = importlib.util.spec_from_file_location("score_entities", script)
    scorer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scorer)
    for text in FOLDING_SAMPLES:
        assert gold_key(text) == scorer.norm(text), text


def test_entity_keys_and_plain_folding_differ_only_where_documented():
    from citegraph.graph.names import fold_name, fold_plain

    assert fold_name("LLaMA-2") == fold_name("Llama 2") == fold_plain("llama_2") == "llama2"
    assert fold_name("SpecDec++") == "specdecplusplus" != fold_plain("SpecDec++")
    assert fold_name("Naïve Bayes") == "naivebayes" and fold_plain("Naïve Bayes") == "naïvebayes"


def test_keywords_fold_by_words_with_the_plural_dropped():
    from citegraph.graph.names import fold_keyword

    assert fold_keyword("Neural-Networks") == fold_keyword("neural  network") == "neural network"
    assert fold_keyword("Méta_Analysis") == "meta analysis"


def test_no_other_module_of_the_graph_defines_a_folding():
    """Name, keyword and annotation foldings live in graph/names.py only."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    own = re.compile(r"""\[\\W_\]\+|["']\\W\+["']|def (?:_?fold\w*|norm|gold_key)\(""")
    offenders = [str(p.relative_to(root)) for folder in ("graph", "queries", "viz")
                 for p in (root / folder).rglob("*.py")
                 if p.name != "names.py" and own.search(p.read_text(encoding="utf-8"))]
    assert offenders == []
