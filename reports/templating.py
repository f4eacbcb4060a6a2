"""The one jinja2 Environment every report renders with (scan reports, review record, drift, org roll-up).

HTML templates (``*.html.j2``) are autoescaped; in Markdown templates (``*.md.j2``) every expression
passes through ``md_escape`` (text the renderer builds itself is wrapped in ``MdSafe``). Undefined names
are errors in both, so a template cannot silently print nothing where data was expected.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import Environment, PackageLoader, StrictUndefined, pass_eval_context, select_autoescape
from jinja2.bccache import Bucket, BytecodeCache, FileSystemBytecodeCache
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


class _QuietCache(FileSystemBytecodeCache):
    """A bytecode cache that never fails a render: a cache file it cannot write is simply not written."""

    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


def bytecode_cache(directory: Path | None = None) -> BytecodeCache | None:
    """The compiled templates kept between runs (jinja2 compiles the report templates in about a second;
    loading them takes milliseconds), in the user's cache directory, or ``None`` when it cannot be used.

    jinja2 checks each entry against its template's source and the Python version; the directory name
    adds jinja2's version and this module's text, because the environment's options shape the code too.
    """
    if os.environ.get("WA_SCAN_NO_TEMPLATE_CACHE"):
        return None
    if directory is None:
        import platformdirs

        directory = Path(platformdirs.user_cache_dir("wa-scan"))
    key = hashlib.sha256(jinja2.__version__.encode() + Path(__file__).read_bytes()).hexdigest()[:12]
    where = directory / f"templates-{key}"
    try:
        where.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:
        return None
    return _QuietCache(str(where))


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The reports' jinja2 environment: autoescaped HTML, Markdown-escaped Markdown, strict undefined."""
    from reports.view import RISK_LABEL, RISKS

    env = Environment(loader=PackageLoader("reports", "templates"), bytecode_cache=bytecode_cache(),
                      autoescape=select_autoescape(enabled_extensions=("html.j2",), disabled_extensions=("md.j2",),
                                                   default_for_string=True, default=True),
                      finalize=_finalize, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True)
    env.globals.update(RISK_LABEL=RISK_LABEL, RISKS=RISKS, RISK_COLOUR=RISK_COLOUR, MdSafe=MdSafe)
    env.filters["md"] = _md
    return env
