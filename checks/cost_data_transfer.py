"""Data transfer kept inside a zone: private subnets send their internet traffic through a NAT gateway in
their own Availability Zone, so it is not also charged as cross-zone transfer."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scanner.api import CheckContext, Finding, check


def _nat_routes(table: dict[str, Any]) -> set[str]:
    return {r["NatGatewayId"] for r in table.get("Routes") or []
            if r.get("NatGatewayId") and r.get("State", "active") == "active"}


def _subnets_of(table: dict[str, Any], vpc_subnets: list[str], explicit: set[str]) -> list[str]:
    """Subnets a route table serves: its explicit associations, or every unassociated subnet if it is main."""
    associations = table.get("Associations") or []
    own = [a["SubnetId"] for a in associations if a.get("SubnetId")]
    if any(a.get("Main") for a in associations):
        own += [s for s in vpc_subnets if s not in explicit]
    return own


@check(
    id="vpc.nat_gateways_zone_local",
    title="Private subnets use a NAT gateway in their own zone",
    service="vpc",
    severity="low",
    effort="low",
    description="""In every VPC whose route tables send traffic to a NAT gateway, each subnet reaches a NAT
        gateway in its own Availability Zone (DescribeRouteTables, one paginated read per region, with the
        subnets and NAT gateways other checks read). A subnet routed to a NAT gateway in another zone pays
        cross-zone data transfer on every byte on top of the NAT processing charge, and loses its internet
        path when that zone fails. Traffic volumes are not read: for a subnet that sends little, one shared
        NAT gateway may be the cheaper choice.""",
    remediation="""Create a NAT gateway in each Availability Zone that has private subnets sending internet
        traffic, and point each zone's private route table at the NAT gateway of the same zone; use gateway
        endpoints for S3 and DynamoDB traffic.""",
    reads=["ec2:DescribeRouteTables", "ec2:DescribeSubnets", "ec2:DescribeNatGateways"],
)
def nat_gateways_zone_local(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per VPC that routes to a NAT gateway."""
    # Same requests as the network topology checks, so the collector answers them once.
    nats = {n["NatGatewayId"]: n for n in ctx.call("ec2", "DescribeNatGateways", required=("NatGateways",))[
        "NatGateways"] if n.get("State") in ("available", "pending")}
    if not nats:
        return
    subnets = {s["SubnetId"]: s for s in ctx.call("ec2", "DescribeSubnets", required=("Subnets",))["Subnets"]}
    zone_of = {nat_id: (subnets.get(n.get("SubnetId")) or {}).get("AvailabilityZone") for nat_id, n in nats.items()}
    tables = ctx.call("ec2", "DescribeRouteTables", required=("RouteTables",))["RouteTables"]
    explicit = {a["SubnetId"] for t in tables for a in t.get("Associations") or [] if a.get("SubnetId")}
    by_vpc: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for table in tables:
        routed = _nat_routes(table) & set(nats)
        if not routed:
            continue
        vpc = table.get("VpcId", "")
        vpc_subnets = [sid for sid, s in subnets.items() if s.get("VpcId") == vpc]
        entry = by_vpc.setdefault(vpc, {"local": [], "remote": []})
        for subnet_id in _subnets_of(table, vpc_subnets, explicit):
            zone = (subnets.get(subnet_id) or {}).get("AvailabilityZone")
            for nat_id in sorted(routed):
                item = {"subnet": subnet_id, "zone": zone, "nat_gateway": nat_id, "nat_zone": zone_of.get(nat_id)}
                entry["local" if zone_of.get(nat_id) == zone else "remote"].append(item)
    for vpc, entry in sorted(by_vpc.items()):
        observed = {"vpc": vpc, "zone_local": len(entry["local"]), "cross_zone": entry["remote"][:20],
                    "nat_gateways": sorted({i["nat_gateway"] for i in entry["local"] + entry["remote"]})}
        arn = ctx.arn("ec2", f"vpc/{vpc}")
        if entry["remote"]:
            first = entry["remote"][0]
            yield ctx.failed(arn, f"{len(entry['remote'])} subnet route(s) in VPC {vpc} reach a NAT gateway in another "
                             f"zone (e.g. {first['subnet']} in {first['zone']} via {first['nat_gateway']} in "
                             f"{first['nat_zone']})", observed)
        elif entry["local"]:
            yield ctx.passed(arn, f"Every subnet of VPC {vpc} routed to a NAT gateway uses one in its own zone",
                             observed)
