"""Drift between two scans: the comparison, the three renderings, the diff and drift commands."""

from __future__ import annotations

import json
from html import unescape

import pytest

from reports.drift import render_drift
from reports.html import csp_hash
from scanner.cli import main
from scanner.drift import compare
from scanner.history import open_history, record_scan
from scanner.review.decisions import Decision, Draft
from tests.workflow.fixtures import IAM, base_findings, finding, make_doc


def _later() -> list[dict]:
    """The account a month on: carol's stale key, GuardDuty fixed, the public bucket deleted, a new bucket."""
    out = [f for f in base_findings() if "site" not in f["resource"] and "eu-west-1" not in f["region"]]
    out += [
        finding("iam.access_keys_rotated", "global", IAM + "carol", "fail",
                "IAM user carol: key 1 is 120 days old (limit 90)"),
        finding("iam.access_keys_rotated", "global", IAM + "dave", "fail",
                "IAM user dave: key 2 is 95 days old (limit 90)"),
        finding("guardduty.enabled", "eu-west-1", "arn:aws:guardduty:eu-west-1:123456789012:detector/d2", "pass",
                "GuardDuty detector d2 is enabled", "high"),
        finding("s3.bucket_not_public", "global", "arn:aws:s3:::logs", "pass", "Bucket logs is private", "critical"),
    ]
    return out


@pytest.fixture
def pair():
    old = make_doc(base_findings())
    new = make_doc(_later(), started="2025-02-01T00:00:00Z")
    # SEC 2 goes from MEDIUM to HIGH in this (made-up) rule, so the reason must name the new failures.
    new["suggestions"][0]["risk"] = "HIGH"
    return old, new


def test_compare_names_every_kind_of_change(pair):
    old, new = pair
    report = compare(old, new)

    assert report["summary"] == {"new_failures": 2, "resolved_failures": 2, "resources_appeared": 4,
                                 "resources_gone": 1, "checks_changed": 2, "risk_changes": 3}
    assert [f["resource"].rsplit("/", 1)[-1] for f in report["new_failures"]] == ["carol", "dave"]
    assert {f["resource"][-4:]: f["now"] for f in report["resolved_failures"]} == {"site": "gone",
                                                                                 "ount": "cleared"}
    assert [r["resource"] for r in report["resources_gone"]] == ["arn:aws:s3:::site"]
    assert "arn:aws:s3:::logs" in [r["resource"] for r in report["resources_appeared"]]
    assert {(c["check"], c["old"], c["new"]) for c in report["checks_changed"]} == {
        ("guardduty.enabled", "fail", "pass"), ("s3.bucket_not_public", "fail", "pass")}
    texts = {r["label"]: r["text"] for r in report["risk_changes"]}
    assert texts["SEC 2"].startswith("SEC 2: MEDIUM -> HIGH because 2 resources now fail")
    assert "Access keys are rotated" in texts["SEC 2"] and "carol" in texts["SEC 2"]
    assert texts["SEC 4"] == "SEC 4: HIGH -> NONE because fixed: GuardDuty has no detector in eu-west-1"


def test_renderings(pair):
    old, new = pair
    carol = next(f for f in new["findings"] if f["resource"].endswith("carol"))
    carol["message"] = "IAM user carol <script>alert(1)</script> | *key* is old"
    report = compare(old, new)
    md = render_drift(report, "md")
    assert "## New failures" in md and "IAM user carol &lt;script&gt;" in md and "<script>" not in md
    assert "\\| \\*key\\* is old" in md  # no table break, no emphasis
    assert "SEC 2" in md and "MEDIUM -> **HIGH**" in md
    html = render_drift(report, "html")
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert "Content-Security-Policy" in html and "<link" not in html  # self-contained
    css = html.split("<style>", 1)[1].split("</style>", 1)[0]
    assert csp_hash(css) in unescape(html)  # the policy allows exactly our stylesheet
    assert "IAM user carol" in html
    assert json.loads(render_drift(report, "json"))["summary"]["new_failures"] == 2


def test_diff_files_and_fail_on_new(pair, tmp_path, capsys):
    old, new = pair
    (tmp_path / "old.json").write_text(json.dumps(old))
    (tmp_path / "new.json").write_text(json.dumps(new))
    db = tmp_path / "empty.db"
    args = ["diff", str(tmp_path / "old.json"), str(tmp_path / "new.json"), "--db", str(db)]

    assert main(args + ["--fail-on-new", "high"]) == 0  # the new failures are medium
    assert "# Drift for account 123456789012" in capsys.readouterr().out
    assert main(args + ["--fail-on-new", "medium", "--out", str(tmp_path / "d.html")]) == 1
    assert (tmp_path / "d.html").read_text().startswith("<!DOCTYPE html>")
    assert main(args + ["--out", str(tmp_path / "d.json")]) == 0
    assert json.loads((tmp_path / "d.json").read_text())["summary"]["new_failures"] == 2


def test_drift_command_uses_the_history_and_shows_review_decisions(pair, tmp_path, capsys):
    old, new = pair
    db = tmp_path / "h.db"
    first = record_scan(old, db)
    with open_history(db) as h:
        h.save_decisions(first, [Decision("permissions", {"sec_permissions_share_securely":
                                                           {"status": "unselected"}}, "", "jane"),
                                 Decision("identities", {"sec_identities_audit": {"status": "unselected"}}, "",
                                          "jane")])
    assert main(["drift", "--db", str(db)]) == 2  # one scan only
    assert "drift needs two" in capsys.readouterr().err
    record_scan(new, db)

    assert main(["drift", "--db", str(db), "--format", "json", "--account", "123456789012"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["summary"]["new_failures"] == 2
    assert report["review"]["evidence_changed"] == ["SEC 2", "SEC 3"]  # both questions' evidence moved
    with open_history(db) as h:  # a draft on the new scan is no decision: drift never counts it
        h.save_draft(h.resolve(None), Draft("detect-investigate-events", {}, "", "jane"))
    assert main(["drift", "--db", str(db), "--format", "json", "--account", "123456789012"]) == 0
    review = json.loads(capsys.readouterr().out)["review"]
    assert review["confirmed"] == [] and review["kept"] == [] and "SEC 4" not in str(review)
    assert main(["diff", first, "latest", "--db", str(db)]) == 0
    assert "Evidence changed since review (to look at again): SEC 2, SEC 3" in capsys.readouterr().out
