"""The scan.json contract: its schema version, the scan id, the one loader that validates a document, its lens.

Every reader of a scan document (``report``, ``diff``, the history, the reviews, the push) goes through
``load_document`` / ``parse_document``, so a document is checked once, one way. ``mappings`` and
``reports`` may import this module and ``scanner.model`` and nothing else of ``scanner``.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict

from scanner.errors import UsageError
from scanner.model import SEVERITIES

if TYPE_CHECKING:
    from mappings.catalog import Lens
    from scanner.model import CheckMeta

# 1.1: each ``checks`` entry carries the check's full metadata; a custom lens travels in ``lens``.
# 1.2: a scoped scan carries ``scope``: its rules and the resources it left out (see ``scope_problem``).
SCHEMA_VERSION = "1.2"
SCHEMA_MAJOR = int(SCHEMA_VERSION.partition(".")[0])
# What any scan document has, whatever wrote it (older versions included).
REQUIRED = ("account", "findings")
# The check metadata a ``checks`` entry carries (besides ``id`` and ``counts``) since schema 1.1.
CHECK_FIELDS = ("title", "service", "scope", "severity", "description", "remediation", "effort", "reads",
                "permissions", "options", "emits")


class ChoiceSuggestion(TypedDict, total=False):
    """One best-practice choice of a question suggestion (``suggestions[].choices[]``)."""

    choice: str
    bp: str
    title: str
    risk: str  # the risk if the practice is missing: HIGH, MEDIUM, LOW
    suggestion: str  # supported, contradicted, partial, unknown
    findings: list[str]  # finding ids the suggestion rests on
    checks: list[dict[str, Any]]  # the checks linked to the choice, with strength and outcome
    rationale: str
    weight: dict[str, Any]
    human_only: bool
    ask: dict[str, Any]


class QuestionSuggestion(TypedDict, total=False):
    """The suggested answer to one lens question (``suggestions[]``)."""

    pillar: str
    pillar_name: str
    question: str
    label: str
    title: str
    risk: str  # HIGH, MEDIUM, NONE, UNKNOWN
    risk_rule: str
    baseline: dict[str, Any] | None
    risk_if_confirmed: Any
    choices: list[ChoiceSuggestion]


def scan_id_for(doc: dict[str, Any]) -> str:
    """The id of a scan document: ``<account>-<start time>-<content hash>``, stable for the same content.

    A ``scan_id`` already in the document wins, so a document written with its id keeps it.
    """
    if doc.get("scan_id"):
        return str(doc["scan_id"])
    body = {k: v for k, v in doc.items() if k != "scan_id"}
    digest = hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()[:6]
    stamp = "".join(ch for ch in str(doc.get("started_at", "")) if ch.isalnum()) or "undated"
    return f"{doc.get('account') or 'unknown'}-{stamp}-{digest}"


def load_document(path: Path) -> dict[str, Any]:
    """The scan document in ``path``, validated; anything else raises a one-line ``UsageError``."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{path}: is a directory; name its scan.json") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read ({exc.strerror or exc})") from None
    try:
        data = json.loads(raw)
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not a scan document (not UTF-8 text)") from None
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    return parse_document(data, str(path))


def parse_document(data: Any, source: str) -> dict[str, Any]:
    """``data`` checked against the contract (``source`` names it in errors); returns it unchanged."""
    if not isinstance(data, dict) or not isinstance(data.get("findings"), list) or "account" not in data:
        raise UsageError(f"{source}: not a wa-scan scan document (no account and findings)")
    major = str(data.get("schema_version", "")).partition(".")[0]
    if not major.isdigit():
        raise UsageError(f"{source}: not a wa-scan scan document (no schema_version)")
    if int(major) > SCHEMA_MAJOR:
        raise UsageError(f"{source}: written by a newer wa-scan (schema {data['schema_version']}); upgrade wa-scan")
    if not all(isinstance(f, dict) for f in data["findings"]):
        raise UsageError(f"{source}: malformed scan document (findings must be objects)")
    for key in ("checks", "suggestions"):
        if key in data and not (isinstance(data[key], list) and all(isinstance(v, dict) for v in data[key])):
            raise UsageError(f"{source}: malformed scan document ({key} must be a list of objects)")
    problem = first_problem(data)
    if problem:
        raise UsageError(f"{source}: malformed scan document ({problem})")
    return data


# What each part of a document must be, where it is present; ``True`` marks what a finding cannot lack.
_TOP_FIELDS: dict[str, type | tuple[type, ...]] = {
    "account": str, "regions": list, "disabled_regions": list, "complete": bool, "partial": bool,
    "started_at": str, "finished_at": str, "api_calls": dict, "scan_id": str, "scope": (dict, type(None)),
}
_FINDING_FIELDS: dict[str, tuple[type | tuple[type, ...], bool]] = {
    "id": (str, True), "check": (str, True), "status": (str, True), "resource": (str, True),
    "severity": (str, False), "region": (str, False), "account": (str, False), "message": (str, False),
    "evidence": (dict, False), "reason": ((str, type(None)), False), "missing_permission": ((str, type(None)), False),
}
_STATUSES = ("pass", "fail", "not_assessed")


def first_problem(data: dict[str, Any]) -> str | None:
    """The first place where ``data`` breaks the contract's fields and types (``findings[3].status: ...``),
    or ``None``. Readers render and compare findings, so a finding missing its id or status is refused
    here rather than shown half-empty."""
    for key, kind in _TOP_FIELDS.items():
        if key in data and not isinstance(data[key], kind):
            return f"{key}: expected {_kind(kind)}, got {_shown(data[key])}"
    for n, finding in enumerate(data.get("findings") or []):
        for key, (kind, needed) in _FINDING_FIELDS.items():
            if key not in finding:
                if needed:
                    return f"findings[{n}].{key}: missing"
                continue
            if not isinstance(finding[key], kind):
                return f"findings[{n}].{key}: expected {_kind(kind)}, got {_shown(finding[key])}"
        if finding["status"] not in _STATUSES:
            return f"findings[{n}].status: {_shown(finding['status'])} is not one of {', '.join(_STATUSES)}"
        if "severity" in finding and finding["severity"] not in SEVERITIES:
            return f"findings[{n}].severity: {_shown(finding['severity'])} is not one of {', '.join(SEVERITIES)}"
    if isinstance(data.get("scope"), dict):
        problem = scope_problem(data["scope"])
        if problem:
            return f"scope.{problem}"
    for n, entry in enumerate(data.get("checks") or []):
        if not isinstance(entry.get("id"), str):
            return f"checks[{n}].id: expected a string, got {_shown(entry.get('id'))}"
    for n, suggestion in enumerate(data.get("suggestions") or []):
        if not isinstance(suggestion.get("question"), str):
            return f"suggestions[{n}].question: expected a string, got {_shown(suggestion.get('question'))}"
        if "choices" in suggestion and not isinstance(suggestion["choices"], list):
            return f"suggestions[{n}].choices: expected a list, got {_shown(suggestion['choices'])}"
    return None


def scope_problem(scope: dict[str, Any]) -> str | None:
    """What breaks the ``scope`` contract, or ``None``. A scoped scan carries::

        "scope": {"rules": {"include_tags": ["app=shop"], "exclude_tags": [], "exclude_arns": []},
                  "workload": "shop" | null, "source": "scope.yaml" | null,
                  "excluded": {"resources": 2, "findings": 5,
                               "list": [{"resource", "region", "reason", "checks", "findings"}, ...]},
                  "unread": {"eu-west-1": "why its tags could not be read"}}
    """
    rules = scope.get("rules")
    if not isinstance(rules, dict):
        return f"rules: expected an object, got {_shown(rules)}"
    for key in ("include_tags", "exclude_tags", "exclude_arns"):
        value = rules.get(key, [])
        if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            return f"rules.{key}: expected a list of strings, got {_shown(value)}"
    excluded = scope.get("excluded", {})
    if not isinstance(excluded, dict) or not isinstance(excluded.get("list", []), list):
        return f"excluded: expected an object with a list, got {_shown(excluded)}"
    for n, entry in enumerate(excluded.get("list", [])):
        if not isinstance(entry, dict) or not isinstance(entry.get("resource"), str):
            return f"excluded.list[{n}].resource: expected a string, got {_shown(entry)}"
    if not isinstance(scope.get("unread", {}), dict):
        return f"unread: expected an object, got {_shown(scope.get('unread'))}"
    return None


def scope_summary(scope_doc: dict[str, Any] | None) -> str | None:
    """One line saying what the scope left out, for the terminal and the reports; ``None`` when unscoped."""
    if not isinstance(scope_doc, dict):
        return None
    rules = scope_doc.get("rules") or {}
    parts = [f"--include-tag {t}" for t in rules.get("include_tags") or []]
    parts += [f"--exclude-tag {t}" for t in rules.get("exclude_tags") or []]
    parts += [f"--exclude-arn {a}" for a in rules.get("exclude_arns") or []]
    excluded = scope_doc.get("excluded") or {}
    who = f"workload {scope_doc['workload']}: " if scope_doc.get("workload") else ""
    text = (f"{who}{excluded.get('resources', 0)} resources ({excluded.get('findings', 0)} findings) left out by "
            f"{' '.join(parts) or 'no rule'}; account- and region-level settings always count")
    if scope_doc.get("unread"):
        text += f"; tags unread in {', '.join(scope_doc['unread'])}, so resources there were kept"
    return text


def _kind(kind: type | tuple[type, ...]) -> str:
    names = {str: "a string", list: "a list", dict: "an object", bool: "true or false", type(None): "null"}
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def _shown(value: Any) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) <= 40 else text[:37] + "..."


def check_entry(meta: CheckMeta, counts: dict[str, int]) -> dict[str, Any]:
    """The ``checks`` entry of one check: its full metadata, so readers need not have the check installed."""
    return {
        "id": meta.id, "title": meta.title, "service": meta.service, "scope": meta.scope,
        "severity": str(meta.severity), "description": meta.description, "remediation": meta.remediation,
        "effort": getattr(meta, "effort", "medium"), "reads": [f"{s}:{op}" for s, op in meta.reads],
        "permissions": list(meta.permissions), "options": dict(meta.options), "emits": list(meta.emits),
        "counts": counts,
    }


def fill_check_metadata(doc: dict[str, Any], installed: dict[str, CheckMeta]) -> dict[str, Any]:
    """A copy of ``doc`` whose ``checks`` entries lack nothing the installed checks know (older documents)."""
    checks = []
    for entry in doc.get("checks") or []:
        meta = installed.get(str(entry.get("id")))
        if meta is not None and any(k not in entry for k in CHECK_FIELDS):
            entry = {**check_entry(meta, {}), **entry}
        checks.append(entry)
    return {**doc, "checks": checks}


def document_lens(doc: dict[str, Any]) -> Lens:
    """The lens the scan was made with: carried in the document for a custom lens, else the default lens.

    An older custom-lens document that does not carry its lens gets one rebuilt from its suggestions
    (every choice it suggested; no "None of these" choice is known then).
    """
    from mappings.catalog import DEFAULT_ALIAS, default_lens, parse_lens

    info = doc.get("lens") if isinstance(doc.get("lens"), dict) else {}
    if info.get("pillars"):
        return parse_lens({**info, "lens": info.get("alias")}, f"scan {doc.get('scan_id') or ''}".strip())
    if info.get("alias", DEFAULT_ALIAS) == DEFAULT_ALIAS:
        return default_lens()
    pillars: dict[str, dict[str, Any]] = {}
    for s in doc.get("suggestions") or []:
        pillar = pillars.setdefault(s.get("pillar") or "other", {"id": s.get("pillar") or "other",
                                                                 "name": s.get("pillar_name", ""), "questions": []})
        pillar["questions"].append({"id": s["question"], "label": s.get("label"), "title": s.get("title") or "",
                                    "choices": [{"id": c["choice"], "title": c.get("title") or c["choice"],
                                                 "risk": c.get("risk") or "MEDIUM", "bp": c.get("bp", "")}
                                                for c in s.get("choices") or []]})
    return parse_lens({**info, "lens": info.get("alias"), "pillars": list(pillars.values())}, "scan suggestions")
