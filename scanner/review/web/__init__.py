"""The review meeting in the browser: ``wa-scan review --web``.

A small local web application over the history database: an overview of the questions with their
progress, one page per question with the evidence beside every choice, and a preview of what
``wa-scan push`` would send. Every change is saved at once through ``scanner.history.History`` as the
question's draft, and confirming makes it the decision, so the terminal review, the YAML export and
the push see exactly what was confirmed in the browser.
"""

from __future__ import annotations

from scanner.review.web.server import serve

__all__ = ["serve"]
