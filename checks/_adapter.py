"""Helpers for adapter checks: findings that AWS services computed, reported under their own check ids."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from scanner.api import CheckContext, Finding, NotAssessed, Reason, Severity, Status

# Upstream identifiers (control ids, rule identifiers, check ids) kept readable in an emitted check id.
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")
# The severity labels AWS services use (Security Hub, Access Analyzer, Trusted Advisor), as ours.
SEVERITY_LABELS = {"CRITICAL": Severity.CRITICAL, "HIGH": Severity.HIGH, "MEDIUM": Severity.MEDIUM,
                   "LOW": Severity.LOW, "INFORMATIONAL": Severity.INFO}


def emitted_id(prefix: str, upstream: str) -> str:
    """``prefix`` + the upstream id with anything outside ``[A-Za-z0-9._-]`` turned into ``-``."""
    return prefix + _SAFE.sub("-", upstream.strip()).strip("-")


def adapted(ctx: CheckContext, check_id: str, status: Status, resource: str, message: str,
            observed: dict[str, Any], *, severity: Severity | None = None, region: str | None = None) -> Finding:
    """A finding of the adapter's context reported under ``check_id`` (one of the ids it ``emits``)."""
    return dataclasses.replace(ctx.finding(status, resource, message, observed, severity=severity, region=region),
                               check=check_id)


def service_off(ctx: CheckContext, detail: str, operation: str, resource: str | None = None) -> Finding:
    """The one not-assessed finding of a region where the upstream service is switched off: never a pass."""
    return ctx.not_assessed(resource or ctx.account_resource(),
                            NotAssessed(Reason.NOT_ENABLED, detail, operation=operation))


def adapted_not_assessed(ctx: CheckContext, check_id: str, resource: str, detail: str, operation: str,
                         observed: dict[str, Any]) -> Finding:
    """An upstream result that could not decide (a control answering WARNING), under ``check_id``.

    It describes the account as it is (the upstream evaluation had nothing to go on), so it does not make
    the scan partial; what the upstream service said is kept in the evidence.
    """
    base = ctx.not_assessed(resource, NotAssessed(Reason.NOT_ENABLED, detail, operation=operation))
    evidence = dataclasses.replace(base.evidence, observed={**base.evidence.observed, **observed})
    return dataclasses.replace(base, check=check_id, evidence=evidence)
