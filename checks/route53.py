"""Route 53 health checks exist and DNS routing takes endpoint health into account."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checks._route53 import health_aware, judge_zones
from scanner.api import CheckContext, Finding, check

ROUTING_TYPES = ("A", "AAAA", "CNAME")


@check(
    id="route53.health_checks_exist",
    title="Route 53 health checks watch the endpoints DNS routes to",
    service="route53",
    scope="global",
    severity="low",
    effort="medium",
    description="""The account has at least one enabled Route 53 health check, and every hosted zone that
        routes traffic (A, AAAA or CNAME records) has at least one record that is health-aware: it carries a
        health check, or is an alias that evaluates its target's health. Only then can DNS fail over away from
        an endpoint that stops answering.""",
    remediation="""Create health checks for the workload's public endpoints and attach them to failover,
        weighted or latency records (or set EvaluateTargetHealth on alias records to load balancers), and
        alarm on the health checks' status.""",
    reads=["route53:ListHealthChecks", "route53:ListHostedZones", "route53:ListResourceRecordSets"],
)
def health_checks_exist(ctx: CheckContext) -> Iterator[Finding]:
    """One account-level finding on health checks, then one finding per hosted zone that routes traffic."""
    checks = ctx.call("route53", "ListHealthChecks", required=("HealthChecks",)).get("HealthChecks", [])
    enabled = [h for h in checks if not (h.get("HealthCheckConfig") or {}).get("Disabled")]
    observed = {"health_checks": len(checks), "enabled": len(enabled),
                "types": sorted({(h.get("HealthCheckConfig") or {}).get("Type", "") for h in enabled} - {""})}
    account = ctx.account_resource()
    if enabled:
        yield ctx.passed(account, f"{len(enabled)} Route 53 health check(s) are enabled", observed,
                         source=["route53:ListHealthChecks"])
    elif checks:
        yield ctx.failed(account, f"All {len(checks)} Route 53 health checks are disabled", observed,
                         source=["route53:ListHealthChecks"])
    else:
        yield ctx.failed(account, "The account has no Route 53 health check", observed,
                         source=["route53:ListHealthChecks"])
    def judge(zone: dict[str, Any], arn: str, name: str, records: list[dict[str, Any]]) -> Finding | None:
        routing = [r for r in records if r.get("Type") in ROUTING_TYPES]
        if not routing:
            return None  # a zone with only SOA, NS, MX or TXT records routes no traffic to endpoints
        aware = sorted({r["Name"] for r in routing if health_aware(r)})
        observed = {"zone": zone.get("Name"), "private": bool((zone.get("Config") or {}).get("PrivateZone")),
                    "routing_records": len(routing), "health_aware_records": aware[:20],
                    "health_aware_count": len(aware)}
        if aware:
            return ctx.passed(arn, f"Hosted zone {name} routes {len(aware)} name(s) by endpoint health", observed)
        return ctx.failed(arn, f"Hosted zone {name} routes {len(routing)} record(s) without any health check",
                          observed)

    yield from judge_zones(ctx, judge)
