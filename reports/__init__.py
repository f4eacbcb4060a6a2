"""Report renderers: HTML, Markdown, CSV from a scan document.

``render_reports(doc, formats)`` renders the reports a scan asked for and returns each file's text;
the caller writes them (atomically); ``iter_reports`` gives them one at a time. Every template renders
on one environment (``reports.templating``); the pieces (escaping and CSV-safety helpers, the base
stylesheet, the view of a scan) are importable for other renderers. Drift (``reports.drift``) and the
multi-account roll-up (``reports.org``) render here too.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from reports.html import base_css, content_security_policy, csp_hash, render_html
from reports.markdown import render_markdown
from reports.pdf import render_pack_pdf
from reports.safety import MdSafe, anchor, csv_safe, md_escape, one_line
from reports.tables import findings_csv, register_csv, write_csv
from reports.view import ReportView, build_view

__all__ = [
    "DEFAULT_FORMATS", "FORMAT_FILES", "OUTPUT_FORMATS", "MdSafe", "ReportView", "anchor", "base_css", "build_view",
    "content_security_policy", "csp_hash", "csv_safe", "findings_csv", "md_escape", "one_line", "register_csv",
    "iter_reports", "render_html", "render_markdown", "render_reports", "report_files", "write_csv",
]

# Output files per --format name ("csv" is both CSV files); scan.json ("json") is the scanner's.
FORMAT_FILES = {
    "html": ("report.html",),
    "md": ("report.md",),
    "csv": ("findings.csv", "risk-register.csv"),
    "pdf": ("report.pdf",),  # needs the optional extra wa-scan[pdf] (WeasyPrint)
}
# Every --format name a scan, ``show`` and ``report`` accept, in the order they are listed.
OUTPUT_FORMATS = ("json", *FORMAT_FILES)
# What a scan writes unless told otherwise: every output that needs no optional extra.
DEFAULT_FORMATS = tuple(f for f in OUTPUT_FORMATS if f != "pdf")
_RENDER = {
    "report.html": render_html,
    "report.md": render_markdown,
    "findings.csv": findings_csv,
    "risk-register.csv": register_csv,
    "report.pdf": render_pack_pdf,
}


def report_files(formats: list[str] | tuple[str, ...]) -> list[str]:
    """The file names ``formats`` produce, in a fixed order; unknown names raise ``ValueError``."""
    unknown = [f for f in formats if f not in FORMAT_FILES and f != "json"]
    if unknown:
        raise ValueError(f"unknown report format {unknown[0]!r}; choose from {', '.join(FORMAT_FILES)}")
    return [name for fmt, names in FORMAT_FILES.items() if fmt in formats for name in names]


def render_reports(doc: dict[str, Any], formats: list[str] | tuple[str, ...],
                   metadata: dict[str, Any] | None = None) -> dict[str, str | bytes]:
    """The reports named in ``formats``: file name -> content, in a fixed order (nothing is written here).

    ``metadata`` (check id -> ``CheckMeta``) fills in what an older document does not carry.
    """
    return dict(iter_reports(doc, formats, metadata))


def iter_reports(doc: dict[str, Any], formats: list[str] | tuple[str, ...],
                 metadata: dict[str, Any] | None = None) -> Iterator[tuple[str, str | bytes]]:
    """Like ``render_reports``, one (file name, content) at a time: a caller that writes each file before
    taking the next holds one rendered report at a time, not all of them (megabytes each on a large
    account). Every report renders from the one view, built once."""
    names = report_files(formats)
    if not names:
        return
    view = build_view(doc, metadata)
    for name in names:
        yield name, _RENDER[name](view)
