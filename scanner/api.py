"""The one face for check authors: everything a check (built-in or plug-in) needs to import.

A plug-in check imports from here and nowhere else in ``scanner``; the modules behind these names
may move, this module's names will not.
"""

from __future__ import annotations

from scanner.context import CheckContext
from scanner.errors import NotAssessed, classify
from scanner.model import GLOBAL, Evidence, Finding, Reason, Severity, Status
from scanner.registry import check

__all__ = [
    "GLOBAL",
    "CheckContext",
    "Evidence",
    "Finding",
    "NotAssessed",
    "Reason",
    "Severity",
    "Status",
    "check",
    "classify",
]
