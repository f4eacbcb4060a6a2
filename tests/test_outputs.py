"""Outputs are checked before any work: a bad --out or --db stops the scan before its first AWS call, and
no command overwrites a file the user may have edited (review --export, diff/drift --out) without --force."""

from __future__ import annotations

import errno
import tempfile

import pytest

import scanner.scan
from scanner.cli import main


@pytest.fixture
def no_aws(monkeypatch):
    """Fail the test if the scan gets as far as asking AWS who we are."""

    def refuse(*_a, **_k):
        raise AssertionError("an AWS call was made before the outputs were checked")

    monkeypatch.setattr(scanner.scan, "open_target", refuse)


def _one_error_line(capsys) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("wa-scan: error: "), err
    return err[0]


def test_an_out_whose_parent_is_a_file_is_refused_before_the_scan(tmp_path, capsys, no_aws):
    (tmp_path / "taken").write_text("a file")
    assert main(["demo", "-q", "--out", str(tmp_path / "taken" / "results")]) == 2
    assert "is a file" in _one_error_line(capsys)


def test_an_out_on_a_read_only_filesystem_is_refused_before_the_scan(tmp_path, capsys, no_aws, monkeypatch):
    def read_only(*_a, **_k):
        raise OSError(errno.EROFS, "Read-only file system")

    # Tests often run as root, which writes through any mode bits: the filesystem's answer is simulated.
    monkeypatch.setattr(tempfile, "TemporaryFile", read_only)
    assert main(["demo", "-q", "--out", str(tmp_path / "results")]) == 2
    assert "Read-only file system" in _one_error_line(capsys)


def test_a_db_that_is_a_directory_is_refused_before_the_scan(tmp_path, capsys, no_aws):
    (tmp_path / "db").mkdir()
    assert main(["demo", "-q", "--out", str(tmp_path / "out"), "--db", str(tmp_path / "db")]) == 2
    assert "not a file" in _one_error_line(capsys)
    assert not (tmp_path / "out").exists()


def test_a_foreign_db_is_refused_before_the_scan(tmp_path, capsys, no_aws):
    import sqlite3

    with sqlite3.connect(tmp_path / "other.db") as conn:
        conn.execute("CREATE TABLE mine (x)")
    assert main(["demo", "-q", "--out", str(tmp_path / "out"), "--db", str(tmp_path / "other.db")]) == 2
    assert "not a wa-scan history" in _one_error_line(capsys)


def test_review_export_never_overwrites_without_force(demo_scan, tmp_path, capsys):
    target = tmp_path / "review.yaml"
    target.write_text("# the team's edits, not yet imported\n")
    assert main(["review", "--export", str(target)]) == 2
    assert "--force" in _one_error_line(capsys)
    assert target.read_text() == "# the team's edits, not yet imported\n"
    assert main(["review", "--export", str(target), "--force"]) == 0
    assert "questions:" in target.read_text()


def test_review_export_into_a_directory_is_refused(demo_scan, tmp_path, capsys):
    assert main(["review", "--export", str(tmp_path)]) == 2
    assert "is a directory" in _one_error_line(capsys)


def test_diff_out_never_overwrites_without_force(demo_scan, tmp_path, capsys):
    _, out = demo_scan
    scan = str(out / "scan.json")
    report = tmp_path / "drift.md"
    report.write_text("kept\n")
    assert main(["diff", scan, scan, "--out", str(report)]) == 2
    assert "--force" in _one_error_line(capsys)
    assert report.read_text() == "kept\n"
    assert main(["diff", scan, scan, "--out", str(report), "--force"]) == 0
    assert report.read_text() != "kept\n"
