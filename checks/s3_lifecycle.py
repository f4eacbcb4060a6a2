"""Data lifecycle: S3 buckets have lifecycle rules that expire or move data as it ages."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checks._s3 import bucket_lifecycle_rules, buckets
from scanner.api import CheckContext, Finding, NotAssessed, check


def rule_actions(rule: dict[str, Any]) -> list[str]:
    """What a lifecycle rule does, in short words (transition, expiration, ...)."""
    actions = []
    if rule.get("Transitions"):
        actions.append("transition to " + "/".join(t.get("StorageClass", "?") for t in rule["Transitions"]))
    if rule.get("Expiration"):
        actions.append("expiration")
    if rule.get("NoncurrentVersionTransitions"):
        actions.append("noncurrent-version transition")
    if rule.get("NoncurrentVersionExpiration"):
        actions.append("noncurrent-version expiration")
    if rule.get("AbortIncompleteMultipartUpload"):
        actions.append("abort incomplete uploads")
    return actions


@check(
    id="s3.lifecycle_configured",
    title="S3 buckets have lifecycle rules",
    service="s3",
    scope="global",
    severity="low",
    effort="low",
    description="""Every bucket has at least one enabled lifecycle rule that transitions objects to cheaper
        storage classes or expires them (current or noncurrent versions, incomplete multipart uploads), so
        data is not kept, and paid for, forever by default. Objects written directly to Intelligent-Tiering
        are not visible to this check.""",
    remediation="""Add a lifecycle configuration that matches the data's retention policy: transition to
        Intelligent-Tiering or Glacier classes, expire data past its retention, expire noncurrent versions
        and abort incomplete multipart uploads after a few days.""",
    reads=["s3:ListBuckets", "s3:GetBucketLocation", "s3:GetBucketLifecycleConfiguration"],
)
def lifecycle_configured(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per bucket; the per-bucket reads run concurrently."""
    yield from ctx.map(lambda bucket: _assess(ctx, bucket), buckets(ctx))


def _assess(ctx: CheckContext, bucket: dict[str, Any]) -> Finding:
    name, arn = bucket["Name"], bucket["Arn"]
    if bucket["region_error"] is not None:
        return ctx.not_assessed(arn, bucket["region_error"])
    try:
        rules = bucket_lifecycle_rules(ctx, bucket)
    except NotAssessed as exc:
        return ctx.not_assessed(arn, exc)
    enabled = [r for r in rules if r.get("Status") == "Enabled" and rule_actions(r)]
    observed = {"bucket": name, "region": bucket["Region"], "rules": len(rules), "enabled_rules": len(enabled),
                "actions": sorted({a for r in enabled for a in rule_actions(r)})}
    sources = ["s3:ListBuckets", "s3:GetBucketLifecycleConfiguration"]
    if enabled:
        rules_word = "rule" if len(enabled) == 1 else "rules"
        return ctx.passed(arn, f"Bucket {name} has {len(enabled)} enabled lifecycle {rules_word}: "
                          + ", ".join(observed["actions"]), observed, source=sources)
    if rules:
        return ctx.failed(arn, f"Bucket {name} has lifecycle rules, none enabled with an action", observed,
                          source=sources)
    return ctx.failed(arn, f"Bucket {name} has no lifecycle rules", observed, source=sources)
