"""Load balancers have nodes in more than one Availability Zone."""

from __future__ import annotations

from collections.abc import Iterator

from scanner.api import CheckContext, Finding, NotAssessed, check


@check(
    id="elb.multi_az",
    title="Load balancers span several Availability Zones",
    service="elbv2",
    severity="medium",
    effort="medium",
    description="""Every Application, Network and Gateway Load Balancer, and every Classic Load Balancer, is
        enabled in at least min_zones Availability Zones, so the entry point of the workload survives the loss
        of a zone.""",
    remediation="""Add a subnet in another Availability Zone to the load balancer (elbv2 set-subnets; for a
        Classic Load Balancer, elb attach-load-balancer-to-subnets) and register targets in that zone.""",
    reads=["elbv2:DescribeLoadBalancers", "elb:DescribeLoadBalancers"],
    options={"min_zones": 2},
)
def multi_az(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per load balancer; a kind that cannot be listed is not assessed on its own."""
    min_zones = int(ctx.option("min_zones"))
    try:
        for lb in ctx.call("elbv2", "DescribeLoadBalancers", required=("LoadBalancers",)).get("LoadBalancers", []):
            zones = sorted({z["ZoneName"] for z in lb.get("AvailabilityZones") or [] if z.get("ZoneName")})
            kind = f"{lb.get('Type', 'application').capitalize()} Load Balancer"
            yield _verdict(ctx, lb["LoadBalancerArn"], kind, lb["LoadBalancerName"], lb.get("Scheme"), zones,
                           min_zones)
    except NotAssessed as exc:
        yield ctx.not_assessed(ctx.account_resource("elasticloadbalancing"), exc)
    try:
        for lb in ctx.call("elb", "DescribeLoadBalancers",
                           required=("LoadBalancerDescriptions",)).get("LoadBalancerDescriptions", []):
            name = lb["LoadBalancerName"]
            arn = ctx.arn("elasticloadbalancing", f"loadbalancer/{name}")
            yield _verdict(ctx, arn, "Classic Load Balancer", name, lb.get("Scheme"),
                           sorted(set(lb.get("AvailabilityZones") or [])), min_zones)
    except NotAssessed as exc:
        yield ctx.not_assessed(ctx.account_resource("elasticloadbalancing"), exc)


def _verdict(ctx: CheckContext, arn: str, kind: str, name: str, scheme: str | None, zones: list[str],
             min_zones: int) -> Finding:
    observed = {"load_balancer": name, "type": kind, "scheme": scheme, "availability_zones": zones,
                "min_zones": min_zones}
    if len(zones) >= min_zones:
        return ctx.passed(arn, f"{kind} {name} spans {len(zones)} Availability Zones", observed)
    where = ", ".join(zones) or "no zone"
    return ctx.failed(arn, f"{kind} {name} is enabled only in {where}", observed)
