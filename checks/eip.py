"""Elastic IP addresses are associated with something, not held and billed for nothing."""

from __future__ import annotations

from collections.abc import Iterator

from checks._ec2 import name_tag
from scanner.api import CheckContext, Finding, check


@check(
    id="ec2.elastic_ips_attached",
    title="Elastic IPs are in use",
    service="ec2",
    severity="low",
    effort="low",
    description="""Every Elastic IP address of the region is associated with an instance or a network
        interface (NAT gateway, load balancer, ...). An idle Elastic IP is billed by the hour and is a
        public address nobody is watching.""",
    remediation="""Release Elastic IPs that are no longer needed (ec2 release-address); where a fixed
        address must be kept for an allow-list, document its owner and purpose in tags.""",
    reads=["ec2:DescribeAddresses"],
)
def elastic_ips_attached(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per Elastic IP address."""
    for address in ctx.call("ec2", "DescribeAddresses", required=("Addresses",)).get("Addresses", []):
        ip = address.get("PublicIp", "")
        allocation = address.get("AllocationId") or ip
        arn = ctx.arn("ec2", f"elastic-ip/{allocation}")
        instance = address.get("InstanceId") or None
        interface = address.get("NetworkInterfaceId") or None
        observed = {"public_ip": ip, "allocation_id": address.get("AllocationId"), "name": name_tag(address),
                    "association_id": address.get("AssociationId"), "instance_id": instance,
                    "network_interface_id": interface}
        label = f"Elastic IP {ip}" + (f" ({observed['name']})" if observed["name"] else "")
        if address.get("AssociationId") or instance or interface:
            yield ctx.passed(arn, f"{label} is associated with {instance or interface}", observed)
        else:
            yield ctx.failed(arn, f"{label} is associated with nothing", observed)
