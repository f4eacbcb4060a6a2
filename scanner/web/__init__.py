"""The review meeting in the browser: ``wa-scan review --web``.

A small local web application over the history database: an overview of the questions with their
progress, one page per question with the evidence beside every choice, and a preview of what
``wa-scan push`` would send. Every decision goes through ``scanner.store.History``, so the terminal
review, the YAML export and the push see exactly what was decided in the browser.
"""

from __future__ import annotations

from scanner.web.server import serve

__all__ = ["serve"]
