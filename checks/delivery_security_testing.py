"""Security testing in the development lifecycle: Amazon Inspector scans connected code repositories."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scanner.api import CheckContext, Finding, NotAssessed, Reason, check


def _scans(config: dict[str, Any]) -> list[str]:
    """When a scan configuration runs: on push or pull request events, and/or periodically."""
    when = [str(e).lower().replace("_", " ") for e in config.get("continuousIntegrationScanSupportedEvents") or []]
    if config.get("periodicScanFrequency") not in (None, "NEVER"):
        when.append(str(config["periodicScanFrequency"]).lower())
    return when


@check(
    id="inspector2.code_repositories_scanned",
    title="Amazon Inspector scans code repositories as they change",
    service="inspector2",
    scope="global",
    severity="medium",
    effort="medium",
    description="""In a scanned region Amazon Inspector code security has an active integration with a source
        code provider (GitHub, GitLab) and a scan configuration that runs on push or pull request events or on
        a schedule (ListCodeSecurityIntegrations, ListCodeSecurityScanConfigurations), so application code,
        its dependencies and its infrastructure as code are tested for security flaws as part of
        development. Integrations and configurations are listed per region. Security testing by other tools
        (in a CI job, a vendor's scanner) is not visible to this check.""",
    remediation="""Connect the source code provider to Amazon Inspector code security and create a scan
        configuration that scans on push and pull request (SAST, SCA and IaC rule sets) for the workload's
        repositories; fail builds on findings of high severity.""",
    reads=["inspector2:ListCodeSecurityIntegrations", "inspector2:ListCodeSecurityScanConfigurations"],
)
def code_repositories_scanned(ctx: CheckContext) -> Iterator[Finding]:
    """One account-level finding."""
    found: dict[str, dict[str, Any]] = {}
    errors: list[NotAssessed] = []
    for region in ctx.regions:
        try:
            integrations = ctx.call("inspector2", "ListCodeSecurityIntegrations", region=region).get("integrations", [])
            configs = ctx.call("inspector2", "ListCodeSecurityScanConfigurations",
                               region=region).get("configurations", [])
        except NotAssessed as exc:
            errors.append(exc)  # code security is offered in some regions only
            continue
        active = sorted(f"{i.get('name')} ({i.get('type')})" for i in integrations if i.get("status") == "ACTIVE")
        running = {str(c.get("name")): _scans(c) for c in configs if _scans(c)}
        if active or running:
            found[region] = {"active_integrations": active, "scan_configurations": running}
    observed: dict[str, Any] = {"code_security": found}
    scanning = sorted(r for r, v in found.items() if v["active_integrations"] and v["scan_configurations"])
    if scanning:
        yield ctx.passed(ctx.account_resource(), "Amazon Inspector scans connected code repositories in "
                         f"{', '.join(scanning)}", observed)
    elif errors and (len(errors) == len(ctx.regions) or any(e.reason == Reason.ACCESS_DENIED for e in errors)):
        # A refused region may hold the integration: no verdict. Regions without the feature are skipped.
        yield ctx.not_assessed(ctx.account_resource(), next(
            (e for e in errors if e.reason == Reason.ACCESS_DENIED), errors[0]))
    else:
        if errors:
            observed["regions_not_read"] = len(errors)
        yield ctx.failed(ctx.account_resource(), "No Amazon Inspector code security integration with a running "
                         "scan configuration in the scanned regions", observed)
