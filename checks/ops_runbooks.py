"""Procedures written as code: account-owned Systems Manager runbooks, change templates and change calendars."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scanner.api import CheckContext, Finding, check

RUNBOOK_TYPES = ("Automation", "Command")
CHANGE_TYPES = ("Automation.ChangeTemplate", "ChangeCalendar")


def own_documents(ctx: CheckContext, region: str) -> list[dict[str, Any]]:
    """Every Systems Manager document the account owns in ``region`` (one paginated read, shared)."""
    return ctx.call("ssm", "ListDocuments", region=region, Filters=[{"Key": "Owner", "Values": ["Self"]}],
                    required=("DocumentIdentifiers",)).get("DocumentIdentifiers", [])


def _by_region(ctx: CheckContext, types: tuple[str, ...]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for region in ctx.regions:
        docs = [{"name": d.get("Name"), "type": d.get("DocumentType"), "version": d.get("DocumentVersion"),
                 "created": str(d.get("CreatedDate") or "")[:10] or None}
                for d in own_documents(ctx, region) if d.get("DocumentType") in types]
        if docs:
            found[region] = sorted(docs, key=lambda d: str(d["name"]))
    return found


@check(
    id="ssm.runbooks_exist",
    title="Operational procedures exist as runbooks",
    service="ssm",
    scope="global",
    severity="medium",
    effort="medium",
    description="""The account owns at least one Systems Manager Automation or Command document in a scanned
        region (ListDocuments with Owner=Self): procedures written as runbooks can be run the same way by
        anyone, by hand, on a schedule or from an alarm. The runbooks are listed per region. Runbooks kept
        in another tool, a wiki or another account are not visible to this check.""",
    remediation="""Write the routine procedures (restart, failover, scale, rotate, restore) as Systems Manager
        Automation runbooks, keep them under version control, and link them from alarms and response plans.""",
    reads=["ssm:ListDocuments"],
)
def runbooks_exist(ctx: CheckContext) -> Iterator[Finding]:
    """One account-level finding."""
    found = _by_region(ctx, RUNBOOK_TYPES)
    total = sum(len(v) for v in found.values())
    observed = {"runbooks": found, "count": total}
    if total:
        where = ", ".join(f"{len(v)} in {r}" for r, v in sorted(found.items()))
        yield ctx.passed(ctx.account_resource(), f"The account owns {total} runbook(s): {where}", observed)
    else:
        yield ctx.failed(ctx.account_resource(), "The account owns no Systems Manager Automation or Command "
                         f"document in {', '.join(ctx.regions)}", observed)


@check(
    id="ssm.change_controls_exist",
    title="Changes are requested through templates or a change calendar",
    service="ssm",
    scope="global",
    severity="low",
    effort="medium",
    description="""The account owns a Systems Manager Change Manager template (document type
        Automation.ChangeTemplate) or a Change Calendar (ChangeCalendar) in a scanned region, so changes are
        requested, approved and kept out of blocked periods through a defined mechanism. Change processes run
        in a ticketing tool are not visible to this check.""",
    remediation="""Define Change Manager templates for the common change types, with approvers, and a Change
        Calendar for the periods when changes are blocked; have runbooks check the calendar before acting.""",
    reads=["ssm:ListDocuments"],
)
def change_controls_exist(ctx: CheckContext) -> Iterator[Finding]:
    """One account-level finding."""
    found = _by_region(ctx, CHANGE_TYPES)
    kinds = sorted({d["type"] for docs in found.values() for d in docs})
    observed = {"documents": found, "types": kinds}
    if found:
        yield ctx.passed(ctx.account_resource(), f"The account has change controls: {', '.join(kinds)} in "
                         f"{', '.join(sorted(found))}", observed)
    else:
        yield ctx.failed(ctx.account_resource(), "No Change Manager template or Change Calendar in "
                         f"{', '.join(ctx.regions)}", observed)
