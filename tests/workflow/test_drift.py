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
                                 "resources_gone": 1, "checks_changed": 2, "risk_changes": 3,
                                 "scope_differs": False, "messages_changed": 0, "setup_differs": 0}
    assert report["setup"] == [], "made the same way"
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
    with open_history(db) as h:  # a draft on the new scan is no decision: drift lists it apart, as one to finish
        h.save_draft(h.resolve(None), Draft("detect-investigate-events", {}, "", "jane"))
    assert main(["drift", "--db", str(db), "--format", "json", "--account", "123456789012"]) == 0
    review = json.loads(capsys.readouterr().out)["review"]
    assert review["confirmed"] == [] and review["kept"] == [] and review["drafts"] == ["SEC 4"]
    assert main(["diff", first, "latest", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "Evidence changed since review (to look at again): SEC 2, SEC 3" in out
    assert "Drafts carried over, not confirmed (to finish): SEC 4" in out


def test_drift_says_when_the_scans_were_made_differently(pair):
    old, new = pair
    new = json.loads(json.dumps(new))
    new["checks"] = [c for c in new["checks"] if c["id"] != "guardduty.enabled"]
    new["checks"][0]["options"] = {"max_key_age_days": 120}
    new["lens"] = {**new["lens"], "version": "2025-06-01"}
    old["mapping"] = {"files": ["wellarchitected/core.toml"], "links": 400}
    new["mapping"] = {"files": ["wellarchitected/core.toml", "wellarchitected/extra.toml"], "links": 436}
    new["regions"] = ["us-east-1"]
    report = compare(old, new)
    setup = {d["what"]: d for d in report["setup"]}
    assert list(setup) == ["options", "checks", "lens", "mapping", "regions"]
    assert setup["options"]["new"] == 'iam.access_keys_rotated {"max_key_age_days": 120}'
    assert setup["options"]["old"] == "defaults"
    assert setup["checks"]["detail"] == "only in the old scan: guardduty.enabled"
    assert setup["lens"]["old"].endswith("test") and setup["lens"]["new"].endswith("2025-06-01")
    assert setup["mapping"]["detail"] == "files only in the new scan: wellarchitected/extra.toml"
    assert setup["regions"]["new"] == "us-east-1"
    assert report["summary"]["setup_differs"] == 5
    # A scope on one side only is named there too (the scope developer's own paragraph renders it).
    scoped = json.loads(json.dumps(new))
    scoped["scope"] = {"rules": {"include_tags": ["app=shop"], "exclude_tags": [], "exclude_arns": []},
                       "excluded": {"count": 0, "list": []}}
    assert [d["what"] for d in compare(old, scoped)["setup"]][-2:] == ["scope", "regions"]
    md = render_drift(report, "md")
    assert "**The two scans were made differently**" in md
    assert "- lens: old `AWS Well-Architected Framework test`, new `AWS Well-Architected Framework 2025-06-01`" in md
    html = unescape(render_drift(report, "html"))
    assert 'id="setup-differs"' in html and "only in the old scan: guardduty.enabled" in html
    assert "made differently" not in render_drift(compare(old, old), "md")


def test_drift_shows_the_new_message_beside_the_old(pair):
    old, new = pair
    new = json.loads(json.dumps(new))
    alice = next(f for f in new["findings"] if f["resource"].endswith("alice"))
    alice["message"] = "IAM user alice: key 1 is 230 days old (limit 90)"
    report = compare(old, new)
    assert report["summary"]["messages_changed"] == 1
    changed = report["messages_changed"][0]
    assert changed["message"].endswith("230 days old (limit 90)")
    assert changed["was_message"].endswith("200 days old (limit 90)")
    md = render_drift(report, "md")
    line = next(x for x in md.splitlines() if x.startswith("- iam.access\\_keys\\_rotated (global): now "))
    assert line.index("230 days old") < line.index("; was IAM user alice: key 1 is 200 days old"), line
    html = unescape(render_drift(report, "html"))
    assert "Still failing, with a different message" in html and "200 days old" in html
