"""Load balancer listeners encrypt traffic, with TLS policies that refuse outdated protocol versions."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scanner.api import CheckContext, Finding, NotAssessed, Severity, check

_TLS = {"HTTPS", "TLS"}
_VERSIONS = {"SSLv2": 0.2, "SSLv3": 0.3, "TLSv1": 1.0, "TLSv1.1": 1.1, "TLSv1.2": 1.2, "TLSv1.3": 1.3}
# Predefined policy names whose lowest protocol is TLS 1.2 or later; consulted only when
# DescribeSSLPolicies does not know a policy.
_MODERN_NAME_PARTS = ("TLS13-1-2", "TLS13-1-3", "TLS-1-2", "FS-1-2")


def listeners(ctx: CheckContext) -> Iterator[tuple[dict[str, Any], dict[str, Any] | NotAssessed]]:
    """(load balancer, listener) for every listener of every application and network load balancer;
    (load balancer, NotAssessed) where a load balancer's listeners cannot be read."""
    for lb in ctx.call("elbv2", "DescribeLoadBalancers", required=("LoadBalancers",)).get("LoadBalancers", []):
        if lb.get("Type") == "gateway":
            continue  # GENEVE listeners carry no application traffic to encrypt
        try:
            found = ctx.call("elbv2", "DescribeListeners", LoadBalancerArn=lb["LoadBalancerArn"])
        except NotAssessed as exc:
            yield lb, exc
            continue
        for listener in found.get("Listeners", []):
            yield lb, listener


def _base(lb: dict[str, Any], listener: dict[str, Any]) -> dict[str, Any]:
    return {"load_balancer": lb.get("LoadBalancerName"), "type": lb.get("Type"),
            "scheme": lb.get("Scheme", "internet-facing"), "protocol": listener.get("Protocol"),
            "port": listener.get("Port")}


def _label(lb: dict[str, Any], listener: dict[str, Any]) -> str:
    return f"Listener {listener.get('Protocol')}:{listener.get('Port')} of {lb.get('LoadBalancerName')}"


@check(
    id="elb.listeners_use_tls",
    title="Load balancer listeners use TLS",
    service="elbv2",
    severity="high",
    effort="medium",
    description="""Every HTTP listener of an application load balancer redirects to HTTPS; HTTPS and TLS
        listeners pass. Plain TCP and UDP listeners of network load balancers are not assessed (they may
        pass TLS through to the targets).""",
    remediation="""Add an HTTPS listener with an ACM certificate and change the HTTP listener's default
        action to a redirect to HTTPS (status 301).""",
    reads=["elbv2:DescribeLoadBalancers", "elbv2:DescribeListeners"],
)
def listeners_use_tls(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per HTTP, HTTPS or TLS listener; an internal load balancer's plain HTTP is medium."""
    for lb, listener in listeners(ctx):
        if isinstance(listener, NotAssessed):
            yield ctx.not_assessed(lb["LoadBalancerArn"], listener)
            continue
        protocol = listener.get("Protocol")
        if protocol not in _TLS | {"HTTP"}:
            continue
        actions = listener.get("DefaultActions") or []
        redirect = next((a.get("RedirectConfig") or {} for a in actions if a.get("Type") == "redirect"), {})
        observed = _base(lb, listener) | {"default_actions": [a.get("Type") for a in actions],
                                          "redirect_protocol": redirect.get("Protocol")}
        arn, label = listener["ListenerArn"], _label(lb, listener)
        if protocol in _TLS:
            yield ctx.passed(arn, f"{label} uses {protocol}", observed)
        elif redirect.get("Protocol") == "HTTPS":
            yield ctx.passed(arn, f"{label} redirects to HTTPS", observed)
        else:
            internal = observed["scheme"] == "internal"
            yield ctx.failed(arn, f"{label} serves plain HTTP{' (internal)' if internal else ''} without "
                             "redirecting to HTTPS", observed,
                             severity=Severity.MEDIUM if internal else None)


def _lowest_version(protocols: list[str]) -> float | None:
    known = [_VERSIONS[p] for p in protocols if p in _VERSIONS]
    return min(known) if known else None


@check(
    id="elb.tls_policy_current",
    title="Load balancer TLS policies refuse outdated protocols",
    service="elbv2",
    severity="medium",
    effort="low",
    description="""Every HTTPS and TLS listener uses a security policy whose lowest protocol is at least
        the minimum_tls option (TLS 1.2 by default), judged from the protocols DescribeSSLPolicies lists
        for the policy.""",
    remediation="""Change the listener's security policy to a TLS 1.2+ policy such as
        ELBSecurityPolicy-TLS13-1-2-2021-06 (the console default), after checking that no client still
        needs TLS 1.0 or 1.1.""",
    reads=["elbv2:DescribeLoadBalancers", "elbv2:DescribeListeners", "elbv2:DescribeSSLPolicies"],
    options={"minimum_tls": "1.2"},
)
def tls_policy_current(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per HTTPS or TLS listener of the region."""
    minimum = float(ctx.option("minimum_tls"))
    policies: dict[str, list[str]] | None = None
    for lb, listener in listeners(ctx):
        if isinstance(listener, NotAssessed):
            yield ctx.not_assessed(lb["LoadBalancerArn"], listener)
            continue
        if listener.get("Protocol") not in _TLS:
            continue
        arn, label, name = listener["ListenerArn"], _label(lb, listener), listener.get("SslPolicy") or ""
        if policies is None:
            try:
                answer = ctx.call("elbv2", "DescribeSSLPolicies")
            except NotAssessed as exc:
                yield ctx.not_assessed(arn, exc)
                continue
            policies = {p["Name"]: list(p.get("SslProtocols") or []) for p in answer.get("SslPolicies", [])}
        protocols = policies.get(name)
        lowest = _lowest_version(protocols) if protocols else None
        judged_by = "DescribeSSLPolicies"
        if lowest is None:
            judged_by = "policy name"
            lowest = 1.2 if any(part in name for part in _MODERN_NAME_PARTS) else 1.0
        observed = _base(lb, listener) | {"ssl_policy": name, "ssl_protocols": protocols,
                                          "lowest_tls": lowest, "minimum_tls": minimum, "judged_by": judged_by}
        if lowest >= minimum:
            yield ctx.passed(arn, f"{label} uses policy {name} (TLS {lowest} and later)", observed)
        else:
            guess = " (judged by its name)" if judged_by == "policy name" else ""
            yield ctx.failed(arn, f"{label} uses policy {name}, which still accepts "
                             f"{'TLS ' + str(lowest) if lowest >= 1 else 'SSL'}{guess}", observed)
