"""After a file review (export, edit, import), ``wa-scan report`` and ``wa-scan show`` write the review record."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from rich.console import Console

from reports.record import QUESTION_COLUMNS
from scanner.cli import main
from scanner.document import scan_id_for
from scanner.history import record_scan
from scanner.scan import print_next_steps
from tests.reports.parsing import Page
from tests.workflow.fixtures import base_findings, make_doc

NOTE = "Rotation is tracked in JIRA-1; the legacy key goes in March."
RECORD = ("review-report.html", "review-report.md", "questions.csv")


def _edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text()
    assert text.count(old) >= count, old
    path.write_text(text.replace(old, new, count))


def _rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(), newline="")))


@pytest.fixture
def reviewed(tmp_path: Path) -> tuple[Path, Path, dict]:
    """A recorded scan (its scan.json on disk) with two questions confirmed through the review file."""
    db = tmp_path / "h.db"
    doc = make_doc(base_findings())
    doc["scan_id"] = record_scan(doc, db)
    scan = tmp_path / "scan" / "scan.json"
    scan.parent.mkdir()
    scan.write_text(json.dumps(doc))
    review = tmp_path / "review.yaml"
    assert main(["review", "--db", str(db), "--export", str(review)]) == 0
    _edit(review, "confirmed: false", "confirmed: true", 2)  # the first two questions
    _edit(review, 'note: ""', f'note: "{NOTE}"')
    _edit(review, "sec_permissions_share_securely: unselected",
          "sec_permissions_share_securely: not_applicable:business_priorities")
    _edit(review, 'reviewer: ""', 'reviewer: "team-sec"')
    assert main(["review", "--db", str(db), "--import", str(review)]) == 0
    return db, scan, doc


def test_report_writes_the_review_record_with_decisions_and_notes(reviewed, capsys) -> None:
    db, scan, doc = reviewed
    assert main(["report", str(scan), "--db", str(db)]) == 0
    out = scan.parent
    assert all((out / name).exists() for name in RECORD)
    assert "review-report.html" in capsys.readouterr().err
    text = " ".join(Page((out / "review-report.html").read_text()).text.split())
    assert NOTE in text and "team-sec" in text
    assert "2 of 3 questions confirmed by team-sec" in text
    assert "Not applicable (business priorities)" in text
    assert "No decision recorded: this question is not answered yet." in text, "the third is unreviewed"
    assert NOTE in (out / "review-report.md").read_text()
    rows = _rows(out / "questions.csv")
    assert list(rows[0]) == list(QUESTION_COLUMNS)
    assert [r["Question"] for r in rows] == [s["question"] for s in doc["suggestions"]], "one row per question"
    by = {r["Question"]: r for r in rows}
    assert by["identities"]["Note"] == NOTE and by["identities"]["Reviewer"] == "team-sec"
    assert by["identities"]["Confirmed at"] and by["identities"]["State"] == "Confirmed"
    assert by["detect-investigate-events"]["State"] == "Unreviewed"
    assert by["detect-investigate-events"]["Confirmed risk"] == ""
    assert (by["permissions"]["Owner"], by["permissions"]["Due date"]) == ("", "")


def test_show_writes_the_review_record_too(reviewed, tmp_path) -> None:
    db, _, doc = reviewed
    out = tmp_path / "shown"
    assert main(["show", scan_id_for(doc), "--db", str(db), "--out", str(out), "--format", "html,csv"]) == 0
    assert (out / "review-report.html").exists() and (out / "questions.csv").exists()
    assert not (out / "review-report.md").exists(), "only the formats asked for"
    assert NOTE in (out / "review-report.html").read_text()


def test_no_decisions_no_record(tmp_path) -> None:
    db = tmp_path / "h.db"
    doc = make_doc(base_findings())
    doc["scan_id"] = record_scan(doc, db)
    scan = tmp_path / "scan.json"
    scan.write_text(json.dumps(doc))
    assert main(["report", str(scan), "--db", str(db), "-q"]) == 0
    assert (tmp_path / "report.html").exists()
    assert not any((tmp_path / name).exists() for name in RECORD), "nothing decided: no record of a meeting"
    # A scan never recorded (or rendered where its history is not) still gets its pack.
    assert main(["report", str(scan), "--db", str(tmp_path / "none.db"), "-q", "--force"]) == 0


def test_pdf_without_the_extra_is_a_one_line_error(reviewed, monkeypatch, capsys) -> None:
    import reports.pdf

    monkeypatch.setattr(reports.pdf, "pdf_available", lambda: False)
    db, scan, _ = reviewed
    assert main(["report", str(scan), "--db", str(db), "--format", "pdf"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "pip install 'wa-scan[pdf]'" in err
    assert not (scan.parent / "report.pdf").exists()


def test_pdf_of_the_pack_and_the_record(reviewed) -> None:
    pytest.importorskip("weasyprint", reason="the pdf extra is not installed")
    db, scan, _ = reviewed
    assert main(["report", str(scan), "--db", str(db), "--format", "pdf", "-q"]) == 0
    for name in ("report.pdf", "review-report.pdf"):
        data = (scan.parent / name).read_bytes()
        assert data.startswith(b"%PDF") and len(data) > 5_000
    assert not (scan.parent / "report.html").exists(), "only the formats asked for"


def test_next_steps_name_the_pack_the_review_and_the_push(tmp_path) -> None:
    console = Console(file=io.StringIO(), width=200)
    print_next_steps(console, [tmp_path / "scan.json", tmp_path / "report.html"], recorded=True)
    text = console.file.getvalue()
    assert f"open {tmp_path / 'report.html'}" in text
    assert "wa-scan review --web" in text and "wa-scan push --preview" in text
    console = Console(file=io.StringIO(), width=200)
    print_next_steps(console, [tmp_path / "scan.json"], recorded=False)
    text = console.file.getvalue()
    assert f"wa-scan report {tmp_path / 'scan.json'}" in text and "without --no-history" in text
