"""Performance features in use: compute accelerators, API caches, latency-based DNS, network performance
monitors, and alarms that remediate performance problems without a person."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from checks._apigateway import judge_stages
from checks._ec2 import instance_arn, instances
from checks._route53 import judge_zones
from scanner.api import CheckContext, Finding, NotAssessed, check

# Instance families built around GPUs, AWS Inferentia/Trainium chips, FPGAs or media accelerators.
ACCELERATED_FAMILY = re.compile(r"^(p\d|g\d|gr\d|inf\d|trn\d|f\d|dl\d|vt\d)[a-z-]*\.", re.IGNORECASE)
# Alarm actions that change the system rather than tell a person: Auto Scaling (EC2 and Application Auto
# Scaling policies), EC2 instance actions (recover, reboot, stop), and Lambda functions.
REMEDIATING_ACTION = re.compile(r"^arn:[^:]+:(autoscaling|automate|lambda):")


@check(
    id="ec2.accelerators_used",
    title="Workloads that need it run on hardware accelerators",
    service="ec2",
    severity="info",
    effort="high",
    description="""Running or stopped EC2 instances of accelerated families (GPU p and g, AWS Inferentia inf,
        AWS Trainium trn, FPGA f, Gaudi dl, video transcoding vt) are listed per region. A region without one
        gives no finding: most workloads need no accelerator. SageMaker endpoints and EKS or ECS capacity
        outside EC2 instances are not seen.""",
    remediation="""For machine learning inference and training, media or graphics work, compare accelerated
        instances (Inferentia, Trainium, GPU) with general-purpose ones on cost per result.""",
    reads=["ec2:DescribeInstances"],
)
def accelerators_used(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per accelerated instance."""
    for inst in instances(ctx):
        kind = inst.get("InstanceType", "")
        if ACCELERATED_FAMILY.match(kind):
            observed = {"instance_type": kind, "state": (inst.get("State") or {}).get("Name"),
                        "accelerators": [g.get("Type") for g in inst.get("ElasticGpuAssociations") or []] or None}
            yield ctx.passed(instance_arn(ctx, inst["InstanceId"]),
                             f"Instance {inst['InstanceId']} runs on accelerated type {kind}", observed)


@check(
    id="apigateway.stage_caching",
    title="REST API stages cache responses",
    service="apigateway",
    severity="info",
    effort="low",
    description="""Each API Gateway REST API stage has its response cache switched on (cacheClusterEnabled),
        so repeated reads are answered at the API without reaching the backend and its data store. A stage
        that only writes, or whose responses are personal, may rightly not cache: an uncached stage is
        reported for the team to confirm. Stages are the same per-API reads as apigateway.stages_throttled.""",
    remediation="""Enable the stage cache with a size and TTL that fit the read pattern, and cache per
        method only what is safe to share (method settings cachingEnabled, cache key parameters).""",
    reads=["apigateway:GetRestApis", "apigateway:GetStages"],
)
def stage_caching(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per REST API stage."""
    def judge(api: dict[str, Any], stage: dict[str, Any], arn: str) -> Finding:
        api_name, name = api.get("name", api["id"]), stage["stageName"]
        observed = {"api": api_name, "stage": name, "cache_enabled": bool(stage.get("cacheClusterEnabled")),
                    "cache_size_gb": stage.get("cacheClusterSize")}
        if stage.get("cacheClusterEnabled"):
            return ctx.passed(arn, f"API {api_name} stage {name} caches responses "
                              f"({stage.get('cacheClusterSize')} GB cache)", observed)
        return ctx.failed(arn, f"API {api_name} stage {name} has no response cache", observed)

    yield from judge_stages(ctx, judge)


@check(
    id="route53.latency_routing",
    title="DNS sends users to the nearest of several Regions",
    service="route53",
    scope="global",
    severity="info",
    effort="high",
    description="""A public hosted zone answers at least one name with latency-based or geoproximity records
        in two or more Regions, so each user reaches the Region closest in network terms. Zones without such
        records give no finding: a single-Region workload, or one fronted by CloudFront or Global Accelerator,
        needs none. The zones' records are the same reads as route53.health_checks_exist.""",
    remediation="""Where users are spread over continents, deploy the workload in Regions near them and answer
        its name with latency or geoproximity records, each with a health check.""",
    reads=["route53:ListHostedZones", "route53:ListResourceRecordSets"],
)
def latency_routing(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per public hosted zone that routes by latency or proximity."""
    def judge(zone: dict[str, Any], arn: str, name: str, records: list[dict[str, Any]]) -> Finding | None:
        by_name: dict[str, set[str]] = {}
        for record in records:
            where = record.get("Region") or (record.get("GeoProximityLocation") or {}).get("AWSRegion")
            if where:
                by_name.setdefault(record["Name"].rstrip("."), set()).add(where)
        if not by_name:
            return None
        spread = {n: sorted(r) for n, r in by_name.items() if len(r) >= 2}
        lone = {n: sorted(r) for n, r in by_name.items() if len(r) < 2}
        observed = {"zone": name, "names": dict(sorted(spread.items())[:20]),
                    "single_region_names": dict(sorted(lone.items())[:20])}
        if lone:
            # Latency or proximity records that all point at one Region choose nothing: a half-built setup.
            first, regions = next(iter(sorted(lone.items())))
            return ctx.failed(arn, f"Hosted zone {name} has latency or geoproximity records for {len(lone)} "
                              f"name(s) in one Region only ({first}: {regions[0]}), so users cannot be sent "
                              "elsewhere", observed)
        first, regions = next(iter(sorted(spread.items())))
        return ctx.passed(arn, f"Hosted zone {name} routes {len(spread)} name(s) to the nearest Region "
                          f"({first}: {', '.join(regions)})", observed)

    yield from judge_zones(ctx, judge, public_only=True)


@check(
    id="cloudwatch.network_performance_monitored",
    title="Network performance is measured by Internet Monitor or Network Monitor",
    service="internetmonitor",
    severity="info",
    effort="low",
    description="""The region has an active CloudWatch Internet Monitor monitor (latency and availability
        between the workload and its users' networks) or an active CloudWatch Network Monitor monitor (packet
        loss and latency to on-premises destinations), so network configuration can be tuned on measurements.
        Only regions that run EC2 instances or load balancers are judged. Flow logs and third-party network
        monitoring are not counted here.""",
    remediation="""Create an Internet Monitor monitor for the workload's VPCs, CloudFront distributions or
        load balancers, or a Network Monitor probe towards hybrid destinations, and review their metrics when
        choosing Regions, edge services or connectivity.""",
    reads=["internetmonitor:ListMonitors", "networkmonitor:ListMonitors", "elbv2:DescribeLoadBalancers",
           "ec2:DescribeInstances"],
)
def network_performance_monitored(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per region that runs instances or load balancers."""
    # A region with no network-facing compute has no traffic to measure: no finding rather than a fail.
    balancers = ctx.call("elbv2", "DescribeLoadBalancers", required=("LoadBalancers",)).get("LoadBalancers", [])
    if not balancers and not instances(ctx, states=("running",)):
        return
    active: list[str] = []
    denied: list[NotAssessed] = []
    try:
        active += [f"internet:{m.get('MonitorName')}" for m in
                   ctx.call("internetmonitor", "ListMonitors", required=("Monitors",)).get("Monitors", [])
                   if m.get("Status") == "ACTIVE"]
    except NotAssessed as exc:
        denied.append(exc)
    try:
        active += [f"network:{m.get('monitorName')}" for m in
                   ctx.call("networkmonitor", "ListMonitors", required=("monitors",)).get("monitors", [])
                   if m.get("state") == "ACTIVE"]
    except NotAssessed as exc:
        denied.append(exc)
    resource = ctx.account_resource()
    observed = {"active_monitors": active[:20]}
    if active:
        yield ctx.passed(resource, f"{len(active)} network performance monitor(s) are active in {ctx.region}",
                         observed)
    elif denied:
        yield ctx.not_assessed(resource, denied[0])
    else:
        yield ctx.failed(resource, f"No Internet Monitor or Network Monitor monitor is active in {ctx.region}",
                         observed)


@check(
    id="cloudwatch.alarms_remediate",
    title="Alarms act on the system, not only notify",
    service="cloudwatch",
    severity="low",
    effort="medium",
    description="""At least one CloudWatch alarm of the region has an enabled action that changes the system
        when it fires: an Auto Scaling or Application Auto Scaling policy, an EC2 recover, reboot or stop
        action, or a Lambda function. Target-tracking policies count (they act on their own alarms).
        Automation started by EventBridge rules on alarm state changes is not seen here.""",
    remediation="""Attach scaling policies to alarms on the workload's performance indicators (latency, queue
        depth, CPU), EC2 recover actions to status-check alarms, or a Lambda function that applies a tested
        fix.""",
    reads=["cloudwatch:DescribeAlarms"],
)
def alarms_remediate(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per region with alarms."""
    answer = ctx.call("cloudwatch", "DescribeAlarms", AlarmTypes=["CompositeAlarm", "MetricAlarm"],
                      required=("MetricAlarms",))
    alarms = answer.get("MetricAlarms", []) + answer.get("CompositeAlarms", [])
    if not alarms:
        return
    acting = sorted({a["AlarmName"] for a in alarms if a.get("ActionsEnabled", True)
                     and any(REMEDIATING_ACTION.match(x) for x in a.get("AlarmActions") or [])})
    kinds = sorted({REMEDIATING_ACTION.match(x).group(1) for a in alarms for x in a.get("AlarmActions") or []
                    if REMEDIATING_ACTION.match(x) and a["AlarmName"] in acting})
    observed = {"alarms": len(alarms), "remediating_alarms": acting[:20], "action_kinds": kinds}
    resource = ctx.account_resource()
    if acting:
        yield ctx.passed(resource, f"{len(acting)} of {len(alarms)} alarm(s) in {ctx.region} act on the system "
                         f"({', '.join(kinds)})", observed)
    else:
        yield ctx.failed(resource, f"None of the {len(alarms)} alarm(s) in {ctx.region} acts on the system: "
                         "they only notify", observed)
