"""Work and data close to the users: CloudFront caches what it serves at the edge, and code that only
shapes requests and responses runs there too (Lambda@Edge, CloudFront Functions)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scanner.api import GLOBAL, CheckContext, Finding, check

# The managed CachingDisabled cache policy (CloudFront developer guide, "Use managed cache policies").
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"


def distributions(ctx: CheckContext) -> list[dict[str, Any]]:
    """Enabled CloudFront distributions (the read cloudfront.modern_http makes, so it is made once)."""
    listing = ctx.call("cloudfront", "ListDistributions", region="us-east-1",
                       required=("DistributionList.Quantity",)).get("DistributionList", {})
    return [d for d in listing.get("Items", []) or [] if d.get("Enabled", True)]


def _behaviours(dist: dict[str, Any]) -> list[dict[str, Any]]:
    return [dist.get("DefaultCacheBehavior") or {}, *((dist.get("CacheBehaviors") or {}).get("Items") or [])]


def caches(behaviour: dict[str, Any]) -> bool:
    """True when a cache behaviour keeps responses at the edge for some time."""
    policy = behaviour.get("CachePolicyId")
    if policy:
        return policy != CACHING_DISABLED
    # Legacy settings: caching is off only when every TTL is zero.
    return any(int(behaviour.get(ttl) or 0) > 0 for ttl in ("DefaultTTL", "MaxTTL"))


def edge_code(behaviour: dict[str, Any]) -> list[str]:
    """``Lambda@Edge`` / ``CloudFront Functions`` for the edge code a behaviour runs."""
    out = []
    if (behaviour.get("LambdaFunctionAssociations") or {}).get("Quantity"):
        out.append("Lambda@Edge")
    if (behaviour.get("FunctionAssociations") or {}).get("Quantity"):
        out.append("CloudFront Functions")
    return out


@check(
    id="cloudfront.edge_caching",
    title="CloudFront caches content at the edge",
    service="cloudfront",
    scope="global",
    severity="low",
    effort="low",
    description="""Every enabled CloudFront distribution caches in its default cache behaviour or in at least
        one other behaviour (a cache policy other than the managed CachingDisabled one, or legacy TTLs above
        zero), so repeated requests are answered from an edge location near the user instead of travelling
        to the origin. A distribution that only proxies an API may rightly cache nothing; compression is
        reported alongside. Reads the distribution list the HTTP/3 check reads.""",
    remediation="""Attach a cache policy (the managed CachingOptimized one for static content, a custom one
        keyed on the few headers and query strings that change the response for APIs) and turn on
        compression; keep CachingDisabled only for paths that must reach the origin every time.""",
    reads=["cloudfront:ListDistributions"],
)
def edge_caching(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per enabled distribution."""
    for dist in distributions(ctx):
        behaviours = _behaviours(dist)
        caching = [b.get("PathPattern", "default") for b in behaviours if caches(b)]
        observed = {"distribution": dist["Id"], "domain": dist.get("DomainName"), "caching_behaviours": caching,
                    "behaviours": len(behaviours), "compressed": any(b.get("Compress") for b in behaviours)}
        if caching:
            yield ctx.passed(dist["ARN"], f"CloudFront distribution {dist['Id']} caches at the edge "
                             f"({', '.join(caching[:3])})", observed)
        else:
            yield ctx.failed(dist["ARN"], f"CloudFront distribution {dist['Id']} caches nothing: every request "
                             "travels to the origin", observed)


@check(
    id="cloudfront.edge_functions",
    title="Request and response handling runs at the edge",
    service="cloudfront",
    scope="global",
    severity="low",
    effort="medium",
    description="""Where the account has enabled CloudFront distributions, at least one cache behaviour runs
        Lambda@Edge or CloudFront Functions, so work such as redirects, header rewriting, authorisation or
        image variants runs at an edge location close to the user instead of in the origin region. Whether
        the workload has such work to move is for the reviewer. Reads the distribution list the HTTP/3 check
        reads.""",
    remediation="""Move request and response manipulation that needs no origin data (redirects, URL rewrites,
        header changes, token checks) to CloudFront Functions, and heavier per-request work to Lambda@Edge.""",
    reads=["cloudfront:ListDistributions"],
)
def edge_functions(ctx: CheckContext) -> Iterator[Finding]:
    """One account-level finding where distributions exist."""
    found = distributions(ctx)
    if not found:
        return
    running = {d["Id"]: sorted({kind for b in _behaviours(d) for kind in edge_code(b)}) for d in found}
    with_code = {name: kinds for name, kinds in running.items() if kinds}
    observed = {"distributions": len(found), "with_edge_code": with_code}
    resource = ctx.account_resource(region=GLOBAL)
    if with_code:
        shown = "; ".join(f"{name} ({', '.join(kinds)})" for name, kinds in list(with_code.items())[:3])
        yield ctx.passed(resource, f"{len(with_code)} of {len(found)} CloudFront distributions run code at the edge: "
                         f"{shown}", observed)
    else:
        yield ctx.failed(resource, f"None of the {len(found)} CloudFront distributions runs Lambda@Edge or CloudFront "
                         "Functions", observed)
