"""IAM Access Analyzer findings as evidence: active external-access and unused-access findings per type.

Access Analyzer has already worked out which resources are shared outside the account or organization
and which roles, keys, passwords and permissions go unused. This adapter lists each active analyzer's
active findings (``ListFindingsV2``, paginated, one call per analyzer) and reports them under
``accessanalyzer.finding.<finding type>`` (``accessanalyzer.finding.ExternalAccess``): a fail per resource
with an active finding, and a pass per region for a finding type an analyzer watches and found nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checks._adapter import adapted, emitted_id, service_off
from scanner.api import CheckContext, Finding, Status, check

PREFIX = "accessanalyzer.finding."
# Analyzer type -> the finding types it produces.
WATCHES = {
    "ACCOUNT": ("ExternalAccess",), "ORGANIZATION": ("ExternalAccess",),
    "ACCOUNT_UNUSED_ACCESS": ("UnusedIAMRole", "UnusedIAMUserAccessKey", "UnusedIAMUserPassword", "UnusedPermission"),
    "ORGANIZATION_UNUSED_ACCESS": ("UnusedIAMRole", "UnusedIAMUserAccessKey", "UnusedIAMUserPassword",
                                   "UnusedPermission"),
}
FINDING_TYPES = sorted({t for types in WATCHES.values() for t in types})


@check(
    id="accessanalyzer.finding_results",
    title="IAM Access Analyzer findings",
    service="accessanalyzer",
    severity="high",
    description="""Lists the active findings of every active IAM Access Analyzer in the region
        (ListAnalyzers, then ListFindingsV2 per analyzer, status ACTIVE) and reports them under
        accessanalyzer.finding.<finding type>: each resource with an active external-access or unused-access
        finding fails; a finding type an analyzer watches with no active finding passes for the region. A
        region without an active analyzer is reported once as not assessed.""",
    remediation="""Review each active finding: remove access that is not intended (or archive it with an
        archive rule that records why), and remove unused roles, keys, passwords and permissions.""",
    reads=["accessanalyzer:ListAnalyzers", "accessanalyzer:ListFindingsV2"],
    emits=[PREFIX + t for t in FINDING_TYPES],
)
def access_analyzer_findings(ctx: CheckContext) -> Iterator[Finding]:
    """Fails per resource with an active finding, a pass per watched type with none."""
    analyzers = [a for a in ctx.call("accessanalyzer", "ListAnalyzers", required=("analyzers",)).get("analyzers", [])
                 if a.get("status") == "ACTIVE" and a.get("type") in WATCHES]
    if not analyzers:
        yield service_off(ctx, f"IAM Access Analyzer has no active analyzer in {ctx.region}",
                          "accessanalyzer:ListAnalyzers", ctx.account_resource("access-analyzer"))
        return

    def findings(analyzer: dict[str, Any]) -> list[dict[str, Any]]:
        return ctx.call("accessanalyzer", "ListFindingsV2", analyzerArn=analyzer["arn"],
                        filter={"status": {"eq": ["ACTIVE"]}}).get("findings", [])

    watched: dict[str, list[str]] = {}
    flagged: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for analyzer, found in zip(analyzers, ctx.map(findings, analyzers), strict=True):
        for kind in WATCHES[analyzer["type"]]:
            watched.setdefault(kind, []).append(analyzer["name"])
        for item in found:
            if item.get("status", "ACTIVE") != "ACTIVE" or item.get("findingType") not in FINDING_TYPES:
                continue
            flagged.setdefault((item["findingType"], item.get("resource") or ctx.account_resource()), []).append(
                {"id": item.get("id"), "analyzer": analyzer["name"], "resource_type": item.get("resourceType"),
                 "resource_owner": item.get("resourceOwnerAccount")})
    for (kind, resource), items in sorted(flagged.items()):
        observed = {"finding_type": kind, "findings": items, "source": f"IAM Access Analyzer {kind} findings"}
        yield adapted(ctx, emitted_id(PREFIX, kind), Status.FAIL, resource,
                      f"IAM Access Analyzer has {len(items)} active {kind} finding(s) for {resource}", observed)
    for kind, names in sorted(watched.items()):
        if not any(k == kind for k, _ in flagged):
            yield adapted(ctx, emitted_id(PREFIX, kind), Status.PASS, ctx.account_resource("access-analyzer"),
                          f"IAM Access Analyzer ({', '.join(sorted(names))}) has no active {kind} finding in "
                          f"{ctx.region}", {"finding_type": kind, "analyzers": sorted(names), "findings": []})
