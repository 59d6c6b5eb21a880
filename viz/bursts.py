"""The trends page: papers per period and the strongest bursts, as inline SVG.

One self-contained HTML file with no script at all: a bar chart of the papers per year
(or month), then for entities, keywords and cited references the strongest bursts
(Kleinberg, see :mod:`citegraph.queries.kleinberg`) drawn as CiteSpace draws them: one row
per term over the whole period axis, the burst's periods in red, its weight beside it.
Every text goes through ``html.escape``; a content security policy forbids any script or
request, so the page works offline and a hostile name stays text.
"""

from __future__ import annotations

import html
from collections import Counter
from typing import Any

from citegraph.graph import schema as S
from citegraph.graph.model import KnowledgeGraph
from citegraph.queries.bibliometrics import bursts, period, periods_between
from citegraph.viz.data import shorten
from citegraph.viz.page import GraphView

CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
       "form-action 'none'")
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
"""


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _papers_chart(counts: list[tuple[str, int]]) -> str:
    if not counts:
        return '<p class="empty">No paper has a date.</p>'
    width, height, left, bottom = 900, 220, 40, 40
    step = (width - left - 10) / len(counts)
    top = max(n for _, n in counts) or 1
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'role="img" aria-label="papers per period">']
    every = max(1, len(counts) // 20)
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


def bursts_page(kg: KnowledgeGraph, unit: str = "year", limit: int = BURSTS_SHOWN,
                title: str | None = None) -> GraphView:
    """The trends page of a graph: papers per ``unit`` and the strongest bursts."""
    per = Counter(period(a.get(S.YEAR), a.get(S.DATE), unit)
                  for _, a in kg.nodes(S.PAPER) if not a.get(S.STUB))
    undated = per.pop(None, 0)
    axis = periods_between(min(per), max(per), unit) if per else []
    counts = [(p, per.get(p, 0)) for p in axis]
    heading = title or f"Papers and bursts per {unit}"
    body = [f"<h1>{_e(heading)}</h1>",
            f'<p class="note">{sum(per.values()):,} papers dated to the {unit}; '
            f"{undated:,} left out for lack of a date.</p>",
            f"<h2>Papers per {_e(unit)}</h2>", _papers_chart(counts)]
    shown = 0
    for kind, name in KIND_TITLES.items():
        rows = bursts(kg, kind, unit, limit)
        shown += len(rows)
        cited_axis = axis
        if kind == "reference" and rows:  # references burst over their citers' periods
            spans = [r["start"] for r in rows] + [r["end"] for r in rows] + axis
            cited_axis = periods_between(min(spans), max(spans), unit)
        body += [f"<h2>{_e(name)}: strongest bursts</h2>", _burst_chart(rows, cited_axis)]
    page = ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            f'<meta http-equiv="Content-Security-Policy" content="{_e(CSP)}">'
            f"<title>{_e(heading)}</title><style>{STYLE}</style></head><body>"
            + "".join(body) + "</body></html>")
    note = f"{undated:,} papers without a date left out" if undated else ""
    return GraphView(title=heading, html=page, note=note,
                     counts={"periods": len(axis), "bursts": shown})
