"""Who AWS tells about security and operations events: the account's alternate contacts."""

from __future__ import annotations

from collections.abc import Iterator

from scanner.api import CheckContext, Finding, check

NO_CONTACT = "ResourceNotFoundException"


def _contact(ctx: CheckContext, kind: str) -> Iterator[Finding]:
    """One finding for the account: the contact of ``kind`` is set or not (no name, address or phone kept)."""
    answer = ctx.call("account", "GetAlternateContact", AlternateContactType=kind, absent=(NO_CONTACT,))
    resource = ctx.account_resource()
    label = kind.lower()
    if answer is None:
        yield ctx.failed(resource, f"The account has no {label} alternate contact", {"contact_type": kind,
                                                                                      "set": False})
        return
    contact = answer.get("AlternateContact") or {}
    # Only whether each field is filled: names, addresses and numbers are personal data, not evidence.
    observed = {"contact_type": kind, "set": True, "has_email": bool(contact.get("EmailAddress")),
                "has_phone": bool(contact.get("PhoneNumber")), "has_title": bool(contact.get("Title"))}
    yield ctx.passed(resource, f"The account has a {label} alternate contact", observed)


@check(
    id="account.security_contact_set",
    title="A security alternate contact is set",
    service="account",
    scope="global",
    severity="medium",
    effort="low",
    description="""The account's SECURITY alternate contact is set (account GetAlternateContact), so AWS
        security notices (abuse reports, exposed keys, vulnerabilities) reach a security team and not only
        the root user's mailbox. Whether the address is a monitored team list is not visible; the contact's
        details are not recorded. Security Hub Account.1.""",
    remediation="""Set the SECURITY alternate contact to a monitored team address and on-call number
        (account put-alternate-contact --alternate-contact-type SECURITY), for every account of the
        organization from the management account.""",
    reads=["account:GetAlternateContact"],
)
def security_contact_set(ctx: CheckContext) -> Iterator[Finding]:
    """One finding for the account."""
    yield from _contact(ctx, "SECURITY")


@check(
    id="account.operations_contact_set",
    title="An operations alternate contact is set",
    service="account",
    scope="global",
    severity="low",
    effort="low",
    description="""The account's OPERATIONS alternate contact is set (account GetAlternateContact), so AWS
        operational notices (scheduled maintenance, service events affecting the account) reach the team
        that runs the workload. Whether the address is monitored is not visible; the contact's details are
        not recorded.""",
    remediation="""Set the OPERATIONS alternate contact to the operations team's address and on-call number
        (account put-alternate-contact --alternate-contact-type OPERATIONS).""",
    reads=["account:GetAlternateContact"],
)
def operations_contact_set(ctx: CheckContext) -> Iterator[Finding]:
    """One finding for the account."""
    yield from _contact(ctx, "OPERATIONS")
