"""The scan target: a guarded boto3 session, who we are (STS), and which regions to scan."""

from __future__ import annotations

import inspect
import threading
import types
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import boto3
import botocore.client
import botocore.hooks
import botocore.loaders
import botocore.model
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


class _ModelLoader(botocore.loaders.Loader):
    """botocore's loader, loading each service model once per process and keeping it without its
    documentation.

    botocore's own cache is not thread-safe: two threads building the first clients of a service (two
    regions, two accounts) both parsed its model and kept a copy each. Here one thread loads and the others
    wait for its copy. A scan reads about 60 service models, about 90 MB once parsed; a fifth of that is
    the text of the API reference, which only docstrings and generated documentation read. Dropping it as
    each model is loaded (about 1 ms per model) keeps it out of every client built from the model.
    """

    def __init__(self) -> None:
        super().__init__()
        self._models: dict[tuple[str, str, str | None], Any] = {}
        # Loading is CPU-bound under the GIL, so one lock for every model costs no parallelism.
        self._loading = threading.RLock()

    def load_service_model(self, service_name: str, type_name: str, api_version: str | None = None) -> Any:
        key = (service_name, type_name, api_version)
        with self._loading:
            if key not in self._models:
                model = super().load_service_model(service_name, type_name, api_version=api_version)
                if type_name == "service-2" and isinstance(model, dict):
                    _drop_documentation(model)
                self._models[key] = model
            return self._models[key]


def _drop_documentation(model: dict[str, Any]) -> None:
    """Remove the reference text of a service model in place: the service's, each operation's and
    shape's, and each member's (where nearly all of it is)."""
    model.pop("documentation", None)
    for section in ("operations", "shapes"):
        for node in (model.get(section) or {}).values():
            if not isinstance(node, dict):
                continue
            node.pop("documentation", None)
            for member in (node.get("members") or {}).values():
                if isinstance(member, dict):
                    member.pop("documentation", None)
            for key in ("input", "output", "member", "key", "value"):
                ref = node.get(key)
                if isinstance(ref, dict):
                    ref.pop("documentation", None)


# botocore's service models are large (EC2's alone is tens of MB once parsed) and identical for every
# session: one loader for the whole process, so scanning many accounts loads each model once.
_SHARED_LOADER = _ModelLoader()


# botocore builds a new client class, with one method per operation, for every client it creates: about
# 30 ms for EC2's 700 operations, a quarter of a one-check scan's CPU, and again for every region and
# every account of a scan. The class depends only on the service model and on the handlers of the
# ``creating-client-class`` event (boto3 adds its transfer methods to S3's there), so a client whose model
# comes from the shared loader gets the class already built for the same model and handlers.
_build_client_class = getattr(botocore.client.ClientCreator, "_create_client_class", None)
_CLIENT_CLASSES: dict[tuple[Any, ...], type] = {}


def _client_class(creator: botocore.client.ClientCreator, service_name: str, service_model: Any) -> type:
    try:
        if creator._loader is not _SHARED_LOADER:
            raise LookupError("a model of another loader")
        events = creator._event_emitter
        event = events._alias_event_name(f"creating-client-class.{service_model.service_id.hyphenize()}")
        handlers = tuple(events._emitter._handlers.prefix_search(event))
    except (AttributeError, LookupError):  # another loader, or a botocore whose internals moved: no sharing
        return _build_client_class(creator, service_name, service_model)
    key = (service_name, service_model.api_version, handlers)
    found = _CLIENT_CLASSES.get(key)
    if found is None:
        found = _CLIENT_CLASSES.setdefault(key, _build_client_class(creator, service_name, service_model))
    return found


if _build_client_class is not None:  # a botocore whose internals moved builds its classes its own way
    botocore.client.ClientCreator._create_client_class = _client_class


# Each client also got its own ``ServiceModel`` over the shared model: its caches (operation models, and
# the endpoint-discovery lookup, which builds an operation model for every operation of the service,
# about 10 to 25 ms for IAM, EC2 or Lambda) started empty for every client. The model is read-only after
# it is built, so clients whose model comes from the shared loader share one ``ServiceModel`` as well.
_build_service_model = getattr(botocore.client.ClientCreator, "_load_service_model", None)
_SERVICE_MODELS: dict[tuple[str, int], botocore.model.ServiceModel] = {}


def _service_model(creator: botocore.client.ClientCreator, service_name: str,
                   api_version: str | None = None) -> botocore.model.ServiceModel:
    if getattr(creator, "_loader", None) is not _SHARED_LOADER:
        return _build_service_model(creator, service_name, api_version)
    document = _SHARED_LOADER.load_service_model(service_name, "service-2", api_version=api_version)
    # The shared loader keeps every document for the life of the process, so its id names it.
    key = (service_name, id(document))
    found = _SERVICE_MODELS.get(key)
    if found is None:
        found = _SERVICE_MODELS.setdefault(key, botocore.model.ServiceModel(document, service_name=service_name))
    return found


if _build_service_model is not None:  # a botocore whose internals moved builds its models its own way
    botocore.client.ClientCreator._load_service_model = _service_model


# Every botocore session registers about 140 built-in handlers and every client a few dozen more. For
# each one botocore works out the event's aliased name (a walk of its alias table, cached per emitter, so
# each new session starts cold) and inspects the handler's signature for ``**kwargs``: together most of
# the 12 ms a session took, which a multi-account scan, and the test suite, pay thousands of times. The
# aliased name depends only on the event's name and the handler's signature only on its code.
_alias_event_name = getattr(getattr(botocore.hooks, "EventAliaser", None), "_alias_event_name", None)
_ALIASED_EVENTS: dict[str, str] = {}


def _aliased_event_name(emitter: botocore.hooks.EventAliaser, event_name: str) -> str:
    if getattr(emitter, "_event_aliases", None) is not botocore.utils.EVENT_ALIASES:  # its own: botocore's way
        return _alias_event_name(emitter, event_name)
    found = _ALIASED_EVENTS.get(event_name)
    if found is None:
        found = _ALIASED_EVENTS.setdefault(event_name, _alias_event_name(emitter, event_name))
    return found


_accepts_kwargs = getattr(botocore.hooks, "accepts_kwargs", None)


def _takes_kwargs(handler: Any) -> bool:
    """What ``inspect.getfullargspec(handler).varkw`` says, read from the code's flags for a plain function
    or method (anything else, or a function with a signature of its own, goes to inspect)."""
    function = getattr(handler, "__func__", handler)
    code = getattr(function, "__code__", None)
    if code is None or not isinstance(function, types.FunctionType) or hasattr(function, "__signature__"):
        return _accepts_kwargs(handler)
    return bool(code.co_flags & inspect.CO_VARKEYWORDS)


# Only where botocore's internals are where they were; otherwise botocore keeps its own way.
if _alias_event_name is not None:
    botocore.hooks.EventAliaser._alias_event_name = _aliased_event_name
if _accepts_kwargs is not None:
    botocore.hooks.accepts_kwargs = _takes_kwargs


def botocore_session() -> botocore.session.Session:
    """A fresh botocore session (own credentials and events) that shares the process's model loader."""
    core = botocore.session.Session()
    core.register_component("data_loader", _SHARED_LOADER)
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
