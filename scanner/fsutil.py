"""Atomic, private file writes: results describe an account's weaknesses."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any


def atomic_write(path: str | os.PathLike[str], data: str | bytes | Iterable[str], mode: int = 0o600) -> Path:
    """Write ``data`` to ``path`` through a temporary file and a rename, readable only by the user.

    ``data`` may be an iterable of text pieces, written as they come (a large document is never held
    as one string). A crash leaves either the old file or the new one, never half of either.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    pieces = [data] if isinstance(data, str | bytes) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            for piece in pieces:
                handle.write(piece.encode("utf-8") if isinstance(piece, str) else piece)
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
    """``atomic_write`` of ``doc`` as JSON laid out by ``json_lines``."""
    return atomic_write(path, json_lines(doc))


# Compact within a line, C-accelerated: Python's json module falls back to its pure-Python encoder
# whenever ``indent`` is set, which cost seconds on a scan of thousands of findings.
_LINE = json.JSONEncoder(default=str)


def json_lines(doc: Any) -> Iterator[str]:
    """``doc`` as JSON text, in pieces: each top-level member on a line of its own, and each item of a
    top-level list (a finding, a check, a suggestion) on one line, so the file reads, greps and diffs
    finding by finding. Anything but an object is one line."""
    if not isinstance(doc, dict) or not doc or not all(isinstance(key, str) for key in doc):
        yield _LINE.encode(doc) + "\n"
        return
    last = len(doc) - 1
    yield "{\n"
    for n, (key, value) in enumerate(doc.items()):
        yield f"  {_LINE.encode(key)}: "
        if isinstance(value, list) and value:
            for i, item in enumerate(value):
                yield ("[\n    " if i == 0 else ",\n    ") + _LINE.encode(item)
            yield "\n  ]"
        else:
            yield _LINE.encode(value)
        yield ",\n" if n < last else "\n}\n"


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
