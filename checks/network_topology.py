"""Network topology that survives growth and failure: non-overlapping VPC ranges, free addresses in subnets,
hub-and-spoke over peering meshes, redundant VPN tunnels, gateway endpoints instead of NAT for S3 and
DynamoDB."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from typing import Any

from checks._ec2 import name_tag, vpcs
from scanner.api import CheckContext, Finding, NotAssessed, check


def _cidrs(vpc: dict[str, Any]) -> list[str]:
    blocks = [a["CidrBlock"] for a in vpc.get("CidrBlockAssociationSet", [])
              if (a.get("CidrBlockState") or {}).get("State", "associated") == "associated"]
    return blocks or ([vpc["CidrBlock"]] if vpc.get("CidrBlock") else [])


def _label(vpc: dict[str, Any]) -> str:
    name = name_tag(vpc)
    return f"{vpc['VpcId']} ({name})" if name else vpc["VpcId"]


@check(
    id="vpc.cidrs_not_overlapping",
    title="VPC address ranges do not overlap",
    service="ec2",
    scope="global",
    severity="medium",
    effort="high",
    description="""No two non-default VPCs of the account, in any scanned region, have overlapping IPv4 CIDR
        blocks, so any two of them can later be connected by peering, a transit gateway or a VPN without
        renumbering. Default VPCs (172.31.0.0/16 in every region) are left out; ranges used by other accounts
        and on premises are not visible to this check.""",
    remediation="""Allocate VPC ranges from one plan (Amazon VPC IP Address Manager pools per region and
        environment) and migrate a VPC whose range collides before it needs to be connected.""",
    reads=["ec2:DescribeVpcs"],
)
def cidrs_not_overlapping(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per non-default VPC."""
    found: list[tuple[str, dict[str, Any], list[ipaddress.IPv4Network]]] = []
    for region in ctx.regions:
        try:
            listed = ctx.call("ec2", "DescribeVpcs", region=region, required=("Vpcs",))["Vpcs"]
        except NotAssessed as exc:
            yield ctx.not_assessed(ctx.account_resource("ec2", region=region), exc, region=region)
            continue
        for vpc in listed:
            if not vpc.get("IsDefault"):
                found.append((region, vpc, [ipaddress.ip_network(c, strict=False) for c in _cidrs(vpc)]))
    for region, vpc, nets in found:
        clashes = sorted({f"{_label(other)} in {where}" for where, other, theirs in found
                          if other is not vpc and any(a.overlaps(b) for a in nets for b in theirs)})
        arn = ctx.arn("ec2", f"vpc/{vpc['VpcId']}", region=region)
        observed = {"vpc": vpc["VpcId"], "cidrs": [str(n) for n in nets], "overlaps_with": clashes}
        if clashes:
            yield ctx.failed(arn, f"VPC {_label(vpc)} ({', '.join(map(str, nets))}) overlaps {', '.join(clashes)}",
                             observed, region=region)
        else:
            yield ctx.passed(arn, f"VPC {_label(vpc)} ({', '.join(map(str, nets))}) overlaps no other VPC",
                             observed, region=region)


@check(
    id="vpc.subnets_have_free_addresses",
    title="Subnets keep free addresses for growth",
    service="ec2",
    severity="medium",
    effort="high",
    description="""Every subnet of a non-default VPC has at least `min_free_percent` of its usable IPv4
        addresses free (AvailableIpAddressCount against the subnet size less the five addresses AWS
        reserves), so scaling out, a deployment that runs old and new side by side, or a failover into the
        zone finds addresses.""",
    remediation="""Add a larger subnet in the zone (or a secondary CIDR block on the VPC) and move the growing
        tier there; plan subnets with room for at least twice the peak.""",
    reads=["ec2:DescribeVpcs", "ec2:DescribeSubnets"],
    options={"min_free_percent": 20},
)
def subnets_have_free_addresses(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per subnet of a non-default VPC."""
    floor = float(ctx.option("min_free_percent"))
    custom = {v["VpcId"] for v in vpcs(ctx) if not v.get("IsDefault")}
    for subnet in ctx.call("ec2", "DescribeSubnets", required=("Subnets",))["Subnets"]:
        if subnet.get("VpcId") not in custom or not subnet.get("CidrBlock"):
            continue
        usable = max(ipaddress.ip_network(subnet["CidrBlock"]).num_addresses - 5, 1)
        free = subnet.get("AvailableIpAddressCount", 0)
        percent = round(100 * free / usable, 1)
        arn = subnet.get("SubnetArn") or ctx.arn("ec2", f"subnet/{subnet['SubnetId']}")
        label = subnet["SubnetId"] + (f" ({name_tag(subnet)})" if name_tag(subnet) else "")
        observed = {"subnet": subnet["SubnetId"], "vpc": subnet["VpcId"], "zone": subnet.get("AvailabilityZone"),
                    "cidr": subnet["CidrBlock"], "free": free, "usable": usable, "free_percent": percent}
        if percent >= floor:
            yield ctx.passed(arn, f"Subnet {label} has {free} of {usable} addresses free ({percent}%)", observed)
        else:
            yield ctx.failed(arn, f"Subnet {label} has only {free} of {usable} addresses free ({percent}%, below "
                             f"{floor:g}%)", observed)


@check(
    id="vpc.hub_and_spoke",
    title="VPCs connect through a transit gateway, not a peering mesh",
    service="ec2",
    severity="low",
    effort="high",
    description="""In a region with at least `max_peerings` active VPC peering connections, a transit gateway
        (with VPC attachments) is the hub; many-to-many peering grows with the square of the VPCs and makes
        routing and inspection hard to reason about. Regions with fewer peerings are reported as passing when
        a transit gateway is in use, and not at all otherwise.""",
    remediation="""Create a transit gateway (or use AWS Cloud WAN), attach the VPCs, route between them through
        its route tables, and remove the peering connections one by one.""",
    reads=["ec2:DescribeVpcPeeringConnections", "ec2:DescribeTransitGateways",
           "ec2:DescribeTransitGatewayAttachments"],
    options={"max_peerings": 3},
)
def hub_and_spoke(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per region that connects VPCs."""
    limit = int(ctx.option("max_peerings"))
    peerings = [p for p in ctx.call("ec2", "DescribeVpcPeeringConnections",
                                    required=("VpcPeeringConnections",))["VpcPeeringConnections"]
                if (p.get("Status") or {}).get("Code") == "active"]
    gateways = [g for g in ctx.call("ec2", "DescribeTransitGateways", required=("TransitGateways",))["TransitGateways"]
                if g.get("State") == "available"]
    attachments = [a for a in ctx.call("ec2", "DescribeTransitGatewayAttachments",
                                       required=("TransitGatewayAttachments",))["TransitGatewayAttachments"]
                   if a.get("ResourceType") == "vpc" and a.get("State") == "available"] if gateways else []
    observed = {"active_peerings": len(peerings), "transit_gateways": [g["TransitGatewayId"] for g in gateways],
                "vpc_attachments": len(attachments), "max_peerings": limit}
    resource = ctx.account_resource("ec2")
    if attachments:
        yield ctx.passed(resource, f"{len(attachments)} VPC(s) attach to transit gateway(s) in {ctx.region} "
                         f"({len(peerings)} peering connection(s) besides)", observed)
    elif len(peerings) >= limit:
        yield ctx.failed(resource, f"{len(peerings)} VPC peering connections and no transit gateway attachment in "
                         f"{ctx.region}: a many-to-many mesh", observed)


@check(
    id="vpn.tunnels_redundant",
    title="Site-to-Site VPN connections have both tunnels up",
    service="ec2",
    severity="high",
    effort="medium",
    description="""Every available Site-to-Site VPN connection has at least two tunnels UP (VgwTelemetry), so
        the loss of one AWS endpoint or one customer-gateway path does not cut the private network off. A
        connection with a tunnel down has no redundancy left.""",
    remediation="""Configure both tunnels on the customer gateway device (each terminates on a different AWS
        endpoint), with BGP for failover; for critical links add a second customer gateway or Direct Connect
        with VPN as backup.""",
    reads=["ec2:DescribeVpnConnections"],
)
def tunnels_redundant(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per available VPN connection."""
    for vpn in ctx.call("ec2", "DescribeVpnConnections", required=("VpnConnections",))["VpnConnections"]:
        if vpn.get("State") != "available":
            continue
        tunnels = vpn.get("VgwTelemetry", [])
        up = [t.get("OutsideIpAddress") for t in tunnels if t.get("Status") == "UP"]
        arn = ctx.arn("ec2", f"vpn-connection/{vpn['VpnConnectionId']}")
        observed = {"vpn": vpn["VpnConnectionId"], "tunnels": len(tunnels), "tunnels_up": len(up),
                    "static_routes_only": (vpn.get("Options") or {}).get("StaticRoutesOnly")}
        if len(up) >= 2:
            yield ctx.passed(arn, f"VPN {vpn['VpnConnectionId']} has {len(up)} tunnels up", observed)
        else:
            yield ctx.failed(arn, f"VPN {vpn['VpnConnectionId']} has {len(up)} of {len(tunnels)} tunnels up: no "
                             "redundant path", observed)


@check(
    id="directconnect.connections_redundant",
    title="Direct Connect uses at least two connections in two locations",
    service="directconnect",
    severity="high",
    effort="high",
    description="""Where the region has Direct Connect connections, at least two are available and they
        terminate in at least two Direct Connect locations, so a device, fibre or location failure leaves a
        path (the AWS Direct Connect Resiliency Toolkit's high-resiliency model). A VPN used as backup is not
        counted.""",
    remediation="""Order a second connection at a second Direct Connect location (the Resiliency Toolkit in the
        console walks through it), or add a Site-to-Site VPN over the internet as the backup path.""",
    reads=["directconnect:DescribeConnections"],
)
def connections_redundant(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per region with Direct Connect connections."""
    connections = [c for c in ctx.call("directconnect", "DescribeConnections").get("connections", [])
                   if c.get("connectionState") not in ("deleted", "deleting", "rejected")]
    if not connections:
        return
    available = [c for c in connections if c.get("connectionState") == "available"]
    locations = sorted({c.get("location", "") for c in available})
    observed = {"connections": len(connections), "available": len(available), "locations": locations}
    resource = ctx.account_resource("directconnect")
    if len(available) >= 2 and len(locations) >= 2:
        yield ctx.passed(resource, f"{len(available)} Direct Connect connections in {len(locations)} locations",
                         observed)
    else:
        yield ctx.failed(resource, f"{len(available)} available Direct Connect connection(s) in {len(locations)} "
                         "location(s): one failure cuts the dedicated path", observed)


@check(
    id="vpc.gateway_endpoints_used",
    title="VPCs with NAT gateways reach S3 and DynamoDB through gateway endpoints",
    service="ec2",
    severity="low",
    effort="low",
    description="""Every VPC with a NAT gateway has gateway endpoints for Amazon S3 and Amazon DynamoDB, so
        traffic to them stays on the AWS network and is not billed as NAT gateway data processing. Gateway
        endpoints are free; interface endpoints for other services are not judged.""",
    remediation="""Create gateway endpoints for S3 and DynamoDB in the VPC (ec2 create-vpc-endpoint
        --vpc-endpoint-type Gateway --service-name com.amazonaws.REGION.s3) and associate them with the route
        tables of the private subnets.""",
    reads=["ec2:DescribeNatGateways", "ec2:DescribeVpcEndpoints"],
)
def gateway_endpoints_used(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per VPC with an available NAT gateway."""
    nat_vpcs = sorted({n["VpcId"] for n in ctx.call("ec2", "DescribeNatGateways", required=("NatGateways",))[
        "NatGateways"] if n.get("State") == "available"})
    if not nat_vpcs:
        return
    endpoints = ctx.call("ec2", "DescribeVpcEndpoints", required=("VpcEndpoints",))["VpcEndpoints"]
    for vpc in nat_vpcs:
        services = sorted({e["ServiceName"].rsplit(".", 1)[-1] for e in endpoints if e.get("VpcId") == vpc
                           and e.get("VpcEndpointType") == "Gateway"
                           and e.get("State", "available").lower() == "available"})
        missing = [s for s in ("s3", "dynamodb") if s not in services]
        arn = ctx.arn("ec2", f"vpc/{vpc}")
        observed = {"vpc": vpc, "gateway_endpoints": services, "missing": missing}
        if missing:
            yield ctx.failed(arn, f"VPC {vpc} sends {' and '.join(missing)} traffic through its NAT gateway (no "
                             "gateway endpoint)", observed)
        else:
            yield ctx.passed(arn, f"VPC {vpc} reaches S3 and DynamoDB through gateway endpoints", observed)
