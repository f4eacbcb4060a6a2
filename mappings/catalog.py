"""Lens catalogues: the default Well-Architected lens, or a company's custom lens (WA Tool JSON).

Everything is keyed on pillar, question and choice ids, never on titles or positions. Two file formats
load into the same ``Lens``:

* the catalogue this package ships (``data/wellarchitected-lens.json``): ``lens``, ``version``,
  ``pillars[].questions[]`` with ``label``, ``choices[]`` (``id``, ``bp``, ``title``, ``risk``) and
  ``none_choice``; its questions use wa-scan's documented risk rule (see ``mappings.suggest``);
* a custom lens in the WA Tool format (``schemaVersion`` 2021-11-01): ``pillars[].questions[]`` with
  ``choices[]`` and ``riskRules``; a choice whose id ends in ``_no`` is the "None of these" choice.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from mappings.errors import MappingError
from mappings.riskrules import RULE_RISKS, RiskRule, parse_condition, rule_outcome

DEFAULT_ALIAS = "wellarchitected"
CUSTOM_SCHEMA = "2021-11-01"
CHOICE_RISKS = ("HIGH", "MEDIUM", "LOW")
_PILLAR_PREFIX = {
    "operationalExcellence": "OPS",
    "security": "SEC",
    "reliability": "REL",
    "performance": "PERF",
    "costOptimization": "COST",
    "sustainability": "SUS",
}
_CUSTOM_ID = re.compile(r"^[A-Za-z0-9_]{3,128}$")


@dataclass(frozen=True)
class Choice:
    """One best practice a reviewer can tick."""

    id: str
    title: str
    risk: str  # HIGH, MEDIUM or LOW: the risk if the practice is not established
    bp: str = ""  # e.g. SEC02-BP02; empty in custom lenses


@dataclass(frozen=True)
class Question:
    """A lens question with its choices (the none choice kept apart)."""

    id: str
    label: str
    title: str
    pillar: str
    choices: tuple[Choice, ...]
    none_choice: str | None = None
    risk_rules: tuple[RiskRule, ...] | None = None  # None: wa-scan's default rule applies

    def choice(self, choice_id: str) -> Choice | None:
        """The choice with this id, or None (the none choice is not a ``Choice``)."""
        return next((c for c in self.choices if c.id == choice_id), None)


@dataclass(frozen=True)
class Pillar:
    """A pillar and its questions, in lens order."""

    id: str
    name: str
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Lens:
    """A loaded lens: pillars, questions and choices in WA Tool order, with lookups by id."""

    alias: str
    name: str
    version: str
    pillars: tuple[Pillar, ...]
    custom: bool = False
    source: str = ""
    sources: tuple[str, ...] = ()
    _questions: dict[str, Question] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        for pillar in self.pillars:
            for q in pillar.questions:
                self._questions[q.id] = q

    def questions(self) -> list[Question]:
        """Every question, in lens order."""
        return [q for p in self.pillars for q in p.questions]

    def question(self, question_id: str) -> Question | None:
        """The question with this id, or None."""
        return self._questions.get(question_id)

    def pillar(self, pillar_id: str) -> Pillar | None:
        """The pillar with this id, or None."""
        return next((p for p in self.pillars if p.id == pillar_id), None)

    def find_choice(self, choice_id: str) -> list[tuple[Question, Choice]]:
        """Every (question, choice) with this choice id (custom lenses may reuse ids across questions)."""
        return [(q, c) for q in self.questions() for c in q.choices if c.id == choice_id]

    def info(self) -> dict[str, Any]:
        """``doc["lens"]`` in scan.json: a custom lens carries its questions and choices, so the scan can be
        reviewed and pushed with its own lens wherever it goes (the default lens ships with wa-scan)."""
        info: dict[str, Any] = {"alias": self.alias, "name": self.name, "version": self.version}
        if self.custom:
            info["pillars"] = [
                {"id": p.id, "name": p.name, "questions": [
                    {"id": q.id, "label": q.label, "title": q.title, "none_choice": q.none_choice,
                     "choices": [{"id": c.id, "title": c.title, "risk": c.risk, "bp": c.bp} for c in q.choices]}
                    for q in p.questions]}
                for p in self.pillars]
        return info


def load_lens(path: Path | str | None = None) -> Lens:
    """The default lens (``path`` None, loaded once per process) or the lens in ``path``.

    Raises ``MappingError`` naming the file and what is wrong with it.
    """
    if path is None:
        return default_lens()
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise MappingError(f"lens {path}: cannot read ({exc.strerror or exc})") from None
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise MappingError(f"lens {path}: not valid JSON ({exc})") from None
    return parse_lens(data, str(path), hashlib.sha256(raw).hexdigest()[:12])


@cache
def default_lens() -> Lens:
    """The default lens (alias ``wellarchitected``), loaded once per process."""
    ref = resources.files("mappings") / "data" / "wellarchitected-lens.json"
    return parse_lens(json.loads(ref.read_text(encoding="utf-8")), "wellarchitected-lens.json", "")


def parse_lens(data: Any, source: str, digest: str = "") -> Lens:
    """A ``Lens`` from parsed JSON in either supported format; ``source`` names it in errors."""
    if not isinstance(data, dict) or not isinstance(data.get("pillars"), list) or not data["pillars"]:
        raise MappingError(f"lens {source}: expected a JSON object with a non-empty 'pillars' list")
    if "schemaVersion" in data:
        return _parse_custom(data, source, digest)
    if "lens" in data:
        return _parse_catalogue(data, source)
    raise MappingError(f"lens {source}: neither a WA Tool custom lens (no 'schemaVersion') nor a wa-scan "
                       "catalogue (no 'lens')")


class _Where:
    """Builds error messages that say which file and which element is wrong."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, where: str, what: str) -> MappingError:
        return MappingError(f"lens {self.source}: {where}: {what}")

    def text(self, obj: dict[str, Any], key: str, where: str, limit: int | None = None) -> str:
        value = obj.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(where, f"'{key}' missing or not a non-empty string")
        if limit is not None and len(value) > limit:
            raise self.fail(where, f"'{key}' is longer than {limit} characters")
        return value

    def items(self, obj: dict[str, Any], key: str, where: str) -> list[dict[str, Any]]:
        value = obj.get(key)
        if not isinstance(value, list) or not value:
            raise self.fail(where, f"'{key}' missing or not a non-empty list")
        for i, item in enumerate(value):
            if not isinstance(item, dict):
                raise self.fail(f"{where} {key}[{i}]", "not a JSON object")
        return value


def _parse_catalogue(data: dict[str, Any], source: str) -> Lens:
    w = _Where(source)
    pillars: list[Pillar] = []
    seen_q: set[str] = set()
    for pi, p in enumerate(w.items(data, "pillars", "top level")):
        pid = w.text(p, "id", f"pillars[{pi}]")
        questions: list[Question] = []
        for qi, q in enumerate(w.items(p, "questions", f"pillar {pid}")):
            qid = w.text(q, "id", f"pillar {pid} questions[{qi}]")
            if qid in seen_q:
                raise w.fail(f"question {qid}", "id used twice")
            seen_q.add(qid)
            choices: list[Choice] = []
            for ci, c in enumerate(w.items(q, "choices", f"question {qid}")):
                cid = w.text(c, "id", f"question {qid} choices[{ci}]")
                risk = c.get("risk")
                if risk not in CHOICE_RISKS:
                    raise w.fail(f"choice {cid}", f"risk {risk!r} is not one of {', '.join(CHOICE_RISKS)}")
                choices.append(Choice(cid, w.text(c, "title", f"choice {cid}"), risk, str(c.get("bp") or "")))
            _no_duplicates(w, qid, [c.id for c in choices])
            questions.append(Question(qid, str(q.get("label") or qid), w.text(q, "title", f"question {qid}"),
                                      pid, tuple(choices), q.get("none_choice") or None))
        pillars.append(Pillar(pid, str(p.get("name") or pid), tuple(questions)))
    version = data.get("version")
    if isinstance(version, dict):
        version = version.get("wa_tool_export_date") or ""
    return Lens(alias=str(data.get("lens") or DEFAULT_ALIAS), name=str(data.get("name") or "AWS Well-Architected "
                "Framework"), version=str(version or ""), pillars=tuple(pillars), source=source,
                sources=tuple(str(s) for s in data.get("sources") or ()))


def _no_duplicates(w: _Where, qid: str, ids: list[str]) -> None:
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise w.fail(f"question {qid}", f"choice id {dup[0]!r} used twice")


def _parse_custom(data: dict[str, Any], source: str, digest: str) -> Lens:
    w = _Where(source)
    if data.get("schemaVersion") != CUSTOM_SCHEMA:
        raise w.fail("schemaVersion", f"{data.get('schemaVersion')!r} is not supported (expected {CUSTOM_SCHEMA!r})")
    name = w.text(data, "name", "top level", 128)
    pillars: list[Pillar] = []
    seen_p: set[str] = set()
    seen_q: set[str] = set()
    for pi, p in enumerate(w.items(data, "pillars", "top level")):
        pid = _custom_id(w, p, f"pillars[{pi}]")
        if pid in seen_p:
            raise w.fail(f"pillar {pid}", "id used twice")
        seen_p.add(pid)
        pname = w.text(p, "name", f"pillar {pid}", 128)
        prefix = _PILLAR_PREFIX.get(pid) or " ".join(pname.split())
        questions: list[Question] = []
        for qi, q in enumerate(w.items(p, "questions", f"pillar {pid}")):
            qid = _custom_id(w, q, f"pillar {pid} questions[{qi}]")
            if qid in seen_q:
                raise w.fail(f"question {qid}", "id used twice")
            seen_q.add(qid)
            questions.append(_custom_question(w, q, qid, pid, f"{prefix} {qi + 1}"))
        pillars.append(Pillar(pid, pname, tuple(questions)))
    version = str(data.get("version") or (f"sha256:{digest}" if digest else ""))
    alias = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "custom"
    return Lens(alias=alias, name=name, version=version, pillars=tuple(pillars), custom=True, source=source)


def _custom_id(w: _Where, obj: dict[str, Any], where: str) -> str:
    value = w.text(obj, "id", where)
    if not _CUSTOM_ID.match(value):
        raise w.fail(where, f"id {value!r} must be 3-128 letters, digits or underscores")
    return value


def _custom_question(w: _Where, q: dict[str, Any], qid: str, pid: str, label: str) -> Question:
    where = f"question {qid}"
    title = w.text(q, "title", where, 128)
    raw_choices = w.items(q, "choices", where)
    ids: list[str] = []
    titles: dict[str, str] = {}
    for ci, c in enumerate(raw_choices):
        cid = _custom_id(w, c, f"{where} choices[{ci}]")
        ids.append(cid)
        titles[cid] = w.text(c, "title", f"{where} choice {cid}", 128)
    _no_duplicates(w, qid, ids)
    nones = [i for i in ids if i.endswith("_no")]
    if len(nones) > 1:
        raise w.fail(where, f"more than one 'None of these' choice (ids ending in _no): {', '.join(nones)}")
    none_choice = nones[0] if nones else None
    rules = _custom_rules(w, q, where, set(ids))
    practice = [i for i in ids if i != none_choice]
    choices = tuple(Choice(cid, titles[cid], _implied_risk(rules, practice, cid, none_choice)) for cid in practice)
    if not choices:
        raise w.fail(where, "has no choice other than 'None of these'")
    return Question(qid, label, title, pid, choices, none_choice, rules)


def _custom_rules(w: _Where, q: dict[str, Any], where: str, ids: set[str]) -> tuple[RiskRule, ...]:
    raw = q.get("riskRules")
    if not isinstance(raw, list) or not raw:
        raise w.fail(where, "'riskRules' missing or empty (a 'default' rule is required)")
    if len(raw) > 3:
        raise w.fail(where, f"{len(raw)} riskRules; a question has at most three (one per risk level)")
    rules: list[RiskRule] = []
    for ri, r in enumerate(raw):
        rw = f"{where} riskRules[{ri}]"
        if not isinstance(r, dict):
            raise w.fail(rw, "not a JSON object")
        cond, risk = r.get("condition"), r.get("risk")
        if risk not in RULE_RISKS:
            raise w.fail(rw, f"risk {risk!r} is not one of {', '.join(RULE_RISKS)}")
        if not isinstance(cond, str):
            raise w.fail(rw, "'condition' missing or not a string")
        try:
            expr = parse_condition(cond)
        except ValueError as exc:
            raise w.fail(rw, f"condition {cond!r}: {exc}") from None
        unknown = sorted(expr.names() - ids)
        if unknown:
            raise w.fail(rw, f"condition names {unknown[0]!r}, which is not a choice of this question")
        rules.append(RiskRule(cond.strip(), expr, risk))
    if not any(r.is_default for r in rules):
        raise w.fail(where, "riskRules have no 'default' rule")
    return tuple(rules)


def _implied_risk(rules: tuple[RiskRule, ...], practice: list[str], choice: str, none_choice: str | None) -> str:
    """A choice's risk in a custom lens, which has none per choice: the question's risk by its own rules
    when every other best practice is selected and this one is not (NO_RISK reads as LOW)."""
    selected = {c: c != choice for c in practice}
    if none_choice:
        selected[none_choice] = False
    outcome = rule_outcome(rules, selected)
    return {"HIGH": "HIGH", "MEDIUM": "MEDIUM"}.get(outcome or "", "LOW")
