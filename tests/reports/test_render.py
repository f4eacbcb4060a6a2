"""The reports of a scan with suggestions: content, order, coverage, risk register, files and modes."""

from __future__ import annotations

import os
import re
import stat

import pytest

from reports import build_view, render_html, render_markdown, render_reports
from reports.tables import REGISTER_COLUMNS, findings_csv, register_csv
from scanner.fsutil import atomic_write
from tests.reports.fixtures import EVIL_NAME, EVIL_TAG, sample_doc
from tests.reports.parsing import Page, csv_rows

BP_DOC_PREFIX = "https://docs.aws.amazon.com/wellarchitected/latest/framework/"


@pytest.fixture(scope="module")
def html() -> str:
    return render_html(build_view(sample_doc()))


@pytest.fixture(scope="module")
def page(html: str) -> Page:
    return Page(html)


@pytest.fixture(scope="module")
def md() -> str:
    return render_markdown(build_view(sample_doc()))


def test_html_is_self_contained(html: str, page: Page) -> None:
    for tag, attrs in page.tags:
        for name in ("src", "href", "action", "data", "poster"):
            value = attrs.get(name) or ""
            if tag == "a" and name == "href" and value.startswith(BP_DOC_PREFIX):
                continue  # a link the reader may follow; nothing is fetched
            assert not re.match(r"^\s*(https?:|//)", value, re.I), (tag, name, value)
        assert tag not in ("iframe", "object", "embed", "base", "img", "form"), tag
    assert "http://" not in html.replace("http://www.w3.org/2000/svg", "").replace("http://x", "")
    icon = [a for t, a in page.tags if t == "link" and a.get("rel") == "icon"]
    assert len(icon) == 1 and icon[0]["href"].startswith("data:image/svg+xml,")
    assert not [a for t, a in page.tags if t == "link" and a.get("rel") == "stylesheet"]
    assert [t for t, _ in page.tags].count("script") == 1
    assert [t for t, _ in page.tags].count("style") == 1
    csp = [a["content"] for t, a in page.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert csp and "default-src 'none'" in csp[0] and "script-src 'sha256-" in csp[0]


def test_csp_hashes_match_the_inline_blocks(html: str) -> None:
    from reports import content_security_policy

    css = re.search(r"<style>(.*?)</style>", html, re.S).group(1)
    script = re.search(r"<script>(.*?)</script>", html, re.S).group(1)
    csp = [a["content"] for t, a in Page(html).tags if t == "meta" and a.get("http-equiv")]
    assert csp == [content_security_policy(css, script)]


def test_header_names_account_regions_time_and_version(page: Page) -> None:
    text = page.text
    for expected in ("111122223333", "us-east-1, eu-west-1", "2026-03-02T10:14:30Z", "wa-scan 0.1.0",
                     "1 min 35 s", "AWS Well-Architected Framework (2024-06-27)", "ap-east-1"):
        assert expected in text, expected


def test_pillar_summary_counts_questions_by_risk(page: Page) -> None:
    view = build_view(sample_doc())
    assert [(p.name, p.counts) for p in view.pillars] == [
        ("Operational Excellence", {"HIGH": 0, "MEDIUM": 0, "NONE": 0, "UNKNOWN": 1}),
        ("Security", {"HIGH": 2, "MEDIUM": 0, "NONE": 0, "UNKNOWN": 1}),
        ("Reliability", {"HIGH": 0, "MEDIUM": 1, "NONE": 1, "UNKNOWN": 0}),
    ]
    rects = [a for t, a in page.tags if t == "rect" and a.get("fill") == "#b71c1c"]
    assert rects, "the chart draws the High segment"
    assert "Security: 2 High" in page.text
    assert page.by_id("pillar-summary")[0] == "div"


def test_questions_follow_the_wa_tool_order(html: str) -> None:
    labels = re.findall(r'<details class="question" id="[^"]+"[^>]*>\s*<summary><span class="mono">([^<]+)</span>',
                        html)
    assert labels == ["OPS 1", "SEC 2", "SEC 3", "SEC 4", "REL 9", "REL 10"]


def test_choices_show_suggestion_findings_evidence_and_remediation(page: Page) -> None:
    text = page.text
    assert "Use temporary credentials" in text and "Contradicted" in text and "Partial" in text
    assert "IAM user alice: key 1 is 200 days old (limit 90)" in text
    assert "iam:GenerateCredentialReport, iam:GetCredentialReport" in text
    assert "key_age_days" in text and "2026-03-02T10:15:00Z" in text
    assert "Replace long-lived keys with roles." in text
    assert "No automated evidence: the reviewer answers this one." in text


def test_baseline_is_shown_beside_the_suggestion(page: Page) -> None:
    assert "42% High risk" in page.text and "71% High or Medium risk" in page.text
    assert "77% rated Well-Architected" in page.text and "Identity was among the most common gaps." in page.text


def test_improvement_plan_keeps_the_mapping_order(page: Page, html: str) -> None:
    plan = html[html.index('id="plan-h"'):html.index('id="coverage-h"')]
    order = [plan.index(t) for t in ("S3 buckets are not public", "Active IAM access keys", "Data stores are")]
    assert order == sorted(order)
    assert "removes" in plan and "1 High" in plan


def test_coverage_names_permission_reason_and_disabled_region(html: str) -> None:
    cov = Page(html[html.index('id="coverage-h"'):html.index('id="about-h"')]).text
    assert "guardduty:ListDetectors" in cov
    assert "Missing permission" in cov and "Service not enabled or not subscribed" in cov
    assert "ap-east-1" in cov
    assert "rds.multi_az" in cov, "a check with no findings is listed, not silently passed"
    assert "OPS 1" in cov and "SEC 4" in cov


def test_findings_by_check_put_failing_first(html: str) -> None:
    section = html[html.index('id="findings-h"'):]
    ids = re.findall(r'<details class="check[^"]*" id="check-([^"]+)"', section)
    assert ids[:4] == ["s3.bucket_not_public", "backup.resources_protected", "iam.access_keys_rotated",
                       "ec2.instance_has_role"]
    assert ids.index("guardduty.enabled") < ids.index("rds.multi_az")


def test_account_data_is_escaped_in_html(html: str, page: Page) -> None:
    assert EVIL_NAME not in html and "</td><img" not in html
    assert not any(t == "img" for t, _ in page.tags)
    assert not any(k.startswith("on") for _, attrs in page.tags for k in attrs)
    assert EVIL_NAME in page.text and EVIL_TAG in page.text, "shown as text, not dropped"


def test_markdown_has_the_same_sections_and_escapes(md: str) -> None:
    for heading in ("## Executive summary", "## Questions, in Well-Architected Tool order", "## Improvement plan",
                    "## Appendix: what could not be assessed", "## Appendix: every finding, by check",
                    "## Appendix: about this scan"):
        assert heading in md
    assert "| Security | 2 | 0 | 0 | 1 | 3 |" in md
    assert md.index("#### OPS 1") < md.index("#### SEC 2") < md.index("#### REL 9")
    assert "<" not in md, "no raw HTML from account data"
    assert "&lt;script&gt;" in md
    assert r"\|=cmd\|" in md, "a pipe in a cell is escaped"
    for line in md.splitlines():
        if line.startswith("| Fail | global | arn:aws:s3:::&lt;script"):
            assert len(re.findall(r"(?<!\\)\|", line)) == 8


def test_findings_csv_has_one_row_per_finding() -> None:
    rows = csv_rows(findings_csv(build_view(sample_doc())))
    assert rows[0][:8] == ["check", "status", "severity", "account", "region", "resource", "message", "wa_choices"]
    assert len(rows) == 1 + len(sample_doc()["findings"])
    by_id = {r[-1]: r for r in rows[1:]}
    alice = by_id["f0000000000000000004"]
    assert alice[:3] == ["iam.access_keys_rotated", "fail", "high"]
    assert "SEC 2 SEC02-BP02: Use temporary credentials" in alice[7]
    assert "SEC 2 SEC02-BP04" in alice[7]
    denied = by_id["f0000000000000000007"]
    assert denied[8:10] == ["access_denied", "guardduty:ListDetectors"]


def test_csv_cells_cannot_start_a_formula() -> None:
    doc = sample_doc()
    doc["findings"][0]["message"] = "=HYPERLINK(\"http://evil\",\"x\")"
    doc["findings"][1]["resource"] = "+cmd"
    doc["findings"][2]["region"] = "@SUM(1)"
    doc["findings"][3]["message"] = "-2+3"
    doc["findings"][4]["message"] = "\tTAB"
    doc["findings"][5]["resource"] = "\r=x"
    view = build_view(doc)
    for text in (findings_csv(view), register_csv(view)):
        for row in csv_rows(text):
            for cell in row:
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    assert "'=HYPERLINK" in findings_csv(view)


def test_risk_register_derivation() -> None:
    rows = csv_rows(register_csv(build_view(sample_doc())))
    assert rows[0] == list(REGISTER_COLUMNS)
    by_ref = {r[0]: dict(zip(REGISTER_COLUMNS, r, strict=True)) for r in rows[1:]}
    assert list(by_ref) == ["s3.bucket_not_public", "iam.access_keys_rotated", "backup.resources_protected",
                            "ec2.instance_has_role"], "failing checks only, improvement-plan order first"
    # critical -> impact High; contradicted HIGH choice -> likelihood High
    assert (by_ref["s3.bucket_not_public"]["Likelihood"], by_ref["s3.bucket_not_public"]["Impact"]) == ("High", "High")
    # high severity, contradicted MEDIUM choice only
    assert (by_ref["backup.resources_protected"]["Likelihood"],
            by_ref["backup.resources_protected"]["Impact"]) == ("Medium", "High")
    # medium severity, contradicted HIGH choice
    assert (by_ref["ec2.instance_has_role"]["Likelihood"], by_ref["ec2.instance_has_role"]["Impact"]) == (
        "High", "Medium")
    assert "SEC 3" in by_ref["s3.bucket_not_public"]["Risk"]
    assert "Turn on S3 Block Public Access" in by_ref["s3.bucket_not_public"]["Mitigation"]
    assert "wa-scan --checks backup.resources_protected --region us-east-1" in by_ref[
        "backup.resources_protected"]["Runbook action"]
    assert "DynamoDB table sessions" in by_ref["backup.resources_protected"]["Observation"]


def test_risk_register_without_mapping_asks_the_reviewer() -> None:
    doc = sample_doc()
    del doc["suggestions"], doc["improvements"]
    rows = csv_rows(register_csv(build_view(doc)))
    by_ref = {r[0]: dict(zip(REGISTER_COLUMNS, r, strict=True)) for r in rows[1:]}
    assert by_ref["backup.resources_protected"]["Likelihood"] == "Medium"
    assert "reviewer to rate" in by_ref["backup.resources_protected"]["Notes"]
    assert by_ref["s3.bucket_not_public"]["Likelihood"] == "High", "critical raises likelihood"


def _write(files: dict, out) -> list:
    return [atomic_write(out / name, data) for name, data in files.items()]


def test_render_reports_returns_chosen_formats_written_privately(tmp_path) -> None:
    written = _write(render_reports(sample_doc(), ["html", "csv"]), tmp_path)
    assert [p.name for p in written] == ["report.html", "findings.csv", "risk-register.csv"]
    for p in written:
        assert stat.S_IMODE(os.stat(p).st_mode) == 0o600
    assert not (tmp_path / "report.md").exists()
    assert render_reports(sample_doc(), []) == {}
    with pytest.raises(ValueError):
        render_reports(sample_doc(), ["docx"])


def test_minimal_document_renders(tmp_path) -> None:
    doc = {"schema_version": "1.0", "account": "111122223333", "findings": [
        {"id": "x1", "check": "gone.check", "status": "fail", "severity": "high", "account": "111122223333",
         "region": "us-east-1", "resource": "arn:aws:x:us-east-1:111122223333:thing/a", "message": "broken"}]}
    written = _write(render_reports(doc, ["html", "md", "csv"]), tmp_path)
    page = Page((tmp_path / "report.html").read_text())
    assert "broken" in page.text and "no suggested answers" in page.text
    assert "not installed" in page.text, "a check this wa-scan does not have degrades, never crashes"
    assert "ordered by severity" in page.text
    assert len(written) == 4
    rows = csv_rows((tmp_path / "risk-register.csv").read_text())
    assert rows[1][0] == "gone.check"
