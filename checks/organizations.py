"""Service control policies as permission guardrails over the organization's member accounts."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from typing import Any

from checks._organizations import NOT_IN_USE, SCP, scp_read_denied
from scanner.api import CheckContext, Finding, NotAssessed, Reason, check


def _walk(ctx: CheckContext, root_id: str, targeted: dict[str, list[str]]) -> Iterator[tuple[dict[str, Any],
                                                                                              list[str], list[str]]]:
    """(account, OU path, custom SCPs applying to it) for every account under the root, breadth first."""
    queue: deque[tuple[str, list[str], list[str]]] = deque([(root_id, [], targeted.get(root_id, []))])
    while queue:
        parent, path, inherited = queue.popleft()
        for account in ctx.call("organizations", "ListAccountsForParent", ParentId=parent,
                                required=("Accounts",)).get("Accounts", []):
            yield account, path, inherited + targeted.get(account["Id"], [])
        for ou in ctx.call("organizations", "ListOrganizationalUnitsForParent",
                           ParentId=parent).get("OrganizationalUnits", []):
            queue.append((ou["Id"], path + [ou.get("Name", ou["Id"])], inherited + targeted.get(ou["Id"], [])))


@check(
    id="organizations.scps_in_use",
    title="Member accounts are under a service control policy",
    service="organizations",
    scope="global",
    severity="medium",
    effort="medium",
    description="""In an AWS Organization with all features, every member account is governed by at least
        one custom service control policy (attached to the root, an OU on its path, or the account itself);
        AWS's FullAWSAccess does not count. One finding per member account; the management account is left
        out because SCPs never restrict it. An account outside any organization is not assessed (reason
        not_enabled): SCPs do not exist there, and that is neither evidence of guardrails nor against
        them. Reading SCPs needs the management account or a delegated administrator.""",
    remediation="""Enable all features and the SCP policy type, then attach guardrail SCPs to the root or to
        OUs (deny leaving the organization, disabling CloudTrail, GuardDuty or Config, unused regions, root
        user actions) and move every account into an OU.""",
    reads=["organizations:DescribeOrganization", "organizations:ListRoots", "organizations:ListPolicies",
           "organizations:ListTargetsForPolicy", "organizations:ListAccountsForParent",
           "organizations:ListOrganizationalUnitsForParent"],
)
def scps_in_use(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per member account, or one for the organization when SCPs are not available at all."""
    answer = ctx.call("organizations", "DescribeOrganization", absent=(NOT_IN_USE,))
    if answer is None:
        yield ctx.not_assessed(ctx.account_resource("organizations"), NotAssessed(
            Reason.NOT_ENABLED, "the account is not in an AWS Organization, so service control policies do not "
                                "apply", code=NOT_IN_USE))
        return
    org = answer["Organization"]
    management = org.get("MasterAccountId", "")
    observed: dict[str, Any] = {"organization": org.get("Id"), "feature_set": org.get("FeatureSet"),
                                "management_account": management}
    if org.get("FeatureSet") != "ALL":
        yield ctx.failed(org["Arn"], f"Organization {org.get('Id')} runs with {org.get('FeatureSet')} only: service "
                                     "control policies are unavailable", observed)
        return
    try:
        roots = ctx.call("organizations", "ListRoots", required=("Roots",)).get("Roots", [])
        root = roots[0]
        types = {t["Type"]: t.get("Status") for t in root.get("PolicyTypes", [])}
        observed["scp_policy_type"] = types.get(SCP, "DISABLED")
        if types.get(SCP) != "ENABLED":
            yield ctx.failed(org["Arn"], f"The SCP policy type is not enabled on the root of {org.get('Id')}",
                             observed)
            return
        policies = ctx.call("organizations", "ListPolicies", Filter=SCP, required=("Policies",)).get("Policies", [])
        custom = [p for p in policies if not p.get("AwsManaged")]
        targeted: dict[str, list[str]] = {}
        for policy in custom:
            for target in ctx.call("organizations", "ListTargetsForPolicy", PolicyId=policy["Id"],
                                   required=("Targets",)).get("Targets", []):
                targeted.setdefault(target["TargetId"], []).append(policy.get("Name", policy["Id"]))
        accounts = list(_walk(ctx, root["Id"], targeted))
    except NotAssessed as exc:
        raise scp_read_denied(exc, management) from exc
    members = [item for item in accounts if item[0]["Id"] != management]
    if not members:
        yield ctx.not_assessed(org["Arn"], NotAssessed(
            Reason.NOT_ENABLED, f"organization {org.get('Id')} has no member accounts; SCPs never restrict the "
                                "management account"))
        return
    for account, path, applied in members:
        names = sorted(set(applied))
        seen = {"account_id": account["Id"], "account_name": account.get("Name"), "status": account.get("Status"),
                "ou_path": path, "custom_scps": names, "custom_scps_in_organization": len(custom)}
        where = "/".join(["Root", *path])
        label = f"Account {account.get('Name', account['Id'])} ({account['Id']}, {where})"
        if names:
            yield ctx.passed(account["Arn"], f"{label} is under SCP {', '.join(names)}", seen)
        else:
            yield ctx.failed(account["Arn"], f"{label} is under no custom SCP (FullAWSAccess only)", seen)
