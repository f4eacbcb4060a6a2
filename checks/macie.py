"""Amazon Macie discovers sensitive data in S3 in every region."""

from __future__ import annotations

from collections.abc import Iterator

from botocore.exceptions import ClientError

from scanner.api import CheckContext, Finding, NotAssessed, check


def _macie_off(error: NotAssessed) -> bool:
    """True when GetMacieSession's AccessDeniedException means "Macie is not enabled" rather than a missing
    permission: AWS uses the same code for both and tells them apart only in the message."""
    cause = error.__cause__
    if error.code != "AccessDeniedException" or not isinstance(cause, ClientError):
        return False
    message = str(cause.response.get("Error", {}).get("Message", "")).lower()
    return "not enabled" in message and "not authorized" not in message


@check(
    id="macie.enabled",
    title="Macie is enabled",
    service="macie2",
    severity="medium",
    effort="low",
    description="""Amazon Macie is enabled (not paused) in the region, so sensitive data in S3 buckets can be
        discovered and classified automatically. Macie answers AccessDeniedException "Macie is not enabled"
        (or ResourceNotFoundException after it was disabled) when it is off; a denied permission is
        reported as not assessed, never as Macie being off.""",
    remediation="""Enable Macie in the regions that hold S3 data (for the organization, from a delegated
        administrator) and turn on automated sensitive data discovery, or schedule classification jobs for
        the buckets that may hold sensitive data.""",
    reads=["macie2:GetMacieSession"],
)
def macie_enabled(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per region: enabled, paused or off."""
    resource = ctx.account_resource()
    try:
        session = ctx.call("macie2", "GetMacieSession", absent=("ResourceNotFoundException",))
    except NotAssessed as exc:
        if not _macie_off(exc):
            raise
        yield ctx.failed(resource, f"Macie is not enabled in {ctx.region}",
                         {"status": None, "error_code": exc.code})
        return
    if session is None:
        yield ctx.failed(resource, f"Macie is not enabled in {ctx.region}",
                         {"status": None, "error_code": "ResourceNotFoundException"})
        return
    status = session.get("status")
    observed = {"status": status, "finding_publishing_frequency": session.get("findingPublishingFrequency")}
    if status == "ENABLED":
        yield ctx.passed(resource, f"Macie is enabled in {ctx.region}", observed)
    else:
        yield ctx.failed(resource, f"Macie is {status} in {ctx.region}", observed)
