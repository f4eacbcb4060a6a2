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


# Tests share one browser context and one page per JavaScript setting: on the project's 2-core machine a
# new context costs Chromium about 1 s of CPU, a new page about 1.1 s, and the first two loads of a new
# page about 1 s more than later ones. A test gets the page on a blank document, with no cookie, route,
# listener, media emulation or window size left by an earlier test.
VIEWPORT = {"width": 1366, "height": 900}
_CONTEXTS: dict[bool, Any] = {}
_PAGES: dict[bool, Any] = {}


def _shared_context(browser: Any, javascript: bool) -> Any:
    """The browser's context for this JavaScript setting, with no cookie left by an earlier test."""
    context = _CONTEXTS.get(javascript)
    if context is None or context.browser is not browser:
        context = browser.new_context(viewport=VIEWPORT, java_script_enabled=javascript)
        _CONTEXTS[javascript] = context
        _PAGES.pop(javascript, None)
    context.clear_cookies()
    return context


def _shared_page(context: Any, javascript: bool) -> Any:
    """The context's one page (a new one if a test closed it or the page crashed)."""
    page = _PAGES.get(javascript)
    # A page not left blank (its test broke off while leaving it) is not trusted with the next test.
    if page is None or page.is_closed() or page.context is not context or page.url != "about:blank":
        for stray in context.pages:
            stray.close()
        page = _PAGES[javascript] = context.new_page()
    return page


class Tab:
    """The shared page, with everything the browser said while this test used it."""

    def __init__(self, browser: Any, javascript: bool = True) -> None:
        self.context = _shared_context(browser, javascript)
        self.page = _shared_page(self.context, javascript)
        self.console: list[tuple[str, str]] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        self._leaving = False
        self._listeners: list[tuple[str, Any]] = []
        self.on("console", lambda m: self.console.append((m.type, m.text)))
        self.on("pageerror", lambda e: self.errors.append(str(e)))
        self.on("dialog", self._answer)
        self.on("request", lambda r: self.requests.append(r.url))

    def on(self, event: str, handler: Any) -> None:
        """``page.on`` for this test only: the handler is removed when the test is done with the page."""
        self.page.on(event, handler)
        self._listeners.append((event, handler))

    def _answer(self, dialog: Any) -> None:
        if self._leaving:  # the page asks before it is left at the end of the test: leave
            dialog.accept()
            return
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def problems(self) -> list[str]:
        """Console errors and warnings, uncaught exceptions, and dialogs (an injected alert)."""
        return ([f"{kind}: {text}" for kind, text in self.console if kind in ("error", "warning")]
                + self.errors + [f"dialog: {d}" for d in self.dialogs])

    def close(self) -> None:
        """Leave the page blank for the next test, as a closed tab would be."""
        if self.page.is_closed():
            return
        self._leaving = True
        self.page.unroute_all(behavior="ignoreErrors")
        self.page.emulate_media(media="null")
        self.page.set_viewport_size(VIEWPORT)
        self.page.goto("about:blank")
        for event, handler in self._listeners:
            self.page.remove_listener(event, handler)


class Opened(Tab):
    """The shared page, with a report file loaded."""

    def __init__(self, browser: Any, path: Path, javascript: bool = True) -> None:
        super().__init__(browser, javascript)
        self.page.goto(path.as_uri())
        self.page.wait_for_load_state("load")
