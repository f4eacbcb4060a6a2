"""report.html in a real browser (headless Chromium through Playwright): visible, filterable, quiet.

Needs the Debian ``chromium`` package at /usr/bin/chromium (CI installs it through ``.ci/browser``);
Playwright's own browser download is never used.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from reports import render_reports
from tests.reports.browsing import Opened, needs_chromium
from tests.reports.fixtures import sample_doc

pytestmark = needs_chromium

@pytest.fixture
def fixture_report(tmp_path: Path) -> Path:
    path = tmp_path / "report.html"
    path.write_text(render_reports(sample_doc(), ["html"])["report.html"])
    return path


def test_summary_and_failing_finding_are_visible(browser: Any, fixture_report: Path) -> None:
    view = Opened(browser, fixture_report)
    page = view.page
    try:
        assert page.locator("#pillar-summary").is_visible()
        assert page.locator("#pillar-summary table").get_by_text("Security").is_visible()
        alice = page.locator("#f-f0000000000000000004")
        alice.scroll_into_view_if_needed()
        assert alice.is_visible()
        assert "IAM user alice: key 1 is 200 days old" in alice.inner_text()
        assert page.locator("#filters").is_visible(), "the script shows the filter bar"
        assert view.requests == [fixture_report.as_uri()], "the page fetches nothing"
        assert view.problems() == []
    finally:
        view.close()


def test_filters_hide_and_show(browser: Any, fixture_report: Path) -> None:
    view = Opened(browser, fixture_report)
    page = view.page
    try:
        alice, bob = page.locator("#f-f0000000000000000004"), page.locator("#f-f0000000000000000005")
        sec2, rel9 = page.locator("[id='q-security.identities']"), page.locator("[id='q-reliability.backing-up-data']")
        assert "Showing 6 of 6 questions, 11 of 11 findings" in page.locator("#filter-count").inner_text()

        page.select_option("#filter-status", "pass")
        assert not alice.is_visible()
        bob.scroll_into_view_if_needed()
        assert bob.is_visible()
        assert "4 of 11 findings" in page.locator("#filter-count").inner_text()

        page.select_option("#filter-status", "")
        page.select_option("#filter-pillar", "reliability")
        assert not sec2.is_visible() and rel9.is_visible()
        assert not page.locator("[id='check-s3.bucket_not_public']").is_visible(), "checks of other pillars hide"
        assert page.locator("[id='check-backup.resources_protected']").is_visible()
        assert not page.locator("#plan li", has_text="S3 buckets are not public").is_visible()
        assert page.locator("#plan li", has_text="Data stores are backed up").is_visible()

        page.select_option("#filter-pillar", "")
        page.select_option("#filter-risk", "HIGH")
        assert sec2.is_visible() and not rel9.is_visible()
        page.select_option("#filter-severity", "critical")
        assert "Showing 1 of 6 questions" in page.locator("#filter-count").inner_text(), "only SEC 3 has both"

        page.click("#filter-reset")
        assert rel9.is_visible() and sec2.is_visible()
        page.click("#collapse-all")
        assert not page.locator("#f-f0000000000000000004").is_visible()
        page.click("#expand-all")
        assert alice.is_visible()
        assert view.problems() == []
    finally:
        view.close()


def test_hostile_account_data_stays_text(browser: Any, fixture_report: Path) -> None:
    view = Opened(browser, fixture_report)
    page = view.page
    try:
        assert page.evaluate("document.scripts.length") == 1
        assert page.evaluate("document.querySelectorAll('img').length") == 0
        row = page.locator("#f-f0000000000000000003")
        assert "<script>alert(\"x\")</script>" in row.inner_text()
        page.click("#expand-all")
        assert view.dialogs == [] and view.problems() == []
    finally:
        view.close()


def test_works_without_javascript(browser: Any, fixture_report: Path) -> None:
    view = Opened(browser, fixture_report, javascript=False)
    page = view.page
    try:
        assert not page.locator("#filters").is_visible(), "no dead controls without the script"
        assert page.locator("#pillar-summary").is_visible()
        ops1 = page.locator("[id='q-operationalExcellence.priorities']")
        body = ops1.get_by_text("Evaluate external customer needs")
        assert not body.is_visible(), "closed by default (needs a reviewer)"
        ops1.locator("summary").click()
        assert body.is_visible(), "details/summary expands without JavaScript"
    finally:
        view.close()


def test_print_shows_every_detail(browser: Any, fixture_report: Path) -> None:
    view = Opened(browser, fixture_report, javascript=False)
    page = view.page
    try:
        question = page.locator("[id='q-operationalExcellence.priorities'] .choice").first
        assert not question.is_visible(), "a question with no risk starts closed"
        failing = page.locator("#f-f0000000000000000004")
        page.emulate_media(media="print")
        assert question.is_visible(), "closed details are expanded when printing, even without the script"
        assert failing.is_visible(), "every failing finding is printed in the appendix"
        assert not failing.locator("details.evidence").is_visible(), "evidence stays in report.html and findings.csv"
        assert not page.locator("#f-f0000000000000000005").is_visible(), "passing findings are counted, not printed"
        assert not page.locator("nav.toc").is_visible()
        pdf = page.pdf()
        assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    finally:
        view.close()


def test_review_report_renders_cleanly_and_prints(browser: Any, tmp_path: Path) -> None:
    from reports.record import build_record, render_record_html

    decisions = {"identities": {"choices": {"sec_identities_unique": {"status": "selected"}},
                                "note": "Keys go in March.", "reviewer": "dana",
                                "decided_at": "2026-03-03T14:05:00Z", "source": "review"}}
    path = tmp_path / "review-report.html"
    path.write_text(render_record_html(build_record(sample_doc(), decisions)))
    view = Opened(browser, path)
    page = view.page
    try:
        assert page.locator("#record-pillars").is_visible()
        row = page.locator("tr.differs", has_text="Use temporary credentials")
        assert row.is_visible(), "a choice where the reviewer differs from the suggestion stands out"
        assert page.locator("blockquote.note-text", has_text="Keys go in March.").is_visible()
        assert view.problems() == [], "no blocked style, no script, no console error"
        pdf = page.pdf(format="A4")
        assert pdf.startswith(b"%PDF")
    finally:
        view.close()
