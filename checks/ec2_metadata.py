"""EC2 instances accept only IMDSv2 (session-token) requests to the instance metadata service."""

from __future__ import annotations

from collections.abc import Iterator

from checks._ec2 import instance_arn, instances, name_tag
from scanner.api import CheckContext, Finding, check


@check(
    id="ec2.imdsv2_required",
    title="EC2 instances require IMDSv2",
    service="ec2",
    severity="medium",
    effort="medium",
    description="""Running and stopped instances either require session tokens for the instance metadata
        service (HttpTokens=required, IMDSv2 only) or have the metadata endpoint turned off, so a
        server-side request forgery cannot read the instance role's credentials with a plain GET.""",
    remediation="""Run ec2 modify-instance-metadata-options --http-tokens required after checking that the
        software on the instance uses an IMDSv2-aware SDK; set the account default with
        ec2 modify-instance-metadata-defaults and mark AMIs with --imds-support v2.0.""",
    reads=["ec2:DescribeInstances"],
)
def imdsv2_required(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per running or stopped instance of the region."""
    for inst in instances(ctx):
        iid = inst["InstanceId"]
        options = inst.get("MetadataOptions") or {}
        tokens, endpoint = options.get("HttpTokens"), options.get("HttpEndpoint")
        observed = {"instance_id": iid, "name": name_tag(inst), "state": inst["State"]["Name"],
                    "http_tokens": tokens, "http_endpoint": endpoint,
                    "hop_limit": options.get("HttpPutResponseHopLimit")}
        label = f"Instance {iid}" + (f" ({observed['name']})" if observed["name"] else "")
        if endpoint == "disabled":
            yield ctx.passed(instance_arn(ctx, iid), f"{label} has the metadata endpoint turned off", observed)
        elif tokens == "required":
            yield ctx.passed(instance_arn(ctx, iid), f"{label} requires IMDSv2", observed)
        else:
            yield ctx.failed(instance_arn(ctx, iid), f"{label} accepts IMDSv1 (HttpTokens={tokens})", observed)
