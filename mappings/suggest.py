"""Suggested answers per WA question, from the scan's findings and the check-to-choice mapping.

For every question of the lens, every choice (but "None of these") gets a suggestion:

* ``supported``: every mapped check produced findings, all of them pass;
* ``contradicted``: at least one mapped check has a failing finding;
* ``partial``: some findings pass and none fails, but some mapped checks (or some of their findings)
  could not be assessed;
* ``unknown``: no check informs the choice, or none of its checks assessed anything (not run, nothing
  to look at, or not assessed) - a reviewer answers it.

The question's suggested risk follows wa-scan's rule for the default lens (its own rules are not
public), spelled out in ``DEFAULT_RULE``; a custom lens's own ``riskRules`` are evaluated instead, in
three-valued logic (see ``mappings.riskrules``). ``improvements`` ranks the failing checks by how much
High and Medium risk fixing each would remove.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

from mappings.baseline import baseline_for
from mappings.catalog import DEFAULT_ALIAS, Lens, Question, load_lens
from mappings.graph import build_graph, checks_for_choice, checks_for_question, questions_for_check
from mappings.mapping import Mapping, load_mapping
from mappings.riskrules import possible_outcomes

DEFAULT_RULE = ("any contradicted High-risk choice gives HIGH; else any contradicted Medium-risk choice gives "
                "MEDIUM; else High- or Medium-risk choices not fully assessed give UNKNOWN; else NONE")
UNMAPPED_RULE = ("UNKNOWN: no check of wa-scan informs this question; a reviewer answers it with the team "
                 "(see each best practice's questions to ask and artefact to request)")
CUSTOM_RULE = ("the lens's own risk rules, first match wins, with the choices supported by evidence as "
               "selected; UNKNOWN when the outcome depends on choices no check could assess")
_SEVERITY_RANK = {"critical": 4, "high": 3, "medium": 2, "low": 1, "info": 0}
_LEVEL_GAIN = {"HIGH": 3, "MEDIUM": 1}


@dataclass
class _CheckEvidence:
    passed: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    not_assessed: list[str] = field(default_factory=list)
    reasons: Counter = field(default_factory=Counter)


class _Evidence:
    """Finding ids per check and status, plus which checks ran."""

    def __init__(self, findings: Iterable[dict[str, Any]], checks_run: Iterable[str] | None) -> None:
        self.by_check: dict[str, _CheckEvidence] = {}
        for f in findings:
            ev = self.by_check.setdefault(f["check"], _CheckEvidence())
            status = f.get("status")
            if status == "pass":
                ev.passed.append(f["id"])
            elif status == "fail":
                ev.failed.append(f["id"])
            else:
                ev.not_assessed.append(f["id"])
                ev.reasons[_reason_text(f)] += 1
        self.checks_run = set(checks_run) if checks_run is not None else None

    def get(self, check: str) -> _CheckEvidence:
        return self.by_check.get(check) or _CheckEvidence()

    def fixed(self, check: str) -> _Evidence:
        """The same evidence as if every failing finding of ``check`` passed."""
        other = _Evidence((), self.checks_run)
        other.by_check = dict(self.by_check)
        ev = self.get(check)
        other.by_check[check] = _CheckEvidence(ev.passed + ev.failed, [], ev.not_assessed, ev.reasons)
        return other

    def absent(self, check: str) -> str:
        """Why a check has no findings at all."""
        if self.checks_run is not None and check not in self.checks_run:
            return "not run in this scan"
        if self.checks_run is None:
            return "no findings (not run, or nothing to assess)"
        return "no findings: nothing to assess"


def _reason_text(f: dict[str, Any]) -> str:
    if f.get("missing_permission"):
        return f"access denied to {f['missing_permission']}"
    return str(f.get("reason") or "not assessed").replace("_", " ")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _choice_suggestion(g: nx.DiGraph, q: Question, choice: Any, ev: _Evidence,
                       prompts: dict[str, Any] | None = None) -> dict[str, Any]:
    links = checks_for_choice(g, q.id, choice.id)
    checks = []
    for link in links:
        e = ev.get(link["check"])
        # A silent side of a link is not evidence: its findings are shown but neither support nor contradict.
        passed = len(e.passed) if link["on_pass"] == "supports" else 0
        failed = len(e.failed) if link["on_fail"] == "contradicts" else 0
        checks.append({"check": link["check"], "strength": link["strength"], "on_pass": link["on_pass"],
                       "on_fail": link["on_fail"], "rationale": link["rationale"],
                       "pass": passed, "fail": failed, "not_assessed": len(e.not_assessed)})
    state, findings, rationale = _state(checks, ev)
    out = {"choice": choice.id, "bp": choice.bp, "title": choice.title, "risk": choice.risk,
           "suggestion": state, "findings": findings, "checks": checks, "rationale": rationale}
    prompt = (prompts or {}).get(choice.id)
    if prompt is not None:
        # What a facilitator asks the team: the only evidence there is for a practice no API can show.
        out["human_only"] = prompt.human_only
        out["ask"] = {"questions": list(prompt.ask), "artefact": prompt.artefact, "why": prompt.why}
    return out


def _state(checks: list[dict[str, Any]], ev: _Evidence) -> tuple[str, list[str], str]:
    if not checks:
        return "unknown", [], "no check can see this best practice; a reviewer answers it"

    def named(cs: list[dict[str, Any]]) -> str:
        return ", ".join(f"{c['check']} ({c['strength']})" for c in cs)

    def gaps(cs: list[dict[str, Any]]) -> str:
        out = []
        for c in cs:
            e = ev.get(c["check"])
            if not (c["pass"] or c["fail"] or c["not_assessed"]):
                out.append(f"{c['check']} ({ev.absent(c['check'])})")
            elif c["not_assessed"]:
                why = "; ".join(f"{n} {r}" if len(e.reasons) > 1 else r for r, n in e.reasons.most_common(2))
                out.append(f"{c['check']} ({_plural(c['not_assessed'], 'finding')} not assessed: {why})")
        return ", ".join(out)

    failing = [c for c in checks if c["fail"]]
    if failing:
        ids = [i for c in failing for i in ev.get(c["check"]).failed]
        total_pass = sum(c["pass"] for c in checks)
        verb = "passes" if total_pass == 1 else "pass"
        tail = f"; {_plural(total_pass, 'other finding')} {verb}" if total_pass else ""
        return ("contradicted", ids,
                f"contradicted by {_plural(len(ids), 'failing finding')} of {named(failing)}{tail}")
    assessed = [c for c in checks if c["pass"]]
    open_ = [c for c in checks if not c["pass"] or c["not_assessed"]]
    passes = [i for c in checks for i in ev.get(c["check"]).passed]
    unassessed = [i for c in checks for i in ev.get(c["check"]).not_assessed]
    if not assessed:
        return "unknown", unassessed, f"no finding assessed this: {gaps(checks)}"
    if not open_:
        return "supported", passes, f"{len(passes)} of {len(passes)} findings pass: {named(checks)}"
    total = len(passes) + len(unassessed)
    return ("partial", passes + unassessed,
            f"{len(passes)} of {total} findings pass, none fails: {named(assessed)}; not fully assessed: "
            f"{gaps(open_)}")


def _choice_name(c: dict[str, Any]) -> str:
    return c["bp"] or c["choice"]


def _default_risk(choices: list[dict[str, Any]]) -> tuple[str, str]:
    def names(cs: list[dict[str, Any]]) -> str:
        shown = ", ".join(_choice_name(c) for c in cs[:4])
        return shown + (f" and {len(cs) - 4} more" if len(cs) > 4 else "")

    for level, word in (("HIGH", "High"), ("MEDIUM", "Medium")):
        hit = [c for c in choices if c["suggestion"] == "contradicted" and c["risk"] == level]
        if hit:
            return level, (f"{level}: {word}-risk best practice {names(hit)} contradicted by failing findings. "
                           f"Rule: {DEFAULT_RULE}.")
    open_ = [c for c in choices if c["suggestion"] in ("unknown", "partial") and c["risk"] in ("HIGH", "MEDIUM")]
    if open_:
        return "UNKNOWN", (f"UNKNOWN: no High- or Medium-risk best practice is contradicted, but "
                           f"{_plural(len(open_), 'High/Medium-risk best practice')} ({names(open_)}) "
                           f"{'is' if len(open_) == 1 else 'are'} not fully assessed; a reviewer decides. "
                           f"Rule: {DEFAULT_RULE}.")
    return "NONE", (f"NONE: every High- and Medium-risk best practice is supported by passing findings. "
                    f"Rule: {DEFAULT_RULE}.")


def _custom_risk(q: Question, choices: list[dict[str, Any]]) -> tuple[str, str]:
    state = {c["choice"]: c["suggestion"] for c in choices}
    values: dict[str, bool | None] = {
        cid: True if s == "supported" else False if s == "contradicted" else None for cid, s in state.items()}
    if q.none_choice:
        values[q.none_choice] = False
    rules = q.risk_rules or ()
    outcomes = possible_outcomes(rules, values)
    risks = sorted({r.question_risk for _, r in outcomes})
    selected = ", ".join(sorted(c for c, v in values.items() if v)) or "none"
    open_ = sorted(c for c, v in values.items() if v is None)
    if len(risks) == 1 and len(outcomes) == 1:
        i, rule = outcomes[0]
        certain = f", whatever the open choices ({', '.join(open_)}) turn out to be" if open_ else ""
        return risks[0], (f"{risks[0]}: lens risk rule {i + 1} of {len(rules)} (condition '{rule.condition}' "
                          f"-> {rule.risk}) holds with the choices supported by evidence ({selected}){certain}. "
                          f"Rule: {CUSTOM_RULE}.")
    if len(risks) == 1:
        nums = ", ".join(str(i + 1) for i, _ in outcomes)
        return risks[0], (f"{risks[0]}: every lens risk rule that could apply (rules {nums} of {len(rules)}) gives "
                          f"{outcomes[0][1].risk}, whatever the open choices ({', '.join(open_)}) turn out to be. "
                          f"Rule: {CUSTOM_RULE}.")
    return "UNKNOWN", (f"UNKNOWN: the lens risk rules could give {' or '.join(risks)} depending on choices no "
                       f"check could assess ({', '.join(open_)}); a reviewer decides. Rule: {CUSTOM_RULE}.")


def _question_suggestion(g: nx.DiGraph, lens: Lens, q: Question, ev: _Evidence,
                         prompts: dict[str, Any] | None = None) -> dict[str, Any]:
    choices = [_choice_suggestion(g, q, c, ev, prompts) for c in q.choices]
    if not checks_for_question(g, q.id):
        risk, rule = "UNKNOWN", UNMAPPED_RULE
    else:
        risk, rule = _custom_risk(q, choices) if q.risk_rules else _default_risk(choices)
    pillar = lens.pillar(q.pillar)
    return {"pillar": q.pillar, "pillar_name": pillar.name if pillar else q.pillar, "question": q.id,
            "label": q.label, "title": q.title, "risk": risk, "risk_rule": rule,
            "baseline": baseline_for(q.id) if not lens.custom and lens.alias == DEFAULT_ALIAS else None,
            "choices": choices}


def suggest(doc_findings: Iterable[dict[str, Any]], lens: Lens, mapping: Mapping,
            checks_run: Iterable[str] | None = None,
            prompts: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """One suggestion per question of the lens, in lens order (pure: reads nothing else).

    ``doc_findings`` are the finding dicts of scan.json; ``checks_run`` the ids of the checks the scan
    ran (from ``doc["checks"]``), used to tell "not run" from "ran, nothing to assess". A question no
    check informs is still listed (risk UNKNOWN: a reviewer answers it). ``prompts`` (choice id ->
    ``mappings.prompts.Prompt``) adds ``human_only`` and ``ask`` to each choice it names.
    """
    g = build_graph(lens, mapping)
    ev = _Evidence(doc_findings, checks_run)
    return [_question_suggestion(g, lens, q, ev, prompts) for q in lens.questions()]


def rank_improvements(doc_findings: Iterable[dict[str, Any]], lens: Lens, mapping: Mapping,
                      checks: dict[str, dict[str, Any]] | None = None,
                      checks_run: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """Failing mapped checks ranked by the risk fixing each would remove (as if its findings passed).

    score = 3 x questions leaving HIGH + 1 x questions leaving MEDIUM (to anything lower, UNKNOWN
    included); ties go to the check with more failing findings. ``checks`` gives ``title``,
    ``severity`` and ``remediation`` per check id.
    """
    findings = list(doc_findings)
    g = build_graph(lens, mapping)
    ev = _Evidence(findings, checks_run)
    checks = checks or {}
    before: dict[str, str] = {}
    out = []
    for check in mapping.check_ids():
        failing = len(ev.get(check).failed)
        if not failing:
            continue
        fixed = ev.fixed(check)
        removes = {"HIGH": 0, "MEDIUM": 0}
        labels = []
        for qid in questions_for_check(g, check):
            q = lens.question(qid)
            assert q is not None
            labels.append(q.label)
            if qid not in before:
                before[qid] = _question_suggestion(g, lens, q, ev)["risk"]
            after = _question_suggestion(g, lens, q, fixed)["risk"]
            if before[qid] in removes and _lower(after, before[qid]):
                removes[before[qid]] += 1
        meta = checks.get(check, {})
        out.append({"check": check, "title": meta.get("title", check), "severity": meta.get("severity", ""),
                    "failing_findings": failing, "questions": labels, "removes": removes,
                    "score": sum(_LEVEL_GAIN[k] * n for k, n in removes.items()),
                    "remediation": meta.get("remediation", "")})
    out.sort(key=lambda d: (-d["score"], -d["failing_findings"], -_SEVERITY_RANK.get(d["severity"], 0), d["check"]))
    return out


def _lower(after: str, before: str) -> bool:
    """True when ``after`` is below ``before`` (HIGH > MEDIUM > UNKNOWN/NONE for this purpose)."""
    rank = {"HIGH": 2, "MEDIUM": 1}
    return rank.get(after, 0) < rank.get(before, 0)


def add_suggestions(doc: dict[str, Any], lens_path: Path | None = None, mapping_path: Path | None = None) -> None:
    """Add ``lens``, ``mapping``, ``suggestions`` and ``improvements`` to a scan document.

    A bad lens or mapping file raises ``scanner.errors.UsageError`` naming the file.
    """
    from scanner.registry import discover

    available = discover()
    ran = [c["id"] for c in doc.get("checks") or []]
    lens = load_lens(lens_path)
    mapping = load_mapping(mapping_path, lens=lens, check_ids=set(available) | set(ran))
    findings = doc.get("findings") or []
    meta: dict[str, dict[str, Any]] = {}
    for c in doc.get("checks") or []:
        meta[c["id"]] = {"title": c.get("title", c["id"]), "severity": c.get("severity", "")}
    for cid, reg in available.items():
        entry = meta.setdefault(cid, {"title": reg.meta.title, "severity": str(reg.meta.severity)})
        entry["remediation"] = reg.meta.remediation
    doc["lens"] = lens.info()
    doc["mapping"] = mapping.info()
    doc["suggestions"] = suggest(findings, lens, mapping, checks_run=ran)
    doc["improvements"] = rank_improvements(findings, lens, mapping, meta, checks_run=ran)
