"""``wa-scan review --web`` as a process: the printed address, saving through HTTP, and a killed server."""

from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

import scanner.review.web.server as server_mod
from scanner.history import open_history
from scanner.review.web.security import Access

ROOT = Path(__file__).resolve().parents[3]


def start(db: Path, *extra: str) -> tuple[subprocess.Popen, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "scanner", "review", "--web", "--no-browser", "--db", str(db),
                             "--reviewer", "Jane Doe", *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env, cwd=ROOT)
    line = proc.stdout.readline()
    match = re.search(r"open (http://127\.0\.0\.1:\d+/\?token=[\w-]+)", line)
    assert match, line + proc.stderr.read() if proc.poll() is not None else line
    return proc, match.group(1)


def test_the_command_prints_the_address_and_a_killed_server_loses_nothing(db):
    proc, url = start(db)
    try:
        base = url.split("/?")[0]
        with httpx.Client(follow_redirects=True, timeout=10) as http:
            assert http.get(base + "/").status_code == 403, "no token, no page"
            page = http.get(url)
            assert page.status_code == 200 and "Well-Architected review" in page.text
            assert str(page.url) == base + "/", "the token left the address"
            csrf = re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)
            r = http.post(base + "/q/permissions", data={"csrf": csrf, "choice.sec_permissions_share_securely":
                                                         "selected", "note": "saved before the kill",
                                                         "action": "confirm"},
                          headers={"origin": base, "accept": "application/json"})
            assert r.status_code == 200 and r.json()["ok"] and not r.json()["draft"]
            r = http.post(base + "/q/detect-investigate-events",
                          data={"csrf": csrf, "note": "a draft", "action": "draft"},
                          headers={"origin": base, "accept": "application/json"})
            assert r.status_code == 200 and r.json()["draft"] and r.json()["confirmed"] == 1
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    with open_history(db) as h:
        d = h.decisions(h.resolve(None))["permissions"]
        draft = h.drafts(h.resolve(None))["detect-investigate-events"]
    assert d.note == "saved before the kill" and d.reviewer == "Jane Doe" and d.confirmed
    assert draft.note == "a draft" and draft.reviewer == "Jane Doe"
    # Started again, the review continues where it stopped: at the draft, not counted as confirmed.
    proc, url = start(db)
    try:
        with httpx.Client(follow_redirects=True, timeout=10) as http:
            page = http.get(url).text
            assert "1 of 3 confirmed" in " ".join(re.sub(r"<[^>]+>", " ", page).split())
            assert 'href="/q/detect-investigate-events">Continue with SEC 4' in page
            again = url.split("/?")[0]
            assert ">a draft</textarea>" in http.get(again + "/q/detect-investigate-events").text
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=10)
    assert proc.returncode == 0, err
    assert "every change was already saved" in out


def test_serve_warns_off_loopback_and_opens_the_browser(db, monkeypatch, capsys):
    class Stopped:
        def run(self, sockets):
            raise KeyboardInterrupt

    class Sock:
        def close(self):
            pass

    access = Access("192.0.2.10", 8080)
    monkeypatch.setattr(server_mod, "make_server", lambda *a, **k: (Stopped(), Sock(), access))
    opened: list[str] = []
    out = io.StringIO()
    with open_history(db) as h:
        assert server_mod.serve(h, h.resolve(None), reviewer="x", host="192.0.2.10",
                                opener=lambda url: opened.append(url) or True, out=out) == 0
        assert opened == [access.url()]
        assert access.url() in out.getvalue()
        err = capsys.readouterr().err
        assert "warning: serving on 192.0.2.10" in err and "no browser" not in err
        # No browser on this machine: the address is still printed, and the hint says to open it.
        assert server_mod.serve(h, h.resolve(None), reviewer="x", opener=lambda url: False, out=out) == 0
        assert "no browser could be opened" in capsys.readouterr().err


def test_loopback_is_the_default(db):
    with open_history(db) as h:
        server, sock, access = server_mod.make_server(h, h.resolve(None), reviewer="x")
        try:
            assert sock.getsockname()[0] == "127.0.0.1" and access.port == sock.getsockname()[1] > 0
            assert access.hosts == {f"127.0.0.1:{access.port}", f"localhost:{access.port}"}
        finally:
            sock.close()


def test_a_busy_port_is_a_usage_error(db):
    from scanner.errors import UsageError

    with open_history(db) as h:
        _, sock, access = server_mod.make_server(h, h.resolve(None), reviewer="x")
        try:
            with pytest.raises(UsageError, match="cannot listen"):
                server_mod.bind("127.0.0.1", access.port)
        finally:
            sock.close()
