"""Cost controls and shared resources: service control policies that keep spending to the agreed regions
and instance types, and resources shared through AWS RAM instead of duplicated per account."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checks._iam import statements
from checks._organizations import NOT_IN_USE, SCP, scp_read_denied
from scanner.api import CheckContext, Finding, NotAssessed, Reason, check

# Condition keys that limit where and on what size of resource money can be spent (IAM condition keys for
# EC2, RDS, SageMaker and the global aws:RequestedRegion key, Service Authorization Reference).
REGION_KEYS = frozenset({"aws:requestedregion"})
TYPE_KEYS = frozenset({"ec2:instancetype", "rds:databaseclass", "sagemaker:instancetypes", "ec2:instancemarkettype",
                       "elasticache:cachenodetype", "es:instancetype", "redshift:nodetype"})


def guardrail_kinds(document: Any) -> list[str]:
    """``regions`` / ``resource types`` for each cost guardrail a policy's Deny statements impose."""
    kinds = set()
    for statement in statements(document):
        if statement.get("Effect") != "Deny":
            continue
        keys = {key.lower() for operator in (statement.get("Condition") or {}).values() if isinstance(operator, dict)
                for key in operator}
        if keys & REGION_KEYS:
            kinds.add("regions")
        if keys & TYPE_KEYS:
            kinds.add("resource types")
    return sorted(kinds)


@check(
    id="organizations.cost_guardrail_scps",
    title="Service control policies limit regions or instance types",
    service="organizations",
    scope="global",
    severity="medium",
    effort="medium",
    description="""The organization attaches at least one custom service control policy whose Deny statements
        test aws:RequestedRegion (spending only in the agreed regions) or an instance-type key such as
        ec2:InstanceType or rds:DatabaseClass (no oversized or unapproved resource types), the preventive cost
        control AWS names beside budgets. Policies are read with one DescribePolicy each; reading them needs
        the management account or a delegated administrator. IAM policies and permission boundaries that do
        the same inside one account are not read here.""",
    remediation="""Attach an SCP to the root or the workload OUs that denies actions outside the approved regions
        (a Deny with StringNotEquals on aws:RequestedRegion, exempting global services) and one that denies
        launching instance types outside an approved list (ec2:InstanceType, rds:DatabaseClass).""",
    reads=["organizations:DescribeOrganization", "organizations:ListPolicies", "organizations:DescribePolicy",
           "organizations:ListTargetsForPolicy"],
)
def cost_guardrail_scps(ctx: CheckContext) -> Iterator[Finding]:
    """One finding for the organization."""
    answer = ctx.call("organizations", "DescribeOrganization", absent=(NOT_IN_USE,))
    if answer is None:
        yield ctx.not_assessed(ctx.account_resource("organizations"), NotAssessed(
            Reason.NOT_ENABLED, "the account is not in an AWS Organization, so service control policies do not "
                                "apply", code=NOT_IN_USE))
        return
    org = answer["Organization"]
    if org.get("FeatureSet") != "ALL":
        yield ctx.failed(org["Arn"], f"Organization {org.get('Id')} runs with {org.get('FeatureSet')} only: service "
                         "control policies are unavailable", {"feature_set": org.get("FeatureSet")})
        return
    try:
        # Same parameters as organizations.scps_in_use, so both share one read of the policies and targets.
        policies = [p for p in ctx.call("organizations", "ListPolicies", Filter=SCP,
                                        required=("Policies",)).get("Policies", []) if not p.get("AwsManaged")]

        def read(policy: dict[str, Any]) -> dict[str, Any]:
            detail = ctx.call("organizations", "DescribePolicy", PolicyId=policy["Id"], required=("Policy",))
            kinds = guardrail_kinds((detail["Policy"] or {}).get("Content"))
            targets = ctx.call("organizations", "ListTargetsForPolicy", PolicyId=policy["Id"],
                               required=("Targets",)).get("Targets", []) if kinds else []
            return {"policy": policy.get("Name", policy["Id"]), "limits": kinds,
                    "targets": [t.get("Name") or t.get("TargetId") for t in targets]}

        read_all = ctx.map(read, policies)
    except NotAssessed as exc:
        raise scp_read_denied(exc, org.get("MasterAccountId", "")) from exc
    guardrails = [p for p in read_all if p["limits"] and p["targets"]]
    observed = {"organization": org.get("Id"), "custom_scps": len(policies), "cost_guardrails": guardrails,
                "unattached_guardrails": [p["policy"] for p in read_all if p["limits"] and not p["targets"]]}
    if guardrails:
        shown = "; ".join(f"{p['policy']} limits {' and '.join(p['limits'])}" for p in guardrails[:3])
        yield ctx.passed(org["Arn"], f"Service control policies of {org.get('Id')} limit spending: {shown}", observed)
    else:
        yield ctx.failed(org["Arn"], f"No attached service control policy of {org.get('Id')} limits regions or "
                         "instance types", observed)


@check(
    id="ram.resources_shared",
    title="Common resources are shared through AWS RAM",
    service="ram",
    severity="low",
    effort="medium",
    description="""The region has at least one active AWS RAM resource share that this account owns or that
        another account shares with it (GetResourceShares, once for each side): subnets, Transit Gateways,
        resolver rules, license configurations and the like are used from one place instead of being
        rebuilt, and paid for, in every account. Sharing by other means (resource policies on buckets, keys
        or images) is not seen.""",
    remediation="""Host common networking and platform resources in a shared-services account and share them
        with the workload accounts through AWS RAM (ram create-resource-share), with sharing inside the
        organization enabled.""",
    reads=["ram:GetResourceShares"],
)
def resources_shared(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per region."""
    sides: dict[str, list[dict[str, Any]]] = {}
    for owner in ("SELF", "OTHER-ACCOUNTS"):
        shares = ctx.call("ram", "GetResourceShares", resourceOwner=owner,
                          required=("resourceShares",)).get("resourceShares", [])
        sides[owner] = [s for s in shares if s.get("status") == "ACTIVE"]
    observed = {"owned_shares": [s.get("name") for s in sides["SELF"]][:20],
                "received_shares": [s.get("name") for s in sides["OTHER-ACCOUNTS"]][:20]}
    resource = ctx.account_resource()
    if sides["SELF"] or sides["OTHER-ACCOUNTS"]:
        yield ctx.passed(resource, f"{len(sides['SELF'])} resource share(s) owned and {len(sides['OTHER-ACCOUNTS'])} "
                         f"received through AWS RAM in {ctx.region}", observed)
    else:
        yield ctx.failed(resource, f"No active AWS RAM resource share in {ctx.region}, owned or received", observed)
