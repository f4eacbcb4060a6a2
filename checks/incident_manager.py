"""Incidents are handled with playbooks and learned from: Incident Manager response plans and analyses."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checks._dates import as_datetime, iso, window_start
from scanner.api import CheckContext, Finding, NotAssessed, check


@check(
    id="ssmincidents.response_plans_have_runbooks",
    title="Incident response plans start a runbook",
    service="ssm-incidents",
    scope="global",
    severity="medium",
    effort="medium",
    description="""Every AWS Systems Manager Incident Manager response plan starts a Systems Manager
        Automation runbook when an incident opens, so responders begin from a written, repeatable
        investigation instead of from memory. Response plans are read once, in the home region (Incident
        Manager replicates them across its replication set); playbooks kept outside Incident Manager are not
        visible to this check.""",
    remediation="""Write the investigation steps for the incident type as an Automation runbook (diagnostics
        first: gather metrics, logs and recent deployments) and add it to the response plan
        (ssm-incidents update-response-plan --actions ssmAutomation={documentName=...,roleArn=...}).""",
    reads=["ssm-incidents:ListResponsePlans", "ssm-incidents:GetResponsePlan"],
)
def response_plans_have_runbooks(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per response plan."""

    def one(summary: dict[str, Any]) -> Finding:
        arn, name = summary["arn"], summary.get("displayName") or summary.get("name", summary["arn"])
        try:
            plan = ctx.call("ssm-incidents", "GetResponsePlan", arn=arn)
        except NotAssessed as exc:
            return ctx.not_assessed(arn, exc)
        runbooks = [a["ssmAutomation"].get("documentName") for a in plan.get("actions", []) if a.get("ssmAutomation")]
        observed = {"plan": name, "runbooks": runbooks, "engagements": len(plan.get("engagements", [])),
                    "chat_channel": bool((plan.get("chatChannel") or {}).get("chatbotSns"))}
        if runbooks:
            return ctx.passed(arn, f"Response plan {name} starts runbook {', '.join(runbooks)}", observed)
        return ctx.failed(arn, f"Response plan {name} starts no runbook", observed)

    yield from ctx.map(one, ctx.call("ssm-incidents", "ListResponsePlans").get("responsePlanSummaries", []))


@check(
    id="ssmincidents.incidents_analysed",
    title="Resolved incidents have a post-incident analysis",
    service="ssm-incidents",
    scope="global",
    severity="medium",
    effort="medium",
    description="""Every Incident Manager incident created in the last `days` days and resolved has a
        post-incident analysis among its related items (an item of type ANALYSIS), so the contributing
        factors and the actions that prevent a recurrence are written down. Incidents handled outside
        Incident Manager, and analyses kept elsewhere, are not visible to this check.""",
    remediation="""Create a post-incident analysis for the incident from an analysis template in the
        Incident Manager console and track its action items to completion; make the analysis a required
        step of closing an incident.""",
    reads=["ssm-incidents:ListIncidentRecords", "ssm-incidents:ListRelatedItems"],
    options={"days": 180},
)
def incidents_analysed(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per resolved incident of the window."""
    days = int(ctx.option("days"))
    since = window_start(days)
    records = ctx.call("ssm-incidents", "ListIncidentRecords", filters=[
        {"key": "creationTime", "condition": {"after": since}}]).get("incidentRecordSummaries", [])
    resolved = [r for r in records if r.get("status") == "RESOLVED"]

    def one(record: dict[str, Any]) -> Finding:
        arn, title = record["arn"], record.get("title", record["arn"])
        try:
            items = ctx.call("ssm-incidents", "ListRelatedItems", incidentRecordArn=arn).get("relatedItems", [])
        except NotAssessed as exc:
            return ctx.not_assessed(arn, exc)
        analyses = [i.get("title") or (i.get("identifier") or {}).get("value", {}).get("arn")
                    for i in items if (i.get("identifier") or {}).get("type") == "ANALYSIS"]
        observed = {"incident": title, "impact": record.get("impact"),
                    "created": iso(as_datetime(record.get("creationTime"))),
                    "resolved": iso(as_datetime(record.get("resolvedTime"))), "analyses": analyses}
        if analyses:
            return ctx.passed(arn, f"Incident '{title}' has a post-incident analysis", observed)
        return ctx.failed(arn, f"Incident '{title}' (impact {record.get('impact')}) was resolved without a "
                          "post-incident analysis", observed)

    yield from ctx.map(one, resolved)
