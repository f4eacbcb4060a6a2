"""The review record: what the meeting decided, beside what the scan suggested.

Built from a scan document and the decisions recorded on it (the history's ``Decision`` objects, or
dicts with the same fields); the caller reads the decisions through the History API, so this module
needs no database. Per question: the confirmed answer beside the suggestion, where they differ and
the reviewer's note, N/A reasons, who confirmed and when; per pillar the confirmed High and Medium
risks; and the improvement plan built from the confirmed risks. A question nobody confirmed is
shown as unreviewed, never as answered.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from reports.html import FAVICON, base_css, content_security_policy
from reports.safety import as_text, one_line
from reports.tables import write_csv
from reports.templating import environment
from reports.view import RISK_LABEL, ChoiceView, QuestionView, ReportView, build_view

CONFIRMED, EVIDENCE_CHANGED, UNREVIEWED = "confirmed", "evidence_changed", "unreviewed"
STATE_LABEL = {CONFIRMED: "Confirmed", EVIDENCE_CHANGED: "Evidence changed: review again", UNREVIEWED: "Unreviewed"}
ANSWER_LABEL = {"selected": "Selected", "unselected": "Not selected", "not_applicable": "Not applicable",
                "": "Undecided"}
NA_REASON_LABEL = {"out_of_scope": "out of scope", "business_priorities": "business priorities",
                   "architecture_constraints": "architecture constraints", "other": "other", "none": "no reason given"}
# What accepting a suggestion records (as the reviews do): a difference is any other answer.
SUGGESTED_ANSWER = {"supported": "selected", "contradicted": "unselected"}
CONFIRMED_RISKS = ("HIGH", "MEDIUM", "NONE", "NOT_APPLICABLE")
RECORD_RISK_LABEL = {**RISK_LABEL, "NOT_APPLICABLE": "Not applicable", "": "Unreviewed"}
QUESTION_COLUMNS = ("Pillar", "Label", "Question", "Title", "Suggested risk", "Confirmed risk", "State",
                    "Selected choices", "Not applicable", "Note", "Reviewer", "Confirmed at", "Owner", "Due date")
RISK_RULE = ("'None of these' selected, or a High-risk best practice not selected, gives High; otherwise a "
             "Medium-risk one not selected gives Medium; otherwise None. Not-applicable practices do not "
             "count; an undecided one counts as not selected, as in the WA Tool.")


@dataclass
class ChoiceRecord:
    """One best practice: what the scan suggested and what the reviewer recorded."""

    choice: ChoiceView
    answer: str  # selected | unselected | not_applicable | "" (undecided)
    reason: str = ""

    @property
    def answer_label(self) -> str:
        """Selected / Not selected / Not applicable (reason) / Undecided."""
        label = ANSWER_LABEL.get(self.answer, self.answer)
        if self.answer == "not_applicable":
            label += f" ({NA_REASON_LABEL.get(self.reason, self.reason or 'no reason given')})"
        return label

    @property
    def differs(self) -> bool:
        """True when the reviewer recorded something other than what accepting the suggestion records."""
        suggested = SUGGESTED_ANSWER.get(self.choice.suggestion)
        return suggested is not None and (self.answer or "unselected") != suggested


@dataclass
class QuestionRecord:
    """One question of the lens with its decision, or marked unreviewed."""

    question: QuestionView
    state: str
    confirmed_risk: str
    choices: list[ChoiceRecord]
    none_selected: bool = False
    note: str = ""
    reviewer: str = ""
    decided_at: str = ""
    source: str = ""

    @property
    def reviewed(self) -> bool:
        """True when a decision stands on this scan (confirmed, not flagged for changed evidence)."""
        return self.state == CONFIRMED

    @property
    def state_label(self) -> str:
        """Confirmed / Evidence changed / Unreviewed."""
        return STATE_LABEL.get(self.state, self.state)

    @property
    def confirmed_risk_label(self) -> str:
        """High / Medium / None / Not applicable, or Unreviewed."""
        return RECORD_RISK_LABEL.get(self.confirmed_risk, self.confirmed_risk)

    @property
    def differences(self) -> list[ChoiceRecord]:
        """The choices where the reviewer's answer differs from the suggestion."""
        return [c for c in self.choices if c.differs]

    @property
    def selected(self) -> list[ChoiceRecord]:
        """The choices the reviewer selected."""
        return [c for c in self.choices if c.answer == "selected"]

    @property
    def not_applicable(self) -> list[ChoiceRecord]:
        """The choices the reviewer marked not applicable."""
        return [c for c in self.choices if c.answer == "not_applicable"]


@dataclass
class PillarRecord:
    """A pillar's confirmed risks and how far its review got."""

    id: str
    name: str
    high: int
    medium: int
    none: int
    reviewed: int
    questions: int


@dataclass
class PlanStep:
    """One confirmed risk to remove: the best practices the team does not follow, and the fixes the scan knows."""

    record: QuestionRecord
    missing: list[ChoiceRecord]
    fixes: list[tuple[str, str, str, str]]  # (check id, title, remediation, effort)


@dataclass
class ReviewRecord:
    """Everything the review report shows."""

    meta: dict[str, Any]
    questions: list[QuestionRecord]
    pillars: list[PillarRecord]
    plan: list[PlanStep]
    reviewers: list[str]
    first_decided: str
    last_decided: str
    risk_rule: str = RISK_RULE
    pack: ReportView | None = field(default=None, repr=False)

    @property
    def reviewed(self) -> int:
        """Questions with a standing decision."""
        return sum(1 for q in self.questions if q.reviewed)

    @property
    def flagged(self) -> int:
        """Questions whose carried decision no longer rests on the same evidence."""
        return sum(1 for q in self.questions if q.state == EVIDENCE_CHANGED)

    @property
    def totals(self) -> PillarRecord:
        """The pillars added up."""
        return PillarRecord("all", "All pillars", *(sum(getattr(p, k) for p in self.pillars)
                                                    for k in ("high", "medium", "none", "reviewed", "questions")))


def _field(decision: Any, name: str, default: Any = "") -> Any:
    if isinstance(decision, Mapping):
        return decision.get(name, default)
    return getattr(decision, name, default)


def confirmed_risk(choices: list[ChoiceRecord], none_selected: bool) -> str:
    """The question's risk from the reviewer's answers, by ``RISK_RULE``."""
    if none_selected:
        return "HIGH"
    counted = [c for c in choices if c.answer != "not_applicable"]
    if choices and not counted:
        return "NOT_APPLICABLE"
    missing = {c.choice.risk for c in counted if c.answer != "selected"}
    return "HIGH" if "HIGH" in missing else "MEDIUM" if "MEDIUM" in missing else "NONE"


def _question_record(q: QuestionView, decision: Any, none_choice: str | None) -> QuestionRecord:
    if decision is None:
        return QuestionRecord(question=q, state=UNREVIEWED, confirmed_risk="",
                              choices=[ChoiceRecord(c, "") for c in q.choices])
    raw = _field(decision, "choices", {}) or {}
    answers = {as_text(k): v for k, v in raw.items() if isinstance(v, Mapping)}
    known = {c.id for c in q.choices}
    choices = [ChoiceRecord(c, as_text(answers.get(c.id, {}).get("status")),
                            as_text(answers.get(c.id, {}).get("reason"))) for c in q.choices]
    # "None of these" is a choice of the lens, not of the suggestion: it is recognised by the lens's id.
    none_selected = any(as_text(v.get("status")) == "selected" for k, v in answers.items()
                        if k not in known and (k == none_choice if none_choice is not None else k.endswith("_no")))
    state = as_text(_field(decision, "state", CONFIRMED)) or CONFIRMED
    return QuestionRecord(
        question=q, state=state if state in (CONFIRMED, EVIDENCE_CHANGED) else CONFIRMED,
        confirmed_risk=confirmed_risk(choices, none_selected) if state == CONFIRMED else "",
        choices=choices, none_selected=none_selected, note=as_text(_field(decision, "note")),
        reviewer=as_text(_field(decision, "reviewer")), decided_at=as_text(_field(decision, "decided_at")),
        source=as_text(_field(decision, "source")))


def _plan(records: list[QuestionRecord], view: ReportView) -> list[PlanStep]:
    checks = {c.id: c for c in view.checks}
    steps = []
    for r in records:
        if r.confirmed_risk not in ("HIGH", "MEDIUM"):
            continue
        missing = [c for c in r.choices if c.answer not in ("selected", "not_applicable")
                   and c.choice.risk in ("HIGH", "MEDIUM")]
        missing.sort(key=lambda c: 0 if c.choice.risk == "HIGH" else 1)
        fixes: list[tuple[str, str, str, str]] = []
        for c in missing:
            for ref in c.choice.checks:
                known = checks.get(ref.check)
                if known is None or not known.counts["fail"] or any(f[0] == ref.check for f in fixes):
                    continue
                fixes.append((ref.check, known.title, known.remediation, known.effort))
        steps.append(PlanStep(record=r, missing=missing, fixes=fixes))
    steps.sort(key=lambda s: (0 if s.record.confirmed_risk == "HIGH" else 1))
    return steps


def build_record(doc: dict[str, Any], decisions: Mapping[str, Any], view: ReportView | None = None,
                 none_choices: Mapping[str, str] | None = None) -> ReviewRecord:
    """The review record of ``doc`` given ``decisions`` (question id -> decision).

    ``none_choices`` (question id -> the lens's "None of these" choice id) comes from the scan's lens;
    without it, a choice id the suggestion does not list and that ends in ``_no`` (the AWS lens's
    naming) is taken for it.
    """
    view = view if view is not None else build_view(doc)
    none_choices = dict(none_choices or {})
    records = [_question_record(q, decisions.get(q.id), none_choices.get(q.id)) for q in view.questions]
    pillars: dict[str, PillarRecord] = {}
    for r in records:
        q = r.question
        p = pillars.setdefault(q.pillar, PillarRecord(q.pillar, q.pillar_name, 0, 0, 0, 0, 0))
        p.questions += 1
        p.reviewed += r.reviewed
        p.high += r.confirmed_risk == "HIGH"
        p.medium += r.confirmed_risk == "MEDIUM"
        p.none += r.confirmed_risk == "NONE"
    times = sorted(r.decided_at for r in records if r.reviewed and r.decided_at)
    return ReviewRecord(
        meta=view.meta, questions=records, pillars=list(pillars.values()), plan=_plan(records, view),
        reviewers=sorted({r.reviewer for r in records if r.reviewed and r.reviewer}),
        first_decided=times[0] if times else "", last_decided=times[-1] if times else "", pack=view)


def questions_csv(record: ReviewRecord) -> str:
    """``questions.csv``: one row per question of the lens, with empty Owner and Due date columns for the team."""
    rows = []
    for r in record.questions:
        q = r.question
        selected = [c.choice.bp or c.choice.id for c in r.selected] + (["None of these"] if r.none_selected else [])
        na = [f"{c.choice.bp or c.choice.id} ({NA_REASON_LABEL.get(c.reason, c.reason)})" for c in r.not_applicable]
        rows.append((q.pillar_name, q.label, q.id, q.title, RISK_LABEL.get(q.risk, q.risk),
                     r.confirmed_risk_label if r.reviewed else "", r.state_label, "; ".join(selected), "; ".join(na),
                     one_line(r.note), r.reviewer, r.decided_at, "", ""))
    return write_csv(rows, QUESTION_COLUMNS)


def render_record_html(record: ReviewRecord) -> str:
    """``review-report.html``: one self-contained page, no script, printable as it is."""
    css = base_css()
    return environment().get_template("review-report.html.j2").render(
        record=record, meta=record.meta, favicon=FAVICON, css=Markup(css), csp=content_security_policy(css))


def render_record_markdown(record: ReviewRecord) -> str:
    """``review-report.md``: the review record as Markdown (account data escaped as in report.md)."""
    text = environment().get_template("review-report.md.j2").render(record=record, meta=record.meta)
    return re.sub(r"\n{3,}", "\n\n", text)
