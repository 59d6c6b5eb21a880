"""One self-contained HTML page per view: every script and style inlined, nothing fetched.

The page is our own template rather than pyvis' (whose template loads Bootstrap and
tom-select from CDNs and embeds its JSON unescaped); the vis-network library itself is the
copy bundled inside the pyvis package. A Content-Security-Policy with a per-page nonce
forbids any request and any script but ours, as a second line behind the escaping.
"""

from __future__ import annotations

import html
import json
import re
import secrets
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from citegraph.atomic import write_text_atomic

#: The vis-network build inside the pyvis package that the pages inline.
VIS_DIR = "lib/vis-9.1.2"

_CSP = ("default-src 'none'; script-src 'nonce-{nonce}'; style-src 'unsafe-inline'; "
        "img-src data:; font-src data:; connect-src 'none'; base-uri 'none'; form-action 'none'")


@cache
def _asset(name: str) -> str:
    return resources.files("citegraph.viz").joinpath("assets", name).read_text("utf-8")


@cache
def _vis(name: str) -> str:
    return resources.files("pyvis").joinpath(VIS_DIR, name).read_text("utf-8")


def script_json(value: Any) -> str:
    """JSON that is safe inside ``<script>``: no ``</script>``, ``<!--`` or line separators."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def render(title: str, data: dict[str, Any]) -> str:
    """The page's HTML for a view's title and data (nodes, edges, legend, options, note)."""
    nonce = secrets.token_urlsafe(16)
    parts = {
        "TITLE": html.escape(title),
        "CSP": html.escape(_CSP.format(nonce=nonce), quote=False),  # it has no double quote
        "NONCE": nonce,
        "VIS_CSS": _vis("vis-network.css").replace("</", "<\\/"),
        "PAGE_CSS": _asset("view.css"),
        "VIS_JS": _vis("vis-network.min.js"),
        "PAGE_JS": _asset("view.js"),
        "DATA": script_json(data),
    }
    return re.sub(r"@@([A-Z_]+)@@", lambda m: parts[m.group(1)], _asset("page.html"))


@dataclass
class GraphView:
    """A rendered view: ``save(path)`` writes the page; Jupyter shows it inline.

    ``left_out`` says, one sentence each, what the page does not show (nodes and edges
    past a cap, hidden relationships, undated papers, rows naming no node); ``note`` is
    the text the page shows in its note: those sentences and any other remark.
    """

    title: str
    html: str
    note: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    left_out: list[str] = field(default_factory=list)
    height: int = 640

    def save(self, path: str | Path) -> Path:
        """Write the page as one HTML file (parent folders are created)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(path, self.html)
        return path

    def _repr_html_(self) -> str:
        """An iframe holding the page, so its scripts and styles stay apart from the notebook."""
        return (f'<iframe srcdoc="{html.escape(self.html, quote=True)}" '
                f'style="width:100%;height:{self.height}px;border:1px solid #ddd" '
                'sandbox="allow-scripts"></iframe>')

    def __repr__(self) -> str:
        shown = ", ".join(f"{n} {k}" for k, n in self.counts.items())
        return f"<GraphView {self.title!r}: {shown}>"
