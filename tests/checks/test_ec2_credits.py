"""ec2.burstable_credits_ok: CloudWatch metrics seeded with PutMetricData."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from checks.ec2_credits import is_burstable
from tests.helpers import assert_demo_shows_pass_and_fail, by_resource, deny

CHECK = "ec2.burstable_credits_ok"


def _run(aws, *types: str) -> list[str]:
    ec2 = aws.client("ec2", region_name="us-east-1")
    image = ec2.register_image(Name="img", RootDeviceName="/dev/xvda")["ImageId"]
    return [ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, InstanceType=t)["Instances"][0]["InstanceId"]
            for t in types]


def _metric(aws, iid: str, name: str, values_by_hours_ago: dict[int, float]) -> None:
    now = datetime.now(UTC)
    aws.client("cloudwatch", region_name="us-east-1").put_metric_data(Namespace="AWS/EC2", MetricData=[
        {"MetricName": name, "Dimensions": [{"Name": "InstanceId", "Value": iid}], "Value": value,
         "Timestamp": now - timedelta(hours=hours)} for hours, value in values_by_hours_ago.items()])


def test_balance_surplus_and_missing_data(aws, scan):
    healthy, drained, charged, silent, fixed = _run(aws, "t3.micro", "t3.small", "t4g.medium", "t2.micro",
                                                    "m5.large")
    _metric(aws, healthy, "CPUCreditBalance", {3: 140.0, 30: 96.5, 60: 120.0})
    _metric(aws, drained, "CPUCreditBalance", {3: 12.0, 30: 0.0})
    _metric(aws, charged, "CPUCreditBalance", {5: 30.0})
    _metric(aws, charged, "CPUSurplusCreditsCharged", {5: 4.5})
    _metric(aws, healthy, "CPUCreditBalance", {24 * 20: 0.0})  # outside the 7-day window

    result = scan([CHECK])

    ok = by_resource(result, healthy)
    assert ok.status == "pass" and ok.evidence.observed["min_credit_balance"] == 96.5
    low = by_resource(result, drained)
    assert low.status == "fail" and "fell to 0" in low.message
    billed = by_resource(result, charged)
    assert billed.status == "fail" and billed.evidence.observed["surplus_credits_charged"] == 4.5
    unknown = by_resource(result, silent)
    assert unknown.status == "not_assessed" and unknown.reason.value == "not_enabled"
    assert "cloudwatch:GetMetricData" in unknown.evidence.source
    assert not [f for f in result.findings if fixed in f.resource]
    assert not result.partial
    assert result.api_calls["by_operation"]["cloudwatch:GetMetricData"] == 1  # one request for the region

    strict = scan([CHECK], options={CHECK: {"min_credit_balance": 100.0}})
    assert by_resource(strict, healthy).status == "fail"


def test_burstable_types():
    assert all(is_burstable(t) for t in ("t2.nano", "t3.micro", "t3a.large", "t4g.2xlarge"))
    assert not any(is_burstable(t) for t in ("t1.micro", "m5.large", "trn1.2xlarge"))


def test_metrics_denied_is_not_assessed(aws, scan):
    _run(aws, "t3.micro")

    prepare = deny("cloudwatch", "get_metric_data", code="AccessDenied", status=403)

    (finding,) = scan([CHECK], prepare=prepare).findings
    assert finding.status == "not_assessed" and finding.missing_permission == "cloudwatch:GetMetricData"


def test_demo_shows_pass_and_fail(demo_scan):
    doc, _ = demo_scan
    assert_demo_shows_pass_and_fail(doc, "ec2.burstable_credits_ok", not_assessed_ok=("ec2.burstable_credits_ok",))
    # The Auto Scaling instances the reliability seed launches after ours have no credit history yet.
    assert {f["reason"] for f in doc["findings"] if f["check"] == "ec2.burstable_credits_ok"
            and f["status"] == "not_assessed"} <= {"not_enabled"}
