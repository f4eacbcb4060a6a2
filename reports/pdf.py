"""PDF from our own HTML reports, through WeasyPrint (the optional extra ``wa-scan[pdf]``).

The HTML is rendered with its print stylesheet (A4, page numbers, evidence left to report.html and
findings.csv), so the PDF is the document a browser's "print to PDF" gives. Nothing is fetched: the
reports are self-contained, and WeasyPrint is given no base URL, so a link is only ever a link.
"""

from __future__ import annotations

from typing import Any

INSTALL_HINT = "--format pdf needs WeasyPrint: pip install 'wa-scan[pdf]'"


class PdfUnavailable(RuntimeError):
    """WeasyPrint (or a library it needs) is not installed."""


def pdf_available() -> bool:
    """True when ``render_pdf`` can run here."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        return False
    return True


def render_pdf(html: str) -> bytes:
    """The PDF of ``html``; raises ``PdfUnavailable`` with the install hint when WeasyPrint is missing."""
    try:
        import weasyprint
    except (ImportError, OSError):  # OSError: WeasyPrint is there but its system libraries (Pango) are not
        raise PdfUnavailable(INSTALL_HINT) from None

    return weasyprint.HTML(string=html, url_fetcher=_data_only_fetcher(weasyprint)).write_pdf()


def _data_only_fetcher(weasyprint: Any) -> Any:
    """A URL fetcher that serves data: URLs and refuses everything else (our reports embed what they show)."""
    try:
        from weasyprint.urls import URLFetcher  # WeasyPrint 66 and later
    except ImportError:
        def fetch(url: str, *args: Any, **kwargs: Any) -> Any:
            if url.startswith("data:"):
                return weasyprint.default_url_fetcher(url, *args, **kwargs)
            raise ValueError(f"a report PDF fetches nothing ({url.split(':', 1)[0]}: refused)")
        return fetch
    return URLFetcher(allowed_protocols=("data",))


def render_pack_pdf(view: Any) -> bytes:
    """``report.pdf``: the review pack of ``view`` (a ``ReportView``) as printed."""
    from reports.html import render_html

    return render_pdf(render_html(view))
