"""Data stores carry a data-classification tag, so protection can follow the data's sensitivity."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from checks._s3 import bucket_tags, buckets
from scanner.api import CheckContext, Finding, NotAssessed, check

# A classification is a short label ("confidential", "pii"); anything else is not copied into evidence.
_LABEL = re.compile(r"[A-Za-z0-9 _.:/+=@-]{1,40}")


def _tags(items: list[dict[str, str]] | None) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in items or []}


def _csv(value: Any) -> list[str]:
    return [v.strip() for v in str(value or "").split(",") if v.strip()]


Store = tuple[str, str, dict[str, str]]


def _regional_stores(ctx: CheckContext, region: str) -> Iterator[Store | tuple[str, NotAssessed]]:
    """(kind, ARN, tags) of the RDS instances, DynamoDB tables and EFS file systems of ``region``, with the
    same reads as backup.resources_protected so the answers are shared; (resource, why) for what could not
    be read."""
    try:
        for db in ctx.call("rds", "DescribeDBInstances", region=region,
                           required=("DBInstances",)).get("DBInstances", []):
            yield "RDS instance", db["DBInstanceArn"], _tags(db.get("TagList"))
    except NotAssessed as exc:
        yield ctx.account_resource("rds", region=region), exc
    try:
        tables = ctx.call("dynamodb", "ListTables", region=region, required=("TableNames",)).get("TableNames", [])
    except NotAssessed as exc:
        yield ctx.account_resource("dynamodb", region=region), exc
        tables = []

    def table_tags(table: str) -> Store | tuple[str, NotAssessed]:
        arn = ctx.arn("dynamodb", f"table/{table}", region=region)
        try:
            tags = ctx.call("dynamodb", "ListTagsOfResource", region=region, ResourceArn=arn).get("Tags")
        except NotAssessed as exc:
            return arn, exc
        return "DynamoDB table", arn, _tags(tags)

    yield from ctx.map(table_tags, tables)
    try:
        for fs in ctx.call("efs", "DescribeFileSystems", region=region,
                           required=("FileSystems",)).get("FileSystems", []):
            arn = fs.get("FileSystemArn") or ctx.arn("elasticfilesystem", f"file-system/{fs['FileSystemId']}",
                                                     region=region)
            yield "EFS file system", arn, _tags(fs.get("Tags"))
    except NotAssessed as exc:
        yield ctx.account_resource("elasticfilesystem", region=region), exc


@check(
    id="tagging.data_classification",
    title="Data stores carry a data-classification tag",
    service="tagging",
    scope="global",
    severity="medium",
    effort="medium",
    description="""Every S3 bucket, RDS instance, DynamoDB table and EFS file system has a non-empty
        data-classification tag (option tag_key, default data-classification; several keys may be given
        comma-separated, matched without regard to case; option allowed_values restricts the labels).
        Without a classification on the store itself, controls cannot be tied to the data's sensitivity
        and nobody can tell which stores hold what. The label is recorded in the evidence when it is a
        short word.""",
    remediation="""Define a classification scheme (for example public, internal, confidential, restricted),
        tag every data store with it when it is created (enforce with a tag policy and an SCP or Config
        rule requiring the tag), and let the classification drive encryption, access and retention.""",
    reads=["s3:ListBuckets", "s3:GetBucketLocation", "resourcegroupstaggingapi:GetResources", "s3:GetBucketTagging",
           "rds:DescribeDBInstances",
           "dynamodb:ListTables", "dynamodb:ListTagsOfResource", "efs:DescribeFileSystems"],
    options={"tag_key": "data-classification", "allowed_values": ""},
)
def data_classification(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per data store, in the store's region."""
    keys = {k.lower() for k in _csv(ctx.option("tag_key"))}
    allowed = {v.lower() for v in _csv(ctx.option("allowed_values"))}

    def bucket_verdict(bucket: dict[str, Any]) -> Finding:
        region = bucket["Region"] or "global"
        if bucket["region_error"] is not None:
            return ctx.not_assessed(bucket["Arn"], bucket["region_error"])
        try:
            tags = bucket_tags(ctx, bucket)
        except NotAssessed as exc:
            return ctx.not_assessed(bucket["Arn"], exc, region=region)
        return _verdict(ctx, "S3 bucket", bucket["Arn"], tags, keys, allowed, region)

    yield from ctx.map(bucket_verdict, buckets(ctx))
    for region in ctx.regions:
        for item in _regional_stores(ctx, region):
            if len(item) == 2:
                resource, why = item
                yield ctx.not_assessed(resource, why, region=region)
                continue
            kind, arn, tags = item
            yield _verdict(ctx, kind, arn, tags, keys, allowed, region)


def _verdict(ctx: CheckContext, kind: str, arn: str, tags: dict[str, str], keys: set[str], allowed: set[str],
             region: str) -> Finding:
    name = arn.rsplit("/", 1)[-1].rsplit(":", 1)[-1]
    label = tags.get("Name")
    name = f"{name} ({label})" if label and label != name else name
    found = next(((k, v) for k, v in tags.items() if k.lower() in keys), None)
    observed: dict[str, Any] = {"resource_type": kind, "tag_keys_accepted": sorted(keys),
                                "tag_key": found[0] if found else None}
    if found is None:
        return ctx.failed(arn, f"{kind} {name} has no data-classification tag", observed, region=region)
    value = found[1].strip()
    observed["classification"] = value if _LABEL.fullmatch(value) else "<not recorded: not a short label>"
    if not value:
        return ctx.failed(arn, f"{kind} {name} has an empty {found[0]} tag", observed, region=region)
    if allowed and value.lower() not in allowed:
        observed["allowed_values"] = sorted(allowed)
        return ctx.failed(arn, f"{kind} {name} is tagged {found[0]} with a value outside the scheme",
                          observed, region=region)
    return ctx.passed(arn, f"{kind} {name} is classified ({found[0]}={observed['classification']})", observed,
                      region=region)
