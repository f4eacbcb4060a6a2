"""IAM roles nobody uses: standing permissions that only wait to be misused."""

from __future__ import annotations

from collections.abc import Iterator

from checks._iam import as_datetime, authorization_details, days_since, is_service_linked
from scanner.api import CheckContext, Finding, check


@check(
    id="iam.roles_used",
    title="IAM roles are in use",
    service="iam",
    scope="global",
    severity="low",
    description="""IAM roles whose last use (RoleLastUsed, from GetAccountAuthorizationDetails) is older than
        the window (default 90 days); a role never used counts from its creation. Service-linked roles are
        left out: their services own them. IAM tracks role use for about 400 days.""",
    remediation="""Confirm with the owner that the role is no longer needed, remove it (or its policies),
        and make role removal part of decommissioning a workload or a partner integration.""",
    reads=["iam:GetAccountAuthorizationDetails"],
    options={"unused_days": 90},
)
def roles_used(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per role that is not service-linked."""
    window = int(ctx.option("unused_days"))
    for role in authorization_details(ctx).get("RoleDetailList", []):
        if is_service_linked(role):
            continue
        name = role["RoleName"]
        last_used = as_datetime((role.get("RoleLastUsed") or {}).get("LastUsedDate"))
        created = as_datetime(role.get("CreateDate"))
        idle = days_since(last_used or created)
        observed = {"role": name, "path": role.get("Path"),
                    "created": created.isoformat() if created else None,
                    "last_used": last_used.isoformat() if last_used else None,
                    "last_used_region": (role.get("RoleLastUsed") or {}).get("Region"),
                    "days_idle": idle, "unused_days": window}
        if idle is None:
            yield ctx.failed(role["Arn"], f"Role {name}: neither its creation nor its last use is known", observed)
        elif idle < window:
            what = f"used {idle} days ago" if last_used else f"created {idle} days ago, not used yet"
            yield ctx.passed(role["Arn"], f"Role {name} {what}", observed)
        else:
            what = f"not used for {idle} days" if last_used else f"never used in the {idle} days since creation"
            yield ctx.failed(role["Arn"], f"Role {name} {what} (window {window})", observed)
