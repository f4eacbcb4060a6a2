"""Infrastructure as code: the share of a region's resources that a CloudFormation stack manages."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checks._ec2 import instances
from scanner.api import CheckContext, Finding, NotAssessed, check

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


# Stacks whose resources exist (every status but DELETE_COMPLETE).
LIVE_STACK_STATUSES = [
    "CREATE_IN_PROGRESS", "CREATE_FAILED", "CREATE_COMPLETE", "ROLLBACK_IN_PROGRESS", "ROLLBACK_FAILED",
    "ROLLBACK_COMPLETE", "DELETE_IN_PROGRESS", "DELETE_FAILED", "UPDATE_IN_PROGRESS",
    "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", "UPDATE_COMPLETE", "UPDATE_FAILED", "UPDATE_ROLLBACK_IN_PROGRESS",
    "UPDATE_ROLLBACK_FAILED", "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS", "UPDATE_ROLLBACK_COMPLETE",
    "REVIEW_IN_PROGRESS", "IMPORT_IN_PROGRESS", "IMPORT_COMPLETE", "IMPORT_ROLLBACK_IN_PROGRESS",
    "IMPORT_ROLLBACK_FAILED", "IMPORT_ROLLBACK_COMPLETE",
]


# The CloudFormation resource types behind each counted kind.
_CFN_TYPES = {
    "AWS::EC2::Instance": "EC2 instance", "AWS::EC2::Volume": "EBS volume", "AWS::RDS::DBInstance": "RDS instance",
    "AWS::DynamoDB::Table": "DynamoDB table", "AWS::DynamoDB::GlobalTable": "DynamoDB table",
    "AWS::Lambda::Function": "Lambda function", "AWS::ElasticLoadBalancingV2::LoadBalancer": "Load balancer",
    "AWS::ElasticLoadBalancing::LoadBalancer": "Load balancer",
}


def stack_physical_ids(ctx: CheckContext) -> set[tuple[str, str]]:
    """(kind, physical id) of every counted resource of every live stack: instance ids, table and function
    names, load balancer ARNs. Covers resources CloudFormation did not tag; one ListStackResources per stack.
    """
    found: set[tuple[str, str]] = set()
    stacks = ctx.call("cloudformation", "ListStacks", StackStatusFilter=LIVE_STACK_STATUSES)
    for stack in stacks.get("StackSummaries", []):
        answer = ctx.call("cloudformation", "ListStackResources", StackName=stack["StackId"],
                          absent=("ValidationError",))  # deleted between the two reads
        found.update((_CFN_TYPES[r["ResourceType"]], r["PhysicalResourceId"])
                     for r in (answer or {}).get("StackResourceSummaries", [])
                     if r.get("PhysicalResourceId") and r.get("ResourceType") in _CFN_TYPES)
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
        for vol in ctx.call("ec2", "DescribeVolumes", MaxResults=500, required=("Volumes",)).get("Volumes", []):
            # A volume attached to a stack's instance lives and dies with that instance.
            via_instance = any(a.get("InstanceId") in managed_instances for a in vol.get("Attachments") or [])
            own = bool(_tag_keys(vol.get("Tags")) & keys) or via_instance
            items.append(("EBS volume", ctx.arn("ec2", f"volume/{vol['VolumeId']}"), vol["VolumeId"], own))
    except NotAssessed as exc:
        errors.setdefault("ec2", exc)
    try:
        for db in ctx.call("rds", "DescribeDBInstances", required=("DBInstances",)).get("DBInstances", []):
            own = bool(_tag_keys(db.get("TagList")) & keys)
            items.append(("RDS instance", db["DBInstanceArn"], db["DBInstanceIdentifier"], own))
    except NotAssessed as exc:
        errors["rds"] = exc
    try:
        for table in ctx.call("dynamodb", "ListTables", required=("TableNames",)).get("TableNames", []):
            items.append(("DynamoDB table", ctx.arn("dynamodb", f"table/{table}"), table, False))
    except NotAssessed as exc:
        errors["dynamodb"] = exc
    try:
        for fn in ctx.call("lambda", "ListFunctions", required=("Functions",)).get("Functions", []):
            items.append(("Lambda function", fn["FunctionArn"], fn["FunctionName"], False))
    except NotAssessed as exc:
        errors["lambda"] = exc
    try:
        for lb in ctx.call("elbv2", "DescribeLoadBalancers", required=("LoadBalancers",)).get("LoadBalancers", []):
            items.append(("Load balancer", lb["LoadBalancerArn"], lb["LoadBalancerName"], False))
    except NotAssessed as exc:
        errors["elasticloadbalancing"] = exc
    return items, errors


@check(
    id="cloudformation.iac_coverage",
    title="Resources are managed as code",
    service="cloudformation",
    severity="medium",
    effort="high",
    description="""For each kind of resource in the region (EC2 instances, EBS volumes, RDS instances,
        DynamoDB tables, Lambda functions, load balancers), at least min_percent belong to a CloudFormation
        stack (CDK, SAM and StackSets included): listed among a live stack's resources, or carrying the
        aws:cloudformation:stack-name tag CloudFormation puts on what it creates. A volume attached to a
        stack's instance counts as managed. Resources other tools manage are recognised only when they carry
        one of the tag keys in iac_tag_keys. One finding per kind present, with the region's overall share.""",
    remediation="""Bring hand-made resources under a stack (cloudformation create-change-set
        --change-set-type IMPORT, or cdk import), or tag the resources your other infrastructure-as-code
        tool manages and list that tag key in iac_tag_keys; make changes through the code, not the console.""",
    reads=["resourcegroupstaggingapi:GetResources", "cloudformation:ListStacks",
           "cloudformation:ListStackResources", "ec2:DescribeInstances", "ec2:DescribeVolumes",
           "rds:DescribeDBInstances", "dynamodb:ListTables", "lambda:ListFunctions",
           "elbv2:DescribeLoadBalancers"],
    options={"min_percent": 80, "iac_tag_keys": "aws:cloudformation:stack-name"},
)
def iac_coverage(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per resource kind present in the region, each with the region's overall figures."""
    keys = _keys(ctx)
    tagged = tagged_arns(ctx, keys)
    in_stacks = stack_physical_ids(ctx)
    items, errors = _inventory(ctx, set(keys))
    for service, exc in errors.items():
        yield ctx.not_assessed(ctx.account_resource(service), exc)
    by_kind: dict[str, dict[str, Any]] = {}
    for kind, arn, display, own in items:
        entry = by_kind.setdefault(kind, {"total": 0, "managed": 0, "unmanaged": []})
        entry["total"] += 1
        if own or arn in tagged or (kind, display) in in_stacks or (kind, arn) in in_stacks:
            entry["managed"] += 1
        elif len(entry["unmanaged"]) < SAMPLE:
            entry["unmanaged"].append(display)
    total = sum(e["total"] for e in by_kind.values())
    managed = sum(e["managed"] for e in by_kind.values())
    threshold = float(ctx.option("min_percent"))
    region_figures = {"resources": total, "managed": managed,
                      "percent_managed": round(100 * managed / total, 1) if total else None}
    for kind, entry in by_kind.items():
        percent = round(100 * entry["managed"] / entry["total"], 1)
        observed: dict[str, Any] = {
            "resource_kind": kind, "resources": entry["total"], "managed": entry["managed"],
            "percent_managed": percent, "min_percent": threshold, "unmanaged_sample": entry["unmanaged"],
            "region": region_figures, "iac_tag_keys": keys, "kinds_not_assessed": sorted(errors),
        }
        message = (f"{entry['managed']} of {entry['total']} {_PLURAL[kind]} in {ctx.region} ({percent:g}%) are "
                   f"managed as code (threshold {threshold:g}%; region overall {region_figures['percent_managed']:g}%)")
        resource = ctx.account_resource(_SERVICE[kind])
        if percent >= threshold:
            yield ctx.passed(resource, message, observed)
        else:
            yield ctx.failed(resource, message, observed)


_PLURAL = {"EC2 instance": "EC2 instances", "EBS volume": "EBS volumes", "RDS instance": "RDS instances",
           "DynamoDB table": "DynamoDB tables", "Lambda function": "Lambda functions",
           "Load balancer": "load balancers"}
# The service part of each kind's account-level resource name, so each kind has its own finding id.
_SERVICE = {"EC2 instance": "ec2", "EBS volume": "ebs", "RDS instance": "rds", "DynamoDB table": "dynamodb",
            "Lambda function": "lambda", "Load balancer": "elasticloadbalancing"}
