"""Telemetry from the application itself: traced calls to dependencies, and services Application Signals sees."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from scanner.api import CheckContext, Finding, NotAssessed, Reason, check

LISTED = 15  # pairs or services kept per region in the evidence


def _window(hours: int) -> tuple[datetime, datetime]:
    """The last ``hours`` hours, ending at the start of the current minute (stable within a scan)."""
    end = datetime.now(UTC).replace(second=0, microsecond=0)
    return end - timedelta(hours=hours), end


def _each_region(ctx: CheckContext, service: str, operation: str, key: str, **params: Any
                 ) -> tuple[dict[str, list[dict[str, Any]]], list[str]]:
    """``key`` of the answer per region, and the regions where AWS does not offer ``service`` (skipped)."""
    answers: dict[str, list[dict[str, Any]]] = {}
    skipped: list[str] = []
    for region in ctx.regions:
        try:
            answers[region] = ctx.call(service, operation, region=region, **params).get(key, [])
        except NotAssessed as exc:
            if exc.reason != Reason.NOT_ENABLED:
                raise
            skipped.append(region)
    if not answers:
        raise NotAssessed(Reason.NOT_ENABLED, f"{service} is not offered in {', '.join(ctx.regions)}",
                          code="ServiceNotInRegion", operation=f"{service}:{operation}")
    return answers, skipped


def dependency_edges(services: list[dict[str, Any]]) -> list[str]:
    """"caller -> dependency (type)" for every edge of an X-Ray service graph."""
    by_ref = {s.get("ReferenceId"): s for s in services}
    pairs = set()
    for caller in services:
        for edge in caller.get("Edges") or []:
            target = by_ref.get(edge.get("ReferenceId"))
            if target is not None and target is not caller:
                pairs.add(f"{caller.get('Name')} -> {target.get('Name')} ({target.get('Type')})")
    return sorted(pairs)


@check(
    id="xray.dependencies_traced",
    title="Calls to dependencies are traced",
    service="xray",
    scope="global",
    severity="low",
    effort="medium",
    description="""The X-Ray service graph of a scanned region (GetServiceGraph over the last `hours` hours)
        has edges: instrumented services recorded their calls to the databases, queues, AWS services and
        remote APIs they depend on, with latency, errors and faults per call. The caller and dependency
        pairs are listed per region. Dependency telemetry sent to another tracing backend, and workloads
        with no traffic in the window, are not visible to this check.""",
    remediation="""Instrument the services with the AWS Distro for OpenTelemetry or the X-Ray SDK (or turn on
        active tracing for Lambda and API Gateway) so calls to downstream services are recorded, and alarm
        on the dependencies' error and latency metrics.""",
    reads=["xray:GetServiceGraph"],
    options={"hours": 6},
)
def dependencies_traced(ctx: CheckContext) -> Iterator[Finding]:
    """One account-level finding."""
    start, end = _window(int(ctx.option("hours")))
    found: dict[str, list[str]] = {}
    graphs, skipped = _each_region(ctx, "xray", "GetServiceGraph", "Services", StartTime=start, EndTime=end)
    for region, services in graphs.items():
        pairs = dependency_edges(services)
        if pairs:
            found[region] = pairs[:LISTED]
    observed = {"dependencies": found, "window_hours": int(ctx.option("hours")), "regions_without_xray": skipped}
    if found:
        total = sum(len(v) for v in found.values())
        yield ctx.passed(ctx.account_resource(), f"X-Ray traced {total} call path(s) to dependencies in "
                         f"{', '.join(sorted(found))}", observed)
    else:
        yield ctx.failed(ctx.account_resource(), "No traced call to a dependency in the last "
                         f"{observed['window_hours']} hours in {', '.join(ctx.regions)}", observed)


@check(
    id="application-signals.services_instrumented",
    title="Application Signals sees instrumented services",
    service="application-signals",
    scope="global",
    severity="low",
    effort="medium",
    description="""CloudWatch Application Signals lists services in a scanned region (ListServices over the
        last `hours` hours): applications instrumented with the CloudWatch agent or the AWS Distro for
        OpenTelemetry send their own request, latency, error and fault metrics and traces. The services are
        listed with their environment. Application telemetry sent to another backend (a vendor APM,
        Prometheus) is not visible to this check.""",
    remediation="""Enable Application Signals and instrument the workload's services (the CloudWatch agent or
        ADOT on EC2, ECS and EKS, the Application Signals layer on Lambda), then set service level
        objectives on their latency and availability.""",
    reads=["application-signals:ListServices"],
    options={"hours": 24},
)
def services_instrumented(ctx: CheckContext) -> Iterator[Finding]:
    """One account-level finding."""
    start, end = _window(int(ctx.option("hours")))
    found: dict[str, list[str]] = {}
    listed, skipped = _each_region(ctx, "application-signals", "ListServices", "ServiceSummaries",
                                   StartTime=start, EndTime=end)
    for region, summaries in listed.items():
        names = sorted({f"{k.get('Name')} ({k.get('Environment', 'no environment')})"
                        for k in (s.get("KeyAttributes") or {} for s in summaries) if k.get("Type") == "Service"})
        if names:
            found[region] = names[:LISTED]
    observed = {"services": found, "window_hours": int(ctx.option("hours")),
                "regions_without_application_signals": skipped}
    if found:
        total = sum(len(v) for v in found.values())
        yield ctx.passed(ctx.account_resource(), f"Application Signals sees {total} instrumented service(s) in "
                         f"{', '.join(sorted(found))}", observed)
    else:
        yield ctx.failed(ctx.account_resource(), "Application Signals sees no instrumented service in "
                         f"{', '.join(ctx.regions)}", observed)
