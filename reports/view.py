"""What the reports show, computed once from a scan document and shared by every renderer.

The templates only lay this out. A scan document may come from an older or newer wa-scan, or from a
scan whose checks are no longer installed: every key except ``findings`` is optional here, and
values are coerced to text where the templates need text.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

from mappings.prompts import asks_the_team
from reports.safety import anchor, as_text
from scanner.document import scope_summary
from scanner.model import SEVERITIES, severity_rank

if TYPE_CHECKING:
    from reports.summary import ExecutiveSummary

RISKS = ("HIGH", "MEDIUM", "NONE", "UNKNOWN")
RISK_LABEL = {"HIGH": "High", "MEDIUM": "Medium", "LOW": "Low", "NONE": "None", "UNKNOWN": "Needs reviewer"}
CHOICE_RISKS = ("HIGH", "MEDIUM", "LOW", "NONE")
SUGGESTIONS = ("contradicted", "partial", "supported", "unknown")
SUGGESTION_LABEL = {"supported": "Supported", "contradicted": "Contradicted", "partial": "Partial",
                    "unknown": "Unknown"}
STATUSES = ("fail", "not_assessed", "pass")
STATUS_LABEL = {"fail": "Fail", "not_assessed": "Not assessed", "pass": "Pass"}
REASON_TEXT = {
    "access_denied": "Missing permission: the scan's credentials may not make this read",
    "not_enabled": "Service not enabled or not subscribed in this account or region",
    "region_disabled": "Region not enabled (opted in) for the account",
    "throttled": "Throttled by AWS beyond the retries",
    "endpoint_unreachable": "The service endpoint did not answer",
    "api_error": "The API answered with an error",
    "check_error": "The check itself failed",
    "interrupted": "The scan was interrupted",
}
BASELINE_FIGURES = (
    ("high_risk_pct", "High risk"),
    ("high_or_medium_pct", "High or Medium risk"),
    ("well_architected_pct", "rated Well-Architected"),
)
# Failing and not-assessed findings named under one choice; the rest (and every pass) are counted there and
# listed once, in the appendix by check.
CHOICE_FINDINGS_SHOWN = 5
# Passing findings listed per check in the HTML and Markdown reports (every failing and not-assessed
# finding is always listed; findings.csv always has every finding). Keeps a large account's report
# proportional to what needs attention.
CHECK_PASSES_SHOWN = 10
# Failing and not-assessed findings listed per check, worst first; a large account's thousands of failing
# users or buckets are counted beyond this (findings.csv has them all), so the page stays quick to open.
CHECK_ATTENTION_SHOWN = 25
# Of those, the rows a printed pack carries per check (the PDF is a document to read, not a database).
CHECK_ROWS_PRINTED = 8
# Each choice id of the AWS lens is the page name of its best practice in the framework's documentation.
BP_DOC_URL = "https://docs.aws.amazon.com/wellarchitected/latest/framework/{}.html"
AWS_LENS_ALIAS = "wellarchitected"
_CHOICE_ID = re.compile(r"[A-Za-z0-9_-]+")
EFFORTS = ("low", "medium", "high")


@dataclass
class FindingView:
    """One finding, ready to display."""

    id: str
    check: str
    status: str
    severity: str
    account: str
    region: str
    resource: str
    message: str
    observed: list[tuple[str, str]]
    source: list[str]
    collected_at: str
    reason: str
    missing_permission: str
    anchor: str
    check_anchor: str
    pillars: list[str] = field(default_factory=list)
    choices: list[str] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        """Pass / Fail / Not assessed."""
        return STATUS_LABEL.get(self.status, self.status)

    @property
    def reason_text(self) -> str:
        """Why it could not be assessed, in words (empty unless not assessed)."""
        return REASON_TEXT.get(self.reason, self.reason)

    def sort_key(self) -> tuple:
        """Failing first, then not assessed, then passing; worst severity first."""
        return (_status_rank(self.status), -severity_rank(self.severity), self.region, self.resource)


@dataclass
class CheckRef:
    """A check linked to a choice, with how much of the practice it covers and its counts."""

    check: str
    title: str
    strength: str
    rationale: str
    counts: dict[str, int]
    anchor: str


@dataclass
class ChoiceView:
    """One best-practice choice with the suggested answer and the findings behind it."""

    id: str
    bp: str
    title: str
    risk: str
    suggestion: str
    rationale: str
    checks: list[CheckRef]
    findings: list[FindingView]
    more_findings: int
    doc_url: str = ""
    ask: AskView | None = None  # what to ask the team when the evidence does not settle the choice
    human_only: bool = False  # no AWS API can evidence the practice

    @property
    def suggestion_label(self) -> str:
        """Supported / Contradicted / Partial / Unknown."""
        return SUGGESTION_LABEL.get(self.suggestion, self.suggestion or "Unknown")

    @property
    def risk_label(self) -> str:
        """The WA risk of leaving this choice unticked, in words."""
        return RISK_LABEL.get(self.risk, self.risk)


@dataclass
class AskView:
    """What a facilitator asks the team about one choice, and the artefact to request."""

    questions: list[str]
    artefact: str
    why: str = ""  # for a practice no API can show: why not


@dataclass
class BaselineView:
    """How the surveyed reviews scored on this question."""

    text: str
    figures: list[tuple[str, float, str]]  # (key, percent, phrase)
    source: str = ""


@dataclass
class QuestionView:
    """One WA question with its suggested risk, in WA Tool order."""

    pillar: str
    pillar_name: str
    id: str
    label: str
    title: str
    risk: str
    risk_rule: str
    baseline: BaselineView | None
    choices: list[ChoiceView]
    anchor: str
    statuses: list[str]
    severities: list[str]
    remediations: list[tuple[str, str, str, str]]  # (check id, check title, remediation, anchor)

    @property
    def risk_label(self) -> str:
        """High / Medium / None / Needs reviewer."""
        return RISK_LABEL.get(self.risk, self.risk)

    @property
    def suggestion_counts(self) -> dict[str, int]:
        """How many choices the evidence supports, contradicts, ... ."""
        counts = Counter(c.suggestion for c in self.choices)
        return {s: counts.get(s, 0) for s in SUGGESTIONS}


@dataclass
class PillarView:
    """A pillar with its questions and how many of them carry each suggested risk."""

    id: str
    name: str
    questions: list[QuestionView]

    @property
    def anchor(self) -> str:
        """The pillar's ``id`` in the HTML report."""
        return anchor("pillar", self.id)

    @property
    def counts(self) -> dict[str, int]:
        """Questions per suggested risk, in ``RISKS`` order."""
        counts = Counter(q.risk for q in self.questions)
        return {r: counts.get(r, 0) for r in RISKS}


@dataclass
class CheckView:
    """One check with all of its findings (for the findings-by-check section)."""

    id: str
    title: str
    service: str
    severity: str
    scope: str
    counts: dict[str, int]
    description: str
    remediation: str
    findings: list[FindingView]
    anchor: str
    pillars: list[str]
    questions: list[str]
    installed: bool
    more_passes: int = 0
    effort: str = ""

    @property
    def shown(self) -> list[FindingView]:
        """The findings the reports list: up to ``CHECK_ATTENTION_SHOWN`` failures and gaps, worst first, then
        up to ``CHECK_PASSES_SHOWN`` passes."""
        if not self.more_passes and not self.more_attention:
            return self.findings
        return [f for f in self.findings if f.status != "pass"][:CHECK_ATTENTION_SHOWN] + [
            f for f in self.findings if f.status == "pass"][:CHECK_PASSES_SHOWN]

    @property
    def more_attention(self) -> int:
        """Failing and not-assessed findings beyond ``CHECK_ATTENTION_SHOWN`` (counted, listed in findings.csv)."""
        return max(0, self.counts["fail"] + self.counts["not_assessed"] - CHECK_ATTENTION_SHOWN)

    @property
    def more_attention_text(self) -> str:
        """"1450 more failing or not assessed users", or empty."""
        if not self.more_attention:
            return ""
        rest = [f for f in self.findings if f.status != "pass"][CHECK_ATTENTION_SHOWN:]
        kinds = {f.status for f in rest}
        what = "failing" if kinds == {"fail"} else "not assessed" if kinds == {"not_assessed"} else \
            "failing or not assessed"
        return f"{self.more_attention} more {what} {resource_noun([f.resource for f in rest], self.more_attention)}"

    @property
    def all_pass(self) -> bool:
        """True when every finding of the check passes (and there is at least one)."""
        return bool(self.counts["pass"]) and not self.counts["fail"] and not self.counts["not_assessed"]

    @property
    def more_passes_text(self) -> str:
        """"480 more passing buckets" (the resource kind when all the passes share one), or empty."""
        if not self.more_passes:
            return ""
        noun = resource_noun([f.resource for f in self.findings if f.status == "pass"], self.more_passes)
        return f"{self.more_passes} more passing {noun}"

    @property
    def sort_key(self) -> tuple:
        """Failing checks first (worst severity, most failures), then not assessed, then passing."""
        state = 0 if self.counts["fail"] else 1 if self.counts["not_assessed"] else 2
        return (state, -severity_rank(self.severity), -self.counts["fail"], self.id)


@dataclass
class ImprovementView:
    """One fix in the improvement plan."""

    check: str
    title: str
    severity: str
    failing: int
    questions: list[str]
    removes: dict[str, int]
    score: float | None
    remediation: str
    anchor: str
    pillars: list[str] = field(default_factory=list)
    effort: str = ""  # low | medium | high, when the check says


@dataclass
class CoverageView:
    """What the scan could not assess, and why, so silence is never read as a pass."""

    by_reason: list[tuple[str, str, list[FindingView]]]
    missing_permissions: list[str]
    disabled_regions: list[str]
    unknown_questions: list[QuestionView]
    unassessed_choices: int
    empty_checks: list[CheckView]

    @property
    def not_assessed(self) -> int:
        """Findings that are not assessed, over all reasons."""
        return sum(len(items) for _, _, items in self.by_reason)


@dataclass
class ReportView:
    """Everything a report shows."""

    meta: dict[str, Any]
    pillars: list[PillarView]
    questions: list[QuestionView]
    checks: list[CheckView]
    findings: list[FindingView]
    improvements: list[ImprovementView]
    improvements_derived: bool
    coverage: CoverageView
    status_counts: dict[str, int]
    fail_severity_counts: dict[str, int]
    risk_counts: dict[str, int]
    check_labels: dict[str, list[str]]
    check_choice_risks: dict[str, list[str]]
    contradicted_risks: dict[str, list[str]]

    @property
    def filter_pillars(self) -> list[tuple[str, str]]:
        """(id, name) of the pillars to offer in the pillar filter."""
        return [(p.id, p.name) for p in self.pillars]

    @property
    def check_passes_shown(self) -> int:
        """Passing findings listed per check before the rest are counted."""
        return CHECK_PASSES_SHOWN

    @property
    def check_attention_shown(self) -> int:
        """Failing and not-assessed findings listed per check before the rest are counted."""
        return CHECK_ATTENTION_SHOWN

    @property
    def check_rows_printed(self) -> int:
        """Failing and not-assessed rows a printed pack carries per check."""
        return CHECK_ROWS_PRINTED

    @cached_property
    def summary(self) -> ExecutiveSummary:
        """The executive summary that opens the pack (computed once, on first use)."""
        from reports.summary import build_summary

        return build_summary(self)


def resource_noun(arns: Iterable[str], count: int) -> str:
    """The kind of resource the ARNs name ("bucket", "instance"; plural unless ``count`` is 1), or "findings".

    The kind is the ARN's resource type (``instance/i-1`` -> instance); S3 bucket ARNs carry none. When
    the ARNs name different kinds, or are not ARNs, the answer is the neutral "finding(s)".
    """
    kinds = set()
    for arn in arns:
        parts = arn.split(":", 5)
        if len(parts) < 6 or parts[0] != "arn":
            return "finding" if count == 1 else "findings"
        resource = parts[5]
        kind = re.split(r"[/:]", resource, maxsplit=1)[0] if re.search(r"[/:]", resource) else ""
        if not kind:
            kind = "bucket" if parts[2] == "s3" else ""
        kinds.add(kind.replace("-", " "))
        if len(kinds) > 1 or not kind:
            return "finding" if count == 1 else "findings"
    if len(kinds) != 1:
        return "finding" if count == 1 else "findings"
    noun = kinds.pop()
    if count == 1:
        return noun
    return noun[:-1] + "ies" if noun.endswith("y") and noun[-2:-1] not in "aeiou" else noun + "s"


def _status_rank(status: str) -> int:
    return STATUSES.index(status) if status in STATUSES else len(STATUSES)


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _effort(value: Any) -> str:
    text = as_text(value).lower()
    return text if text in EFFORTS else ""


def _risk(value: Any) -> str:
    text = as_text(value).upper()
    return text if text in RISKS else "UNKNOWN"


def _finding(raw: dict[str, Any]) -> FindingView:
    evidence = _dict(raw.get("evidence"))
    observed = _dict(evidence.get("observed"))
    check_id = as_text(raw.get("check"))
    fid = as_text(raw.get("id")) or anchor("x", [raw.get("check"), raw.get("region"), raw.get("resource")])
    return FindingView(
        id=fid,
        check=check_id,
        status=as_text(raw.get("status")),
        severity=as_text(raw.get("severity")).lower(),
        account=as_text(raw.get("account")),
        region=as_text(raw.get("region")),
        resource=as_text(raw.get("resource")),
        message=as_text(raw.get("message")),
        observed=[(as_text(k), "null" if v is None else as_text(v)) for k, v in observed.items()],
        source=[as_text(s) for s in _list(evidence.get("source"))],
        collected_at=as_text(evidence.get("collected_at")),
        reason=as_text(raw.get("reason")),
        missing_permission=as_text(raw.get("missing_permission")),
        anchor=anchor("f", fid),
        check_anchor=anchor("check", check_id),
    )


def _duration(started: str, finished: str) -> str:
    try:
        seconds = (datetime.fromisoformat(finished.replace("Z", "+00:00"))
                   - datetime.fromisoformat(started.replace("Z", "+00:00"))).total_seconds()
    except (ValueError, AttributeError):
        return ""
    if seconds < 0:
        return ""
    minutes, secs = divmod(int(round(seconds)), 60)
    return f"{minutes} min {secs} s" if minutes else f"{secs} s"


def _meta(doc: dict[str, Any]) -> dict[str, Any]:
    tool = _dict(doc.get("tool"))
    lens = _dict(doc.get("lens"))
    started, finished = as_text(doc.get("started_at")), as_text(doc.get("finished_at"))
    return {
        "account": as_text(doc.get("account")),
        "caller_arn": as_text(doc.get("caller_arn")),
        "partition": as_text(doc.get("partition")),
        "regions": [as_text(r) for r in _list(doc.get("regions"))],
        "disabled_regions": [as_text(r) for r in _list(doc.get("disabled_regions"))],
        "started_at": started,
        "finished_at": finished,
        "duration": _duration(started, finished),
        "tool_name": as_text(tool.get("name")) or "wa-scan",
        "tool_version": as_text(tool.get("version")),
        "schema_version": as_text(doc.get("schema_version")),
        "lens_name": as_text(lens.get("name")),
        "lens_version": as_text(lens.get("version")),
        "lens_alias": as_text(lens.get("alias")),
        "complete": doc.get("complete") is not False,
        "partial": bool(doc.get("partial")),
        "api_calls": _int(_dict(doc.get("api_calls")).get("total")),
        "scan_id": as_text(doc.get("scan_id")),
        "scope": _scope(doc.get("scope")),
    }


# The excluded resources a report lists by name; scan.json lists them all.
SCOPE_LISTED = 50


def _scope(raw: Any) -> dict[str, Any] | None:
    """What the scan's scope left out and why, or ``None`` for an unscoped scan."""
    if not isinstance(raw, dict):
        return None
    excluded = _dict(raw.get("excluded"))
    rows = [{"resource": as_text(e.get("resource")), "region": as_text(e.get("region")),
             "reason": as_text(e.get("reason")), "checks": [as_text(c) for c in _list(e.get("checks"))]}
            for e in _list(excluded.get("list")) if isinstance(e, dict)]
    return {"text": scope_summary(raw) or "", "listed": rows[:SCOPE_LISTED], "more": max(0, len(rows) - SCOPE_LISTED),
            "unread": {as_text(k): as_text(v) for k, v in _dict(raw.get("unread")).items()}}


def _ask(c: dict[str, Any]) -> AskView | None:
    """The choice's prompt when the team answers it (``mappings.prompts.asks_the_team``), else None."""
    if not asks_the_team(c):
        return None
    raw = c["ask"] if isinstance(c["ask"], dict) else {}
    return AskView(questions=[as_text(t) for t in raw.get("questions") or []], artefact=as_text(raw.get("artefact")),
                   why=as_text(raw.get("why")))


def _baseline(raw: Any) -> BaselineView | None:
    if not isinstance(raw, dict) or not raw:
        return None
    figures = []
    for key, phrase in BASELINE_FIGURES:
        value = raw.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            figures.append((key, max(0.0, min(100.0, float(value))), phrase))
    text = as_text(raw.get("text"))
    if not text and not figures:
        return None
    return BaselineView(text=text, figures=figures, source=as_text(raw.get("source")))


def build_view(doc: dict[str, Any], metadata: dict[str, Any] | None = None) -> ReportView:
    """The report of ``doc``, from what it carries; ``metadata`` (check id -> CheckMeta) fills in gaps."""
    metadata = metadata or {}
    findings = [_finding(f) for f in _list(doc.get("findings")) if isinstance(f, dict)]
    by_id = {f.id: f for f in findings}
    by_check: dict[str, list[FindingView]] = defaultdict(list)
    for f in findings:
        by_check[f.check].append(f)
    suggestions = [s for s in _list(doc.get("suggestions")) if isinstance(s, dict)]

    declared_checks = {as_text(c.get("id")): c for c in _list(doc.get("checks")) if isinstance(c, dict)}
    check_titles = {cid: as_text(c.get("title")) for cid, c in declared_checks.items()}
    for cid, meta in metadata.items():
        check_titles.setdefault(cid, meta.title)

    # Links check -> pillars / question labels / choices, from the suggestions.
    check_pillars: dict[str, list[str]] = defaultdict(list)
    check_labels: dict[str, list[str]] = defaultdict(list)
    check_choice_risks: dict[str, list[str]] = defaultdict(list)
    contradicted_risks: dict[str, list[str]] = defaultdict(list)
    finding_choices: dict[str, list[str]] = defaultdict(list)
    questions: list[QuestionView] = []
    pillars: dict[str, PillarView] = {}
    improvements_raw = [i for i in _list(doc.get("improvements")) if isinstance(i, dict)]
    lens_alias = as_text(_dict(doc.get("lens")).get("alias")) or AWS_LENS_ALIAS
    remediation_of = {as_text(i.get("check")): as_text(i.get("remediation")) for i in improvements_raw}

    def remediation(cid: str) -> str:
        meta = metadata.get(cid)
        return (remediation_of.get(cid) or as_text(declared_checks.get(cid, {}).get("remediation"))
                or (meta.remediation if meta is not None else ""))

    for s in suggestions:
        pillar_id = as_text(s.get("pillar")) or "other"
        label = as_text(s.get("label")) or as_text(s.get("question"))
        choices: list[ChoiceView] = []
        q_findings: dict[str, FindingView] = {}
        q_checks: list[str] = []
        for c in _list(s.get("choices")):
            if not isinstance(c, dict):
                continue
            choice_name = " ".join(x for x in (label, as_text(c.get("bp")) or as_text(c.get("choice"))) if x)
            if as_text(c.get("title")):
                choice_name += f": {as_text(c.get('title'))}"
            choice_risk = as_text(c.get("risk")).upper()
            choice_risk = choice_risk if choice_risk in CHOICE_RISKS else "NONE"
            refs = []
            linked: dict[str, FindingView] = {}
            for ref in _list(c.get("checks")):
                if not isinstance(ref, dict):
                    continue
                cid = as_text(ref.get("check"))
                refs.append(CheckRef(
                    check=cid, title=check_titles.get(cid, ""), strength=as_text(ref.get("strength")),
                    rationale=as_text(ref.get("rationale")),
                    counts={st: _int(ref.get(st)) for st in STATUSES}, anchor=anchor("check", cid)))
                if pillar_id not in check_pillars[cid]:
                    check_pillars[cid].append(pillar_id)
                if label and label not in check_labels[cid]:
                    check_labels[cid].append(label)
                check_choice_risks[cid].append(choice_risk)
                if as_text(c.get("suggestion")) == "contradicted":
                    contradicted_risks[cid].append(choice_risk)
                if cid not in q_checks:
                    q_checks.append(cid)
                for f in by_check.get(cid, []):
                    if choice_name not in finding_choices[f.id]:
                        finding_choices[f.id].append(choice_name)
            for fid in _list(c.get("findings")):
                f = by_id.get(as_text(fid))
                if f is not None:
                    linked[f.id] = f
                    if choice_name not in finding_choices[f.id]:
                        finding_choices[f.id].append(choice_name)
            ordered = sorted(linked.values(), key=FindingView.sort_key)
            q_findings.update(linked)
            # Passes are counted per check above; the choice names what needs attention.
            attention = [f for f in ordered if f.status != "pass"]
            choice_id = as_text(c.get("choice"))
            choices.append(ChoiceView(
                id=as_text(c.get("choice")), bp=as_text(c.get("bp")), title=as_text(c.get("title")),
                risk=choice_risk, suggestion=as_text(c.get("suggestion")) or "unknown",
                rationale=as_text(c.get("rationale")), checks=refs,
                findings=attention[:CHOICE_FINDINGS_SHOWN],
                more_findings=max(0, len(attention) - CHOICE_FINDINGS_SHOWN),
                ask=_ask(c), human_only=bool(c.get("human_only")),
                doc_url=BP_DOC_URL.format(choice_id) if lens_alias == AWS_LENS_ALIAS and _CHOICE_ID.fullmatch(choice_id)
                else ""))
        q = QuestionView(
            pillar=pillar_id, pillar_name=as_text(s.get("pillar_name")) or pillar_id,
            id=as_text(s.get("question")), label=label, title=as_text(s.get("title")),
            risk=_risk(s.get("risk")), risk_rule=as_text(s.get("risk_rule")),
            baseline=_baseline(s.get("baseline")), choices=choices,
            anchor=anchor("q", f"{pillar_id}.{as_text(s.get('question')) or label}"),
            statuses=sorted({f.status for f in q_findings.values()}),
            severities=sorted({f.severity for f in q_findings.values()}),
            remediations=[(cid, check_titles.get(cid, ""), remediation(cid), anchor("check", cid)) for cid in q_checks
                          if remediation(cid) and any(f.status == "fail" for f in by_check.get(cid, []))],
        )
        questions.append(q)
        pillars.setdefault(pillar_id, PillarView(pillar_id, q.pillar_name, [])).questions.append(q)

    for f in findings:
        f.pillars = list(check_pillars.get(f.check, []))
        f.choices = finding_choices.get(f.id, [])

    checks = _checks(doc, by_check, metadata, check_pillars, check_labels, remediation)
    improvements, derived = _improvements(improvements_raw, checks, check_labels)
    status_counts = Counter(f.status for f in findings)
    fail_sev = Counter(f.severity for f in findings if f.status == "fail")
    risk_counts = Counter(q.risk for q in questions)
    coverage = _coverage(findings, _meta(doc), questions, checks)
    return ReportView(
        meta=_meta(doc),
        pillars=list(pillars.values()),
        questions=questions,
        checks=checks,
        findings=sorted(findings, key=FindingView.sort_key),
        improvements=improvements,
        improvements_derived=derived,
        coverage=coverage,
        status_counts={s: status_counts.get(s, 0) for s in STATUSES},
        fail_severity_counts={s: fail_sev.get(s, 0) for s in SEVERITIES},
        risk_counts={r: risk_counts.get(r, 0) for r in RISKS},
        check_labels=dict(check_labels),
        check_choice_risks=dict(check_choice_risks),
        contradicted_risks=dict(contradicted_risks),
    )


def _checks(doc: dict[str, Any], by_check: dict[str, list[FindingView]], metadata: dict[str, Any],
            check_pillars: dict[str, list[str]], check_labels: dict[str, list[str]],
            remediation: Any) -> list[CheckView]:
    declared = {as_text(c.get("id")): c for c in _list(doc.get("checks")) if isinstance(c, dict)}
    ids: list[str] = list(declared) + [cid for cid in by_check if cid not in declared]
    out = []
    for cid in ids:
        raw = declared.get(cid, {})
        meta = metadata.get(cid)
        items = sorted(by_check.get(cid, []), key=FindingView.sort_key)
        counted = Counter(f.status for f in items)
        counts = {st: counted.get(st, 0) for st in STATUSES}
        severity = as_text(raw.get("severity")) or (items[0].severity if items else "") or (
            str(meta.severity) if meta is not None else "")
        out.append(CheckView(
            id=cid,
            title=as_text(raw.get("title")) or (meta.title if meta is not None else cid),
            service=as_text(raw.get("service")) or (meta.service if meta is not None else cid.split(".")[0]),
            severity=severity.lower(),
            scope=as_text(raw.get("scope")) or (meta.scope if meta is not None else ""),
            counts=counts,
            description=as_text(raw.get("description")) or (meta.description if meta is not None else ""),
            remediation=remediation(cid),
            findings=items,
            anchor=anchor("check", cid),
            pillars=list(check_pillars.get(cid, [])),
            questions=list(check_labels.get(cid, [])),
            installed=meta is not None or bool(raw.get("description")),
            more_passes=max(0, counts["pass"] - CHECK_PASSES_SHOWN),
            effort=_effort(raw.get("effort") or getattr(meta, "effort", "")),
        ))
    return sorted(out, key=lambda c: c.sort_key)


def _improvements(raw: list[dict[str, Any]], checks: list[CheckView],
                  check_labels: dict[str, list[str]]) -> tuple[list[ImprovementView], bool]:
    by_id = {c.id: c for c in checks}
    if raw:
        out = []
        for i in raw:
            cid = as_text(i.get("check"))
            known = by_id.get(cid)
            removes = _dict(i.get("removes"))
            score = i.get("score")
            out.append(ImprovementView(
                check=cid,
                title=as_text(i.get("title")) or (known.title if known else cid),
                severity=as_text(i.get("severity")).lower() or (known.severity if known else ""),
                failing=_int(i.get("failing_findings")) if "failing_findings" in i else (
                    known.counts["fail"] if known else 0),
                questions=[as_text(q) for q in _list(i.get("questions"))],
                removes={"HIGH": _int(removes.get("HIGH")), "MEDIUM": _int(removes.get("MEDIUM"))},
                score=float(score) if isinstance(score, int | float) and not isinstance(score, bool) else None,
                remediation=as_text(i.get("remediation")) or (known.remediation if known else ""),
                anchor=anchor("check", cid), pillars=list(known.pillars) if known else [],
                effort=_effort(i.get("effort")) or (known.effort if known else "")))
        return out, False
    failing = [c for c in checks if c.counts["fail"]]
    return [ImprovementView(check=c.id, title=c.title, severity=c.severity, failing=c.counts["fail"],
                            questions=list(check_labels.get(c.id, [])), removes={"HIGH": 0, "MEDIUM": 0},
                            score=None, remediation=c.remediation, anchor=c.anchor, pillars=list(c.pillars),
                            effort=c.effort)
            for c in failing], bool(failing)


def _coverage(findings: Iterable[FindingView], meta: dict[str, Any], questions: list[QuestionView],
              checks: list[CheckView]) -> CoverageView:
    grouped: dict[str, list[FindingView]] = defaultdict(list)
    for f in findings:
        if f.status == "not_assessed":
            grouped[f.reason or "unknown"].append(f)
    order = list(REASON_TEXT)
    by_reason = [(reason, REASON_TEXT.get(reason, "Not assessed"),
                  sorted(items, key=lambda f: (f.check, f.region, f.resource)))
                 for reason, items in sorted(grouped.items(),
                                             key=lambda kv: order.index(kv[0]) if kv[0] in order else 99)]
    permissions = sorted({f.missing_permission for items in grouped.values() for f in items
                          if f.missing_permission})
    unassessed = sum(1 for q in questions for c in q.choices if c.suggestion == "unknown")
    return CoverageView(
        by_reason=by_reason,
        missing_permissions=permissions,
        disabled_regions=meta["disabled_regions"],
        unknown_questions=[q for q in questions if q.risk == "UNKNOWN"],
        unassessed_choices=unassessed,
        empty_checks=[c for c in checks if not c.findings],
    )
