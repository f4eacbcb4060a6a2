"""Atomic, private file writes: results describe an account's weaknesses."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any


def atomic_write(path: str | os.PathLike[str], data: str | bytes, mode: int = 0o600) -> Path:
    """Write ``data`` to ``path`` through a temporary file and a rename, readable only by the user.

    A crash leaves either the old file or the new one, never half of either.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(raw)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return target


def write_json(path: str | os.PathLike[str], doc: Any) -> Path:
    """``atomic_write`` of ``doc`` as indented JSON."""
    return atomic_write(path, json.dumps(doc, indent=2, sort_keys=False, default=str) + "\n")
