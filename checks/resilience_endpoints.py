"""Public endpoints stay reachable when one host fails, and load balancer target health is watched by alarms."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from checks._route53 import health_aware, judge_zones
from scanner.api import CheckContext, Finding, check

# DNS names of AWS front doors that spread traffic over several zones or edge locations and route around
# unhealthy capacity themselves: load balancers, CloudFront, Global Accelerator, API Gateway, S3 websites.
MANAGED_FRONT_DOORS = re.compile(
    r"(\.elb\.amazonaws\.com|\.cloudfront\.net|\.awsglobalaccelerator\.com|\.execute-api\.[a-z0-9-]+\.amazonaws\.com"
    r"|s3-website[.-][a-z0-9.-]*amazonaws\.com|\.elasticbeanstalk\.com)\.?$",
    re.IGNORECASE,
)
ADDRESS_TYPES = ("A", "AAAA")

# Metrics that say how many targets behind a load balancer fail their health check.
HEALTH_METRICS = frozenset({"UnHealthyHostCount", "HealthyHostCount"})
ELB_NAMESPACES = frozenset({"AWS/ApplicationELB", "AWS/NetworkELB", "AWS/GatewayELB"})


def classify(record: dict[str, Any]) -> str | None:
    """How a record keeps its name answering: "front_door", "health_checked", "fixed" or None (not judged)."""
    alias = (record.get("AliasTarget") or {}).get("DNSName", "")
    if alias:
        if MANAGED_FRONT_DOORS.search(alias):
            return "front_door"
        return "health_checked" if record.get("HealthCheckId") else None  # an alias to another record
    if record.get("HealthCheckId"):
        return "health_checked"
    values = [v.get("Value", "") for v in record.get("ResourceRecords") or []]
    if record.get("Type") == "CNAME":
        # A CNAME to an AWS front door is as good as an alias; one to anything else is not ours to judge.
        return "front_door" if values and all(MANAGED_FRONT_DOORS.search(v) for v in values) else None
    if record.get("Type") in ADDRESS_TYPES and values:
        return "fixed"
    return None


@check(
    id="route53.public_endpoints_resilient",
    title="Public DNS names point at redundant front doors or health-checked addresses",
    service="route53",
    scope="global",
    severity="medium",
    effort="medium",
    description="""In every public hosted zone, each A, AAAA or CNAME record that names an endpoint either
        points at an AWS front door that routes around failed capacity itself (an alias or CNAME to a load
        balancer, CloudFront, Global Accelerator, API Gateway or an S3 website), or carries a Route 53 health
        check so DNS stops answering with an address that no longer works. A record that hands out fixed IP
        addresses without a health check fails: when that host or its zone goes down, clients keep being sent
        to it. CNAMEs to names outside AWS and aliases to other records of the zone are not judged.""",
    remediation="""Put the endpoint behind a load balancer spanning several Availability Zones, CloudFront or
        Global Accelerator and alias the name to it; where a fixed address must stay, attach a health check and
        a failover or multivalue routing policy with a second address.""",
    reads=["route53:ListHostedZones", "route53:ListResourceRecordSets"],
)
def public_endpoints_resilient(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per public hosted zone that names endpoints."""
    def judge(zone: dict[str, Any], arn: str, name: str, records: list[dict[str, Any]]) -> Finding | None:
        # Records of one name and type form one answer: a failover pair needs a health check on its primary
        # only, so a name is health-checked when any of its records is.
        groups: dict[tuple[str, str], set[str]] = {}
        for record in records:
            kind = classify(record)
            if kind:
                groups.setdefault((record["Name"].rstrip("."), record.get("Type", "")), set()).add(kind)
        kinds: dict[str, list[str]] = {"front_door": [], "health_checked": [], "fixed": []}
        for (record_name, _), found in groups.items():
            kind = "health_checked" if "health_checked" in found else "fixed" if "fixed" in found else "front_door"
            kinds[kind].append(record_name)
        if not any(kinds.values()):
            return None
        observed = {"zone": name, **{k: sorted(set(v))[:20] for k, v in kinds.items()},
                    "counts": {k: len(v) for k, v in kinds.items()}}
        if kinds["fixed"]:
            fixed = sorted(set(kinds["fixed"]))
            return ctx.failed(arn, f"Hosted zone {name} answers {len(fixed)} name(s) with fixed addresses and no "
                              f"health check ({', '.join(fixed[:3])})", observed)
        return ctx.passed(arn, f"Hosted zone {name}: {len(kinds['front_door'])} name(s) point at AWS front doors "
                          f"and {len(kinds['health_checked'])} are health-checked", observed)

    yield from judge_zones(ctx, judge, public_only=True)


def _alarm_metrics(alarm: dict[str, Any]) -> list[dict[str, Any]]:
    """The metric an alarm watches, or every metric of a metric-math alarm."""
    return [alarm] + [(m.get("MetricStat") or {}).get("Metric") or {} for m in alarm.get("Metrics") or []]


def health_alarms(alarms: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Load balancer dimension value (app/name/id) -> names of alarms on its targets' health."""
    out: dict[str, list[str]] = {}
    for alarm in alarms:
        for metric in _alarm_metrics(alarm):
            if metric.get("MetricName") in HEALTH_METRICS and metric.get("Namespace") in ELB_NAMESPACES:
                for dim in metric.get("Dimensions") or []:
                    if dim.get("Name") == "LoadBalancer":
                        out.setdefault(dim.get("Value", ""), []).append(alarm["AlarmName"])
    return out


@check(
    id="elb.target_health_alarmed",
    title="An alarm watches the health of each load balancer's targets",
    service="elbv2",
    severity="medium",
    effort="low",
    description="""Every Application, Network or Gateway Load Balancer has a CloudWatch alarm on its
        UnHealthyHostCount or HealthyHostCount metric, so a failing component behind it is noticed by the
        team or by automation, not only routed around silently. Classic Load Balancers and monitoring
        outside CloudWatch are not seen.""",
    remediation="""Create an alarm per load balancer (and target group) on UnHealthyHostCount > 0 or
        HealthyHostCount below the capacity the workload needs, with an SNS or incident action.""",
    reads=["elbv2:DescribeLoadBalancers", "cloudwatch:DescribeAlarms"],
)
def target_health_alarmed(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per load balancer."""
    balancers = ctx.call("elbv2", "DescribeLoadBalancers", required=("LoadBalancers",)).get("LoadBalancers", [])
    if not balancers:
        return
    # Same parameters as cloudwatch.alarms_have_actions, so the scan reads the alarms once per region.
    answer = ctx.call("cloudwatch", "DescribeAlarms", AlarmTypes=["CompositeAlarm", "MetricAlarm"],
                      required=("MetricAlarms",))
    watched = health_alarms(answer.get("MetricAlarms", []))
    for lb in balancers:
        arn, name = lb["LoadBalancerArn"], lb.get("LoadBalancerName", lb["LoadBalancerArn"])
        # CloudWatch names a load balancer by the tail of its ARN: app/<name>/<id> or net/<name>/<id>.
        dimension = arn.split(":loadbalancer/", 1)[-1]
        alarms = sorted(set(watched.get(dimension, [])))
        observed = {"load_balancer": name, "type": lb.get("Type"), "dimension": dimension, "alarms": alarms}
        if alarms:
            yield ctx.passed(arn, f"Load balancer {name}: target health is watched by {', '.join(alarms[:3])}",
                             observed)
        else:
            yield ctx.failed(arn, f"Load balancer {name} has no alarm on its targets' health", observed)


@check(
    id="route53.dns_failover_automated",
    title="DNS failover to the standby switches by itself",
    service="route53",
    scope="global",
    severity="medium",
    effort="low",
    description="""Every name a hosted zone answers with failover routing has a PRIMARY record whose health
        Route 53 evaluates (a health check, or an alias that evaluates its target's health) and a SECONDARY
        record to fail over to. A PRIMARY without health evaluation is always treated as healthy, so the
        standby never receives traffic unless someone edits DNS during the outage. Zones without failover
        records give no finding; recovery automated by other means (Global Accelerator, Elastic Disaster
        Recovery, ARC) is judged elsewhere. The zones' records are the same reads as
        route53.health_checks_exist.""",
    remediation="""Attach a health check that tests the primary endpoint end to end (or set
        EvaluateTargetHealth on its alias), make sure a SECONDARY record exists for the name, and alarm on
        the health check.""",
    reads=["route53:ListHostedZones", "route53:ListResourceRecordSets"],
)
def dns_failover_automated(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per hosted zone with failover records."""
    def judge(zone: dict[str, Any], arn: str, name: str, records: list[dict[str, Any]]) -> Finding | None:
        pairs: dict[str, dict[str, dict[str, Any]]] = {}
        for record in records:
            if record.get("Failover") in ("PRIMARY", "SECONDARY"):
                pairs.setdefault(record["Name"].rstrip("."), {})[record["Failover"]] = record
        if not pairs:
            return None
        automatic = sorted(n for n, p in pairs.items() if "SECONDARY" in p and health_aware(p.get("PRIMARY", {})))
        manual = sorted(n for n, p in pairs.items() if "PRIMARY" in p and not health_aware(p["PRIMARY"]))
        incomplete = sorted(set(pairs) - set(automatic) - set(manual))
        observed = {"zone": name, "automatic": automatic[:20], "primary_not_health_checked": manual[:20],
                    "missing_primary_or_secondary": incomplete[:20]}
        if manual:
            return ctx.failed(arn, f"Hosted zone {name}: failover for {', '.join(manual[:3])} never triggers by "
                              "itself (the PRIMARY record has no health check)", observed)
        if incomplete:
            return ctx.failed(arn, f"Hosted zone {name}: {', '.join(incomplete[:3])} has only one side of a "
                              "failover pair", observed)
        return ctx.passed(arn, f"Hosted zone {name} fails {len(automatic)} name(s) over to their standby on a "
                          "failed health check", observed)

    yield from judge_zones(ctx, judge)
