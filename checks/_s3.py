"""Shared S3 reads: the bucket list with each bucket's region, and account-level Block Public Access."""

from __future__ import annotations

import json
from typing import Any

from scanner.api import CheckContext, NotAssessed

BPA_KEYS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")


def buckets(ctx: CheckContext) -> list[dict[str, Any]]:
    """Every bucket as ``{"Name", "Region", "Arn", "region_error"}``.

    The region comes from ListBuckets' ``BucketRegion`` where AWS returns it, otherwise from one
    GetBucketLocation per bucket; a bucket whose region cannot be read carries ``region_error``.
    """
    # Built once per scan: every S3 check needs the list, and nine checks locating the same buckets at
    # once would tie up the I/O pool waiting on each other's GetBucketLocation.
    return ctx.memo("s3.buckets", lambda: _locate_all(ctx), sources=("s3:ListBuckets", "s3:GetBucketLocation"))


def _locate_all(ctx: CheckContext) -> list[dict[str, Any]]:
    # AWS includes each bucket's BucketRegion only when the request has a parameter (S3 API reference,
    # ListBuckets, read December 2026): MaxBuckets at its largest page (10,000), so no bucket needs a
    # GetBucketLocation of its own where AWS answers with the region.
    listed = ctx.call("s3", "ListBuckets", region=ctx.api_region, MaxBuckets=10000,
                      required=("Buckets",)).get("Buckets", [])

    def locate(bucket: dict[str, Any]) -> dict[str, Any]:
        name = bucket["Name"]
        region = bucket.get("BucketRegion")
        error = None
        if not region:
            try:
                loc = ctx.call("s3", "GetBucketLocation", region=ctx.api_region, Bucket=name)
                region = (loc or {}).get("LocationConstraint") or "us-east-1"
                region = "eu-west-1" if region == "EU" else region  # legacy value of the oldest buckets
            except NotAssessed as exc:
                error = exc
        return {"Name": name, "Region": region, "Arn": f"arn:{ctx.partition}:s3:::{name}", "region_error": error}

    return ctx.map(locate, listed)


def account_public_access_block(ctx: CheckContext) -> dict[str, bool]:
    """The account-level Block Public Access settings (all False when none is configured)."""
    answer = ctx.call("s3control", "GetPublicAccessBlock", region=ctx.api_region, AccountId=ctx.account,
                      absent=("NoSuchPublicAccessBlockConfiguration",), required=("PublicAccessBlockConfiguration",))
    config = (answer or {}).get("PublicAccessBlockConfiguration", {})
    return {key: bool(config.get(key)) for key in BPA_KEYS}


def bucket_public_access_block(ctx: CheckContext, bucket: dict[str, Any]) -> dict[str, bool]:
    """A bucket's own Block Public Access settings (all False when none is configured)."""
    answer = ctx.call("s3", "GetPublicAccessBlock", region=bucket["Region"], Bucket=bucket["Name"],
                      absent=("NoSuchPublicAccessBlockConfiguration",), required=("PublicAccessBlockConfiguration",))
    config = (answer or {}).get("PublicAccessBlockConfiguration", {})
    return {key: bool(config.get(key)) for key in BPA_KEYS}


def bucket_object_ownership(ctx: CheckContext, bucket: dict[str, Any]) -> str | None:
    """A bucket's Object Ownership setting (``BucketOwnerEnforced`` disables ACLs), ``None`` when it has none.

    One GetBucketOwnershipControls per bucket and scan, shared through the collector by every check that asks
    (whether ACLs can grant anything decides both public exposure and which ACL reads are worth making).
    No ownership controls means ACLs are enabled, as on every bucket created before April 2023.
    """
    answer = ctx.call("s3", "GetBucketOwnershipControls", region=bucket["Region"], Bucket=bucket["Name"],
                      absent=("OwnershipControlsNotFoundError",))
    rules = ((answer or {}).get("OwnershipControls") or {}).get("Rules") or [{}]
    return rules[0].get("ObjectOwnership")


def acls_disabled(ctx: CheckContext, bucket: dict[str, Any]) -> bool:
    """True when the bucket's Object Ownership is BucketOwnerEnforced: S3 ignores every bucket and object ACL."""
    return bucket_object_ownership(ctx, bucket) == "BucketOwnerEnforced"


def bucket_policy(ctx: CheckContext, bucket: dict[str, Any]) -> dict[str, Any] | None:
    """A bucket's policy document, parsed; ``None`` when the bucket has no policy.

    A document that is not valid JSON (which AWS never returns) is treated as an empty policy.
    """
    answer = ctx.call("s3", "GetBucketPolicy", region=bucket["Region"], Bucket=bucket["Name"],
                      absent=("NoSuchBucketPolicy",), required=("Policy",))
    if answer is None:
        return None
    try:
        document = json.loads(answer.get("Policy") or "{}")
    except ValueError:
        return {}
    return document if isinstance(document, dict) else {}


def bucket_tags(ctx: CheckContext, bucket: dict[str, Any]) -> dict[str, str]:
    """A bucket's tags (empty when it has none).

    Read in bulk where possible: the Resource Groups Tagging API's GetResources in the bucket's region lists
    every tagged (or once tagged) bucket with its tags, so a bucket it does not list has none. It is the read
    tagging.owner_and_cost_centre makes too, so the answer is shared. A bucket in a region the scan does not
    cover, or a GetResources that cannot be read (denied, damaged), falls back to GetBucketTagging.
    """
    if bucket["Region"] in ctx.regions:
        try:
            return _tagged_buckets(ctx, bucket["Region"]).get(bucket["Arn"], {})
        except NotAssessed:
            pass
    answer = ctx.call("s3", "GetBucketTagging", region=bucket["Region"], Bucket=bucket["Name"],
                      absent=("NoSuchTagSet",), required=("TagSet",))
    return {t["Key"]: t["Value"] for t in (answer or {}).get("TagSet", [])}


def _tagged_buckets(ctx: CheckContext, region: str) -> dict[str, dict[str, str]]:
    """ARN -> tags of the buckets GetResources lists in ``region`` (built once per region and scan)."""

    def build() -> dict[str, dict[str, str]]:
        # 100 per page is the API's largest page; the parameters match the owner-tag check's read.
        items = ctx.call("resourcegroupstaggingapi", "GetResources", region=region, ResourcesPerPage=100,
                         required=("ResourceTagMappingList",))["ResourceTagMappingList"]
        return {i["ResourceARN"]: {t["Key"]: t["Value"] for t in i.get("Tags") or []}
                for i in items if i.get("ResourceARN", "").split(":")[2:3] == ["s3"] and "/" not in i["ResourceARN"]}

    return ctx.memo(f"s3.tagged_buckets.{region}", build, sources=("resourcegroupstaggingapi:GetResources",))


def bucket_encryption_rules(ctx: CheckContext, bucket: dict[str, Any]) -> list[dict[str, Any]] | None:
    """A bucket's default-encryption rules; ``None`` when the endpoint reports no configuration.

    AWS has applied SSE-S3 to every bucket since January 2023 and so always answers with a rule;
    older endpoints and emulators answer ``ServerSideEncryptionConfigurationNotFoundError`` instead.
    """
    answer = ctx.call("s3", "GetBucketEncryption", region=bucket["Region"], Bucket=bucket["Name"],
                      absent=("ServerSideEncryptionConfigurationNotFoundError",),
                      required=("ServerSideEncryptionConfiguration.Rules",))
    if answer is None:
        return None
    return list(answer.get("ServerSideEncryptionConfiguration", {}).get("Rules", []))


def bucket_lifecycle_rules(ctx: CheckContext, bucket: dict[str, Any]) -> list[dict[str, Any]]:
    """A bucket's lifecycle rules, empty when it has no lifecycle configuration. Every check asks the same
    request, so the collector reads each bucket's rules once."""
    answer = ctx.call("s3", "GetBucketLifecycleConfiguration", region=bucket["Region"], Bucket=bucket["Name"],
                      absent=("NoSuchLifecycleConfiguration",))
    return list((answer or {}).get("Rules", []))
