"""Suggestions: each choice state, each risk rule, custom-lens risk rules, improvements, baselines."""

from __future__ import annotations

from typing import Any

import pytest

from mappings.catalog import load_lens, parse_lens
from mappings.errors import MappingError
from mappings.graph import build_graph, checks_for_question
from mappings.mapping import load_mapping
from mappings.suggest import add_suggestions, rank_improvements, suggest
from scanner.scan import installed_checks
from tests.mappings.conftest import DATA, FAKE_CHECKS, findings, write_mapping

ALL = sorted(FAKE_CHECKS)


def _by_question(result: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {s["question"]: s for s in result}


def _choice(result: list[dict[str, Any]], question: str, choice: str) -> dict[str, Any]:
    return next(c for c in _by_question(result)[question]["choices"] if c["choice"] == choice)


def test_supported_when_every_mapped_check_passes(tiny, tiny_mapping):
    fs = findings("fake.alpha", "pass", 2) + findings("fake.beta", "pass")
    a = _choice(suggest(fs, tiny, tiny_mapping, checks_run=ALL), "q1", "a")
    assert a["suggestion"] == "supported"
    assert sorted(a["findings"]) == sorted(f["id"] for f in fs)
    assert a["rationale"] == "3 of 3 findings pass: fake.alpha (direct), fake.beta (indicative)"
    assert a["checks"] == [
        {"check": "fake.alpha", "strength": "direct", "on_pass": "supports", "on_fail": "contradicts",
         "rationale": "why fake.alpha tells about a", "pass": 2, "fail": 0,
         "not_assessed": 0, "severity": "", "ran": True},
        {"check": "fake.beta", "strength": "indicative", "on_pass": "supports", "on_fail": "contradicts",
         "rationale": "why fake.beta tells about a", "pass": 1, "fail": 0,
         "not_assessed": 0, "severity": "", "ran": True}]
    assert a["weight"]["text"] == "3 of 3 resources pass" and a["weight"]["firm"] is False
    assert (a["bp"], a["title"], a["risk"]) == ("SEC01-BP01", "Practice A", "HIGH")


def test_contradicted_by_any_failing_finding(tiny, tiny_mapping):
    bad = findings("fake.beta", "fail", 2)
    a = _choice(suggest(findings("fake.alpha", "pass") + bad, tiny, tiny_mapping, checks_run=ALL), "q1", "a")
    assert a["suggestion"] == "contradicted"
    assert a["findings"] == [f["id"] for f in bad]
    assert a["rationale"] == ("2 of 2 resources fail; contradicted by 2 failing findings of fake.beta (indicative); "
                              "1 other finding passes")


def test_partial_when_a_mapped_check_had_nothing_to_assess(tiny, tiny_mapping):
    ok = findings("fake.alpha", "pass")
    a = _choice(suggest(ok, tiny, tiny_mapping, checks_run=ALL), "q1", "a")
    assert a["suggestion"] == "partial" and a["findings"] == [ok[0]["id"]]
    assert "fake.beta (no findings: nothing to assess)" in a["rationale"]


def test_partial_when_some_findings_are_not_assessed(tiny, tiny_mapping):
    denied = findings("fake.beta", "not_assessed", reason="access_denied", missing_permission="svc:GetThing")
    fs = findings("fake.alpha", "pass") + findings("fake.beta", "pass") + denied
    a = _choice(suggest(fs, tiny, tiny_mapping, checks_run=ALL), "q1", "a")
    assert a["suggestion"] == "partial"
    assert denied[0]["id"] in a["findings"]
    assert "2 of 3 findings pass, none fails" in a["rationale"]
    assert "access denied to svc:GetThing" in a["rationale"]


@pytest.mark.parametrize("fs,ran,expected", [
    ([], [], "fake.alpha (not run in this scan)"),
    ([], ALL, "fake.alpha (no findings: nothing to assess)"),
    ([], None, "no findings (not run, or nothing to assess)"),
    (findings("fake.alpha", "not_assessed", reason="not_enabled"), ALL, "1 finding not assessed: not enabled"),
])
def test_unknown_when_no_mapped_check_assessed_anything(tiny, tiny_mapping, fs, ran, expected):
    a = _choice(suggest(fs, tiny, tiny_mapping, checks_run=ran), "q1", "a")
    assert a["suggestion"] == "unknown"
    assert a["rationale"].startswith("no finding assessed this: ")
    assert expected in a["rationale"]
    assert a["findings"] == [f["id"] for f in fs]


def test_choices_no_check_sees_are_unknown_and_none_choices_are_left_out(tiny, tiny_mapping):
    result = suggest(findings("fake.alpha", "pass"), tiny, tiny_mapping, checks_run=ALL)
    e = _choice(result, "q2", "e")
    assert (e["suggestion"], e["checks"], e["findings"]) == ("unknown", [], [])
    assert "no check can see this" in e["rationale"]
    assert [s["question"] for s in result] == ["q1", "q2", "q3"]  # q3 has no link but is listed; lens order kept
    q3 = _by_question(result)["q3"]
    assert q3["risk"] == "UNKNOWN" and "a reviewer answers it" in q3["risk_rule"]
    assert q3["choices"][0]["suggestion"] == "unknown"
    assert all(c["choice"] != "q1_no" for c in _by_question(result)["q1"]["choices"])
    assert [c["choice"] for c in _by_question(result)["q1"]["choices"]] == ["a", "b", "c"]


@pytest.mark.parametrize("fs,risk,phrase", [
    (findings("fake.alpha", "fail", severity="high"), "HIGH",
     "HIGH: High-risk best practice SEC01-BP01 (1 of 1 resource fails (highest severity: high)) contradicted "
     "through a direct link"),
    (findings("fake.alpha", "pass") + findings("fake.beta", "pass") + findings("fake.gamma", "fail"), "MEDIUM",
     "MEDIUM: Medium-risk best practice SEC01-BP02 (1 of 1 resource fails"),
    (findings("fake.alpha", "pass") + findings("fake.beta", "pass"), "UNKNOWN",
     "1 High/Medium-risk best practice (SEC01-BP02) is not fully assessed"),
    (findings("fake.alpha", "pass") + findings("fake.beta", "pass") + findings("fake.gamma", "pass")
     + findings("fake.delta", "fail"), "NONE",
     "NONE: nothing contradicts a High- or Medium-risk best practice, and SEC01-BP01 (2 of 2 resources pass), "
     "SEC01-BP02 (1 of 1 resource passes) are supported"),
])
def test_default_risk_rule(tiny, tiny_mapping, fs, risk, phrase):
    ran = [c for c in ALL if c != "fake.gamma"] if risk == "UNKNOWN" else ALL  # gamma not run: SEC01-BP02 open
    q1 = _by_question(suggest(fs, tiny, tiny_mapping, checks_run=ran))["q1"]
    assert q1["risk"] == risk
    assert q1["risk_rule"].startswith(f"{risk}: ") and phrase in q1["risk_rule"], q1["risk_rule"]
    assert "Rule: a High-risk choice contradicted through a direct link by a finding of medium severity" in \
        q1["risk_rule"]
    assert q1["risk_if_confirmed"] is None


def test_partial_high_choice_keeps_the_question_open_only_when_a_read_failed_or_a_check_did_not_run(
        tiny, tiny_mapping):
    fs = findings("fake.alpha", "pass") + findings("fake.gamma", "pass")
    not_run = _by_question(suggest(fs, tiny, tiny_mapping, checks_run=["fake.alpha", "fake.gamma"]))["q1"]
    assert not_run["risk"] == "UNKNOWN" and "SEC01-BP01" in not_run["risk_rule"]
    denied = fs + findings("fake.beta", "not_assessed", reason="access_denied")
    assert _by_question(suggest(denied, tiny, tiny_mapping, checks_run=ALL))["q1"]["risk"] == "UNKNOWN"
    # beta ran and had nothing to look at: the evidence that exists is clean, the rest is the reviewer's
    nothing = _by_question(suggest(fs, tiny, tiny_mapping, checks_run=ALL))["q1"]
    assert nothing["risk"] == "NONE"


def test_a_low_risk_choice_left_open_does_not_block_none(tiny, tiny_mapping):
    q2 = _by_question(suggest(findings("fake.alpha", "pass"), tiny, tiny_mapping, checks_run=ALL))["q2"]
    assert q2["risk"] == "NONE"  # d (Medium) supported; e (Low) nobody can see


# --- custom lens ----------------------------------------------------------------------------------

def _acme() -> tuple[Any, Any]:
    lens = load_lens(DATA / "acme-lens.json")
    return lens, load_mapping(DATA / "acme-mapping.toml", lens=lens)


def test_custom_lens_rules_decide_when_the_unknowns_cannot_change_the_outcome():
    lens, mapping = _acme()
    fs = findings("guardduty.enabled", "fail") + findings("backup.resources_protected", "fail")
    result = _by_question(suggest(fs, lens, mapping, checks_run=["guardduty.enabled", "backup.resources_protected"]))
    assert set(result) == {"acme_sec_01", "acme_sec_02", "acme_rel_01", "acme_rel_02"}
    assert result["acme_rel_02"]["risk"] == "UNKNOWN"  # no link: the lens rules are not guessed at
    assert result["acme_sec_02"]["risk"] == "HIGH"
    assert result["acme_sec_02"]["risk_rule"].startswith(
        "HIGH: lens risk rule 3 of 3 (condition 'default' -> HIGH_RISK) holds with the choices supported by "
        "evidence (none), whatever the open choices (findings_triaged) turn out to be.")
    assert result["acme_rel_01"]["risk"] == "HIGH"
    assert "rule 1 of 3 (condition '!backups_automated'" in result["acme_rel_01"]["risk_rule"]
    assert result["acme_sec_02"]["label"] == "Acme Security 2" and result["acme_sec_02"]["baseline"] is None


def test_custom_lens_rules_give_unknown_when_open_choices_could_change_the_outcome():
    lens, mapping = _acme()
    fs = findings("guardduty.enabled", "pass") + findings("backup.resources_protected", "pass")
    result = _by_question(suggest(fs, lens, mapping, checks_run=["guardduty.enabled", "backup.resources_protected"]))
    assert result["acme_sec_02"]["risk"] == "UNKNOWN"
    assert "could give MEDIUM or NONE depending on choices no check could assess (findings_triaged)" in \
        result["acme_sec_02"]["risk_rule"]
    assert result["acme_rel_01"]["risk"] == "UNKNOWN"


def _custom(rules: list[tuple[str, str]], tmp_path) -> tuple[Any, Any]:
    lens = parse_lens({"schemaVersion": "2021-11-01", "name": "Rules", "pillars": [
        {"id": "pil", "name": "Pillar", "questions": [{"id": "qqq", "title": "Q?", "choices": [
            {"id": n, "title": n} for n in ("aaa", "bbb", "ccc", "qqq_no")],
            "riskRules": [{"condition": c, "risk": r} for c, r in rules]}]}]}, "rules.json")
    mapping = load_mapping(write_mapping(tmp_path / "r.toml", [
        ("fake.alpha", "qqq", "aaa", "full"), ("fake.beta", "qqq", "bbb", "full")]), lens=lens,
        check_ids=FAKE_CHECKS)
    return lens, mapping


@pytest.mark.parametrize("rules,fs,risk,phrase", [
    ([("aaa && bbb", "NO_RISK"), ("default", "HIGH_RISK")],
     findings("fake.alpha", "pass") + findings("fake.beta", "pass"), "NONE", "rule 1 of 2"),
    ([("aaa", "MEDIUM_RISK"), ("default", "HIGH_RISK")], findings("fake.alpha", "pass"), "MEDIUM", "rule 1 of 2"),
    ([("aaa && ccc", "HIGH_RISK"), ("bbb", "NO_RISK"), ("default", "HIGH_RISK")],
     findings("fake.alpha", "pass") + findings("fake.beta", "fail"), "HIGH",
     "every lens risk rule that could apply (rules 1, 3 of 3) gives HIGH_RISK"),
    ([("qqq_no", "HIGH_RISK"), ("aaa || bbb", "MEDIUM_RISK"), ("default", "NO_RISK")],
     findings("fake.alpha", "fail") + findings("fake.beta", "fail"), "NONE", "rule 3 of 3"),
    ([("aaa && ccc", "NO_RISK"), ("default", "HIGH_RISK")], findings("fake.alpha", "pass"), "UNKNOWN",
     "could give HIGH or NONE"),
])
def test_custom_rule_outcomes(tmp_path, rules, fs, risk, phrase):
    lens, mapping = _custom(rules, tmp_path)
    q = suggest(fs, lens, mapping, checks_run=ALL)[0]
    assert q["risk"] == risk and phrase in q["risk_rule"], q["risk_rule"]


# --- improvements -------------------------------------------------------------------------------

def test_improvements_rank_by_severity_and_the_risk_of_the_choices_cleared(tiny, tiny_mapping):
    fs = (findings("fake.alpha", "pass") + findings("fake.beta", "fail") + findings("fake.gamma", "fail")
          + findings("fake.delta", "fail", 2))
    meta = {"fake.beta": {"title": "Beta", "severity": "high", "remediation": "fix beta", "effort": "low"}}
    ranked = rank_improvements(fs, tiny, tiny_mapping, meta, checks_run=ALL)
    assert [r["check"] for r in ranked] == ["fake.beta", "fake.gamma", "fake.delta"]
    beta = ranked[0]
    # high (6) x SEC01-BP01: High (3), indicative (x 1/2), cleared by this fix alone (x 1); q1 stays MEDIUM
    assert beta == {"check": "fake.beta", "title": "Beta", "severity": "high", "failing_findings": 1,
                    "failing_resources": 1, "questions": ["SEC 1"], "removes": {"HIGH": 0, "MEDIUM": 0},
                    "clears": [{"question": "SEC 1", "choice": "a", "bp": "SEC01-BP01", "risk": "HIGH",
                                "strength": "indicative", "alone": True}],
                    "score": 9.0, "effort": "low",
                    "why": "high severity, 1 failing resource; clears SEC01-BP01 (High)", "remediation": "fix beta"}
    # gamma still holds q1 at MEDIUM while beta fails, yet fixing it removes a contradiction: above zero
    assert ranked[1]["score"] == 1.0 and ranked[1]["effort"] == "medium"
    assert 0 < ranked[2]["score"] < ranked[1]["score"]


def test_improvements_count_medium_removed_across_questions(tiny, tiny_mapping):
    fs = findings("fake.alpha", "fail", 3) + findings("fake.beta", "pass") + findings("fake.gamma", "pass")
    ranked = rank_improvements(fs, tiny, tiny_mapping, checks_run=ALL)
    assert [(r["check"], r["questions"], r["removes"]) for r in ranked] == [
        ("fake.alpha", ["SEC 1", "SEC 2"], {"HIGH": 1, "MEDIUM": 1})]
    assert [(c["bp"], c["alone"]) for c in ranked[0]["clears"]] == [("SEC01-BP01", True), ("SEC02-BP01", True)]
    assert "1 question leaves HIGH; 1 question leaves MEDIUM" in ranked[0]["why"]


# --- baselines and the scan document ---------------------------------------------------------------

def test_baselines_come_from_the_survey_for_default_lens_questions():
    lens = load_lens()
    mapping = load_mapping()
    result = _by_question(suggest([], lens, mapping, checks_run=[]))
    identities = result["identities"]["baseline"]
    assert identities["high_risk_pct"] == 47 and identities["label_2020"] == "SEC 2"
    assert identities["text"].startswith("47% of reviewed workloads had a High risk on this question (SEC 2 in "
                                             "2020")
    assert "Scale Factory" in identities["source"]
    assert result["detect-investigate-events"]["baseline"] is None  # not in the survey


def _doc(fs: list[dict[str, Any]], ran: list[str]) -> dict[str, Any]:
    return {"checks": [{"id": c, "title": c.upper(), "severity": "high"} for c in ran], "findings": fs}


def test_add_suggestions_fills_the_fixed_document_keys():
    ran = ["guardduty.enabled", "iam.access_keys_rotated"]
    doc = _doc(findings("guardduty.enabled", "fail") + findings("iam.access_keys_rotated", "pass"), ran)
    add_suggestions(doc, checks=installed_checks())
    assert doc["lens"] == {"alias": "wellarchitected", "name": "AWS Well-Architected Framework",
                           "version": "2025-05-07"}
    lens = load_lens()
    assert [s["question"] for s in doc["suggestions"]] == [q.id for q in lens.questions()]
    for s in doc["suggestions"]:
        assert set(s) == {"pillar", "pillar_name", "question", "label", "title", "risk", "risk_rule", "baseline",
                          "risk_if_confirmed", "choices"}
        for c in s["choices"]:
            assert set(c) - {"human_only", "ask"} == {"choice", "bp", "title", "risk", "suggestion", "findings",
                                                      "checks", "rationale", "weight"}
            if c["suggestion"] in ("supported", "contradicted"):
                assert c["findings"]
    backing = _by_question(doc["suggestions"])["backing-up-data"]
    assert "not run in this scan" in backing["choices"][0]["rationale"] or any(
        "not run in this scan" in c["rationale"] for c in backing["choices"])
    top = doc["improvements"][0]
    assert top["check"] == "guardduty.enabled" and top["remediation"] and top["title"] == "GUARDDUTY.ENABLED"
    assert top["effort"] == "low" and top["score"] > 0  # SEC04-BP03 is Low-risk: no question changes level
    assert isinstance(doc["improvement_bundles"], list)


def test_add_suggestions_with_a_custom_lens_and_mapping():
    doc = _doc(findings("guardduty.enabled", "fail"), ["guardduty.enabled"])
    add_suggestions(doc, lens_path=DATA / "acme-lens.json", mapping_path=DATA / "acme-mapping.toml")
    assert doc["lens"]["name"] == "Acme Platform Standards"
    assert doc["mapping"] == {"files": [str(DATA / "acme-mapping.toml")], "links": 5}
    assert _by_question(doc["suggestions"])["acme_sec_02"]["risk"] == "HIGH"


def test_add_suggestions_rejects_bad_files(tmp_path):
    with pytest.raises(MappingError, match="is a custom lens: pass --mapping"):
        add_suggestions(_doc([], []), lens_path=DATA / "acme-lens.json")
    bad = write_mapping(tmp_path / "bad.toml", [("guardduty.enabled", "identities", "nope_choice", "part")])
    with pytest.raises(MappingError, match=r"bad.toml: link #1 \(line 1, check 'guardduty.enabled'"):
        add_suggestions(_doc([], []), mapping_path=bad)


def test_demo_scan_has_suggestions_for_every_question_of_the_lens(demo_scan):
    doc, _ = demo_scan
    lens, mapping = load_lens(), load_mapping()
    g = build_graph(lens, mapping)
    assert [s["question"] for s in doc["suggestions"]] == [q.id for q in lens.questions()]
    assert len(doc["suggestions"]) == 57
    for s in doc["suggestions"]:
        if not checks_for_question(g, s["question"]):
            assert s["risk"] == "UNKNOWN" and "a reviewer answers it" in s["risk_rule"]
    states = {c["suggestion"] for s in doc["suggestions"] for c in s["choices"]}
    assert {"contradicted", "unknown"} <= states
    assert doc["improvements"] and doc["improvements"][0]["score"] > 0


def test_custom_lens_rules_are_calibrated_like_the_default_rule(tmp_path):
    # A contradiction by low-severity findings leaves its choice open; confirming it gives what the rules say.
    lens, mapping = _custom([("aaa", "NO_RISK"), ("default", "HIGH_RISK")], tmp_path)
    soft = suggest(findings("fake.alpha", "fail", severity="low"), lens, mapping, checks_run=ALL)[0]
    assert soft["risk"] == "UNKNOWN" and soft["risk_if_confirmed"] == "HIGH"
    assert "left open: aaa; HIGH if the reviewer confirms" in soft["risk_rule"], soft["risk_rule"]
    firm = suggest(findings("fake.alpha", "fail", severity="high"), lens, mapping, checks_run=ALL)[0]
    assert firm["risk"] == "HIGH" and firm["risk_if_confirmed"] is None
    assert "rule 2 of 2 (condition 'default'" in firm["risk_rule"]
