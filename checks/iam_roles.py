"""IAM roles nobody uses: standing permissions that only wait to be misused."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from checks._iam import as_datetime, authorization_details, days_since, is_service_linked
from checks.incident_response import DEFAULT_PATTERN as INCIDENT_ROLE_PATTERN
from scanner.api import CheckContext, Finding, NotAssessed, Reason, check

IDENTITY_CENTER_PATH = "/aws-reserved/sso.amazonaws.com/"
IDENTITY_CENTER_PREFIX = "AWSReservedSSO_"


def is_identity_center_role(role: dict[str, Any]) -> bool:
    """True for the roles IAM Identity Center creates and deletes with its permission set assignments."""
    return str(role.get("Path", "")).startswith(IDENTITY_CENTER_PATH) or \
        str(role.get("RoleName", "")).startswith(IDENTITY_CENTER_PREFIX)


@check(
    id="iam.roles_used",
    title="IAM roles are in use",
    service="iam",
    scope="global",
    severity="low",
    effort="low",
    description="""IAM roles whose last use (RoleLastUsed, from GetAccountAuthorizationDetails) is older than
        the window (default 90 days); a role never used counts from its creation, and a role whose creation
        and last use are both missing from the answer is not assessed. Left out: service-linked roles (their
        services own them) and IAM Identity Center roles (AWSReservedSSO_*, which Identity Center creates
        and deletes with its permission set assignments: an idle one is an assignment to review there).
        Break-glass and incident-response roles, recognised by the name pattern iam.incident_response_role
        uses (option unused_by_design_pattern), pass whatever their idle time: waiting unused for an
        emergency is their job. IAM tracks role use for about 400 days.""",
    remediation="""Confirm with the owner that the role is no longer needed, remove it (or its policies),
        and make role removal part of decommissioning a workload or a partner integration.""",
    reads=["iam:GetAccountAuthorizationDetails"],
    options={"unused_days": 90, "unused_by_design_pattern": INCIDENT_ROLE_PATTERN},
)
def roles_used(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per role that is neither service-linked nor an IAM Identity Center role."""
    window = int(ctx.option("unused_days"))
    by_design = re.compile(str(ctx.option("unused_by_design_pattern")))
    for role in authorization_details(ctx).get("RoleDetailList", []):
        if is_service_linked(role) or is_identity_center_role(role):
            continue
        name = role["RoleName"]
        last_used = as_datetime((role.get("RoleLastUsed") or {}).get("LastUsedDate"))
        created = as_datetime(role.get("CreateDate"))
        idle = days_since(last_used or created)
        observed = {"role": name, "path": role.get("Path"),
                    "created": created.isoformat() if created else None,
                    "last_used": last_used.isoformat() if last_used else None,
                    "last_used_region": (role.get("RoleLastUsed") or {}).get("Region"),
                    "days_idle": idle, "unused_days": window,
                    "unused_by_design": bool(by_design.search(name))}
        if observed["unused_by_design"]:
            idle_text = f"idle {idle} days" if idle is not None else "use unknown"
            yield ctx.passed(role["Arn"], f"Role {name} is a break-glass or incident-response role, unused by "
                             f"design until an emergency ({idle_text})", observed)
        elif idle is None:
            yield ctx.not_assessed(role["Arn"], NotAssessed(
                Reason.API_ERROR, f"role {name}: neither its creation nor its last use is known "
                "(GetAccountAuthorizationDetails returned no CreateDate and no RoleLastUsed)",
                operation="iam:GetAccountAuthorizationDetails"))
        elif idle < window:
            what = f"used {idle} days ago" if last_used else f"created {idle} days ago, not used yet"
            yield ctx.passed(role["Arn"], f"Role {name} {what}", observed)
        else:
            what = f"not used for {idle} days" if last_used else f"never used in the {idle} days since creation"
            yield ctx.failed(role["Arn"], f"Role {name} {what} (window {window})", observed)
