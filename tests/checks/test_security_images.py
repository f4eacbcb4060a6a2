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
