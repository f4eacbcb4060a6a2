"""Shared S3 reads: the bucket list with each bucket's region, and account-level Block Public Access."""

from __future__ import annotations

from typing import Any

from scanner.context import CheckContext
from scanner.errors import NotAssessed

BPA_KEYS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")


def buckets(ctx: CheckContext) -> list[dict[str, Any]]:
    """Every bucket as ``{"Name", "Region", "Arn", "region_error"}``.

    The region comes from ListBuckets' ``BucketRegion`` where AWS returns it, otherwise from one
    GetBucketLocation per bucket; a bucket whose region cannot be read carries ``region_error``.
    """
    listed = ctx.call("s3", "ListBuckets", region=ctx.api_region).get("Buckets", [])
    out = []
    for bucket in listed:
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
        out.append({"Name": name, "Region": region, "Arn": f"arn:{ctx.partition}:s3:::{name}",
                    "region_error": error})
    return out


def account_public_access_block(ctx: CheckContext) -> dict[str, bool]:
    """The account-level Block Public Access settings (all False when none is configured)."""
    answer = ctx.call("s3control", "GetPublicAccessBlock", region=ctx.api_region, AccountId=ctx.account,
                      absent=("NoSuchPublicAccessBlockConfiguration",))
    config = (answer or {}).get("PublicAccessBlockConfiguration", {})
    return {key: bool(config.get(key)) for key in BPA_KEYS}


def bucket_public_access_block(ctx: CheckContext, bucket: dict[str, Any]) -> dict[str, bool]:
    """A bucket's own Block Public Access settings (all False when none is configured)."""
    answer = ctx.call("s3", "GetPublicAccessBlock", region=bucket["Region"], Bucket=bucket["Name"],
                      absent=("NoSuchPublicAccessBlockConfiguration",))
    config = (answer or {}).get("PublicAccessBlockConfiguration", {})
    return {key: bool(config.get(key)) for key in BPA_KEYS}
