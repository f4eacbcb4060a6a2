"""Standard security controls arrive by automation: Config rules deployed for the organization or as packs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scanner.api import CheckContext, Finding, check

# How a Config rule shows that it was deployed as part of a baseline rather than created by hand:
# the service that created it (an organization rule, a conformance pack) or its name (AWS Control Tower).
DEPLOYERS = {"config-multiaccountsetup.amazonaws.com": "organization rule",
             "config-conforms.amazonaws.com": "conformance pack"}
NAME_PREFIXES = {"OrgConfigRule-": "organization rule", "AWSControlTower_": "AWS Control Tower control"}
SECURITY_HUB = "securityhub.amazonaws.com"


def _deployed_by(rule: dict[str, Any]) -> str | None:
    by = DEPLOYERS.get(str(rule.get("CreatedBy") or ""))
    if by:
        return by
    name = str(rule.get("ConfigRuleName", ""))
    return next((kind for prefix, kind in NAME_PREFIXES.items() if name.startswith(prefix)), None)


@check(
    id="config.baseline_rules_deployed",
    title="Security rules are deployed as an organization baseline",
    service="config",
    severity="medium",
    effort="medium",
    description="""The region's AWS Config rules include rules deployed as a baseline rather than one by one:
        organization Config rules (created by config-multiaccountsetup), rules of a conformance pack
        (created by config-conforms, organization packs included) or AWS Control Tower controls (named
        AWSControlTower_...). Read from the same DescribeConfigRules answer as the Config rule adapter, so no
        extra call. Controls rolled out by CloudFormation StackSets or Terraform are not told apart from
        hand-made rules, and rules Security Hub creates for its standards are listed but do not pass.""",
    remediation="""Deploy the security baseline to every account and region from the delegated administrator:
        organization conformance packs (config put-organization-conformance-pack), organization Config rules,
        or AWS Control Tower controls, and Security Hub central configuration for its standards.""",
    reads=["config:DescribeConfigRules"],
)
def baseline_rules_deployed(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per region."""
    rules = [r for r in ctx.call("config", "DescribeConfigRules", required=("ConfigRules",)).get("ConfigRules", [])
             if r.get("ConfigRuleState", "ACTIVE") == "ACTIVE"]
    kinds: dict[str, int] = {}
    for rule in rules:
        kind = _deployed_by(rule)
        if kind:
            kinds[kind] = kinds.get(kind, 0) + 1
    observed = {"rules": len(rules), "baseline_rules": dict(sorted(kinds.items())),
                "security_hub_rules": sum(1 for r in rules if r.get("CreatedBy") == SECURITY_HUB)}
    resource = ctx.account_resource()
    if kinds:
        shown = ", ".join(f"{n} from {'an' if k[0] in 'aeiouAEIOU' else 'a'} {k}" for k, n in sorted(kinds.items()))
        yield ctx.passed(resource, f"{sum(kinds.values())} of {len(rules)} AWS Config rules in {ctx.region} were "
                         f"deployed as a baseline ({shown})", observed)
    elif rules:
        yield ctx.failed(resource, f"None of the {len(rules)} AWS Config rules in {ctx.region} was deployed by an "
                         "organization rule, a conformance pack or Control Tower", observed)
    else:
        yield ctx.failed(resource, f"No active AWS Config rule in {ctx.region}", observed)
