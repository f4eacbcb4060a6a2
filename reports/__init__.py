"""Report renderers: HTML, Markdown, CSV from a scan document."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def render_reports(doc: dict[str, Any], out: Path, formats: list[str]) -> list[Path]:
    """Write the reports named in ``formats`` into ``out``; returns the paths written."""
    return []
