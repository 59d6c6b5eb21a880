"""Text plumbing shared by every signal: LaTeX clean-up, sentences, normalised keys.

Abstracts arrive with TeX remnants and odd unicode; every signal works on the same cleaned
text so that offsets, evidence sentences and keys agree.
"""

from __future__ import annotations

import re
import unicodedata

from citegraph.graph.names import fold_name

_TEX_CMD_ARG = re.compile(r"\\(?:emph|textbf|textit|texttt|textsc|textrm|mathrm|mathbf|mathit|"
                          r"mathcal|text|operatorname|mbox|url|href|cite|citep|citet)\s*\{([^{}]*)\}")
_TEX_GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε",
    "eta": "η", "theta": "θ", "lambda": "λ", "mu": "μ", "pi": "π", "rho": "ρ", "sigma": "σ",
    "tau": "τ", "phi": "φ", "psi": "ψ", "omega": "ω", "ell": "ℓ", "times": "×", "infty": "∞",
    "approx": "≈", "leq": "≤", "geq": "≥", "sim": "~", "cdot": "·", "log": "log", "pm": "±",
}
_TEX_SYMBOL = re.compile(r"\\([A-Za-z]+)")
_TEX_ESCAPE = re.compile(r"\\([&%$#_{}])")


def clean_text(text: str) -> str:
    """Unicode-normalise and strip TeX markup, keeping the words a reader would see."""
    if not text:
        return ""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    if "\\" in text or "$" in text:
        for _ in range(3):  # nested \emph{\textbf{X}}
            new = _TEX_CMD_ARG.sub(r"\1", text)
            if new == text:
                break
            text = new
        text = _TEX_ESCAPE.sub(r"\1", text)
        # known symbols become characters; other commands (\scriptsize, \it) vanish
        text = _TEX_SYMBOL.sub(lambda m: _TEX_GREEK.get(m.group(1), ""), text)
        text = text.replace("$", "").replace("{", "").replace("}", "")
    return " ".join(text.split())


# A sentence ends at . ! ? followed by space and a capital, digit or opening bracket; the
# look-behind keeps "e.g." / "et al." / "i.e." / "vs." from splitting.
_SENT_END = re.compile(r"[.!?] (?=[\"'(\[A-Z0-9])")
_NO_END = ("e.g.", "i.e.", "et al.", "vs.", "cf.", "Fig.", "Eq.", "No.", "Sec.", "approx.")


def split_sentences(text: str) -> list[tuple[int, str]]:
    """``(start offset, sentence)`` pairs of a cleaned text (single-spaced)."""
    out: list[tuple[int, str]] = []
    start = 0
    for m in _SENT_END.finditer(text):
        if text.endswith(_NO_END, max(start, m.start() - 7), m.start() + 1):
            continue
        out.append((start, text[start:m.start() + 1]))
        start = m.end()
    if start < len(text):
        out.append((start, text[start:]))
    return out


#: Matching looks at most this much of a title and an abstract. Real titles are far
#: shorter; the bound keeps a pasted sequence or a whole paper from slowing every signal.
MAX_TITLE = 2_000
MAX_ABSTRACT = 20_000


def bounded(title: str, abstract: str) -> tuple[str, str, dict[str, int]]:
    """``title`` and ``abstract`` cut to :data:`MAX_TITLE` / :data:`MAX_ABSTRACT`, and the
    original lengths of what was cut (``{}`` when nothing was)."""
    cut = {}
    if len(title) > MAX_TITLE:
        cut["title"] = len(title)
        title = title[:MAX_TITLE]
    if len(abstract) > MAX_ABSTRACT:
        cut["abstract"] = len(abstract)
        abstract = abstract[:MAX_ABSTRACT]
    return title, abstract, cut


#: The identity of a name; defined once in :mod:`citegraph.graph.names`.
norm_key = fold_name



def singular_key(key: str) -> str:
    """A key with a plural ``s`` dropped, so ``EfficientNets`` finds ``EfficientNet``."""
    if len(key) > 4 and key.endswith("s") and not key.endswith("ss"):
        return key[:-1]
    return key
