"""Infrastructure as code: the share of a region's resources that a CloudFormation stack manages."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checks._ec2 import instances
from scanner.context import CheckContext
from scanner.errors import NotAssessed
from scanner.model import Finding
from scanner.registry import check

# Resource types counted, as the Resource Groups Tagging API names them.
RESOURCE_TYPES = ["ec2:instance", "ec2:volume", "rds:db", "dynamodb:table", "lambda:function",
                  "elasticloadbalancing:loadbalancer"]
SAMPLE = 20  # unmanaged resources named in the evidence


def _keys(ctx: CheckContext) -> list[str]:
    return [k.strip() for k in str(ctx.option("iac_tag_keys")).split(",") if k.strip()]


def _tag_keys(tags: list[dict[str, str]] | None) -> set[str]:
    return {t.get("Key", "") for t in tags or []}


def tagged_arns(ctx: CheckContext, keys: list[str]) -> set[str]:
    """ARNs of the counted resource types that carry any of the tag ``keys`` (one paginated read per key)."""
    found: set[str] = set()
    for key in keys:
        answer = ctx.call("resourcegroupstaggingapi", "GetResources", TagFilters=[{"Key": key}],
                          ResourceTypeFilters=RESOURCE_TYPES)
        found.update(item["ResourceARN"] for item in answer.get("ResourceTagMappingList", []))
    return found


Inventory = list[tuple[str, str, str, bool]]  # (kind, ARN, display id, managed by its own tags)


def _inventory(ctx: CheckContext, keys: set[str]) -> tuple[Inventory, dict[str, NotAssessed]]:
    """Every counted resource of the region, and the kinds that could not be listed."""
    items: Inventory = []
    errors: dict[str, NotAssessed] = {}
    managed_instances: set[str] = set()
    try:
        for inst in instances(ctx):
            own = bool(_tag_keys(inst.get("Tags")) & keys)
            if own:
                managed_instances.add(inst["InstanceId"])
            items.append(("EC2 instance", ctx.arn("ec2", f"instance/{inst['InstanceId']}"), inst["InstanceId"], own))
    except NotAssessed as exc:
        errors["ec2"] = exc
    try:
        for vol in ctx.call("ec2", "DescribeVolumes", MaxResults=500).get("Volumes", []):
            # A volume attached to a stack's instance lives and dies with that instance.
            via_instance = any(a.get("InstanceId") in managed_instances for a in vol.get("Attachments") or [])
            own = bool(_tag_keys(vol.get("Tags")) & keys) or via_instance
            items.append(("EBS volume", ctx.arn("ec2", f"volume/{vol['VolumeId']}"), vol["VolumeId"], own))
    except NotAssessed as exc:
        errors.setdefault("ec2", exc)
    try:
        for db in ctx.call("rds", "DescribeDBInstances").get("DBInstances", []):
            own = bool(_tag_keys(db.get("TagList")) & keys)
            items.append(("RDS instance", db["DBInstanceArn"], db["DBInstanceIdentifier"], own))
    except NotAssessed as exc:
        errors["rds"] = exc
    try:
        for table in ctx.call("dynamodb", "ListTables").get("TableNames", []):
            items.append(("DynamoDB table", ctx.arn("dynamodb", f"table/{table}"), table, False))
    except NotAssessed as exc:
        errors["dynamodb"] = exc
    try:
        for fn in ctx.call("lambda", "ListFunctions").get("Functions", []):
            items.append(("Lambda function", fn["FunctionArn"], fn["FunctionName"], False))
    except NotAssessed as exc:
        errors["lambda"] = exc
    try:
        for lb in ctx.call("elbv2", "DescribeLoadBalancers").get("LoadBalancers", []):
            items.append(("Load balancer", lb["LoadBalancerArn"], lb["LoadBalancerName"], False))
    except NotAssessed as exc:
        errors["elasticloadbalancing"] = exc
    return items, errors


@check(
    id="cloudformation.iac_coverage",
    title="Resources are managed as code",
    service="cloudformation",
    severity="medium",
    description="""At least min_percent of the region's EC2 instances, EBS volumes, RDS instances,
        DynamoDB tables, Lambda functions and load balancers belong to a CloudFormation stack (CDK, SAM
        and StackSets included), recognised by the aws:cloudformation:stack-name tag CloudFormation puts
        on what it creates; a volume attached to a stack's instance counts as managed. Resources that
        other tools manage are recognised only when they carry one of the tag keys in iac_tag_keys.""",
    remediation="""Bring hand-made resources under a stack (cloudformation create-change-set
        --change-set-type IMPORT, or cdk import), or tag the resources your other infrastructure-as-code
        tool manages and list that tag key in iac_tag_keys; make changes through the code, not the console.""",
    reads=["resourcegroupstaggingapi:GetResources", "ec2:DescribeInstances", "ec2:DescribeVolumes",
           "rds:DescribeDBInstances", "dynamodb:ListTables", "lambda:ListFunctions",
           "elbv2:DescribeLoadBalancers"],
    options={"min_percent": 80, "iac_tag_keys": "aws:cloudformation:stack-name"},
)
def iac_coverage(ctx: CheckContext) -> Iterator[Finding]:
    """One finding for the region with the share of managed resources; nothing where there are none."""
    keys = _keys(ctx)
    tagged = tagged_arns(ctx, keys)
    items, errors = _inventory(ctx, set(keys))
    for service, exc in errors.items():
        yield ctx.not_assessed(ctx.account_resource(service), exc)
    if not items:
        return
    by_kind: dict[str, dict[str, int]] = {}
    unmanaged: list[str] = []
    managed = 0
    for kind, arn, display, own in items:
        is_managed = own or arn in tagged
        counts = by_kind.setdefault(kind, {"total": 0, "managed": 0})
        counts["total"] += 1
        if is_managed:
            counts["managed"] += 1
            managed += 1
        elif len(unmanaged) < SAMPLE:
            unmanaged.append(f"{kind} {display}")
    total = len(items)
    percent = round(100 * managed / total, 1)
    threshold = float(ctx.option("min_percent"))
    observed: dict[str, Any] = {
        "resources": total, "managed": managed, "percent_managed": percent, "min_percent": threshold,
        "by_kind": by_kind, "unmanaged_sample": unmanaged, "iac_tag_keys": keys,
        "kinds_not_assessed": sorted(errors),
    }
    message = (f"{managed} of {total} resources in {ctx.region} ({percent:g}%) are managed as code "
               f"(threshold {threshold:g}%)")
    if percent >= threshold:
        yield ctx.passed(ctx.account_resource(), message, observed)
    else:
        yield ctx.failed(ctx.account_resource(), message, observed)
