"""The review's domain: a reviewer's decision and draft, and the rules that relate them to a scan's suggestions.

Plain values and pure functions: the terminal review, the review file, the web review, drift and the
push share them, and none of them needs the history database to do so (``scanner.history`` stores them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from scanner.document import document_lens

CHOICE_STATUSES = ("selected", "unselected", "not_applicable")
NA_REASONS = ("out_of_scope", "business_priorities", "architecture_constraints", "other", "none")
CONFIRMED, EVIDENCE_CHANGED = "confirmed", "evidence_changed"
# What accepting a suggestion records for a choice; partial and unknown choices stay for a human.
ACCEPTED_STATUS = {"supported": "selected", "contradicted": "unselected"}
STATUS_LABEL = {"selected": "selected", "unselected": "not selected", "not_applicable": "not applicable"}


@dataclass
class Decision:
    """A reviewer's answer to one question of one scan.

    ``choices`` holds only the choices the reviewer decided: ``{choice_id: {"status": s, "reason": r}}``
    with ``s`` one of ``CHOICE_STATUSES`` and ``r`` (for ``not_applicable``) one of ``NA_REASONS``.
    ``state`` is ``confirmed``, or ``evidence_changed`` when a decision carried from an earlier scan
    no longer rests on the same evidence (the earlier choices are kept for the reviewer to see).
    """

    question: str
    choices: dict[str, dict[str, str]]
    note: str = ""
    reviewer: str = ""
    decided_at: str = ""
    state: str = CONFIRMED
    source: str = "review"
    carried_from: int | None = None
    evidence: list[str] = field(default_factory=list)
    id: int | None = None
    scan_id: str = ""

    @property
    def confirmed(self) -> bool:
        """True when the decision stands for this scan (made on it, or carried with unchanged evidence)."""
        return self.state == CONFIRMED


@dataclass
class Draft:
    """An answer a reviewer is working on: saved at every change, not a decision until confirmed.

    ``choices`` is as in ``Decision``; ``saved_at`` is when it was last changed, by ``reviewer``.
    """

    question: str
    choices: dict[str, dict[str, str]]
    note: str = ""
    reviewer: str = ""
    saved_at: str = ""
    scan_id: str = ""


def validate_choices(choices: dict[str, dict[str, str]], *, draft: bool = False) -> None:
    """Raise ``ValueError`` naming the first bad status or reason.

    A ``draft`` may hold a not_applicable whose reason is still to be picked (no ``reason`` key), so
    the rest of what the reviewer typed is saved meanwhile; a decision may not.
    """
    for cid, value in choices.items():
        status = value.get("status")
        if status not in CHOICE_STATUSES:
            raise ValueError(f"choice {cid}: status {status!r} is not one of {', '.join(CHOICE_STATUSES)}")
        reason = value.get("reason")
        if draft and status == "not_applicable" and not reason:
            continue
        if status == "not_applicable" and reason not in NA_REASONS:
            raise ValueError(f"choice {cid}: not_applicable needs a reason, one of {', '.join(NA_REASONS)}")
        if status != "not_applicable" and reason:
            raise ValueError(f"choice {cid}: a reason belongs only to not_applicable")


def missing_reasons(choices: dict[str, dict[str, str]]) -> list[str]:
    """The choices marked not applicable whose reason is still to be picked (a draft's), in order."""
    return [cid for cid, v in choices.items() if v.get("status") == "not_applicable" and not v.get("reason")]


def check_ids(choice: dict[str, Any]) -> list[str]:
    """The ids of the checks a suggested choice rests on (entries are ids or ``{"check": id, ...}``)."""
    return [c["check"] if isinstance(c, dict) else str(c) for c in choice.get("checks") or []]


def evidence_of(suggestion: dict[str, Any], findings: list[dict[str, Any]]) -> list[str]:
    """The evidence behind a question: ``finding-id:status`` of every finding its choices rest on.

    A choice rests on the findings it lists and on every finding of the checks it names, so a
    resource that appears or goes away changes the evidence as much as a status that flips.
    """
    by_id = {f["id"]: f for f in findings}
    checks: set[str] = set()
    ids: set[str] = set()
    for choice in suggestion.get("choices") or []:
        ids.update(choice.get("findings") or [])
        checks.update(check_ids(choice))
    ids.update(f["id"] for f in findings if f.get("check") in checks)
    return sorted(f"{fid}:{by_id[fid]['status'] if fid in by_id else 'missing'}" for fid in ids)


def lens_catalogue(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """question id -> the question of the scan's own lens (label, title, pillar, choices, none_choice)."""
    lens = document_lens(doc)
    return {q.id: {"id": q.id, "label": q.label, "title": q.title, "pillar": q.pillar, "none_choice": q.none_choice,
                   "choices": [{"id": c.id, "title": c.title} for c in q.choices]} for q in lens.questions()}


def question_choice_ids(suggestion: dict[str, Any], catalogue: dict[str, dict[str, Any]]) -> list[str]:
    """The choices a decision on this question may name: the suggestion's, then the lens's (with "None of these").

    ``catalogue`` is ``lens_catalogue(doc)`` of the scan the suggestion belongs to.
    """
    ids = [c["choice"] for c in suggestion.get("choices") or []]
    lens_q = catalogue.get(suggestion["question"], {})
    ids += [c["id"] for c in lens_q.get("choices", []) if c["id"] not in ids]
    if lens_q.get("none_choice") and lens_q["none_choice"] not in ids:
        ids.append(lens_q["none_choice"])
    return ids


def proposal(suggestion: dict[str, Any]) -> dict[str, dict[str, str]]:
    """What accepting the suggestion records: supported -> selected, contradicted -> not selected."""
    return {c["choice"]: {"status": ACCEPTED_STATUS[c.get("suggestion", "")]}
            for c in suggestion.get("choices") or [] if c.get("suggestion") in ACCEPTED_STATUS}


def choice_findings(choice: dict[str, Any], findings: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The findings a suggested choice rests on: those it lists and every finding of the checks it names."""
    checks = set(check_ids(choice))
    ids = list(dict.fromkeys([*(choice.get("findings") or []),
                              *(fid for fid, f in findings.items() if f.get("check") in checks)]))
    return [findings[i] for i in ids if i in findings]


def format_choice(value: dict[str, str] | None) -> str:
    """A decided choice as a person reads it: ``selected``, ``not applicable (out_of_scope)``, ``undecided``."""
    if not value:
        return "undecided"
    label = STATUS_LABEL[value["status"]]
    if value["status"] == "not_applicable" and not value.get("reason"):
        return f"{label} (reason to pick)"
    return f"{label} ({value['reason']})" if value.get("reason") else label
