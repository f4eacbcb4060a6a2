"""S3 Block Public Access is on for the account and for each bucket."""

from __future__ import annotations

from collections.abc import Iterator

from checks._s3 import BPA_KEYS, account_public_access_block, bucket_public_access_block, buckets
from scanner.api import CheckContext, Finding, NotAssessed, check


@check(
    id="s3.account_public_access_block",
    title="S3 Block Public Access is on for the account",
    service="s3",
    scope="global",
    severity="high",
    effort="low",
    description="""All four account-level S3 Block Public Access settings are on (BlockPublicAcls,
        IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets), so no bucket of the account, present
        or future, can be made public by an ACL or a bucket policy.""",
    remediation="""Turn on all four settings with s3control put-public-access-block (or, for every account
        of an organization, with an SCP that denies s3:PutAccountPublicAccessBlock after setting it); serve
        public content through CloudFront with origin access control.""",
    reads=["s3control:GetPublicAccessBlock"],
)
def account_public_access_block_on(ctx: CheckContext) -> Iterator[Finding]:
    """One finding for the account."""
    settings = account_public_access_block(ctx)
    off = [key for key in BPA_KEYS if not settings[key]]
    observed = {"account_public_access_block": settings, "settings_off": off}
    if off:
        yield ctx.failed(ctx.account_resource(), f"Account-level S3 Block Public Access is off for: "
                         f"{', '.join(off)}", observed)
    else:
        yield ctx.passed(ctx.account_resource(), "Account-level S3 Block Public Access is fully on", observed)


@check(
    id="s3.bucket_public_access_block",
    title="S3 Block Public Access is on for every bucket",
    service="s3",
    scope="global",
    severity="medium",
    effort="low",
    description="""Every bucket has all four Block Public Access settings in force, set on the bucket itself
        or inherited from the account-level settings (AWS applies whichever is more restrictive).""",
    remediation="""Turn on Block Public Access for the account, or at least for each bucket
        (s3api put-public-access-block); a bucket that must serve the public is better fronted by CloudFront
        with origin access control.""",
    reads=["s3control:GetPublicAccessBlock", "s3:ListBuckets", "s3:GetBucketLocation", "s3:GetPublicAccessBlock"],
)
def bucket_public_access_block_on(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per bucket; per-bucket reads are skipped when the account-level settings are fully on."""
    account = account_public_access_block(ctx)
    account_all = all(account.values())
    for bucket in buckets(ctx):
        name, arn = bucket["Name"], bucket["Arn"]
        if account_all:
            yield ctx.passed(arn, f"Bucket {name} inherits account-level Block Public Access (fully on)",
                             {"bucket": name, "account_public_access_block": account},
                             source=["s3control:GetPublicAccessBlock", "s3:ListBuckets"])
            continue
        if bucket["region_error"] is not None:
            yield ctx.not_assessed(arn, bucket["region_error"])
            continue
        try:
            own = bucket_public_access_block(ctx, bucket)
        except NotAssessed as exc:
            yield ctx.not_assessed(arn, exc)
            continue
        effective = {key: account[key] or own[key] for key in BPA_KEYS}
        off = [key for key in BPA_KEYS if not effective[key]]
        observed = {"bucket": name, "region": bucket["Region"], "bucket_public_access_block": own,
                    "account_public_access_block": account, "settings_off": off}
        if off:
            yield ctx.failed(arn, f"Bucket {name} has Block Public Access off for: {', '.join(off)}", observed)
        else:
            yield ctx.passed(arn, f"Bucket {name} has Block Public Access fully on", observed)
