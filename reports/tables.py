"""The CSV outputs: ``findings.csv`` and the review team's ``risk-register.csv``.

Risk register derivation (one row per failing check):

* **Impact** comes from the check's severity, which states how bad a failure is for the account
  owner: critical or high -> High, medium -> Medium, low or info -> Low.
* **Likelihood** comes from the WA risk of the best-practice choices the check informs (the lens
  rates each choice by the risk exposed when the practice is missing): the highest risk among the
  choices the scan's evidence contradicts, or, when none is marked contradicted, among every choice
  the check is linked to. HIGH -> High, MEDIUM -> Medium, LOW -> Low. A check linked to no choice
  gets Medium and a note asking the reviewer to rate it. A critical check (the weakness is directly
  reachable, e.g. a public bucket) raises Likelihood to High.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from reports.safety import csv_safe, one_line
from reports.view import CheckView, ReportView

FINDINGS_COLUMNS = ("check", "status", "severity", "account", "region", "resource", "message", "wa_choices",
                    "reason", "missing_permission", "finding_id")
REGISTER_COLUMNS = ("Reference", "Component", "Risk", "Likelihood", "Impact", "Observation", "Mitigation",
                    "Runbook action", "Notes")
IMPACT = {"critical": "High", "high": "High", "medium": "Medium", "low": "Low", "info": "Low"}
LIKELIHOOD = {"HIGH": "High", "MEDIUM": "Medium", "LOW": "Low"}
_LEVEL = ("Low", "Medium", "High")
# Failing resources named in one register cell before the rest are counted.
OBSERVATIONS_SHOWN = 10


def write_csv(rows: Iterable[Sequence[Any]], header: Sequence[str]) -> str:
    """CSV text (RFC 4180 quoting, CRLF rows) with every cell made safe for spreadsheets."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_safe(cell) for cell in row])
    return buf.getvalue()


def findings_csv(view: ReportView) -> str:
    """One row per finding: check, status, severity, account, region, resource, message, WA choices."""
    rows = ((f.check, f.status, f.severity, f.account, f.region, f.resource, one_line(f.message),
             "; ".join(f.choices), f.reason, f.missing_permission, f.id) for f in view.findings)
    return write_csv(rows, FINDINGS_COLUMNS)


def likelihood(view: ReportView, check_id: str, severity: str) -> tuple[str, str]:
    """Likelihood of a failing check and the reason for it (see the module docstring)."""
    contradicted = view.contradicted_risks.get(check_id) or []
    linked = view.check_choice_risks.get(check_id) or []
    basis = contradicted or linked
    ranked = [LIKELIHOOD[r] for r in basis if r in LIKELIHOOD]
    if ranked:
        level = max(ranked, key=_LEVEL.index)
        why = (f"likelihood {level}: highest WA risk of the "
               f"{'contradicted' if contradicted else 'linked'} choices")
    else:
        level, why = "Medium", "likelihood Medium: no WA choice linked to this check, reviewer to rate"
    if severity == "critical" and level != "High":
        level, why = "High", f"likelihood High: critical severity ({why})"
    return level, why


def register_rows(view: ReportView) -> list[list[str]]:
    """The risk register: one row per failing check, in improvement-plan order."""
    failing = {c.id: c for c in view.checks if c.counts["fail"]}
    order = [i.check for i in view.improvements if i.check in failing]
    order += [cid for cid in failing if cid not in order]
    return [_register_row(view, failing[cid]) for cid in order]


def _register_row(view: ReportView, check: CheckView) -> list[str]:
    failed = [f for f in check.findings if f.status == "fail"]
    regions = sorted({f.region for f in failed})
    level, why = likelihood(view, check.id, check.severity)
    impact = IMPACT.get(check.severity, "Medium")
    questions = view.check_labels.get(check.id, [])
    observed = "; ".join(one_line(f.message) or f.resource for f in failed[:OBSERVATIONS_SHOWN])
    if len(failed) > OBSERVATIONS_SHOWN:
        observed += f"; and {len(failed) - OBSERVATIONS_SHOWN} more (see findings.csv)"
    risk = f"{check.title}: not met for {len(failed)} resource{'s' if len(failed) != 1 else ''}"
    if questions:
        risk += f" (WA {', '.join(questions)})"
    resources = ", ".join(f.resource for f in failed[:OBSERVATIONS_SHOWN])
    if len(failed) > OBSERVATIONS_SHOWN:
        resources += f" and {len(failed) - OBSERVATIONS_SHOWN} more"
    verify = f"wa-scan --checks {check.id}"
    regional = [r for r in regions if r != "global"]
    if regional:
        verify += f" --region {','.join(regional)}"
    runbook = f"Apply the mitigation to: {resources}. Verify with: {verify}"
    notes = [f"severity {check.severity or 'unknown'} -> impact {impact}", why,
             f"regions: {', '.join(regions)}"]
    if check.counts["not_assessed"]:
        notes.append(f"{check.counts['not_assessed']} not assessed (see the coverage section)")
    if not check.installed:
        notes.append("check not installed in this wa-scan")
    return [check.id, f"{check.service} ({', '.join(regions)})", risk, level, impact, observed,
            check.remediation or "See the check's documentation.", runbook, "; ".join(notes)]


def register_csv(view: ReportView) -> str:
    """``risk-register.csv`` text."""
    return write_csv(register_rows(view), REGISTER_COLUMNS)
