"""``wa-scan history`` and ``wa-scan show``."""

from __future__ import annotations

import json

from scanner.cli import main
from scanner.history import record_scan
from tests.workflow.fixtures import base_findings, make_doc


def test_history_lists_scans_per_account(tmp_path, capsys):
    db = tmp_path / "h.db"
    first = record_scan(make_doc(base_findings()), db)
    other = make_doc(base_findings(), started="2025-02-01T00:00:00Z", account="210987654321")
    second = record_scan(other, db)

    assert main(["history", "--db", str(db), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in rows] == [first, second]
    assert rows[0]["counts"] == {"pass": 3, "fail": 3, "not_assessed": 0}
    assert main(["history", "--db", str(db), "--account", "210987654321"]) == 0
    out = capsys.readouterr().out
    assert second in out and first not in out and "2025-02-01 00:00:00" in out


def test_missing_database_is_a_clear_error(tmp_path, capsys):
    assert main(["history", "--db", str(tmp_path / "none.db")]) == 2
    err = capsys.readouterr().err
    assert "no history database" in err and err.count("\n") == 1
    assert not (tmp_path / "none.db").exists()


def test_show_writes_scan_json_and_refuses_to_overwrite(tmp_path, capsys):
    db = tmp_path / "h.db"
    scan_id = record_scan(make_doc(base_findings()), db)
    out = tmp_path / "out"
    assert main(["show", "--db", str(db), "--out", str(out), "--format", "json"]) == 0
    doc = json.loads((out / "scan.json").read_text())
    assert doc["scan_id"] == scan_id and len(doc["findings"]) == 6
    assert main(["show", scan_id, "--db", str(db), "--out", str(out)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert main(["show", scan_id, "--db", str(db), "--out", str(out), "--format", "docx"]) == 2
