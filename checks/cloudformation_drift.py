"""CloudFormation stacks still match their templates (no configuration drift)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checks._dates import days_since
from checks._time import ago
from scanner.api import CheckContext, Finding, NotAssessed, Reason, check

# Stacks that hold no resources yet or any more.
_SKIPPED_STATUSES = ("REVIEW_IN_PROGRESS", "DELETE_COMPLETE")


@check(
    id="cloudformation.no_drift",
    title="CloudFormation stacks have not drifted",
    service="cloudformation",
    severity="medium",
    effort="medium",
    description="""Each stack's last drift detection found it IN_SYNC with its template, and that detection is
        at most max_check_age_days days old. DRIFTED fails. A stack whose drift was never detected
        (NOT_CHECKED), whose last detection failed (UNKNOWN) or is older than the limit is reported as not
        assessed: whether it drifted is unknown, and nobody is looking.""",
    remediation="""Detect drift regularly (cloudformation detect-stack-drift, or the AWS Config rule
        cloudformation-stack-drift-detection-check), bring drifted resources back through the template, and
        stop changing stack resources by hand.""",
    reads=["cloudformation:DescribeStacks"],
    # DetectStackDrift's results are read from DescribeStacks; the scan never starts a detection.
    options={"max_check_age_days": 30},
)
def no_drift(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per live stack."""
    max_age = int(ctx.option("max_check_age_days"))
    for stack in ctx.call("cloudformation", "DescribeStacks", required=("Stacks",)).get("Stacks", []):
        if stack.get("StackStatus") in _SKIPPED_STATUSES:
            continue
        name, arn = stack["StackName"], stack["StackId"]
        drift = stack.get("DriftInformation") or {}
        status = drift.get("StackDriftStatus", "NOT_CHECKED")
        age = days_since(drift.get("LastCheckTimestamp"))
        age = max(0, age) if age is not None else None  # a clock a little ahead is not a future check
        observed = {"stack": name, "stack_status": stack.get("StackStatus"), "drift_status": status,
                    "last_drift_check_days_ago": age, "max_check_age_days": max_age,
                    "nested": bool(stack.get("ParentId"))}
        when = ago(age) if age is not None else "at an unknown time"
        if status == "DRIFTED":
            yield ctx.failed(arn, f"Stack {name} has drifted from its template (detected {when})", observed)
        elif status == "IN_SYNC" and age is not None and age <= max_age:
            yield ctx.passed(arn, f"Stack {name} matched its template when drift was detected {when}", observed)
        else:
            if status == "IN_SYNC":
                why = f"its last drift detection ({when}) is older than {max_age} days"
            elif status == "UNKNOWN":
                why = "its last drift detection did not complete"
            else:
                why = "drift detection has never been run on it"
            yield _unknown(ctx, arn, f"whether stack {name} has drifted is unknown: {why}", observed)


def _unknown(ctx: CheckContext, arn: str, detail: str, observed: dict[str, Any]) -> Finding:
    # Nothing failed in the scan: the account has not run (recent) drift detection, which is a fact of the
    # account like a service that is not enabled. The observed values go into the detail.
    facts = ", ".join(f"{k}={v}" for k, v in observed.items() if k in ("drift_status", "last_drift_check_days_ago"))
    return ctx.not_assessed(arn, NotAssessed(Reason.NOT_ENABLED, f"{detail} ({facts})", code=observed["drift_status"]))
