"""``citegraph extract``: JSON Lines of papers in, JSON Lines of entities out.

A line that is not a JSON object with a ``title`` is reported with its line number and
skipped; the run goes on.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from citegraph.atomic import write_text_atomic
from citegraph.errors import CitegraphError
from citegraph.graph.extract.extractor import Extractor


@dataclass
class ExtractResult:
    papers: int = 0
    entities: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)
    truncated: int = 0  # papers whose title or abstract was cut for matching


def read_papers(path: Path, result: ExtractResult) -> list[dict]:
    """The readable lines of a JSON Lines file; problems go to ``result``."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise CitegraphError(f"{path}: cannot read ({exc.strerror})") from None
    papers = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            result.problems.append((lineno, f"not valid JSON ({exc.msg})"))
            continue
        if not isinstance(rec, dict) or not isinstance(rec.get("title"), str):
            result.problems.append((lineno, "not an object with a string 'title'"))
            continue
        abstract = rec.get("abstract")
        rec["abstract"] = abstract if isinstance(abstract, str) else ""
        papers.append(rec)
    return papers


def extract_jsonl(in_path: str | Path, out_path: str | Path, gazetteer: Sequence[str] = (),
                  corpus: bool = True, model: str | Path | None = None) -> ExtractResult:
    """Extract entities for every paper of ``in_path`` and write them to ``out_path``."""
    result = ExtractResult()
    papers = read_papers(Path(in_path), result)
    extractor = Extractor(extra_files=list(gazetteer), model=model)
    if corpus:
        extractor.learn((p["title"], p["abstract"]) for p in papers)
    lines = []
    for paper in papers:
        ents = extractor.extract(paper["title"], paper["abstract"])
        result.papers += 1
        result.entities += len(ents)
        line = {"title": paper["title"], "entities": [e.to_json() for e in ents]}
        if extractor.last_cut:  # the original lengths of what matching did not read
            line["truncated"] = extractor.last_cut
            result.truncated += 1
        lines.append(json.dumps(line, ensure_ascii=False))
    try:
        write_text_atomic(Path(out_path), "".join(line + "\n" for line in lines))
    except OSError as exc:
        raise CitegraphError(f"{out_path}: cannot write ({exc.strerror})") from None
    return result
