"""Route 53 hosted zones and their records, read once per scan and judged zone by zone."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from scanner.api import CheckContext, Finding, NotAssessed

# A judge takes the zone, its ARN, its name (without the final dot) and its record sets, and returns the
# zone's finding, or None when the zone holds nothing the check looks at.
ZoneJudge = Callable[[dict[str, Any], str, str, list[dict[str, Any]]], Finding | None]


def health_aware(record: dict[str, Any]) -> bool:
    """True when Route 53 stops answering with this record once its endpoint is unhealthy."""
    return bool(record.get("HealthCheckId")) or bool((record.get("AliasTarget") or {}).get("EvaluateTargetHealth"))


def judge_zones(ctx: CheckContext, judge: ZoneJudge, public_only: bool = False) -> Iterator[Finding]:
    """One finding per hosted zone (only public ones with ``public_only``) that ``judge`` has a verdict on;
    a zone whose records cannot be read is not assessed. Every check asks the same reads, so each zone's
    records are listed once per scan."""
    zones = ctx.call("route53", "ListHostedZones", required=("HostedZones",)).get("HostedZones", [])
    if public_only:
        zones = [z for z in zones if not (z.get("Config") or {}).get("PrivateZone")]

    def one(zone: dict[str, Any]) -> Finding | None:
        zone_id = zone["Id"].rsplit("/", 1)[-1]
        arn = f"arn:{ctx.partition}:route53:::hostedzone/{zone_id}"
        try:
            records = ctx.call("route53", "ListResourceRecordSets", HostedZoneId=zone_id)
        except NotAssessed as exc:
            return ctx.not_assessed(arn, exc)
        return judge(zone, arn, zone.get("Name", zone_id).rstrip("."), records.get("ResourceRecordSets", []))

    yield from (f for f in ctx.map(one, zones) if f is not None)
