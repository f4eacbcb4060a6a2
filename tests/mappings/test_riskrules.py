"""The custom-lens risk-rule parser and evaluator: precedence, three-valued logic, malformed input."""

from __future__ import annotations

import copy
import itertools
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mappings.catalog import parse_lens
from mappings.errors import MappingError
from mappings.riskrules import (
    And,
    Name,
    Not,
    Or,
    RiskRule,
    parse_condition,
    possible_outcomes,
    rule_outcome,
)
from tests.mappings.conftest import DATA

NAMES = ("a", "b", "c")


def test_precedence_not_then_and_then_or():
    assert parse_condition("a || b && !c") == Or((Name("a"), And((Name("b"), Not(Name("c"))))))
    assert parse_condition("(a || b) && c") == And((Or((Name("a"), Name("b"))), Name("c")))
    assert parse_condition("  default ").value({}) is True


def test_the_documented_example_behaves_as_documented():
    rules = [RiskRule(c, parse_condition(c), r) for c, r in (
        ("choice_1 && choice_2 && choice_3", "NO_RISK"),
        ("((choice_1 || choice_2) && choice_3) || (!choice_1 && choice_3)", "MEDIUM_RISK"),
        ("default", "HIGH_RISK"))]

    def risk(*selected: str) -> str | None:
        return rule_outcome(rules, {f"choice_{i}": str(i) in selected for i in (1, 2, 3)})

    assert risk("1", "2", "3") == "NONE"
    assert risk("1", "3") == risk("2", "3") == risk("3") == "MEDIUM"
    assert risk("1", "2") == risk() == "HIGH"


@pytest.mark.parametrize("text,message", [
    ("", "empty"),
    ("a &&", "ends where"),
    ("a & b", "unexpected character '&'"),
    ("a || || b", "unexpected '||'"),
    ("(a || b", "without a matching"),
    ("a b", "after a complete expression"),
    ("a)", "after a complete expression"),
    ("default && a", "must be the whole condition"),
    ("`a && b`", "unexpected character '`'"),
    ("(" * 80 + "a" + ")" * 80, "nested more than"),
    ("!" * 80 + "a", "nested more than"),
])
def test_malformed_conditions_say_what_is_wrong(text, message):
    with pytest.raises(ValueError, match=message):
        parse_condition(text)


def test_kleene_unknowns_decide_only_when_the_known_choices_do():
    expr = parse_condition("a && (b || !c)")
    assert expr.value({"a": False, "b": None, "c": None}) is False
    assert expr.value({"a": True, "b": True, "c": None}) is True
    assert expr.value({"a": True, "b": None, "c": None}) is None


def test_possible_outcomes_stop_at_the_first_certain_rule():
    rules = [RiskRule(c, parse_condition(c), r) for c, r in (
        ("a && b", "NO_RISK"), ("a", "MEDIUM_RISK"), ("default", "HIGH_RISK"))]
    assert [r.risk for _, r in possible_outcomes(rules, {"a": True, "b": None})] == ["NO_RISK", "MEDIUM_RISK"]
    assert [r.risk for _, r in possible_outcomes(rules, {"a": False, "b": None})] == ["HIGH_RISK"]
    assert [r.risk for _, r in possible_outcomes(rules, {"a": True, "b": True})] == ["NO_RISK"]


# --- property tests -----------------------------------------------------------------------------

TOKENS = st.sampled_from(["a", "b", "c", "&&", "||", "!", "(", ")", " ", "&", "|", "default", "x-y", "", "\t",
                          "é", "`", "1", "_"])


@settings(max_examples=200, deadline=None)
@given(st.lists(TOKENS, max_size=30).map("".join))
def test_random_token_soup_parses_or_raises_value_error(text):
    try:
        expr = parse_condition(text)
    except ValueError:
        return
    assert expr.value({n: True for n in NAMES}) in (True, False)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=60))
def test_random_text_parses_or_raises_value_error(text):
    try:
        parse_condition(text)
    except ValueError:
        pass


def _trees():
    leaves = st.sampled_from(NAMES).map(lambda n: (n, Name(n)))

    def extend(children):
        both = st.tuples(children, children)
        return st.one_of(
            children.map(lambda c: (f"!{_wrap(c[0])}", Not(c[1]))),
            both.map(lambda p: (f"{_wrap(p[0][0])} && {_wrap(p[1][0])}", And((p[0][1], p[1][1])))),
            both.map(lambda p: (f"{_wrap(p[0][0])} || {_wrap(p[1][0])}", Or((p[0][1], p[1][1])))),
        )

    return st.recursive(leaves, extend, max_leaves=12)


def _wrap(text: str) -> str:
    return text if text.isidentifier() else f"({text})"


def _truth(tree, values):
    if isinstance(tree, Name):
        return values[tree.id]
    if isinstance(tree, Not):
        return not _truth(tree.operand, values)
    if isinstance(tree, And):
        return all(_truth(o, values) for o in tree.operands)
    return any(_truth(o, values) for o in tree.operands)


@settings(max_examples=150, deadline=None)
@given(_trees(), st.fixed_dictionaries({n: st.sampled_from([True, False, None]) for n in NAMES}))
def test_parsed_expressions_evaluate_like_the_tree_and_kleene_is_sound(tree, values):
    text, built = tree
    parsed = parse_condition(text)
    known = parsed.value(values)
    unknown = [n for n in NAMES if values[n] is None]
    results = set()
    for fill in itertools.product((True, False), repeat=len(unknown)):
        full = {**values, **dict(zip(unknown, fill, strict=True))}
        assert parsed.value(full) == _truth(built, full)
        results.add(parsed.value(full))
    if known is not None:  # a decided value holds for every answer to the unknown choices
        assert results == {known}


@settings(max_examples=80, deadline=None)
@given(st.lists(TOKENS, min_size=1, max_size=20).map("".join))
def test_a_lens_with_a_random_condition_loads_or_gives_usage_error(text):
    lens = json.loads((DATA / "acme-lens.json").read_text())
    broken = copy.deepcopy(lens)
    broken["pillars"][0]["questions"][0]["riskRules"][1]["condition"] = text
    try:
        parse_lens(broken, "acme-lens.json")
    except MappingError as exc:
        assert "acme-lens.json" in str(exc) and "riskRules[1]" in str(exc)
