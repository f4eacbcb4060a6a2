"""Service quotas that stop workloads from growing: usage against the quota, and alarms on quota usage."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from checks._dates import window_start
from scanner.api import CheckContext, Finding, NotAssessed, check

# The regional quotas that most often stop a launch or a scale-out (Service Quotas codes, as listed by
# service-quotas list-service-quotas). Each publishes its usage in the AWS/Usage CloudWatch namespace.
DEFAULT_QUOTAS = [
    "ec2/L-1216C47A",  # Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances, vCPUs
    "ec2/L-34B43A08",  # All Standard Spot Instance Requests, vCPUs
    "ec2/L-0263D0A3",  # EC2-VPC Elastic IPs
    "vpc/L-F678F1CE",  # VPCs per Region
    "lambda/L-B99A9384",  # Concurrent executions
    "rds/L-7B6409FD",  # DB instances
    "elasticloadbalancing/L-53DA6B97",  # Application Load Balancers per Region
]


def _specs(value: Any) -> list[tuple[str, str]]:
    items = value.split(",") if isinstance(value, str) else list(value)
    out = []
    for item in items:
        service, _, code = str(item).strip().partition("/")
        if service and code:
            out.append((service, code))
    return out


def _query(index: int, metric: dict[str, Any]) -> dict[str, Any]:
    dimensions = [{"Name": k, "Value": v} for k, v in sorted(metric.get("MetricDimensions", {}).items())]
    return {"Id": f"q{index}", "ReturnData": True, "MetricStat": {
        "Metric": {"Namespace": metric["MetricNamespace"], "MetricName": metric["MetricName"],
                   "Dimensions": dimensions},
        "Period": 3600, "Stat": metric.get("MetricStatisticRecommendation") or "Maximum"}}


@check(
    id="servicequotas.usage_headroom",
    title="Usage stays well below the service quotas that bite",
    service="service-quotas",
    severity="high",
    effort="low",
    description="""For each quota in `quotas` (service/quota-code; by default On-Demand and Spot vCPUs, Elastic
        IPs, VPCs, Lambda concurrency, RDS instances and Application Load Balancers), the highest hourly usage
        of the last day (the quota's own AWS/Usage metric) is below `max_percent` of the applied quota value,
        so a scale-out, a failover or a deployment that doubles capacity does not hit the quota. Quotas that
        publish no usage metric are not reported.""",
    remediation="""Request an increase well before the quota is reached (service-quotas
        request-service-quota-increase), sized for failover and deployment peaks, in every region the workload
        can fail over to; alarm on the usage metric with the SERVICE_QUOTA() metric-math function.""",
    reads=["service-quotas:GetServiceQuota", "cloudwatch:GetMetricData"],
    options={"quotas": DEFAULT_QUOTAS, "max_percent": 80},
)
def usage_headroom(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per quota with a usage metric."""
    limit = float(ctx.option("max_percent"))

    def read(spec: tuple[str, str]) -> dict[str, Any] | NotAssessed | None:
        try:
            answer = ctx.call("service-quotas", "GetServiceQuota", ServiceCode=spec[0], QuotaCode=spec[1],
                              absent=("NoSuchResourceException",), required=("Quota",))
        except NotAssessed as exc:
            return exc
        return (answer or {}).get("Quota")

    quotas = []
    for spec, quota in zip(_specs(ctx.option("quotas")), ctx.map(read, _specs(ctx.option("quotas"))), strict=True):
        if isinstance(quota, NotAssessed):
            yield ctx.not_assessed(ctx.arn("servicequotas", f"{spec[0]}/{spec[1]}"), quota)
        elif quota and quota.get("UsageMetric", {}).get("MetricName"):
            quotas.append(quota)
    if not quotas:
        return
    end = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    try:
        results = ctx.call("cloudwatch", "GetMetricData", StartTime=window_start(1), EndTime=end,
                           required=("MetricDataResults",),
                           MetricDataQueries=[_query(i, q["UsageMetric"]) for i, q in enumerate(quotas)])
    except NotAssessed as exc:
        for quota in quotas:
            yield ctx.not_assessed(_arn(ctx, quota), exc)
        return
    peaks = {r["Id"]: max(r.get("Values") or [0.0]) for r in results.get("MetricDataResults", [])}
    for i, quota in enumerate(quotas):
        value, used = quota.get("Value"), peaks.get(f"q{i}", 0.0)
        name = f"{quota.get('ServiceCode')} {quota.get('QuotaName', quota['QuotaCode'])}"
        percent = round(100 * used / value, 1) if value else None
        observed = {"service": quota.get("ServiceCode"), "quota_code": quota["QuotaCode"],
                    "quota_name": quota.get("QuotaName"), "quota_value": value, "peak_usage_last_day": used,
                    "percent_used": percent, "max_percent": limit, "adjustable": quota.get("Adjustable")}
        if percent is None:
            continue  # a quota of 0 that nothing uses (a service the account does not use here)
        if percent >= limit:
            yield ctx.failed(_arn(ctx, quota), f"{name}: peak usage {used:g} of {value:g} ({percent}%) in the last "
                             f"day, at or above {limit:g}%", observed)
        else:
            yield ctx.passed(_arn(ctx, quota), f"{name}: peak usage {used:g} of {value:g} ({percent}%) in the last "
                             "day", observed)


def _arn(ctx: CheckContext, quota: dict[str, Any]) -> str:
    return quota.get("QuotaArn") or ctx.arn("servicequotas", f"{quota.get('ServiceCode')}/{quota['QuotaCode']}")


def _watches_quota(alarm: dict[str, Any]) -> bool:
    if alarm.get("Namespace") == "AWS/Usage":
        return True
    for metric in alarm.get("Metrics", []):
        if (metric.get("MetricStat") or {}).get("Metric", {}).get("Namespace") == "AWS/Usage":
            return True
        if "SERVICE_QUOTA" in (metric.get("Expression") or "").upper():
            return True
    return False


@check(
    id="servicequotas.usage_alarmed",
    title="An alarm watches quota usage",
    service="service-quotas",
    severity="medium",
    effort="low",
    description="""At least one CloudWatch alarm in the region watches an AWS/Usage metric (directly or through
        the SERVICE_QUOTA() metric-math function) and has an alarm action, so approaching a quota pages
        someone before it stops a launch. Quota monitoring outside CloudWatch (Trusted Advisor, a quota
        monitor solution in another account) is not visible to this check.""",
    remediation="""Create an alarm per critical quota from the Service Quotas console (Create alarm on the
        quota page) or with metric math: usage / SERVICE_QUOTA(usage) * 100 above 80, notifying the team
        that can request an increase.""",
    reads=["cloudwatch:DescribeAlarms"],
)
def usage_alarmed(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per region."""
    # Same parameters as cloudwatch.alarms_have_actions, so the scan reads the alarms once per region.
    answer = ctx.call("cloudwatch", "DescribeAlarms", AlarmTypes=["CompositeAlarm", "MetricAlarm"],
                      required=("MetricAlarms",))
    alarms = [a for a in answer.get("MetricAlarms", []) if _watches_quota(a)]
    acting = [a["AlarmName"] for a in alarms if a.get("AlarmActions")]
    observed = {"quota_alarms": [a["AlarmName"] for a in alarms], "with_actions": acting}
    resource = ctx.account_resource()
    if acting:
        yield ctx.passed(resource, f"{len(acting)} alarm(s) with an action watch quota usage in {ctx.region}",
                         observed)
    elif alarms:
        yield ctx.failed(resource, f"{len(alarms)} alarm(s) watch quota usage in {ctx.region} but none has an "
                         "action", observed)
    else:
        yield ctx.failed(resource, f"No CloudWatch alarm watches an AWS/Usage metric in {ctx.region}", observed)
