"""The account's root user: MFA, no access keys, and no everyday use."""

from __future__ import annotations

from collections.abc import Iterator

from checks._iam import account_summary, days_since, parse_time, root_row
from scanner.api import CheckContext, Finding, NotAssessed, Reason, check


def _root_arn(ctx: CheckContext) -> str:
    return ctx.arn("iam", "root", global_=True)


@check(
    id="iam.root_mfa_enabled",
    title="The root user has MFA",
    service="iam",
    scope="global",
    severity="critical",
    effort="low",
    description="""The account's root user signs in with multi-factor authentication (GetAccountSummary
        AccountMFAEnabled). A root user with neither a password nor access keys (AccountPasswordPresent and
        AccountAccessKeysPresent both 0, as after centralized root access removes member accounts' root
        credentials) cannot sign in and passes too. CIS AWS Foundations 1.5, Security Hub IAM.9.""",
    remediation="""Sign in as the root user and assign an MFA device (a hardware key or passkey, kept where
        the emergency-access process says), or remove the root credentials of member accounts with
        centralized root access in AWS Organizations.""",
    reads=["iam:GetAccountSummary"],
)
def root_mfa_enabled(ctx: CheckContext) -> Iterator[Finding]:
    """One finding for the account's root user."""
    summary = account_summary(ctx)
    observed = {"account_mfa_enabled": summary.get("AccountMFAEnabled"),
                "account_password_present": summary.get("AccountPasswordPresent"),
                "account_access_keys_present": summary.get("AccountAccessKeysPresent")}
    if observed["account_mfa_enabled"] == 1:
        yield ctx.passed(_root_arn(ctx), "The root user has MFA enabled", observed)
    elif observed["account_password_present"] == 0 and observed["account_access_keys_present"] == 0:
        yield ctx.passed(_root_arn(ctx), "The root user has no password and no access keys, so it cannot sign in "
                                         "(root access managed centrally)", observed)
    else:
        yield ctx.failed(_root_arn(ctx), "The root user has no MFA device", observed)


ORGANIZATIONS_NOT_IN_USE = "AWSOrganizationsNotInUseException"


def organization_role(ctx: CheckContext) -> str:
    """``"member"``, ``"management"``, ``"standalone"`` or ``"unknown"``: where the account stands in AWS
    Organizations, which decides whether a service control policy can restrict its root user."""
    try:
        answer = ctx.call("organizations", "DescribeOrganization", absent=(ORGANIZATIONS_NOT_IN_USE,))
    except NotAssessed:
        return "unknown"  # context for the message only; the verdict rests on GetAccountSummary
    if answer is None:
        return "standalone"
    management = (answer.get("Organization") or {}).get("MasterAccountId")
    return "management" if management == ctx.account else "member"


_SCP_SCOPE = {
    "member": "as a member account it can be restricted by a service control policy that denies the root user, "
              "which limits what the key can do but does not remove it",
    "management": "this is the organization's management account, where service control policies do not apply, "
                  "so nothing but deleting the key limits it",
    "standalone": "the account is in no organization, so no service control policy can limit the key",
    "unknown": "whether a service control policy can restrict it depends on the account being a member account "
               "(the organization could not be read)",
}


@check(
    id="iam.root_no_access_keys",
    title="The root user has no access keys",
    service="iam",
    scope="global",
    severity="critical",
    effort="low",
    description="""The root user has no access keys (GetAccountSummary AccountAccessKeysPresent). A root key
        is a long-lived credential with the root user's full authority: IAM policies and permissions
        boundaries never apply to the root user. Service control policies do restrict the root user of a
        member account, but not of the organization's management account or of an account outside any
        organization (the finding says which one this is, from DescribeOrganization). CIS AWS Foundations
        1.4, Security Hub IAM.4.""",
    remediation="""Sign in as the root user, replace whatever uses the key with a role or an IAM Identity
        Center user, then deactivate and delete the root access keys. In an organization, also deny root-user
        actions in member accounts with an SCP, or remove member accounts' root credentials with centralized
        root access.""",
    reads=["iam:GetAccountSummary", "organizations:DescribeOrganization"],
)
def root_no_access_keys(ctx: CheckContext) -> Iterator[Finding]:
    """One finding for the account's root user."""
    present = account_summary(ctx).get("AccountAccessKeysPresent")
    observed: dict[str, object] = {"account_access_keys_present": present}
    if present == 0:
        yield ctx.passed(_root_arn(ctx), "The root user has no access keys", observed,
                         source=["iam:GetAccountSummary"])
        return
    role = organization_role(ctx)
    observed["organization_role"] = role
    yield ctx.failed(_root_arn(ctx), f"The root user has access keys; {_SCP_SCOPE[role]}", observed)


@check(
    id="iam.root_not_used_recently",
    title="The root user is not used for everyday work",
    service="iam",
    scope="global",
    severity="high",
    effort="medium",
    description="""The root user's password and access keys were not used within the window (default 90
        days), from the credential report's <root_account> row. Root use should be rare, deliberate and
        tied to the few tasks only root can do. CIS AWS Foundations 1.7.""",
    remediation="""Find who used the root user and why (CloudTrail events with userIdentity.type Root), move
        that work to roles or IAM Identity Center, and alert on every root sign-in.""",
    reads=["iam:GenerateCredentialReport", "iam:GetCredentialReport"],
    options={"days": 90},
)
def root_not_used_recently(ctx: CheckContext) -> Iterator[Finding]:
    """Fail when the root password or a root access key was used within ``days``."""
    window = int(ctx.option("days"))
    row = root_row(ctx)
    if row is None:
        raise NotAssessed(Reason.API_ERROR, "the IAM credential report has no <root_account> row")
    uses = {
        "password": row.get("password_last_used"),
        "access key 1": row.get("access_key_1_last_used_date"),
        "access key 2": row.get("access_key_2_last_used_date"),
    }
    ages = {what: days_since(parse_time(when)) for what, when in uses.items()}
    known = {what: age for what, age in ages.items() if age is not None}
    observed = {"password_last_used": uses["password"], "access_key_1_last_used": uses["access key 1"],
                "access_key_2_last_used": uses["access key 2"], "window_days": window}
    if not known:
        yield ctx.passed(_root_arn(ctx), "The root user has no recorded use", observed)
        return
    what, age = min(known.items(), key=lambda item: item[1])
    observed["days_since_last_use"] = age
    if age < window:
        yield ctx.failed(_root_arn(ctx), f"The root user's {what} was used {age} days ago "
                                         f"(window {window} days)", observed)
    else:
        yield ctx.passed(_root_arn(ctx), f"The root user was last used {age} days ago ({what}; window "
                                         f"{window} days)", observed)
