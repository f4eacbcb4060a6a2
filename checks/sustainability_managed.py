"""Managed services for containers: ECS services run on Fargate or ECS Managed Instances, whose hosts AWS
keeps busy and patched, rather than on container instances the team provisions and runs itself."""

from __future__ import annotations

from collections.abc import Iterator

from checks._ecs import services
from scanner.api import CheckContext, Finding, check

MANAGED_LAUNCH = frozenset({"FARGATE", "MANAGED_INSTANCES"})
MANAGED_PROVIDERS = frozenset({"FARGATE", "FARGATE_SPOT"})


def _provider_kinds(ctx: CheckContext, names: set[str]) -> dict[str, str]:
    """Capacity provider name -> ``managed`` / ``self-managed`` for providers that are not Fargate."""
    if not names:
        return {}
    found = ctx.call("ecs", "DescribeCapacityProviders", capacityProviders=sorted(names),
                     required=("capacityProviders",)).get("capacityProviders", [])
    return {p["name"]: "managed" if p.get("managedInstancesProvider") or p.get("type") == "MANAGED_INSTANCES"
            else "self-managed" for p in found}


@check(
    id="ecs.services_on_managed_capacity",
    title="Container services run on managed capacity",
    service="ecs",
    severity="low",
    effort="high",
    description="""Every ECS service runs on capacity AWS manages: the Fargate or Managed Instances launch type,
        or a capacity provider strategy of FARGATE, FARGATE_SPOT or a Managed Instances provider. Services on
        the EC2 or EXTERNAL launch type, or on an Auto Scaling group capacity provider, run on container hosts
        the team sizes, patches and keeps utilised. Reads the services the deployment checks read, and
        DescribeCapacityProviders once per region only when a service uses a custom provider. Workloads that
        need EC2 hosts (GPUs, daemons, special kernels) fail too and are for the reviewer to confirm.""",
    remediation="""Move services to Fargate (or ECS Managed Instances where the task needs a particular
        instance type) with a capacity provider strategy, and retire the self-managed container instances.""",
    reads=["ecs:ListClusters", "ecs:ListServices", "ecs:DescribeServices", "ecs:DescribeCapacityProviders"],
)
def services_on_managed_capacity(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per ECS service."""
    found = services(ctx)
    custom = {item["capacityProvider"] for s in found for item in s.get("capacityProviderStrategy") or []
              if item.get("capacityProvider") not in MANAGED_PROVIDERS}
    kinds = _provider_kinds(ctx, custom)
    for service in found:
        name, arn = service.get("serviceName", service["serviceArn"]), service["serviceArn"]
        strategy = [item.get("capacityProvider") for item in service.get("capacityProviderStrategy") or []]
        if strategy:
            self_run = [p for p in strategy if p not in MANAGED_PROVIDERS and kinds.get(p) != "managed"]
            how = "capacity providers " + ", ".join(map(str, strategy))
        else:
            launch = service.get("launchType") or "EC2"
            self_run = [] if launch in MANAGED_LAUNCH else [launch]
            how = f"the {launch} launch type"
        observed = {"service": name, "cluster": service.get("clusterArn"), "launch_type": service.get("launchType"),
                    "capacity_providers": strategy, "self_managed": self_run}
        if self_run:
            yield ctx.failed(arn, f"ECS service {name} runs on container hosts the team manages ({how})", observed)
        else:
            yield ctx.passed(arn, f"ECS service {name} runs on managed capacity ({how})", observed)
