"""What the review pages show, computed from a recorded scan and its decisions; no HTTP here.

The scan document never changes once recorded, so it is read and laid out once (``ReviewData``);
decisions and drafts are read from the history database for every page, so a change made elsewhere
(the terminal review, an imported file) shows at the next load. A draft is an answer saved as the
reviewer works and not confirmed: the form shows it, but only confirmed decisions count as progress.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mappings.prompts import asks_the_team
from reports.safety import as_text
from reports.view import (
    RISK_LABEL,
    RISKS,
    STATUSES,
    SUGGESTION_LABEL,
    FindingView,
    QuestionView,
    ReportView,
    build_view,
)
from scanner.review.decisions import (
    CHOICE_STATUSES,
    NA_REASONS,
    Decision,
    Draft,
    choice_findings,
    lens_catalogue,
    proposal,
    question_choice_ids,
)

UNDECIDED = "undecided"
FORM_STATUSES = (*CHOICE_STATUSES, UNDECIDED)
STATUS_TEXT = {"selected": "Selected", "unselected": "Not selected", "not_applicable": "Not applicable",
               UNDECIDED: "Undecided"}
REASON_TEXT = {"out_of_scope": "Out of scope", "business_priorities": "Business priorities",
               "architecture_constraints": "Architecture constraints", "other": "Other", "none": "None given"}
OPEN, CONFIRMED, CHANGED = "open", "confirmed", "changed"
STATE_TEXT = {OPEN: "Not reviewed", CONFIRMED: "Confirmed", CHANGED: "Evidence changed"}
SHOW_FILTERS = {"all": "All questions", "open": "Needs a reviewer (not confirmed)",
                "draft": "Draft not confirmed yet", "changed": "Evidence changed since last review",
                "confirmed": "Confirmed"}
NOTE_MAX = 2000
# Findings listed per choice before "and N more"; passing ones are folded away.
SHOWN_PER_CHOICE = 40


class FormError(ValueError):
    """A decision form that cannot be saved; ``problems`` says why, per field."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(problems.values()))
        self.problems = problems


@dataclass
class ChoiceRow:
    """One choice of a question page: what the evidence suggests, and what the form holds."""

    number: int
    id: str
    bp: str
    title: str
    risk: str
    suggestion: str
    rationale: str
    checks: list[Any]
    failing: list[FindingView]
    passing: list[FindingView]
    more: int
    proposed: str
    status: str
    reason: str
    is_none: bool = False
    ask: dict[str, Any] | None = None  # what to ask the team and which artefact to request, when the team answers
    human_only: bool = False  # no AWS API can evidence this practice

    @property
    def suggestion_label(self) -> str:
        """Supported / Contradicted / Partial / Unknown, or a dash for a choice no check maps to."""
        return SUGGESTION_LABEL.get(self.suggestion, "No evidence") if self.suggestion else "No evidence"

    @property
    def risk_label(self) -> str:
        """The risk of leaving this practice out, in words."""
        return RISK_LABEL.get(self.risk, self.risk)


@dataclass
class QuestionRow:
    """A question as the overview lists it."""

    index: int
    id: str
    label: str
    title: str
    pillar: str
    risk: str
    state: str
    decision: Decision | None
    fail: int
    passed: int
    not_assessed: int
    suggestions: dict[str, int] = field(default_factory=dict)
    draft: Draft | None = None

    @property
    def risk_label(self) -> str:
        """High / Medium / None / Needs reviewer."""
        return RISK_LABEL.get(self.risk, self.risk)

    @property
    def state_text(self) -> str:
        """Not reviewed / Confirmed / Evidence changed."""
        return STATE_TEXT[self.state]


@dataclass
class EvidenceChange:
    """One difference between the evidence a decision was made on and the evidence now."""

    kind: str  # new | gone | status
    finding_id: str
    was: str
    now: str
    check: str = ""
    region: str = ""
    resource: str = ""
    message: str = ""


def state_of(decision: Decision | None) -> str:
    """open, confirmed or changed."""
    if decision is None:
        return OPEN
    return CONFIRMED if decision.confirmed else CHANGED


def _parse_evidence(items: list[str]) -> dict[str, str]:
    return {fid: status for fid, _, status in (e.rpartition(":") for e in items)}


class ReviewData:
    """A recorded scan laid out for the review pages."""

    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        self.scan_id = str(doc.get("scan_id", ""))
        self.view: ReportView = build_view(doc)
        self.suggestions: dict[str, dict[str, Any]] = {
            s["question"]: s for s in doc.get("suggestions") or [] if isinstance(s, dict) and s.get("question")}
        self.order = list(self.suggestions)
        self.questions: dict[str, QuestionView] = {q.id: q for q in self.view.questions}
        self.findings: dict[str, dict[str, Any]] = {f["id"]: f for f in doc.get("findings") or []
                                                    if isinstance(f, dict) and f.get("id")}
        self.finding_views: dict[str, FindingView] = {f.id: f for f in self.view.findings}
        lens = self.catalogue = lens_catalogue(doc)
        covered = set(self.order)
        self.unmapped: dict[str, int] = {}
        for q in lens.values():
            if q["id"] not in covered:
                self.unmapped[q["pillar"]] = self.unmapped.get(q["pillar"], 0) + 1

    # -- lookup ----------------------------------------------------------------------------------

    def find(self, ref: str) -> str | None:
        """A question id from an id or a label such as ``SEC 3`` / ``sec3`` (case and spaces ignored)."""
        key = "".join(ref.split()).lower()
        for qid, s in self.suggestions.items():
            if key in (qid.lower(), "".join(str(s.get("label", "")).split()).lower()):
                return qid
        return None

    def neighbours(self, qid: str) -> tuple[str | None, str | None]:
        """The previous and next question in WA Tool order."""
        i = self.order.index(qid)
        return (self.order[i - 1] if i > 0 else None, self.order[i + 1] if i + 1 < len(self.order) else None)

    def label(self, qid: str) -> str:
        """The question's label, e.g. ``SEC 3``."""
        return str(self.suggestions[qid].get("label") or qid)

    # -- overview --------------------------------------------------------------------------------

    def rows(self, decisions: Mapping[str, Decision],
             drafts: Mapping[str, Draft] | None = None) -> list[QuestionRow]:
        """Every question of the scan in WA Tool order, with its review state and any unconfirmed draft."""
        out = []
        for i, qid in enumerate(self.order):
            q = self.questions.get(qid)
            s = self.suggestions[qid]
            seen: dict[str, dict[str, Any]] = {}
            for c in s.get("choices") or []:
                for f in choice_findings(c, self.findings):
                    seen[f["id"]] = f
            counts = {st: sum(1 for f in seen.values() if f.get("status") == st) for st in STATUSES}
            decision = decisions.get(qid)
            out.append(QuestionRow(
                index=i, id=qid, label=self.label(qid), title=str(s.get("title", "")),
                pillar=q.pillar if q else str(s.get("pillar", "")), risk=q.risk if q else "UNKNOWN",
                state=state_of(decision), decision=decision, fail=counts["fail"], passed=counts["pass"],
                not_assessed=counts["not_assessed"], suggestions=q.suggestion_counts if q else {},
                draft=(drafts or {}).get(qid)))
        return out

    def resume_at(self, decisions: Mapping[str, Decision],
                  drafts: Mapping[str, Draft] | None = None) -> str | None:
        """Where the review stopped: the question with the draft worked on last, else the first one
        not confirmed after the one decided last (a question with a draft is not done either)."""
        if not self.order:
            return None
        drafts = drafts or {}
        touched = [(d.decided_at, 1, d.question) for d in decisions.values()
                   if d.source != "carried" and d.question in self.suggestions]
        touched += [(d.saved_at, 2, d.question) for d in drafts.values() if d.question in self.suggestions]
        start = 0
        if touched:
            _, kind, last = max(touched)
            # A draft left unconfirmed is where the reviewer was; a confirmed question is done.
            start = self.order.index(last) + (0 if kind == 2 else 1)
        ring = self.order[start:] + self.order[:start]
        for qid in ring:
            d = decisions.get(qid)
            if d is None or not d.confirmed or qid in drafts:
                return qid
        return None

    def overview(self, decisions: Mapping[str, Decision], show: str = "all", risk: str = "",
                 drafts: Mapping[str, Draft] | None = None) -> dict[str, Any]:
        """The overview page: totals, and per pillar its progress, risks and the (filtered) questions.

        Progress counts confirmed decisions only; a draft marks its question without counting.
        """
        rows = self.rows(decisions, drafts)
        show = show if show in SHOW_FILTERS else "all"
        risk = risk if risk in RISKS else ""

        def wanted(r: QuestionRow) -> bool:
            if risk and r.risk != risk:
                return False
            return show == "all" or (show == "open" and r.state != CONFIRMED) or (
                show == "changed" and r.state == CHANGED) or (show == "confirmed" and r.state == CONFIRMED) or (
                show == "draft" and r.draft is not None)

        pillars = []
        for p in self.view.pillars:
            mine = [r for r in rows if r.pillar == p.id]
            pillars.append({
                "id": p.id, "name": p.name, "total": len(mine),
                "confirmed": sum(1 for r in mine if r.state == CONFIRMED),
                "changed": sum(1 for r in mine if r.state == CHANGED),
                "risks": {k: v for k, v in p.counts.items() if v},
                "rows": [r for r in mine if wanted(r)],
                "unmapped": self.unmapped.get(p.id, 0),
            })
        totals = {
            "questions": len(rows), "confirmed": sum(1 for r in rows if r.state == CONFIRMED),
            "changed": sum(1 for r in rows if r.state == CHANGED), "open": sum(1 for r in rows if r.state == OPEN),
            "drafts": sum(1 for r in rows if r.draft is not None),
            "shown": sum(len(p["rows"]) for p in pillars),
            "risks": {k: sum(1 for r in rows if r.risk == k) for k in RISKS},
            "unmapped": sum(self.unmapped.values()),
        }
        resume = self.resume_at(decisions, drafts)
        return {"pillars": pillars, "totals": totals, "show": show, "risk": risk, "resume": resume,
                "resume_label": self.label(resume) if resume else ""}

    # -- question page ---------------------------------------------------------------------------

    def question(self, qid: str, decisions: Mapping[str, Decision], evidence_now: list[str] | None,
                 previous_findings: Mapping[str, dict[str, Any]] | None = None,
                 form: dict[str, dict[str, str]] | None = None, note: str | None = None,
                 draft: Draft | None = None) -> dict[str, Any]:
        """The question page; the form holds the draft, else the decision, else the evidence's proposal.

        ``form``/``note`` override all of them (a form sent back with errors).
        """
        s = self.suggestions[qid]
        q = self.questions.get(qid)
        decision = decisions.get(qid)
        proposed = proposal(s)
        values = dict(draft.choices) if draft is not None else dict(decision.choices) if decision is not None \
            else dict(proposed)
        if form is not None:
            values = form
        if note is None:
            note = draft.note if draft is not None else decision.note if decision is not None else ""
        lens_q = self.catalogue.get(qid, {})
        lens_choices = {c["id"]: c for c in lens_q.get("choices", [])}
        suggested = {c["choice"]: c for c in s.get("choices") or []}
        views = {c.id: c for c in (q.choices if q else [])}
        rows = []
        for n, cid in enumerate(question_choice_ids(s, self.catalogue), 1):
            raw = suggested.get(cid)
            lens_c = lens_choices.get(cid, {})
            cv = views.get(cid)
            fs = sorted((self.finding_views[f["id"]] for f in choice_findings(raw, self.findings)
                         if f["id"] in self.finding_views), key=FindingView.sort_key) if raw else []
            failing = [f for f in fs if f.status != "pass"]
            passing = [f for f in fs if f.status == "pass"]
            more = max(0, len(failing) - SHOWN_PER_CHOICE) + max(0, len(passing) - SHOWN_PER_CHOICE)
            value = values.get(cid) or {}
            is_none = cid == lens_q.get("none_choice")
            rows.append(ChoiceRow(
                number=n, id=cid, bp=str((raw or {}).get("bp") or lens_c.get("bp") or ""),
                title=str((raw or {}).get("title") or lens_c.get("title") or ("None of these" if is_none else cid)),
                risk=(cv.risk if cv else str(lens_c.get("risk", ""))) or "",
                suggestion=(cv.suggestion if cv else ""), rationale=cv.rationale if cv else "",
                checks=cv.checks if cv else [], failing=failing[:SHOWN_PER_CHOICE],
                passing=passing[:SHOWN_PER_CHOICE], more=more,
                proposed=proposed.get(cid, {}).get("status", UNDECIDED),
                status=value.get("status", UNDECIDED), reason=value.get("reason", ""), is_none=is_none,
                ask=raw.get("ask") if raw and asks_the_team(raw) else None,
                human_only=bool((raw or {}).get("human_only"))))
        prev_q, next_q = self.neighbours(qid)
        changes = self.evidence_changes(decision, evidence_now, previous_findings) if decision is not None \
            and not decision.confirmed else []
        return {
            "q": q, "s": s, "id": qid, "label": self.label(qid), "title": str(s.get("title", "")),
            "pillar_name": q.pillar_name if q else str(s.get("pillar", "")),
            "risk": q.risk if q else "UNKNOWN", "risk_label": q.risk_label if q else RISK_LABEL["UNKNOWN"],
            "risk_rule": q.risk_rule if q else "", "baseline": q.baseline if q else None,
            "remediations": q.remediations if q else [],
            "choices": rows, "decision": decision, "state": state_of(decision), "changes": changes,
            "draft": draft, "note": note,
            "position": self.order.index(qid) + 1, "count": len(self.order),
            "prev": prev_q, "next": next_q,
            "prev_label": self.label(prev_q) if prev_q else "", "next_label": self.label(next_q) if next_q else "",
            # What the saved draft still lacks before it can be confirmed (a not applicable with no reason).
            "missing": [(f"#c{r.number}", f"{r.number}. {r.title}: not applicable needs a reason") for r in rows
                        if r.status == "not_applicable" and not r.reason],
        }

    def evidence_changes(self, decision: Decision, evidence_now: list[str] | None,
                         previous_findings: Mapping[str, dict[str, Any]] | None = None) -> list[EvidenceChange]:
        """What differs between the evidence ``decision`` was made on and this scan's."""
        was = _parse_evidence(decision.evidence)
        now = _parse_evidence(evidence_now or [])
        out = []
        for fid in sorted(set(was) | set(now)):
            before, after = was.get(fid), now.get(fid)
            if before == after:
                continue
            kind = "new" if before is None else "gone" if after is None or after == "missing" else "status"
            # A finding that went away is not in this scan; the previous scan may still describe it.
            raw = self.findings.get(fid) or (previous_findings or {}).get(fid) or {}
            out.append(EvidenceChange(kind=kind, finding_id=fid, was=before or "", now=after or "",
                                      check=as_text(raw.get("check")), region=as_text(raw.get("region")),
                                      resource=as_text(raw.get("resource")), message=as_text(raw.get("message"))))
        out.sort(key=lambda c: ({"status": 0, "new": 1, "gone": 2}[c.kind], c.finding_id))
        return out

    def parse_form(self, qid: str, form: Mapping[str, str]) -> tuple[dict[str, dict[str, str]], str, dict[str, str]]:
        """The choices and note of a posted question form, and what is still missing before it can be confirmed.

        A choice marked not applicable with no reason picked yet is kept (without a reason) and named in
        the third value (``{"reason.ID": text}``), so a draft saves everything else; a value that cannot
        be right (unknown choice or status, a reason not on the list, a note too long) raises ``FormError``.
        """
        s = self.suggestions[qid]
        allowed = question_choice_ids(s, self.catalogue)
        choices: dict[str, dict[str, str]] = {}
        problems: dict[str, str] = {}
        missing: dict[str, str] = {}
        lens_titles = {c["id"]: c["title"] for c in self.catalogue.get(qid, {}).get("choices", [])}
        titles = {**lens_titles, **{c["choice"]: c.get("title") or c["choice"] for c in s.get("choices") or []}}
        labels = {cid: f"{n}. {titles.get(cid, 'None of these')}" for n, cid in enumerate(allowed, 1)}
        for key in form:
            if key.startswith("choice.") and key[len("choice."):] not in allowed:
                problems[key] = f"unknown choice {key[len('choice.'):]!r} for this question"
        for cid in allowed:
            status = form.get(f"choice.{cid}", UNDECIDED) or UNDECIDED
            reason = (form.get(f"reason.{cid}") or "").strip()
            if status not in FORM_STATUSES:
                problems[f"choice.{cid}"] = f"{labels.get(cid, cid)}: unknown status {status!r}"
            elif status == "not_applicable":
                if not reason:
                    choices[cid] = {"status": status}
                    missing[f"reason.{cid}"] = f"{labels.get(cid, cid)}: not applicable needs a reason"
                elif reason not in NA_REASONS:
                    problems[f"reason.{cid}"] = f"{labels.get(cid, cid)}: not applicable needs a reason"
                else:
                    choices[cid] = {"status": status, "reason": reason}
            elif status != UNDECIDED:
                choices[cid] = {"status": status}
        note = form.get("note", "").replace("\r\n", "\n").strip()
        if len(note) > NOTE_MAX:
            problems["note"] = f"the note is {len(note)} characters; at most {NOTE_MAX}"
        if problems:
            raise FormError(problems)
        return choices, note, missing

    # -- push preview ----------------------------------------------------------------------------

    def push_preview(self, decisions: Mapping[str, Decision], workload_id: str) -> dict[str, Any]:
        """The UpdateAnswer requests ``wa-scan push`` would build from the confirmed decisions, without GetAnswer.

        Uses the push's own dry run against a workload taken as new (every answer empty), so no
        client is needed and nothing is called.
        """
        from scanner.review.watool import Pusher, lens_alias_for

        confirmed = sorted((d for d in decisions.values() if d.confirmed and d.question in self.suggestions),
                           key=lambda d: self.order.index(d.question))
        changes: dict[str, list[str]] = {}
        alias = lens_alias_for(self.doc) or "(the custom lens's ARN in the WA Tool)"
        pusher = Pusher(client=None, out=lambda _line: None, dry_run=True, lens_alias=alias)
        result = pusher.push(workload_id, confirmed, suggestions=self.suggestions, findings=self.findings,
                             scan=self.doc, report=None, new_workload=True,
                             on_change=lambda q, lines: changes.__setitem__(q, list(lines)))
        items = [{"id": r["QuestionId"], "label": self.label(r["QuestionId"]),
                  "title": str(self.suggestions[r["QuestionId"]].get("title", "")),
                  "changes": changes.get(r["QuestionId"], []),
                  "json": json.dumps(r, indent=2, ensure_ascii=False)} for r in result.requests]
        rows = self.rows(decisions)
        return {"requests": items, "confirmed": len(confirmed), "unchanged": [self.label(q) for q in result.unchanged],
                "changed": [r for r in rows if r.state == CHANGED], "open": [r for r in rows if r.state == OPEN]}
