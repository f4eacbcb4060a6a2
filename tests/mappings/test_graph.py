"""Graph queries: which checks inform a question or choice, what a check touches, what has no evidence."""

from __future__ import annotations

from mappings.catalog import load_lens
from mappings.graph import (
    build_graph,
    check_node,
    checks_for_choice,
    checks_for_question,
    choice_node,
    choices_for_check,
    choices_without_evidence,
    coverage,
    questions_for_check,
    questions_without_evidence,
)
from mappings.mapping import load_mapping
from tests.mappings.conftest import DATA


def test_queries_on_the_tiny_lens(tiny, tiny_mapping):
    g = build_graph(tiny, tiny_mapping)
    assert checks_for_question(g, "q1") == ["fake.alpha", "fake.beta", "fake.delta", "fake.gamma"]
    assert checks_for_question(g, "q3") == [] and checks_for_question(g, "nope") == []
    assert checks_for_choice(g, "q1", "a") == [
        {"check": "fake.alpha", "strength": "direct", "on_pass": "supports", "on_fail": "contradicts",
         "rationale": "why fake.alpha tells about a"},
        {"check": "fake.beta", "strength": "indicative", "on_pass": "supports", "on_fail": "contradicts",
         "rationale": "why fake.beta tells about a"}]
    assert choices_for_check(g, "fake.alpha") == [("q1", "a"), ("q2", "d")]
    assert questions_for_check(g, "fake.alpha") == ["q1", "q2"]
    assert questions_for_check(g, "fake.unmapped") == []
    assert choices_without_evidence(g) == [("q2", "e"), ("q3", "f")]
    assert questions_without_evidence(g) == ["q3"]
    assert coverage(g) == [{"pillar": "security", "name": "Security", "questions": 3, "questions_with_evidence": 2,
                            "choices": 6, "choices_with_evidence": 4, "choices_with_direct_evidence": 1,
                            "questions_without_evidence": ["q3"]}]


def test_graph_shape_pillar_question_choice_check(tiny, tiny_mapping):
    g = build_graph(tiny, tiny_mapping)
    assert g.has_edge(("pillar", "security"), ("question", "q1"))
    assert g.has_edge(("question", "q1"), choice_node("q1", "a"))
    assert g.edges[check_node("fake.gamma"), choice_node("q1", "b")]["strength"] == "indicative"
    assert choice_node("q1", "q1_no") not in g  # the none choice is never a target of evidence
    assert g.nodes[choice_node("q1", "a")]["risk"] == "HIGH"


def test_default_lens_graph_answers_for_the_core_checks():
    lens = load_lens()
    g = build_graph(lens, load_mapping())
    assert "iam.access_keys_rotated" in checks_for_question(g, "identities")
    assert "identities" in questions_for_check(g, "iam.access_keys_rotated")
    assert ("identities", "sec_identities_audit") in choices_for_check(g, "iam.access_keys_rotated")
    covered = sum(p["choices_with_evidence"] for p in coverage(g))
    assert covered + len(choices_without_evidence(g)) == 307


def test_custom_lens_graph(tmp_path):
    lens = load_lens(DATA / "acme-lens.json")
    g = build_graph(lens, load_mapping(DATA / "acme-mapping.toml", lens=lens))
    assert checks_for_choice(g, "acme_sec_01", "no_long_lived_keys")[0]["check"] == "ec2.instance_has_role"
    assert questions_without_evidence(g) == ["acme_rel_02"]
    assert choices_without_evidence(g, "acme_security") == [("acme_sec_01", "mfa_enforced"),
                                                            ("acme_sec_02", "findings_triaged")]
