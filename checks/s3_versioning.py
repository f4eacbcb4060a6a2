"""S3 buckets keep earlier versions of their objects."""

from __future__ import annotations

from collections.abc import Iterator

from checks._s3 import buckets
from scanner.api import CheckContext, Finding, NotAssessed, check


@check(
    id="s3.versioning_enabled",
    title="S3 buckets have versioning enabled",
    service="s3",
    scope="global",
    severity="medium",
    effort="low",
    description="""Every bucket has versioning enabled, so an overwritten or deleted object can be recovered
        from its previous version. A bucket whose versioning was suspended, or never enabled, fails.""",
    remediation="""Enable versioning (s3api put-bucket-versioning --versioning-configuration Status=Enabled)
        and add a lifecycle rule that expires noncurrent versions after the recovery window, so cost stays
        bounded; consider Object Lock for backups and audit data.""",
    reads=["s3:ListBuckets", "s3:GetBucketLocation", "s3:GetBucketVersioning"],
)
def versioning_enabled(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per bucket."""
    def one(bucket: dict) -> Finding:
        name, arn = bucket["Name"], bucket["Arn"]
        if bucket["region_error"] is not None:
            return ctx.not_assessed(arn, bucket["region_error"])
        try:
            answer = ctx.call("s3", "GetBucketVersioning", region=bucket["Region"], Bucket=name)
        except NotAssessed as exc:
            return ctx.not_assessed(arn, exc)
        status = answer.get("Status")  # absent when versioning was never enabled
        observed = {"bucket": name, "region": bucket["Region"], "versioning": status or "NeverEnabled",
                    "mfa_delete": answer.get("MFADelete", "Disabled")}
        if status == "Enabled":
            return ctx.passed(arn, f"Bucket {name} has versioning enabled", observed)
        if status == "Suspended":
            return ctx.failed(arn, f"Bucket {name} has versioning suspended", observed)
        return ctx.failed(arn, f"Bucket {name} has never had versioning enabled", observed)

    yield from ctx.map(one, buckets(ctx))
