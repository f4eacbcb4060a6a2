"""Suggested answers per WA question (filled in by the mapping layer)."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def add_suggestions(doc: dict[str, Any], lens_path: Path | None = None, mapping_path: Path | None = None) -> None:
    """Add ``suggestions`` to a scan document."""
    doc.setdefault("suggestions", [])
