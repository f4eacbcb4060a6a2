"""Sensitive data is found by automation: Macie's automated discovery or scheduled classification jobs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from botocore.exceptions import ClientError

from checks._dates import timestamp_text
from scanner.api import CheckContext, Finding, NotAssessed, check

ACTIVE_JOB = ("RUNNING", "IDLE")  # a scheduled job waits IDLE between its runs
SCHEDULED = {"includes": [{"comparator": "EQ", "key": "jobType", "values": ["SCHEDULED"]}]}


def _macie_off(error: NotAssessed) -> bool:
    """True when Macie's AccessDeniedException says Macie is not enabled, not that a permission is missing
    (AWS uses one code for both and tells them apart only in the message)."""
    cause = error.__cause__
    if error.code != "AccessDeniedException" or not isinstance(cause, ClientError):
        return False
    message = str(cause.response.get("Error", {}).get("Message", "")).lower()
    return "not enabled" in message and "not authorized" not in message


@check(
    id="macie.automated_discovery",
    title="Macie discovers sensitive data automatically",
    service="macie2",
    severity="medium",
    effort="low",
    description="""Amazon Macie looks for sensitive data in the region's S3 buckets without anyone starting a
        scan: automated sensitive data discovery is ENABLED (GetAutomatedDiscoveryConfiguration), or, failing
        that, a scheduled classification job is running or waiting for its next run (ListClassificationJobs,
        jobType SCHEDULED). One-time jobs do not pass. Where Macie is off the region fails; classification done
        by other tools, or of data outside S3, is not seen.""",
    remediation="""Turn on automated sensitive data discovery (macie2 update-automated-discovery-configuration
        --status ENABLED, for the organization from the Macie administrator), or schedule classification jobs
        for the buckets that may hold sensitive data; act on the sensitivity scores and findings.""",
    reads=["macie2:GetAutomatedDiscoveryConfiguration", "macie2:ListClassificationJobs"],
)
def automated_discovery(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per region."""
    resource = ctx.account_resource()
    try:
        config = ctx.call("macie2", "GetAutomatedDiscoveryConfiguration", absent=("ResourceNotFoundException",))
    except NotAssessed as exc:
        if not _macie_off(exc):
            raise
        config = None
    if config is None:
        # The answer that said so was an error, which the collector does not record as a source.
        yield ctx.failed(resource, f"Macie is not enabled in {ctx.region}, so nothing discovers sensitive data",
                         {"macie_enabled": False}, source=["macie2:GetAutomatedDiscoveryConfiguration"])
        return
    observed: dict[str, Any] = {"macie_enabled": True, "automated_discovery": config.get("status"),
                                "first_enabled": timestamp_text(config.get("firstEnabledAt"))}
    if config.get("status") == "ENABLED":
        yield ctx.passed(resource, f"Macie automated sensitive data discovery is on in {ctx.region}", observed)
        return
    jobs = ctx.call("macie2", "ListClassificationJobs", filterCriteria=SCHEDULED).get("items", [])
    active = sorted(j.get("name") or j.get("jobId", "") for j in jobs if j.get("jobStatus") in ACTIVE_JOB)
    observed["scheduled_jobs"] = active
    if active:
        yield ctx.passed(resource, f"Macie runs {len(active)} scheduled classification job(s) in {ctx.region}: "
                         f"{', '.join(active[:3])}", observed)
    else:
        yield ctx.failed(resource, f"Macie in {ctx.region} has neither automated discovery nor an active "
                         "scheduled classification job", observed)
