"""The history database's file: its SQL schema, the migrations between versions, and opening it safely.

The schema is versioned with ``PRAGMA user_version`` and migrated forward on open, one transaction
per step. A database from a newer wa-scan, a corrupt file, or an SQLite file that is not a wa-scan
history is a ``UsageError`` and is never written to. ``scanner.history`` holds the API on top.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

from scanner.errors import UsageError

SCHEMA_VERSION = 2
# "WAsc": marks the file as a wa-scan history for tools like `file`, and lets us refuse foreign databases.
APPLICATION_ID = 0x57417363

_V1 = """
CREATE TABLE scans (
    id          TEXT PRIMARY KEY,
    account     TEXT NOT NULL,
    caller_arn  TEXT NOT NULL DEFAULT '',
    started_at  TEXT NOT NULL,
    finished_at TEXT NOT NULL DEFAULT '',
    regions     TEXT NOT NULL,             -- JSON list
    complete    INTEGER NOT NULL,
    partial     INTEGER NOT NULL,
    counts      TEXT NOT NULL,             -- JSON {pass, fail, not_assessed}
    header      TEXT NOT NULL,             -- the document without findings and suggestions
    recorded_at TEXT NOT NULL
);
CREATE INDEX scans_by_account ON scans (account, started_at);
CREATE TABLE findings (
    scan_id  TEXT NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
    seq      INTEGER NOT NULL,
    id       TEXT NOT NULL,
    check_id TEXT NOT NULL,
    status   TEXT NOT NULL,
    severity TEXT NOT NULL,
    region   TEXT NOT NULL,
    resource TEXT NOT NULL,
    body     TEXT NOT NULL,
    PRIMARY KEY (scan_id, seq)
);
CREATE INDEX findings_by_id ON findings (id);
CREATE TABLE suggestions (
    scan_id  TEXT NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
    seq      INTEGER NOT NULL,
    question TEXT NOT NULL,
    pillar   TEXT NOT NULL DEFAULT '',
    label    TEXT NOT NULL DEFAULT '',
    risk     TEXT NOT NULL DEFAULT '',
    evidence TEXT NOT NULL,                -- JSON sorted ["finding-id:status", ...] behind the choices
    body     TEXT NOT NULL,
    PRIMARY KEY (scan_id, seq)
);
CREATE TABLE decisions (
    id           INTEGER PRIMARY KEY,
    scan_id      TEXT NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
    question     TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('confirmed', 'evidence_changed')),
    choices      TEXT NOT NULL,            -- JSON {choice_id: {"status": ..., "reason": ...}}
    note         TEXT NOT NULL DEFAULT '',
    reviewer     TEXT NOT NULL,
    decided_at   TEXT NOT NULL,
    source       TEXT NOT NULL,            -- review | file | carried
    carried_from INTEGER REFERENCES decisions (id),
    evidence     TEXT NOT NULL,            -- the evidence the decision was made on (as in suggestions)
    UNIQUE (scan_id, question)
);
"""

# Version 2: an answer being worked on, saved at every change and not yet confirmed (one per question
# and scan). It never counts as a decision; confirming replaces it with one.
_V2 = """
CREATE TABLE drafts (
    scan_id  TEXT NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
    question TEXT NOT NULL,
    choices  TEXT NOT NULL,                -- as in decisions
    note     TEXT NOT NULL DEFAULT '',
    reviewer TEXT NOT NULL,
    saved_at TEXT NOT NULL,
    PRIMARY KEY (scan_id, question)
);
"""

# MIGRATIONS[n] takes a database at user_version n to n + 1.
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    lambda conn: _run_script(conn, _V1),
    lambda conn: _run_script(conn, _V2),
]
assert len(MIGRATIONS) == SCHEMA_VERSION


def _run_script(conn: sqlite3.Connection, script: str) -> None:
    # Statement by statement: executescript() would commit the migration's transaction half-way.
    for statement in script.split(";\n"):
        if statement.strip():
            conn.execute(statement)


def connect(path: Path) -> sqlite3.Connection:
    """Open ``path`` private, in WAL mode, migrated to ``SCHEMA_VERSION``; refuse what we cannot own."""
    if path.exists() and not path.is_file():
        raise UsageError(f"history database {path} is not a file")
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # Create the file ourselves so it is private from the first byte; SQLite gives the WAL and
        # shared-memory files the same mode as the database.
        os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
        os.chmod(path, 0o600)
    except OSError as exc:
        raise UsageError(f"cannot open the history database {path}: {exc.strerror or exc}") from None
    conn = sqlite3.connect(path, isolation_level=None, timeout=10.0, check_same_thread=False)
    try:
        _prepare(conn, path)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise UsageError(f"history database {path} is unreadable ({exc}); move it aside or pass --db") from None
    except BaseException:
        conn.close()
        raise
    return conn


def _prepare(conn: sqlite3.Connection, path: Path) -> None:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise UsageError(f"history database {path} was written by a newer wa-scan (schema {version}, this one "
                         f"knows up to {SCHEMA_VERSION}); upgrade wa-scan or pass another --db")
    tables = conn.execute("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
    if (version or tables) and app_id != APPLICATION_ID:
        raise UsageError(f"{path} is an SQLite database but not a wa-scan history; pass another --db")
    problem = conn.execute("PRAGMA quick_check").fetchone()[0]
    if problem != "ok":
        raise UsageError(f"history database {path} is damaged ({problem}); move it aside or pass --db")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 10000")
    while version < SCHEMA_VERSION:
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Re-read inside the lock: another process may have migrated meanwhile.
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version < SCHEMA_VERSION:
                MIGRATIONS[version](conn)
                conn.execute(f"PRAGMA user_version = {version + 1}")
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        version = conn.execute("PRAGMA user_version").fetchone()[0]
