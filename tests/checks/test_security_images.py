"""ec2.allowed_images_enforced (served: moto lacks GetAllowedImagesSettings)."""

from __future__ import annotations

from tests.checks.answers import answering
from tests.helpers import assert_denied, deny

CHECK = "ec2.allowed_images_enforced"


def _settings(state, **extra):
    return answering(("ec2", "GetAllowedImagesSettings", lambda params: {"State": state, **extra}))


def test_enabled_passes_audit_and_disabled_fail(aws, scan):
    criteria = [{"ImageProviders": ["123456789012", "amazon"],
                 "CreationDateCondition": {"MaximumDaysSinceCreated": 90}}]

    [enabled] = scan([CHECK], prepare=_settings("enabled", ImageCriteria=criteria, ManagedBy="account")).findings
    [audit] = scan([CHECK], prepare=_settings("audit-mode", ImageCriteria=criteria)).findings
    [off] = scan([CHECK], prepare=_settings("disabled")).findings

    assert enabled.status == "pass" and enabled.resource == "arn:aws:ec2:us-east-1:123456789012:account"
    assert enabled.evidence.observed["criteria"] == [{"ImageProviders": ["123456789012", "amazon"],
                                                      "conditions": ["CreationDateCondition"]}]
    assert audit.status == "fail" and "only audits" in audit.message
    assert off.status == "fail" and off.evidence.observed["state"] == "disabled"


def test_denied_is_not_assessed(aws, scan):
    assert_denied(scan([CHECK], prepare=deny("ec2", "get_allowed_images_settings", code="UnauthorizedOperation",
                                             status=403)), "ec2:GetAllowedImagesSettings")


PIPELINES = "imagebuilder.pipelines_scheduled"


def _pipelines(*rows):
    return ("imagebuilder", "ListImagePipelines", lambda params: {"imagePipelineList": [
        {"arn": f"arn:aws:imagebuilder:us-east-1:123456789012:image-pipeline/{name}", "name": name, "status": status,
         **({"schedule": {"scheduleExpression": cron}} if cron else {}), **({"lastRunStatus": last} if last else {})}
        for name, status, cron, last in rows]})


def _instance(aws):
    aws.client("ec2").run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, InstanceType="t3.micro")


def test_scheduled_pipeline_passes_and_others_fail(aws, scan):
    _instance(aws)
    weekly = ("base-al2023", "ENABLED", "cron(0 3 ? * MON *)", "AVAILABLE")

    [ok] = scan([PIPELINES], prepare=answering(_pipelines(weekly, ("manual", "ENABLED", None, None)))).findings
    [failing] = scan([PIPELINES], prepare=answering(_pipelines(("base", "ENABLED", "rate(7 days)", "FAILED"))))\
        .findings
    [off] = scan([PIPELINES], prepare=answering(_pipelines(("base", "DISABLED", "rate(7 days)", None)))).findings
    [none] = scan([PIPELINES], prepare=answering(_pipelines())).findings

    assert ok.status == "pass" and ok.evidence.observed["pipelines"][0]["schedule"] == "cron(0 3 ? * MON *)"
    assert failing.status == "fail" and "failed its last run" in failing.message
    assert off.status == "fail" and "enabled with a schedule" in off.message
    assert none.status == "fail" and "no Image Builder pipeline" in none.message


def test_region_without_instances_is_skipped(aws, scan):
    assert scan([PIPELINES], prepare=answering(_pipelines())).findings == []


def test_pipelines_denied_is_not_assessed(aws, scan):
    _instance(aws)
    assert_denied(scan([PIPELINES], prepare=deny("imagebuilder", "list_image_pipelines")),
                  "imagebuilder:ListImagePipelines")
