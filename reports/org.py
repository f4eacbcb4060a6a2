"""``org-report.html``: the multi-account roll-up (``scanner.accounts.fanout.rollup``) as one HTML page."""

from __future__ import annotations

from typing import Any

from reports.templating import environment


def render_org(summary: dict[str, Any]) -> str:
    """The roll-up page of a multi-account scan."""
    return environment().get_template("org.html.j2").render(org=summary)
