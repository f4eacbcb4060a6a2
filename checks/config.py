"""AWS Config records resource configuration changes in every region."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scanner.api import CheckContext, Finding, check


@check(
    id="config.recording_enabled",
    title="AWS Config is recording",
    service="config",
    severity="medium",
    effort="low",
    description="""A configuration recorder exists in the region and is recording, and its last recording
        attempt did not fail. Without it there is no history of how resources were configured at the
        time of an event, and Config rules and conformance packs have nothing to evaluate. The finding
        says whether the recorder records every supported resource type.""",
    remediation="""Set up AWS Config in every enabled region (for the whole organization with a CloudFormation
        StackSet or AWS Control Tower): a recorder for all supported resource types, a delivery channel to
        a central S3 bucket, then config start-configuration-recorder.""",
    reads=["config:DescribeConfigurationRecorders", "config:DescribeConfigurationRecorderStatus"],
)
def recording_enabled(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per region: a recorder that is recording, or why not."""
    recorders = ctx.call("config", "DescribeConfigurationRecorders",
                         required=("ConfigurationRecorders",)).get("ConfigurationRecorders", [])
    statuses = {s.get("name"): s for s in
                ctx.call("config", "DescribeConfigurationRecorderStatus",
                         required=("ConfigurationRecordersStatus",)).get("ConfigurationRecordersStatus", [])}
    resource = ctx.account_resource()
    if not recorders:
        yield ctx.failed(resource, f"AWS Config has no configuration recorder in {ctx.region}", {"recorders": []})
        return
    seen = [_describe(rec, statuses.get(rec.get("name"), {})) for rec in recorders]
    observed: dict[str, Any] = {"recorders": seen}
    healthy = [r for r in seen if r["recording"] and r["last_status"] != "FAILURE"]
    if healthy:
        rec = healthy[0]
        scope = "all supported resource types" if rec["all_supported"] else "selected resource types only"
        yield ctx.passed(resource, f"AWS Config recorder {rec['name']} is recording {scope} in {ctx.region}",
                         observed)
        return
    rec = seen[0]
    why = "is not recording" if not rec["recording"] else "failed its last recording attempt"
    yield ctx.failed(resource, f"AWS Config recorder {rec['name']} {why} in {ctx.region}", observed)


def _describe(recorder: dict[str, Any], status: dict[str, Any]) -> dict[str, Any]:
    group = recorder.get("recordingGroup") or {}
    return {
        "name": recorder.get("name"),
        "recording": bool(status.get("recording")),
        "last_status": status.get("lastStatus"),
        "all_supported": bool(group.get("allSupported")),
        "include_global_resource_types": bool(group.get("includeGlobalResourceTypes")),
        "resource_types": len(group.get("resourceTypes") or []),
    }
