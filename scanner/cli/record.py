"""The review record beside the pack: once a scan has decisions, ``report`` and ``show`` write it too.

Decisions are read through the History API; the renderers in ``reports.record`` return text and this
module writes each file atomically (mode 0600, like every report).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from scanner.errors import UsageError
from scanner.fsutil import atomic_write

# Files of the review record per --format name.
RECORD_FILES = {"html": "review-report.html", "md": "review-report.md", "csv": "questions.csv",
                "pdf": "review-report.pdf"}


def record_files(formats: list[str]) -> list[str]:
    """The review-record files ``formats`` produce, in a fixed order."""
    return [name for fmt, name in RECORD_FILES.items() if fmt in formats]


def recorded_decisions(doc: dict[str, Any], db: Path | str | None) -> dict[str, Any]:
    """question id -> decision recorded on this scan; empty when the scan (or the history) is not there.

    A scan rendered on a machine without its history, or never recorded (``--no-history``), simply has
    no review record; the pack is written all the same.
    """
    from scanner.document import scan_id_for
    from scanner.history import open_history, resolve_db

    if not resolve_db(db).exists():
        return {}
    scan_id = str(doc.get("scan_id") or scan_id_for(doc))
    with open_history(db, create=False) as history:
        return history.decisions(scan_id)


def pdf_bytes(html: str) -> bytes:
    """The PDF of one of our HTML reports; a one-line ``UsageError`` when the pdf extra is not installed."""
    from reports.pdf import PdfUnavailable, render_pdf

    try:
        return render_pdf(html)
    except PdfUnavailable as exc:
        raise UsageError(str(exc)) from None


def write_record(doc: dict[str, Any], decisions: Mapping[str, Any], out: Path, formats: list[str]) -> list[Path]:
    """Write the review record's files named by ``formats``; nothing when no question has a decision."""
    names = record_files(formats)
    if not decisions or not names:
        return []
    from reports.record import build_record, questions_csv, render_record_html, render_record_markdown
    from scanner.document import document_lens

    none_choices = {q.id: q.none_choice or "" for q in document_lens(doc).questions()}
    record = build_record(doc, decisions, none_choices=none_choices)
    written = []
    html = render_record_html(record) if "html" in formats or "pdf" in formats else ""
    for name in names:
        if name.endswith(".html"):
            data: str | bytes = html
        elif name.endswith(".md"):
            data = render_record_markdown(record)
        elif name.endswith(".csv"):
            data = questions_csv(record)
        else:
            data = pdf_bytes(html)
        written.append(atomic_write(Path(out) / name, data))
    return written
