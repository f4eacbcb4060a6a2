"""Suggested answers per WA question, from the scan's findings and the check-to-choice mapping.

For every question of the lens, every choice (but "None of these") gets a suggestion:

* ``supported``: every mapped check whose pass supports the choice produced findings, all of them pass;
* ``contradicted``: at least one mapped check whose fail contradicts the choice has a failing finding;
* ``partial``: some findings pass and none fails, but some mapped checks (or some of their findings)
  could not be assessed;
* ``unknown``: no check informs the choice, its checks are silent on a pass, or none of them assessed
  anything (not run, nothing to look at, or not assessed) - a reviewer answers it.

A link's silent side is shown with the choice but counts for nothing.

The question's suggested risk follows wa-scan's rule for the default lens (its own rules are not
public), spelled out in ``DEFAULT_RULE``; a custom lens's own ``riskRules`` are evaluated instead, in
three-valued logic (see ``mappings.riskrules``). The rule is calibrated to the evidence: a High-risk
choice makes the question HIGH only when a direct link contradicts it with a finding of medium severity or
worse; contradicted only by indicative links or low/info findings it makes the question MEDIUM, and
``risk_if_confirmed`` says HIGH. Each choice carries its ``weight`` ("3 of 41 buckets fail (highest
severity: critical)"). ``improvements`` ranks the failing checks by what a reviewer fixes first (see
``rank_improvements``) and ``improvement_bundles`` names the checks that together clear a question.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import networkx as nx

from mappings.baseline import baseline_for
from mappings.catalog import DEFAULT_ALIAS, Lens, Question, load_lens
from mappings.graph import build_graph, checks_for_choice, checks_for_question, questions_for_check
from mappings.mapping import Mapping, load_mapping
from mappings.prompts import load_prompts
from mappings.riskrules import possible_outcomes
from scanner.model import RISK_RANK, SEVERITY_RANK, CheckMeta

DEFAULT_RULE = ("a High-risk choice contradicted through a direct link by a finding of medium severity or worse "
                "gives HIGH; a High-risk choice contradicted only through indicative links or only by low/info "
                "findings, or any contradicted Medium-risk choice, gives MEDIUM; else a High- or Medium-risk "
                "choice left open by a failed read or a check that did not run gives UNKNOWN; else NONE when "
                "evidence supports at least one High- or Medium-risk choice, leaving the choices without evidence "
                "to the reviewer (else UNKNOWN)")
# The rule before calibration, kept for the README's comparison and for readers of older scan.json files.
UNCALIBRATED_RULE = ("any contradicted High-risk choice gives HIGH; else any contradicted Medium-risk choice "
                     "gives MEDIUM; else High- or Medium-risk choices not fully assessed give UNKNOWN; else NONE")
UNMAPPED_RULE = ("UNKNOWN: no check of wa-scan informs this question; a reviewer answers it with the team "
                 "(see each best practice's questions to ask and artefact to request)")
CUSTOM_RULE = ("the lens's own risk rules, first match wins, with the choices supported by evidence as "
               "selected and those contradicted through a direct link by a finding of medium severity or worse "
               "as not selected; UNKNOWN when the outcome depends on choices no check could assess")
_SEVERITY_RANK = SEVERITY_RANK
# A contradiction is firm (it can make a question HIGH) when a direct link carries it with a finding at
# least this severe; below it, or through indicative links only, the evidence says "likely", not "certain".
_FIRM_SEVERITY = _SEVERITY_RANK["medium"]
# Improvement plan weights: a critical fix outranks a medium one that touches twice as many choices.
_SEVERITY_POINTS = {"critical": 12.0, "high": 6.0, "medium": 2.0, "low": 1.0, "info": 0.5}
_RISK_POINTS = {"HIGH": 3.0, "MEDIUM": 2.0, "LOW": 1.0}
_SHARED = 0.75  # a fix that leaves other checks contradicting the choice still removes one contradiction
_LEVEL_GAIN = {"HIGH": 2, "MEDIUM": 1}
_EFFORT_RANK = {"low": 0, "medium": 1, "high": 2}


@dataclass
class _CheckEvidence:
    passed: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    not_assessed: list[str] = field(default_factory=list)
    reasons: Counter = field(default_factory=Counter)
    # finding id -> (resource, severity), for the weight of a choice
    about: dict[str, tuple[str, str]] = field(default_factory=dict)

    # Computed once per check and scan: a choice's weight is asked for many times while the plan is ranked.
    @cached_property
    def failed_resources(self) -> frozenset[str]:
        return frozenset(self.about[i][0] for i in self.failed if i in self.about)

    @cached_property
    def assessed_resources(self) -> frozenset[str]:
        return self.failed_resources | frozenset(self.about[i][0] for i in self.passed if i in self.about)

    @cached_property
    def kinds(self) -> frozenset[str]:
        return frozenset(_kind(r) for r in self.assessed_resources)

    @cached_property
    def worst(self) -> str:
        """The highest severity among the failing findings ("" when none fails)."""
        sevs = {self.about.get(i, ("", ""))[1] for i in self.failed}
        return max(sevs, key=lambda v: _SEVERITY_RANK.get(v, -1), default="")


class _Evidence:
    """Finding ids per check and status, plus which checks ran."""

    def __init__(self, findings: Iterable[dict[str, Any]], checks_run: Iterable[str] | None) -> None:
        self.by_check: dict[str, _CheckEvidence] = {}
        for f in findings:
            ev = self.by_check.get(f["check"]) or self.by_check.setdefault(f["check"], _CheckEvidence())
            ev.about[f["id"]] = (str(f.get("resource") or f["id"]), str(f.get("severity") or ""))
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
        now = _CheckEvidence(ev.passed + ev.failed, [], ev.not_assessed, ev.reasons, ev.about)
        # The same resources are assessed, now all passing: reuse what was computed for them.
        now.__dict__.update(assessed_resources=ev.assessed_resources, kinds=ev.kinds, failed_resources=frozenset())
        other.by_check[check] = now
        return other

    def worst(self, check: str) -> str:
        """The highest severity among the failing findings of ``check`` ("" when none fails)."""
        return self.get(check).worst

    def ran(self, check: str) -> bool | None:
        """Whether the scan ran ``check`` (None when the scan does not say which checks ran)."""
        if check in self.by_check:
            return True
        return None if self.checks_run is None else check in self.checks_run

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
                       "pass": passed, "fail": failed, "not_assessed": len(e.not_assessed),
                       "severity": ev.worst(link["check"]) if failed else "", "ran": ev.ran(link["check"])})
    state, findings, rationale = _state(checks, ev)
    weight = _weight(checks, ev, state)
    if state == "contradicted" and weight:
        # The weight leads, so every place that shows the rationale shows how much fails and how badly.
        rationale = f"{weight['text']}; {rationale}"
    out = {"choice": choice.id, "bp": choice.bp, "title": choice.title, "risk": choice.risk,
           "suggestion": state, "findings": findings, "checks": checks, "rationale": rationale,
           "weight": weight}
    prompt = (prompts or {}).get(choice.id)
    if prompt is not None:
        # What a facilitator asks the team: the only evidence there is for a practice no API can show.
        out["human_only"] = prompt.human_only
        out["ask"] = {"questions": list(prompt.ask), "artefact": prompt.artefact, "why": prompt.why}
    return out


def _upstream_silent(c: dict[str, Any]) -> bool:
    """An id an adapter emits (``securityhub.control.S3.8``: two dots) with no finding at all."""
    return c["check"].count(".") >= 2 and not (c["pass"] or c["fail"] or c["not_assessed"])


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
    # An adapter's control or rule that reported nothing was not evaluated upstream (control disabled, rule
    # not deployed): no gap in the evidence, so it neither supports the choice nor keeps it open.
    quiet = [c for c in checks if _upstream_silent(c)]
    if len(quiet) < len(checks):
        checks = [c for c in checks if c not in quiet]
    supporters = [c for c in checks if c["on_pass"] == "supports"]
    # A check silent on a pass is neutral here, unless it could not look: then a fail may be hidden.
    open_ = [c for c in checks if c["not_assessed"] or (c["on_pass"] == "supports" and not c["pass"])]
    assessed = [c for c in supporters if c["pass"]]
    passes = [i for c in supporters for i in ev.get(c["check"]).passed]
    unassessed = [i for c in checks for i in ev.get(c["check"]).not_assessed]
    if not supporters:
        quiet = [i for c in checks for i in ev.get(c["check"]).passed]
        seen = f"{_plural(len(quiet), 'finding')} of {named(checks)} pass" if quiet else "no finding fails"
        return ("unknown", quiet + unassessed,
                f"{seen}, but a pass of these checks does not show the practice (silent on a pass); a reviewer "
                f"answers it" + (f"; not fully assessed: {gaps(open_)}" if open_ else ""))
    if not assessed:
        return "unknown", unassessed, f"no finding assessed this: {gaps(open_ or supporters)}"
    if not open_:
        return "supported", passes, f"{len(passes)} of {len(passes)} findings pass: {named(assessed)}"
    total = len(passes) + len(unassessed)
    return ("partial", passes + unassessed,
            f"{len(passes)} of {total} findings pass, none fails: {named(assessed)}; not fully assessed: "
            f"{gaps(open_)}")


def _choice_name(c: dict[str, Any]) -> str:
    return c["bp"] or c["choice"]


def _not_fully_assessed(c: dict[str, Any]) -> bool:
    """An open choice that evidence could have settled: a read failed, or a supporting check did not run.

    A check that ran and found nothing to look at leaves the choice to the reviewer, like no check at all.
    """
    if c["suggestion"] not in ("unknown", "partial"):
        return False
    return any(k["not_assessed"] or (k["on_pass"] == "supports" and k.get("ran") is False) for k in c["checks"])


def _default_risk(choices: list[dict[str, Any]]) -> tuple[str, str, str | None]:
    """The calibrated rule: ``(risk, one sentence naming what decided it, risk if the reviewer confirms)``."""
    def names(cs: list[dict[str, Any]]) -> str:
        shown = ", ".join(f"{_choice_name(c)} ({c['weight']['text']})" if c.get("weight") else _choice_name(c)
                          for c in cs[:3])
        return shown + (f" and {len(cs) - 3} more" if len(cs) > 3 else "")

    contradicted = [c for c in choices if c["suggestion"] == "contradicted"]
    high = [c for c in contradicted if c["risk"] == "HIGH"]
    firm = [c for c in high if c["weight"]["firm"]]
    if firm:
        return "HIGH", (f"HIGH: High-risk best practice {names(firm)} contradicted through a direct link by "
                        f"findings of medium severity or worse. Rule: {DEFAULT_RULE}."), None
    if high:
        why = _soft_reason(high)
        return "MEDIUM", (f"MEDIUM, HIGH if the reviewer confirms it: High-risk best practice {names(high)} "
                          f"contradicted {why}. Rule: {DEFAULT_RULE}."), "HIGH"
    medium = [c for c in contradicted if c["risk"] == "MEDIUM"]
    if medium:
        return "MEDIUM", (f"MEDIUM: Medium-risk best practice {names(medium)} contradicted by failing findings. "
                          f"Rule: {DEFAULT_RULE}."), None
    important = [c for c in choices if c["risk"] in ("HIGH", "MEDIUM")]
    open_ = [c for c in important if _not_fully_assessed(c)]
    if open_:
        return "UNKNOWN", (f"UNKNOWN: no High- or Medium-risk best practice is contradicted, but "
                           f"{_plural(len(open_), 'High/Medium-risk best practice')} ({names(open_)}) "
                           f"{'is' if len(open_) == 1 else 'are'} not fully assessed; a reviewer decides. "
                           f"Rule: {DEFAULT_RULE}."), None
    supported = [c for c in important if c["suggestion"] == "supported"]
    if not supported:
        return "UNKNOWN", (f"UNKNOWN: no High- or Medium-risk best practice is contradicted, and none is "
                           f"supported by evidence either; a reviewer decides. Rule: {DEFAULT_RULE}."), None
    left = [c for c in important if c["suggestion"] != "supported"]
    tail = (f"; {_plural(len(left), 'other High/Medium-risk best practice')} without evidence "
            f"({', '.join(_choice_name(c) for c in left[:4])}{' ...' if len(left) > 4 else ''}) "
            f"{'is' if len(left) == 1 else 'are'} for the reviewer") if left else ""
    return "NONE", (f"NONE: nothing contradicts a High- or Medium-risk best practice, and {names(supported)} "
                    f"{'is' if len(supported) == 1 else 'are'} supported by passing findings{tail}. "
                    f"Rule: {DEFAULT_RULE}."), None


def _soft_reason(high: list[dict[str, Any]]) -> str:
    """Why contradictions of High-risk choices are not firm: indicative links, low findings, or both."""
    links = [k for c in high for k in c["checks"] if k["fail"]]
    if all(k["strength"] == "indicative" for k in links):
        return "only through indicative links (a symptom, not the practice itself)"
    direct = [k for k in links if k["strength"] == "direct"]
    worst = max((k["severity"] for k in direct), key=lambda v: _SEVERITY_RANK.get(v, -1), default="")
    if len(direct) == len(links):
        return f"through a direct link only by {worst or 'low'}-severity findings"
    return f"only through indicative links or through direct ones by {worst or 'low'}-severity findings"


def _weight(checks: list[dict[str, Any]], ev: _Evidence, state: str) -> dict[str, Any] | None:
    """How much evidence a choice rests on: failing and assessed resources, the worst severity, firmness."""
    counted = [c for c in checks if c["fail"]] if state == "contradicted" else [c for c in checks if c["pass"]]
    if not counted:
        return None
    evidence = [ev.get(c["check"]) for c in counted]
    assessed = _union([e.assessed_resources for e in evidence])
    failing = _union([e.failed_resources for e in evidence]) if state == "contradicted" else frozenset()
    kinds = _union([e.kinds for e in evidence])
    noun = next(iter(kinds)) if len(kinds) == 1 else "resource"
    worst = max((c["severity"] for c in counted), key=lambda v: _SEVERITY_RANK.get(v, -1), default="")
    # A finding without a severity (an older or external document) is not taken for a low one.
    firm = state == "contradicted" and any(
        c["strength"] == "direct" and _SEVERITY_RANK.get(c["severity"], _FIRM_SEVERITY) >= _FIRM_SEVERITY
        for c in counted)
    if state == "contradicted":
        verb = "fails" if len(failing) == 1 else "fail"
        text = f"{len(failing)} of {_count(len(assessed), noun)} {verb}" + (
            f" (highest severity: {worst})" if worst else "")
    else:
        text = f"{len(assessed)} of {_count(len(assessed), noun)} {'passes' if len(assessed) == 1 else 'pass'}"
    return {"failing": len(failing), "assessed": len(assessed), "resources": _count(len(assessed), noun, bare=True),
            "severity": worst, "firm": firm, "text": text}


_NOUNS = {"instance": "instance", "volume": "volume", "db": "database", "cluster": "cluster",
          "security-group": "security group", "user": "user", "role": "role", "policy": "policy",
          "table": "table", "function": "function", "file-system": "file system", "listener": "listener",
          "loadbalancer": "load balancer", "app": "application", "stack": "stack", "source-server": "source server",
          "secret": "secret", "autoScalingGroup": "Auto Scaling group", "backup-plan": "backup plan",
          "budget": "budget", "anomalymonitor": "anomaly monitor", "trail": "trail", "alarm": "alarm",
          "elastic-ip": "Elastic IP", "repository": "repository", "experiment-template": "experiment template",
          "key": "key", "hostedzone": "hosted zone", "vpc": "VPC", "root": "account", "detector": "region",
          "log-group": "log group", "certificate": "certificate", "distribution": "distribution",
          "canary": "canary", "project": "project", "subnet": "subnet", "natgateway": "NAT gateway",
          "transit-gateway": "transit gateway", "vpn-connection": "VPN connection", "service": "service",
          "deploymentgroup": "deployment group", "response-plan": "response plan", "document": "document",
          "backup-vault": "backup vault", "recovery-point": "recovery point", "pipeline": "pipeline"}
# Where one resource type word means different things in different services.
_SERVICE_NOUNS = {("rds", "cluster"): "database", ("elasticache", "cluster"): "cache cluster"}


def _kind(arn: str) -> str:
    """The kind of resource an ARN names, in words ("bucket", "security group", "region")."""
    parts = arn.split(":", 5)
    if len(parts) < 6 or parts[0] != "arn":
        return "resource"
    service, region, resource = parts[2], parts[3], parts[5]
    if resource == "account" or resource.endswith("/account"):
        return "region" if region else "account"
    if service == "s3" and "/" not in resource:
        return "bucket"
    if "/stages/" in resource:
        return "stage"
    head = resource.split("/", 1)[0].split(":", 1)[0]
    if service == "sqs" and head and region:
        return "queue"
    return _SERVICE_NOUNS.get((service, head)) or _NOUNS.get(head, "resource")


def _union(sets: list[frozenset[str]]) -> frozenset[str]:
    return sets[0] if len(sets) == 1 else frozenset().union(*sets)


def _count(n: int, noun: str, bare: bool = False) -> str:
    """``41 buckets`` (or ``buckets`` with ``bare``)."""
    word = noun if n == 1 else (noun[:-1] + "ies" if noun.endswith("y") and noun[-2:] not in ("ey", "ay")
                                else noun + "s")
    return word if bare else f"{n} {word}"


def _custom_risk(q: Question, choices: list[dict[str, Any]]) -> tuple[str, str, str | None]:
    """The lens's own rules, calibrated as the default rule is: a contradiction that is not firm (only
    indicative links, or only low/info findings) leaves its choice open rather than unselected, and
    ``risk if confirmed`` says what the rules give once the reviewer confirms it."""
    values: dict[str, bool | None] = {}
    soft: list[str] = []
    for c in choices:
        if c["suggestion"] == "supported":
            values[c["choice"]] = True
        elif c["suggestion"] == "contradicted":
            firm = (c.get("weight") or {}).get("firm", True)
            values[c["choice"]] = False if firm else None
            if not firm:
                soft.append(c["choice"])
        else:
            values[c["choice"]] = None
    if q.none_choice:
        values[q.none_choice] = False
    risk, why = _evaluate_rules(q.risk_rules or (), values)
    if not soft:
        return risk, why, None
    confirmed, _ = _evaluate_rules(q.risk_rules or (), {**values, **dict.fromkeys(soft, False)})
    if confirmed == risk:
        return risk, why, None
    return risk, (f"{why} Contradicted only through indicative links or by low-severity findings, so left open: "
                  f"{', '.join(soft)}; {confirmed} if the reviewer confirms the contradiction."), confirmed


def _evaluate_rules(rules: tuple, values: dict[str, bool | None]) -> tuple[str, str]:
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
    confirmed: str | None = None
    if not checks_for_question(g, q.id):
        risk, rule = "UNKNOWN", UNMAPPED_RULE
    elif q.risk_rules:
        risk, rule, confirmed = _custom_risk(q, choices)
    else:
        risk, rule, confirmed = _default_risk(choices)
    pillar = lens.pillar(q.pillar)
    return {"pillar": q.pillar, "pillar_name": pillar.name if pillar else q.pillar, "question": q.id,
            "label": q.label, "title": q.title, "risk": risk, "risk_rule": rule, "risk_if_confirmed": confirmed,
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
    return _suggest(build_graph(lens, mapping), lens, _Evidence(doc_findings, checks_run), prompts)


def _suggest(g: nx.DiGraph, lens: Lens, ev: _Evidence, prompts: dict[str, Any] | None) -> list[dict[str, Any]]:
    return [_question_suggestion(g, lens, q, ev, prompts) for q in lens.questions()]


def rank_improvements(doc_findings: Iterable[dict[str, Any]], lens: Lens, mapping: Mapping,
                      checks: dict[str, dict[str, Any]] | None = None,
                      checks_run: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """Failing mapped checks in the order a reviewer would fix them (as if each check's findings passed).

    score = severity points of the worst failing finding (critical 8, high 4, medium 2, low 1, info 0.5)
    x the sum over the choices the check contradicts of risk points (High 3, Medium 2, Low 1), halved for
    an indicative link and halved again when other checks still contradict the choice after the fix,
    + 3 per question leaving HIGH and 1 per question leaving MEDIUM. So a fix that removes a contradiction
    scores above zero even while another check holds its question. Ties go to the lower ``effort``, then
    to more failing resources. ``checks`` gives ``title``, ``severity``, ``remediation`` and ``effort``
    per check id.
    """
    return _rank(build_graph(lens, mapping), lens, mapping, _Evidence(doc_findings, checks_run), checks or {})


def _rank(g: nx.DiGraph, lens: Lens, mapping: Mapping, ev: _Evidence,
          checks: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    before: dict[str, dict[str, Any]] = {}
    out = []
    for check in mapping.check_ids():
        e = ev.get(check)
        if not e.failed:
            continue
        fixed = ev.fixed(check)
        removes = {"HIGH": 0, "MEDIUM": 0}
        labels: list[str] = []
        clears: list[dict[str, Any]] = []
        gains: list[float] = []
        for qid in questions_for_check(g, check):
            q = lens.question(qid)
            assert q is not None
            labels.append(q.label)
            if qid not in before:
                before[qid] = _question_suggestion(g, lens, q, ev)
            after = _question_suggestion(g, lens, q, fixed)
            if before[qid]["risk"] in removes and _lower(after["risk"], before[qid]["risk"]):
                removes[before[qid]["risk"]] += 1
            still = {c["choice"] for c in after["choices"] if c["suggestion"] == "contradicted"}
            for c in before[qid]["choices"]:
                link = next((k for k in c["checks"] if k["check"] == check and k["fail"]), None)
                if link is None:
                    continue
                alone = c["choice"] not in still
                gains.append(_RISK_POINTS.get(c["risk"], 1.0) * (1.0 if link["strength"] == "direct" else 0.5)
                             * (1.0 if alone else _SHARED))
                clears.append({"question": q.label, "choice": c["choice"], "bp": c["bp"], "risk": c["risk"],
                               "strength": link["strength"], "alone": alone})
        meta = checks.get(check, {})
        severity = ev.worst(check) or meta.get("severity", "")
        # One failing finding often shows one gap through several choices: the best choice counts in full,
        # each further one a quarter, so a check linked widely does not outrank a worse, narrower failure.
        gains.sort(reverse=True)
        points = (gains[0] + sum(gains[1:]) / 4) if gains else 0.0
        resources = len(e.failed_resources)
        # More failing resources weigh more, but slowly: 1 resource x1, 8 x2, 64 x3.
        spread = 1 + math.log2(max(resources, 1)) / 3
        score = (_SEVERITY_POINTS.get(severity, 1.0) * points * spread
                 + sum(_LEVEL_GAIN[k] * n for k, n in removes.items()))
        effort = meta.get("effort") or "medium"
        out.append({"check": check, "title": meta.get("title", check), "severity": severity,
                    "failing_findings": len(e.failed), "failing_resources": resources, "questions": labels,
                    "removes": removes, "clears": clears, "score": round(score, 2), "effort": effort,
                    "why": _why(severity, clears, removes, resources),
                    "remediation": meta.get("remediation", "")})
    out.sort(key=lambda d: (-d["score"], _EFFORT_RANK.get(d["effort"], 1), -d["failing_resources"], d["check"]))
    return out


def _why(severity: str, clears: list[dict[str, Any]], removes: dict[str, int], resources: int) -> str:
    """One sentence: why the fix ranks where it does."""
    def named(cs: list[dict[str, Any]]) -> str:
        shown = ", ".join(f"{c['bp'] or c['choice']} ({c['risk'].title()})" for c in cs[:3])
        return shown + (f" and {len(cs) - 3} more" if len(cs) > 3 else "")

    alone = [c for c in clears if c["alone"]]
    shared = [c for c in clears if not c["alone"]]
    parts = [f"{severity or 'unrated'} severity, {_plural(resources, 'failing resource')}"]
    if alone:
        parts.append(f"clears {named(alone)}")
    if shared:
        parts.append(f"removes one of several contradictions of {named(shared)}")
    moved = [f"{_plural(n, 'question')} leave{'s' if n == 1 else ''} {level}" for level, n in removes.items() if n]
    parts.extend(moved)
    return "; ".join(parts)


def improvement_bundles(doc_findings: Iterable[dict[str, Any]], lens: Lens, mapping: Mapping,
                        checks_run: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """Per HIGH or MEDIUM question: the failing checks that together hold it, and its risk once all are fixed.

    "Fix these 3 checks to clear SEC 5 to NONE": ``{"question", "label", "from", "to", "checks"}``, the
    questions that fall furthest first, then the smallest bundles.
    """
    return _bundles(build_graph(lens, mapping), lens, _Evidence(doc_findings, checks_run))


def _bundles(g: nx.DiGraph, lens: Lens, ev: _Evidence) -> list[dict[str, Any]]:
    out = []
    for q in lens.questions():
        if not checks_for_question(g, q.id):
            continue
        now = _question_suggestion(g, lens, q, ev)
        if now["risk"] not in ("HIGH", "MEDIUM"):
            continue
        holding = sorted({k["check"] for c in now["choices"] if c["suggestion"] == "contradicted"
                          for k in c["checks"] if k["fail"]})
        fixed = ev
        for check in holding:
            fixed = fixed.fixed(check)
        after = _question_suggestion(g, lens, q, fixed)["risk"]
        out.append({"question": q.id, "label": q.label, "from": now["risk"], "to": after, "checks": holding})
    out.sort(key=lambda b: (-(RISK_RANK[b["from"]] - RISK_RANK.get(b["to"], 0)), len(b["checks"]), b["label"]))
    return out


def _lower(after: str, before: str) -> bool:
    """True when ``after`` is below ``before`` (HIGH > MEDIUM > UNKNOWN/NONE for this purpose)."""
    rank = {"HIGH": 2, "MEDIUM": 1}
    return rank.get(after, 0) < rank.get(before, 0)


def add_suggestions(doc: dict[str, Any], lens_path: Path | None = None, mapping_path: Path | None = None,
                    checks: dict[str, CheckMeta] | None = None) -> None:
    """Add ``lens``, ``mapping``, ``suggestions``, ``improvements`` and ``improvement_bundles`` to a scan document.

    ``checks`` is the caller's installed checks' metadata by id: a mapping link to any other check is an
    error, and it fills in what an older document's ``checks`` entries lack. Without it the document's
    own ``checks`` entries are all there is (and the mapping's check ids go unchecked).
    A bad lens or mapping file raises ``mappings.errors.MappingError`` naming the file.
    """
    available = checks or {}
    doc_checks = doc.get("checks") or []
    ran = [c["id"] for c in doc_checks]
    # An adapter that ran also ran every id it reports under (one per upstream control or rule).
    emitted = {c["id"]: available[c["id"]].emits if c["id"] in available else c.get("emits") or ()
               for c in doc_checks}
    ran += [e for c in ran for e in emitted[c]]
    known = {i for m in available.values() for i in (m.id, *m.emits)} | set(ran) if checks is not None else None
    lens = load_lens(lens_path)
    mapping = load_mapping(mapping_path, lens=lens, check_ids=known)
    findings = doc.get("findings") or []
    meta: dict[str, dict[str, Any]] = {}
    for c in doc_checks:
        meta[c["id"]] = {k: c[k] for k in ("remediation", "effort") if k in c}
        meta[c["id"]].update(title=c.get("title", c["id"]), severity=c.get("severity", ""))
    for cid, m in available.items():
        entry = meta.setdefault(cid, {"title": m.title, "severity": str(m.severity)})
        entry["remediation"] = m.remediation
        entry["effort"] = getattr(m, "effort", "medium")
    doc["lens"] = lens.info()
    doc["mapping"] = mapping.info()
    # One graph and one evidence index serve the suggestions, the plan and the bundles.
    g = build_graph(lens, mapping)
    ev = _Evidence(findings, ran)
    doc["suggestions"] = _suggest(g, lens, ev, load_prompts(lens))
    doc["improvements"] = _rank(g, lens, mapping, ev, meta)
    doc["improvement_bundles"] = _bundles(g, lens, ev)
