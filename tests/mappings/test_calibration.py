"""Calibrated risk: links, weights and severity decide how strong a suggestion is; the plan puts first fixes first."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mappings.mapping import load_mapping
from mappings.suggest import improvement_bundles, rank_improvements, suggest
from scanner.registry import EFFORTS, CheckRegistrationError, check, discover
from tests.mappings.conftest import FAKE_CHECKS, findings

ALL_FAKE = sorted(FAKE_CHECKS)
BUCKET = "arn:aws:s3:::bucket-{}"


def write_links(path: Path, links: list[tuple[str, str, str, str, str, str]]) -> Path:
    """A TOML mapping of ``(check, question, choice, strength, on_pass, on_fail)`` links."""
    path.write_text("".join(
        f'[[link]]\ncheck = "{k}"\nquestion = "{q}"\nchoice = "{c}"\nstrength = "{s}"\non_pass = "{p}"\n'
        f'on_fail = "{f}"\nrationale = "why {k} tells about {c}"\n\n' for k, q, c, s, p, f in links))
    return path


def _q(result: list[dict[str, Any]], question: str) -> dict[str, Any]:
    return next(s for s in result if s["question"] == question)


def _c(result: list[dict[str, Any]], question: str, choice: str) -> dict[str, Any]:
    return next(c for c in _q(result, question)["choices"] if c["choice"] == choice)


@pytest.fixture
def links(tiny, tmp_path):
    """alpha -> a direct; beta -> a indicative; gamma -> b indicative, silent on a pass; delta -> a direct."""
    return load_mapping(write_links(tmp_path / "m.toml", [
        ("fake.alpha", "q1", "a", "direct", "supports", "contradicts"),
        ("fake.beta", "q1", "a", "indicative", "supports", "contradicts"),
        ("fake.gamma", "q1", "b", "indicative", "silent", "contradicts"),
        ("fake.delta", "q2", "d", "direct", "supports", "contradicts")]), lens=tiny, check_ids=ALL_FAKE)


def _buckets(check: str, status: str, start: int, n: int, severity: str = "high") -> list[dict[str, Any]]:
    return [f for i in range(start, start + n)
            for f in findings(check, status, resource=BUCKET.format(i), severity=severity)]


@pytest.mark.parametrize("fails,risk,confirmed,phrase", [
    (_buckets("fake.alpha", "fail", 0, 3, "critical"), "HIGH", None, "contradicted through a direct link"),
    (_buckets("fake.alpha", "fail", 0, 3, "low"), "MEDIUM", "HIGH",
     "MEDIUM, HIGH if the reviewer confirms it: High-risk best practice SEC01-BP01 (3 of 41 buckets fail (highest "
     "severity: low)) contradicted through a direct link only by low-severity findings"),
    (_buckets("fake.alpha", "fail", 0, 3, "info"), "MEDIUM", "HIGH", "only by info-severity findings"),
    (_buckets("fake.beta", "fail", 0, 3, "critical"), "MEDIUM", "HIGH", "only through indicative links"),
])
def test_a_high_risk_choice_makes_the_question_high_only_on_direct_findings_that_matter(
        tiny, links, fails, risk, confirmed, phrase):
    failing = {f["resource"] for f in fails}
    passes = [f for f in _buckets(fails[0]["check"], "pass", 0, 41) if f["resource"] not in failing]
    q1 = _q(suggest(fails + passes, tiny, links, checks_run=ALL_FAKE), "q1")
    assert (q1["risk"], q1["risk_if_confirmed"]) == (risk, confirmed)
    assert phrase in q1["risk_rule"], q1["risk_rule"]
    weight = _c([q1], "q1", "a")["weight"]
    assert weight["failing"] == 3 and weight["assessed"] == 41 and weight["resources"] == "buckets"
    assert weight["text"].startswith("3 of 41 buckets fail (highest severity: ")
    assert weight["firm"] is (risk == "HIGH")


def test_direct_low_and_indicative_severe_findings_together_are_still_soft(tiny, links):
    fs = _buckets("fake.alpha", "fail", 0, 1, "low") + _buckets("fake.beta", "fail", 1, 1, "critical")
    q1 = _q(suggest(fs, tiny, links, checks_run=ALL_FAKE), "q1")
    assert (q1["risk"], q1["risk_if_confirmed"]) == ("MEDIUM", "HIGH")
    assert "only through indicative links or through direct ones by low-severity findings" in q1["risk_rule"]


def test_one_firm_contradiction_is_enough_even_beside_soft_ones(tiny, links):
    fs = (_buckets("fake.alpha", "fail", 0, 1, "medium") + _buckets("fake.beta", "fail", 1, 5, "low"))
    q1 = _q(suggest(fs, tiny, links, checks_run=ALL_FAKE), "q1")
    assert q1["risk"] == "HIGH" and q1["risk_if_confirmed"] is None
    assert _c([q1], "q1", "a")["weight"]["text"] == "6 of 6 buckets fail (highest severity: medium)"


def test_a_silent_pass_neither_supports_nor_keeps_a_choice_open(tiny, links):
    fs = findings("fake.alpha", "pass") + findings("fake.beta", "pass") + findings("fake.gamma", "pass")
    result = suggest(fs, tiny, links, checks_run=ALL_FAKE)
    b = _c(result, "q1", "b")
    assert b["suggestion"] == "unknown" and "silent on a pass" in b["rationale"]
    assert b["checks"][0]["pass"] == 0  # shown, not counted
    q1 = _q(result, "q1")
    # a is supported; b (Medium) has evidence that cannot support it, so it is the reviewer's: NONE on the evidence
    assert q1["risk"] == "NONE" and "SEC01-BP02" in q1["risk_rule"] and "for the reviewer" in q1["risk_rule"]


def test_a_silent_pass_check_that_could_not_read_keeps_the_question_open(tiny, links):
    fs = (findings("fake.alpha", "pass") + findings("fake.beta", "pass")
          + findings("fake.gamma", "not_assessed", reason="access_denied", missing_permission="svc:Get"))
    q1 = _q(suggest(fs, tiny, links, checks_run=ALL_FAKE), "q1")
    assert q1["risk"] == "UNKNOWN" and "SEC01-BP02" in q1["risk_rule"]


def test_a_failing_silent_side_is_shown_but_not_counted(tiny, tmp_path):
    mapping = load_mapping(write_links(tmp_path / "s.toml", [
        ("fake.alpha", "q1", "a", "indicative", "supports", "silent")]), lens=tiny, check_ids=ALL_FAKE)
    a = _c(suggest(findings("fake.alpha", "fail"), tiny, mapping, checks_run=ALL_FAKE), "q1", "a")
    assert a["suggestion"] == "unknown" and a["checks"][0]["fail"] == 0 and a["weight"] is None


def test_a_fix_that_removes_one_of_several_contradictions_still_scores(tiny, links):
    fs = _buckets("fake.alpha", "fail", 0, 2, "critical") + _buckets("fake.beta", "fail", 2, 8, "low")
    ranked = rank_improvements(fs, tiny, links, checks_run=ALL_FAKE)
    assert [r["check"] for r in ranked] == ["fake.alpha", "fake.beta"]
    alpha, beta = ranked
    # critical outranks four times as many low findings; neither fix alone clears SEC01-BP01
    assert alpha["clears"] == [{"question": "SEC 1", "choice": "a", "bp": "SEC01-BP01", "risk": "HIGH",
                                "strength": "direct", "alone": False}]
    assert alpha["score"] > beta["score"] > 0
    # without alpha only soft evidence is left: the question drops to MEDIUM; fixing beta changes no level
    assert alpha["removes"] == {"HIGH": 1, "MEDIUM": 0} and beta["removes"] == {"HIGH": 0, "MEDIUM": 0}
    assert alpha["failing_resources"] == 2
    assert "removes one of several contradictions of SEC01-BP01 (High)" in alpha["why"]


def test_effort_breaks_ties_and_defaults_to_medium(tiny, links):
    fs = _buckets("fake.alpha", "fail", 0, 1) + _buckets("fake.delta", "fail", 1, 1)
    meta = {"fake.delta": {"effort": "low"}}
    ranked = rank_improvements(fs, tiny, links, meta, checks_run=ALL_FAKE)
    assert [(r["check"], r["effort"]) for r in ranked][:1] == [("fake.alpha", "medium")] or ranked[0]["score"] != \
        ranked[1]["score"]
    assert {r["check"]: r["effort"] for r in ranked} == {"fake.alpha": "medium", "fake.delta": "low"}


def test_bundles_name_the_checks_that_together_clear_a_question(tiny, links):
    fs = (_buckets("fake.alpha", "fail", 0, 1) + _buckets("fake.beta", "fail", 1, 1)
          + findings("fake.gamma", "pass") + findings("fake.delta", "pass"))
    bundles = improvement_bundles(fs, tiny, links, checks_run=ALL_FAKE)
    assert bundles == [{"question": "q1", "label": "SEC 1", "from": "HIGH", "to": "NONE",
                        "checks": ["fake.alpha", "fake.beta"]}]


@pytest.mark.parametrize("effort", ["", "tiny", "LOW", None])
def test_effort_is_validated_when_a_check_registers(effort):
    with pytest.raises(CheckRegistrationError, match="effort must be one of low, medium, high"):
        check(id="fake.effortful", title="t", service="s", severity="low", description="d", remediation="r",
              reads=["s3:ListBuckets"], effort=effort)(lambda ctx: [])


def test_every_built_in_check_declares_an_effort():
    efforts = {cid: reg.meta.effort for cid, reg in discover().items()}
    assert set(efforts.values()) <= set(EFFORTS)
    assert efforts["iam.root_no_access_keys"] == "low" and efforts["rds.storage_encrypted"] == "high"
    assert check(id="fake.plain", title="t", service="s", severity="low", description="d", remediation="r",
                 reads=["s3:ListBuckets"])(lambda ctx: []).__wa_scan_check__.effort == "medium"


# --- the demo account ----------------------------------------------------------------------------

def test_demo_no_question_is_high_on_indicative_links_or_low_findings_alone(demo_scan):
    doc, _ = demo_scan
    for s in doc["suggestions"]:
        if s["risk"] != "HIGH":
            continue
        firm = [c for c in s["choices"] if c["suggestion"] == "contradicted" and c["risk"] == "HIGH"
                and any(k["fail"] and k["strength"] == "direct" and k["severity"] not in ("low", "info")
                        for k in c["checks"])]
        assert firm, f"{s['label']} is HIGH without a direct contradiction of medium severity or worse"
    softened = [s for s in doc["suggestions"] if s["risk_if_confirmed"] == "HIGH"]
    assert softened and all(s["risk"] == "MEDIUM" and "HIGH if the reviewer confirms" in s["risk_rule"]
                            for s in softened)


def test_demo_has_a_question_with_clean_evidence_that_comes_out_none(demo_scan):
    doc, _ = demo_scan
    clean = [s for s in doc["suggestions"] if s["risk"] == "NONE"]
    assert clean, "no question comes out NONE on the demo"
    for s in clean:
        assert not any(c["suggestion"] == "contradicted" and c["risk"] in ("HIGH", "MEDIUM") for c in s["choices"])
        assert any(c["suggestion"] == "supported" for c in s["choices"])


def test_demo_plan_puts_the_critical_failures_first_and_shows_effort(demo_scan):
    doc, _ = demo_scan
    plan = doc["improvements"]
    top5 = [i["check"] for i in plan[:5]]
    critical = {i["check"] for i in plan if i["severity"] == "critical"}
    assert {"iam.root_no_access_keys", "s3.bucket_not_public"} <= critical & set(top5), top5
    assert all(i["severity"] == "critical" for i in plan[:2])
    # a High-risk data-protection gap (backups or access to stored data) is in the top five too
    assert any(c["bp"].startswith(("SEC08", "REL09")) and c["risk"] == "HIGH"
               for i in plan[:5] for c in i["clears"] if i["check"] not in critical)
    assert all(i["effort"] in EFFORTS and i["why"] for i in plan)
    assert all(i["score"] > 0 for i in plan if i["clears"])  # a fix that clears nothing (silent fails) scores 0
    assert plan == sorted(plan, key=lambda i: -i["score"])
    assert doc["improvement_bundles"] and all(b["checks"] for b in doc["improvement_bundles"])


@pytest.mark.parametrize("arn,kind", [
    ("arn:aws:s3:::payments-data", "bucket"),
    ("arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/f1", "log group"),
    ("arn:aws:rds:eu-west-1:123456789012:cluster:orders", "database"),
    ("arn:aws:ecs:eu-west-1:123456789012:cluster/web", "cluster"),
    ("arn:aws:ec2:eu-west-1:123456789012:security-group/sg-1", "security group"),
    ("arn:aws:guardduty:eu-west-1:123456789012:account", "region"),
    ("arn:aws:iam::123456789012:root", "account"),
    ("arn:aws:sqs:eu-west-1:123456789012:orders", "queue"),
    ("arn:aws:apigateway:eu-west-1::/restapis/a1/stages/prod", "stage"),
    ("not-an-arn", "resource"),
])
def test_weights_name_the_kind_of_resource(arn, kind):
    from mappings.suggest import _kind

    assert _kind(arn) == kind

