"""End to end: scan, review from a file, change the account, rescan, drift; decisions kept where evidence held."""

from __future__ import annotations

import importlib
import json
from datetime import UTC, datetime, timedelta

import boto3
import yaml
from moto import mock_aws
from moto.iam.models import iam_backends

import scanner.demo
from mappings.suggest import add_suggestions
from scanner.cli import main
from scanner.history import open_history, record_scan
from scanner.review.decisions import evidence_of
from scanner.scan import installed_checks
from tests.helpers import scan_checks

CARD = ["iam.access_keys_rotated", "guardduty.enabled", "ec2.instance_has_role", "s3.bucket_not_public",
        "backup.resources_protected"]
CHECKS = ["iam.access_keys_rotated", "guardduty.enabled", "s3.bucket_not_public"]
REGIONS = ("us-east-1", "eu-west-1")


def _confirm_all(path) -> int:
    """Mark every question of an exported review file confirmed, as a reviewer editing it would."""
    text = path.read_text()
    count = text.count("confirmed: false")
    path.write_text(text.replace("confirmed: false", "confirmed: true"))
    return count


def test_demo_scan_history_review_file_and_show(tmp_path, capsys, monkeypatch):
    db, out = tmp_path / "h.db", tmp_path / "demo"
    # The card checks over the core resources only: this test is about what happens after a scan, not
    # about every check or resource.
    monkeypatch.setattr(scanner.demo, "seed_modules", lambda: [importlib.import_module("scanner.demo.seed_core")])
    assert main(["demo", "--out", str(out), "--db", str(db), "-q", "--format", "json", "--checks", *CARD]) == 0
    with open_history(db) as h:
        scan_id = h.resolve("latest")
        doc = h.load(scan_id)
    on_disk = json.loads((out / "scan.json").read_text())
    assert doc == on_disk  # the history holds what was written, and scan.json names the recorded scan
    assert on_disk["scan_id"] == scan_id

    review = tmp_path / "review.yaml"
    assert main(["review", str(out / "scan.json"), "--db", str(db), "--export", str(review)]) == 0
    confirmed = _confirm_all(review)
    assert confirmed == len(yaml.safe_load(review.read_text())["questions"]) > 0
    assert main(["review", "--db", str(db), "--import", str(review), "--reviewer", "jane"]) == 0
    assert main(["history", "--db", str(db), "--account", "123456789012"]) == 0
    listing = capsys.readouterr().out
    assert scan_id in listing and "us-east-1, eu-west-1" in listing

    assert main(["show", scan_id[:20], "--db", str(db), "--out", str(tmp_path / "again"), "--format", "json"]) == 0
    again = json.loads((tmp_path / "again" / "scan.json").read_text())
    assert again["scan_id"] == scan_id and again["findings"] == on_disk["findings"]
    with open_history(db) as h:
        decisions = h.decisions(scan_id)
    assert len(decisions) == confirmed and all(d.reviewer == "jane" and d.confirmed for d in decisions.values())


def _scan_and_record(db) -> tuple[str, dict]:
    doc = scan_checks(CHECKS, REGIONS).to_dict()
    add_suggestions(doc, checks=installed_checks())
    return record_scan(doc, db), doc


def test_change_rescan_drift_keeps_decisions_where_evidence_held(tmp_path, capsys):
    db = tmp_path / "h.db"
    with mock_aws():
        session = boto3.Session(region_name="us-east-1")
        users = iam_backends["123456789012"]["global"].users
        iam = session.client("iam")
        iam.create_user(UserName="alice")
        iam.create_access_key(UserName="alice")
        users["alice"].access_keys[0].create_date = datetime.now(UTC) - timedelta(days=20)
        session.client("guardduty", region_name="us-east-1").create_detector(Enable=True)
        s3 = session.client("s3")
        s3.create_bucket(Bucket="e2e-public-site", ACL="public-read")
        s3.create_bucket(Bucket="e2e-private-data")

        first, doc1 = _scan_and_record(db)
        review = tmp_path / "review.yaml"
        assert main(["review", first, "--db", str(db), "--export", str(review)]) == 0
        _confirm_all(review)
        assert main(["review", "--db", str(db), "--import", str(review), "--reviewer", "jane"]) == 0

        # The account changes: a new user with a key far past rotation; GuardDuty turned on in eu-west-1.
        iam.create_user(UserName="carol")
        iam.create_access_key(UserName="carol")
        users["carol"].access_keys[0].create_date = datetime.now(UTC) - timedelta(days=120)
        session.client("guardduty", region_name="eu-west-1").create_detector(Enable=True)
        second, doc2 = _scan_and_record(db)

    assert main(["drift", "--db", str(db), "--format", "json", "--out", str(tmp_path / "drift.json")]) == 0
    report = json.loads((tmp_path / "drift.json").read_text())
    assert [f["resource"] for f in report["new_failures"]] == ["arn:aws:iam::123456789012:user/carol"]
    assert any(f["check"] == "guardduty.enabled" and f["region"] == "eu-west-1"
               for f in report["resolved_failures"])
    assert any(c["check"] == "guardduty.enabled" for c in report["checks_changed"])
    risk = {r["question"]: r for r in report["risk_changes"]}
    # carol's stale key contradicts SEC02-BP05 directly (GuardDuty turned on moves no risk level: a detector
    # is not a log source, and the only choice it contradicts is Low-risk)
    assert (risk["identities"]["old"], risk["identities"]["new"]) == ("UNKNOWN", "HIGH"), risk["identities"]
    assert "IAM user carol: key 1 is 120 days old" in risk["identities"]["text"]
    assert main(["drift", "--db", str(db), "--fail-on-new", "medium"]) == 1
    md = capsys.readouterr().out
    assert "carol" in md and "## Review decisions" in md

    # Decisions: kept where the question's evidence is the same, flagged where it moved.
    old_ev = {s["question"]: evidence_of(s, doc1["findings"]) for s in doc1["suggestions"]}
    new_ev = {s["question"]: evidence_of(s, doc2["findings"]) for s in doc2["suggestions"]}
    with open_history(db) as h:
        before, after = h.decisions(first), h.decisions(second)
    assert before and set(after) == set(before)
    held = {q for q in before if old_ev[q] == new_ev[q]}
    moved = set(before) - held
    assert {"identities", "detect-investigate-events"} <= moved
    assert "permissions" in held
    for q in held:
        assert after[q].confirmed and after[q].choices == before[q].choices and after[q].reviewer == "jane"
    for q in moved:
        assert after[q].state == "evidence_changed"
    labels = {s["question"]: s["label"] for s in doc2["suggestions"]}
    assert sorted(report["review"]["kept"]) == sorted(labels[q] for q in held)
    assert sorted(report["review"]["evidence_changed"]) == sorted(labels[q] for q in moved)
