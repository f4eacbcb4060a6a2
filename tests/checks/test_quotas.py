"""servicequotas.usage_headroom (moto knows only VPC quotas: quotas and usage are served from the request)
and servicequotas.usage_alarmed (moto keeps alarms)."""

from __future__ import annotations

from tests.checks.answers import Refuse, answering
from tests.helpers import assert_denied, by_resource, deny, statuses

QUOTAS = {
    ("ec2", "L-1216C47A"): ("Running On-Demand Standard instances", 64.0, 60.0),
    ("vpc", "L-F678F1CE"): ("VPCs per Region", 5.0, 2.0),
    ("lambda", "L-B99A9384"): ("Concurrent executions", 1000.0, None),  # no usage metric published
}


def _quota(params):
    key = (params["ServiceCode"], params["QuotaCode"])
    if key not in QUOTAS:
        raise Refuse("NoSuchResourceException", 404)
    name, value, _ = QUOTAS[key]
    quota = {"ServiceCode": key[0], "QuotaCode": key[1], "QuotaName": name, "Value": value,
             "QuotaArn": f"arn:aws:servicequotas:us-east-1:123456789012:{key[0]}/{key[1]}", "Adjustable": True}
    if QUOTAS[key][2] is not None:
        quota["UsageMetric"] = {"MetricNamespace": "AWS/Usage", "MetricName": "ResourceCount",
                                "MetricDimensions": {"Service": key[0].upper(), "Resource": key[1]},
                                "MetricStatisticRecommendation": "Maximum"}
    return {"Quota": quota}


def _usage(params):
    out = []
    for query in params["MetricDataQueries"]:
        resource = query["MetricStat"]["Metric"]["Dimensions"][0]["Value"]
        peak = next(u for (s, c), (_, _, u) in QUOTAS.items() if c == resource)
        out.append({"Id": query["Id"], "Values": [peak / 2, peak], "StatusCode": "Complete"})
    return {"MetricDataResults": out}


OPTIONS = {"servicequotas.usage_headroom": {"quotas": "ec2/L-1216C47A,vpc/L-F678F1CE,lambda/L-B99A9384,rds/L-NOPE"}}


def test_quota_near_its_limit_fails(aws, scan):
    result = scan(["servicequotas.usage_headroom"], options=OPTIONS, prepare=answering(
        ("service-quotas", "GetServiceQuota", _quota), ("cloudwatch", "GetMetricData", _usage)))

    assert statuses(result) == {"arn:aws:servicequotas:us-east-1:123456789012:ec2/L-1216C47A": "fail",
                                "arn:aws:servicequotas:us-east-1:123456789012:vpc/L-F678F1CE": "pass"}
    vcpu = by_resource(result, "L-1216C47A")
    assert vcpu.evidence.observed["percent_used"] == 93.8 and "93.8%" in vcpu.message


def test_quota_read_denied(aws, scan):
    def refuse(params):
        raise Refuse("AccessDeniedException")

    result = scan(["servicequotas.usage_headroom"], options=OPTIONS,
                  prepare=answering(("service-quotas", "GetServiceQuota", refuse)))
    assert len(result.findings) == 4
    assert_denied(result, "servicequotas:GetServiceQuota")


def test_usage_read_denied(aws, scan):
    result = scan(["servicequotas.usage_headroom"], options=OPTIONS, prepare=lambda t: (
        answering(("service-quotas", "GetServiceQuota", _quota))(t), deny("cloudwatch", "get_metric_data")(t)))
    assert len(result.findings) == 2
    assert_denied(result, "cloudwatch:GetMetricData")


def _alarm(cw, name, namespace, actions):
    cw.put_metric_alarm(AlarmName=name, Namespace=namespace, MetricName="ResourceCount", Statistic="Maximum",
                        Period=300, EvaluationPeriods=1, Threshold=50, ComparisonOperator="GreaterThanThreshold",
                        AlarmActions=actions)


def test_quota_alarm_with_action_passes(aws, scan):
    topic = aws.client("sns", region_name="us-east-1").create_topic(Name="quota")["TopicArn"]
    _alarm(aws.client("cloudwatch", region_name="us-east-1"), "vcpu-quota", "AWS/Usage", [topic])
    _alarm(aws.client("cloudwatch", region_name="eu-west-1"), "silent-quota", "AWS/Usage", [])
    _alarm(aws.client("cloudwatch", region_name="eu-west-1"), "cpu", "AWS/EC2", [])

    result = scan(["servicequotas.usage_alarmed"], regions=("us-east-1", "eu-west-1", "eu-central-1"))

    status = {f.region: f.status.value for f in result.findings}
    assert status == {"us-east-1": "pass", "eu-west-1": "fail", "eu-central-1": "fail"}
    assert "none has an action" in [f for f in result.findings if f.region == "eu-west-1"][0].message


def test_alarms_denied(aws, scan):
    result = scan(["servicequotas.usage_alarmed"], prepare=deny("cloudwatch", "describe_alarms"))
    assert_denied(result, "cloudwatch:DescribeAlarms")
