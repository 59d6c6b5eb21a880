"""``ambiguous`` on every query helper that takes a node reference, and ``--ambiguous``.

By default a name that fits several nodes is refused in one line listing each candidate
with its type and long form; ``ambiguous="all"`` answers for all of them.
"""

from __future__ import annotations

import json

import pytest
from ambiguous_graph import AMBIGUOUS_REFS, LONG_FORMS, ambiguous_graph
from typer.testing import CliRunner

from citegraph.errors import AmbiguousName, BadArgument
from citegraph.graph import schema as S
from citegraph.queries import HELPERS
from citegraph.queries.registry import REFERENCE_KINDS

REFERRING = sorted(name for name, h in HELPERS.items()
                   if any(p.kind in REFERENCE_KINDS for p in h.params))


@pytest.fixture(scope="module")
def kg():
    return ambiguous_graph()


def ambiguous_call(name: str) -> tuple[dict[str, str], tuple[str, ...]]:
    """Arguments naming an ambiguous reference in the helper's first reference parameter
    (other references get the first candidate's node id); the ids that reference fits."""
    args: dict[str, str] = {}
    fits: tuple[str, ...] = ()
    for p in HELPERS[name].params:
        if p.kind not in REFERENCE_KINDS:
            continue
        ref, ids = AMBIGUOUS_REFS[p.kind]
        if fits:
            args[p.name] = "Paper:doi:10.1/e"  # a plain second end (shortest_path)
        else:
            args[p.name], fits = ref, ids
    return args, fits


def test_every_helper_that_takes_a_reference_has_the_argument():
    assert len(REFERRING) >= 13
    for name in REFERRING:
        params = {p.name: p for p in HELPERS[name].params}
        assert params["ambiguous"].default == "error" and not params["ambiguous"].required
    for name, helper in HELPERS.items():
        if name not in REFERRING:
            assert "ambiguous" not in {p.name for p in helper.params}, name


@pytest.mark.parametrize("name", REFERRING)
def test_by_default_an_ambiguous_name_is_refused_listing_type_and_long_form(kg, name):
    args, fits = ambiguous_call(name)
    with pytest.raises(AmbiguousName) as err:
        kg.query.run(name, **args)
    message = str(err.value)
    assert "\n" not in message and "ambiguous='all'" in message
    for nid in fits:
        label = nid.split(":")[0]
        kind = S.EntityType.of_label(label) or label.lower()
        assert f"{kind} {nid} ({LONG_FORMS[nid]})" in message


@pytest.mark.parametrize("name", REFERRING)
def test_all_answers_for_every_candidate(kg, name):
    args, fits = ambiguous_call(name)
    both = kg.query.run(name, **args, ambiguous="all")
    assert both, name
    if name == "shortest_path":  # the shortest path from any candidate
        assert f"{both[0]['label']}:{both[0]['key']}" in fits
        return
    column = "key" if "key" in HELPERS[name].columns else HELPERS[name].columns[0]
    union: set = set()
    for nid in fits:
        one = kg.query.run(name, **{**args, next(iter(args)): nid})
        assert one, (name, nid)  # each candidate has answers of its own
        union |= {r[column] for r in one}
    assert {r[column] for r in both} == union


def test_bad_ambiguous_values_are_refused_before_any_work(kg):
    with pytest.raises(BadArgument, match="ambiguous must be one of error, all, not 'some'"):
        kg.query.papers_mentioning("DPO", ambiguous="some")
    with pytest.raises(BadArgument, match="unexpected argument 'ambiguous'"):
        kg.query.top_entities(ambiguous="all")


def test_the_command_line_mirrors_it(kg, tmp_path):
    from citegraph.cli import app

    kg.save(tmp_path / "g")
    runner = CliRunner()
    base = ["query", "papers_mentioning", "DPO", "-g", str(tmp_path / "g"), "--format", "json"]
    refused = runner.invoke(app, base)
    assert refused.exit_code != 0 and isinstance(refused.exception, AmbiguousName)
    answered = runner.invoke(app, [*base, "--ambiguous", "all"])
    assert answered.exit_code == 0, answered.output
    keys = {r["key"] for r in json.loads(answered.output)}
    assert keys == {"doi:10.1/nanoflow-a", "doi:10.1/nanoflow-b", "doi:10.1/c", "doi:10.1/d"}
    assert json.loads(runner.invoke(app, [*base, "ambiguous=all"]).output) == json.loads(
        answered.output)
    wrong = runner.invoke(app, [*base, "--ambiguous", "any"])
    assert isinstance(wrong.exception, BadArgument)
    not_a_name = runner.invoke(app, ["query", "top_entities", "-g", str(tmp_path / "g"),
                                     "--ambiguous", "all"])
    assert "takes no name to resolve" in str(not_a_name.exception)
