"""Shared fixtures: fake credentials, an in-process moto account, and a helper that scans it."""

from __future__ import annotations

import fcntl
import json
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
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import boto3  # noqa: E402
import botocore.handlers  # noqa: E402
import moto.core.models  # noqa: E402
import pytest  # noqa: E402
from moto import mock_aws  # noqa: E402

from scanner.demo import share_service_models  # noqa: E402
from tests.helpers import scan_checks  # noqa: E402


def _refuse_real_aws(request, **_):
    """A test must never reach AWS: outside a moto mock, only loopback moto servers may be called."""
    if moto.core.models.botocore_stubber.enabled:
        return
    if not request.url.startswith(("http://127.0.0.1", "http://localhost")):
        raise RuntimeError(f"a test tried to reach AWS: {request.url}")


botocore.handlers.BUILTIN_HANDLERS.append(("before-send", _refuse_real_aws))


# As the demo does: every botocore session of the test process (tests make a fresh ``boto3.Session`` for
# nearly every scan and seed) and moto read the service models through shared loaders, so each model is
# parsed once per process; EC2's alone takes longer than most tests' own work.
share_service_models()

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


def _run_demo(root: Path) -> tuple[dict, Path]:
    """``wa-scan demo`` into ``root/results``; every (service, operation) the read-only guard saw during it
    is kept in ``root/guard-calls.json``."""
    from scanner.cli import main
    from scanner.guard import ReadOnlyGuard

    seen: list[tuple[str, str]] = []
    original = ReadOnlyGuard.__call__

    def spy(self: ReadOnlyGuard, model: Any, **kw: Any) -> Any:
        seen.append((model.service_model.service_name, model.name))
        return original(self, model, **kw)

    out = root / "results"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ReadOnlyGuard, "__call__", spy)
        assert main(["demo", "--out", str(out), "-q"]) == 0
    (root / "guard-calls.json").write_text(json.dumps(seen))
    return json.loads((out / "scan.json").read_text()), out


@pytest.fixture(scope="session")
def demo_scan(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, Path]:
    """The demo, run once for the whole test run: ``(scan.json document, output directory)``.

    A full demo costs tens of seconds of CPU, so the first xdist worker that needs it runs it under a file
    lock in the run's shared temporary directory and the others read its results (pytest-xdist's "making
    session-scoped fixtures execute only once"). Every worker's history database gets the scan, as if that
    worker had run the demo itself. Tests must not write into the output directory.
    """
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return _run_demo(tmp_path_factory.mktemp("demo"))
    root = tmp_path_factory.getbasetemp().parent / "shared-demo"
    root.mkdir(exist_ok=True)
    with open(root / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (root / "done").exists():
            made = _run_demo(root)
            (root / "done").write_text("")
            return made
    from scanner.history import record_scan

    doc = json.loads((root / "results" / "scan.json").read_text())
    record_scan(doc, None)
    return doc, root / "results"


def pytest_collection_finish(session: pytest.Session) -> None:
    """The collector settings of a scan (scanner.memory) for the whole run, and everything imported and
    collected by now left out of later passes: with CPython's defaults the collector re-walked moto's
    backends and the service models, about 40% of the check tests' CPU."""
    from scanner.memory import freeze_long_lived, tune_collector

    tune_collector()
    freeze_long_lived()


@pytest.hookimpl(tryfirst=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    """An xdist worker ends without walking its whole heap again: the results are sent by now, and the
    collector pass pytest makes at the end (for unraisable exceptions; each test's are reported with the
    test) and the interpreter's teardown, freeing moto's state and the service models object by object,
    took 5 to 8 s after the last test, on the critical path of the run."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return
    import atexit
    import gc
    import sys

    gc.freeze()

    def exit_now() -> None:
        # Registered last, so it runs first among the exit handlers: after execnet has closed the channel.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)

    atexit.register(exit_now)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that drives Chromium (through the ``browser`` fixture) is marked ``browser``, so a quick
    local run can leave them out: ``pytest -m "not browser and not slow"``.

    The tests that read the shared demo run first, in their usual order: xdist hands each worker a run of
    consecutive tests to start with, so one worker runs the demo and every test that reads it while the
    other works through the rest, instead of waiting on the demo's lock halfway through the run."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
    items.sort(key=lambda item: "demo_scan" not in getattr(item, "fixturenames", ()))


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """A headless Debian Chromium for the report and review-page tests (marked ``needs_chromium``), started
    once per test process: each start costs Chromium about a second of CPU."""
    from tests.reports.browsing import ARGS, CHROMIUM

    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (test extra)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()
