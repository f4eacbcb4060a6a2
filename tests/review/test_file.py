"""The file-based review: export, edit, import; a bad file names its line and applies nothing."""

from __future__ import annotations

import pytest
import yaml

from scanner.cli import main
from scanner.errors import UsageError
from scanner.history import open_history, record_scan
from scanner.review.file import import_review
from tests.workflow.fixtures import base_findings, make_doc


@pytest.fixture
def exported(tmp_path):
    db = tmp_path / "h.db"
    scan_id = record_scan(make_doc(base_findings()), db)
    path = tmp_path / "review.yaml"
    assert main(["review", "--db", str(db), "--export", str(path)]) == 0
    return db, scan_id, path


def _edit(path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text()
    assert text.count(old) >= count, old
    path.write_text(text.replace(old, new, count))


def test_export_is_editable_yaml_with_the_proposal(exported):
    db, scan_id, path = exported
    data = yaml.safe_load(path.read_text())
    assert data["scan"] == scan_id
    by_q = {q["question"]: q for q in data["questions"]}
    assert set(by_q) == {"identities", "permissions", "detect-investigate-events"}
    assert by_q["identities"]["confirmed"] is False
    assert by_q["identities"]["choices"]["sec_identities_audit"] == "unselected"
    assert by_q["identities"]["choices"]["sec_identities_enforce_mechanisms"] == "undecided"
    assert "sec_identities_no" in by_q["identities"]["choices"]  # "None of these" can be answered too
    assert "1 of 2 findings fail" in path.read_text()


def test_import_applies_confirmed_questions_only(exported, capsys):
    db, scan_id, path = exported
    _edit(path, "confirmed: false", "confirmed: true", 2)  # SEC 2 and SEC 3
    _edit(path, 'note: ""', 'note: "rotation tracked in JIRA-1"')
    _edit(path, "sec_permissions_share_securely: unselected", "sec_permissions_share_securely: "
          "not_applicable:business_priorities")
    _edit(path, 'reviewer: ""', 'reviewer: "team-sec"')

    assert main(["review", "--db", str(db), "--import", str(path)]) == 0
    assert "2 decisions recorded" in capsys.readouterr().err
    with open_history(db) as h:
        d = h.decisions(scan_id)
    assert set(d) == {"identities", "permissions"}
    assert d["identities"].note == "rotation tracked in JIRA-1" and d["identities"].reviewer == "team-sec"
    assert d["identities"].source == "file"
    assert d["permissions"].choices == {"sec_permissions_share_securely": {
        "status": "not_applicable", "reason": "business_priorities"}}
    # Importing the same file again changes nothing; a re-export shows the decisions as confirmed.
    with open_history(db) as h:
        assert import_review(h, path, scan_id=None, reviewer=None)[1:] == (0, 2)
    again = path.with_name("again.yaml")
    assert main(["review", "--db", str(db), "--export", str(again)]) == 0
    assert "# confirmed by team-sec" in again.read_text()


@pytest.mark.parametrize(("old", "new", "message"), [
    ("sec_identities_audit: unselected", "sec_identities_audt: unselected", "unknown choice id 'sec_identities_audt'"),
    ("sec_identities_audit: unselected", "sec_identities_audit: maybe", "'maybe': expected selected"),
    ("sec_identities_audit: unselected", "sec_identities_audit: not_applicable", "needs a reason"),
    ('question: "permissions"', 'question: "permisions"', "unknown question id 'permisions'"),
    ("confirmed: true", "confirmed: sure", "'confirmed' must be true or false"),
    ("    note:", "    notes:", "unknown key 'notes'"),
])
def test_bad_file_names_the_line_and_applies_nothing(exported, capsys, old, new, message):
    db, scan_id, path = exported
    _edit(path, "confirmed: false", "confirmed: true", 3)
    _edit(path, old, new)
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if new.strip() in text)

    assert main(["review", "--db", str(db), "--import", str(path)]) == 2

    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert f"{path}:{line}: " in err and message in err and "nothing was applied" in err
    with open_history(db) as h:
        assert h.decisions(scan_id) == {}


def test_broken_yaml_and_wrong_scan(exported, capsys, tmp_path):
    db, scan_id, path = exported
    _edit(path, "questions:", "questions: [")
    with open_history(db) as h:
        with pytest.raises(UsageError, match=r"review.yaml:\d+: not valid YAML"):
            import_review(h, path, scan_id=None, reviewer=None)
    other = record_scan(make_doc(base_findings(), started="2025-02-01T00:00:00Z"), db)
    _edit(path, "questions: [", "questions:")
    with open_history(db) as h:
        with pytest.raises(UsageError, match="is for scan"):
            import_review(h, path, scan_id=other, reviewer=None)
