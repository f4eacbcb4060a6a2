"""How other workloads answered: figures from about 150 real Well-Architected reviews (2020).

Source: The Scale Factory, "Lessons learned from reviewing 150 infrastructures" (QCon London 2020),
copied into ``data/review-findings-2020.json``. Each surveyed question names the nearest question of
the current default lens (``current_question``, a judgement rather than an official mapping).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

SOURCE = "The Scale Factory, 'Lessons learned from reviewing 150 infrastructures', QCon London 2020"


@cache
def survey() -> dict[str, Any]:
    """The survey file as shipped."""
    ref = resources.files("mappings") / "data" / "review-findings-2020.json"
    return json.loads(ref.read_text(encoding="utf-8"))


@cache
def _baselines() -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for q in survey().get("questions", []):
        qid = q.get("current_question")
        if not qid or qid in out:
            continue
        figures = {k: q[k] for k in ("high_risk_pct", "high_or_medium_pct", "well_architected_pct") if k in q}
        if not figures:
            continue
        out[qid] = {"label_2020": q.get("label_2020", ""), "title_2020": q.get("title", ""), **figures,
                    "text": _sentence(q), "source": SOURCE}
    return out


def _sentence(q: dict[str, Any]) -> str:
    where = f"{q.get('label_2020', '')} in 2020, \"{q.get('title', '').rstrip()}\""
    if "high_risk_pct" in q:
        both = (f"; {q['high_or_medium_pct']}% had a High or Medium risk" if "high_or_medium_pct" in q else "")
        return f"{q['high_risk_pct']}% of reviewed workloads had a High risk on this question ({where}){both}."
    return (f"{q['well_architected_pct']}% of reviewed workloads were rated Well-Architected on this question "
            f"({where}).")


def baseline_for(question_id: str) -> dict[str, Any] | None:
    """The survey figures and a sentence (``text``) for a question of the default lens, or None if not surveyed."""
    found = _baselines().get(question_id)
    return dict(found) if found else None
