"""The demo account: moto in-process, seeded with a small realistic workload, scanned by the real scanner.

Seed modules (``seed_*.py`` in this package) each add resources for one family of checks through
``DemoAccount``. Where moto has no backend for a read API, a seed module registers a *fill-in*: a
canned answer served by a botocore ``before-call`` handler registered after the read-only guard, so
the call is still guarded and counted exactly as a real call would be.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

DEMO_ACCOUNT = "123456789012"
DEMO_REGIONS = ("us-east-1", "eu-west-1")

FillIn = Callable[[dict[str, Any], str], dict[str, Any]]


class FillInError(Exception):
    """Raised by a fill-in to answer with an AWS error code instead of a response."""

    def __init__(self, code: str, message: str = "", status: int = 400) -> None:
        super().__init__(message or code)
        self.code, self.message, self.status = code, message or code, status


@dataclass
class DemoAccount:
    """What seed modules use: unguarded clients into the moto account, and the fill-in registry."""

    session: Any
    account: str = DEMO_ACCOUNT
    regions: tuple[str, ...] = DEMO_REGIONS
    fill_ins: dict[tuple[str, str], FillIn] = field(default_factory=dict)
    state: dict[str, Any] = field(default_factory=dict)
    _clients: dict[tuple[str, str], Any] = field(default_factory=dict)

    def client(self, service: str, region: str = "us-east-1") -> Any:
        """A (seeding) client; these are not the scan's clients and are not guarded."""
        key = (service, region)
        if key not in self._clients:
            self._clients[key] = self.session.client(service, region_name=region)
        return self._clients[key]

    def fill_in(self, service: str, operation: str, answer: FillIn) -> None:
        """Serve ``operation`` of ``service`` (which moto lacks) from ``answer(params, region)``."""
        self.fill_ins[(service, operation)] = answer

    def days_ago(self, days: int) -> datetime:
        """A timestamp ``days`` days in the past."""
        return datetime.now(UTC) - timedelta(days=days)

    def iam_backend(self) -> Any:
        """moto's IAM state, to age keys and set last-use dates that the API cannot set."""
        from moto.iam.models import iam_backends

        return iam_backends[self.account]["global"]


def prepare_environment() -> None:
    """Fake credentials and fast moto settings; must run before moto is imported."""
    os.environ["AWS_ACCESS_KEY_ID"] = "testing"
    os.environ["AWS_SECRET_ACCESS_KEY"] = "testing"
    os.environ["AWS_SESSION_TOKEN"] = "testing"
    os.environ["AWS_DEFAULT_REGION"] = "us-east-1"
    os.environ.pop("AWS_PROFILE", None)
    os.environ.pop("AWS_ENDPOINT_URL", None)
    os.environ.setdefault("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")


def share_service_models() -> None:
    """Each service model parsed as few times as the demo process can manage.

    Every botocore session of the process, not only the scanner's, reads models through the scanner's
    shared loader: moto makes sessions of its own (to list each service's regions, four of them while
    importing its EC2 backend), and each one parsed its own copies of the models (about 0.5 s of CPU and
    75 MB of a demo). And moto reads the models it answers with (its own, with its extras) through one
    loader instead of a fresh one per model, which listed the data directories of every service again:
    about 65 ms per service, 2 to 3 s of a demo's seeding. Where botocore's or moto's layout moves, they
    keep their own ways.
    """
    import functools

    import botocore.loaders
    import botocore.session

    from scanner.botocore_sharing import SHARED_LOADER

    default = botocore.loaders.create_loader
    if getattr(botocore.session, "create_loader", None) is default:

        def create_loader(search_path_string: str | None = None) -> Any:
            return SHARED_LOADER if not search_path_string else default(search_path_string)

        botocore.session.create_loader = create_loader
    try:
        import moto.core.loaders
        import moto.core.utils
    except ImportError:
        return
    if getattr(moto.core.utils, "create_loader", None) is moto.core.loaders.create_loader:
        moto.core.utils.create_loader = functools.cache(moto.core.loaders.create_loader)


def seed_modules() -> list[Any]:
    """Every ``seed_*`` module of this package, in name order."""
    pkg = importlib.import_module(__name__)
    return [importlib.import_module(f"{__name__}.{m.name}")
            for m in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name)
            if m.name.startswith("seed_")]


def seed_account(session: Any) -> DemoAccount:
    """Create the demo workload in the (already mocked) account; returns it with its fill-ins."""
    demo = DemoAccount(session)
    for module in seed_modules():
        module.seed(demo)
    return demo


def install_fill_ins(scan_session: Any, demo: DemoAccount) -> None:
    """Answer the operations moto lacks, after the read-only guard has seen the call."""
    from botocore.awsrequest import AWSResponse

    def handler(model: Any, params: dict[str, Any], context: dict[str, Any], **_: Any) -> Any:
        answer = demo.fill_ins.get((model.service_model.service_name, model.name))
        if answer is None:
            return None
        region = context.get("client_region") or "us-east-1"
        body = params.get("body")
        request = body if isinstance(body, dict) else {}
        request = {**request, **(params.get("query_string") or {}), **context.get("wa_demo_params", {})}
        try:
            parsed = answer(request, region)
            return AWSResponse("https://demo.invalid", 200, {}, None), parsed
        except FillInError as err:
            error = {"Error": {"Code": err.code, "Message": err.message},
                     "ResponseMetadata": {"HTTPStatusCode": err.status}}
            return AWSResponse("https://demo.invalid", err.status, {}, None), error

    def remember(params: dict[str, Any], context: dict[str, Any], model: Any, **_: Any) -> None:
        # The serialised request is awkward to read back for REST APIs; keep the caller's parameters.
        if (model.service_model.service_name, model.name) in demo.fill_ins:
            context["wa_demo_params"] = dict(params)

    scan_session.events.register("provide-client-params", remember, unique_id="wa-scan-demo-params")
    scan_session.events.register_last("before-call", handler, unique_id="wa-scan-demo-fill-ins")
