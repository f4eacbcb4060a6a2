"""The review record: confirmed answers beside the suggestions, notes, N/A reasons, who and when, the plan."""

from __future__ import annotations

from typing import Any

import pytest

from reports.record import (
    QUESTION_COLUMNS,
    build_record,
    questions_csv,
    render_record_html,
    render_record_markdown,
)
from scanner.review.decisions import Decision
from tests.reports.fixtures import EVIL_NAME, sample_doc
from tests.reports.parsing import Page, csv_rows

NOTE = "Keys stay for the legacy batch until March; owner: platform team."


def _decisions() -> dict[str, Any]:
    return {
        # SEC 2: the reviewer disagrees with one suggestion and marks one practice not applicable.
        "identities": Decision(
            question="identities", reviewer="dana", decided_at="2026-03-03T14:05:00Z", source="file", note=NOTE,
            choices={"sec_identities_unique": {"status": "unselected"},
                     "sec_identities_audit": {"status": "selected"},
                     "sec_identities_enforce_mechanisms": {"status": "not_applicable", "reason": "out_of_scope"}}),
        # REL 10: everything in place.
        "fault-isolation": Decision(
            question="fault-isolation", reviewer="lee", decided_at="2026-03-03T14:30:00Z", source="review",
            choices={"rel_fault_isolation_multiaz_region_system": {"status": "selected"}}),
        # REL 9: carried from an earlier scan, and the evidence has changed since.
        "backing-up-data": Decision(
            question="backing-up-data", reviewer="dana", decided_at="2026-02-01T10:00:00Z", source="carried",
            state="evidence_changed", choices={"rel_backing_up_data_automated_backups_data": {"status": "selected"}}),
    }


@pytest.fixture(scope="module")
def record() -> Any:
    return build_record(sample_doc(), _decisions())


def test_every_question_is_in_the_record_and_unreviewed_ones_say_so(record: Any) -> None:
    states = {r.question.label: r.state for r in record.questions}
    assert states == {"OPS 1": "unreviewed", "SEC 2": "confirmed", "SEC 3": "unreviewed", "SEC 4": "unreviewed",
                      "REL 9": "evidence_changed", "REL 10": "confirmed"}
    assert record.reviewed == 2 and record.flagged == 1
    sec3 = next(r for r in record.questions if r.question.label == "SEC 3")
    assert sec3.confirmed_risk == "" and all(c.answer == "" for c in sec3.choices), "never shown as answered"


def test_confirmed_risk_follows_the_answers_not_the_suggestion(record: Any) -> None:
    by = {r.question.label: r for r in record.questions}
    assert by["SEC 2"].confirmed_risk == "HIGH", "a High-risk practice not selected"
    assert by["REL 10"].confirmed_risk == "NONE"
    assert by["REL 9"].confirmed_risk == "", "a flagged decision does not count until confirmed again"
    pillars = {p.name: (p.high, p.medium, p.reviewed, p.questions) for p in record.pillars}
    assert pillars["Security"] == (1, 0, 1, 3) and pillars["Reliability"] == (0, 0, 1, 2)


def test_differences_na_reasons_and_who_confirmed(record: Any) -> None:
    sec2 = next(r for r in record.questions if r.question.label == "SEC 2")
    differs = {c.choice.bp: c.answer for c in sec2.differences}
    # SEC02-BP02 was contradicted and left unselected (agrees); SEC02-BP04 was partial (no suggested answer).
    assert differs == {}
    choices = {c.choice.bp: c.answer_label for c in sec2.choices}
    assert choices["SEC02-BP01"] == "Not applicable (out of scope)"
    assert (sec2.reviewer, sec2.decided_at, sec2.note) == ("dana", "2026-03-03T14:05:00Z", NOTE)
    doc = sample_doc()
    decisions = _decisions()
    decisions["fault-isolation"].choices = {"rel_fault_isolation_multiaz_region_system": {"status": "unselected"}}
    rel10 = next(r for r in build_record(doc, decisions).questions if r.question.label == "REL 10")
    assert [c.choice.bp for c in rel10.differences] == ["REL10-BP01"], "a supported practice the team rejected"
    assert rel10.confirmed_risk == "HIGH"


def test_none_of_these_gives_high_and_all_not_applicable_gives_not_applicable() -> None:
    decisions = {"fault-isolation": {"choices": {"rel_fault_isolation_no": {"status": "selected"}},
                                     "reviewer": "x", "decided_at": "2026-03-03T10:00:00Z"}}
    rec = build_record(sample_doc(), decisions)
    rel10 = next(r for r in rec.questions if r.question.label == "REL 10")
    assert rel10.none_selected and rel10.confirmed_risk == "HIGH"
    decisions = {"fault-isolation": {"choices": {"rel_fault_isolation_multiaz_region_system": {
        "status": "not_applicable", "reason": "business_priorities"}}}}
    rel10 = next(r for r in build_record(sample_doc(), decisions).questions if r.question.label == "REL 10")
    assert rel10.confirmed_risk == "NOT_APPLICABLE"


def test_plan_is_built_from_confirmed_risks(record: Any) -> None:
    assert [s.record.question.label for s in record.plan] == ["SEC 2"]
    step = record.plan[0]
    assert [c.choice.bp for c in step.missing] == ["SEC02-BP02"]
    assert [f[0] for f in step.fixes] == ["iam.access_keys_rotated", "ec2.instance_has_role"]


def test_html_shows_decisions_notes_and_unreviewed(record: Any) -> None:
    html = render_record_html(record)
    page = Page(html)
    assert NOTE in page.text and "dana" in page.text and "2026-03-03 14:05 UTC" in page.text
    assert "Not applicable (out of scope)" in page.text
    assert page.text.count("No decision recorded: this question is not answered yet.") == 3
    assert "Evidence changed: review again" in page.text
    assert "2 of 6 questions confirmed by dana, lee" in " ".join(page.text.split())
    assert "https://docs.aws.amazon.com/wellarchitected/latest/framework/sec_identities_unique.html" in html
    assert [t for t, _ in page.tags].count("script") == 0


def test_account_data_in_notes_is_escaped() -> None:
    decisions = _decisions()
    decisions["identities"].note = EVIL_NAME + " [x](http://evil) |cell|"
    rec = build_record(sample_doc(), decisions)
    html = render_record_html(rec)
    assert EVIL_NAME not in html and "&lt;script&gt;" in html
    md = render_record_markdown(rec)
    assert "[x](http://evil)" not in md and "|cell|" not in md


def test_markdown_has_the_same_record(record: Any) -> None:
    md = render_record_markdown(record)
    assert "## Outcome of the review" in md and "| Security | 1 | 0 | 0 | 1 | 3 |" in md
    assert "Not applicable \\(out of scope\\)" in md or "Not applicable (out of scope)" in md
    assert "No decision recorded" in md
    assert "[SEC02-BP02](https://docs.aws.amazon.com/wellarchitected/latest/framework/sec_identities_unique.html)" in md


def test_questions_csv_has_one_row_per_question_with_owner_and_due_date(record: Any) -> None:
    rows = csv_rows(questions_csv(record))
    assert tuple(rows[0]) == QUESTION_COLUMNS and len(rows) == 1 + len(record.questions)
    by = {r[1]: dict(zip(QUESTION_COLUMNS, r, strict=True)) for r in rows[1:]}
    sec2 = by["SEC 2"]
    assert (sec2["Suggested risk"], sec2["Confirmed risk"], sec2["Selected choices"]) == ("High", "High", "SEC02-BP04")
    assert sec2["Not applicable"] == "SEC02-BP01 (out of scope)" and sec2["Note"] == NOTE
    assert (sec2["Reviewer"], sec2["Confirmed at"], sec2["Owner"], sec2["Due date"]) == (
        "dana", "2026-03-03T14:05:00Z", "", "")
    assert by["SEC 3"]["State"] == "Unreviewed" and by["SEC 3"]["Confirmed risk"] == ""
    assert by["REL 9"]["Confirmed risk"] == "", "a flagged decision is not a confirmed risk"


def test_none_of_these_is_recognised_by_the_lens_id_when_given() -> None:
    decisions = {"fault-isolation": {"choices": {"acme_isolation_none": {"status": "selected"}}}}
    rec = build_record(sample_doc(), decisions, none_choices={"fault-isolation": "acme_isolation_none"})
    assert next(r for r in rec.questions if r.question.label == "REL 10").none_selected
    decisions = {"fault-isolation": {"choices": {"rel_fault_isolation_no": {"status": "selected"}}}}
    rec = build_record(sample_doc(), decisions, none_choices={"fault-isolation": "acme_isolation_none"})
    assert not next(r for r in rec.questions if r.question.label == "REL 10").none_selected
