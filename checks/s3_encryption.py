"""S3 buckets: default encryption at rest (a KMS key where required), and a bucket policy that refuses plain HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checks._s3 import bucket_encryption_rules, bucket_policy, buckets
from scanner.api import CheckContext, Finding, NotAssessed, check

KMS_ALGORITHMS = ("aws:kms", "aws:kms:dsse")


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _per_bucket(ctx: CheckContext, assess: Any) -> list[Finding]:
    """``assess(ctx, bucket)`` for every bucket, concurrently; a bucket whose reads fail is not assessed."""

    def one(bucket: dict[str, Any]) -> Finding:
        if bucket["region_error"] is not None:
            return ctx.not_assessed(bucket["Arn"], bucket["region_error"])
        try:
            return assess(ctx, bucket)
        except NotAssessed as exc:
            return ctx.not_assessed(bucket["Arn"], exc)

    return ctx.map(one, buckets(ctx))


@check(
    id="s3.default_encryption",
    title="S3 buckets encrypt objects at rest by default",
    service="s3",
    scope="global",
    severity="low",
    effort="low",
    description="""Each bucket encrypts new objects at rest by default. S3-managed keys (SSE-S3) count: S3 has
        applied them to every bucket since January 2023 (Amazon S3 User Guide, "Setting default server-side
        encryption behavior"), so a bucket answering with SSE-S3, or with no configuration at all, passes.
        With option require_kms true the bar is a KMS key (SSE-KMS or DSSE-KMS), for data whose
        classification asks that reading it also needs kms:Decrypt on a key whose policy you control and
        that every use of the key is logged.""",
    remediation="""Where require_kms applies: s3api put-bucket-encryption with SSEAlgorithm aws:kms and a
        customer-managed KMS key (BucketKeyEnabled true keeps KMS request costs down); existing objects keep
        their encryption until copied in place.""",
    reads=["s3:ListBuckets", "s3:GetBucketLocation", "s3:GetBucketEncryption"],
    options={"require_kms": False},
)
def default_encryption(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per bucket."""
    require_kms = str(ctx.option("require_kms")).lower() not in ("false", "0", "no", "off")
    yield from _per_bucket(ctx, lambda c, b: _assess_encryption(c, b, require_kms))


def _assess_encryption(ctx: CheckContext, bucket: dict[str, Any], require_kms: bool) -> Finding:
    name = bucket["Name"]
    rules = bucket_encryption_rules(ctx, bucket)
    default = (rules or [{}])[0].get("ApplyServerSideEncryptionByDefault") or {}
    algorithm = default.get("SSEAlgorithm")
    observed = {"bucket": name, "region": bucket["Region"], "configured": rules is not None,
                "algorithm": algorithm or "AES256", "kms_key": default.get("KMSMasterKeyID"),
                "bucket_key_enabled": bool((rules or [{}])[0].get("BucketKeyEnabled")),
                "require_kms": require_kms}
    if algorithm in KMS_ALGORITHMS:
        key = "a customer-chosen KMS key" if default.get("KMSMasterKeyID") else "the AWS managed key aws/s3"
        return ctx.passed(bucket["Arn"], f"Bucket {name} encrypts by default with {algorithm} ({key})", observed)
    what = "S3-managed keys (SSE-S3)" if rules is not None else "S3-managed keys (no configuration: S3's default)"
    if require_kms:
        return ctx.failed(bucket["Arn"], f"Bucket {name} encrypts only with {what}, not the KMS key that option "
                          "require_kms asks for", observed)
    return ctx.passed(bucket["Arn"], f"Bucket {name} encrypts by default with {what}", observed)


def denies_insecure_transport(policy: dict[str, Any] | None, bucket_arn: str) -> tuple[bool, list[str]]:
    """Whether a bucket policy denies every S3 action over plain HTTP to everyone, and the actions of any
    narrower ``aws:SecureTransport`` deny (so a partial rule can be reported)."""
    narrower: list[str] = []
    for st in _as_list((policy or {}).get("Statement", [])):
        if not isinstance(st, dict) or st.get("Effect") != "Deny" or not _everyone(st.get("Principal")):
            continue
        if not _insecure_transport_condition(st.get("Condition")):
            continue
        resources = [str(r) for r in _as_list(st.get("Resource", []))]
        if not any(r == "*" or r.startswith(bucket_arn) for r in resources):
            continue
        actions = [str(a) for a in _as_list(st.get("Action", []))]
        if any(a in ("*", "s3:*") for a in actions):
            return True, []
        narrower.extend(actions)
    return False, narrower


def _everyone(principal: Any) -> bool:
    if principal == "*":
        return True
    return isinstance(principal, dict) and "*" in _as_list(principal.get("AWS"))


def _insecure_transport_condition(condition: Any) -> bool:
    """True for {"Bool": {"aws:SecureTransport": "false"}} (or BoolIfExists, any key case)."""
    if not isinstance(condition, dict):
        return False
    for operator, tests in condition.items():
        if operator.lower() not in ("bool", "boolifexists") or not isinstance(tests, dict):
            continue
        for key, value in tests.items():
            if key.lower() == "aws:securetransport" and any(str(v).lower() == "false" for v in _as_list(value)):
                return True
    return False


@check(
    id="s3.tls_required",
    title="S3 buckets refuse requests without TLS",
    service="s3",
    scope="global",
    severity="medium",
    effort="low",
    description="""Each bucket's policy denies every S3 action to every principal when aws:SecureTransport
        is false, so no client, misconfigured or not, can read or write the bucket over plain HTTP. A deny
        limited to some actions is reported with those actions and still fails.""",
    remediation="""Add to the bucket policy a statement {"Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": ["arn:aws:s3:::BUCKET", "arn:aws:s3:::BUCKET/*"], "Condition": {"Bool":
        {"aws:SecureTransport": "false"}}}; optionally also deny s3:TlsVersion below 1.2.""",
    reads=["s3:ListBuckets", "s3:GetBucketLocation", "s3:GetBucketPolicy"],
)
def tls_required(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per bucket."""
    yield from _per_bucket(ctx, _assess_tls)


def _assess_tls(ctx: CheckContext, bucket: dict[str, Any]) -> Finding:
    name = bucket["Name"]
    policy = bucket_policy(ctx, bucket)
    denied, narrower = denies_insecure_transport(policy, bucket["Arn"])
    observed = {"bucket": name, "region": bucket["Region"], "has_policy": policy is not None,
                "denies_insecure_transport": denied, "partial_deny_actions": narrower}
    if denied:
        return ctx.passed(bucket["Arn"], f"Bucket {name} denies every request made without TLS", observed)
    if narrower:
        return ctx.failed(bucket["Arn"], f"Bucket {name} denies plain HTTP only for " + ", ".join(narrower),
                          observed)
    why = "its policy has no aws:SecureTransport deny" if policy is not None else "it has no bucket policy"
    return ctx.failed(bucket["Arn"], f"Bucket {name} accepts requests without TLS: {why}", observed)
