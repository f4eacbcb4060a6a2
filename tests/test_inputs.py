"""Inputs are validated against the scan.json contract: report and diff refuse a malformed document with
one line naming its first problem, and a bad lens or mapping is quoted short."""

from __future__ import annotations

import json

import pytest

from scanner.cli import main

BASE = {"schema_version": "1.1", "account": "123456789012", "findings": []}
GOOD = {"id": "f1", "check": "s3.bucket_not_public", "status": "fail", "resource": "arn:aws:s3:::b",
        "severity": "critical", "region": "global", "message": "public", "evidence": {}}


@pytest.mark.parametrize(("change", "problem"), [
    ({"findings": [{"id": 1}]}, "findings[0].id: expected a string, got 1"),
    ({"findings": [{**GOOD, "status": "maybe"}]}, 'findings[0].status: "maybe" is not one of'),
    ({"findings": [GOOD, {k: v for k, v in GOOD.items() if k != "check"}]}, "findings[1].check: missing"),
    ({"findings": [{**GOOD, "severity": "urgent"}]}, "findings[0].severity"),
    ({"suggestions": None}, "suggestions must be a list of objects"),
    ({"suggestions": [{"question": 7}]}, "suggestions[0].question: expected a string"),
    ({"complete": "yes"}, 'complete: expected true or false, got "yes"'),
    ({"regions": "us-east-1"}, "regions: expected a list"),
])
@pytest.mark.parametrize("command", ["report", "diff"])
def test_a_malformed_scan_document_is_one_line_naming_the_first_problem(tmp_path, capsys, change, problem,
                                                                          command):
    path = tmp_path / "scan.json"
    path.write_text(json.dumps({**BASE, **change}))
    argv = ["report", str(path), "--out", str(tmp_path / "r")] if command == "report" else [
        "diff", str(path), str(path)]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and problem in err[0] and "malformed scan document" in err[0]
    assert not (tmp_path / "r").exists()


def test_a_bad_mapping_is_quoted_short(tmp_path, capsys):
    bad = tmp_path / "mapping.toml"
    bad.write_text('[[link]]\ncheck = "' + "x" * 5000 + '"\nchoice = "sec_securely_operate_multi_accounts"\n'
                   'strength = "direct"\non_pass = "supports"\non_fail = "contradicts"\nrationale = "r"\n')
    assert main(["questions", "--mapping", str(bad)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and len(err[0]) <= 420
