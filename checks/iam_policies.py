"""Full administrator grants: customer policies allowing every action on every resource, and IAM users
holding administrator access (directly, inline or through a group), from GetAccountAuthorizationDetails."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checks._iam import (
    admin_managed_policy_arns,
    authorization_details,
    default_version_document,
    grants_full_admin,
    is_aws_managed,
)
from scanner.api import CheckContext, Finding, check


def _admin_inline(items: list[dict[str, Any]]) -> list[str]:
    """Names of the inline policies among ``items`` that grant full admin."""
    return [p.get("PolicyName", "?") for p in items if grants_full_admin(p.get("PolicyDocument"))]


@check(
    id="iam.no_full_admin_policies",
    title="No customer policy grants full administrator access",
    service="iam",
    scope="global",
    severity="high",
    effort="medium",
    description="""Customer managed policies (their default version) and inline policies of users, groups
        and roles that allow Action "*" on Resource "*". One finding per customer managed policy and per
        principal with inline policies. AWS managed policies are left to iam.no_admin_users.
        CIS AWS Foundations 1.16, Security Hub IAM.1 and IAM.21.""",
    remediation="""Replace "*:*" grants with policies scoped to the actions and resources the job needs
        (IAM Access Analyzer can generate one from CloudTrail activity); keep administrator access to a few
        roles assumed through federation.""",
    reads=["iam:GetAccountAuthorizationDetails"],
)
def no_full_admin_policies(ctx: CheckContext) -> Iterator[Finding]:
    """Fail for each customer policy and each principal's inline policy set that grants ``*`` on ``*``."""
    details = authorization_details(ctx)
    for policy in details.get("Policies", []):
        if is_aws_managed(policy["Arn"]):
            continue
        name = policy.get("PolicyName") or policy["Arn"].rsplit("/", 1)[-1]
        document = default_version_document(policy)
        observed = {"policy": name, "attachment_count": policy.get("AttachmentCount"),
                    "default_version": policy.get("DefaultVersionId")}
        if document is not None and grants_full_admin(document):
            yield ctx.failed(policy["Arn"], f"Policy {name} allows every action on every resource "
                                            f"(attached {policy.get('AttachmentCount', '?')} times)", observed)
        else:
            yield ctx.passed(policy["Arn"], f"Policy {name} does not grant full administrator access", observed)
    for kind, key, list_key in (("user", "UserName", "UserDetailList"), ("group", "GroupName", "GroupDetailList"),
                                ("role", "RoleName", "RoleDetailList")):
        inline_key = {"user": "UserPolicyList", "group": "GroupPolicyList", "role": "RolePolicyList"}[kind]
        for principal in details.get(list_key, []):
            inline = principal.get(inline_key) or []
            if not inline:
                continue
            admin = _admin_inline(inline)
            observed = {kind: principal[key], "inline_policies": [p.get("PolicyName") for p in inline],
                        "full_admin_inline_policies": admin}
            if admin:
                yield ctx.failed(principal["Arn"], f"IAM {kind} {principal[key]} has inline policy "
                                                   f"{', '.join(admin)} allowing every action on every resource",
                                 observed)
            else:
                yield ctx.passed(principal["Arn"], f"IAM {kind} {principal[key]}: no inline policy grants full "
                                                   "administrator access", observed)


@check(
    id="iam.no_admin_users",
    title="IAM users do not hold administrator access",
    service="iam",
    scope="global",
    severity="high",
    effort="medium",
    description="""IAM users with AdministratorAccess or any policy allowing "*" on "*": attached to the
        user, inline in the user, or attached or inline in one of the user's groups. Administrator work
        belongs to roles assumed for the task, with temporary credentials.""",
    remediation="""Remove administrator policies from IAM users and their groups; give administrators a
        role (through IAM Identity Center permission sets or a federated role) that requires MFA, and keep
        emergency access to documented break-glass identities.""",
    reads=["iam:GetAccountAuthorizationDetails"],
)
def no_admin_users(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per IAM user."""
    details = authorization_details(ctx)
    admin_arns = admin_managed_policy_arns(details, ctx.partition)
    groups = {g["GroupName"]: g for g in details.get("GroupDetailList", [])}
    for user in details.get("UserDetailList", []):
        grants: list[str] = []
        grants += [f"attached {p['PolicyName']}" for p in user.get("AttachedManagedPolicies") or []
                   if p.get("PolicyArn") in admin_arns]
        grants += [f"inline {name}" for name in _admin_inline(user.get("UserPolicyList") or [])]
        for group_name in user.get("GroupList") or []:
            group = groups.get(group_name, {})
            grants += [f"group {group_name}: attached {p['PolicyName']}"
                       for p in group.get("AttachedManagedPolicies") or [] if p.get("PolicyArn") in admin_arns]
            grants += [f"group {group_name}: inline {name}"
                       for name in _admin_inline(group.get("GroupPolicyList") or [])]
        observed = {"user": user["UserName"], "admin_grants": grants, "groups": list(user.get("GroupList") or [])}
        if grants:
            yield ctx.failed(user["Arn"], f"IAM user {user['UserName']} has administrator access ({grants[0]}"
                                          f"{'' if len(grants) == 1 else f' and {len(grants) - 1} more'})", observed)
        else:
            yield ctx.passed(user["Arn"], f"IAM user {user['UserName']} has no administrator policy", observed)
