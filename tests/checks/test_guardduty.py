"""guardduty.enabled per region."""

from __future__ import annotations

from tests.helpers import statuses

CHECK = "guardduty.enabled"


def test_enabled_missing_and_suspended(aws, scan):
    aws.client("guardduty", region_name="us-east-1").create_detector(Enable=True)
    aws.client("guardduty", region_name="eu-central-1").create_detector(Enable=False)

    result = scan([CHECK], regions=["us-east-1", "eu-west-1", "eu-central-1"])

    by_region = {f.region: f for f in result.findings}
    assert by_region["us-east-1"].status == "pass"
    assert by_region["us-east-1"].resource == "arn:aws:guardduty:us-east-1:123456789012:account"
    assert by_region["eu-west-1"].status == "fail"
    assert "no detector" in by_region["eu-west-1"].message
    assert by_region["eu-central-1"].status == "fail"
    assert by_region["eu-central-1"].evidence.observed["detectors"][0]["status"] == "DISABLED"
    assert len(statuses(result)) == 3
