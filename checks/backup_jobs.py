"""Backups actually happen: every protected resource has a recent recovery point and its last job succeeded."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from checks._dates import as_datetime, iso, window_start
from checks._time import ago
from scanner.api import CheckContext, Finding, check

# Backup job states that left no usable recovery point (AWS Backup API reference, BackupJob.State).
FAILED_STATES = ("FAILED", "ABORTED", "EXPIRED", "PARTIAL")
FINISHED = ("COMPLETED", *FAILED_STATES)


def protected_resources(ctx: CheckContext) -> list[dict[str, Any]]:
    """Every resource with at least one recovery point in the region's vaults, with its last backup time."""
    return ctx.call("backup", "ListProtectedResources", required=("Results",)).get("Results", [])


@check(
    id="backup.recovery_points_recent",
    title="Protected resources have a recent recovery point",
    service="backup",
    severity="high",
    description="""Every resource AWS Backup protects in the region (ListProtectedResources) was last backed up
        no more than `max_age_days` days ago, so "backed up" means a recent recovery point exists, not only
        that a plan selects the resource. A resource deleted since its last backup is reported too: its
        recovery points age out on their lifecycle.""",
    remediation="""Find why the plan stopped producing recovery points (a selection that no longer matches,
        a schedule or start window that is too short, a failing job: backup list-backup-jobs --by-resource-arn),
        fix it and start an on-demand backup; alarm on the AWS/Backup NumberOfBackupJobsFailed metric.""",
    reads=["backup:ListProtectedResources"],
    options={"max_age_days": 2},
)
def recovery_points_recent(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per protected resource."""
    max_age = int(ctx.option("max_age_days"))
    now = datetime.now(UTC)
    for item in protected_resources(ctx):
        arn = item["ResourceArn"]
        last = as_datetime(item.get("LastBackupTime"))
        name = item.get("ResourceName") or arn.rsplit("/", 1)[-1].rsplit(":", 1)[-1]
        observed = {"resource_type": item.get("ResourceType"), "last_backup": iso(last),
                    "last_vault": item.get("LastBackupVaultArn"), "max_age_days": max_age}
        if last is None:
            yield ctx.failed(arn, f"{item.get('ResourceType', 'Resource')} {name} has no recorded backup time",
                             observed)
            continue
        age = (now - last).days
        observed["age_days"] = age
        if age <= max_age:
            yield ctx.passed(arn, f"{item.get('ResourceType', 'Resource')} {name} was last backed up {ago(age)}",
                             observed)
        else:
            yield ctx.failed(arn, f"{item.get('ResourceType', 'Resource')} {name} was last backed up {ago(age)} "
                             f"(more than {max_age} days)", observed)


@check(
    id="backup.jobs_succeeding",
    title="The latest backup job of every resource succeeded",
    service="backup",
    severity="medium",
    description="""For every resource with a backup job created in the last `days` days, the most recent finished
        job completed; one that failed, was aborted, expired before it could start or completed only partly is
        flagged. Resources with no job in the window get no finding (backup.recovery_points_recent sees
        those).""",
    remediation="""Read the job's StatusMessage (backup describe-backup-job), fix the cause (the IAM role,
        a KMS key policy, a start window that is too short, the resource type not opted in for the region)
        and alarm on failed jobs through Amazon EventBridge or the AWS/Backup metrics.""",
    reads=["backup:ListBackupJobs"],
    options={"days": 7},
)
def jobs_succeeding(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per resource that had a backup job in the window."""
    days = int(ctx.option("days"))
    jobs = ctx.call("backup", "ListBackupJobs", ByCreatedAfter=window_start(days),
                    required=("BackupJobs",)).get("BackupJobs", [])
    latest: dict[str, dict[str, Any]] = {}
    for job in jobs:
        arn = job.get("ResourceArn")
        created = as_datetime(job.get("CreationDate"))
        # A running job says nothing yet; a parent job only groups its children.
        if not arn or created is None or job.get("IsParent") or job.get("State") not in FINISHED:
            continue
        if arn not in latest or created > as_datetime(latest[arn]["CreationDate"]):
            latest[arn] = job
    for arn, job in sorted(latest.items()):
        state = job.get("State")
        name = job.get("ResourceName") or arn.rsplit("/", 1)[-1].rsplit(":", 1)[-1]
        observed = {"resource_type": job.get("ResourceType"), "job_id": job.get("BackupJobId"), "state": state,
                    "created": iso(as_datetime(job.get("CreationDate"))), "vault": job.get("BackupVaultName"),
                    "status_message": job.get("StatusMessage"), "days": days}
        if state in FAILED_STATES:
            yield ctx.failed(arn, f"The latest backup job of {name} is {state}"
                             + (f": {job['StatusMessage']}" if job.get("StatusMessage") else ""), observed)
        else:
            yield ctx.passed(arn, f"The latest finished backup job of {name} completed", observed)
