"""Backups are proven restorable: restore testing plans run and restore jobs complete."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from checks._dates import as_datetime, iso, window_start
from checks._time import ago
from checks.backup_jobs import protected_resources
from scanner.api import CheckContext, Finding, NotAssessed, check


@check(
    id="backup.restore_tested",
    title="Backups are restored and validated regularly",
    service="backup",
    severity="high",
    description="""In every region where AWS Backup protects resources, at least one restore job completed in
        the last `days` days (a restore testing plan's job or a manual restore), and every AWS Backup restore
        testing plan has run in that window (one finding per plan). A restore job whose validation failed
        does not count. Restores made with other tools are not visible to this check.""",
    remediation="""Create an AWS Backup restore testing plan (backup create-restore-testing-plan) with
        selections for the resource types you depend on, a schedule, and a validation step that reports the
        result (backup put-restore-validation-result); compare the restore duration with your RTO.""",
    reads=["backup:ListProtectedResources", "backup:ListRestoreTestingPlans", "backup:ListRestoreJobs"],
    options={"days": 90},
)
def restore_tested(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per restore testing plan, then one for the region."""
    days = int(ctx.option("days"))
    since = window_start(days)
    now = datetime.now(UTC)
    plans = ctx.call("backup", "ListRestoreTestingPlans",
                     required=("RestoreTestingPlans",)).get("RestoreTestingPlans", [])
    for plan in plans:
        arn, name = plan["RestoreTestingPlanArn"], plan.get("RestoreTestingPlanName", plan["RestoreTestingPlanArn"])
        last = as_datetime(plan.get("LastExecutionTime"))
        observed = {"plan": name, "schedule": plan.get("ScheduleExpression"), "last_execution": iso(last),
                    "days": days}
        if last is not None and last >= since:
            yield ctx.passed(arn, f"Restore testing plan {name} last ran {ago((now - last).days)}", observed)
        elif last is not None:
            yield ctx.failed(arn, f"Restore testing plan {name} has not run in {days} days (last "
                             f"{ago((now - last).days)})", observed)
        else:
            yield ctx.failed(arn, f"Restore testing plan {name} has never run", observed)
    try:
        protected = protected_resources(ctx)
    except NotAssessed as exc:
        yield ctx.not_assessed(ctx.account_resource(), exc)
        return
    if not protected:
        return  # nothing is backed up here, so there is nothing to restore
    jobs = ctx.call("backup", "ListRestoreJobs", ByCreatedAfter=since, required=("RestoreJobs",)).get("RestoreJobs", [])
    completed = [j for j in jobs if j.get("Status") == "COMPLETED" and j.get("ValidationStatus") != "FAILED"]
    failed_validation = [j for j in jobs if j.get("ValidationStatus") == "FAILED"]
    by_type: dict[str, int] = {}
    for job in completed:
        by_type[job.get("ResourceType", "unknown")] = by_type.get(job.get("ResourceType", "unknown"), 0) + 1
    observed: dict[str, Any] = {
        "days": days, "protected_resources": len(protected), "restore_jobs": len(jobs),
        "completed_restores": len(completed), "completed_by_type": by_type,
        "failed_validation": len(failed_validation), "restore_testing_plans": len(plans),
        "protected_types": sorted({p.get("ResourceType", "unknown") for p in protected}),
    }
    account = ctx.account_resource()
    if completed:
        yield ctx.passed(account, f"{len(completed)} restore job(s) completed in {ctx.region} in the last "
                         f"{days} days ({', '.join(f'{n} {t}' for t, n in sorted(by_type.items()))})", observed)
    else:
        yield ctx.failed(account, f"No restore from AWS Backup completed in {ctx.region} in the last {days} days "
                         f"although {len(protected)} resource(s) are backed up there", observed)
