"""report.html and report.md show, per choice the evidence does not settle, what to ask the team and what to request."""

from __future__ import annotations

import html as htmllib

from mappings.prompts import asks_the_team
from reports.view import build_view


def test_the_report_asks_the_team_exactly_where_the_evidence_does_not_settle_a_choice(demo_scan):
    doc, out = demo_scan
    view = build_view(doc)
    raw = {(s["question"], c["choice"]): c for s in doc["suggestions"] for c in s["choices"]}
    asked = [(q, c) for q in view.questions for c in q.choices if c.ask]
    assert asked and len(view.questions) == 57
    for q in view.questions:
        for c in q.choices:
            assert (c.ask is not None) == asks_the_team(raw[(q.id, c.id)]), (q.id, c.id)
    settled = [c for q in view.questions for c in q.choices if c.suggestion in ("supported", "contradicted")
               and not c.human_only]
    assert settled and all(c.ask is None for c in settled)

    page = (out / "report.html").read_text()
    assert page.count('<div class="ask small">') == len(asked)
    md = (out / "report.md").read_text()
    q, c = next((q, c) for q, c in asked if c.human_only)
    assert htmllib.escape(c.ask.questions[0], quote=True) in page
    assert "Ask the team:" in md and f"- {c.bp} {c.title} (only the team can answer:" in md
    assert c.ask.artefact.split(" (")[0] in md
