"""The terminal and file reviews walk every question and show what to ask the team where evidence does not settle it."""

from __future__ import annotations

import io
import sys

import pytest
import yaml

from mappings.catalog import load_lens
from mappings.prompts import load_prompts
from scanner.cli import main
from scanner.history import open_history, record_scan
from tests.workflow.fixtures import base_findings, make_doc


@pytest.fixture
def db(tmp_path):
    """The workflow scan plus a question no check informs (OPS 3), whose choices carry their prompts."""
    doc = make_doc(base_findings())
    prompts = load_prompts(load_lens())
    q = next(q for q in load_lens().questions() if q.id == "org-culture")
    doc["suggestions"].insert(0, {
        "pillar": q.pillar, "pillar_name": "Operational Excellence", "question": q.id, "label": q.label,
        "title": q.title, "risk": "UNKNOWN", "risk_rule": "UNKNOWN: no check of wa-scan informs this question",
        "choices": [{"choice": c.id, "bp": c.bp, "title": c.title, "risk": c.risk, "suggestion": "unknown",
                     "findings": [], "checks": [], "rationale": "no check can see this best practice",
                     "human_only": prompts[c.id].human_only,
                     "ask": {"questions": list(prompts[c.id].ask), "artefact": prompts[c.id].artefact,
                             "why": prompts[c.id].why}} for c in q.choices]})
    # A settled choice (contradicted by evidence) is not put to the team even when it carries a prompt.
    audit = doc["suggestions"][1]["choices"][1]
    audit.update(human_only=False, ask={"questions": ["NOT ASKED?"], "artefact": "NOT REQUESTED", "why": ""})
    path = tmp_path / "h.db"
    record_scan(doc, path)
    return path


def test_the_terminal_review_walks_unmapped_questions_and_prints_the_prompts(monkeypatch, capsys, db):
    monkeypatch.setattr(sys, "stdin", io.StringIO("a\nasked the team\nq\n"))
    assert main(["review", "--db", str(db), "--reviewer", "jane"]) == 0
    out = capsys.readouterr().out
    sponsor = load_prompts(load_lens())["ops_org_culture_executive_sponsor"]
    assert "OPS 3" in out and "4 questions" in out
    assert "Ask the team:" in out and "1. OPS03-BP01 Provide executive sponsorship" in out
    assert "only the team can answer" in out
    flat = " ".join(out.split())
    assert " ".join(sponsor.ask[0].split()) in flat and " ".join(sponsor.artefact.split()) in flat
    assert "NOT ASKED" not in out
    with open_history(db) as h:
        assert h.decisions(h.resolve("latest"))["org-culture"].note == "asked the team"


def test_review_has_no_include_unmapped_option_any_more(db, capsys):
    assert main(["review", "--db", str(db), "--include-unmapped"]) == 2  # every question is in the review now
    assert "unrecognized arguments: --include-unmapped" in capsys.readouterr().err


def test_the_review_file_has_every_question_and_the_prompts_as_comments(db, tmp_path):
    out = tmp_path / "review.yaml"
    assert main(["review", "--db", str(db), "--export", str(out)]) == 0
    text = out.read_text()
    data = yaml.safe_load(text)  # the comments keep the file valid YAML
    assert [q["question"] for q in data["questions"]] == ["org-culture", "identities", "permissions",
                                                        "detect-investigate-events"]
    sponsor = load_prompts(load_lens())["ops_org_culture_executive_sponsor"]
    block = text[text.index("ops_org_culture_executive_sponsor: undecided"):]
    block = block[:block.index("ops_org_culture_team_emp_take_action")]
    assert f"# only the team can answer: {sponsor.why}" in block
    assert f"# ask: {sponsor.ask[0]}" in block and f"# request: {sponsor.artefact}" in block
    assert "NOT ASKED" not in text
    # The exported file imports back as it is.
    text = text.replace("confirmed: false", "confirmed: true", 1)
    out.write_text(text)
    assert main(["review", "--db", str(db), "--import", str(out), "--reviewer", "jane"]) == 0
    with open_history(db) as h:
        assert h.decisions(h.resolve("latest"))["org-culture"].confirmed
