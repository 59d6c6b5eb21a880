"""The trends pages, as inline SVG: papers per period with the strongest bursts, and the
timeline of one entity (papers per month that mention it).

One self-contained HTML file with no script at all: a bar chart of the papers per year
(or month), then for entities, keywords and cited references the strongest bursts
(Kleinberg, see :mod:`citegraph.queries.kleinberg`) drawn as CiteSpace draws them: one row
per term over the whole period axis, the burst's periods in red, its weight beside it.
Every text goes through ``html.escape``; a content security policy forbids any script or
request, so the page works offline and a hostile name stays text.
"""

from __future__ import annotations

import html
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from citegraph.graph import schema as S
from citegraph.graph.model import KnowledgeGraph
from citegraph.queries.bibliometrics import bursts, period, periods_between
from citegraph.viz.data import shorten
from citegraph.viz.page import GraphView

CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
       "form-action 'none'")
#: A month as ``timeline`` rows give it.
MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
#: Bursts listed per kind.
BURSTS_SHOWN = 15
KIND_TITLES = {"entity": "Methods, models and benchmarks", "keyword": "Keywords",
               "reference": "Cited references"}
STYLE = """
body{font:14px system-ui,sans-serif;margin:24px;color:#222;background:#fff}
h1{font-size:20px;margin:0 0 4px} h2{font-size:16px;margin:28px 0 6px}
p.note{color:#555;margin:0 0 12px} text{font:12px system-ui,sans-serif;fill:#333}
.axis{stroke:#999} .bar{fill:#4e79a7} .off{fill:#e3e6ea} .on{fill:#d62728}
.empty{color:#777;font-style:italic}
p[role=note]{color:#222;background:#fff6e0;border:1px solid #f0d9a0;border-radius:4px;
  padding:6px 8px;display:inline-block}
"""


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _papers_chart(counts: list[tuple[str, int]]) -> str:
    """A bar chart (SVG) of papers per period, ``counts`` in period order."""
    if not counts:
        return '<p class="empty">No paper has a date.</p>'
    width, height, left, bottom = 900, 220, 40, 40
    step = (width - left - 10) / len(counts)
    top = max(n for _, n in counts) or 1
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'role="img" aria-label="papers per period">']
    # a period label every so many bars, so labels (~7 px a character) never touch
    every = max(1, math.ceil((7 * max(len(p) for p, _ in counts) + 10) / step))
    for i, (p, n) in enumerate(counts):
        h = (height - bottom - 10) * n / top
        x = left + i * step
        parts.append(f'<rect class="bar" x="{x + 1:.1f}" y="{height - bottom - h:.1f}" '
                     f'width="{max(step - 2, 1):.1f}" height="{h:.1f}"><title>{_e(p)}: '
                     f'{n} papers</title></rect>')
        if i % every == 0:
            parts.append(f'<text x="{x + step / 2:.1f}" y="{height - bottom + 16}" '
                         f'text-anchor="middle">{_e(p)}</text>')
    parts.append(f'<line class="axis" x1="{left}" y1="{height - bottom}" x2="{width - 10}" '
                 f'y2="{height - bottom}"/>')
    parts.append(f'<text x="{left - 6}" y="16" text-anchor="end">{top}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _burst_chart(rows: list[dict[str, Any]], axis: list[str]) -> str:
    if not rows:
        return '<p class="empty">No burst.</p>'
    label_w, cell_h, width = 330, 20, 900
    step = (width - label_w - 70) / max(len(axis), 1)
    at = {p: i for i, p in enumerate(axis)}
    height = cell_h * (len(rows) + 1) + 10
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'role="img" aria-label="bursts">',
             f'<text x="{label_w}" y="14">{_e(axis[0])}</text>',
             f'<text x="{label_w + step * len(axis)}" y="14" text-anchor="end">'
             f'{_e(axis[-1])}</text>',
             f'<text x="{width - 4}" y="14" text-anchor="end">weight</text>']
    for r, row in enumerate(rows, start=1):
        y = r * cell_h + 4
        parts.append(f'<text x="0" y="{y + 12}">{_e(shorten(row["name"] or row["key"], 48))}'
                     f'<title>{_e(row["name"] or row["key"])}</title></text>')
        first, last = at.get(row["start"], 0), at.get(row["end"], 0)
        for i in range(len(axis)):
            cls = "on" if first <= i <= last else "off"
            parts.append(f'<rect class="{cls}" x="{label_w + i * step:.1f}" y="{y}" '
                         f'width="{max(step - 1, 0.5):.1f}" height="{cell_h - 6}"/>')
        parts.append(f'<text x="{width - 4}" y="{y + 12}" text-anchor="end">'
                     f'{row["weight"]:.2f}<title>{_e(row["start"])} – {_e(row["end"])}'
                     f'</title></text>')
    parts.append("</svg>")
    return "".join(parts)


def _page(heading: str, body: list[str]) -> str:
    return ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            f'<meta http-equiv="Content-Security-Policy" content="{_e(CSP)}">'
            f"<title>{_e(heading)}</title><style>{STYLE}</style></head><body>"
            + "".join(body) + "</body></html>")


def _note(sentences: list[str]) -> str:
    return f'<p class="note" role="note">{_e(" ".join(sentences))}</p>' if sentences else ""


def _undated(n: int) -> str:
    return f"{n:,} paper{'s' if n != 1 else ''} without a date {'are' if n != 1 else 'is'} " \
        "not shown."


def bursts_page(kg: KnowledgeGraph, unit: str = "year", limit: int = BURSTS_SHOWN,
                title: str | None = None) -> GraphView:
    """The trends page of a graph: papers per ``unit`` and the strongest bursts."""
    per = Counter(period(a.get(S.YEAR), a.get(S.DATE), unit)
                  for _, a in kg.nodes(S.PAPER) if not a.get(S.STUB))
    undated = per.pop(None, 0)
    axis = periods_between(min(per), max(per), unit) if per else []
    counts = [(p, per.get(p, 0)) for p in axis]
    heading = title or f"Papers and bursts per {unit}"
    left_out = [_undated(undated)] if undated else []
    charts: list[str] = []
    shown = 0
    for kind, name in KIND_TITLES.items():
        found = bursts(kg, kind, unit, None)
        rows = found[:limit]
        shown += len(rows)
        if len(found) > len(rows):
            left_out.append(f"{name}: the {len(rows)} strongest of {len(found):,} bursts "
                            "are shown.")
        cited_axis = axis
        if kind == "reference" and rows:  # references burst over their citers' periods
            spans = [r["start"] for r in rows] + [r["end"] for r in rows] + axis
            cited_axis = periods_between(min(spans), max(spans), unit)
        charts += [f"<h2>{_e(name)}: strongest bursts</h2>", _burst_chart(rows, cited_axis)]
    body = [f"<h1>{_e(heading)}</h1>", _note(left_out),
            f'<p class="note">{sum(per.values()):,} papers dated to the {unit}.</p>',
            f"<h2>Papers per {_e(unit)}</h2>", _papers_chart(counts), *charts]
    return GraphView(title=heading, html=_page(heading, body), note=" ".join(left_out),
                     counts={"periods": len(axis), "bursts": shown}, left_out=left_out)


def timeline_page(rows: Iterable[Mapping[str, Any]], title: str = "timeline") -> GraphView:
    """The page of a ``timeline`` result: papers per month as a bar chart, months without
    papers included; the row without a month (papers without a date) is left out and
    said so."""
    per: dict[str, int] = {}
    undated = vague = 0
    for row in rows:
        month, papers = row.get("month"), int(row.get("papers") or 0)
        if month is None:
            undated += papers
        elif MONTH.fullmatch(str(month)):
            per[str(month)] = per.get(str(month), 0) + papers
        else:
            vague += papers
    axis = periods_between(min(per), max(per), "month") if per else []
    left_out = [_undated(undated)] if undated else []
    if vague:
        left_out.append(f"{vague:,} paper{'s' if vague != 1 else ''} dated without a month "
                        f"{'are' if vague != 1 else 'is'} not shown.")
    body = [f"<h1>{_e(title)}</h1>", _note(left_out),
            f'<p class="note">{sum(per.values()):,} papers dated to the month.</p>',
            "<h2>Papers per month</h2>", _papers_chart([(p, per.get(p, 0)) for p in axis])]
    return GraphView(title=title, html=_page(title, body), note=" ".join(left_out),
                     counts={"periods": len(axis), "papers": sum(per.values())},
                     left_out=left_out)
