"""Driving the Debian Chromium through Playwright for the report tests (never Playwright's own browser)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run",
        # The attacker's name of the review server's DNS-rebinding test; no other test uses the name.
        "--host-resolver-rules=MAP rebind.test 127.0.0.1"]

needs_chromium = pytest.mark.skipif(
    not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is missing (apt-get install chromium; CI runs .ci/browser)")


# Pages share one browser context per JavaScript setting: a new context costs Chromium about 1 s of CPU,
# a new page in an existing one about a third of that (measured on the project's 2-core machine).
_CONTEXTS: dict[bool, Any] = {}


def _shared_context(browser: Any, javascript: bool) -> Any:
    """The browser's context for this JavaScript setting, with no page and no cookie left by an earlier test."""
    context = _CONTEXTS.get(javascript)
    if context is None or context.browser is not browser:
        context = browser.new_context(viewport={"width": 1366, "height": 900}, java_script_enabled=javascript)
        _CONTEXTS[javascript] = context
    for page in context.pages:
        page.close()
    context.clear_cookies()
    return context


class Tab:
    """A fresh page with everything the browser said while it was used."""

    def __init__(self, browser: Any, javascript: bool = True) -> None:
        self.context = _shared_context(browser, javascript)
        self.page = self.context.new_page()
        self.console: list[tuple[str, str]] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: self.console.append((m.type, m.text)))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on("request", lambda r: self.requests.append(r.url))

    def problems(self) -> list[str]:
        """Console errors and warnings, uncaught exceptions, and dialogs (an injected alert)."""
        return ([f"{kind}: {text}" for kind, text in self.console if kind in ("error", "warning")]
                + self.errors + [f"dialog: {d}" for d in self.dialogs])

    def close(self) -> None:
        self.page.close()


class Opened(Tab):
    """A fresh page that has loaded a report file."""

    def __init__(self, browser: Any, path: Path, javascript: bool = True) -> None:
        super().__init__(browser, javascript)
        self.page.goto(path.as_uri())
        self.page.wait_for_load_state("load")
