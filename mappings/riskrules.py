"""Risk rules of WA Tool custom lenses: a small, safe parser and evaluator (no ``eval``).

A rule is ``{"condition": "...", "risk": "HIGH_RISK" | "MEDIUM_RISK" | "NO_RISK"}``. A condition is
``default`` on its own, or a Boolean expression over the question's choice ids with ``&&``, ``||``,
``!`` and parentheses (``!`` binds tightest, then ``&&``, then ``||``). The first rule whose condition
holds sets the question's risk.

Evaluation is three-valued (Kleene logic) so that choices no check could assess stay open: a choice is
True (selected), False (not selected) or None (not known). ``possible_outcomes`` lists every risk the
rules could give for some answer to the unknown choices; when it holds a single risk, that risk is
certain whatever the reviewer later says about the unknown choices.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

RULE_RISKS = ("HIGH_RISK", "MEDIUM_RISK", "NO_RISK")
QUESTION_RISK = {"HIGH_RISK": "HIGH", "MEDIUM_RISK": "MEDIUM", "NO_RISK": "NONE"}
MAX_DEPTH = 64
MAX_LENGTH = 4096
_TOKEN = re.compile(r"\s*(?:(&&)|(\|\|)|(!)|(\()|(\))|([A-Za-z0-9_]+))")

Truth = bool | None


class Expr:
    """A parsed condition."""

    def value(self, values: Mapping[str, Truth]) -> Truth:
        """Three-valued truth: a name missing from ``values`` counts as not selected (False)."""
        raise NotImplementedError

    def names(self) -> set[str]:
        """The choice ids the condition mentions."""
        raise NotImplementedError


@dataclass(frozen=True)
class Default(Expr):
    """The ``default`` condition: always holds."""

    def value(self, values: Mapping[str, Truth]) -> Truth:
        return True

    def names(self) -> set[str]:
        return set()


@dataclass(frozen=True)
class Name(Expr):
    """A choice id: holds when the choice is selected."""

    id: str

    def value(self, values: Mapping[str, Truth]) -> Truth:
        return values.get(self.id, False)

    def names(self) -> set[str]:
        return {self.id}


@dataclass(frozen=True)
class Not(Expr):
    """``!x``."""

    operand: Expr

    def value(self, values: Mapping[str, Truth]) -> Truth:
        v = self.operand.value(values)
        return None if v is None else not v

    def names(self) -> set[str]:
        return self.operand.names()


@dataclass(frozen=True)
class And(Expr):
    """``a && b && ...``: False if any is False, True if all are True, else unknown."""

    operands: tuple[Expr, ...]

    def value(self, values: Mapping[str, Truth]) -> Truth:
        seen = [o.value(values) for o in self.operands]
        if any(v is False for v in seen):
            return False
        return True if all(v is True for v in seen) else None

    def names(self) -> set[str]:
        return set().union(*(o.names() for o in self.operands))


@dataclass(frozen=True)
class Or(Expr):
    """``a || b || ...``: True if any is True, False if all are False, else unknown."""

    operands: tuple[Expr, ...]

    def value(self, values: Mapping[str, Truth]) -> Truth:
        seen = [o.value(values) for o in self.operands]
        if any(v is True for v in seen):
            return True
        return False if all(v is False for v in seen) else None

    def names(self) -> set[str]:
        return set().union(*(o.names() for o in self.operands))


def _tokens(text: str) -> list[str]:
    out: list[str] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            at = len(text) - len(text[pos:].lstrip())
            raise ValueError(f"unexpected character {text[at]!r} at position {at + 1}")
        out.append(m.group(m.lastindex or 0))
        pos = m.end()
    return out


class _Parser:
    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> str:
        tok = self.tokens[self.pos]
        self.pos += 1
        return tok

    def parse(self) -> Expr:
        expr = self.or_expr(0)
        if self.peek() is not None:
            raise ValueError(f"unexpected {self.peek()!r} after a complete expression")
        return expr

    def or_expr(self, depth: int) -> Expr:
        parts = [self.and_expr(depth)]
        while self.peek() == "||":
            self.take()
            parts.append(self.and_expr(depth))
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def and_expr(self, depth: int) -> Expr:
        parts = [self.unary(depth)]
        while self.peek() == "&&":
            self.take()
            parts.append(self.unary(depth))
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def unary(self, depth: int) -> Expr:
        if depth > MAX_DEPTH:
            raise ValueError(f"nested more than {MAX_DEPTH} levels deep")
        tok = self.peek()
        if tok is None:
            raise ValueError("ends where a choice id, '!' or '(' was expected")
        if tok == "!":
            self.take()
            return Not(self.unary(depth + 1))
        if tok == "(":
            self.take()
            inner = self.or_expr(depth + 1)
            if self.peek() != ")":
                raise ValueError("'(' without a matching ')'")
            self.take()
            return inner
        if tok in ("&&", "||", ")"):
            raise ValueError(f"unexpected {tok!r} where a choice id, '!' or '(' was expected")
        self.take()
        if tok == "default":
            raise ValueError("'default' must be the whole condition")
        return Name(tok)


def parse_condition(text: str) -> Expr:
    """Parse a rule condition; raises ``ValueError`` saying what is wrong."""
    if not isinstance(text, str):
        raise ValueError("a condition must be a string")
    if len(text) > MAX_LENGTH:
        raise ValueError(f"longer than {MAX_LENGTH} characters")
    if text.strip() == "default":
        return Default()
    tokens = _tokens(text)
    if not tokens:
        raise ValueError("empty condition")
    return _Parser(tokens).parse()


@dataclass(frozen=True)
class RiskRule:
    """One rule of a question: condition text, its parsed form, and the lens risk it gives."""

    condition: str
    expr: Expr
    risk: str  # HIGH_RISK, MEDIUM_RISK or NO_RISK

    @property
    def is_default(self) -> bool:
        """True for the ``default`` rule."""
        return isinstance(self.expr, Default)

    @property
    def question_risk(self) -> str:
        """The risk as wa-scan names question risks: HIGH, MEDIUM or NONE."""
        return QUESTION_RISK[self.risk]


def rule_outcome(rules: Iterable[RiskRule], selected: Mapping[str, bool]) -> str | None:
    """HIGH, MEDIUM or NONE from the first rule that holds for a fully known selection (None if none holds)."""
    for rule in rules:
        if rule.expr.value(selected) is True:
            return rule.question_risk
    return None


def possible_outcomes(rules: Iterable[RiskRule], values: Mapping[str, Truth]) -> list[tuple[int, RiskRule]]:
    """The rules that could set the risk for some answer to the unknown choices, as (index, rule).

    Walks the rules in order: a rule that certainly holds ends the walk; one that might hold is a
    possible outcome and the walk goes on; one that certainly fails is skipped. Kleene logic can
    over-approximate (``a || !a`` reads as unknown), never miss an outcome.
    """
    out: list[tuple[int, RiskRule]] = []
    for i, rule in enumerate(rules):
        v = rule.expr.value(values)
        if v is False:
            continue
        out.append((i, rule))
        if v is True:
            break
    return out
