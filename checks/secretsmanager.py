"""Secrets Manager secrets rotate automatically."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scanner.api import CheckContext, Finding, check


@check(
    id="secretsmanager.rotation_enabled",
    title="Secrets rotate automatically",
    service="secretsmanager",
    severity="medium",
    effort="medium",
    description="""Every Secrets Manager secret has automatic rotation turned on, with an interval of at most
        max_rotation_days (default 90) when the interval is given in days. Secrets that another service
        manages (OwningService, e.g. RDS master passwords) are judged the same way: those services turn
        rotation on themselves. Only names and rotation settings are read (ListSecrets), never values.
        Security Hub SecretsManager.1 and SecretsManager.4.""",
    remediation="""Turn on rotation with a rotation function (or a managed rotation: RDS, Redshift and
        DocumentDB offer one), on a schedule no longer than your credential policy allows; for secrets that
        cannot rotate, document why and who rotates them by hand.""",
    reads=["secretsmanager:ListSecrets"],
    options={"max_rotation_days": 90},
)
def rotation_enabled(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per secret in the region."""
    limit = int(ctx.option("max_rotation_days"))
    for secret in ctx.call("secretsmanager", "ListSecrets", required=("SecretList",)).get("SecretList", []):
        name = secret.get("Name", secret["ARN"])
        rules = secret.get("RotationRules") or {}
        days = rules.get("AutomaticallyAfterDays")
        observed: dict[str, Any] = {
            "secret": name, "rotation_enabled": bool(secret.get("RotationEnabled")),
            "rotation_days": days, "schedule_expression": rules.get("ScheduleExpression"),
            "last_rotated": secret["LastRotatedDate"].isoformat() if secret.get("LastRotatedDate") else None,
            "owning_service": secret.get("OwningService"), "max_rotation_days": limit,
        }
        if not secret.get("RotationEnabled"):
            yield ctx.failed(secret["ARN"], f"Secret {name} does not rotate automatically", observed)
        elif days is not None and days > limit:
            yield ctx.failed(secret["ARN"], f"Secret {name} rotates every {days} days (limit {limit})", observed)
        else:
            schedule = rules.get("ScheduleExpression") or "a schedule"
            every = f"every {days} days" if days is not None else f"on {schedule}"
            yield ctx.passed(secret["ARN"], f"Secret {name} rotates automatically {every}", observed)
