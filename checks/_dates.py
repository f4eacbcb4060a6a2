"""Timestamps in AWS answers, and the day-aligned windows that keep repeated reads identical."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any


def as_datetime(value: Any) -> datetime | None:
    """A timezone-aware datetime from a botocore timestamp or an ISO 8601 string; ``None`` otherwise."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    if not isinstance(value, datetime):
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def days_since(value: Any, now: datetime | None = None) -> int | None:
    """Whole days from ``value`` to now; ``None`` when ``value`` is not a timestamp."""
    when = as_datetime(value)
    if when is None:
        return None
    return ((now or datetime.now(UTC)) - when).days


def window_start(days: int) -> datetime:
    """Midnight UTC ``days`` days ago.

    Read filters such as ``ByCreatedAfter`` use it rather than "now minus N days", so every check that
    asks for the same window sends the same parameters and the collector makes the read once.
    """
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return today - timedelta(days=days)


def iso(value: datetime | None) -> str | None:
    """``YYYY-MM-DDTHH:MM:SSZ`` for evidence, or ``None``."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


def timestamp_text(value: Any) -> str | None:
    """A timestamp as evidence shows it: ISO 8601 with its offset as botocore parsed it, other values as text."""
    return value.isoformat() if hasattr(value, "isoformat") else (str(value) if value else None)
