"""``report.html``: one self-contained page (styles, chart, script and favicon inline; nothing fetched).

jinja2 autoescaping is on for every HTML template, so account data is escaped wherever it lands; a
Content-Security-Policy with the hashes of our own style and script blocks means even a markup
injection that slipped past escaping could neither run script nor load anything.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache
from importlib import resources
from typing import Any

from markupsafe import Markup

from reports.templating import RISK_COLOUR, environment
from reports.view import RISK_LABEL, RISKS, ReportView

FAVICON = ("data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E"
           "%3Crect width='16' height='16' rx='3' fill='%23232f3e'/%3E"
           "%3Cpath d='M4 8.5l2.5 2.5L12 5' stroke='%23ff9900' stroke-width='2' fill='none'/%3E%3C/svg%3E")

# Geometry of the pillar chart (SVG user units).
CHART_WIDTH, CHART_LABEL, CHART_ROW, CHART_BAR = 600, 190, 30, 22


def template_text(name: str) -> str:
    """A file of ``reports/templates`` read as text (stylesheets and scripts inlined into pages)."""
    return resources.files("reports").joinpath("templates", name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def base_css() -> str:
    """The report stylesheet (colours, badges, tables, print rules); reusable by other HTML reports."""
    return template_text("_report_base.css")


@lru_cache(maxsize=1)
def filter_script() -> str:
    """The inline script: filter by pillar/status/severity/risk, expand all, open details for printing."""
    return template_text("_report_filter.js")


def csp_hash(text: str) -> str:
    """The CSP source expression (``'sha256-...'``) allowing exactly this inline block."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def content_security_policy(css: str, script: str | None = None) -> str:
    """A policy that allows our own style block (and script block, if any) and data: images, nothing else."""
    scripts = f" script-src {csp_hash(script)};" if script is not None else ""
    return (f"default-src 'none'; style-src {csp_hash(css)};{scripts} "
            "img-src data:; base-uri 'none'; form-action 'none'")


def pillar_chart(view: ReportView) -> dict[str, Any]:
    """Rows of a stacked bar chart: per pillar, one segment per suggested risk, scaled to the largest pillar."""
    biggest = max((len(p.questions) for p in view.pillars), default=0) or 1
    span = CHART_WIDTH - CHART_LABEL - 40
    rows = []
    for i, pillar in enumerate(view.pillars):
        x = float(CHART_LABEL)
        segments = []
        for risk, count in pillar.counts.items():
            if not count:
                continue
            width = span * count / biggest
            segments.append({"risk": risk, "count": count, "x": round(x, 1), "width": round(width, 1),
                             "colour": RISK_COLOUR[risk], "label": RISK_LABEL[risk],
                             "text_x": round(x + width / 2, 1), "show_text": width >= 16})
            x += width
        rows.append({"name": pillar.name, "id": pillar.id, "y": 10 + i * CHART_ROW, "segments": segments,
                     "total": len(pillar.questions), "total_x": round(x + 6, 1)})
    legend_y = 10 + len(rows) * CHART_ROW + 8
    legend = [{"risk": r, "label": RISK_LABEL[r], "colour": RISK_COLOUR[r], "x": CHART_LABEL - 150 + i * 125}
              for i, r in enumerate(RISKS)]
    return {"width": CHART_WIDTH, "height": legend_y + 24, "rows": rows, "label_x": CHART_LABEL - 8,
            "legend": legend, "legend_y": legend_y,
            "bar": CHART_BAR}


def render_html(view: ReportView) -> str:
    """The HTML report of ``view``."""
    css, script = base_css(), filter_script()
    template = environment().get_template("report.html.j2")
    return template.render(
        view=view, meta=view.meta, chart=pillar_chart(view), favicon=FAVICON,
        css=Markup(css), script=Markup(script), csp=content_security_policy(css, script),
    )
