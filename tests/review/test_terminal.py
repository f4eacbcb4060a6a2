"""The interactive review, driven by scripted input; stop and resume; the SIGKILL test."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scanner.cli import main
from scanner.history import open_history, record_scan
from tests.workflow.fixtures import IAM, base_findings, finding, make_doc


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "h.db"
    record_scan(make_doc(base_findings()), path)
    return path


def review(monkeypatch, capsys, db, script: str, *extra: str) -> tuple[int, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(script))
    code = main(["review", "--db", str(db), "--reviewer", "jane", *extra])
    return code, capsys.readouterr().out


def test_accept_change_and_note(monkeypatch, capsys, db):
    # SEC 2: accept with a note. SEC 3: change: choice 1 not applicable (out of scope), the rest kept.
    # SEC 4: change: choice 1 selected, the rest kept; no note.
    script = "a\nkeys are tracked in JIRA-1\nc\nn\nout\n.\n\nc\ns\n.\n\n"
    code, out = review(monkeypatch, capsys, db, script)

    assert code == 0
    assert "SEC 2" in out and "Suggested risk: MEDIUM" in out
    assert "IAM user alice: key 1 is 200 days old" in out  # the evidence is shown
    with open_history(db) as h:
        d = h.decisions(h.resolve("latest"))
    assert d["identities"].choices == {"sec_identities_audit": {"status": "unselected"}}
    assert d["identities"].note == "keys are tracked in JIRA-1"
    assert d["identities"].reviewer == "jane" and d["identities"].decided_at
    assert d["permissions"].choices == {"sec_permissions_share_securely": {"status": "not_applicable",
                                                                            "reason": "out_of_scope"}}
    assert d["detect-investigate-events"].choices == {
        "sec_detect_investigate_events_app_service_logging": {"status": "selected"}}
    assert "3 confirmed, 0 skipped, 0 left" in out


def test_stop_and_resume(monkeypatch, capsys, db):
    code, out = review(monkeypatch, capsys, db, "s\na\n\nq\n")
    assert code == 0 and "1 confirmed, 1 skipped, 1 left" in out
    with open_history(db) as h:
        assert set(h.decisions(h.resolve("latest"))) == {"permissions"}
    # Resume: the confirmed question is not asked again; input ending early loses nothing saved.
    code, out = review(monkeypatch, capsys, db, "a\n\n")
    assert "SEC 3" not in out and "SEC 2" in out
    with open_history(db) as h:
        assert set(h.decisions(h.resolve("latest"))) == {"permissions", "identities"}
    code, out = review(monkeypatch, capsys, db, "a\n\n")
    code, out = review(monkeypatch, capsys, db, "")
    assert "Nothing to review" in out


def test_invalid_answers_are_asked_again(monkeypatch, capsys, db):
    code, out = review(monkeypatch, capsys, db, "x\na\n\n", "--question", "SEC 4")
    assert "please answer one of" in out
    with open_history(db) as h:
        assert set(h.decisions(h.resolve("latest"))) == {"detect-investigate-events"}


def test_evidence_changed_is_flagged_and_previous_decision_offered(monkeypatch, capsys, db):
    review(monkeypatch, capsys, db, "a\nfirst look\na\n\na\n\n")
    changed = base_findings() + [finding("iam.access_keys_rotated", "global", IAM + "carol", "fail",
                                         "IAM user carol: key 1 is 120 days old (limit 90)")]
    record_scan(make_doc(changed, started="2025-02-01T00:00:00Z"), db)

    code, out = review(monkeypatch, capsys, db, "p\n\n")

    assert "Evidence changed since review" in out and "SEC 3" not in out
    assert "carol" in out
    with open_history(db) as h:
        d = h.decisions(h.resolve("latest"))
    assert d["identities"].confirmed and d["identities"].note == "first look"
    assert d["identities"].source == "review"


def test_unknown_scan_is_a_one_line_error(monkeypatch, capsys, db):
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert main(["review", "nope", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no scan 'nope'" in err


def _read_until(proc: subprocess.Popen, marker: str, count: int, timeout: float = 60.0) -> str:
    """Read the child's output until ``marker`` has appeared ``count`` times."""
    seen = ""
    deadline = time.monotonic() + timeout
    os.set_blocking(proc.stdout.fileno(), False)
    while seen.count(marker) < count:
        assert time.monotonic() < deadline, f"timed out waiting for {marker!r}; got:\n{seen}"
        chunk = proc.stdout.read()
        if chunk:
            seen += chunk.decode()
        else:
            time.sleep(0.05)
    return seen


def test_sigkill_mid_review_keeps_every_committed_decision(db):
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "scanner", "review", "--db", str(db), "--reviewer", "kim"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                            cwd=Path(__file__).resolve().parents[2])
    try:
        proc.stdin.write(b"a\nfirst\n")
        proc.stdin.flush()
        _read_until(proc, "saved", 1)
        proc.stdin.write(b"a\nsecond\nc\nu\n")  # the third question is half answered when the kill comes
        proc.stdin.flush()
        _read_until(proc, "Enter keeps", 2)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            stream.close()
    assert proc.returncode == -signal.SIGKILL

    with open_history(db) as h:
        assert h.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        scan_id = h.resolve("latest")
        d = h.decisions(scan_id)
        assert {q: x.note for q, x in d.items()} == {"identities": "first", "permissions": "second"}
        assert all(x.reviewer == "kim" for x in d.values())
    # Still usable: a new scan records and carries the decisions forward.
    new = record_scan(make_doc(base_findings(), started="2025-02-01T00:00:00Z"), db)
    with open_history(db) as h:
        assert set(h.decisions(new)) == {"identities", "permissions"}


def test_a_draft_from_the_browser_is_proposed_and_accepting_confirms_it(monkeypatch, capsys, db):
    from scanner.review.decisions import Draft

    with open_history(db) as h:
        scan_id = h.resolve("latest")
        h.save_draft(scan_id, Draft("identities", {"sec_identities_audit": {"status": "selected"}}, "from the web",
                                    "jane"))
    code, out = review(monkeypatch, capsys, db, "a\n\nq\n")
    assert code == 0 and "Draft by jane" in out and "1 confirmed" in out
    with open_history(db) as h:
        d = h.decisions(scan_id)["identities"]
        assert d.choices == {"sec_identities_audit": {"status": "selected"}} and d.note == "from the web"
        assert h.drafts(scan_id) == {}


def test_back_evidence_and_bp_codes(monkeypatch, capsys, db):
    # SEC 2: e 2 lists every finding of choice 2, then skip; SEC 3: b goes back to SEC 2, which is accepted.
    code, out = review(monkeypatch, capsys, db, "e 2\ns\nb\na\n\nq\n")
    assert code == 0
    sec2 = out[out.index("SEC 2"):out.index("SEC 3")]
    # The verdict line names its choice (number and BP code), and the failing finding sits under it.
    assert "2. SEC02-BP05 contradicted: 1 failing findings of iam.access_keys_rotated" in sec2
    assert sec2.index("2. SEC02-BP05 contradicted") < sec2.index("   - iam.access_keys_rotated global: IAM user alice")
    listing = sec2[sec2.index("(a): e 2"):]
    assert "2. SEC02-BP05 Audit and rotate credentials periodically: 2 findings" in listing
    assert "fail         iam.access_keys_rotated global" in listing
    assert "pass         iam.access_keys_rotated global" in listing
    assert "[b]ack" in out[out.index("SEC 3"):], "from the second question on, b goes back"
    assert out.count("How do you manage identities") == 2, "SEC 2 is shown again"
    # What it prints about a decision uses BP codes, never the internal choice ids.
    assert "saved SEC 2: SEC02-BP05 not selected" in out
    assert "sec_identities_audit" not in out
    with open_history(db) as h:
        d = h.decisions(h.resolve("latest"))
    assert list(d) == ["identities"] and d["identities"].choices == {"sec_identities_audit": {"status": "unselected"}}
    assert "1 confirmed, 0 skipped, 2 left" in out


def test_a_draft_waiting_for_a_reason_asks_for_it(monkeypatch, capsys, db):
    from scanner.review.decisions import Draft

    with open_history(db) as h:
        h.save_draft(h.resolve("latest"), Draft("permissions", {"sec_permissions_share_securely":
                                                                {"status": "not_applicable"}}, "why later", "web"))
    code, out = review(monkeypatch, capsys, db, "a\nother\n\nq\n", "--question", "SEC 3")
    assert code == 0 and "SEC03-BP08: not applicable needs a reason" in out
    with open_history(db) as h:
        d = h.decisions(h.resolve("latest"))["permissions"]
    assert d.choices == {"sec_permissions_share_securely": {"status": "not_applicable", "reason": "other"}}
    assert d.note == "why later"
