"""Customer-managed KMS keys rotate their key material automatically."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scanner.api import CheckContext, Finding, NotAssessed, check


def _aliases(ctx: CheckContext) -> dict[str, list[str]]:
    """Key id -> alias names in the context's region; empty when aliases cannot be read, since they only
    make messages readable and decide nothing."""
    out: dict[str, list[str]] = {}
    try:
        listed = ctx.call("kms", "ListAliases", required=("Aliases",)).get("Aliases", [])
    except NotAssessed:
        return out
    for alias in listed:
        if alias.get("TargetKeyId"):
            out.setdefault(alias["TargetKeyId"], []).append(alias["AliasName"])
    return out


def _rotatable(meta: dict[str, Any]) -> str | None:
    """Why a key is out of scope, or ``None`` when automatic rotation applies to it."""
    if meta.get("KeyManager") != "CUSTOMER":
        return "AWS managed"
    if meta.get("KeyState") != "Enabled":
        return f"state {meta.get('KeyState')}"
    if (meta.get("KeySpec") or meta.get("CustomerMasterKeySpec")) != "SYMMETRIC_DEFAULT":
        return f"key spec {meta.get('KeySpec')}"
    if meta.get("Origin") != "AWS_KMS":
        return f"origin {meta.get('Origin')}"  # imported or custom key store material cannot rotate itself
    return None


@check(
    id="kms.key_rotation_enabled",
    title="Customer-managed KMS keys rotate automatically",
    service="kms",
    severity="medium",
    effort="low",
    description="""Every enabled customer-managed symmetric KMS key with AWS-generated key material has
        automatic key rotation on, which limits how much data one key version protects. AWS managed keys
        (rotated by AWS), disabled keys, keys pending deletion, asymmetric and HMAC keys, and keys with
        imported or custom-key-store material (which cannot rotate automatically) are skipped.""",
    remediation="""kms enable-key-rotation --key-id KEY (optionally --rotation-period-in-days); rotation
        keeps old versions, so nothing needs re-encrypting.""",
    reads=["kms:ListKeys", "kms:ListAliases", "kms:DescribeKey", "kms:GetKeyRotationStatus"],
)
def key_rotation_enabled(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per customer-managed symmetric key in the region."""
    aliases = _aliases(ctx)

    def one(key: dict[str, Any]) -> Finding | None:
        key_id, arn = key["KeyId"], key.get("KeyArn") or ctx.arn("kms", f"key/{key['KeyId']}")
        names = sorted(aliases.get(key_id, []))
        if any(n.startswith("alias/aws/") for n in names):
            return None  # only AWS may create alias/aws/*: an AWS managed key, whatever KeyManager says
        try:
            meta = ctx.call("kms", "DescribeKey", KeyId=key_id)["KeyMetadata"]
            if _rotatable(meta) is not None:
                return None
            status = ctx.call("kms", "GetKeyRotationStatus", KeyId=key_id)
        except NotAssessed as exc:
            return ctx.not_assessed(arn, exc)
        label = f"{key_id} ({', '.join(names)})" if names else key_id
        enabled = bool(status.get("KeyRotationEnabled"))
        observed = {"key_id": key_id, "aliases": names, "rotation_enabled": enabled,
                    "rotation_period_days": status.get("RotationPeriodInDays"),
                    "multi_region": bool(meta.get("MultiRegion"))}
        if enabled:
            return ctx.passed(arn, f"KMS key {label} rotates automatically", observed)
        return ctx.failed(arn, f"KMS key {label} does not rotate its key material", observed)

    for finding in ctx.map(one, ctx.call("kms", "ListKeys", required=("Keys",)).get("Keys", [])):
        if finding is not None:
            yield finding
