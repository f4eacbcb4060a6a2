"""The one jinja2 Environment every report renders with (scan reports, review record, drift, org roll-up).

HTML templates (``*.html.j2``) are autoescaped; in Markdown templates (``*.md.j2``) every expression
passes through ``md_escape`` (text the renderer builds itself is wrapped in ``MdSafe``). Undefined names
are errors in both, so a template cannot silently print nothing where data was expected.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, pass_eval_context, select_autoescape
from jinja2.nodes import EvalContext

from reports.safety import MdSafe, md_escape

RISK_COLOUR = {"HIGH": "#b71c1c", "MEDIUM": "#e08a00", "NONE": "#2e7d32", "UNKNOWN": "#8a8f98"}


@pass_eval_context
def _finalize(eval_ctx: EvalContext, value: Any) -> Any:
    # HTML output is escaped by autoescaping after this; Markdown output has no such step, so it is here.
    return value if eval_ctx.autoescape else md_escape(value)


def _md(value: Any) -> MdSafe:
    """``{{ x | md }}``: escaped once, explicitly (the finalize step then leaves it alone)."""
    return MdSafe(md_escape(value))


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The reports' jinja2 environment: autoescaped HTML, Markdown-escaped Markdown, strict undefined."""
    from reports.view import RISK_LABEL, RISKS

    env = Environment(loader=PackageLoader("reports", "templates"),
                      autoescape=select_autoescape(enabled_extensions=("html.j2",), disabled_extensions=("md.j2",),
                                                   default_for_string=True, default=True),
                      finalize=_finalize, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True)
    env.globals.update(RISK_LABEL=RISK_LABEL, RISKS=RISKS, RISK_COLOUR=RISK_COLOUR, MdSafe=MdSafe)
    env.filters["md"] = _md
    return env
