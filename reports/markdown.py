"""``report.md``: the review pack as Markdown, for a wiki page or a pull request.

Every ``{{ ... }}`` in the Markdown template passes through ``md_escape`` (the environment's
``finalize``), so account data cannot add links, images, HTML or table cells; text the renderer
builds itself is wrapped in ``MdSafe`` to pass unchanged.
"""

from __future__ import annotations

import re
from functools import lru_cache

from jinja2 import Environment, PackageLoader, StrictUndefined

from reports.safety import MdSafe, md_escape
from reports.view import RISK_LABEL, RISKS, ReportView

_BLANK_RUNS = re.compile(r"\n{3,}")


@lru_cache(maxsize=1)
def markdown_environment() -> Environment:
    """The jinja2 environment for Markdown: every expression is Markdown-escaped unless ``MdSafe``."""
    env = Environment(loader=PackageLoader("reports", "templates"), autoescape=False, finalize=md_escape,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.globals.update(RISK_LABEL=RISK_LABEL, RISKS=RISKS, MdSafe=MdSafe)
    return env


def render_markdown(view: ReportView) -> str:
    """The Markdown report of ``view``."""
    text = markdown_environment().get_template("report.md.j2").render(view=view, meta=view.meta)
    return _BLANK_RUNS.sub("\n\n", text)
