"""The scan target: a guarded boto3 session, who we are (STS), and which regions to scan."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import boto3
import botocore.session
import botocore.utils
from botocore.exceptions import (
    ClientError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
    ProfileNotFound,
    SSOError,
    TokenRetrievalError,
)

from scanner.answers import one_line
from scanner.botocore_sharing import SHARED_LOADER
from scanner.collect import Collector
from scanner.errors import (
    DAMAGE_ERRORS,
    EXPIRED_CODES,
    SIGNATURE_CODES,
    CredentialsError,
    NotAssessed,
    TransientError,
    UsageError,
)
from scanner.guard import ReadOnlyGuard
from scanner.model import Reason

_HOME_REGION = {"aws": "us-east-1", "aws-cn": "cn-north-1", "aws-us-gov": "us-gov-west-1"}
_ENABLED = ("opt-in-not-required", "opted-in")


@dataclass
class Target:
    """An account ready to scan."""

    session: boto3.Session
    guard: ReadOnlyGuard
    collector: Collector
    account: str
    caller_arn: str
    partition: str
    regions: list[str]
    disabled_regions: list[str] = field(default_factory=list)

    @property
    def home_region(self) -> str:
        """Where global services (IAM, S3's bucket list, Organizations) are called."""
        return _HOME_REGION.get(self.partition, "us-east-1")


def botocore_session() -> botocore.session.Session:
    """A fresh botocore session (own credentials and events) that shares the process's model loader."""
    core = botocore.session.Session()
    core.register_component("data_loader", SHARED_LOADER)
    core.get_component("response_parser_factory").set_parser_defaults(timestamp_parser=parse_timestamp)
    return core


def parse_timestamp(value: Any) -> Any:
    """botocore's timestamp parser, with a fast path for the ISO 8601 times with a UTC offset that AWS
    sends: botocore hands every other string to dateutil, about 0.1 ms each, thousands per scan (a
    user's creation date, an instance's launch time). Anything else goes to botocore's parser."""
    if isinstance(value, str) and len(value) >= 20 and value[4:5] == "-" and value[10:11] == "T":
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            parsed = None
        if parsed is not None and parsed.tzinfo is not None:
            return parsed
    return botocore.utils.parse_timestamp(value)


def make_session(profile: str | None) -> boto3.Session:
    """A boto3 session from ``profile`` or the default credential chain; a bad profile is a clear error."""
    try:
        session = boto3.Session(profile_name=profile, botocore_session=botocore_session())
        if profile and profile not in session.available_profiles:
            raise ProfileNotFound(profile=profile)
        return session
    except ProfileNotFound:
        raise CredentialsError(
            f"unknown AWS profile {profile!r}: check ~/.aws/config, or list profiles with "
            "'aws configure list-profiles'"
        ) from None


def open_target(
    session: boto3.Session,
    regions: list[str] | None = None,
    *,
    max_attempts: int = 10,
    per_service_limit: int = 8,
    profile: str | None = None,
    after_guard: Callable[[boto3.Session], None] | None = None,
    io_workers: int = 64,
) -> Target:
    """Guard ``session``, ask STS who we are and settle the regions to scan.

    ``regions`` defaults to every region enabled for the account. A region name AWS does not know is
    a ``UsageError``; a known region the account has not opted into is kept aside in
    ``disabled_regions`` so its checks report *not assessed* instead of silently vanishing.
    """
    guard = ReadOnlyGuard()
    guard.install(session)
    if after_guard is not None:
        after_guard(session)
    collector = Collector(session, max_attempts=max_attempts, per_service_limit=per_service_limit,
                          io_workers=io_workers)
    start_region = session.region_name or "us-east-1"
    identity = _identity(collector, start_region, profile)
    caller_arn = identity["Arn"]
    partition = caller_arn.split(":")[1]
    home = _HOME_REGION.get(partition, start_region)
    try:
        listed = collector.call("ec2", "DescribeRegions", home, AllRegions=True)["Regions"]
    except NotAssessed as exc:
        if regions:
            # Without DescribeRegions we cannot tell enabled from disabled; trust the user's list.
            return Target(session, guard, collector, identity["Account"], caller_arn, partition,
                          list(dict.fromkeys(regions)))
        raise CredentialsError(
            f"cannot list the account's regions ({exc.detail}); pass --region explicitly"
        ) from None
    status = {r["RegionName"]: r.get("OptInStatus", "opt-in-not-required") for r in listed}
    enabled = sorted(name for name, state in status.items() if state in _ENABLED)
    if not regions:
        return Target(session, guard, collector, identity["Account"], caller_arn, partition, enabled)
    known = set(status) | set(session.get_available_regions("ec2", partition))
    unknown = [r for r in regions if r not in known]
    if unknown:
        raise UsageError(f"unknown region {unknown[0]!r}; enabled regions here: {', '.join(enabled)}")
    wanted = list(dict.fromkeys(regions))
    return Target(
        session, guard, collector, identity["Account"], caller_arn, partition,
        [r for r in wanted if status.get(r) in _ENABLED or r not in status],
        [r for r in wanted if r in status and status[r] not in _ENABLED],
    )


def _identity(collector: Collector, region: str, profile: str | None) -> dict[str, str]:
    hint = f" --profile {profile}" if profile else ""
    try:
        # An answer without these is damaged (an empty document, a proxy's page): never a KeyError later.
        return collector.call("sts", "GetCallerIdentity", region, required=("Arn", "Account"))
    except NotAssessed as exc:
        error, cause = exc, exc.__cause__
    if isinstance(cause, (NoCredentialsError, PartialCredentialsError)):
        raise CredentialsError(
            "no AWS credentials found: pass --profile NAME, set AWS_PROFILE, or export AWS_ACCESS_KEY_ID "
            "and AWS_SECRET_ACCESS_KEY"
        )
    if isinstance(cause, (SSOError, TokenRetrievalError)):
        raise CredentialsError(f"the SSO session has expired or was never started: run 'aws sso login{hint}'")
    if isinstance(cause, NoRegionError):
        raise UsageError("no AWS region configured: pass --region or set AWS_DEFAULT_REGION")
    code = error.code or ""
    if code in SIGNATURE_CODES:
        raise CredentialsError(f"AWS refused the request signature ({code}): check the system clock and the "
                               "credentials")
    if code in EXPIRED_CODES:
        raise CredentialsError(f"the AWS credentials have expired ({code}): renew them{_renew(profile)}")
    transient = isinstance(cause, DAMAGE_ERRORS) or error.reason in (Reason.THROTTLED, Reason.UNREACHABLE)
    if isinstance(cause, ClientError):
        status = cause.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
        transient = transient or status >= 500
        if not transient:
            message = one_line(cause.response.get("Error", {}).get("Message", ""))
            raise CredentialsError(f"AWS rejected the credentials ({code}): {message}".rstrip(": "))
    if transient or isinstance(cause, EndpointConnectionError):
        raise TransientError(f"AWS STS gave no usable answer to GetCallerIdentity ({_short(error.detail)}); "
                             "nothing was scanned: try again")
    raise CredentialsError(f"cannot get AWS credentials: {one_line(str(cause), 160)}")


def _short(detail: str) -> str:
    """A NotAssessed detail without its trailing "(service:Operation in region)"."""
    return detail.rsplit(" (sts:", 1)[0]


def _renew(profile: str | None) -> str:
    return f" (for SSO: aws sso login --profile {profile})" if profile else ""
