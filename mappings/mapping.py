"""The check-to-choice mapping: which check informs which best-practice choice, as data.

A mapping is one or more TOML or JSON files of links::

    [[link]]
    check = "guardduty.enabled"            # a check id (wa-scan checks)
    question = "detect-investigate-events" # a question id of the lens
    choice = "sec_detect_investigate_events_app_service_logging"
    strength = "direct"                    # "direct": the check observes the practice; "indicative": a proxy
    on_pass = "supports"                   # what a pass means for the choice: "supports" or "silent"
    on_fail = "contradicts"                # what a fail means for the choice: "contradicts" or "silent"
    rationale = "What part of the practice the check sees, and what it cannot see."

JSON files hold ``{"link": [{...}, ...]}`` or the bare list. The default mapping is every ``*.toml``
file in ``data/wellarchitected/``. Loading validates every link against the lens and the available
checks; a problem is a ``MappingError`` naming the file and the entry.
"""

from __future__ import annotations

import difflib
import json
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from mappings.catalog import Lens, default_lens, load_lens
from mappings.errors import MappingError

STRENGTHS = ("direct", "indicative")
ON_PASS = ("supports", "silent")
ON_FAIL = ("contradicts", "silent")
KEYS = ("check", "question", "choice", "strength", "on_pass", "on_fail", "rationale")
_ALLOWED = {"strength": STRENGTHS, "on_pass": ON_PASS, "on_fail": ON_FAIL}
_LINK_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*link[ \t]*\]\]", re.MULTILINE)


@dataclass(frozen=True)
class Link:
    """One check informing one choice of one question."""

    check: str
    question: str
    choice: str
    strength: str  # "direct" | "indicative"
    on_pass: str  # "supports" | "silent"
    on_fail: str  # "contradicts" | "silent"
    rationale: str
    file: str = ""
    index: int = 0  # 1-based position of the entry in its file
    line: int | None = None  # line of its [[link]] header (TOML only)

    @property
    def where(self) -> str:
        """``FILE: link #N (line L)`` for messages."""
        at = f" (line {self.line})" if self.line else ""
        return f"{self.file}: link #{self.index}{at}"


@dataclass(frozen=True)
class Mapping:
    """The validated links, in file order, and the files they came from."""

    links: tuple[Link, ...]
    files: tuple[str, ...]

    def check_ids(self) -> list[str]:
        """Every check id the mapping uses, sorted."""
        return sorted({link.check for link in self.links})

    def info(self) -> dict[str, Any]:
        """``doc["mapping"]`` in scan.json: file names and the number of links."""
        return {"files": list(self.files), "links": len(self.links)}


@dataclass(frozen=True)
class _Entry:
    data: Any
    file: str
    index: int
    line: int | None


def load_mapping(path: Path | str | None = None, lens: Lens | None = None,
                 check_ids: Iterable[str] | None = None) -> Mapping:
    """Load and validate a mapping: the default one (``path`` None) or a file or directory of files.

    ``lens`` defaults to the default lens. ``check_ids`` are the ids findings can carry (the caller's
    installed checks and the ids their adapters emit); a link to any other check is an error. None
    leaves check ids unchecked. The default mapping for the default lens is loaded once per process
    for a given set of check ids.
    """
    lens = lens or load_lens()
    ids = frozenset(check_ids) if check_ids is not None else None
    if path is None:
        if lens.custom:
            raise MappingError(f"lens {lens.source} is a custom lens: pass --mapping FILE with links to its "
                               "question and choice ids")
        if lens is default_lens():
            return _default_mapping(ids)
        return _validate(_read_default(), lens, ids)
    return _validate(_read_path(Path(path)), lens, ids)


@cache
def _default_mapping(check_ids: frozenset[str] | None) -> Mapping:
    return _validate(_read_default(), default_lens(), check_ids)


def default_mapping_dir() -> Any:
    """The packaged directory of the default mapping files (a Traversable)."""
    return resources.files("mappings") / "data" / "wellarchitected"


@cache
def _read_default() -> tuple[tuple[_Entry, ...], tuple[str, ...]]:
    folder = default_mapping_dir()
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".toml")), key=lambda f: f.name)
    entries: list[_Entry] = []
    for f in files:
        entries.extend(_parse_text(f.read_text(encoding="utf-8"), f"wellarchitected/{f.name}", "toml"))
    return tuple(entries), tuple(f"wellarchitected/{f.name}" for f in files)


def _read_path(path: Path) -> tuple[tuple[_Entry, ...], tuple[str, ...]]:
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in (".toml", ".json"))
        if not files:
            raise MappingError(f"mapping {path}: directory holds no .toml or .json mapping files")
    elif path.is_file():
        files = [path]
    else:
        raise MappingError(f"mapping {path}: no such file or directory")
    entries: list[_Entry] = []
    for f in files:
        kind = f.suffix.lower().lstrip(".")
        if kind not in ("toml", "json"):
            raise MappingError(f"mapping {f}: expected a .toml or .json file")
        try:
            text = f.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise MappingError(f"mapping {f}: cannot read ({exc})") from None
        entries.extend(_parse_text(text, str(f), kind))
    return tuple(entries), tuple(str(f) for f in files)


def _parse_text(text: str, name: str, kind: str) -> list[_Entry]:
    """Raw link entries of one file, with their position for error messages."""
    if kind == "toml":
        try:
            data: Any = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise MappingError(f"mapping {name}: not valid TOML ({exc})") from None
        lines = [text.count("\n", 0, m.start()) + 1 for m in _LINK_HEADER.finditer(text)]
    else:
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise MappingError(f"mapping {name}: not valid JSON ({exc})") from None
        lines = []
        if isinstance(data, list):
            data = {"link": data}
    if not isinstance(data, dict):
        raise MappingError(f"mapping {name}: expected a table of [[link]] entries")
    extra = sorted(set(data) - {"link"})
    if extra:
        raise MappingError(f"mapping {name}: unknown top-level key {extra[0]!r} (entries go in [[link]])")
    links = data.get("link", [])
    if not isinstance(links, list):
        raise MappingError(f"mapping {name}: 'link' must be a list of entries")
    use_lines = len(lines) == len(links)
    return [_Entry(item, name, i + 1, lines[i] if use_lines else None) for i, item in enumerate(links)]


def _validate(read: tuple[tuple[_Entry, ...], tuple[str, ...]], lens: Lens,
              check_ids: frozenset[str] | None) -> Mapping:
    entries, files = read
    problems: list[str] = []
    links: list[Link] = []
    seen: dict[tuple[str, str, str], Link] = {}
    for entry in entries:
        link, problem = _link(entry, lens, check_ids)
        if problem:
            problems.append(problem)
            continue
        assert link is not None
        key = (link.check, link.question, link.choice)
        if key in seen:
            problems.append(f"{_named(link.file, link.index, link.line, link.check, link.choice)}: duplicate of "
                            f"{seen[key].where}")
            continue
        seen[key] = link
        links.append(link)
    if problems:
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        raise MappingError(problems[0] + more)
    if not links:
        raise MappingError(f"mapping {', '.join(files) or '(none)'}: holds no [[link]] entries")
    return Mapping(tuple(links), files)


def _link(entry: _Entry, lens: Lens, check_ids: frozenset[str] | None) -> tuple[Link | None, str | None]:
    item = entry.data
    if not isinstance(item, dict):
        at = f" (line {entry.line})" if entry.line else ""
        return None, f"mapping {entry.file}: link #{entry.index}{at}: expected a table with keys {', '.join(KEYS)}"
    named = _named(entry.file, entry.index, entry.line, item.get("check"), item.get("choice"))
    missing = [k for k in KEYS if k not in item]
    if missing:
        return None, f"{named}: missing key {missing[0]!r}"
    extra = sorted(set(item) - set(KEYS))
    if extra:
        return None, f"{named}: unknown key {extra[0]!r} (keys: {', '.join(KEYS)})"
    bad = [k for k in KEYS if not isinstance(item[k], str) or not item[k].strip()]
    if bad:
        return None, f"{named}: {bad[0]!r} must be a non-empty string"
    check, qid, cid = item["check"], item["question"], item["choice"]
    if check_ids is not None and check not in check_ids:
        return None, f"{named}: unknown check id {check!r}{_hint(check, check_ids)}"
    for key, allowed in _ALLOWED.items():
        if item[key] not in allowed:
            return None, f"{named}: {key} {item[key]!r} must be {' or '.join(repr(a) for a in allowed)}"
    if item["on_pass"] == "silent" and item["on_fail"] == "silent":
        return None, f"{named}: on_pass and on_fail are both 'silent', so the link says nothing"
    question = lens.question(qid)
    if question is None:
        return None, f"{named}: unknown question id {qid!r}{_hint(qid, [q.id for q in lens.questions()])}"
    if question.choice(cid) is None:
        if cid == question.none_choice:
            return None, f"{named}: {cid!r} is the 'None of these' choice, which evidence never supports"
        owners = [q.id for q, _ in lens.find_choice(cid)]
        if owners:
            return None, f"{named}: choice {cid!r} belongs to question {owners[0]!r}, not {qid!r}"
        return None, f"{named}: unknown choice id {cid!r}{_hint(cid, [c.id for c in question.choices])}"
    rationale = " ".join(item["rationale"].split())
    return Link(check, qid, cid, item["strength"], item["on_pass"], item["on_fail"], rationale,
                entry.file, entry.index, entry.line), None


def _named(file: str, index: int, line: int | None, check: Any, choice: Any) -> str:
    at = f"line {line}, " if line else ""
    return f"mapping {file}: link #{index} ({at}check {check!r}, choice {choice!r})"


def _hint(word: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""
