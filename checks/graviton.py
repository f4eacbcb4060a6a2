"""Graviton share: how much of a region's running EC2 fleet uses AWS Graviton (arm64) processors."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from checks._ec2 import instances
from scanner.api import CheckContext, Finding, check

# Graviton families carry a "g" straight after the generation digit (m6g, c7gn, r8gd, x2gd, im4gn,
# is4gen, t4g, g5g, hpc7g); A1 is the first-generation Graviton.
_GRAVITON_FAMILY = re.compile(r"^(a1|[a-z]+\d+g[a-z]*)$")
SAMPLE = 20


def is_graviton(instance: dict[str, Any]) -> bool:
    """True for an arm64 instance; the type name decides when the architecture is not reported."""
    arch = instance.get("Architecture")
    if arch:
        return arch == "arm64"
    return bool(_GRAVITON_FAMILY.match(instance.get("InstanceType", "").split(".", 1)[0].lower()))


@check(
    id="ec2.graviton_share",
    title="The fleet uses Graviton instances",
    service="ec2",
    severity="info",
    effort="high",
    description="""At least min_percent of the region's running EC2 instances use AWS Graviton (arm64)
        processors, for which AWS cites the best price performance in EC2 and up to 60% less energy than
        comparable instances for the same performance. One finding per region with running instances, with
        the figures; a low share is a prompt to evaluate arm64, not proof of a wrong choice.""",
    remediation="""Move workloads whose software runs on arm64 (most Linux, interpreted and JVM workloads,
        containers built for multiple architectures) to the Graviton variant of their family, e.g. m7g for
        m7i; start with stateless tiers behind a load balancer.""",
    reads=["ec2:DescribeInstances"],
    options={"min_percent": 50},
)
def graviton_share(ctx: CheckContext) -> Iterator[Finding]:
    """One finding for the region; nothing where no instance runs."""
    running = instances(ctx, states=("running",))
    if not running:
        return
    graviton = [i for i in running if is_graviton(i)]
    others = [i for i in running if not is_graviton(i)]
    percent = round(100 * len(graviton) / len(running), 1)
    threshold = float(ctx.option("min_percent"))
    by_type: dict[str, int] = {}
    for inst in running:
        by_type[inst.get("InstanceType", "?")] = by_type.get(inst.get("InstanceType", "?"), 0) + 1
    observed = {"running_instances": len(running), "graviton_instances": len(graviton),
                "percent_graviton": percent, "min_percent": threshold, "instance_types": dict(sorted(by_type.items())),
                "x86_sample": [f"{i['InstanceId']} ({i.get('InstanceType')})" for i in others[:SAMPLE]]}
    message = (f"{len(graviton)} of {len(running)} running instances in {ctx.region} ({percent:g}%) use Graviton "
               f"(threshold {threshold:g}%)")
    if percent >= threshold:
        yield ctx.passed(ctx.account_resource(), message, observed)
    else:
        yield ctx.failed(ctx.account_resource(), message, observed)
