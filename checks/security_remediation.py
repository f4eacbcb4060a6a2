"""Non-compliant resources start remediation and findings are triaged by rules, not only by people."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scanner.api import CheckContext, Finding, check

BATCH = 25  # DescribeRemediationConfigurations takes at most 25 rule names


def config_rules(ctx: CheckContext) -> list[dict[str, Any]]:
    """The region's Config rules (the same DescribeConfigRules read the Config rule adapter makes)."""
    return ctx.call("config", "DescribeConfigRules", required=("ConfigRules",)).get("ConfigRules", [])


@check(
    id="config.remediation_automated",
    title="Config rules remediate non-compliant resources automatically",
    service="config",
    severity="medium",
    effort="medium",
    description="""At least one AWS Config rule of the region has an automatic remediation action: a
        Systems Manager Automation document that Config runs when the rule finds a resource non-compliant
        (DescribeRemediationConfigurations, 25 rules per call). Remediation configured as manual only waits for
        a person and is listed but does not pass. Remediation started another way (EventBridge rules calling
        Lambda, Security Hub custom actions) is not seen.""",
    remediation="""Attach an automatic remediation to the rules whose fix is safe to apply unattended
        (config put-remediation-configurations --remediation-configurations
        ConfigRuleName=...,TargetType=SSM_DOCUMENT,TargetId=AWS-...,Automatic=true), with retry limits, and
        alarm on failed remediation executions.""",
    reads=["config:DescribeConfigRules", "config:DescribeRemediationConfigurations"],
)
def remediation_automated(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per region."""
    resource = ctx.account_resource()
    names = [r["ConfigRuleName"] for r in config_rules(ctx) if r.get("ConfigRuleState", "ACTIVE") == "ACTIVE"]
    if not names:
        yield ctx.failed(resource, f"No active AWS Config rule in {ctx.region}, so nothing starts a remediation",
                         {"rules": 0, "automatic": [], "manual": []})
        return
    configs: list[dict[str, Any]] = []
    for start in range(0, len(names), BATCH):
        batch = names[start:start + BATCH]
        configs += ctx.call("config", "DescribeRemediationConfigurations",
                            ConfigRuleNames=batch).get("RemediationConfigurations", [])
    automatic = sorted(f"{c['ConfigRuleName']}: {c.get('TargetId')}" for c in configs if c.get("Automatic"))
    manual = sorted(f"{c['ConfigRuleName']}: {c.get('TargetId')}" for c in configs if not c.get("Automatic"))
    observed = {"rules": len(names), "automatic": automatic, "manual": manual}
    if automatic:
        yield ctx.passed(resource, f"{len(automatic)} of {len(names)} AWS Config rules in {ctx.region} remediate "
                         "automatically", observed)
    elif manual:
        yield ctx.failed(resource, f"AWS Config remediation in {ctx.region} is manual only ({len(manual)} rules): "
                         "a person must start each fix", observed)
    else:
        yield ctx.failed(resource, f"None of the {len(names)} AWS Config rules in {ctx.region} has a remediation "
                         "action", observed)


@check(
    id="securityhub.automation_rules_enabled",
    title="Security Hub automation rules triage findings",
    service="securityhub",
    severity="low",
    effort="medium",
    description="""Security Hub has at least one enabled automation rule in the region (ListAutomationRules):
        a rule that updates matching findings as they arrive (severity, workflow status, notes, user-defined
        fields), so findings reach investigators already enriched and prioritised. Automation rules are kept
        by the Security Hub administrator account; where Security Hub is off the region fails. Enrichment done
        outside Security Hub (a SIEM, Lambda functions on EventBridge) is not seen.""",
    remediation="""Write automation rules for the triage the team does by hand: raise the severity of findings
        on production or sensitive resources, note the owning team, suppress accepted findings
        (securityhub create-automation-rule), from the administrator account.""",
    reads=["securityhub:ListAutomationRules"],
)
def automation_rules_enabled(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per region."""
    resource = ctx.account_resource()
    answer = ctx.call("securityhub", "ListAutomationRules", MaxResults=100,
                      absent=("InvalidAccessException",))
    if answer is None:
        yield ctx.failed(resource, f"Security Hub is not enabled in {ctx.region}, so no automation rule runs",
                         {"hub_enabled": False, "enabled_rules": []})
        return
    rules = answer.get("AutomationRulesMetadata", [])
    enabled = sorted(r.get("RuleName", "") for r in rules if r.get("RuleStatus") == "ENABLED")
    observed = {"hub_enabled": True, "enabled_rules": enabled,
                "disabled_rules": sorted(r.get("RuleName", "") for r in rules if r.get("RuleStatus") != "ENABLED")}
    if enabled:
        yield ctx.passed(resource, f"Security Hub in {ctx.region} applies {len(enabled)} automation rule(s) to "
                         "incoming findings", observed)
    else:
        yield ctx.failed(resource, f"Security Hub in {ctx.region} has no enabled automation rule", observed)
