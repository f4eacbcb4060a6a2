"""``report.md``: the review pack as Markdown, for a wiki page or a pull request.

Every ``{{ ... }}`` in the Markdown template passes through ``md_escape`` (the ``finalize`` step of
``reports.templating.environment`` for ``*.md.j2`` templates), so account data cannot add links,
images, HTML or table cells; text the renderer builds itself is wrapped in ``MdSafe`` to pass unchanged.
"""

from __future__ import annotations

import re

from reports.templating import environment
from reports.view import ReportView

_BLANK_RUNS = re.compile(r"\n{3,}")


def render_markdown(view: ReportView) -> str:
    """The Markdown report of ``view``."""
    text = environment().get_template("report.md.j2").render(view=view, meta=view.meta)
    return _BLANK_RUNS.sub("\n\n", text)
