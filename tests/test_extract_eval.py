"""The extractor against the shared gold annotations, and the ``extract`` command."""

from __future__ import annotations

import importlib.util
import json

import pytest
from typer.testing import CliRunner

from citegraph.cli import app

#: The held-out floor on dev_gold.jsonl with a model trained on train_gold.jsonl only
#: (entity, typed, introduced F1; measured 0.857 / 0.830 / 0.833);
#: bench/eval_extractor.py reports the cross-validated figures.
BAR = {"f1": 0.83, "typed_f1": 0.80, "introduced_f1": 0.81}


from conftest import EVAL  # noqa: E402


def _scorer():
    spec = importlib.util.spec_from_file_location("score_entities", EVAL / "score_entities.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not (EVAL / "dev_gold.jsonl").is_file(),
                    reason="shared/eval is not beside the repository")
def test_held_out_dev_gold_scores_stay_above_the_bar(tmp_path):
    """A model trained without the dev papers, scored on them through the CLI."""
    model = tmp_path / "model.json"
    result = CliRunner().invoke(app, ["train-extractor", str(EVAL / "train_gold.jsonl"),
                                      "-o", str(model)])
    assert result.exit_code == 0, result.output
    out = tmp_path / "pred.jsonl"
    result = CliRunner().invoke(app, ["extract", str(EVAL / "dev_gold.jsonl"), "-o", str(out),
                                      "--extractor-model", str(model)])
    assert result.exit_code == 0, result.output
    scorer = _scorer()
    scores = scorer.score(scorer.load(EVAL / "dev_gold.jsonl"), scorer.load(out))
    for name, bar in BAR.items():
        assert scores[name] >= bar, f"{name} {scores[name]:.3f} < {bar}"


def test_extract_command_reports_bad_lines_and_goes_on(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(
        json.dumps({"title": "Blorp-7B: A Model", "abstract": "We introduce Blorp-7B."}) + "\n"
        "{not json\n"
        + json.dumps(["no", "object"]) + "\n"
        + json.dumps({"title": "Second", "abstract": "We fine-tune GPT-4o on GSM8K."}) + "\n",
        encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["extract", str(src), "-o", str(out)])
    assert result.exit_code == 0
    assert ":2:" in result.output and ":3:" in result.output
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [line["title"] for line in lines] == ["Blorp-7B: A Model", "Second"]
    first = lines[0]["entities"][0]
    assert first["name"] == "Blorp-7B" and first["introduced"] and first["type"] == "model"
    assert set(first) == {"name", "type", "aliases", "introduced", "evidence"}
    assert {e["name"] for e in lines[1]["entities"]} == {"GPT-4o", "GSM8K"}


def test_extract_command_missing_file_is_one_line_error(tmp_path):
    import sys

    from citegraph.cli import main
    argv = sys.argv
    sys.argv = ["citegraph", "extract", str(tmp_path / "nope.jsonl"), "-o", str(tmp_path / "o")]
    try:
        with pytest.raises(SystemExit) as exc:
            main()
    finally:
        sys.argv = argv
    assert exc.value.code == 1


def test_root_extract_is_lazy_and_works():
    import subprocess
    import sys

    code = ("import sys, citegraph; assert 'ahocorasick' not in sys.modules; "
            "e = citegraph.extract('T', 'We train BERT on SQuAD.'); "
            "print(sorted((x.name, x.type) for x in e))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[('BERT', 'model'), ('SQuAD', 'benchmark')]"
