"""GuardDuty threat detection in every enabled region."""

from __future__ import annotations

from collections.abc import Iterator

from scanner.context import CheckContext
from scanner.model import Finding
from scanner.registry import check


def detectors(ctx: CheckContext) -> list[tuple[str, dict]]:
    """(detector id, GetDetector answer) for each detector in the context's region."""
    ids = ctx.call("guardduty", "ListDetectors").get("DetectorIds", [])
    return [(d, ctx.call("guardduty", "GetDetector", DetectorId=d)) for d in ids]


@check(
    id="guardduty.enabled",
    title="GuardDuty is enabled",
    service="guardduty",
    severity="high",
    description="A GuardDuty detector exists and is enabled in the region.",
    remediation="""Enable GuardDuty in every enabled region, ideally for the whole organization from a
        delegated administrator account, so that threats in unused regions are seen too.""",
    reads=["guardduty:ListDetectors", "guardduty:GetDetector"],
)
def guardduty_enabled(ctx: CheckContext) -> Iterator[Finding]:
    """Fail where no detector exists or the detector is suspended."""
    found = detectors(ctx)
    if not found:
        yield ctx.failed(ctx.account_resource(), f"GuardDuty has no detector in {ctx.region}",
                         {"detectors": 0})
        return
    for detector_id, detail in found:
        arn = ctx.arn("guardduty", f"detector/{detector_id}")
        status = detail.get("Status")
        observed = {"detector_id": detector_id, "status": status,
                    "finding_publishing_frequency": detail.get("FindingPublishingFrequency")}
        if status == "ENABLED":
            yield ctx.passed(arn, f"GuardDuty detector {detector_id} is enabled in {ctx.region}", observed)
        else:
            yield ctx.failed(arn, f"GuardDuty detector {detector_id} is {status} in {ctx.region}", observed)
