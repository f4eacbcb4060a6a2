"""Time phrases shared by checks' messages."""

from __future__ import annotations


def ago(days: int) -> str:
    """``today``, ``1 day ago`` or ``N days ago``."""
    return "today" if days <= 0 else "1 day ago" if days == 1 else f"{days} days ago"
