"""GuardDuty threat detection in every enabled region."""

from __future__ import annotations

from collections.abc import Iterator

from scanner.api import CheckContext, Finding, check


def detectors(ctx: CheckContext) -> list[tuple[str, dict]]:
    """(detector id, GetDetector answer) for each detector in the context's region."""
    ids = ctx.call("guardduty", "ListDetectors", required=("DetectorIds",)).get("DetectorIds", [])
    return [(d, ctx.call("guardduty", "GetDetector", DetectorId=d)) for d in ids]


@check(
    id="guardduty.enabled",
    title="GuardDuty is enabled",
    service="guardduty",
    severity="high",
    effort="low",
    description="A GuardDuty detector exists and is enabled in the region.",
    remediation="""Enable GuardDuty in every enabled region, ideally for the whole organization from a
        delegated administrator account, so that threats in unused regions are seen too.""",
    reads=["guardduty:ListDetectors", "guardduty:GetDetector"],
)
def guardduty_enabled(ctx: CheckContext) -> Iterator[Finding]:
    """Fail where no detector exists or the detector is suspended."""
    found = detectors(ctx)
    # One resource per region (the account's GuardDuty there), so the finding keeps its id when a
    # missing detector is created: drift then reports a resolved failure, not a new resource.
    resource = ctx.account_resource()
    if not found:
        yield ctx.failed(resource, f"GuardDuty has no detector in {ctx.region}", {"detectors": 0})
        return
    enabled = [(d, detail) for d, detail in found if detail.get("Status") == "ENABLED"]
    observed = {"detectors": [{"detector_id": d, "status": detail.get("Status"),
                               "finding_publishing_frequency": detail.get("FindingPublishingFrequency")}
                              for d, detail in found]}
    if enabled:
        yield ctx.passed(resource, f"GuardDuty detector {enabled[0][0]} is enabled in {ctx.region}", observed)
    else:
        states = ", ".join(f"{d} is {detail.get('Status')}" for d, detail in found)
        yield ctx.failed(resource, f"GuardDuty detector {states} in {ctx.region}", observed)
