"""Fixtures for the browser review: a history database with a recorded scan, a client, a live server."""

from __future__ import annotations

import copy
import shutil
import threading
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

with warnings.catch_warnings():
    # Starlette 1.x prefers the httpx2 fork for its TestClient; the project's test extra installs httpx.
    warnings.filterwarnings("ignore", message=".*install `httpx2`.*")
    from starlette.testclient import TestClient
from scanner.history import open_history, record_scan
from scanner.review.web.app import create_app
from scanner.review.web.security import Access
from tests.workflow.fixtures import base_findings, make_doc

HOST, PORT = "127.0.0.1", 8123
ORIGIN = f"http://{HOST}:{PORT}"
# The five checks of the README's example card: quick to run, and they put evidence on SEC and REL questions.
CARD_CHECKS = ["iam.access_keys_rotated", "guardduty.enabled", "ec2.instance_has_role", "s3.bucket_not_public",
               "backup.resources_protected"]
HOSTILE = "<script>alert('x')</script><img src=x onerror=alert(1)>"


def hostile_doc() -> dict[str, Any]:
    """The workflow test scan with account-controlled text holding markup: a message, an observed tag, a title."""
    doc = make_doc(base_findings())
    first = doc["findings"][0]
    first["message"] = f"IAM user {HOSTILE}: key 1 is 200 days old"
    first["evidence"]["observed"] = {"tag:Name": HOSTILE, "age_days": 200}
    first["resource"] = first["resource"] + "\"><script>alert(2)</script>"
    doc["suggestions"][0]["choices"][1]["rationale"] = "rationale " + HOSTILE
    return doc


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A history database holding the workflow test scan (SEC 2, SEC 3, SEC 4)."""
    path = tmp_path / "history.db"
    record_scan(make_doc(base_findings()), path)
    return path


def make_client(db: Path, *, reviewer: str = "Jane Doe", login: bool = True) -> tuple[TestClient, Access, Any]:
    """A TestClient on the review app of the latest scan in ``db`` (logged in with the token unless told not)."""
    history = open_history(db, create=False)
    access = Access(HOST, PORT)
    app = create_app(history, history.resolve(None), reviewer=reviewer, access=access)
    client = TestClient(app, base_url=ORIGIN, follow_redirects=False)
    if login:
        r = client.get(f"/?token={access.token}")
        assert r.status_code == 303
    return client, access, history


@pytest.fixture
def web(db: Path) -> Iterator[tuple[TestClient, Access]]:
    """A logged-in client and the run's secrets."""
    client, access, history = make_client(db)
    with client:
        yield client, access
    history.close()


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A history database with the demo account scanned by the five card checks (built once per session)."""
    from scanner.cli import main

    root = tmp_path_factory.mktemp("web-demo")
    db = root / "history.db"
    assert main(["demo", "--out", str(root / "out"), "--db", str(db), "-q", "--checks", *CARD_CHECKS]) == 0
    return db


@pytest.fixture
def review_db(demo_db: Path, tmp_path: Path) -> Path:
    """A private copy of the demo history (tests write decisions into it)."""
    path = tmp_path / "history.db"
    shutil.copy(demo_db, path)
    for suffix in ("-wal", "-shm"):
        if Path(str(demo_db) + suffix).exists():
            shutil.copy(str(demo_db) + suffix, str(path) + suffix)
    return path


class LiveServer:
    """The review server on a free port in a thread, as ``wa-scan review --web`` runs it."""

    def __init__(self, db: Path, scan: str | None = None, reviewer: str = "Jane Doe") -> None:
        from scanner.review.web.server import make_server

        self.db = db
        self.history = open_history(db, create=False)
        self.scan_id = self.history.resolve(scan)
        self.server, sock, self.access = make_server(self.history, self.scan_id, reviewer=reviewer)
        self.base = f"http://{HOST}:{self.access.port}"
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [sock]}, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the review server did not start")
            time.sleep(0.02)

    @property
    def url(self) -> str:
        """The address the command prints (with the token)."""
        return self.access.url()

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.history.close()


@pytest.fixture
def live(review_db: Path) -> Iterator[LiveServer]:
    """The review server over a private copy of the demo history."""
    server = LiveServer(review_db)
    yield server
    server.stop()


def clone(doc: dict[str, Any]) -> dict[str, Any]:
    """A deep copy of a scan document without its id (so recording it gives a new scan)."""
    out = copy.deepcopy(doc)
    out.pop("scan_id", None)
    return out
