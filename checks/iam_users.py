"""IAM users: how people sign in (MFA, password policy, stale passwords, federation) and whether
workloads use IAM users with long-lived keys instead of roles."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checks._iam import (
    active_keys,
    authorization_details,
    days_since,
    is_service_linked,
    parse_time,
    statements,
    user_rows,
)
from scanner.api import CheckContext, Finding, NotAssessed, check

REPORT_READS = ["iam:GenerateCredentialReport", "iam:GetCredentialReport"]


def console_users(ctx: CheckContext) -> list[dict[str, str]]:
    """Credential-report rows of IAM users that have a console password."""
    return [row for row in user_rows(ctx) if row.get("password_enabled") == "true"]


@check(
    id="iam.console_users_mfa",
    title="IAM users with a console password have MFA",
    service="iam",
    scope="global",
    severity="high",
    effort="low",
    description="""Every IAM user that can sign in to the console (has a password) has an MFA device, from
        the credential report. CIS AWS Foundations 1.10, Security Hub IAM.5.""",
    remediation="""Require MFA for every console user (an IAM policy that denies everything but MFA
        self-service without aws:MultiFactorAuthPresent), or better, move people to IAM Identity Center
        and remove their IAM passwords.""",
    reads=REPORT_READS,
)
def console_users_mfa(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per console user; an account pass when no IAM user has a password."""
    users = console_users(ctx)
    for row in users:
        observed = {"user": row.get("user"), "password_enabled": True, "mfa_active": row.get("mfa_active") == "true"}
        if observed["mfa_active"]:
            yield ctx.passed(row["arn"], f"IAM user {row.get('user')} signs in with MFA", observed)
        else:
            yield ctx.failed(row["arn"], f"IAM user {row.get('user')} has a console password and no MFA", observed)
    if not users:
        yield ctx.passed(ctx.account_resource("iam"), "No IAM user has a console password", {"console_users": 0})


@check(
    id="iam.password_policy_strong",
    title="The account password policy is strong",
    service="iam",
    scope="global",
    severity="medium",
    effort="low",
    description="""The account has an IAM password policy with a minimum length of at least 14 characters
        and reuse prevention of at least 24 passwords (both options). No policy at all (NoSuchEntity) fails.
        Character-class rules are optional (NIST SP 800-63B advises length over composition).
        CIS AWS Foundations 1.8 and 1.9.""",
    remediation="""Set an account password policy (IAM > Account settings) with MinimumPasswordLength 14 or
        more and PasswordReusePrevention 24; better, move people to a central identity provider.""",
    reads=["iam:GetAccountPasswordPolicy"],
    options={"min_length": 14, "min_reuse_prevention": 24, "require_character_classes": False},
)
def password_policy_strong(ctx: CheckContext) -> Iterator[Finding]:
    """One account-wide finding."""
    min_length = int(ctx.option("min_length"))
    min_reuse = int(ctx.option("min_reuse_prevention"))
    classes = str(ctx.option("require_character_classes")).lower() in ("1", "true", "yes")
    answer = ctx.call("iam", "GetAccountPasswordPolicy", absent=("NoSuchEntity",))
    resource = ctx.account_resource("iam")
    if answer is None:
        yield ctx.failed(resource, "The account has no IAM password policy (AWS defaults apply)",
                         {"password_policy": None, "error_code": "NoSuchEntity"})
        return
    policy = answer.get("PasswordPolicy", {})
    problems = []
    length = policy.get("MinimumPasswordLength", 0)
    if length < min_length:
        problems.append(f"minimum length {length} (needs {min_length})")
    reuse = policy.get("PasswordReusePrevention", 0)
    if reuse < min_reuse:
        problems.append(f"reuse prevention {reuse or 'off'} (needs {min_reuse})")
    if classes:
        for key in ("RequireUppercaseCharacters", "RequireLowercaseCharacters", "RequireNumbers", "RequireSymbols"):
            if not policy.get(key):
                problems.append(f"{key} off")
    observed = {"password_policy": policy, "min_length": min_length, "min_reuse_prevention": min_reuse,
                "require_character_classes": classes}
    if problems:
        yield ctx.failed(resource, "The IAM password policy is weak: " + "; ".join(problems), observed)
    else:
        yield ctx.passed(resource, f"The IAM password policy requires {length} characters and prevents reuse "
                                   f"of the last {reuse} passwords", observed)


@check(
    id="iam.console_passwords_used",
    title="Console passwords are in use",
    service="iam",
    scope="global",
    severity="medium",
    effort="low",
    description="""IAM users' console passwords were used within the window (default 45 days); a password
        never used counts from when it was set. An unused password is a credential nobody watches.
        CIS AWS Foundations 1.12, Security Hub IAM.8.""",
    remediation="""Delete the login profile of users who no longer sign in (or the user), and review access
        regularly, ideally through a central identity provider whose leaver process removes access.""",
    reads=REPORT_READS,
    options={"days": 45},
)
def console_passwords_used(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per IAM user with a console password."""
    window = int(ctx.option("days"))
    users = console_users(ctx)
    for row in users:
        used = parse_time(row.get("password_last_used"))
        since = used or parse_time(row.get("password_last_changed")) or parse_time(row.get("user_creation_time"))
        idle = days_since(since)
        observed: dict[str, Any] = {"user": row.get("user"), "password_last_used": row.get("password_last_used"),
                                    "password_last_changed": row.get("password_last_changed"),
                                    "days_idle": idle, "window_days": window}
        name = row.get("user")
        if idle is None:
            yield ctx.failed(row["arn"], f"IAM user {name}: no date shows when the password was set or used",
                             observed)
        elif idle >= window:
            what = f"not used for {idle} days" if used else f"never used in the {idle} days since it was set"
            yield ctx.failed(row["arn"], f"IAM user {name}: console password {what} (window {window})", observed)
        else:
            what = f"used {idle} days ago" if used else f"set {idle} days ago, not used yet"
            yield ctx.passed(row["arn"], f"IAM user {name}: console password {what}", observed)
    if not users:
        yield ctx.passed(ctx.account_resource("iam"), "No IAM user has a console password", {"console_users": 0})


@check(
    id="iam.federated_access",
    title="People sign in through a central identity provider",
    service="iam",
    scope="global",
    severity="medium",
    effort="high",
    description="""People reach the account through federation (IAM Identity Center, found with sso-admin
        ListInstances in each scanned region, or an IAM SAML provider) rather than as IAM users with console
        passwords. Passes when no IAM user has a password, or when an identity provider exists and at most
        max_console_users (default 2, for emergency access) IAM users keep one. OIDC providers are recorded
        but serve workloads, not people. IAM Identity Center run from the management account is not
        visible from member accounts; there, no IAM console users is what counts.""",
    remediation="""Manage people in IAM Identity Center (or your SAML identity provider) with permission
        sets, and remove IAM users' console passwords except for documented emergency-access users.""",
    reads=REPORT_READS + ["iam:ListSAMLProviders", "iam:ListOpenIDConnectProviders", "sso-admin:ListInstances"],
    options={"max_console_users": 2},
)
def federated_access(ctx: CheckContext) -> Iterator[Finding]:
    """One account-wide finding."""
    limit = int(ctx.option("max_console_users"))
    people = [row.get("user") for row in console_users(ctx)]
    saml = ctx.call("iam", "ListSAMLProviders", required=("SAMLProviderList",)).get("SAMLProviderList", [])
    oidc = ctx.call("iam", "ListOpenIDConnectProviders",
                    required=("OpenIDConnectProviderList",)).get("OpenIDConnectProviderList", [])
    instances: set[str] = set()
    unknown: dict[str, NotAssessed] = {}
    for region in ctx.regions:
        try:
            found = ctx.call("sso-admin", "ListInstances", region=region, required=("Instances",)).get("Instances", [])
        except NotAssessed as exc:
            unknown[region] = exc
            continue
        instances.update(i["InstanceArn"] for i in found if i.get("Status", "ACTIVE") == "ACTIVE")
    observed: dict[str, Any] = {
        "console_users": len(people), "console_user_names": sorted(p for p in people if p),
        "max_console_users": limit, "saml_providers": [p["Arn"] for p in saml],
        "oidc_providers": [p["Arn"] for p in oidc], "identity_center_instances": sorted(instances),
        "identity_center_unknown_regions": {r: e.detail for r, e in unknown.items()},
    }
    resource = ctx.account_resource("iam")
    idp = [f"{len(instances)} IAM Identity Center instance(s)"] if instances else []
    idp += [f"{len(saml)} SAML provider(s)"] if saml else []
    if not people:
        yield ctx.passed(resource, "No IAM user has a console password; people must come through federation "
                                   f"({', '.join(idp) or 'none visible from this account'})", observed)
    elif idp and len(people) <= limit:
        yield ctx.passed(resource, f"People federate ({', '.join(idp)}); {len(people)} IAM console user(s) kept "
                                   f"(limit {limit})", observed)
    elif idp:
        yield ctx.failed(resource, f"{len(people)} IAM users still have console passwords (limit {limit}) although "
                                   f"{', '.join(idp)} exist", observed)
    elif unknown and len(people) <= limit:
        # Whether this passes depends on the Identity Center answer we could not get.
        raise next(iter(unknown.values()))
    else:
        yield ctx.failed(resource, f"{len(people)} IAM users sign in with console passwords and no identity "
                                   "provider is configured", observed)


def _trusted_workload_principals(role: dict[str, Any]) -> list[str]:
    """AWS services and web-identity providers a role's trust policy lets assume it."""
    found: list[str] = []
    for stmt in statements(role.get("AssumeRolePolicyDocument")):
        if stmt.get("Effect") != "Allow" or not isinstance(stmt.get("Principal"), dict):
            continue
        actions = stmt.get("Action")
        actions = actions if isinstance(actions, list) else [actions]
        principal = stmt["Principal"]
        services = principal.get("Service", [])
        found += services if isinstance(services, list) else [services]
        if "sts:AssumeRoleWithWebIdentity" in actions:
            federated = principal.get("Federated", [])
            found += federated if isinstance(federated, list) else [federated]
    return [p for p in found if p]


@check(
    id="iam.workloads_use_roles",
    title="Workloads use roles, not IAM users with access keys",
    service="iam",
    scope="global",
    severity="high",
    effort="medium",
    description="""Programmatic IAM users (an active access key and no console password) are workloads or
        tools holding long-lived keys; each fails. Roles that AWS services or web-identity (OIDC) providers
        assume are workload identities with temporary credentials; each passes (service-linked roles are
        left out). Human users with both a password and keys are judged by iam.access_keys_rotated.""",
    remediation="""Give each workload a role: instance profiles, ECS task roles, Lambda execution roles,
        IRSA or EKS Pod Identity, OIDC federation for CI systems, IAM Roles Anywhere outside AWS. Then
        delete the users' access keys.""",
    reads=REPORT_READS + ["iam:GetAccountAuthorizationDetails"],
)
def workloads_use_roles(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per programmatic IAM user and per workload role; an account pass when there are neither."""
    count = 0
    for row in user_rows(ctx):
        keys = active_keys(row)
        if keys and row.get("password_enabled") != "true":
            observed = {"user": row.get("user"), "active_access_keys": len(keys), "password_enabled": False,
                        "access_key_last_used": [row.get(f"access_key_{n}_last_used_date") for n in keys]}
            count += 1
            yield ctx.failed(row["arn"], f"IAM user {row.get('user')} is a programmatic identity with "
                                         f"{len(keys)} long-lived access key(s)", observed)
    for role in authorization_details(ctx).get("RoleDetailList", []):
        if is_service_linked(role):
            continue
        principals = _trusted_workload_principals(role)
        if principals:
            count += 1
            yield ctx.passed(role["Arn"], f"Role {role['RoleName']} gives temporary credentials to "
                                          f"{', '.join(sorted(principals)[:3])}",
                             {"role": role["RoleName"], "trusted_principals": sorted(principals)})
    if not count:
        yield ctx.passed(ctx.account_resource("iam"), "No IAM user holds access keys without a console password",
                         {"programmatic_users": 0, "workload_roles": 0})
