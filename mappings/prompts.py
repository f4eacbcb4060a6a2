""""Ask the team" prompts: what a facilitator asks, and which artefact to request, per best practice.

A prompts file sits beside its lens (``data/wellarchitected-prompts.toml`` for the default lens;
``NAME-prompts.toml`` beside a custom lens ``NAME.json`` or ``NAME-lens.json``) and holds one entry
per choice of the lens ("None of these" excluded)::

    [choice.ops_priorities_ext_cust_needs]
    human_only = true          # no AWS API can evidence the practice (people, process, decisions)
    why = "customer needs live in conversations and roadmaps, not in the account"
    ask = ["Which customer feedback changed your priorities last quarter?"]
    artefact = "the prioritised backlog with the customer evidence behind its top items"

``why`` is required when ``human_only`` is true; ``ask`` holds one or two questions. Loading checks
that every choice of the lens has an entry and that no entry names an unknown choice; a problem is a
``MappingError`` naming the file and the entry. A custom lens without a prompts file has no prompts.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from mappings.catalog import DEFAULT_ALIAS, Lens
from mappings.errors import MappingError

DEFAULT_FILE = "wellarchitected-prompts.toml"
REQUIRED = ("human_only", "ask", "artefact")
KEYS = (*REQUIRED, "why")
MAX_QUESTIONS = 2


@dataclass(frozen=True)
class Prompt:
    """What a facilitator asks the team about one best practice."""

    choice: str
    human_only: bool  # True: no AWS API can evidence the practice; only the team can
    ask: tuple[str, ...]  # one or two questions for the meeting
    artefact: str  # what to request as proof
    why: str = ""  # for human_only: why no API can show it


def asks_the_team(choice: Mapping[str, Any]) -> bool:
    """True when a suggested choice (an entry of a scan.json question's ``choices``) is the team's to answer.

    That is when it carries a prompt and either no API can evidence it (``human_only``) or the evidence
    did not settle it (neither supported nor contradicted).
    """
    return bool(choice.get("ask")) and (bool(choice.get("human_only"))
                                        or choice.get("suggestion") not in ("supported", "contradicted"))


def load_prompts(lens: Lens) -> dict[str, Prompt]:
    """``{choice_id: Prompt}`` for every choice of ``lens``; ``{}`` for a custom lens without a prompts file.

    Raises ``MappingError`` naming the file and the entry when the file is malformed, misses a choice of
    the lens or names a choice the lens does not have.
    """
    if not lens.custom and lens.alias == DEFAULT_ALIAS:
        return _default_prompts(lens)
    path = prompts_path(lens)
    if path is None or not path.is_file():
        return {}
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise MappingError(f"prompts {path}: cannot read ({exc})") from None
    return parse_prompts(text, str(path), lens)


def prompts_path(lens: Lens) -> Path | None:
    """Where the prompts of a lens loaded from a file would be: ``NAME-prompts.toml`` beside it."""
    if not lens.source:
        return None
    source = Path(lens.source)
    stem = source.stem.removesuffix("-lens")
    return source.with_name(f"{stem}-prompts.toml")


def _default_prompts(lens: Lens) -> dict[str, Prompt]:
    return parse_prompts(_default_text(), DEFAULT_FILE, lens)


@cache
def _default_text() -> str:
    return (resources.files("mappings") / "data" / DEFAULT_FILE).read_text(encoding="utf-8")


def parse_prompts(text: str, source: str, lens: Lens) -> dict[str, Prompt]:
    """Prompts from TOML ``text``, validated against ``lens``; ``source`` names the file in errors."""
    try:
        data: Any = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise MappingError(f"prompts {source}: not valid TOML ({exc})") from None
    unknown_top = sorted(set(data) - {"choice"})
    if unknown_top:
        raise MappingError(f"prompts {source}: unknown top-level key(s) {', '.join(unknown_top)} "
                           f"(entries are [choice.<choice id>] tables)")
    entries = data.get("choice", {})
    if not isinstance(entries, dict):
        raise MappingError(f"prompts {source}: 'choice' must be a table of [choice.<choice id>] entries")
    wanted = [c.id for q in lens.questions() for c in q.choices]
    known = set(wanted)
    prompts: dict[str, Prompt] = {}
    for cid, entry in entries.items():
        where = f"prompts {source}: [choice.{cid}]"
        if cid not in known:
            raise MappingError(f"{where}: no such choice in lens {lens.alias} (a 'None of these' choice has no prompt)")
        prompts[cid] = _parse_entry(cid, entry, where)
    missing = [cid for cid in dict.fromkeys(wanted) if cid not in prompts]
    if missing:
        shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
        raise MappingError(f"prompts {source}: no entry for {len(missing)} choice(s) of lens {lens.alias}: {shown}")
    return prompts


def _parse_entry(cid: str, entry: Any, where: str) -> Prompt:
    if not isinstance(entry, dict):
        raise MappingError(f"{where}: expected a table with {', '.join(REQUIRED)}")
    extra = sorted(set(entry) - set(KEYS))
    if extra:
        raise MappingError(f"{where}: unknown key(s) {', '.join(extra)} (allowed: {', '.join(KEYS)})")
    absent = [k for k in REQUIRED if k not in entry]
    if absent:
        raise MappingError(f"{where}: missing key(s) {', '.join(absent)}")
    human_only = entry["human_only"]
    if not isinstance(human_only, bool):
        raise MappingError(f"{where}: human_only must be true or false")
    ask = entry["ask"]
    if (not isinstance(ask, list) or not 1 <= len(ask) <= MAX_QUESTIONS
            or not all(isinstance(a, str) and a.strip() for a in ask)):
        raise MappingError(f"{where}: ask must be a list of one or two non-empty questions")
    artefact = entry["artefact"]
    if not isinstance(artefact, str) or not artefact.strip():
        raise MappingError(f"{where}: artefact must be a non-empty string")
    why = entry.get("why", "")
    if not isinstance(why, str):
        raise MappingError(f"{where}: why must be a string")
    if human_only and not why.strip():
        raise MappingError(f"{where}: human_only = true needs a 'why' (why no AWS API can show the practice)")
    return Prompt(cid, human_only, tuple(a.strip() for a in ask), artefact.strip(), why.strip())
