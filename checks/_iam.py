"""Shared IAM reads: the credential report and the account authorization details, fetched once per scan."""

from __future__ import annotations

import csv
import io
import time
from datetime import UTC, datetime
from typing import Any

from scanner.context import CheckContext
from scanner.errors import NotAssessed, classify
from scanner.model import Reason

REPORT_SOURCES = ("iam:GenerateCredentialReport", "iam:GetCredentialReport")
_REPORT_WAIT_S = 60


def credential_report(ctx: CheckContext) -> list[dict[str, str]]:
    """The IAM credential report as rows (one per user, plus ``<root_account>`` on real AWS)."""

    def build() -> list[dict[str, str]]:
        client = ctx.collector.client("iam", ctx.api_region)
        deadline = time.monotonic() + _REPORT_WAIT_S
        delay = 0.2
        while _read(client.generate_credential_report, "GenerateCredentialReport", ctx)["State"] != "COMPLETE":
            if time.monotonic() > deadline:
                raise NotAssessed(Reason.API_ERROR, "the IAM credential report was not ready after 60 s")
            time.sleep(delay)
            delay = min(delay * 2, 5)
        content = _read(client.get_credential_report, "GetCredentialReport", ctx)["Content"]
        text = content.decode("utf-8") if isinstance(content, bytes) else content
        return list(csv.DictReader(io.StringIO(text)))

    return ctx.memo("iam.credential_report", build, REPORT_SOURCES)


def _read(method: Any, operation: str, ctx: CheckContext) -> dict[str, Any]:
    try:
        return method()
    except Exception as exc:
        raise classify(exc, "iam", operation, ctx.api_region) from exc


def authorization_details(ctx: CheckContext) -> dict[str, Any]:
    """GetAccountAuthorizationDetails: users, groups, roles and policies in a few pages."""
    return ctx.call("iam", "GetAccountAuthorizationDetails")


def parse_time(value: str | None) -> datetime | None:
    """A credential-report timestamp, or ``None`` for ``N/A``, ``no_information`` and the like."""
    if not value or value in ("N/A", "no_information", "not_supported"):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def days_since(when: datetime | None, now: datetime | None = None) -> int | None:
    """Whole days from ``when`` to now, ``None`` when unknown."""
    if when is None:
        return None
    return ((now or datetime.now(UTC)) - when).days
