"""Modern protocols at the edge: HTTP/2 on Application Load Balancers, HTTP/2 and HTTP/3 on CloudFront."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scanner.api import CheckContext, Finding, NotAssessed, check


@check(
    id="elb.http2_enabled",
    title="Application Load Balancers accept HTTP/2",
    service="elasticloadbalancing",
    severity="low",
    description="""Every Application Load Balancer keeps routing.http2.enabled on, so clients multiplex
        requests over one connection. The attributes are read per load balancer (there is no bulk read).""",
    remediation="""Turn HTTP/2 back on (elbv2 modify-load-balancer-attributes --attributes
        Key=routing.http2.enabled,Value=true) unless a client is known to break on it.""",
    reads=["elbv2:DescribeLoadBalancers", "elbv2:DescribeLoadBalancerAttributes"],
)
def http2_enabled(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per Application Load Balancer."""
    balancers = [lb for lb in ctx.call("elbv2", "DescribeLoadBalancers", required=("LoadBalancers",))["LoadBalancers"]
                 if lb.get("Type") == "application"]

    def one(lb: dict[str, Any]) -> Finding:
        arn, name = lb["LoadBalancerArn"], lb["LoadBalancerName"]
        try:
            attributes = ctx.call("elbv2", "DescribeLoadBalancerAttributes", LoadBalancerArn=arn,
                                  required=("Attributes",)).get("Attributes", [])
        except NotAssessed as exc:
            return ctx.not_assessed(arn, exc)
        values = {a["Key"]: a.get("Value") for a in attributes}
        enabled = values.get("routing.http2.enabled", "true") == "true"  # AWS's default is on
        observed = {"load_balancer": name, "http2": enabled}
        if enabled:
            return ctx.passed(arn, f"Load balancer {name} accepts HTTP/2", observed)
        return ctx.failed(arn, f"Load balancer {name} has HTTP/2 turned off", observed)

    yield from ctx.map(one, balancers)


@check(
    id="cloudfront.modern_http",
    title="CloudFront distributions serve HTTP/2 and HTTP/3",
    service="cloudfront",
    scope="global",
    severity="low",
    description="""Every enabled CloudFront distribution allows HTTP/2 and HTTP/3 (HttpVersion http2and3), so
        clients on lossy mobile networks get QUIC's faster connection set-up and loss recovery.""",
    remediation="""Set the distribution's supported HTTP versions to HTTP/2 and HTTP/3 (cloudfront
        update-distribution, DistributionConfig.HttpVersion=http2and3); older clients fall back on their own.""",
    reads=["cloudfront:ListDistributions"],
)
def modern_http(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per enabled distribution."""
    listing = ctx.call("cloudfront", "ListDistributions", region="us-east-1",
                       required=("DistributionList.Quantity",)).get("DistributionList", {})
    for dist in listing.get("Items", []) or []:
        if not dist.get("Enabled", True):
            continue
        version = dist.get("HttpVersion", "http2")
        arn, name = dist["ARN"], dist["Id"]
        observed = {"distribution": name, "domain": dist.get("DomainName"), "http_version": version}
        if version in ("http2and3", "http3"):
            yield ctx.passed(arn, f"CloudFront distribution {name} serves HTTP/3 ({version})", observed)
        else:
            yield ctx.failed(arn, f"CloudFront distribution {name} serves {version} only, not HTTP/3", observed)
