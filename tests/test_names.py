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
