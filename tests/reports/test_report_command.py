"""``wa-scan report SCAN.json``: re-render from a stored scan, never call AWS, never clobber silently."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import boto3
import pytest

from scanner.cli import main
from tests.reports.fixtures import sample_doc

REPORTS = ["findings.csv", "report.html", "report.md", "risk-register.csv"]


@pytest.fixture
def stored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A scan.json in its own directory; any attempt to build an AWS client fails the test."""
    def no_aws(*args: object, **kwargs: object) -> None:
        raise AssertionError("wa-scan report must not call AWS")

    monkeypatch.setattr(boto3.session.Session, "client", no_aws)
    path = tmp_path / "scan-dir" / "scan.json"
    path.parent.mkdir()
    path.write_text(json.dumps(sample_doc()))
    return path


def _error_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert err.startswith("wa-scan: error: ")
    return err


def test_renders_beside_the_scan_by_default(stored: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(stored)]) == 0
    assert sorted(p.name for p in stored.parent.iterdir()) == sorted(REPORTS + ["scan.json"])
    for name in REPORTS:
        assert stat.S_IMODE(os.stat(stored.parent / name).st_mode) == 0o600
    assert "report.html" in capsys.readouterr().err
    assert main(["report", str(stored), "-q"]) == 0, "the scan's own reports are regenerated in place"


def test_other_directory_needs_force_to_replace(stored: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "pack"
    assert main(["report", str(stored), "--out", str(out), "--format", "html,json", "-q"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["report.html", "scan.json"]
    assert json.loads((out / "scan.json").read_text())["account"] == "111122223333"
    (out / "report.html").write_text("edited by hand")
    assert main(["report", str(stored), "--out", str(out), "--format", "html"]) == 2
    assert "report.html already exists" in _error_line(capsys)
    assert (out / "report.html").read_text() == "edited by hand"
    assert main(["report", str(stored), "--out", str(out), "--format", "html", "--force", "-q"]) == 0
    assert "<!DOCTYPE html>" in (out / "report.html").read_text()
    assert main(["report", str(stored), "--out", str(out), "--format", "md", "-q"]) == 0, "new files are fine"


def test_format_selects_outputs(stored: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "csv-only"
    assert main(["report", str(stored), "--out", str(out), "--format", "csv", "-q"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["findings.csv", "risk-register.csv"]
    assert main(["report", str(stored), "--format", "docx"]) == 2
    assert "unknown output 'docx'" in _error_line(capsys)


@pytest.mark.parametrize(("content", "expected"), [
    (None, "no such file"),
    ("{not json", "not valid JSON"),
    ("[1, 2]", "not a wa-scan scan document"),
    ('{"findings": []}', "not a wa-scan scan document"),
    ('{"account": "1", "findings": [], "schema_version": "7.0"}', "newer wa-scan"),
    ('{"account": "1", "findings": ["x"], "schema_version": "1.0"}', "malformed scan document"),
    (b"\xff\xfe\x00", "not a scan document"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                          content: str | bytes | None, expected: str) -> None:
    path = tmp_path / "scan.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    assert main(["report", str(path)]) == 2
    assert expected in _error_line(capsys)
    assert not (tmp_path / "report.html").exists()


def test_out_must_be_a_directory(stored: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["report", str(stored), "--out", str(blocker)]) == 2
    assert "not a directory" in _error_line(capsys)
