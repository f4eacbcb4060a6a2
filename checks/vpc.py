"""VPC flow logs record the traffic of every VPC."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checks._ec2 import name_tag, vpcs
from scanner.api import CheckContext, Finding, check


def _flow_logs_by_resource(ctx: CheckContext) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for log in ctx.call("ec2", "DescribeFlowLogs", required=("FlowLogs",)).get("FlowLogs", []):
        out.setdefault(log.get("ResourceId", ""), []).append({
            "flow_log_id": log.get("FlowLogId"),
            "status": log.get("FlowLogStatus"),
            "deliver_status": log.get("DeliverLogsStatus"),
            "traffic_type": log.get("TrafficType"),
            "destination_type": log.get("LogDestinationType"),
        })
    return out


@check(
    id="vpc.flow_logs_enabled",
    title="VPC flow logs are enabled",
    service="vpc",
    severity="medium",
    effort="low",
    description="""Every VPC has an active flow log whose delivery has not failed, so network traffic can
        be investigated after a security event.""",
    remediation="""Create a flow log for each VPC (ec2 create-flow-logs --resource-type VPC) delivering to
        CloudWatch Logs or to a central S3 bucket, and check that delivery succeeds.""",
    reads=["ec2:DescribeVpcs", "ec2:DescribeFlowLogs"],
)
def flow_logs_enabled(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per VPC of the region."""
    found = vpcs(ctx)
    if not found:
        return
    by_resource = _flow_logs_by_resource(ctx)
    for vpc in found:
        vpc_id = vpc["VpcId"]
        logs = by_resource.get(vpc_id, [])
        working = [log for log in logs if log["status"] == "ACTIVE" and log["deliver_status"] != "FAILED"]
        observed = {"vpc_id": vpc_id, "name": name_tag(vpc), "is_default": bool(vpc.get("IsDefault")),
                    "flow_logs": logs}
        label = f"VPC {vpc_id}" + (" (default)" if vpc.get("IsDefault") else "")
        arn = ctx.arn("ec2", f"vpc/{vpc_id}")
        if working:
            yield ctx.passed(arn, f"{label} has an active flow log ({working[0]['traffic_type']} traffic)",
                             observed)
        elif logs:
            yield ctx.failed(arn, f"{label} has {len(logs)} flow log(s) but none is active and delivering",
                             observed)
        else:
            yield ctx.failed(arn, f"{label} has no flow log", observed)
