"""The history database: round trip, ids, carry-forward of decisions, privacy, bad files."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scanner.document import scan_id_for
from scanner.errors import UsageError
from scanner.history import open_history, record_scan
from scanner.history.schema import SCHEMA_VERSION
from scanner.review.decisions import Decision, Draft
from tests.workflow.fixtures import IAM, base_findings, finding, make_doc


def test_record_and_load_round_trip(tmp_path):
    doc = make_doc(base_findings())
    db = tmp_path / "h.db"
    scan_id = record_scan(doc, db)

    assert scan_id == scan_id_for(doc)
    assert scan_id.startswith("123456789012-20250101T000000Z-")
    assert record_scan(doc, db) == scan_id  # the same content is recorded once
    with open_history(db) as h:
        loaded = h.load(scan_id)
        rows = h.scans()
    assert loaded == {"scan_id": scan_id, **doc}
    assert list(loaded)[1:] == list(doc)  # key order kept
    assert len(rows) == 1 and rows[0].counts == {"pass": 3, "fail": 3, "not_assessed": 0}
    assert rows[0].regions == ["us-east-1", "eu-west-1"]


def test_database_is_private_wal_and_versioned(tmp_path):
    db = tmp_path / "sub" / "h.db"
    record_scan(make_doc(base_findings()), db)
    with open_history(db) as h:
        assert h.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert h.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        for name in os.listdir(db.parent):  # the database and, while open, its -wal and -shm files
            assert stat.S_IMODE(os.stat(db.parent / name).st_mode) == 0o600, name


def test_env_var_chooses_the_database(tmp_path, monkeypatch):
    monkeypatch.setenv("WA_SCAN_DB", str(tmp_path / "env.db"))
    scan_id = record_scan(make_doc(base_findings()), None)
    with open_history(tmp_path / "env.db") as h:
        assert h.resolve("latest") == scan_id


def test_newer_schema_is_refused_and_left_alone(tmp_path):
    db = tmp_path / "h.db"
    record_scan(make_doc(base_findings()), db)
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = db.read_bytes()
    with pytest.raises(UsageError, match="newer wa-scan"):
        open_history(db)
    assert db.read_bytes() == before


def test_corrupt_and_foreign_files_are_clear_errors(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(UsageError, match="unreadable") as err:
        open_history(junk)
    assert "\n" not in str(err.value)
    assert junk.read_bytes() == b"this is not a database at all" * 100
    foreign = tmp_path / "other.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    with pytest.raises(UsageError, match="not a wa-scan history"):
        open_history(foreign)


def test_resolve_by_prefix_latest_and_file(tmp_path):
    db = tmp_path / "h.db"
    first = record_scan(make_doc(base_findings()), db)
    second = record_scan(make_doc(base_findings(), started="2025-02-01T00:00:00Z"), db)
    path = tmp_path / "scan.json"
    path.write_text(json.dumps(make_doc(base_findings())))
    with open_history(db) as h:
        assert h.resolve(None) == second
        assert h.resolve("123456789012-202501") == first
        assert h.resolve(str(path)) == first
        assert h.previous(second) == first and h.previous(first) is None
        with pytest.raises(UsageError, match="ambiguous"):
            h.resolve("123456789012-2025")
        with pytest.raises(UsageError, match="no scan"):
            h.resolve("nope")


def test_decisions_carry_forward_only_while_the_evidence_holds(tmp_path):
    db = tmp_path / "h.db"
    first = record_scan(make_doc(base_findings()), db)
    with open_history(db) as h:
        h.save_decisions(first, [
            Decision("identities", {"sec_identities_audit": {"status": "unselected"}}, "keys", "jane"),
            Decision("permissions", {"sec_permissions_share_securely": {"status": "not_applicable",
                                                                          "reason": "out_of_scope"}}, "", "jane"),
        ])
    changed = base_findings() + [finding("iam.access_keys_rotated", "global", IAM + "carol", "fail",
                                         "IAM user carol: key 1 is 120 days old (limit 90)")]
    second = record_scan(make_doc(changed, started="2025-02-01T00:00:00Z"), db)
    with open_history(db) as h:
        d = h.decisions(second)
        assert d["permissions"].confirmed and d["permissions"].source == "carried"
        assert d["permissions"].reviewer == "jane"
        assert d["permissions"].choices == {"sec_permissions_share_securely": {"status": "not_applicable",
                                                                                "reason": "out_of_scope"}}
        assert not d["identities"].confirmed and d["identities"].state == "evidence_changed"
        assert "detect-investigate-events" not in d
        rows = h.scans()
        assert (rows[-1].decisions, rows[-1].flagged) == (1, 1)
    # The evidence goes back to what was reviewed: the decision holds again.
    third = record_scan(make_doc(base_findings(), started="2025-03-01T00:00:00Z"), db)
    with open_history(db) as h:
        assert h.decisions(third)["identities"].confirmed


def test_bad_decisions_are_refused(tmp_path):
    db = tmp_path / "h.db"
    scan_id = record_scan(make_doc(base_findings()), db)
    with open_history(db) as h:
        with pytest.raises(ValueError, match="needs a reason"):
            h.save_decision(scan_id, Decision("identities", {"x": {"status": "not_applicable"}}, "", "j"))
        with pytest.raises(UsageError, match="no suggestion"):
            h.save_decision(scan_id, Decision("nope", {}, "", "j"))
        assert h.decisions(scan_id) == {}


def test_sigkill_while_recording_scans_leaves_whole_scans_only(tmp_path):
    db = tmp_path / "h.db"
    first = record_scan(make_doc(base_findings()), db)
    with open_history(db) as h:
        h.save_decision(first, Decision("identities", {"sec_identities_audit": {"status": "unselected"}}, "", "j"))
    script = (
        "import sys\n"
        "from scanner.history import record_scan\n"
        "from tests.workflow.fixtures import IAM, base_findings, finding, make_doc\n"
        "extra = [finding('iam.access_keys_rotated', 'global', IAM + f'u{n}', 'pass', 'ok') for n in range(3000)]\n"
        "for i in range(1, 200):\n"
        "    record_scan(make_doc(base_findings() + extra, started=f'2025-02-01T00:{i // 60:02d}:{i % 60:02d}Z'),"
        " sys.argv[1])\n"
        "    print(i, flush=True)\n"
    )
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.Popen([sys.executable, "-c", script, str(db)], stdout=subprocess.PIPE, cwd=root)
    try:
        for _ in range(2):  # two whole scans recorded: the kill lands while later ones are being written
            assert proc.stdout.readline()
        time.sleep(0.05)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        proc.stdout.close()

    with open_history(db) as h:
        assert h.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = h.scans()
        assert len(rows) >= 3
        for row in rows:  # every recorded scan is whole: all its findings are there
            stored = h.conn.execute("SELECT COUNT(*) FROM findings WHERE scan_id = ?", (row.id,)).fetchone()[0]
            assert stored == sum(row.counts.values())
        assert h.decisions(first)["identities"].confirmed
        # Later scans carry the decision, flagged: their extra findings changed the evidence.
        assert all(h.decisions(r.id)["identities"].state == "evidence_changed" for r in rows[1:])
    assert record_scan(make_doc(base_findings(), started="2025-03-01T00:00:00Z"), db)  # still usable


def test_an_id_already_in_the_document_is_kept(tmp_path):
    doc = make_doc(base_findings())
    doc["scan_id"] = scan_id_for(doc)  # as a scan that writes its id into scan.json before recording
    path = tmp_path / "scan.json"
    path.write_text(json.dumps(doc))
    assert record_scan(doc, tmp_path / "h.db") == doc["scan_id"]
    with open_history(tmp_path / "h.db") as h:
        assert h.resolve(str(path)) == doc["scan_id"]
        assert h.load(doc["scan_id"])["scan_id"] == doc["scan_id"]


def _schema(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    return sorted(conn.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL").fetchall())


def test_a_version_1_database_is_upgraded_in_place_with_its_decisions(tmp_path):
    from scanner.history.schema import _V1, APPLICATION_ID, _run_script

    # A database as wa-scan with schema 1 left it: a scan and a confirmed decision, no drafts table.
    db = tmp_path / "h.db"
    scan_id = record_scan(make_doc(base_findings()), db)
    with open_history(db) as h:
        h.save_decision(scan_id, Decision("identities", {"sec_identities_audit": {"status": "selected"}}, "n", "jane"))
    conn = sqlite3.connect(db)
    conn.execute("DROP TABLE drafts")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    reference = sqlite3.connect(":memory:")
    _run_script(reference, _V1)
    assert _schema(conn) == _schema(reference), "the test database is exactly schema 1"
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    conn.close()

    with open_history(db) as h:
        assert h.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 2
        d = h.decisions(scan_id)["identities"]
        assert d.confirmed and d.note == "n" and d.reviewer == "jane"
        assert h.drafts(scan_id) == {}
        assert h.save_draft(scan_id, Draft("permissions", {}, "working", "jane"))
        assert list(h.drafts(scan_id)) == ["permissions"]


def test_a_draft_is_saved_at_once_and_confirming_makes_it_the_decision(tmp_path):
    db = tmp_path / "h.db"
    scan_id = record_scan(make_doc(base_findings()), db)
    audit = {"sec_identities_audit": {"status": "unselected"}}
    with open_history(db) as h:
        assert h.save_draft(scan_id, Draft("identities", audit, "first try", "jane", "2025-01-02T00:00:00Z"))
        assert h.save_draft(scan_id, Draft("identities", audit, "second try", "jane"))  # replaces the first
    with open_history(db) as h:  # committed: another connection sees it
        draft = h.drafts(scan_id)["identities"]
        assert draft.note == "second try" and draft.reviewer == "jane" and draft.saved_at > "2025-01-02"
        assert draft.choices == audit
        assert h.decisions(scan_id) == {}, "a draft is not a decision"
        assert h.scans()[-1].decisions == 0
        # A draft keeps a "not applicable" whose reason is still to pick; a decision does not.
        assert h.save_draft(scan_id, Draft("permissions", {"x": {"status": "not_applicable"}}, "why later", "j"))
        with pytest.raises(ValueError, match="needs a reason"):
            h.save_decision(scan_id, Decision("permissions", {"x": {"status": "not_applicable"}}, "", "j"))
        with pytest.raises(ValueError, match="needs a reason"):
            h.save_draft(scan_id, Draft("identities", {"x": {"status": "not_applicable", "reason": "bogus"}}, "", "j"))
        with pytest.raises(UsageError, match="no suggestion"):
            h.save_draft(scan_id, Draft("nope", {}, "", "j"))
        # Confirming records the decision and drops the draft in the same transaction.
        h.save_decision(scan_id, Decision("identities", draft.choices, draft.note, "john"))
        assert list(h.drafts(scan_id)) == ["permissions"], "only that question's draft became the decision"
        d = h.decisions(scan_id)["identities"]
        assert d.confirmed and d.note == "second try" and d.reviewer == "john"
        # A later change is a draft beside the standing decision; changed back, there is nothing to confirm.
        assert h.save_draft(scan_id, Draft("identities", {}, "second try", "jane"))
        assert h.decisions(scan_id)["identities"].choices == audit
        assert not h.save_draft(scan_id, Draft("identities", audit, "second try", "jane"))
        assert list(h.drafts(scan_id)) == ["permissions"]


def test_drafts_carry_forward_to_the_next_scan_as_decisions_do(tmp_path):
    db = tmp_path / "h.db"
    first = record_scan(make_doc(base_findings()), db)
    with open_history(db) as h:
        h.save_decision(first, Decision("identities", {"sec_identities_audit": {"status": "selected"}}, "", "jane",
                                        decided_at="2025-01-02T00:00:00Z"))
        h.save_draft(first, Draft("identities", {}, "unsure now", "jane", "2025-01-03T00:00:00Z"))
        h.save_draft(first, Draft("permissions", {}, "half done", "jane", "2025-01-03T00:00:00Z"))
        h.save_draft(first, Draft("detect-investigate-events", {}, "old idea", "jane", "2025-01-01T00:00:00Z"))
    with open_history(db) as h:
        # Confirmed after that draft was written: the draft is gone from this scan, and stays gone.
        h.save_decision(first, Decision("detect-investigate-events", {}, "settled", "jane",
                                        decided_at="2025-01-04T00:00:00Z"))
    second = record_scan(make_doc(base_findings(), started="2025-02-01T00:00:00Z"), db)
    with open_history(db) as h:
        carried = h.decisions(second)
        assert carried["identities"].choices == {"sec_identities_audit": {"status": "selected"}}
        drafts = h.drafts(second)
        assert set(drafts) == {"identities", "permissions"}, "the half-written answers travel with the account"
        assert drafts["permissions"].note == "half done" and drafts["identities"].note == "unsure now"
        assert set(h.drafts(first)) == {"identities", "permissions"}, "the earlier scan keeps its own"


def test_reopen_turns_a_decision_back_into_a_draft(tmp_path):
    db = tmp_path / "h.db"
    scan_id = record_scan(make_doc(base_findings()), db)
    audit = {"sec_identities_audit": {"status": "selected"}}
    with open_history(db) as h:
        h.save_decision(scan_id, Decision("identities", audit, "agreed", "jane"))
        draft = h.reopen(scan_id, "identities")
        assert draft is not None and draft.choices == audit and draft.note == "agreed"
        assert h.decisions(scan_id) == {}
        assert h.drafts(scan_id)["identities"].note == "agreed"
        assert h.reopen(scan_id, "identities") is None
