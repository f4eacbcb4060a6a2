"""Scan history: scans, findings, suggestions and reviewer decisions in one SQLite file.

The database is embedded (no server): by default ``wa-scan.db`` in the user's data directory,
``$WA_SCAN_DB`` or ``--db PATH`` to choose another. It is private (mode 0600), in WAL mode, and
every write is one transaction, so a process killed at any point leaves every committed decision
and a usable database behind.

A reviewer's answer is a *draft* (saved at every change, table ``drafts``) until it is confirmed;
confirming writes the ``decisions`` row and drops the draft in one transaction. Only decisions count
in exports' answers, pushes and drift; a draft still travels to the account's next scan (as decisions
do), so an answer half written before a rescan is there to finish.

The file itself (SQL schema, migrations, safe opening) is ``scanner.history.schema``; the values it
stores (``Decision``, ``Draft``) are the review's, in ``scanner.review.decisions``.

Scan ids are derived from the scan document itself (account, start time and a hash of the
content), so the id of a ``scan.json`` written before the scan was recorded can be computed from the
file alone: wherever a command takes a scan id it also takes a path to a ``scan.json``.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scanner.collect import utcnow_iso
from scanner.document import load_document, scan_id_for
from scanner.errors import UsageError
from scanner.history.schema import connect
from scanner.review.decisions import CONFIRMED, EVIDENCE_CHANGED, Decision, Draft, evidence_of, validate_choices


def default_db_path() -> Path:
    """``$WA_SCAN_DB``, else ``wa-scan.db`` in the user's data directory."""
    env = os.environ.get("WA_SCAN_DB")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("wa-scan")) / "wa-scan.db"


def resolve_db(db: Path | str | None) -> Path:
    """The database path from ``--db``, else the default."""
    return Path(db).expanduser() if db else default_db_path()


@dataclass
class ScanRow:
    """One recorded scan, as ``history`` lists it."""

    id: str
    account: str
    caller_arn: str
    started_at: str
    finished_at: str
    regions: list[str]
    complete: bool
    partial: bool
    counts: dict[str, int]
    decisions: int = 0
    flagged: int = 0


class History:
    """An open history database. Use as a context manager, or call ``close()``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.conn = connect(path)

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection (committed work is already on disk)."""
        self.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: all of it is committed, or none of it."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # -- scans ---------------------------------------------------------------------------------

    def record(self, doc: dict[str, Any]) -> str:
        """Store a scan document (idempotent for the same content); returns its id.

        Decisions made on earlier scans of the same account are carried forward in the same
        transaction (see ``_carry_forward``).
        """
        scan_id = scan_id_for(doc)
        findings = list(doc.get("findings") or [])
        suggestions = list(doc.get("suggestions") or [])
        header = {k: (None if k in ("findings", "suggestions") else v) for k, v in doc.items() if k != "scan_id"}
        counts = {s: 0 for s in ("pass", "fail", "not_assessed")}
        for f in findings:
            counts[f.get("status", "not_assessed")] = counts.get(f.get("status", "not_assessed"), 0) + 1
        with self.transaction() as conn:
            if conn.execute("SELECT 1 FROM scans WHERE id = ?", (scan_id,)).fetchone():
                return scan_id
            conn.execute(
                "INSERT INTO scans (id, account, caller_arn, started_at, finished_at, regions, complete, partial,"
                " counts, header, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (scan_id, str(doc.get("account") or "unknown"), str(doc.get("caller_arn") or ""),
                 str(doc.get("started_at") or ""), str(doc.get("finished_at") or ""),
                 json.dumps(doc.get("regions") or []), int(bool(doc.get("complete", True))),
                 int(bool(doc.get("partial", False))), json.dumps(counts), _dumps(header), utcnow_iso()),
            )
            conn.executemany(
                "INSERT INTO findings (scan_id, seq, id, check_id, status, severity, region, resource, body)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(scan_id, i, f["id"], f.get("check", ""), f.get("status", ""), f.get("severity", ""),
                  f.get("region", ""), f.get("resource", ""), _dumps(f)) for i, f in enumerate(findings)],
            )
            conn.executemany(
                "INSERT INTO suggestions (scan_id, seq, question, pillar, label, risk, evidence, body)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(scan_id, i, s["question"], s.get("pillar", ""), s.get("label", ""), s.get("risk", ""),
                  json.dumps(evidence_of(s, findings)), _dumps(s)) for i, s in enumerate(suggestions)],
            )
            self._carry_forward(conn, scan_id)
        return scan_id

    def _carry_forward(self, conn: sqlite3.Connection, scan_id: str) -> None:
        """Bring the latest earlier decision on each question of this account to the new scan.

        It stays *confirmed* when the question's evidence is the same as when it was decided (same
        finding ids with the same statuses); otherwise it is kept as *evidence_changed*, so the
        reviewer sees what was decided and why it needs another look.
        """
        account, started = conn.execute("SELECT account, started_at FROM scans WHERE id = ?", (scan_id,)).fetchone()
        for question, evidence in conn.execute(
                "SELECT question, evidence FROM suggestions WHERE scan_id = ?", (scan_id,)).fetchall():
            prior = conn.execute(
                "SELECT d.id, d.state, d.choices, d.note, d.reviewer, d.decided_at, d.evidence, d.carried_from,"
                " d.source FROM decisions d JOIN scans s ON s.id = d.scan_id"
                " WHERE s.account = ? AND d.question = ? AND s.id != ? AND s.started_at <= ?"
                " ORDER BY s.started_at DESC, s.recorded_at DESC, d.id DESC LIMIT 1",
                (account, question, scan_id, started),
            ).fetchone()
            if prior is None:
                continue
            pid, _state, choices, note, reviewer, decided_at, basis, carried_from, source = prior
            state = CONFIRMED if json.loads(basis) == json.loads(evidence) else EVIDENCE_CHANGED
            origin = carried_from if source == "carried" and carried_from else pid
            conn.execute(
                "INSERT INTO decisions (scan_id, question, state, choices, note, reviewer, decided_at, source,"
                " carried_from, evidence) VALUES (?, ?, ?, ?, ?, ?, ?, 'carried', ?, ?)",
                (scan_id, question, state, choices, note, reviewer, decided_at, origin, basis),
            )
        self._carry_drafts(conn, scan_id, account, started)

    def _carry_drafts(self, conn: sqlite3.Connection, scan_id: str, account: str, started: str) -> None:
        """Bring the latest earlier unconfirmed draft on each question of this account to the new scan.

        Only a draft saved after the decision carried on the same question (if any): a draft that an
        answer confirmed later replaced is not brought back.
        """
        for (question,) in conn.execute("SELECT question FROM suggestions WHERE scan_id = ?", (scan_id,)).fetchall():
            draft = conn.execute(
                "SELECT r.choices, r.note, r.reviewer, r.saved_at FROM drafts r JOIN scans s ON s.id = r.scan_id"
                " WHERE s.account = ? AND r.question = ? AND s.id != ? AND s.started_at <= ?"
                " ORDER BY r.saved_at DESC LIMIT 1", (account, question, scan_id, started)).fetchone()
            if draft is None:
                continue
            decided = conn.execute("SELECT decided_at FROM decisions WHERE scan_id = ? AND question = ?",
                                   (scan_id, question)).fetchone()
            if decided is not None and decided[0] > draft[3]:
                continue
            conn.execute("INSERT OR IGNORE INTO drafts (scan_id, question, choices, note, reviewer, saved_at)"
                         " VALUES (?, ?, ?, ?, ?, ?)", (scan_id, question, *draft))

    def scans(self, account: str | None = None) -> list[ScanRow]:
        """Recorded scans, oldest first (of one account when given)."""
        sql = ("SELECT s.id, s.account, s.caller_arn, s.started_at, s.finished_at, s.regions, s.complete,"
               " s.partial, s.counts,"
               " (SELECT COUNT(*) FROM decisions d WHERE d.scan_id = s.id AND d.state = 'confirmed'),"
               " (SELECT COUNT(*) FROM decisions d WHERE d.scan_id = s.id AND d.state = 'evidence_changed')"
               " FROM scans s")
        params: tuple[Any, ...] = ()
        if account:
            sql += " WHERE s.account = ?"
            params = (account,)
        sql += " ORDER BY s.started_at, s.recorded_at"
        return [ScanRow(r[0], r[1], r[2], r[3], r[4], json.loads(r[5]), bool(r[6]), bool(r[7]), json.loads(r[8]),
                        r[9], r[10]) for r in self.conn.execute(sql, params)]

    def resolve(self, ref: str | None, account: str | None = None) -> str:
        """A scan id from a reference: an id, a unique prefix of one, ``latest``, or a ``scan.json`` path.

        ``None`` or ``latest`` is the most recent scan (of ``account`` when given).
        """
        if ref in (None, "", "latest"):
            rows = self.scans(account)
            if not rows:
                where = f" of account {account}" if account else ""
                raise UsageError(f"no scans{where} in the history database {self.path}; run a scan first")
            return rows[-1].id
        assert ref is not None
        if ref.endswith(".json") or os.sep in ref or Path(ref).is_file():
            path = Path(ref)
            doc = load_document(path)
            scan_id = scan_id_for(doc)
            if not self.conn.execute("SELECT 1 FROM scans WHERE id = ?", (scan_id,)).fetchone():
                raise UsageError(f"{path}: this scan is not in the history database {self.path}")
            return scan_id
        hits = [r[0] for r in self.conn.execute(
            "SELECT id FROM scans WHERE id = ? OR id LIKE ? ESCAPE '\\' ORDER BY started_at",
            (ref, ref.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"))]
        if ref in hits:
            return ref
        if not hits:
            raise UsageError(f"no scan {ref!r} in the history database {self.path} ('wa-scan history' lists them)")
        if len(hits) > 1:
            raise UsageError(f"scan id {ref!r} is ambiguous: {', '.join(hits[:4])}{' ...' if len(hits) > 4 else ''}")
        return hits[0]

    def previous(self, scan_id: str) -> str | None:
        """The scan of the same account recorded just before ``scan_id``, if any."""
        row = self.conn.execute(
            "SELECT p.id FROM scans p JOIN scans s ON s.id = ? WHERE p.account = s.account AND p.id != s.id"
            " AND (p.started_at < s.started_at OR (p.started_at = s.started_at AND p.recorded_at < s.recorded_at))"
            " ORDER BY p.started_at DESC, p.recorded_at DESC LIMIT 1", (scan_id,)).fetchone()
        return row[0] if row else None

    def load(self, scan_id: str) -> dict[str, Any]:
        """The scan document as it was recorded, with ``scan_id`` added."""
        row = self.conn.execute("SELECT header FROM scans WHERE id = ?", (scan_id,)).fetchone()
        if row is None:
            raise UsageError(f"no scan {scan_id!r} in the history database {self.path}")
        doc: dict[str, Any] = {"scan_id": scan_id, **json.loads(row[0])}
        findings = [json.loads(b) for (b,) in self.conn.execute(
            "SELECT body FROM findings WHERE scan_id = ? ORDER BY seq", (scan_id,))]
        suggestions = [json.loads(b) for (b,) in self.conn.execute(
            "SELECT body FROM suggestions WHERE scan_id = ? ORDER BY seq", (scan_id,))]
        if "findings" in doc or findings:
            doc["findings"] = findings
        if "suggestions" in doc or suggestions:
            doc["suggestions"] = suggestions
        return doc

    def evidence(self, scan_id: str) -> dict[str, list[str]]:
        """question -> the evidence behind it in this scan."""
        return {q: json.loads(e) for q, e in self.conn.execute(
            "SELECT question, evidence FROM suggestions WHERE scan_id = ?", (scan_id,))}

    # -- decisions -----------------------------------------------------------------------------

    def decisions(self, scan_id: str) -> dict[str, Decision]:
        """question -> the decision recorded for it on this scan (confirmed or flagged)."""
        rows = self.conn.execute(
            "SELECT id, question, state, choices, note, reviewer, decided_at, source, carried_from, evidence"
            " FROM decisions WHERE scan_id = ? ORDER BY id", (scan_id,))
        return {r[1]: Decision(question=r[1], choices=json.loads(r[3]), note=r[4], reviewer=r[5], decided_at=r[6],
                               state=r[2], source=r[7], carried_from=r[8], evidence=json.loads(r[9]), id=r[0],
                               scan_id=scan_id) for r in rows}

    def save_decisions(self, scan_id: str, decisions: list[Decision]) -> None:
        """Record confirmed decisions on ``scan_id`` in one transaction, replacing earlier ones on the same questions.

        Each decision rests on the scan's current evidence for its question. A draft on the same
        question is dropped in the same transaction: confirming is what turns it into the decision.
        """
        for d in decisions:
            validate_choices(d.choices)
        with self.transaction() as conn:
            evidence = {q: e for q, e in conn.execute(
                "SELECT question, evidence FROM suggestions WHERE scan_id = ?", (scan_id,))}
            for d in decisions:
                if d.question not in evidence:
                    raise UsageError(f"scan {scan_id} has no suggestion for question {d.question!r}")
                conn.execute(
                    "INSERT INTO decisions (scan_id, question, state, choices, note, reviewer, decided_at, source,"
                    " carried_from, evidence) VALUES (?, ?, 'confirmed', ?, ?, ?, ?, ?, NULL, ?)"
                    " ON CONFLICT (scan_id, question) DO UPDATE SET state = 'confirmed', choices = excluded.choices,"
                    " note = excluded.note, reviewer = excluded.reviewer, decided_at = excluded.decided_at,"
                    " source = excluded.source, carried_from = NULL, evidence = excluded.evidence",
                    (scan_id, d.question, json.dumps(d.choices, sort_keys=True), d.note, d.reviewer,
                     d.decided_at or utcnow_iso(), d.source, evidence[d.question]),
                )
                conn.execute("DELETE FROM drafts WHERE scan_id = ? AND question = ?", (scan_id, d.question))

    def save_decision(self, scan_id: str, decision: Decision) -> None:
        """Record one confirmed decision (committed before this returns)."""
        self.save_decisions(scan_id, [decision])

    # -- drafts --------------------------------------------------------------------------------

    def drafts(self, scan_id: str) -> dict[str, Draft]:
        """question -> the unconfirmed draft saved on it for this scan."""
        return {q: Draft(question=q, choices=json.loads(c), note=n, reviewer=r, saved_at=t, scan_id=scan_id)
                for q, c, n, r, t in self.conn.execute(
                    "SELECT question, choices, note, reviewer, saved_at FROM drafts WHERE scan_id = ?"
                    " ORDER BY saved_at, question", (scan_id,))}

    def reopen(self, scan_id: str, question: str) -> Draft | None:
        """Undo the confirmation of one question: its decision becomes its draft again, in one transaction.

        Nothing the reviewer wrote is lost (choices and note move to the draft); the question counts as
        not reviewed until it is confirmed again. None when the question has no decision on this scan.
        """
        with self.transaction() as conn:
            row = conn.execute("SELECT choices, note, reviewer FROM decisions WHERE scan_id = ? AND question = ?",
                               (scan_id, question)).fetchone()
            if row is None:
                return None
            choices, note, reviewer = row
            now = utcnow_iso()
            conn.execute("DELETE FROM decisions WHERE scan_id = ? AND question = ?", (scan_id, question))
            conn.execute(
                "INSERT INTO drafts (scan_id, question, choices, note, reviewer, saved_at) VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (scan_id, question) DO UPDATE SET choices = excluded.choices, note = excluded.note,"
                " reviewer = excluded.reviewer, saved_at = excluded.saved_at",
                (scan_id, question, choices, note, reviewer, now))
        return Draft(question=question, choices=json.loads(choices), note=note, reviewer=reviewer, saved_at=now,
                     scan_id=scan_id)

    def save_draft(self, scan_id: str, draft: Draft) -> bool:
        """Save (or replace) the draft on one question, committed before this returns; the decision is untouched.

        A draft that says the same as the question's confirmed decision (choices and note) is no
        change at all: any draft is dropped instead and False returned. True when a draft stands.
        """
        validate_choices(draft.choices, draft=True)
        choices = json.dumps(draft.choices, sort_keys=True)
        with self.transaction() as conn:
            if not conn.execute("SELECT 1 FROM suggestions WHERE scan_id = ? AND question = ?",
                                (scan_id, draft.question)).fetchone():
                raise UsageError(f"scan {scan_id} has no suggestion for question {draft.question!r}")
            same = conn.execute(
                "SELECT 1 FROM decisions WHERE scan_id = ? AND question = ? AND state = 'confirmed'"
                " AND choices = ? AND note = ?", (scan_id, draft.question, choices, draft.note)).fetchone()
            if same:
                conn.execute("DELETE FROM drafts WHERE scan_id = ? AND question = ?", (scan_id, draft.question))
                return False
            conn.execute(
                "INSERT INTO drafts (scan_id, question, choices, note, reviewer, saved_at) VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (scan_id, question) DO UPDATE SET choices = excluded.choices, note = excluded.note,"
                " reviewer = excluded.reviewer, saved_at = excluded.saved_at",
                (scan_id, draft.question, choices, draft.note, draft.reviewer, draft.saved_at or utcnow_iso()))
        return True


def open_history(db: Path | str | None = None, *, create: bool = True) -> History:
    """Open (creating and migrating as needed) the history database; errors are one-line ``UsageError``s."""
    path = resolve_db(db)
    if not create and not path.exists():
        raise UsageError(f"no history database at {path}; run a scan first (or pass --db)")
    return History(path)


def record_scan(doc: dict[str, Any], db: Path | None = None) -> str:
    """Record a scan document in the history database; returns its id.

    The database is ``db``, else ``$WA_SCAN_DB``, else ``wa-scan.db`` in the user's data directory.
    """
    with open_history(db) as history:
        return history.record(doc)


def _dumps(value: Any) -> str:
    return json.dumps(value, default=str, separators=(",", ":"))
