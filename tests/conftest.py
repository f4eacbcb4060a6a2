"""Shared fixtures: fake credentials, an in-process moto account, and a helper that scans it."""

from __future__ import annotations

import os
import tempfile

# Before moto is imported anywhere: no real credentials can leak in, and EC2 starts fast.
os.environ.update({
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "MOTO_EC2_LOAD_DEFAULT_AMIS": "false",
    "WA_SCAN_NO_PLUGINS": "1",
    # Scans in tests record their history here, never in the user's data directory.
    "WA_SCAN_DB": os.path.join(tempfile.mkdtemp(prefix="wa-scan-test-"), "history.db"),
})
for _var in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
    os.environ.pop(_var, None)
os.environ["AWS_CONFIG_FILE"] = os.devnull
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull

from collections.abc import Callable, Iterator  # noqa: E402
from typing import Any  # noqa: E402

import boto3  # noqa: E402
import botocore.handlers  # noqa: E402
import moto.core.models  # noqa: E402
import pytest  # noqa: E402
from moto import mock_aws  # noqa: E402

from tests.helpers import scan_checks  # noqa: E402


def _refuse_real_aws(request, **_):
    """A test must never reach AWS: outside a moto mock, only loopback moto servers may be called."""
    if moto.core.models.botocore_stubber.enabled:
        return
    if not request.url.startswith(("http://127.0.0.1", "http://localhost")):
        raise RuntimeError(f"a test tried to reach AWS: {request.url}")


botocore.handlers.BUILTIN_HANDLERS.append(("before-send", _refuse_real_aws))


def _share_the_scanners_model_loader() -> None:
    """Every botocore session of the test process uses the scanner's process-wide model loader.

    Tests make a fresh ``boto3.Session`` for nearly every scan and seed; each one parsing its own copy of
    the service models (EC2's alone takes longer than most tests' own work) was most of the suite's CPU.
    A scan made through ``make_session`` shares this loader anyway, so the tests now see what a scan sees.
    """
    import botocore.session

    from scanner.session import botocore_session

    shared = botocore_session().get_component("data_loader")
    default = botocore.session.create_loader

    def create_loader(search_path_string: str | None = None) -> Any:
        return shared if not search_path_string else default(search_path_string)

    botocore.session.create_loader = create_loader


_share_the_scanners_model_loader()

ACCOUNT = "123456789012"


@pytest.fixture
def aws() -> Iterator[boto3.Session]:
    """A fresh moto account; yields a plain (unguarded) session for seeding resources."""
    with mock_aws():
        yield boto3.Session(region_name="us-east-1")


@pytest.fixture
def scan(aws: boto3.Session) -> Callable:
    """``scan(check_ids, regions=...)`` runs those checks against the moto account and returns the result."""
    return scan_checks


@pytest.fixture(scope="session")
def demo_scan(tmp_path_factory):
    """The demo run once per test session: ``(scan.json document, output directory)``."""
    import json

    from scanner.cli import main

    out = tmp_path_factory.mktemp("demo") / "results"
    assert main(["demo", "--out", str(out), "-q"]) == 0
    return json.loads((out / "scan.json").read_text()), out


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """A headless Debian Chromium for the report and review-page tests (marked ``needs_chromium``)."""
    from tests.reports.browsing import ARGS, CHROMIUM

    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (test extra)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()
