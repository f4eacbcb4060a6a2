"""ECS services, read once per scan for the deployment and capacity checks."""

from __future__ import annotations

from typing import Any

from scanner.api import CheckContext


def services(ctx: CheckContext) -> list[dict[str, Any]]:
    """Every ECS service of the region: ListClusters, ListServices per cluster, then DescribeServices in
    batches of 10 (the API's most), concurrently. Every check asks the same reads, so the collector answers once."""
    batches = [(cluster, arns[i:i + 10]) for cluster in ctx.call("ecs", "ListClusters",
                                                                 required=("clusterArns",)).get("clusterArns", [])
               if (arns := ctx.call("ecs", "ListServices", cluster=cluster,
                                    required=("serviceArns",)).get("serviceArns", []))
               for i in range(0, len(arns), 10)]
    answers = ctx.map(lambda b: ctx.call("ecs", "DescribeServices", cluster=b[0], services=b[1]), batches)
    return [s for answer in answers for s in answer.get("services", [])]
