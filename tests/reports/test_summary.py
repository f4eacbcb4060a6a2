"""The pack a client reads: executive summary first, choices linked to AWS, passes capped per check."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from reports import build_view, render_html
from reports.summary import TOP_RISKS_SHOWN, baseline_gap, build_summary
from reports.view import CHECK_ATTENTION_SHOWN, CHECK_PASSES_SHOWN, resource_noun
from tests.reports.fixtures import ACCOUNT, sample_doc
from tests.reports.parsing import Page

BP_DOC = "https://docs.aws.amazon.com/wellarchitected/latest/framework/"


@pytest.fixture(scope="module")
def html() -> str:
    return render_html(build_view(sample_doc()))


def _section(html: str, start: str, end: str) -> str:
    return html[html.index(start):html.index(end)]


def test_the_pack_opens_with_the_summary_then_questions_then_the_appendix(html: str) -> None:
    order = [html.index(f'id="{h}"') for h in ("summary-h", "questions-h", "plan-h", "findings-h", "coverage-h",
                                                "about-h")]
    assert order == sorted(order)
    summary = Page(_section(html, 'id="summary-h"', 'id="questions-h"')).text
    assert "caller" not in summary.lower() and "API calls" not in summary, "scan metadata waits for the appendix"
    about = Page(html[html.index('id="about-h"'):]).text
    assert "API calls" in about and "arn:aws:sts::111122223333" in about


def test_summary_counts_high_and_medium_per_pillar() -> None:
    summary = build_summary(build_view(sample_doc()))
    by_name = {p.name: p for p in summary.pillars}
    assert (by_name["Security"].high, by_name["Security"].medium) == (2, 0)
    assert (by_name["Reliability"].high, by_name["Reliability"].medium, by_name["Reliability"].none) == (0, 1, 1)
    assert summary.totals.questions == sum(p.questions for p in summary.pillars)
    assert "2 High and 1 Medium" in summary.headline and ACCOUNT in summary.headline


def test_top_risks_say_what_is_wrong_the_fix_and_the_effort(html: str) -> None:
    doc = sample_doc()
    doc["improvements"][0]["effort"] = "low"
    view = build_view(doc)
    top = build_summary(view).top_risks
    assert top[0].check == "s3.bucket_not_public" and top[0].effort_label == "Low effort"
    assert top[0].failing == 2
    assert any(e.startswith("Bucket marketing-site-public is public") for e in top[0].examples)
    assert top[0].fix, "the fix comes with the risk"
    text = Page(_section(render_html(view), 'id="top-risks"', 'id="not-assessed"')).text
    assert "Low effort" in text and "Fix:" in text and "not met for 2 resources" in text


def test_top_risks_are_capped_and_the_rest_counted() -> None:
    doc = sample_doc()
    base = doc["improvements"][0]
    doc["improvements"] = [dict(base, check=f"x.check_{i}", title=f"Check {i}") for i in range(TOP_RISKS_SHOWN + 3)]
    summary = build_summary(build_view(doc))
    assert len(summary.top_risks) == TOP_RISKS_SHOWN and summary.more_risks == 3


def test_worse_than_the_survey_only_where_most_surveyed_workloads_did_better() -> None:
    view = build_view(sample_doc())
    q = {x.label: x for x in view.questions}
    # SEC 2 is High here; 42% of surveyed workloads were High, so 58% did better.
    gap = baseline_gap(q["SEC 2"])
    assert gap is not None and gap.better_pct == 58 and "no High risk" in gap.phrase
    # REL 9 is Medium; 40% were High or Medium, so 60% did better.
    assert baseline_gap(q["REL 9"]).better_pct == 60
    # OPS 1 has no suggested risk: nothing to compare.
    assert baseline_gap(q["OPS 1"]) is None
    doc = sample_doc()
    doc["suggestions"][1]["baseline"] = {"high_risk_pct": 80, "high_or_medium_pct": 95, "text": "x"}
    worse = build_view(doc)
    assert baseline_gap({x.label: x for x in worse.questions}["SEC 2"]) is None, "most surveyed were High too"
    summary = build_summary(view)
    assert [g.question.label for g in summary.baseline_gaps] == ["REL 9", "SEC 2"]


def test_summary_says_what_could_not_be_assessed(html: str) -> None:
    text = Page(_section(html, 'id="not-assessed"', 'id="questions-h"')).text
    assert "guardduty:ListDetectors" in text and "ap-east-1" in text
    assert "Missing permission" in text and "the team answers them" in text


def test_every_choice_links_to_its_aws_page(html: str) -> None:
    page = Page(_section(html, 'id="questions-h"', 'id="plan-h"'))
    links = [a["href"] for t, a in page.tags if t == "a" and a.get("href", "").startswith("https:")]
    choices = [c["choice"] for s in sample_doc()["suggestions"] for c in s["choices"]]
    assert sorted(links) == sorted(f"{BP_DOC}{c}.html" for c in choices)
    assert f'href="{BP_DOC}sec_identities_unique.html"' in html


def test_a_custom_lens_gets_no_aws_links() -> None:
    doc = sample_doc()
    doc["lens"] = {"alias": "arn:aws:wellarchitected:us-east-1:111122223333:lens/acme", "name": "ACME"}
    assert BP_DOC not in render_html(build_view(doc))


def _many_passes(n: int) -> dict[str, Any]:
    doc = sample_doc()
    template = next(f for f in doc["findings"] if f["check"] == "s3.bucket_not_public" and f["status"] == "pass")
    for i in range(n):
        extra = copy.deepcopy(template)
        extra["id"] = f"p{i:019d}"
        extra["resource"] = f"arn:aws:s3:::bucket-{i}"
        doc["findings"].append(extra)
    return doc


def test_passing_findings_are_capped_per_check_and_counted_by_kind() -> None:
    doc = _many_passes(490)
    html = render_html(build_view(doc))
    appendix = _section(html, 'id="findings-h"', 'id="coverage-h"')
    shown = appendix.count('data-status="pass"')
    check = next(c for c in build_view(doc).checks if c.id == "s3.bucket_not_public")
    assert check.counts["pass"] == 491 and len([f for f in check.shown if f.status == "pass"]) == CHECK_PASSES_SHOWN
    assert f"and {491 - CHECK_PASSES_SHOWN} more passing buckets, all in findings.csv" in Page(appendix).text
    assert shown < 491 - CHECK_PASSES_SHOWN, "the passes beyond the cap are not in the page"
    questions = _section(html, 'id="questions-h"', 'id="plan-h"')
    assert "bucket-400" not in questions, "a choice lists what needs attention, never every pass"


def test_resource_noun_from_arns() -> None:
    assert resource_noun(["arn:aws:s3:::a", "arn:aws:s3:::b"], 2) == "buckets"
    assert resource_noun(["arn:aws:ec2:us-east-1:1:instance/i-1"], 1) == "instance"
    assert resource_noun(["arn:aws:iam::1:policy/a", "arn:aws:iam::1:policy/b"], 5) == "policies"
    assert resource_noun(["arn:aws:logs:us-east-1:1:log-group:/a"], 3) == "log groups"
    assert resource_noun(["arn:aws:s3:::a", "arn:aws:ec2:us-east-1:1:instance/i-1"], 2) == "findings"
    assert resource_noun(["not an arn"], 1) == "finding"


def test_failing_findings_are_capped_too_on_a_large_account() -> None:
    doc = sample_doc()
    template = next(f for f in doc["findings"] if f["check"] == "iam.access_keys_rotated" and f["status"] == "fail")
    for i in range(CHECK_ATTENTION_SHOWN + 70):
        extra = copy.deepcopy(template)
        extra["id"] = f"u{i:019d}"
        extra["resource"] = f"arn:aws:iam::111122223333:user/u{i}"
        doc["findings"].append(extra)
    view = build_view(doc)
    check = next(c for c in view.checks if c.id == "iam.access_keys_rotated")
    assert len([f for f in check.shown if f.status == "fail"]) == CHECK_ATTENTION_SHOWN
    assert check.more_attention_text == "71 more failing users"
    html = render_html(view)
    assert "and 71 more failing users, all in findings.csv" in Page(html).text
    listed = html.count("arn:aws:iam::111122223333:user/u")
    assert listed <= CHECK_ATTENTION_SHOWN + 10, f"the rest are counted, not listed ({listed})"
