"""Patches are installed on a schedule by Systems Manager, not by someone remembering to."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scanner.api import CheckContext, Finding, NotAssessed, check

PATCH_DOCUMENTS = ("AWS-RunPatchBaseline", "AWS-RunPatchBaselineAssociation", "AWS-RunPatchBaselineWithHooks")


def _is_patch_document(name: str | None) -> bool:
    """True for AWS's patching documents, named or given by ARN."""
    return bool(name) and str(name).rsplit("/", 1)[-1] in PATCH_DOCUMENTS


def _operation(parameters: dict[str, Any] | None, default: str | None = None) -> str | None:
    """The Operation parameter (Scan or Install) of a patching document's parameters."""
    value = (parameters or {}).get("Operation")
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):  # maintenance window task parameters wrap values as {"Values": [...]}
        value = (value.get("Values") or [None])[0]
    return str(value) if value else default


def _association_schedules(ctx: CheckContext) -> list[dict[str, Any]]:
    """State Manager associations of a patching document, with their operation and schedule."""
    found = []
    for item in ctx.call("ssm", "ListAssociations", required=("Associations",)).get("Associations", []):
        if not _is_patch_document(item.get("Name")):
            continue
        detail = ctx.call("ssm", "DescribeAssociation", AssociationId=item["AssociationId"],
                          required=("AssociationDescription",))["AssociationDescription"]
        found.append({"kind": "association", "name": item.get("AssociationName") or item["AssociationId"],
                      "operation": _operation(detail.get("Parameters"), "Scan"),  # the documents' default
                      "schedule": detail.get("ScheduleExpression")})
    return found


def _window_schedules(ctx: CheckContext) -> list[dict[str, Any]]:
    """Patching tasks of enabled maintenance windows, with their operation where the listing shows it."""
    found = []
    windows = ctx.call("ssm", "DescribeMaintenanceWindows", required=("WindowIdentities",)).get("WindowIdentities", [])
    for window in windows:
        if not window.get("Enabled", True):
            continue
        tasks = ctx.call("ssm", "DescribeMaintenanceWindowTasks", WindowId=window["WindowId"],
                         required=("Tasks",)).get("Tasks", [])
        for task in tasks:
            if _is_patch_document(task.get("TaskArn")):
                found.append({"kind": "maintenance_window", "name": window.get("Name") or window["WindowId"],
                              "operation": _operation(task.get("TaskParameters")),
                              "schedule": window.get("Schedule")})
    return found


@check(
    id="ssm.patching_automated",
    title="Systems Manager installs patches on a schedule",
    service="ssm",
    severity="medium",
    effort="medium",
    description="""Where a region has nodes managed by Systems Manager, a State Manager association (Patch
        Manager patch policies create these) or an enabled maintenance window runs AWS-RunPatchBaseline with
        the Install operation on a schedule. A setup that only scans reports missing patches without
        applying them and fails. A maintenance window task whose operation the listing does not show counts
        as installing (its parameters are read only per task). Which nodes each schedule targets is not
        checked here: ssm.patch_compliance shows the nodes that are behind.""",
    remediation="""Create a patch policy in Systems Manager Quick Setup (or a State Manager association of
        AWS-RunPatchBaseline with Operation=Install and a cron schedule) targeting every managed node, with
        a patch baseline whose auto-approval delay the team agrees.""",
    reads=["ssm:DescribeInstanceInformation", "ssm:ListAssociations", "ssm:DescribeAssociation",
           "ssm:DescribeMaintenanceWindows", "ssm:DescribeMaintenanceWindowTasks"],
)
def patching_automated(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per region with managed nodes."""
    # The same read as ssm.instances_managed, so it is made once per region.
    nodes = ctx.call("ssm", "DescribeInstanceInformation").get("InstanceInformationList", [])
    if not nodes:
        return
    resource = ctx.account_resource()
    try:
        schedules = _association_schedules(ctx) + _window_schedules(ctx)
    except NotAssessed as exc:
        yield ctx.not_assessed(resource, exc)
        return
    installing = [s for s in schedules if s["operation"] in (None, "Install")]
    observed = {"managed_nodes": len(nodes), "patch_schedules": schedules}
    if installing:
        names = ", ".join(f"{s['name']} ({s['kind'].replace('_', ' ')})" for s in installing)
        yield ctx.passed(resource, f"Patches are installed on a schedule in {ctx.region}: {names}", observed)
    elif schedules:
        yield ctx.failed(resource, f"Patching in {ctx.region} only scans ({len(schedules)} schedule(s)); nothing "
                         f"installs patches on the {len(nodes)} managed node(s)", observed)
    else:
        yield ctx.failed(resource, f"No association or maintenance window runs AWS-RunPatchBaseline in "
                         f"{ctx.region} for the {len(nodes)} managed node(s)", observed)
