"""AWS Organizations reads shared by the checks on service control policies."""

from __future__ import annotations

from scanner.api import NotAssessed, Reason

SCP = "SERVICE_CONTROL_POLICY"
NOT_IN_USE = "AWSOrganizationsNotInUseException"


def scp_read_denied(exc: NotAssessed, management: str) -> NotAssessed:
    """A denied organization read, explained: member accounts cannot read SCPs at all."""
    if exc.reason is not Reason.ACCESS_DENIED:
        return exc
    return NotAssessed(Reason.ACCESS_DENIED, f"{exc.detail}; service control policies can be read only from the "
                                             f"management account ({management}) or a delegated administrator",
                       exc.missing_permission, exc.code)
