"""Every pattern the extractor runs over user text finishes quickly on adversarial input.

Titles and abstracts can hold anything: protein sequences, hashes, long runs of
punctuation. A pattern with overlapping quantifiers backtracks exponentially (or with a
high polynomial) on such text, so every compiled pattern of ``graph/extract`` is run on
long adversarial strings under a time limit, and ``extract`` on a huge title.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import time

import pytest

import citegraph
import citegraph.graph.extract as extract_pkg

#: seconds one ``search`` / ``finditer`` over a 10,000-character string may take; generous
#: because the machine is shared, yet far below what a backtracking pattern needs.
LIMIT = 1.0
N = 10_000


def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    found = []
    for info in pkgutil.iter_modules(extract_pkg.__path__):
        module = importlib.import_module(f"{extract_pkg.__name__}.{info.name}")
        for name, value in vars(module).items():
            if isinstance(value, re.Pattern) and isinstance(value.pattern, str):
                found.append((f"{info.name}.{name}", value))
    return found


ADVERSARIAL = {
    "capitalised token": "A" + "b" * (N - 1),
    "mixed-case token": ("Ab1" * N)[:N],
    "capitals": "A" * N,
    "lower": "a" * N,
    "digits": "1" * N,
    "spaces": " " * N,
    "A-": ("A-" * N)[:N],
    "a.": ("a." * N)[:N],
    "digit dots": ("1." * N)[:N],
    "punctuation mix": ("A-b.C'd+e*F" * N)[:N],
    "words": ("Foo Bar " * N)[:N],
    "title case with connectors": ("Foo of Bar for Baz with " * N)[:N],
    "list": ("Foo, Bar and " * N)[:N],
    "brackets": ("(Foo) " * N)[:N],
    "unicode letters": ("Éλ" + "ß" * 50 + "Ωж") * (N // 54),
    "hyphen run": "X" + "-" * N,
    "sizes": ("7B-" * N)[:N],
    "protein": ("MKTAYIAKQRQISFVKSHFSRQ" * N)[:N],
    "hex": ("9f86d081884c7d659a2feaa0c55ad015" * N)[:N],
}


PATTERNS = _patterns()


def test_patterns_were_discovered():
    assert len(PATTERNS) > 20


@pytest.mark.parametrize("label", sorted(ADVERSARIAL))
def test_every_pattern_runs_in_bounded_time(label):
    text = ADVERSARIAL[label]
    slow = []
    for name, rx in PATTERNS:
        began = time.process_time()
        for _ in rx.finditer(text):
            pass
        rx.match(text)
        spent = time.process_time() - began
        if spent > LIMIT:
            slow.append(f"{name} {spent:.1f}s")
    assert not slow, f"{label}: {slow}"


@pytest.mark.parametrize("title", [
    "Ab1" * 66_667,
    "A" + "b" * 199_999,
    ("Foo Bar: " * 22_223)[:200_000],
    ("MKTAYIAKQRQISFVKSHFSRQ " * 9000)[:200_000],
])
def test_extract_on_a_huge_title_is_fast(title):
    began = time.process_time()
    citegraph.extract(title, "We propose Foo-7B, evaluated on GSM8K.")
    assert time.process_time() - began < 5.0


def test_long_inputs_are_cut_and_the_cut_recorded():
    from citegraph.graph.extract.text import MAX_ABSTRACT, MAX_TITLE, bounded

    title, abstract, cut = bounded("T" * (MAX_TITLE + 10), "a" * (MAX_ABSTRACT + 5))
    assert len(title) == MAX_TITLE and len(abstract) == MAX_ABSTRACT
    assert cut == {"title": MAX_TITLE + 10, "abstract": MAX_ABSTRACT + 5}
    assert bounded("short", "text") == ("short", "text", {})


def test_extract_command_records_the_cut(tmp_path):
    import json

    from citegraph.graph.extract.jsonl import extract_jsonl
    from citegraph.graph.extract.text import MAX_TITLE

    src = tmp_path / "in.jsonl"
    long_title = "Foo-7B: " + "ACDEFGHIKLMNPQRSTVWY" * 500
    src.write_text(json.dumps({"title": long_title, "abstract": "We train BERT."}) + "\n"
                   + json.dumps({"title": "Short", "abstract": "We train BERT."}) + "\n",
                   encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = extract_jsonl(src, out)
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert result.truncated == 1
    assert lines[0]["truncated"] == {"title": len(long_title)} and len(long_title) > MAX_TITLE
    assert "truncated" not in lines[1]
    assert "BERT" in {e["name"] for e in lines[0]["entities"]}
