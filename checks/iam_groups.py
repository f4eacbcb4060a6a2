"""IAM users get their permissions from groups, not from policies attached to each user."""

from __future__ import annotations

from collections.abc import Iterator

from checks._iam import authorization_details
from scanner.api import CheckContext, Finding, check


@check(
    id="iam.users_permissions_through_groups",
    title="IAM users get permissions through groups",
    service="iam",
    scope="global",
    severity="low",
    effort="medium",
    description="""No IAM user has a managed policy attached to it or an inline policy of its own
        (GetAccountAuthorizationDetails); permissions come from the groups the user belongs to, so that
        granting and removing access is a change of membership that applies the same rules to everyone in
        a role. Permission boundaries are not counted: they limit, they do not grant.""",
    remediation="""Create a group per job function with the policies the function needs, add the users to it,
        then detach the users' own policies (aws iam detach-user-policy, delete-user-policy). Better still,
        move people to IAM Identity Center and assign permission sets to groups of the identity source.""",
    reads=["iam:GetAccountAuthorizationDetails"],
)
def users_permissions_through_groups(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per IAM user."""
    for user in authorization_details(ctx).get("UserDetailList", []):
        name = user["UserName"]
        attached = sorted(p.get("PolicyName", p.get("PolicyArn", "")) for p in user.get("AttachedManagedPolicies", []))
        inline = sorted(p.get("PolicyName", "") for p in user.get("UserPolicyList", []))
        groups = sorted(user.get("GroupList", []))
        observed = {"user": name, "groups": groups, "attached_policies": attached, "inline_policies": inline}
        if attached or inline:
            own = ", ".join(attached + [f"{p} (inline)" for p in inline])
            yield ctx.failed(user["Arn"], f"User {name} has its own policies: {own}", observed)
        elif groups:
            yield ctx.passed(user["Arn"], f"User {name} gets permissions only through group(s) "
                             f"{', '.join(groups)}", observed)
        else:
            yield ctx.passed(user["Arn"], f"User {name} has no policy of its own and is in no group "
                             "(it holds no IAM permissions)", observed)
