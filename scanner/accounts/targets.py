"""Which accounts to scan, and how to get into each: Organizations listing, account files, AssumeRole."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from scanner.errors import CredentialsError, NotAssessed, UsageError

_ACCOUNT_ID = re.compile(r"^\d{12}$")


@dataclass(frozen=True)
class AccountSpec:
    """One account to scan: a plain, picklable value (it travels to Dask workers)."""

    account_id: str
    name: str = ""
    role_name: str | None = None
    external_id: str | None = None
    session_name: str = "wa-scan"
    profile: str | None = None
    use_caller_credentials: bool = False
    regions: tuple[str, ...] = field(default_factory=tuple)


class AccountAccessError(Exception):
    """The account could not be entered (AssumeRole denied, role missing, bad external id)."""


def parse_account_ids(values: list[str]) -> list[str]:
    """Account ids from ``--accounts`` values (comma-separated, repeatable), validated and de-duplicated."""
    ids = [v.strip() for item in values for v in item.split(",") if v.strip()]
    bad = [v for v in ids if not _ACCOUNT_ID.match(v)]
    if bad:
        raise UsageError(f"--accounts: {bad[0]!r} is not a 12-digit AWS account id")
    return list(dict.fromkeys(ids))


def read_accounts_file(path: Path) -> list[str]:
    """Account ids from a file: one per line; blank lines and ``#`` comments are ignored."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"--accounts-file {path}: cannot read it ({exc.__class__.__name__})") from None
    ids = []
    for number, line in enumerate(lines, start=1):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        if not _ACCOUNT_ID.match(text):
            raise UsageError(f"{path}:{number}: {text!r} is not a 12-digit AWS account id")
        ids.append(text)
    if not ids:
        raise UsageError(f"--accounts-file {path}: no account ids in it")
    return list(dict.fromkeys(ids))


def list_organization_accounts(collector: Any, region: str) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """(active accounts, skipped accounts) of the caller's organization, each ``{"id", "name", "status"}``.

    Works from the management account or a delegated administrator; anything else is a clear error.
    """
    try:
        listed = collector.call("organizations", "ListAccounts", region)["Accounts"]
    except NotAssessed as exc:
        raise CredentialsError(f"cannot list the organization's accounts: {exc.detail} (run from the management "
                               "account or a delegated administrator)") from None
    active, skipped = [], []
    for acct in listed:
        item = {"id": acct["Id"], "name": acct.get("Name", ""), "status": acct.get("Status", "ACTIVE")}
        (active if item["status"] == "ACTIVE" else skipped).append(item)
    return active, skipped


def _only_assume_role(model: Any, **_: Any) -> None:
    if (model.service_model.service_name, model.name) not in (("sts", "AssumeRole"), ("sts", "GetCallerIdentity")):
        raise AccountAccessError(f"refused {model.service_model.service_name}:{model.name} on the role client")


def assume_role_session(base: boto3.Session, spec: AccountSpec, partition: str = "aws") -> boto3.Session:
    """A session with the credentials of ``spec.role_name`` in ``spec.account_id``.

    The STS client used here may only call AssumeRole: the one non-read call a multi-account scan
    makes, and it changes nothing in either account.
    """
    if not spec.role_name:
        raise UsageError("scanning other accounts needs --role-name (the role to assume in each account)")
    role_arn = f"arn:{partition}:iam::{spec.account_id}:role/{spec.role_name}"
    sts = base.client("sts", region_name=base.region_name or "us-east-1")
    sts.meta.events.register("before-call", _only_assume_role)
    params: dict[str, Any] = {"RoleArn": role_arn, "RoleSessionName": spec.session_name}
    if spec.external_id:
        params["ExternalId"] = spec.external_id
    try:
        creds = sts.assume_role(**params)["Credentials"]
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        raise AccountAccessError(f"AssumeRole denied for {role_arn} ({code})") from None
    except BotoCoreError as exc:
        raise AccountAccessError(f"AssumeRole failed for {role_arn}: {exc}") from None
    from scanner.session import botocore_session

    return boto3.Session(
        botocore_session=botocore_session(),
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        region_name=base.region_name or "us-east-1",
    )
