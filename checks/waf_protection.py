"""AWS WAF in front of public web endpoints, and web ACLs whose rules adjust themselves to new threats."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scanner.api import CheckContext, Finding, NotAssessed, check

REGIONAL = "REGIONAL"
ALB = "APPLICATION_LOAD_BALANCER"


def regional_web_acls(ctx: CheckContext) -> list[dict[str, Any]]:
    """The region's web ACL summaries (Name, Id, ARN), every page."""
    return ctx.call("wafv2", "ListWebACLs", Scope=REGIONAL, required=("WebACLs",)).get("WebACLs", [])


def _rule_kinds(rule: dict[str, Any]) -> set[str]:
    """What in a rule adjusts to traffic on its own: a managed rule group, a rate-based statement."""
    kinds: set[str] = set()

    def visit(statement: Any) -> None:
        if not isinstance(statement, dict):
            return
        if "ManagedRuleGroupStatement" in statement:
            kinds.add("managed_rule_group")
        if "RateBasedStatement" in statement:
            kinds.add("rate_based")
        for nested in statement.values():  # And/Or/Not statements and scope-down statements nest others
            if isinstance(nested, dict):
                visit(nested)
                visit(nested.get("Statement"))
                for item in nested.get("Statements", []) or []:
                    visit(item)

    visit(rule.get("Statement"))
    return kinds


@check(
    id="wafv2.public_load_balancers_protected",
    title="Internet-facing load balancers are behind AWS WAF",
    service="wafv2",
    severity="medium",
    effort="medium",
    description="""Every internet-facing Application Load Balancer is associated with a regional AWS WAF web
        ACL, so requests are inspected (SQL injection, cross-site scripting, bad inputs, known bad sources)
        before they reach the application. Associations come from ListResourcesForWebACL, one read per web
        ACL. A load balancer reached only through CloudFront with a web ACL there still fails here: restrict
        its security group to CloudFront's managed prefix list, or associate a web ACL with it too.""",
    remediation="""Create a regional web ACL starting from the AWS managed rule groups (core rule set, known
        bad inputs, IP reputation) and associate it with the load balancer (aws wafv2 associate-web-acl
        --web-acl-arn ... --resource-arn <load balancer ARN>); start rules in count mode if unsure.""",
    reads=["elbv2:DescribeLoadBalancers", "wafv2:ListWebACLs", "wafv2:ListResourcesForWebACL"],
)
def public_load_balancers_protected(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per internet-facing Application Load Balancer."""
    balancers = [lb for lb in ctx.call("elbv2", "DescribeLoadBalancers", required=("LoadBalancers",))["LoadBalancers"]
                 if lb.get("Type") == "application" and lb.get("Scheme") == "internet-facing"]
    if not balancers:
        return
    try:
        acls = regional_web_acls(ctx)

        def protected_by(acl: dict[str, Any]) -> list[tuple[str, str]]:
            arns = ctx.call("wafv2", "ListResourcesForWebACL", WebACLArn=acl["ARN"], ResourceType=ALB,
                            required=("ResourceArns",)).get("ResourceArns", [])
            return [(arn, acl["Name"]) for arn in arns]

        associated = dict(pair for pairs in ctx.map(protected_by, acls) for pair in pairs)
    except NotAssessed as exc:
        for lb in balancers:
            yield ctx.not_assessed(lb["LoadBalancerArn"], exc)
        return
    for lb in balancers:
        arn, name = lb["LoadBalancerArn"], lb["LoadBalancerName"]
        acl = associated.get(arn)
        observed = {"load_balancer": name, "dns_name": lb.get("DNSName"), "web_acl": acl}
        if acl:
            yield ctx.passed(arn, f"Load balancer {name} is inspected by web ACL {acl}", observed)
        else:
            yield ctx.failed(arn, f"Internet-facing load balancer {name} has no AWS WAF web ACL", observed)


@check(
    id="wafv2.web_acls_auto_protect",
    title="Web ACLs use managed rule groups or rate-based rules",
    service="wafv2",
    severity="low",
    effort="low",
    description="""Every regional web ACL has at least one rule that protects without someone editing it: a
        managed rule group (AWS's or a Marketplace seller's, updated by its owner as threats change) or a
        rate-based rule (which blocks a source while it sends more requests than the limit). A web ACL of
        fixed IP sets and match rules protects only against what was known when it was written. Rules are
        read with GetWebACL, one read per web ACL. Whether rules are in count or block mode is recorded,
        not judged.""",
    remediation="""Add the AWS managed rule groups that fit the application (AWSManagedRulesCommonRuleSet,
        AWSManagedRulesKnownBadInputsRuleSet, AWSManagedRulesAmazonIpReputationList) and a rate-based rule
        sized from normal peak traffic per client IP.""",
    reads=["wafv2:ListWebACLs", "wafv2:GetWebACL"],
)
def web_acls_auto_protect(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per regional web ACL."""

    def one(summary: dict[str, Any]) -> Finding:
        arn, name = summary["ARN"], summary["Name"]
        try:
            acl = ctx.call("wafv2", "GetWebACL", Name=name, Id=summary["Id"], Scope=REGIONAL,
                           required=("WebACL",))["WebACL"]
        except NotAssessed as exc:
            return ctx.not_assessed(arn, exc)
        rules = acl.get("Rules", [])
        adaptive = {r.get("Name", ""): sorted(_rule_kinds(r)) for r in rules if _rule_kinds(r)}
        counting = sorted(r.get("Name", "") for r in rules if "Count" in (r.get("Action") or {})
                          or "Count" in (r.get("OverrideAction") or {}))
        observed = {"web_acl": name, "rules": len(rules), "adaptive_rules": adaptive, "count_mode_rules": counting,
                    "default_action": sorted((acl.get("DefaultAction") or {}).keys())}
        if adaptive:
            return ctx.passed(arn, f"Web ACL {name} has managed or rate-based rules: {', '.join(sorted(adaptive))}",
                              observed)
        return ctx.failed(arn, f"Web ACL {name} has {len(rules)} rule(s), none a managed rule group or a "
                          "rate-based rule", observed)

    yield from ctx.map(one, regional_web_acls(ctx))
