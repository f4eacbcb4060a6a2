"""cloudwatch.alarms_have_actions: moto keeps metric and composite alarms with their actions."""

from __future__ import annotations

from botocore.stub import Stubber

from tests.helpers import by_resource, deny

CHECK = "cloudwatch.alarms_have_actions"
TOPIC = "arn:aws:sns:us-east-1:123456789012:on-call"


def _alarm(cw, name: str, **kw) -> None:
    cw.put_metric_alarm(AlarmName=name, MetricName="5XXError", Namespace="AWS/ApiGateway", Statistic="Sum",
                        Period=60, EvaluationPeriods=1, Threshold=5, ComparisonOperator="GreaterThanThreshold",
                        **kw)


def test_alarms_with_and_without_actions(aws, scan):
    cw = aws.client("cloudwatch", region_name="us-east-1")
    _alarm(cw, "api-errors", AlarmActions=[TOPIC])
    _alarm(cw, "silent")
    _alarm(cw, "muted", AlarmActions=[TOPIC], ActionsEnabled=False)

    result = scan([CHECK], regions=["us-east-1", "eu-west-1"])

    assert by_resource(result, "alarm:api-errors").status == "pass"
    silent = by_resource(result, "alarm:silent")
    assert silent.status == "fail" and silent.evidence.observed["alarm_actions"] == []
    muted = by_resource(result, "alarm:muted")
    assert muted.status == "fail" and "disabled" in muted.message
    empty = by_resource(result, "cloudwatch:eu-west-1:123456789012:account")
    assert empty.status == "fail" and empty.message == "No CloudWatch alarm exists in eu-west-1"


def test_child_of_acting_composite_alarm_passes(aws, scan):
    # moto has no composite alarms: serve the answer through the real service model.
    base = {"StateValue": "OK", "StateUpdatedTimestamp": "2024-01-01T00:00:00Z"}
    metric = {"MetricName": "Errors", "Namespace": "App", "Statistic": "Sum", "Period": 60,
              "EvaluationPeriods": 1, "Threshold": 1.0, "ComparisonOperator": "GreaterThanThreshold"}

    def alarm(name: str, actions: list[str], **kw) -> dict:
        return {"AlarmName": name, "AlarmArn": f"arn:aws:cloudwatch:us-east-1:123456789012:alarm:{name}",
                "ActionsEnabled": True, "AlarmActions": actions, **base, **kw}

    def prepare(target):
        stub = Stubber(target.collector.client("cloudwatch", "us-east-1"))
        stub.add_response("describe_alarms", {
            "MetricAlarms": [alarm("child", [], **metric), alarm("orphan", [], **metric)],
            "CompositeAlarms": [alarm("service-down", [TOPIC], AlarmRule='ALARM("child") OR OK(other)')]},
            {"AlarmTypes": ["CompositeAlarm", "MetricAlarm"]})
        stub.activate()

    result = scan([CHECK], prepare=prepare)

    child = by_resource(result, "alarm:child")
    assert child.status == "pass" and child.evidence.observed["via_composite"] == "service-down"
    assert by_resource(result, "alarm:orphan").status == "fail"
    composite = by_resource(result, "alarm:service-down")
    assert composite.status == "pass" and composite.evidence.observed["type"] == "composite"


def test_denied_is_not_assessed_never_empty(aws, scan):
    prepare = deny("cloudwatch", "describe_alarms", code="AccessDenied", status=403)

    result = scan([CHECK], prepare=prepare)

    [finding] = result.findings
    assert finding.status == "not_assessed" and finding.missing_permission == "cloudwatch:DescribeAlarms"
