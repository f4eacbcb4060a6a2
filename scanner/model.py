"""The data a scan produces: findings with their evidence, check metadata and the scan result."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    """Verdict of one check on one resource."""

    PASS = "pass"
    FAIL = "fail"
    NOT_ASSESSED = "not_assessed"


class Severity(StrEnum):
    """How bad a failure of a check is, from the account owner's point of view."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Larger is worse; used for sorting and for ``--fail-on``."""
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {
    Severity.INFO: 0,
    Severity.LOW: 1,
    Severity.MEDIUM: 2,
    Severity.HIGH: 3,
    Severity.CRITICAL: 4,
}
# The one severity order (worst first) and rank (larger is worse) for everything that sorts or compares them.
SEVERITIES = tuple(s.value for s in sorted(Severity, key=lambda s: -_SEVERITY_RANK[s]))
SEVERITY_RANK = {s.value: rank for s, rank in _SEVERITY_RANK.items()}
# The one order of a question's suggested risk, worst first: UNKNOWN (evidence does not settle it, so a
# reviewer must) ranks above NONE. RISK_RANK: larger is worse; anything else ranks below NONE.
RISK_ORDER = ("HIGH", "MEDIUM", "UNKNOWN", "NONE")
RISK_RANK = {r: len(RISK_ORDER) - 1 - i for i, r in enumerate(RISK_ORDER)}


def severity_rank(value: object) -> int:
    """The rank of a severity given as text (larger is worse); -1 for anything that is not one."""
    return SEVERITY_RANK.get(str(value), -1)


def risk_rank(value: object) -> int:
    """The rank of a suggested risk given as text (larger is worse); -1 for anything that is not one."""
    return RISK_RANK.get(str(value), -1)


class Reason(StrEnum):
    """Why a check could not assess something.

    Only ``ACCESS_DENIED``, ``NOT_ENABLED`` and ``REGION_DISABLED`` describe the account as it is;
    the others mean the scan itself fell short and make it *partial* (exit code 3).
    """

    ACCESS_DENIED = "access_denied"
    NOT_ENABLED = "not_enabled"
    REGION_DISABLED = "region_disabled"
    THROTTLED = "throttled"
    UNREACHABLE = "endpoint_unreachable"
    API_ERROR = "api_error"
    CHECK_ERROR = "check_error"
    INTERRUPTED = "interrupted"

    @property
    def makes_scan_partial(self) -> bool:
        """True when this reason means the scan could not complete, rather than a fact of the account."""
        return self not in (Reason.ACCESS_DENIED, Reason.NOT_ENABLED, Reason.REGION_DISABLED)


GLOBAL = "global"


def finding_id(check: str, account: str, region: str, resource: str) -> str:
    """A finding id stable across scans for the same check, account, region and resource."""
    raw = "\x1f".join((check, account, region, resource))
    return hashlib.sha256(raw.encode()).hexdigest()[:20]


@dataclass(frozen=True)
class Evidence:
    """What a verdict rests on: observed values, the API operations they came from, and when."""

    observed: dict[str, Any]
    source: tuple[str, ...]
    collected_at: str

    def to_dict(self) -> dict[str, Any]:
        """The JSON form used in ``scan.json``."""
        return {"observed": self.observed, "source": list(self.source), "collected_at": self.collected_at}


@dataclass(frozen=True)
class Finding:
    """One verdict of one check about one resource (or about the account in one region)."""

    check: str
    status: Status
    severity: Severity
    account: str
    region: str
    resource: str
    message: str
    evidence: Evidence
    reason: Reason | None = None
    missing_permission: str | None = None

    @property
    def id(self) -> str:
        """Stable identity, so drift and review decisions can follow the finding across scans."""
        return finding_id(self.check, self.account, self.region, self.resource)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form used in ``scan.json``."""
        out: dict[str, Any] = {
            "id": self.id,
            "check": self.check,
            "status": str(self.status),
            "severity": str(self.severity),
            "account": self.account,
            "region": self.region,
            "resource": self.resource,
            "message": self.message,
            "evidence": self.evidence.to_dict(),
        }
        if self.reason is not None:
            out["reason"] = str(self.reason)
        if self.missing_permission:
            out["missing_permission"] = self.missing_permission
        return out


@dataclass(frozen=True)
class CheckMeta:
    """Metadata a check declares through ``@check``; validated when the check registers."""

    id: str
    title: str
    service: str
    scope: str  # "global" or "regional"
    severity: Severity
    description: str
    remediation: str
    reads: tuple[tuple[str, str], ...]
    permissions: tuple[str, ...]
    module: str = ""
    options: dict[str, Any] = field(default_factory=dict)
    # Check ids an adapter check reports under besides its own (one per Security Hub control, say).
    emits: tuple[str, ...] = ()
    # How much work a fix usually takes ("low" | "medium" | "high"), shown in the improvement plan.
    effort: str = "medium"

    def to_dict(self) -> dict[str, Any]:
        """The JSON form used by ``wa-scan checks --format json``."""
        return {
            "id": self.id,
            "title": self.title,
            "service": self.service,
            "scope": self.scope,
            "severity": str(self.severity),
            "description": self.description,
            "remediation": self.remediation,
            "effort": self.effort,
            "permissions": list(self.permissions),
            "reads": [f"{s}:{op}" for s, op in self.reads],
        }
