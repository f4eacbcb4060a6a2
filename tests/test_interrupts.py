"""Ctrl-C and SIGTERM, sent to a real wa-scan process: the first stops the scan and writes what it
gathered (scan.json and the history row) within seconds, a second one during the write loses nothing,
and no signal ever prints a traceback, start-up included."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
CHECKS = ["iam.access_keys_rotated", "guardduty.enabled", "ec2.instance_has_role", "s3.bucket_not_public",
          "backup.resources_protected", "logs.retention_set", "rds.storage_encrypted"]

# The demo, made slow the way a struggling endpoint is: every request waits, Backup answers 503 for ever
# (botocore's own retries and backoff run), so an interrupt finds reads and retries in flight.
SLOW_DEMO = textwrap.dedent("""
    import importlib, sys, time
    import scanner.demo
    from botocore.awsrequest import AWSResponse

    original = scanner.demo.install_fill_ins
    # The core checks' resources are enough to have reads in flight; the other seed modules cost seconds.
    scanner.demo.seed_modules = lambda: [importlib.import_module("scanner.demo.seed_core")]

    class Raw:
        def stream(self, *a, **k):
            yield b""

    def slow(request, **_):
        time.sleep(0.2)
        if "backup" in request.url:
            return AWSResponse(request.url, 503, {"content-length": "0"}, Raw())
        return None

    def with_slow_endpoint(session, demo):
        session.events.register_first("before-send", slow)
        original(session, demo)

    scanner.demo.install_fill_ins = with_slow_endpoint
    from scanner.cli import main
    sys.argv = ["wa-scan", "demo", *sys.argv[1:]]
    sys.exit(main())
""")


def _start(tmp_path: Path, *args: str) -> subprocess.Popen:
    env = {**os.environ, "WA_SCAN_DB": str(tmp_path / "history.db"), "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-c", SLOW_DEMO, *args], cwd=tmp_path, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _wait_for_scan_start(proc: subprocess.Popen) -> list[str]:
    seen = []
    assert proc.stderr is not None
    for line in proc.stderr:
        seen.append(line)
        if line.startswith("Scanning account"):
            return seen
    raise AssertionError("the scan never started: " + "".join(seen))


def _history_rows(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT COUNT(*) FROM scans").fetchone()[0]


@pytest.mark.parametrize(("first", "second_after"), [(signal.SIGINT, None), (signal.SIGINT, 0.3),
                                                     (signal.SIGTERM, 1.5)])
def test_an_interrupt_writes_what_was_gathered_and_exits_at_once(tmp_path, first, second_after):
    out = tmp_path / "out"
    proc = _start(tmp_path, "--out", str(out), "--checks", *CHECKS)
    _wait_for_scan_start(proc)
    time.sleep(1.0)  # reads and Backup's retries are in flight
    sent = time.monotonic()
    proc.send_signal(first)
    if second_after is not None:
        time.sleep(second_after)
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    took = time.monotonic() - sent
    assert proc.returncode == 3, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    doc = json.loads((out / "scan.json").read_text())
    assert doc["complete"] is False and doc["partial"] is True
    assert _history_rows(tmp_path / "history.db") == 1
    # Under 2 s on an idle machine; the bound leaves room for a CI box shared by many test processes.
    assert took < 6, f"exited {took:.1f} s after the signal"


def test_an_interrupt_during_start_up_imports_is_quiet(tmp_path):
    # Importing the command line is made slow, so the signal lands inside it.
    script = textwrap.dedent("""
        import sys, time, importlib.abc

        class Slow(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path, target=None):
                if name == "mappings.errors":
                    time.sleep(3)
                return None

        sys.meta_path.insert(0, Slow())
        print("importing", flush=True)
        from scanner.cli import main
        sys.argv = ["wa-scan", "checks"]
        sys.exit(main())
    """)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=tmp_path, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "importing"
    time.sleep(1.0)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 3 and err.strip() == "wa-scan: interrupted"
