"""backup.recovery_points_recent, backup.jobs_succeeding and backup.restore_tested: moto lacks protected
resources, jobs and restore testing, so their answers are served from the request."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.checks.answers import answering
from tests.helpers import assert_denied, by_resource, deny, statuses

NOW = datetime.now(UTC)
FRESH = "arn:aws:rds:us-east-1:123456789012:db:orders"
STALE = "arn:aws:ec2:us-east-1:123456789012:volume/vol-0stale"


def _protected(*items):
    return ("backup", "ListProtectedResources", lambda p: {"Results": list(items)})


def _resource(arn, kind, days):
    return {"ResourceArn": arn, "ResourceType": kind, "LastBackupTime": NOW - timedelta(days=days, hours=1)}


def test_recent_recovery_point_passes_stale_fails(aws, scan):
    result = scan(["backup.recovery_points_recent"],
                  prepare=answering(_protected(_resource(FRESH, "RDS", 0), _resource(STALE, "EBS", 9))))

    assert statuses(result) == {FRESH: "pass", STALE: "fail"}
    stale = by_resource(result, "vol-0stale")
    assert stale.evidence.observed["age_days"] == 9 and "9 days ago" in stale.message


def test_threshold_is_an_option(aws, scan):
    result = scan(["backup.recovery_points_recent"], options={"backup.recovery_points_recent": {"max_age_days": 10}},
                  prepare=answering(_protected(_resource(STALE, "EBS", 9))))
    assert statuses(result) == {STALE: "pass"}


def test_protected_resources_denied(aws, scan):
    result = scan(["backup.recovery_points_recent"], prepare=deny("backup", "list_protected_resources"))
    assert_denied(result, "backup:ListProtectedResources")
    result = scan(["backup.restore_tested"], prepare=deny("backup", "list_protected_resources",
                                                          before=[("list_restore_testing_plans",
                                                                   {"RestoreTestingPlans": []})]))
    assert_denied(result, "backup:ListProtectedResources")


def _job(arn, state, hours_ago, message=None):
    job = {"BackupJobId": f"job-{arn[-4:]}-{hours_ago}", "ResourceArn": arn, "State": state,
           "CreationDate": NOW - timedelta(hours=hours_ago), "ResourceType": "EBS"}
    if message:
        job["StatusMessage"] = message
    return job


def test_latest_finished_job_decides(aws, scan):
    seen = {}

    def jobs(params):
        seen.update(params)
        return {"BackupJobs": [
            _job(FRESH, "FAILED", 50, "role missing"), _job(FRESH, "COMPLETED", 26), _job(FRESH, "RUNNING", 1),
            _job(STALE, "COMPLETED", 50), _job(STALE, "FAILED", 20, "KMS key disabled"),
        ]}

    result = scan(["backup.jobs_succeeding"], prepare=answering(("backup", "ListBackupJobs", jobs)))

    assert statuses(result) == {FRESH: "pass", STALE: "fail"}
    assert "KMS key disabled" in by_resource(result, "vol-0stale").message
    window = seen["ByCreatedAfter"]
    assert window.hour == 0 and 7 <= (NOW - window).days <= 8


def test_jobs_denied(aws, scan):
    result = scan(["backup.jobs_succeeding"], prepare=deny("backup", "list_backup_jobs"))
    assert_denied(result, "backup:ListBackupJobs")


def _plans(*plans):
    return ("backup", "ListRestoreTestingPlans", lambda p: {"RestoreTestingPlans": list(plans)})


def _plan(name, days_ago):
    plan = {"RestoreTestingPlanArn": f"arn:aws:backup:us-east-1:123456789012:restore-testing-plan:{name}",
            "RestoreTestingPlanName": name, "ScheduleExpression": "cron(0 1 ? * SUN *)",
            "CreationTime": NOW - timedelta(days=400)}
    if days_ago is not None:
        plan["LastExecutionTime"] = NOW - timedelta(days=days_ago)
    return plan


def _restores(*jobs):
    return ("backup", "ListRestoreJobs", lambda p: {"RestoreJobs": list(jobs)})


def test_restore_tested(aws, scan):
    done = {"RestoreJobId": "r-1", "Status": "COMPLETED", "ResourceType": "RDS", "ValidationStatus": "SUCCESSFUL",
            "CreationDate": NOW - timedelta(days=3)}
    result = scan(["backup.restore_tested"], prepare=answering(
        _plans(_plan("weekly", 5), _plan("stopped", 200), _plan("never", None)),
        _protected(_resource(FRESH, "RDS", 0)), _restores(done)))

    status = {f.resource.rsplit(":", 1)[-1]: f.status.value for f in result.findings}
    assert status == {"weekly": "pass", "stopped": "fail", "never": "fail", "account": "pass"}
    assert by_resource(result, ":account").evidence.observed["completed_by_type"] == {"RDS": 1}


def test_no_completed_restore_fails_and_failed_validation_does_not_count(aws, scan):
    invalid = {"RestoreJobId": "r-2", "Status": "COMPLETED", "ResourceType": "EBS", "ValidationStatus": "FAILED",
               "CreationDate": NOW - timedelta(days=3)}
    result = scan(["backup.restore_tested"], prepare=answering(
        _plans(), _protected(_resource(STALE, "EBS", 1)), _restores(invalid)))
    [finding] = result.findings
    assert finding.status == "fail" and finding.evidence.observed["failed_validation"] == 1


def test_nothing_backed_up_gives_no_region_finding(aws, scan):
    result = scan(["backup.restore_tested"], prepare=answering(_plans(), _protected(), _restores()))
    assert result.findings == []


def test_restore_jobs_denied(aws, scan):
    result = scan(["backup.restore_tested"], prepare=deny("backup", "list_restore_jobs", before=[
        ("list_restore_testing_plans", {"RestoreTestingPlans": []}),
        ("list_protected_resources", {"Results": [{"ResourceArn": FRESH, "ResourceType": "RDS"}]})]))
    assert_denied(result, "backup:ListRestoreJobs")
