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


def check_writable_dir(path: str | os.PathLike[str], what: str) -> None:
    """Refuse, before any work, a directory that cannot be written: a file where it or a parent should be,
    or a nearest existing parent that takes no new file (read-only filesystem, no permission).

    ``what`` names the option in the one-line error (``--out``).
    """
    from scanner.errors import UsageError

    wanted = Path(path)
    existing = wanted
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if existing.exists() and not existing.is_dir():
        where = "is a file" if existing == wanted else f"cannot be created: {existing} is a file"
        raise UsageError(f"{what} {wanted} {where}, not a directory")
    try:
        # A file made and removed at once: the only test that sees read-only mounts, ACLs and quotas alike.
        with tempfile.TemporaryFile(dir=existing or Path(".")):
            pass
    except OSError as exc:
        raise UsageError(f"{what} {wanted}: cannot write in {existing} ({exc.strerror or exc})") from None


def check_output_file(path: str | os.PathLike[str], what: str, *, force: bool) -> None:
    """Refuse, before any work, an output file that is a directory, that would overwrite an existing file
    without ``force`` (it may hold edits), or whose directory cannot be written."""
    from scanner.errors import UsageError

    target = Path(path)
    if target.is_dir():
        raise UsageError(f"{what} {target} is a directory; name a file")
    if target.exists() and not force:
        raise UsageError(f"{what} {target} already exists; choose another file or pass --force to overwrite it")
    check_writable_dir(target.parent if str(target.parent) else Path("."), what)
