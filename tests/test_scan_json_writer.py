"""scan.json is written with the C JSON encoder, one finding per line, and reads back to the same document."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from scanner.fsutil import json_lines, write_json


def _doc() -> dict:
    return {
        "schema_version": "1.2",
        "account": "123456789012",
        "regions": ["us-east-1", "eu-west-1"],
        "api_calls": {"total": 3, "by_operation": {"s3:ListBuckets": 1}},
        "empty_list": [],
        "empty_object": {},
        "findings": [
            {"id": "a1", "check": "s3.x", "status": "pass", "resource": "arn:aws:s3:::b\nnewline",
             "evidence": {"observed": {"name": "café ☕", "when": datetime(2026, 1, 2, tzinfo=UTC)}}},
            {"id": "a2", "check": "s3.x", "status": "fail", "resource": "arn:aws:s3:::c",
             "evidence": {"observed": {"nested": [{"k": None}, True, 1.5]}}},
        ],
        "partial": False,
    }


def test_the_file_reads_back_as_the_document(tmp_path):
    doc = _doc()
    path = write_json(tmp_path / "scan.json", doc)
    assert json.loads(path.read_text()) == json.loads(json.dumps(doc, default=str))
    assert path.stat().st_mode & 0o777 == 0o600


def test_each_finding_is_one_line_and_each_top_level_member_starts_a_line(tmp_path):
    text = write_json(tmp_path / "scan.json", _doc()).read_text()
    lines = text.splitlines()
    finding_lines = [line for line in lines if line.lstrip().startswith('{"id": ')]
    assert [json.loads(line.rstrip(","))["id"] for line in finding_lines] == ["a1", "a2"]
    for key in _doc():
        assert any(line.startswith(f'  "{key}": ') for line in lines), key
    # A newline inside a value stays escaped, so a line is always a whole finding.
    assert "\\n" in finding_lines[0]
    assert text.endswith("}\n")


def test_whatever_is_not_an_object_with_text_keys_is_one_line_of_json():
    for value in ([1, 2], "text", None, {}, {1: "a", "b": 2}, {"x": []}):
        text = "".join(json_lines(value))
        assert json.loads(text) == json.loads(json.dumps(value)), value
        assert text.endswith("\n")


def test_the_document_is_written_in_pieces_not_one_string():
    doc = {"findings": [{"id": str(n)} for n in range(1000)]}
    pieces = list(json_lines(doc))
    assert len(pieces) > 1000
    assert max(len(p) for p in pieces) < 100
