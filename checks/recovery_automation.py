"""The recovery site stays like the primary and recovery starts on its own: stack sets in sync, zonal
autoshift on the resources that support it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checks._dates import days_since
from checks._time import ago
from scanner.api import CheckContext, Finding, NotAssessed, Reason, check


@check(
    id="cloudformation.stack_sets_in_sync",
    title="CloudFormation stack sets match their template in every target",
    service="cloudformation",
    severity="medium",
    effort="medium",
    description="""Every active CloudFormation stack set administered from the region had drift detection
        run within `max_age_days` days and was IN_SYNC, so the stacks it deploys to other regions and
        accounts (typically the primary and the recovery site) have not diverged. A stack set never checked,
        or checked too long ago, is reported as not assessed, like cloudformation.no_drift.""",
    remediation="""Run drift detection on the stack set on a schedule (cloudformation detect-stack-set-drift,
        for example from an EventBridge Scheduler rule), and fix drifted stack instances by updating the stack
        set rather than the stacks.""",
    reads=["cloudformation:ListStackSets"],
    options={"max_age_days": 30},
)
def stack_sets_in_sync(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per active stack set."""
    max_age = int(ctx.option("max_age_days"))
    for summary in ctx.call("cloudformation", "ListStackSets", Status="ACTIVE",
                            required=("Summaries",))["Summaries"]:
        name = summary["StackSetName"]
        arn = ctx.arn("cloudformation", f"stackset/{summary.get('StackSetId', name)}")
        status = summary.get("DriftStatus", "NOT_CHECKED")
        age = days_since(summary.get("LastDriftCheckTimestamp"))
        observed = {"stack_set": name, "drift_status": status, "last_drift_check_days_ago": age,
                    "permission_model": summary.get("PermissionModel")}
        when = ago(age) if age is not None else "at an unknown time"
        if status == "DRIFTED":
            yield ctx.failed(arn, f"Stack set {name} has stack instances that drifted from its template "
                             f"(detected {when})", observed)
        elif status == "IN_SYNC" and age is not None and age <= max_age:
            yield ctx.passed(arn, f"Stack set {name} matched its template in every target when checked {when}",
                             observed)
        else:
            why = (f"its last drift detection ({when}) is older than {max_age} days" if status == "IN_SYNC"
                   else "drift detection has never been run on it")
            yield ctx.not_assessed(arn, NotAssessed(Reason.NOT_ENABLED, f"whether stack set {name} has drifted is "
                                                    f"unknown: {why} (drift_status={status})", code=status))


@check(
    id="arczonalshift.autoshift_enabled",
    title="Zonal autoshift moves traffic away from an impaired zone",
    service="arc-zonal-shift",
    severity="low",
    effort="low",
    description="""Every resource registered with Amazon Application Recovery Controller zonal shift (load
        balancers with cross-zone load balancing off, EKS clusters) has zonal autoshift ENABLED, so AWS shifts
        its traffic out of an Availability Zone it detects as impaired without waiting for a person; the
        practice-run status is reported alongside.""",
    remediation="""Configure a practice run (arc-zonal-shift create-practice-run-configuration, with alarms that
        block or stop it) and enable zonal autoshift on the resource (arc-zonal-shift
        update-zonal-autoshift-configuration --zonal-autoshift-status ENABLED), after checking that the other
        zones can carry the load.""",
    reads=["arc-zonal-shift:ListManagedResources"],
)
def autoshift_enabled(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per managed resource."""
    items: list[dict[str, Any]] = ctx.call("arc-zonal-shift", "ListManagedResources").get("items", [])
    for item in items:
        arn, name = item["arn"], item.get("name") or item["arn"]
        status = item.get("zonalAutoshiftStatus", "DISABLED")
        observed = {"resource": name, "zones": item.get("availabilityZones", []), "autoshift": status,
                    "practice_run": item.get("practiceRunStatus")}
        if status == "ENABLED":
            yield ctx.passed(arn, f"{name} has zonal autoshift enabled (practice runs "
                             f"{str(item.get('practiceRunStatus', 'unknown')).lower()})", observed)
        else:
            yield ctx.failed(arn, f"{name} has zonal autoshift disabled: traffic leaves an impaired zone only when "
                             "someone starts a zonal shift", observed)
