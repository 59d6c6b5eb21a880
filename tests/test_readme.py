"""Every fenced code block of README.md and docs/*.md runs on the example corpus.

Conventions the documents follow (and this extractor enforces):

* ```bash blocks run command by command (``\\`` continues a line) in a scratch checkout:
  a folder holding ``shared`` (the real shared data) and the checkout as the working
  directory, so ``../shared/seeds`` and ``tests/fixtures`` resolve as in a clone;
  ``citegraph`` means ``python -m citegraph``. Every command must exit 0.
* ```python blocks run in one namespace per document, in document order, so a later
  block can use the ``kg`` an earlier one built. ``EXPR  # → VALUE`` asserts that the
  expression equals the Python literal VALUE.
* A ```text block right after a runnable block is that block's standard output, compared
  line by line (trailing blanks ignored). Other ```text blocks are figures, not code.
* ``<!-- neo4j -->`` on the line before a fence: the block needs the Neo4j server; it runs
  when the server answers, else skips (fails under ``CITEGRAPH_REQUIRE_NEO4J=1``).
* ``<!-- not run: reason -->`` on the line before a fence: the block only shows syntax.

The example corpus is built once per session, by the README's own quick-start block,
and every later block reuses the saved graph.
"""

from __future__ import annotations

import ast
import contextlib
import io
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import REPO, SHARED

DOCUMENTS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
RUNNABLE = {"bash", "python"}
FENCE = re.compile(r"^```(\S*)\s*$")
MARKER = re.compile(r"^<!--\s*(neo4j|not run:\s*(?P<reason>.+?))\s*-->$")
CHECK = re.compile(r"^(?P<expr>\S.*?)\s+# → (?P<value>.+)$")


@dataclass
class Block:
    """One fenced block: where it is, its language, its code and what it promises."""

    doc: Path
    line: int
    lang: str
    code: str
    marker: str = ""          # "", "neo4j" or "not run: <reason>"
    output: str | None = None  # the ```text block that follows, if any

    @property
    def id(self) -> str:
        return f"{self.doc.name}:{self.line}-{self.lang or 'text'}"


def parse_blocks(doc: Path) -> list[Block]:
    """The fenced blocks of ``doc``; a ```text block right after a runnable one is its
    output. A fence other than bash, python or text is a mistake the test reports."""
    lines = doc.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    i = 0
    previous_end = -10
    while i < len(lines):
        match = FENCE.match(lines[i])
        if not match:
            i += 1
            continue
        lang = match.group(1)
        start = i
        i += 1
        body: list[str] = []
        while i < len(lines) and not lines[i].startswith("```"):
            body.append(lines[i])
            i += 1
        code = "\n".join(body) + "\n"
        before = lines[start - 1].strip() if start else ""
        marker = MARKER.match(before)
        gap = lines[previous_end + 1:start] if previous_end >= 0 else ["x"]
        follows = bool(blocks) and all(not line.strip() for line in gap)
        if lang == "text" and follows and blocks[-1].lang in RUNNABLE:
            blocks[-1].output = code
        else:
            blocks.append(Block(doc, start + 1, lang, code, marker.group(1) if marker else ""))
        previous_end = i
        i += 1
    return blocks


def bash_commands(code: str) -> list[str]:
    """The commands of a bash block: continuation lines joined, blank lines and
    comment-only lines dropped."""
    commands: list[str] = []
    pending = ""
    for line in code.splitlines():
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        command = (pending + line).strip()
        pending = ""
        if command and not command.startswith("#"):
            commands.append(command)
    return commands


def python_source(code: str) -> str:
    """The block with each ``EXPR  # → VALUE`` line turned into an equality check."""
    out = []
    for line in code.splitlines():
        match = CHECK.match(line)
        if match:
            out.append(f"__shown__({match['expr']}, {match['value']!r})")
        else:
            out.append(line)
    return "\n".join(out) + "\n"


def _shown(value: object, literal: str) -> None:
    expected = ast.literal_eval(literal)
    assert value == expected, f"shown {literal}, got {value!r}"


def same_output(got: str, shown: str) -> bool:
    def lines(text: str) -> list[str]:
        return [line.rstrip() for line in text.strip("\n").splitlines()]
    return lines(got) == lines(shown)


@dataclass
class Checkout:
    """The scratch checkout, and one Python namespace per document."""

    root: Path
    namespaces: dict[Path, dict] = field(default_factory=dict)
    done: dict[str, str] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)

    def run_bash(self, block: Block) -> str:
        prelude = f'citegraph() {{ "{sys.executable}" -m citegraph "$@"; }}\n'
        env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"}
        output = []
        for command in bash_commands(block.code):
            proc = subprocess.run(["bash", "-c", prelude + command], cwd=self.root, env=env,
                                  capture_output=True, text=True, timeout=900)
            assert proc.returncode == 0, (
                f"{block.id}: `{command}` exited {proc.returncode}\n{proc.stderr[-3000:]}")
            output.append(proc.stdout)
        return "".join(output)

    def run_python(self, block: Block) -> str:
        namespace = self.namespaces.setdefault(block.doc, {"__name__": "__doc_example__"})
        namespace["__shown__"] = _shown
        buffer = io.StringIO()
        previous = Path.cwd()
        os.chdir(self.root)
        try:
            with contextlib.redirect_stdout(buffer):
                exec(compile(python_source(block.code), block.id, "exec"), namespace)
        finally:
            os.chdir(previous)
        return buffer.getvalue()

    def run(self, block: Block) -> str:
        """Run ``block`` once; its output (or its failure) is kept, so a block is never run
        twice and a later block reports an earlier failure instead of repeating it."""
        if block.id in self.failed:
            raise AssertionError(f"{block.id} failed earlier: {self.failed[block.id]}")
        if block.id not in self.done:
            runner = self.run_bash if block.lang == "bash" else self.run_python
            try:
                self.done[block.id] = runner(block)
            except BaseException as exc:
                self.failed[block.id] = f"{type(exc).__name__}: {exc}"[:2000]
                raise
        return self.done[block.id]


ALL_BLOCKS = [block for doc in DOCUMENTS for block in parse_blocks(doc)]


@pytest.fixture(scope="session")
def checkout(tmp_path_factory, seeds_dir: Path) -> Checkout:
    """``<tmp>/shared`` → the shared data, ``<tmp>/citegraph`` the working directory with
    the repository's test fixtures beside it, as in a clone."""
    top = tmp_path_factory.mktemp("clone")
    (top / "shared").symlink_to(SHARED.resolve(), target_is_directory=True)
    root = top / "citegraph"
    root.mkdir()
    (root / "tests").symlink_to(REPO / "tests", target_is_directory=True)
    return Checkout(root)


def neo4j_environment() -> dict[str, str]:
    """The NEO4J_* settings of the test server, which the blocks read from the environment."""
    from neo4j_support import test_settings

    config = test_settings()
    return {"NEO4J_URI": config.uri, "NEO4J_USERNAME": config.user,
            "NEO4J_PASSWORD": config.password, "NEO4J_DATABASE": config.database}


def _neo4j_up(monkeypatch: pytest.MonkeyPatch) -> None:
    """Skip (or fail under CITEGRAPH_REQUIRE_NEO4J=1) unless the test server answers; then
    point the block's environment at it."""
    from neo4j_support import test_settings

    from citegraph.graph.stores.neo4j_store import Neo4jUnavailable, connect

    try:
        connect(test_settings()).close()
    except Neo4jUnavailable as exc:
        if os.environ.get("CITEGRAPH_REQUIRE_NEO4J") == "1":
            pytest.fail(f"Neo4j required but unavailable: {exc}")
        pytest.skip(f"Neo4j unavailable: {exc}")
    for name, value in neo4j_environment().items():
        monkeypatch.setenv(name, value)


def test_blocks_are_bash_python_or_text() -> None:
    """A fence in another language would be silently skipped; say which one it is."""
    odd = [block.id for block in ALL_BLOCKS if block.lang not in RUNNABLE | {"text"}]
    assert not odd, f"tag these blocks bash, python or text: {odd}"


def test_not_run_markers_are_rare() -> None:
    """Blocks that only show syntax stay the exception."""
    skipped = [block for block in ALL_BLOCKS if block.marker.startswith("not run")]
    runnable = [block for block in ALL_BLOCKS if block.lang in RUNNABLE]
    assert len(skipped) * 4 <= len(runnable), [block.id for block in skipped]


def test_extractor_reads_its_own_conventions() -> None:
    readme = [block for block in ALL_BLOCKS if block.doc.name == "README.md"]
    assert any(block.output for block in readme if block.lang == "bash")
    assert any(CHECK.match(line) for block in readme if block.lang == "python"
               for line in block.code.splitlines())
    assert [c.split() for c in bash_commands("a \\\n  b  # c\n# d\n\ne\n")] == [
        ["a", "b", "#", "c"], ["e"]]
    assert "__shown__(x, '1')" in python_source("x  # → 1\n")


@pytest.mark.slow
@pytest.mark.parametrize(
    "block", [block for block in ALL_BLOCKS if block.lang in RUNNABLE],
    ids=lambda block: block.id)
def test_block_runs(block: Block, checkout: Checkout, monkeypatch: pytest.MonkeyPatch) -> None:
    if block.marker.startswith("not run"):
        pytest.skip(block.marker)
    if block.marker == "neo4j":
        _neo4j_up(monkeypatch)
    for earlier in ALL_BLOCKS[:ALL_BLOCKS.index(block)]:
        if earlier.lang in RUNNABLE and not earlier.marker:
            checkout.run(earlier)  # the saved graph and names earlier blocks made
    got = checkout.run(block)
    if block.output is not None:
        assert same_output(got, block.output), (
            f"{block.id} printed:\n{got}\nthe document shows:\n{block.output}")
