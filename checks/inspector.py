"""Amazon Inspector scans the region's compute for software vulnerabilities."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scanner.api import CheckContext, Finding, NotAssessed, Reason, check

_OPERATION = "inspector2:BatchGetAccountStatus"


def account_status(ctx: CheckContext) -> tuple[str, dict[str, str], bool]:
    """(account status, status per resource type, whether Inspector listed the account) in the region.

    Inspector leaves out an account it has never been enabled for, or reports it as RESOURCE_NOT_FOUND;
    both mean disabled.
    """
    answer = ctx.call("inspector2", "BatchGetAccountStatus", accountIds=[ctx.account])
    for acct in answer.get("accounts", []):
        if acct.get("accountId") == ctx.account:
            types = {name: (state or {}).get("status", "") for name, state in (acct.get("resourceState") or {}).items()}
            return (acct.get("state") or {}).get("status", ""), types, True
    for failed in answer.get("failedAccounts", []):
        if failed.get("accountId") != ctx.account:
            continue
        code, message = failed.get("errorCode", ""), failed.get("errorMessage", "")
        where = f"{_OPERATION} in {ctx.api_region}"
        if code == "RESOURCE_NOT_FOUND":
            return "DISABLED", {}, False
        if code == "ACCESS_DENIED":
            raise NotAssessed(Reason.ACCESS_DENIED, f"access denied to {_OPERATION} ({where})", _OPERATION, code)
        if failed.get("status"):
            return failed["status"], dict(failed.get("resourceStatus") or {}), True
        raise NotAssessed(Reason.API_ERROR, f"{code}: {message} ({where})", None, code)
    return "DISABLED", {}, False


def _wanted(value: Any) -> list[str]:
    items = value.split(",") if isinstance(value, str) else list(value)
    return [str(item).strip() for item in items if str(item).strip()]


@check(
    id="inspector.enabled",
    title="Amazon Inspector is scanning for vulnerabilities",
    service="inspector2",
    severity="medium",
    effort="low",
    description="""Amazon Inspector is enabled in the region for the account and scans the resource types
        named by the resource_types option (by default EC2 instances, ECR images and Lambda functions) for
        known software vulnerabilities and unintended network exposure.""",
    remediation="""Enable Inspector in every region (inspector2 enable --resource-types EC2 ECR LAMBDA),
        ideally for the whole organization from a delegated administrator account. Scanning a resource type
        that has no resources costs nothing.""",
    reads=[_OPERATION],
    options={"resource_types": "ec2,ecr,lambda"},
)
def inspector_enabled(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per region for the account."""
    status, types, listed = account_status(ctx)
    wanted = _wanted(ctx.option("resource_types"))
    by_lower = {name.lower(): value for name, value in types.items()}
    missing = [name for name in wanted if by_lower.get(name.lower()) != "ENABLED"]
    observed = {"status": status, "resource_status": types, "required_resource_types": wanted,
                "not_scanned": missing, "account_listed": listed}
    resource = ctx.account_resource()
    if status != "ENABLED":
        yield ctx.failed(resource, f"Amazon Inspector is {status or 'not enabled'} in {ctx.region}", observed)
    elif missing:
        yield ctx.failed(resource, f"Amazon Inspector is enabled in {ctx.region} but does not scan "
                         f"{', '.join(missing)}", observed)
    else:
        yield ctx.passed(resource, f"Amazon Inspector scans {', '.join(wanted) or 'resources'} in {ctx.region}",
                         observed)
