"""Escalation is defined: Incident Manager contacts include an escalation plan or an on-call schedule."""

from __future__ import annotations

from collections.abc import Iterator

from scanner.api import CheckContext, Finding, check

ESCALATING = ("ESCALATION", "ONCALL_SCHEDULE")


@check(
    id="ssmcontacts.escalation_defined",
    title="Incidents escalate through an escalation plan or on-call schedule",
    service="ssm-contacts",
    scope="global",
    severity="medium",
    effort="medium",
    description="""Incident Manager contacts (ssm-contacts ListContacts, home region) include an escalation
        plan or an on-call rotation, so an incident that nobody acknowledges moves on to the next person
        instead of waiting. Personal contacts alone are listed but do not count. Paging and escalation run
        in another tool (PagerDuty, Opsgenie) are not visible to this check.""",
    remediation="""Create contacts for the responders, an on-call schedule that rotates them and an
        escalation plan with a second stage, and engage the escalation plan from the response plans.""",
    reads=["ssm-contacts:ListContacts"],
)
def escalation_defined(ctx: CheckContext) -> Iterator[Finding]:
    """One account-level finding."""
    contacts = ctx.call("ssm-contacts", "ListContacts", required=("Contacts",)).get("Contacts", [])
    kinds: dict[str, list[str]] = {}
    for contact in contacts:
        kinds.setdefault(str(contact.get("Type")), []).append(str(contact.get("Alias")))
    observed = {"contacts": {k: sorted(v) for k, v in sorted(kinds.items())}}
    escalating = sorted(a for k in ESCALATING for a in kinds.get(k, []))
    resource = ctx.account_resource()
    if escalating:
        yield ctx.passed(resource, f"Incident Manager escalates through {', '.join(escalating)}", observed)
    elif contacts:
        yield ctx.failed(resource, f"Incident Manager has {len(contacts)} personal contact(s) but no escalation "
                         "plan or on-call schedule", observed)
    else:
        yield ctx.failed(resource, "Incident Manager has no contacts: incidents page nobody", observed)
