"""The drift report (``wa-scan diff`` / ``wa-scan drift``) as Markdown, self-contained HTML or JSON text."""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup

from reports.html import base_css, content_security_policy, template_text
from reports.templating import environment

DRIFT_FORMATS = ("md", "html", "json")


def drift_css() -> str:
    """The report stylesheet with the drift page's own few rules."""
    return base_css() + template_text("_drift.css")


def render_drift(report: dict[str, Any], fmt: str) -> str:
    """The drift report (``scanner.drift.compare``'s result) as ``md``, ``html`` or ``json`` text."""
    if fmt == "json":
        return json.dumps(report, indent=2) + "\n"
    if fmt == "md":
        return environment().get_template("drift.md.j2").render(r=report)
    if fmt == "html":
        css = drift_css()
        # Our own stylesheet, not account data: inserted as is, so the CSP hash matches the block.
        return environment().get_template("drift.html.j2").render(r=report, css=Markup(css),
                                                                  csp=content_security_policy(css))
    raise ValueError(f"unknown drift format {fmt!r}")
