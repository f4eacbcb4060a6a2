"""Workload observability: alarms on every key resource, dashboards, agent metrics, log metric filters,
synthetic canaries and real-user monitoring."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checks._dates import as_datetime, days_since, iso
from scanner.api import CheckContext, Finding, check


def _alarm_dimensions(ctx: CheckContext) -> set[tuple[str, str]]:
    """(dimension name, value) of every metric alarm of the region, metric-math alarms included."""
    answer = ctx.call("cloudwatch", "DescribeAlarms", AlarmTypes=["CompositeAlarm", "MetricAlarm"])
    dims: set[tuple[str, str]] = set()
    for alarm in answer.get("MetricAlarms", []):
        metrics = [alarm] + [(m.get("MetricStat") or {}).get("Metric") or {} for m in alarm.get("Metrics") or []]
        for metric in metrics:
            dims.update((d.get("Name", ""), d.get("Value", "")) for d in metric.get("Dimensions") or [])
    return dims


def _monitored(ctx: CheckContext) -> list[tuple[str, str, str, tuple[str, str]]]:
    """(kind, name, ARN, the alarm dimension that watches it) for the region's key resources."""
    out: list[tuple[str, str, str, tuple[str, str]]] = []
    for lb in ctx.call("elbv2", "DescribeLoadBalancers", required=("LoadBalancers",)).get("LoadBalancers", []):
        arn = lb["LoadBalancerArn"]
        # CloudWatch names a load balancer by the tail of its ARN: app/<name>/<id> or net/<name>/<id>.
        out.append(("load balancer", lb.get("LoadBalancerName", arn), arn,
                    ("LoadBalancer", arn.split(":loadbalancer/", 1)[-1])))
    for db in ctx.call("rds", "DescribeDBInstances", required=("DBInstances",)).get("DBInstances", []):
        out.append(("database", db["DBInstanceIdentifier"], db.get("DBInstanceArn", db["DBInstanceIdentifier"]),
                    ("DBInstanceIdentifier", db["DBInstanceIdentifier"])))
    for group in ctx.call("autoscaling", "DescribeAutoScalingGroups",
                          required=("AutoScalingGroups",)).get("AutoScalingGroups", []):
        name = group["AutoScalingGroupName"]
        out.append(("Auto Scaling group", name, group.get("AutoScalingGroupARN", name), ("AutoScalingGroupName", name)))
    for fn in ctx.call("lambda", "ListFunctions", required=("Functions",)).get("Functions", []):
        out.append(("function", fn["FunctionName"], fn.get("FunctionArn", fn["FunctionName"]),
                    ("FunctionName", fn["FunctionName"])))
    return out


@check(
    id="cloudwatch.resources_alarmed",
    title="Load balancers, databases, Auto Scaling groups and functions have alarms",
    service="cloudwatch",
    severity="medium",
    effort="medium",
    description="""Every load balancer, RDS DB instance, Auto Scaling group and Lambda function of the region
        is watched by at least one CloudWatch metric alarm: an alarm whose dimensions (or whose metric-math
        metrics' dimensions) name the resource. One finding per resource. Alarms on aggregate metrics
        without dimensions, and monitoring done outside CloudWatch, are not matched to resources.""",
    remediation="""Alarm on the signals that show customer impact for each resource (load balancer 5xx and
        latency, database CPU, free storage and connections, group in-service capacity, function errors and
        throttles), with an action that reaches the owner.""",
    reads=["cloudwatch:DescribeAlarms", "elbv2:DescribeLoadBalancers", "rds:DescribeDBInstances",
           "autoscaling:DescribeAutoScalingGroups", "lambda:ListFunctions"],
)
def resources_alarmed(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per key resource of the region."""
    dims = _alarm_dimensions(ctx)
    for kind, name, arn, dimension in _monitored(ctx):
        observed = {"kind": kind, "alarm_dimension": f"{dimension[0]}={dimension[1]}"}
        if dimension in dims:
            yield ctx.passed(arn, f"The {kind} {name} has a CloudWatch alarm", observed)
        else:
            yield ctx.failed(arn, f"No CloudWatch alarm watches the {kind} {name}", observed)


@check(
    id="cloudwatch.dashboards_exist",
    title="CloudWatch dashboards exist",
    service="cloudwatch",
    scope="global",
    severity="low",
    effort="low",
    description="""The account has at least one CloudWatch dashboard in a scanned region
        (ListDashboards), so the workload's state can be seen at a glance and shared. Dashboards are listed
        with their last change. What a dashboard shows, and dashboards in other tools (Grafana, a vendor),
        are not visible to this check.""",
    remediation="""Build a dashboard per workload with its key business and technical metrics and alarms, and
        link it from the runbooks and the incident channel.""",
    reads=["cloudwatch:ListDashboards"],
)
def dashboards_exist(ctx: CheckContext) -> Iterator[Finding]:
    """One account-level finding."""
    found = {region: sorted(({"name": d.get("DashboardName"), "modified": iso(as_datetime(d.get("LastModified")))}
                             for d in ctx.call("cloudwatch", "ListDashboards", region=region,
                                               required=("DashboardEntries",)).get("DashboardEntries", [])),
                            key=lambda d: str(d["name"]))
             for region in ctx.regions}
    found = {r: v for r, v in found.items() if v}
    total = sum(len(v) for v in found.values())
    if total:
        yield ctx.passed(ctx.account_resource(), f"{total} CloudWatch dashboard(s): "
                         + ", ".join(f"{len(v)} in {r}" for r, v in sorted(found.items())), {"dashboards": found})
    else:
        yield ctx.failed(ctx.account_resource(), f"No CloudWatch dashboard in {', '.join(ctx.regions)}",
                         {"dashboards": {}})


@check(
    id="cloudwatch.agent_metrics_published",
    title="The CloudWatch agent publishes host and application metrics",
    service="cloudwatch",
    scope="global",
    severity="low",
    effort="medium",
    description="""Metrics exist in the CWAgent namespace in a scanned region (ListMetrics, namespace
        CWAgent): the CloudWatch agent sends memory, disk and process metrics, and application metrics
        through StatsD or collectd, which EC2's own metrics lack. Other custom namespaces and agents
        (OpenTelemetry to another backend) are not visible to this check.""",
    remediation="""Install the CloudWatch agent through Systems Manager on every instance with a shared
        configuration that collects memory and disk use and the application's own metrics.""",
    reads=["cloudwatch:ListMetrics"],
)
def agent_metrics_published(ctx: CheckContext) -> Iterator[Finding]:
    """One account-level finding."""
    counts: dict[str, int] = {}
    names: set[str] = set()
    for region in ctx.regions:
        metrics = ctx.call("cloudwatch", "ListMetrics", region=region, Namespace="CWAgent",
                           required=("Metrics",)).get("Metrics", [])
        if metrics:
            counts[region] = len(metrics)
            names.update(m.get("MetricName", "") for m in metrics)
    observed = {"metrics_per_region": counts, "metric_names": sorted(names)[:20]}
    if counts:
        yield ctx.passed(ctx.account_resource(), f"The CloudWatch agent publishes {len(names)} metric name(s) in "
                         f"{', '.join(sorted(counts))}", observed)
    else:
        yield ctx.failed(ctx.account_resource(), f"No CloudWatch agent metrics in {', '.join(ctx.regions)}",
                         observed)


@check(
    id="logs.metric_filters_exist",
    title="Logs are turned into metrics",
    service="logs",
    scope="global",
    severity="low",
    effort="low",
    description="""At least one CloudWatch Logs metric filter exists in a scanned region
        (DescribeMetricFilters): log events (errors, business events, security events) are counted as
        metrics that can be graphed and alarmed on. Filters are listed with their log group and metric.
        Log analysis in Logs Insights queries or another tool is not visible to this check.""",
    remediation="""Create metric filters for the log patterns that matter (application errors, failed
        sign-ins, business transactions) and alarm on them.""",
    reads=["logs:DescribeMetricFilters"],
)
def metric_filters_exist(ctx: CheckContext) -> Iterator[Finding]:
    """One account-level finding."""
    found: dict[str, list[dict[str, Any]]] = {}
    for region in ctx.regions:
        filters = ctx.call("logs", "DescribeMetricFilters", region=region,
                           required=("metricFilters",)).get("metricFilters", [])
        if filters:
            found[region] = [{"filter": f.get("filterName"), "log_group": f.get("logGroupName"),
                              "metrics": [t.get("metricName") for t in f.get("metricTransformations") or []]}
                             for f in filters][:25]
    total = sum(len(v) for v in found.values())
    if total:
        yield ctx.passed(ctx.account_resource(), f"{total} log metric filter(s) in {', '.join(sorted(found))}",
                         {"metric_filters": found})
    else:
        yield ctx.failed(ctx.account_resource(), f"No log metric filter in {', '.join(ctx.regions)}",
                         {"metric_filters": {}})


@check(
    id="synthetics.canaries_passing",
    title="Synthetic canaries run and pass",
    service="synthetics",
    scope="global",
    severity="medium",
    effort="medium",
    description="""CloudWatch Synthetics canaries test the workload from the outside as a user would, and
        each one is running and its last run passed within `days` days (DescribeCanaries,
        DescribeCanariesLastRun). One finding per canary; one account-level failure when no scanned region
        has a canary. Probes run by other tools are not visible to this check.""",
    remediation="""Create canaries for the critical user journeys and the APIs the workload depends on, run
        them every few minutes, and alarm on their success rate.""",
    reads=["synthetics:DescribeCanaries", "synthetics:DescribeCanariesLastRun"],
    options={"days": 2},
)
def canaries_passing(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per canary, or one account-level failure."""
    days = int(ctx.option("days"))
    seen = 0
    for region in ctx.regions:
        canaries = ctx.call("synthetics", "DescribeCanaries", region=region, required=("Canaries",)).get("Canaries", [])
        if not canaries:
            continue
        last = {r.get("CanaryName"): r.get("LastRun") or {} for r in
                ctx.call("synthetics", "DescribeCanariesLastRun", region=region).get("CanariesLastRun", [])}
        for canary in canaries:
            seen += 1
            name = canary["Name"]
            arn = ctx.arn("synthetics", f"canary:{name}", region=region)
            state = (canary.get("Status") or {}).get("State")
            run = last.get(name) or {}
            run_state = (run.get("Status") or {}).get("State")
            age = days_since((run.get("Timeline") or {}).get("Completed") or (run.get("Timeline") or {}).get("Started"))
            observed = {"canary": name, "state": state, "last_run": run_state, "last_run_days_ago": age}
            if state == "RUNNING" and run_state == "PASSED" and age is not None and age <= days:
                yield ctx.passed(arn, f"Canary {name} is running and its last run passed", observed, region=region)
            elif state != "RUNNING":
                yield ctx.failed(arn, f"Canary {name} is {state}, not running", observed, region=region)
            else:
                when = "never" if age is None else f"{age} day(s) ago"
                yield ctx.failed(arn, f"Canary {name}'s last run ({when}) is {run_state or 'unknown'}", observed,
                                 region=region)
    if not seen:
        yield ctx.failed(ctx.account_resource(), f"No Synthetics canary in {', '.join(ctx.regions)}",
                         {"canaries": 0})


@check(
    id="rum.app_monitors_exist",
    title="Real-user monitoring is set up",
    service="rum",
    scope="global",
    severity="low",
    effort="medium",
    description="""A CloudWatch RUM app monitor exists in a scanned region (ListAppMonitors): page loads,
        errors and journeys of real users in their browsers are recorded. Workloads without a web front end
        have nothing to monitor this way; real-user monitoring in another tool is not visible.""",
    remediation="""Create a RUM app monitor for each web application and add its snippet to the pages; alarm
        on error rate and page-load time.""",
    reads=["rum:ListAppMonitors"],
)
def app_monitors_exist(ctx: CheckContext) -> Iterator[Finding]:
    """One account-level finding."""
    found = {region: sorted(m.get("Name", "") for m in ctx.call("rum", "ListAppMonitors", region=region,
                                                                required=("AppMonitorSummaries",))
                            .get("AppMonitorSummaries", []))
             for region in ctx.regions}
    found = {r: v for r, v in found.items() if v}
    if found:
        yield ctx.passed(ctx.account_resource(), "CloudWatch RUM monitors "
                         + ", ".join(f"{', '.join(v)} ({r})" for r, v in sorted(found.items())),
                         {"app_monitors": found})
    else:
        yield ctx.failed(ctx.account_resource(), f"No CloudWatch RUM app monitor in {', '.join(ctx.regions)}",
                         {"app_monitors": {}})
