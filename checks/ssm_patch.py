"""Patch management: running instances report recent, compliant Patch Manager results."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checks._dates import days_since
from checks._ec2 import instance_arn, instances, name_tag
from scanner.api import CheckContext, Finding, NotAssessed, check

BATCH = 50  # the most instance ids DescribeInstancePatchStates accepts per call


def patch_states(ctx: CheckContext, instance_ids: list[str]) -> tuple[dict[str, dict[str, Any]],
                                                                     dict[str, NotAssessed]]:
    """Patch state per instance id, and the error for each instance whose batch could not be read."""
    states: dict[str, dict[str, Any]] = {}
    errors: dict[str, NotAssessed] = {}
    for start in range(0, len(instance_ids), BATCH):
        batch = instance_ids[start:start + BATCH]
        try:
            answer = ctx.call("ssm", "DescribeInstancePatchStates", InstanceIds=batch)
        except NotAssessed as exc:
            errors.update(dict.fromkeys(batch, exc))
            continue
        for state in answer.get("InstancePatchStates", []):
            states[state["InstanceId"]] = state
    return states, errors


def _ago(days: int) -> str:
    return "less than a day ago" if days < 1 else ("1 day ago" if days == 1 else f"{days} days ago")


@check(
    id="ssm.patch_compliance",
    title="Instances are patched by Patch Manager",
    service="ssm",
    severity="medium",
    effort="medium",
    description="""Every running EC2 instance reports a Systems Manager Patch Manager result that is
        recent (a scan or install within max_age_days) and compliant: no missing, failed or
        installed-but-pending-reboot patches against its patch baseline. An instance without any patch
        state is not a managed node or has never been scanned.""",
    remediation="""Install the SSM Agent and attach AmazonSSMManagedInstanceCore to the instance role (or
        turn on Default Host Management Configuration); create a patch policy in Quick Setup, or a
        maintenance window running AWS-RunPatchBaseline, that scans daily and installs on a schedule;
        reboot instances with patches pending a reboot.""",
    reads=["ec2:DescribeInstances", "ssm:DescribeInstancePatchStates"],
    options={"max_age_days": 30},
)
def patch_compliance(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per running instance of the region."""
    running = instances(ctx, states=("running",))
    states, errors = patch_states(ctx, [i["InstanceId"] for i in running])
    max_age = int(ctx.option("max_age_days"))
    for inst in running:
        iid = inst["InstanceId"]
        arn = instance_arn(ctx, iid)
        label = f"Instance {iid}" + (f" ({name_tag(inst)})" if name_tag(inst) else "")
        if iid in errors:
            yield ctx.not_assessed(arn, errors[iid])
            continue
        state = states.get(iid)
        if state is None:
            yield ctx.failed(arn, f"{label} has no patch compliance data: not a managed node, or never scanned "
                             "by Patch Manager", {"instance_id": iid, "patch_state": None})
            continue
        age = days_since(state.get("OperationEndTime"))
        counts = {key: int(state.get(key) or 0) for key in (
            "MissingCount", "FailedCount", "InstalledPendingRebootCount", "CriticalNonCompliantCount",
            "SecurityNonCompliantCount")}
        observed = {
            "instance_id": iid, "baseline_id": state.get("BaselineId"), "patch_group": state.get("PatchGroup") or None,
            "last_operation": state.get("Operation"), "last_operation_age_days": age,
            "missing": counts["MissingCount"], "failed": counts["FailedCount"],
            "installed_pending_reboot": counts["InstalledPendingRebootCount"],
            "critical_noncompliant": counts["CriticalNonCompliantCount"],
            "security_noncompliant": counts["SecurityNonCompliantCount"], "max_age_days": max_age,
        }
        problems = []
        if counts["MissingCount"]:
            problems.append(f"{counts['MissingCount']} missing")
        if counts["FailedCount"]:
            problems.append(f"{counts['FailedCount']} failed")
        if counts["InstalledPendingRebootCount"]:
            problems.append(f"{counts['InstalledPendingRebootCount']} pending reboot")
        operation = str(state.get("Operation") or "operation").lower()
        if age is None or age > max_age:
            problems.append(f"last patch {operation} {'never' if age is None else _ago(age)}")
        if problems:
            yield ctx.failed(arn, f"{label} is not patch compliant: " + ", ".join(problems), observed)
        else:
            yield ctx.passed(arn, f"{label} is patch compliant (last {operation} {_ago(age)})", observed)
