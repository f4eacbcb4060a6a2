"""Responders have access ready before an incident: a pre-provisioned incident-response or break-glass role."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote

from checks._iam import authorization_details
from scanner.api import CheckContext, Finding, check

DEFAULT_PATTERN = r"(?i)(incident|break-?glass|forensic|security-?response)"


def _statements(document: Any) -> list[dict[str, Any]]:
    if isinstance(document, str):
        # botocore decodes IAM policy documents; a raw (URL-encoded) one may still come from elsewhere
        try:
            document = json.loads(unquote(document))
        except ValueError:
            return []
    statements = (document or {}).get("Statement", []) if isinstance(document, dict) else []
    return [s for s in (statements if isinstance(statements, list) else [statements]) if isinstance(s, dict)]


def trusted_principals(trust_policy: Any) -> dict[str, list[str]]:
    """Principals an Allow of sts:AssumeRole* in the trust policy names, by type (AWS, Federated, Service)."""
    found: dict[str, list[str]] = {}
    for st in _statements(trust_policy):
        if st.get("Effect") != "Allow":
            continue
        principal = st.get("Principal")
        if principal == "*":
            found.setdefault("AWS", []).append("*")
            continue
        if not isinstance(principal, dict):
            continue
        for kind, value in principal.items():
            for item in value if isinstance(value, list) else [value]:
                if item not in found.setdefault(kind, []):
                    found[kind].append(item)
    return found


@check(
    id="iam.incident_response_role",
    title="An incident-response role is pre-provisioned",
    service="iam",
    scope="global",
    severity="medium",
    effort="low",
    description="""The account has an IAM role for incident responders or break-glass access, recognised by
        its name (option name_pattern, default: incident, break-glass, forensic, security-response;
        IAM Identity Center roles AWSReservedSSO_<permission set>_... match by their permission set name).
        Each such role must be usable in an incident: it has at least one permission policy, and people
        can assume it (its trust policy names an AWS account, user or role, or an identity provider,
        not only AWS services). With no such role, responders wait for access while the incident runs.""",
    remediation="""Create the roles responders need before they need them: a read-only investigation role
        (SecurityAudit, ReadOnlyAccess), a containment role, and a break-glass role whose use raises an
        alarm; trust them from the security account or the identity provider, require MFA, and test them
        in incident simulations.""",
    reads=["iam:GetAccountAuthorizationDetails"],
    options={"name_pattern": DEFAULT_PATTERN},
)
def incident_response_role(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per matching role; an account-level fail when no role matches."""
    pattern = re.compile(str(ctx.option("name_pattern")))
    roles = authorization_details(ctx).get("RoleDetailList", [])
    matched = [r for r in roles if pattern.search(r.get("RoleName", ""))]
    if not matched:
        yield ctx.failed(ctx.account_resource(), "No IAM role for incident response or break-glass access "
                         f"(no role name matches {pattern.pattern})",
                         {"name_pattern": pattern.pattern, "roles_in_account": len(roles)})
        return
    for role in matched:
        name = role["RoleName"]
        policies = [p.get("PolicyArn") for p in role.get("AttachedManagedPolicies", [])] + [
            f"inline:{p.get('PolicyName')}" for p in role.get("RolePolicyList", [])]
        principals = trusted_principals(role.get("AssumeRolePolicyDocument"))
        human = {k: v for k, v in principals.items() if k in ("AWS", "Federated")}
        observed = {"role": name, "permission_policies": policies, "trusted_principals": principals,
                    "last_used": _last_used(role), "name_pattern": pattern.pattern}
        problems = []
        if not policies:
            problems.append("it has no permission policy")
        if not human:
            problems.append("no person can assume it (it trusts only AWS services)")
        if problems:
            yield ctx.failed(role["Arn"], f"Incident-response role {name} is not usable: " + " and ".join(problems),
                             observed)
        else:
            yield ctx.passed(role["Arn"], f"Incident-response role {name} is pre-provisioned with "
                             f"{len(policies)} permission polic{'y' if len(policies) == 1 else 'ies'}", observed)


def _last_used(role: dict[str, Any]) -> str | None:
    when = (role.get("RoleLastUsed") or {}).get("LastUsedDate")
    return when.isoformat() if hasattr(when, "isoformat") else when
