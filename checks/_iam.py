"""Shared IAM reads: the credential report and the account authorization details, fetched once per scan."""

from __future__ import annotations

import csv
import io
import json
import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

from checks._dates import as_datetime
from scanner.api import CheckContext, NotAssessed, Reason, classify

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
    return ctx.call("iam", "GetAccountAuthorizationDetails",
                    required=("UserDetailList", "GroupDetailList", "RoleDetailList", "Policies"))


def parse_time(value: str | None) -> datetime | None:
    """A credential-report timestamp, or ``None`` for ``N/A``, ``no_information`` and the like."""
    if not value or value in ("N/A", "no_information", "not_supported"):
        return None
    return as_datetime(value)


def days_since(when: datetime | None, now: datetime | None = None) -> int | None:
    """Whole days from ``when`` to now, ``None`` when unknown."""
    if when is None:
        return None
    return ((now or datetime.now(UTC)) - when).days


# -- additions for the identity and permission checks ------------------------------------------------

ROOT_USER = "<root_account>"
SERVICE_LINKED_PATH = "/aws-service-role/"
ADMIN_MANAGED_POLICY = "AdministratorAccess"


def account_summary(ctx: CheckContext) -> dict[str, int]:
    """GetAccountSummary's SummaryMap: counts and the root flags (AccountMFAEnabled, AccountAccessKeysPresent)."""
    return ctx.call("iam", "GetAccountSummary", required=("SummaryMap",)).get("SummaryMap", {})


def root_row(ctx: CheckContext) -> dict[str, str] | None:
    """The credential report's ``<root_account>`` row; ``None`` when the report has none."""
    return next((row for row in credential_report(ctx) if row.get("user") == ROOT_USER), None)


def user_rows(ctx: CheckContext) -> list[dict[str, str]]:
    """The credential report's IAM user rows (the root row left out)."""
    return [row for row in credential_report(ctx) if row.get("user") != ROOT_USER]


def active_keys(row: dict[str, str]) -> list[str]:
    """Which of a credential-report row's two access keys are active (``"1"``, ``"2"``)."""
    return [n for n in ("1", "2") if row.get(f"access_key_{n}_active") == "true"]


def policy_document(value: Any) -> dict[str, Any]:
    """A policy document as a dict, whether boto3 already decoded it or it is (URL-encoded) JSON text."""
    if isinstance(value, dict):
        return value
    if not value:
        return {}
    text = str(value).strip()
    if not text.startswith("{"):
        text = unquote(text)  # IAM sends documents URL-encoded; boto3 usually decodes them first
    try:
        parsed = json.loads(text)
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def statements(document: Any) -> list[dict[str, Any]]:
    """The statements of a policy document (a single statement object counts as a list of one)."""
    return [s for s in _as_list(policy_document(document).get("Statement")) if isinstance(s, dict)]


def grants_full_admin(document: Any) -> bool:
    """True when some statement allows every action (``*`` or ``*:*``) on every resource (``*``)."""
    for stmt in statements(document):
        if stmt.get("Effect") != "Allow":
            continue
        actions = _as_list(stmt.get("Action"))
        resources = _as_list(stmt.get("Resource"))
        if any(a in ("*", "*:*") for a in actions) and "*" in resources:
            return True
    return False


def default_version_document(policy: dict[str, Any]) -> dict[str, Any] | None:
    """The document of a managed policy's default version, from a GetAccountAuthorizationDetails entry."""
    for version in policy.get("PolicyVersionList", []):
        if version.get("IsDefaultVersion"):
            return policy_document(version.get("Document"))
    return None


def admin_managed_policy_arns(details: dict[str, Any], partition: str = "aws") -> set[str]:
    """ARNs of managed policies whose default version grants full admin, plus AWS's AdministratorAccess
    (recognised by ARN even when the answer does not carry its document)."""
    found = {f"arn:{partition}:iam::aws:policy/{ADMIN_MANAGED_POLICY}"}
    for policy in details.get("Policies", []):
        doc = default_version_document(policy)
        if doc is not None and grants_full_admin(doc):
            found.add(policy["Arn"])
    return found


def is_aws_managed(policy_arn: str) -> bool:
    """True for policies AWS owns (``arn:<partition>:iam::aws:policy/...``)."""
    return ":iam::aws:policy/" in policy_arn


def is_service_linked(role: dict[str, Any]) -> bool:
    """True for service-linked roles, which AWS services create, use and delete themselves."""
    return str(role.get("Path", "")).startswith(SERVICE_LINKED_PATH)
