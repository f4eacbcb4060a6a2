"""The executive summary that opens the review pack: what a client reads first, in one to three pages.

Computed from the report's view of a scan, never from the account: per pillar the suggested High and
Medium counts, the top risks in plain words with their fix and effort, the questions where this
account looks worse than the surveyed workloads, and what the scan could not assess.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reports.view import FindingView, ImprovementView, QuestionView, ReportView

# Risks the summary names; the full ranking follows the questions in the improvement plan.
TOP_RISKS_SHOWN = 5
# Survey comparisons the summary names (worst first); each question page shows its own.
BASELINE_GAPS_SHOWN = 8
# Missing permissions named in the summary; the coverage section lists them all.
PERMISSIONS_SHOWN = 6
# A question "looks worse than the survey" when at least this share of the surveyed workloads did better.
BETTER_SHARE_THRESHOLD = 50.0
EFFORT_LABEL = {"low": "Low effort", "medium": "Medium effort", "high": "High effort"}


@dataclass
class PillarRisk:
    """One pillar's line in the summary table."""

    id: str
    name: str
    anchor: str
    high: int
    medium: int
    none: int
    reviewer: int
    questions: int


@dataclass
class TopRisk:
    """A fix worth doing first, said plainly: what is wrong, where it counts, how to fix it, how hard."""

    title: str
    check: str
    severity: str
    effort: str
    failing: int
    examples: list[str]
    questions: list[str]
    removes: dict[str, int]
    fix: str
    anchor: str

    @property
    def effort_label(self) -> str:
        """"Low effort" / ... or empty when the check does not say."""
        return EFFORT_LABEL.get(self.effort, "")


@dataclass
class BaselineGap:
    """A question where most surveyed workloads came out better than this account."""

    question: QuestionView
    better_pct: int
    phrase: str


@dataclass
class ExecutiveSummary:
    """Everything the summary pages show."""

    headline: str
    pillars: list[PillarRisk]
    totals: PillarRisk
    top_risks: list[TopRisk]
    more_risks: int
    baseline_gaps: list[BaselineGap]
    more_gaps: int
    not_assessed: list[tuple[str, int]]  # (reason in words, findings)
    missing_permissions: list[str]
    more_permissions: int
    disabled_regions: list[str]
    reviewer_questions: int
    unevidenced_choices: int
    incomplete: bool = False
    notes: list[str] = field(default_factory=list)


def _pillar(p_id: str, name: str, anchor: str, questions: list[QuestionView]) -> PillarRisk:
    risks = [q.risk for q in questions]
    return PillarRisk(id=p_id, name=name, anchor=anchor, high=risks.count("HIGH"), medium=risks.count("MEDIUM"),
                      none=risks.count("NONE"), reviewer=risks.count("UNKNOWN"), questions=len(questions))


def _top_risk(item: ImprovementView, failing: list[FindingView]) -> TopRisk:
    return TopRisk(title=item.title, check=item.check, severity=item.severity, effort=getattr(item, "effort", ""),
                   failing=item.failing, examples=[f.message for f in failing[:2]], questions=list(item.questions),
                   removes=dict(item.removes), fix=item.remediation, anchor=item.anchor)


def baseline_gap(q: QuestionView) -> BaselineGap | None:
    """How this question compares with the survey, when most surveyed workloads did better; else None.

    A High here is beaten by every surveyed workload that was not High; a Medium by every one that had
    neither a High nor a Medium risk. When the survey gives only the share rated Well-Architected,
    that share did better than any High or Medium.
    """
    if q.baseline is None or q.risk not in ("HIGH", "MEDIUM"):
        return None
    figures = {key: pct for key, pct, _ in q.baseline.figures}
    if q.risk == "HIGH" and "high_risk_pct" in figures:
        better = 100 - figures["high_risk_pct"]
        phrase = f"{better:.0f}% of the surveyed workloads had no High risk here"
    elif q.risk == "MEDIUM" and "high_or_medium_pct" in figures:
        better = 100 - figures["high_or_medium_pct"]
        phrase = f"{better:.0f}% of the surveyed workloads had neither a High nor a Medium risk here"
    elif "well_architected_pct" in figures:
        better = figures["well_architected_pct"]
        phrase = f"{better:.0f}% of the surveyed workloads were rated Well-Architected here"
    else:
        return None
    if better < BETTER_SHARE_THRESHOLD:
        return None
    return BaselineGap(question=q, better_pct=round(better), phrase=phrase)


def _headline(view: ReportView, totals: PillarRisk) -> str:
    account = view.meta["account"] or "this account"
    if not view.questions:
        return (f"The scan of account {account} carries no suggested answers (no lens mapping was applied); "
                f"the findings are the evidence.")
    parts = [f"{totals.high} High", f"{totals.medium} Medium"]
    return (f"Of the {totals.questions} questions of the review, the evidence from account {account} suggests "
            f"{' and '.join(parts)} risk; {totals.none} show no gap, and {totals.reviewer} need the team's answer.")


def build_summary(view: ReportView) -> ExecutiveSummary:
    """The executive summary of ``view``."""
    pillars = [_pillar(p.id, p.name, p.anchor, p.questions) for p in view.pillars]
    totals = _pillar("all", "All pillars", "questions", view.questions)
    failing_by_check: dict[str, list[FindingView]] = {
        c.id: [f for f in c.findings if f.status == "fail"] for c in view.checks}
    top = [_top_risk(i, failing_by_check.get(i.check, [])) for i in view.improvements[:TOP_RISKS_SHOWN]]
    gaps = [g for g in (baseline_gap(q) for q in view.questions) if g is not None]
    gaps.sort(key=lambda g: (-g.better_pct, g.question.label))
    cov = view.coverage
    permissions = cov.missing_permissions
    return ExecutiveSummary(
        headline=_headline(view, totals),
        pillars=pillars,
        totals=totals,
        top_risks=top,
        more_risks=max(0, len(view.improvements) - len(top)),
        baseline_gaps=gaps[:BASELINE_GAPS_SHOWN],
        more_gaps=max(0, len(gaps) - BASELINE_GAPS_SHOWN),
        not_assessed=[(text, len(items)) for _, text, items in cov.by_reason],
        missing_permissions=permissions[:PERMISSIONS_SHOWN],
        more_permissions=max(0, len(permissions) - PERMISSIONS_SHOWN),
        disabled_regions=list(cov.disabled_regions),
        reviewer_questions=len(cov.unknown_questions),
        unevidenced_choices=cov.unassessed_choices,
        incomplete=view.meta["partial"] or not view.meta["complete"],
    )
