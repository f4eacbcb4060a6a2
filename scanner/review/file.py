"""The file-based review: export the suggestions as editable YAML, import the decisions back.

Import validates the whole file first (every question id, choice id and value) and applies nothing
when anything is wrong; the error names the file and line.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from mappings.prompts import asks_the_team
from scanner.collect import utcnow_iso
from scanner.errors import UsageError
from scanner.fsutil import atomic_write
from scanner.history import History
from scanner.review.decisions import (
    CHOICE_STATUSES,
    NA_REASONS,
    Decision,
    choice_findings,
    format_choice,
    lens_catalogue,
    proposal,
    question_choice_ids,
)

HEADER = """\
# wa-scan review file. For each question you agree with, edit the choices if needed and set its
# "confirmed" to true; then run:  wa-scan review --import {name}
# Choice values: selected | unselected | undecided | not_applicable:REASON
#   REASON is one of: {reasons}
# Questions not confirmed are not applied. Lines starting with '#' are ignored.
# Under a choice the evidence does not settle, "# ask:" is what to ask the team and "# request:" the
# artefact to ask for.
"""
QUESTION_KEYS = {"question", "label", "title", "suggested_risk", "confirmed", "note", "choices"}
TOP_KEYS = {"scan", "account", "reviewer", "questions"}


def _q(value: Any) -> str:
    # JSON strings are valid YAML double-quoted scalars, and never need further escaping.
    return json.dumps(str(value), ensure_ascii=False)


def _comment(text: str) -> str:
    return " ".join(str(text).split())


def export_review(history: History, scan_id: str, path: Path) -> int:
    """Write every question of the scan (decided ones with their decisions) to ``path``; returns the number written.

    A choice the team answers (no API shows it, or the evidence did not settle it) carries, as comments,
    the questions to ask the team and the artefact to request.

    A question without a confirmed decision but with a draft (an answer saved in the browser review
    and not confirmed) is written with the draft's choices and note and ``confirmed: false``, so
    setting it to true and importing the file is one way to confirm it.
    """
    doc = history.load(scan_id)
    decisions = history.decisions(scan_id)
    drafts = history.drafts(scan_id)
    findings = {f["id"]: f for f in doc.get("findings") or []}
    catalogue = lens_catalogue(doc)
    lines = [HEADER.format(name=path.name, reasons=", ".join(NA_REASONS)),
             f"scan: {_q(scan_id)}", f"account: {_q(doc.get('account', ''))}", 'reviewer: ""', "questions:"]
    count = 0
    for s in doc.get("suggestions") or []:
        decision = decisions.get(s["question"])
        draft = drafts.get(s["question"])
        count += 1
        confirmed = decision is not None and decision.confirmed
        shown = None if confirmed else draft
        values = dict(decision.choices) if confirmed and decision else dict(shown.choices) if shown else proposal(s)
        lines.append(f"  - question: {_q(s['question'])}")
        lines.append(f"    label: {_q(s.get('label', ''))}")
        lines.append(f"    title: {_q(s.get('title', ''))}")
        lines.append(f"    suggested_risk: {_q(s.get('risk', 'UNKNOWN'))}")
        if decision is not None and not decision.confirmed:
            lines.append(f"    # EVIDENCE CHANGED since the review by {_comment(decision.reviewer)} on "
                         f"{decision.decided_at}; it decided: "
                         + _comment(", ".join(f"{c} {format_choice(v)}" for c, v in decision.choices.items())))
        elif decision is not None:
            lines.append(f"    # confirmed by {_comment(decision.reviewer)} on {decision.decided_at}")
        if draft is not None:
            lines.append(f"    # DRAFT by {_comment(draft.reviewer)} on {draft.saved_at}, not confirmed"
                         + (": the choices below are the draft's" if shown else " (the confirmed answer is below)"))
        lines.append(f"    confirmed: {'true' if confirmed else 'false'}")
        note = shown.note if shown else decision.note if decision else ""
        lines.append(f"    note: {_q(note)}")
        lines.append("    choices:")
        by_choice = {c["choice"]: c for c in s.get("choices") or []}
        lens_titles = {c["id"]: c["title"] for c in catalogue.get(s["question"], {}).get("choices", [])}
        for cid in question_choice_ids(s, catalogue):
            c = by_choice.get(cid, {})
            value = values.get(cid)
            # A draft's "not applicable" still waiting for its reason is written undecided (the file
            # has no way to hold half an answer), with a comment saying so: no reason is made up.
            waiting = bool(value) and value["status"] == "not_applicable" and not value.get("reason")
            text = "undecided" if not value or waiting else (
                f"not_applicable:{value['reason']}" if value["status"] == "not_applicable" else value["status"])
            fs = choice_findings(c, findings) if c else []
            fails = sum(1 for f in fs if f["status"] == "fail")
            title = c.get("title") or lens_titles.get(cid) or "None of these"
            info = f"{c.get('bp', '')} {title}".strip()
            if c:
                info += f" | suggestion: {c.get('suggestion', 'unknown')}"
                if fs:
                    info += f", {fails} of {len(fs)} findings fail"
            lines.append(f"      {cid}: {text}  # {_comment(info)}")
            if waiting:
                lines.append("        # the draft says not applicable, reason still to pick: not_applicable:REASON")
            if c and asks_the_team(c):
                if c.get("human_only"):
                    lines.append(f"        # only the team can answer: {_comment(c['ask']['why'])}")
                lines += [f"        # ask: {_comment(t)}" for t in c["ask"]["questions"]]
                lines.append(f"        # request: {_comment(c['ask']['artefact'])}")
    atomic_write(path, "\n".join(lines) + "\n")
    return count


@dataclass
class _Problem:
    line: int
    message: str


def _scalar(node: yaml.Node) -> Any:
    return yaml.safe_load(yaml.serialize(node)) if isinstance(node, yaml.ScalarNode) else None


def parse_review(text: str, path: Path, history: History, scan_id: str | None) -> tuple[str, str, list[Decision]]:
    """Validate a review file; returns (scan id, reviewer, confirmed decisions) or raises ``UsageError``."""
    problems: list[_Problem] = []

    def bad(node: yaml.Node | None, message: str) -> None:
        problems.append(_Problem(node.start_mark.line + 1 if node is not None else 1, message))

    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        raise UsageError(f"{path}:{line}: not valid YAML ({getattr(exc, 'problem', None) or exc})") from None
    if not isinstance(root, yaml.MappingNode):
        raise UsageError(f"{path}:1: expected a review file with 'scan' and 'questions'")
    top: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    for key, value in root.value:
        name = _scalar(key)
        if name not in TOP_KEYS:
            bad(key, f"unknown key {name!r} (expected {', '.join(sorted(TOP_KEYS))})")
        top[str(name)] = (key, value)
    file_scan = _scalar(top["scan"][1]) if "scan" in top else None
    if not file_scan:
        raise UsageError(f"{path}:1: the file names no scan ('scan: SCAN_ID')")
    try:
        resolved = history.resolve(str(file_scan))
    except UsageError as exc:
        raise UsageError(f"{path}:{top['scan'][1].start_mark.line + 1}: {exc}") from None
    if scan_id and scan_id != resolved:
        raise UsageError(f"{path}: the file is for scan {resolved}, not {scan_id}")
    reviewer = _scalar(top["reviewer"][1]) if "reviewer" in top else ""
    doc = history.load(resolved)
    suggestions = {s["question"]: s for s in doc.get("suggestions") or []}
    catalogue = lens_catalogue(doc)
    decisions: list[Decision] = []
    seen: set[str] = set()
    questions = top.get("questions", (None, None))[1]
    if not isinstance(questions, yaml.SequenceNode):
        bad(questions or root, "'questions' must be a list of questions")
        questions = yaml.SequenceNode("tag:yaml.org,2002:seq", [])
    for item in questions.value:
        decision = _parse_question(item, suggestions, catalogue, seen, bad)
        if decision is not None:
            decisions.append(decision)
    if problems:
        problems.sort(key=lambda p: p.line)
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        raise UsageError(f"{path}:{problems[0].line}: {problems[0].message}{more}; nothing was applied")
    return resolved, str(reviewer or ""), decisions


def _parse_question(item: yaml.Node, suggestions: dict[str, dict[str, Any]], catalogue: dict[str, dict[str, Any]],
                    seen: set[str], bad: Any) -> Decision | None:
    if not isinstance(item, yaml.MappingNode):
        bad(item, "each question must be a mapping with 'question', 'confirmed' and 'choices'")
        return None
    fields: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    for key, value in item.value:
        name = _scalar(key)
        if name not in QUESTION_KEYS:
            bad(key, f"unknown key {name!r} in a question (expected {', '.join(sorted(QUESTION_KEYS))})")
            continue
        fields[str(name)] = (key, value)
    if "question" not in fields:
        bad(item, "a question without 'question: ID'")
        return None
    qnode = fields["question"][1]
    qid = _scalar(qnode)
    if qid not in suggestions:
        bad(qnode, f"unknown question id {qid!r} for this scan")
        return None
    if qid in seen:
        bad(qnode, f"question {qid!r} appears twice")
        return None
    seen.add(qid)
    confirmed = _scalar(fields["confirmed"][1]) if "confirmed" in fields else False
    if not isinstance(confirmed, bool):
        bad(fields["confirmed"][1], f"{qid}: 'confirmed' must be true or false")
        return None
    note = _scalar(fields["note"][1]) if "note" in fields else ""
    if note is None:
        note = ""
    if not isinstance(note, str):
        bad(fields["note"][1], f"{qid}: 'note' must be text")
        note = ""
    choices: dict[str, dict[str, str]] = {}
    allowed = set(question_choice_ids(suggestions[qid], catalogue))
    cnode = fields.get("choices", (None, None))[1]
    if cnode is not None and not isinstance(cnode, yaml.MappingNode) and _scalar(cnode) is not None:
        bad(cnode, f"{qid}: 'choices' must map choice ids to values")
    elif isinstance(cnode, yaml.MappingNode):
        for key, value in cnode.value:
            cid = _scalar(key)
            if cid not in allowed:
                bad(key, f"unknown choice id {cid!r} for question {qid}")
                continue
            if cid in choices:
                bad(key, f"choice {cid!r} appears twice")
                continue
            parsed = _choice_value(_scalar(value))
            if isinstance(parsed, str):
                bad(value, f"{qid}.{cid}: {parsed}")
            elif parsed is not None:
                choices[str(cid)] = parsed
    if not confirmed:
        return None
    return Decision(question=str(qid), choices=choices, note=note, decided_at=utcnow_iso(), source="file")


def _choice_value(raw: Any) -> dict[str, str] | str | None:
    """A parsed choice value, ``None`` for undecided, or an error message."""
    expected = "expected selected, unselected, undecided or not_applicable:REASON"
    if not isinstance(raw, str):
        return f"{raw!r}: {expected}"
    status, _, reason = raw.strip().lower().partition(":")
    status = status.strip()
    reason = reason.strip()
    if status == "undecided" and not reason:
        return None
    if status not in CHOICE_STATUSES:
        return f"{raw!r}: {expected}"
    if status == "not_applicable":
        if reason not in NA_REASONS:
            return f"{raw!r}: not_applicable needs a reason, one of {', '.join(NA_REASONS)}"
        return {"status": status, "reason": reason}
    if reason:
        return f"{raw!r}: only not_applicable takes a reason"
    return {"status": status}


def import_review(history: History, path: Path, *, scan_id: str | None, reviewer: str | None) -> tuple[str, int, int]:
    """Apply a review file in one transaction; returns (scan id, decisions applied, unchanged ones skipped)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read ({exc})") from None
    resolved, file_reviewer, decisions = parse_review(text, path, history, scan_id)
    who = reviewer or file_reviewer or history.load(resolved).get("caller_arn") or "unknown"
    current = history.decisions(resolved)
    apply: list[Decision] = []
    for d in decisions:
        d.reviewer = who
        old = current.get(d.question)
        if old is not None and old.confirmed and old.choices == d.choices and old.note == d.note:
            continue
        apply.append(d)
    if apply:
        history.save_decisions(resolved, apply)
    return resolved, len(apply), len(decisions) - len(apply)
