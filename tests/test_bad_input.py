"""Malformed or hostile files and odd command-line values: one line naming what is wrong, exit code 2,
no traceback, and nothing written."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from scanner.cli import main


def _write(tmp: Path, name: str, content: str | bytes) -> str:
    path = tmp / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return str(path)


CASES = [
    # (id, argv builder, expected fragment of the message)
    ("unknown command", lambda t: ["reviw"], "did you mean 'review'"),
    ("bad choice", lambda t: ["--fail-on", "extreme"], "invalid choice: 'extreme'"),
    ("workers not a number", lambda t: ["demo", "--workers", "many"], "invalid int value"),
    ("workers zero", lambda t: ["demo", "--workers", "0", "--out", str(t / "o")], "at least 1"),
    ("parallel accounts zero", lambda t: ["--accounts", "111111111111", "--role-name", "R",
                                          "--max-parallel-accounts", "0"], "at least 1"),
    ("bad account id", lambda t: ["--accounts", "12345", "--role-name", "R", "--out", str(t / "o")],
     "not a 12-digit AWS account id"),
    ("trust not an account", lambda t: ["permissions", "--format", "terraform", "--trust", "abc"],
     "12-digit AWS account id"),
    ("mapping not TOML", lambda t: ["demo", "--out", str(t / "o"), "--mapping", _write(t, "m.toml", "[[link]\nx=")],
     "m.toml"),
    ("mapping dangling check", lambda t: ["demo", "--out", str(t / "o"), "--mapping", _write(
        t, "m.toml", '[[link]]\ncheck="nope.x"\nquestion="identities"\nchoice="sec_identities_audit"\n'
                     'strength="direct"\non_pass="supports"\non_fail="contradicts"\nrationale="r"\n')],
     "unknown check id 'nope.x'"),
    ("mapping missing", lambda t: ["demo", "--out", str(t / "o"), "--mapping", str(t / "none.toml")],
     "no such file"),
    ("lens not JSON", lambda t: ["questions", "--lens", _write(t, "l.json", "{not json"),
                                 "--mapping", _write(t, "m.toml", "")], "l.json"),
    ("lens wrong shape", lambda t: ["coverage", "--lens", _write(t, "l.json", '{"schemaVersion": "2021-11-01"}'),
                                    "--mapping", _write(t, "m.toml", "")], "l.json"),
    ("report of non-JSON", lambda t: ["report", _write(t, "scan.json", "garbage")], "scan.json"),
    ("report of a non-scan", lambda t: ["report", _write(t, "scan.json", '{"hello": 1}')], "scan.json"),
    ("report of binary", lambda t: ["report", _write(t, "scan.json", b"\xff\xfe\x00bad")], "scan.json"),
    ("diff of missing files", lambda t: ["diff", str(t / "a.json"), str(t / "b.json"), "--db", str(t / "h.db")],
     "a.json"),
    ("corrupt history", lambda t: ["history", "--db", _write(t, "h.db", b"this is not sqlite" * 100)], "h.db"),
    ("explain unknown id", lambda t: ["explain", "sec_identitees_audit"], "sec_identities_audit"),
    ("option unknown check", lambda t: ["demo", "--option", "x.y=1"], "unknown check id 'x'"),
]


@pytest.mark.parametrize("name,argv,fragment", CASES, ids=[c[0] for c in CASES])
def test_bad_input_gets_one_clear_line_and_exit_2(name, argv, fragment, tmp_path, capsys):
    code = main(argv(tmp_path))
    err = capsys.readouterr().err.strip()
    assert code == 2, err
    assert len(err.splitlines()) == 1, err
    assert "Traceback" not in err
    assert fragment in err, err
    assert not (tmp_path / "o").exists()


def test_a_foreign_sqlite_file_is_not_touched(tmp_path, capsys):
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER)")
    before = path.read_bytes()
    assert main(["history", "--db", str(path)]) == 2
    assert "other.db" in capsys.readouterr().err
    assert path.read_bytes() == before
