"""Roles a third party assumes: each trust to an account outside the organization requires an external ID."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from checks._iam import authorization_details, is_service_linked, statements
from scanner.api import GLOBAL, CheckContext, Finding, NotAssessed, Reason, check

ACCOUNT_IN_ARN = re.compile(r"^arn:[^:]+:(?:iam|sts)::(\d{12}):")
BARE_ACCOUNT = re.compile(r"^\d{12}$")
# Condition keys that confine a trust to callers who present the agreed external ID, or to the caller's own
# organization (where a confused deputy is not a third party's customer).
EXTERNAL_ID_KEY = "sts:externalid"
ORG_KEYS = ("aws:principalorgid", "aws:principalorgpaths", "aws:sourceorgid", "aws:sourceorgpaths")
NOT_IN_USE = "AWSOrganizationsNotInUseException"


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def trusted_accounts(statement: dict[str, Any]) -> set[str]:
    """Account ids (or ``*``) an Allow statement's AWS principals name."""
    principal = statement.get("Principal")
    aws = principal.get("AWS") if isinstance(principal, dict) else principal
    found = set()
    for value in _as_list(aws):
        text = str(value)
        if text == "*":
            found.add("*")
        elif BARE_ACCOUNT.match(text):
            found.add(text)
        elif match := ACCOUNT_IN_ARN.match(text):
            found.add(match.group(1))
    return found


def condition_keys(statement: dict[str, Any]) -> set[str]:
    """Every condition key of a statement, lower-cased (condition keys are case-insensitive)."""
    keys = set()
    for block in (statement.get("Condition") or {}).values():
        if isinstance(block, dict):
            keys.update(str(k).lower() for k in block)
    return keys


def _organization_accounts(ctx: CheckContext) -> tuple[set[str] | None, NotAssessed | None]:
    """The organization's account ids (empty set outside an organization), or why they cannot be read."""
    try:
        org = ctx.call("organizations", "DescribeOrganization", absent=(NOT_IN_USE,))
        if org is None:
            return set(), None
        accounts = ctx.call("organizations", "ListAccounts", required=("Accounts",)).get("Accounts", [])
    except NotAssessed as exc:
        return None, exc
    return {a["Id"] for a in accounts if a.get("Id")}, None


@check(
    id="iam.third_party_roles_external_id",
    title="Roles trusted by third parties require an external ID",
    service="iam",
    scope="global",
    severity="medium",
    effort="low",
    description="""Every IAM role whose trust policy lets a principal of another AWS account assume it, where
        that account is outside the organization, requires the sts:ExternalId condition (or confines the trust
        to the organization with aws:PrincipalOrgID). Without it, the third party's service can be tricked by
        any of its other customers into using the role (the confused deputy). Accounts of the organization
        come from ListAccounts; accounts listed in the own_accounts option count as yours too. From a member
        account, which cannot list the organization, a trust to another account without either condition is
        not assessed. Roles that only trust services or the account itself give no finding.""",
    remediation="""Agree a unique external ID with the third party (they usually generate it per customer)
        and add it to the trust policy: "Condition": {"StringEquals": {"sts:ExternalId": "<id>"}}; for your
        own accounts, use aws:PrincipalOrgID instead, or list them in the own_accounts option.""",
    reads=["iam:GetAccountAuthorizationDetails", "organizations:DescribeOrganization", "organizations:ListAccounts"],
    options={"own_accounts": []},
)
def third_party_roles_external_id(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per role trusted by another account."""
    roles = authorization_details(ctx).get("RoleDetailList", [])
    own = {str(a) for a in ctx.option("own_accounts") or []}
    org_accounts: set[str] | None = None
    org_error: NotAssessed | None = None
    org_read = False
    for role in roles:
        if is_service_linked(role):
            continue
        open_trusts: set[str] = set()
        guarded: set[str] = set()
        for stmt in statements(role.get("AssumeRolePolicyDocument")):
            if stmt.get("Effect") != "Allow":
                continue
            foreign = trusted_accounts(stmt) - {ctx.account}
            if not foreign:
                continue
            keys = condition_keys(stmt)
            if EXTERNAL_ID_KEY in keys or keys.intersection(ORG_KEYS):
                guarded |= foreign
            else:
                open_trusts |= foreign
        if not open_trusts and not guarded:
            continue
        if open_trusts - own and not org_read:
            org_accounts, org_error = _organization_accounts(ctx)
            org_read = True
        name = role["RoleName"]
        third_party = sorted(open_trusts - own - (org_accounts or set()))
        observed = {"role": name, "guarded_trusts": sorted(guarded), "unguarded_trusts": sorted(open_trusts),
                    "organization_accounts_known": org_accounts is not None}
        if not open_trusts:
            yield ctx.passed(role["Arn"], f"Role {name} requires an external ID (or the organization) of "
                             f"{', '.join(sorted(guarded))}", observed)
        elif org_accounts is None and third_party:
            error = org_error or NotAssessed(Reason.API_ERROR, "the organization's accounts are unknown")
            yield ctx.not_assessed(role["Arn"], NotAssessed(
                error.reason, f"role {name} trusts {', '.join(third_party)} without an external ID; whether "
                f"they are accounts of your organization is unknown ({error.detail})",
                error.missing_permission, error.code), region=GLOBAL)
        elif third_party:
            who = "anyone (Principal *)" if "*" in third_party else f"account(s) {', '.join(third_party)}"
            yield ctx.failed(role["Arn"], f"Role {name} can be assumed by {who} outside the organization "
                             "without an external ID", observed | {"third_party": third_party})
        else:
            yield ctx.passed(role["Arn"], f"Role {name} is trusted only by accounts of the organization "
                             f"({', '.join(sorted(open_trusts))}) or with an external ID", observed)
