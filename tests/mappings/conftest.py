"""Fixtures for the mapping tests: a tiny lens in wa-scan's catalogue format and finding builders."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest

from mappings.catalog import Lens, parse_lens
from mappings.mapping import Mapping, load_mapping

DATA = Path(__file__).parent / "data"
FAKE_CHECKS = frozenset({"fake.alpha", "fake.beta", "fake.gamma", "fake.delta"})

# q1: a HIGH, b MEDIUM, c LOW; q2: d MEDIUM, e LOW; q3 informs nothing.
TINY = {
    "lens": "tiny",
    "name": "Tiny test lens",
    "version": "1",
    "pillars": [{"id": "security", "name": "Security", "questions": [
        {"id": "q1", "label": "SEC 1", "title": "Question one?", "none_choice": "q1_no", "choices": [
            {"id": "a", "bp": "SEC01-BP01", "title": "Practice A", "risk": "HIGH"},
            {"id": "b", "bp": "SEC01-BP02", "title": "Practice B", "risk": "MEDIUM"},
            {"id": "c", "bp": "SEC01-BP03", "title": "Practice C", "risk": "LOW"}]},
        {"id": "q2", "label": "SEC 2", "title": "Question two?", "none_choice": "q2_no", "choices": [
            {"id": "d", "bp": "SEC02-BP01", "title": "Practice D", "risk": "MEDIUM"},
            {"id": "e", "bp": "SEC02-BP02", "title": "Practice E", "risk": "LOW"}]},
        {"id": "q3", "label": "SEC 3", "title": "Question three?", "none_choice": "q3_no", "choices": [
            {"id": "f", "bp": "SEC03-BP01", "title": "Practice F", "risk": "HIGH"}]},
    ]}],
}


_STRENGTH = {"full": "direct", "part": "indicative"}


@pytest.fixture
def tiny() -> Lens:
    """The tiny lens (wa-scan catalogue format, so wa-scan's default risk rule applies)."""
    return parse_lens(TINY, "tiny.json")


def write_mapping(path: Path, links: list[tuple[str, str, str, str]]) -> Path:
    """A TOML mapping of ``(check, question, choice, coverage)`` links; coverage full/part gives direct/indicative."""
    text = "".join(f'[[link]]\ncheck = "{k}"\nquestion = "{q}"\nchoice = "{c}"\nstrength = "{_STRENGTH[cov]}"\n'
                   f'on_pass = "supports"\non_fail = "contradicts"\nrationale = "why {k} tells about {c}"\n\n'
                   for k, q, c, cov in links)
    path.write_text(text)
    return path


@pytest.fixture
def tiny_mapping(tiny: Lens, tmp_path: Path) -> Mapping:
    """alpha -> a and d; beta -> a; gamma -> b; delta -> c (partial coverage except alpha -> a)."""
    return load_mapping(write_mapping(tmp_path / "tiny.toml", [
        ("fake.alpha", "q1", "a", "full"), ("fake.beta", "q1", "a", "part"), ("fake.gamma", "q1", "b", "part"),
        ("fake.delta", "q1", "c", "part"), ("fake.alpha", "q2", "d", "part")]), lens=tiny, check_ids=FAKE_CHECKS)


_ids = itertools.count()


def findings(check: str, status: str, n: int = 1, **extra: Any) -> list[dict[str, Any]]:
    """``n`` finding dicts of ``check`` with ``status`` and unique ids."""
    return [{"id": f"{check}-{status}-{next(_ids)}", "check": check, "status": status, **extra} for _ in range(n)]
