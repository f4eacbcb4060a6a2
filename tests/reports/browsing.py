"""Driving the Debian Chromium through Playwright for the report tests (never Playwright's own browser)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]

needs_chromium = pytest.mark.skipif(
    not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is missing (apt-get install chromium; CI runs .ci/browser)")


class Opened:
    """A page with everything the browser said while loading and using it."""

    def __init__(self, browser: Any, path: Path, javascript: bool = True) -> None:
        self.context = browser.new_context(viewport={"width": 1366, "height": 900}, java_script_enabled=javascript)
        self.page = self.context.new_page()
        self.console: list[tuple[str, str]] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: self.console.append((m.type, m.text)))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.goto(path.as_uri())
        self.page.wait_for_load_state("load")

    def problems(self) -> list[str]:
        """Console errors and warnings, uncaught exceptions, and dialogs (an injected alert)."""
        return ([f"{kind}: {text}" for kind, text in self.console if kind in ("error", "warning")]
                + self.errors + [f"dialog: {d}" for d in self.dialogs])

    def close(self) -> None:
        self.context.close()
