"""The demo scan's reports: written beside scan.json, private, and about the demo account."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import Any

from reports.tables import REGISTER_COLUMNS
from tests.reports.browsing import Opened, needs_chromium
from tests.reports.parsing import Page, csv_rows


def test_demo_writes_every_report(demo_scan: tuple[dict, Path]) -> None:
    doc, out = demo_scan
    for name in ("report.html", "report.md", "findings.csv", "risk-register.csv"):
        assert (out / name).stat().st_size > 0, name
        assert stat.S_IMODE(os.stat(out / name).st_mode) == 0o600, name


def test_demo_html_content(demo_scan: tuple[dict, Path]) -> None:
    doc, out = demo_scan
    html = (out / "report.html").read_text()
    page = Page(html)
    assert doc["account"] in page.text and "us-east-1, eu-west-1" in page.text
    assert f"wa-scan {doc['tool']['version']}" in page.text
    public = next(f for f in doc["findings"] if f["check"] == "s3.bucket_not_public" and f["status"] == "fail"
                  and f["resource"].endswith("demo-marketing-site"))
    tag, attrs = page.by_id(f"f-{public['id']}")
    assert tag == "tr" and attrs["data-status"] == "fail"
    assert public["message"] in page.text
    pillars = {s["pillar_name"] for s in doc.get("suggestions") or []}
    for name in pillars:
        assert name in page.text
    labels = [s["label"] for s in doc.get("suggestions") or []]
    start = html.index('id="questions-h"')
    positions = [html.find(f'<span class="mono">{label}</span>', start) for label in labels]
    assert -1 not in positions
    assert positions == sorted(positions), "questions in the order of the suggestions"
    assert [t for t, _ in page.tags].count("script") == 1


def test_demo_markdown_and_csv(demo_scan: tuple[dict, Path]) -> None:
    doc, out = demo_scan
    md = (out / "report.md").read_text()
    assert md.startswith(f"# Well-Architected review pack: account {doc['account']}")
    assert "demo-marketing-site" in md
    rows = csv_rows((out / "findings.csv").read_text())
    assert len(rows) == 1 + len(doc["findings"])
    register = csv_rows((out / "risk-register.csv").read_text())
    assert register[0] == list(REGISTER_COLUMNS)
    failing_checks = {f["check"] for f in doc["findings"] if f["status"] == "fail"}
    assert {r[0] for r in register[1:]} == failing_checks
    assert all(r[3] in ("High", "Medium", "Low") and r[4] in ("High", "Medium", "Low") for r in register[1:])


# The printed pack is a document a client reads: the demo's stays within this many pages.
DEMO_PRINT_PAGES = 40


@needs_chromium
def test_demo_report_in_the_browser_and_printed(browser: Any, demo_scan: tuple[dict, Path]) -> None:
    # One load of the pack (about 4 s of Chromium's CPU for the demo's 2 MB) for the printed page counts,
    # then the filters; printing first, so the filters' state cannot change what is printed.
    _, out = demo_scan
    view = Opened(browser, out / "report.html")
    page = view.page
    try:
        for paper in ("A4", "Letter"):
            pages = len(re.findall(rb"/Type\s*/Page[^s]", page.pdf(format=paper)))
            assert 3 <= pages <= DEMO_PRINT_PAGES, (paper, pages)
        assert page.locator("#pillar-summary").is_visible()
        public = page.locator("[id='check-s3.bucket_not_public'] tr[data-filter='finding']",
                              has_text="demo-marketing-site")
        public.scroll_into_view_if_needed()
        assert public.is_visible() and "Fail" in public.inner_text()
        page.select_option("#filter-status", "pass")
        assert not public.is_visible()
        assert view.problems() == []
    finally:
        view.close()


def test_demo_pack_opens_with_the_summary_and_links_every_choice(demo_scan: tuple[dict, Path]) -> None:
    doc, out = demo_scan
    html = (out / "report.html").read_text()
    assert html.index('id="summary-h"') < html.index('id="questions-h"') < html.index('id="findings-h"')
    choices = {c["choice"] for s in doc["suggestions"] for c in s["choices"]}
    linked = set(re.findall(r'href="https://docs\.aws\.amazon\.com/wellarchitected/latest/framework/(\w+)\.html"',
                            html))
    assert choices <= linked, sorted(choices - linked)[:5]
