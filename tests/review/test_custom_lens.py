"""A scan made with a custom lens is reviewed (terminal, file, web) and pushed with that lens's choices."""

from __future__ import annotations

import io
import sys
import warnings

import pytest
import yaml
from botocore.stub import ANY, Stubber

import scanner.review.watool as watool
from mappings.suggest import add_suggestions
from scanner.cli import main
from scanner.history import open_history, record_scan
from scanner.review.watool import push_session
from scanner.scan import installed_checks
from tests.mappings.conftest import DATA
from tests.workflow.fixtures import base_findings, make_doc

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*install `httpx2`.*")
    from tests.review.web.conftest import ORIGIN, make_client

QUESTION = "acme_sec_01"
NONE_CHOICE = "acme_sec_01_no"  # the custom lens's "None of these": in no default-lens question
LENS_ARN = "arn:aws:wellarchitected:us-east-1:123456789012:lens/0123456789abcdef0123456789abcdef"
WID = "0123456789abcdef0123456789abcdef"


def acme_doc() -> dict:
    """The workflow scan's findings, suggested against the Acme lens and mapping."""
    doc = make_doc(base_findings())
    for key in ("lens", "suggestions", "improvements"):
        doc.pop(key)
    add_suggestions(doc, lens_path=DATA / "acme-lens.json", mapping_path=DATA / "acme-mapping.toml",
                    checks=installed_checks())
    return doc


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "h.db"
    record_scan(acme_doc(), path)
    return path


def test_the_scan_carries_its_custom_lens():
    lens = acme_doc()["lens"]
    assert lens["name"] == "Acme Platform Standards"
    question = next(q for p in lens["pillars"] for q in p["questions"] if q["id"] == QUESTION)
    assert question["none_choice"] == NONE_CHOICE


def test_terminal_review_offers_the_custom_lens_choices(monkeypatch, capsys, db):
    # Change SEC question 1: keep its three practices, select the fourth choice ("None of these"), no note; quit.
    monkeypatch.setattr(sys, "stdin", io.StringIO("c\n\n\n\ns\n\nq\n"))
    assert main(["review", "--db", str(db), "--reviewer", "jane", "--question", QUESTION]) == 0
    out = capsys.readouterr().out
    assert "4. None of these" in out
    with open_history(db) as h:
        decision = h.decisions(h.resolve("latest"))[QUESTION]
    assert decision.choices[NONE_CHOICE] == {"status": "selected"}


def test_file_review_exports_and_imports_the_custom_lens_choices(db, tmp_path):
    path = tmp_path / "review.yaml"
    assert main(["review", "--db", str(db), "--export", str(path)]) == 0
    data = yaml.safe_load(path.read_text())
    question = next(q for q in data["questions"] if q["question"] == QUESTION)
    assert NONE_CHOICE in question["choices"]
    question["choices"] = {NONE_CHOICE: "selected"}
    question["confirmed"] = True
    path.write_text(yaml.safe_dump(data))
    assert main(["review", "--db", str(db), "--import", str(path), "--reviewer", "jane"]) == 0
    with open_history(db) as h:
        assert h.decisions(h.resolve("latest"))[QUESTION].choices == {NONE_CHOICE: {"status": "selected"}}


def test_web_review_shows_and_accepts_the_custom_lens_choices(db):
    client, access, history = make_client(db)
    with client:
        page = client.get(f"/q/{QUESTION}")
        assert page.status_code == 200 and f'name="choice.{NONE_CHOICE}"' in page.text
        r = client.post(f"/q/{QUESTION}", headers={"origin": ORIGIN},
                        data={"csrf": access.csrf, "action": "confirm", "note": "",
                              f"choice.{NONE_CHOICE}": "selected"})
        assert r.status_code in (200, 303)
    history.close()
    with open_history(db) as h:
        assert h.decisions(h.resolve("latest"))[QUESTION].choices == {NONE_CHOICE: {"status": "selected"}}


def test_push_needs_the_lens_arn_and_writes_to_that_lens(db, monkeypatch, capsys):
    with open_history(db) as h:
        scan_id = h.resolve("latest")
    path = db.parent / "review.yaml"
    assert main(["review", "--db", str(db), "--export", str(path)]) == 0
    data = yaml.safe_load(path.read_text())
    for q in data["questions"]:
        q["confirmed"] = q["question"] == QUESTION
    next(q for q in data["questions"] if q["question"] == QUESTION)["choices"] = {"keys_rotated": "selected"}
    path.write_text(yaml.safe_dump(data))
    assert main(["review", "--db", str(db), "--import", str(path), "--reviewer", "jane"]) == 0

    assert main(["push", "--db", str(db), "--workload-id", WID]) == 2
    assert "custom lens 'Acme Platform Standards': pass --lens-arn" in capsys.readouterr().err

    client = push_session(region="us-east-1").client("wellarchitected")
    stubber = Stubber(client)
    # The workload's answer still has "None of these" selected: the review's practice replaces it.
    stubber.add_response("get_answer", {"WorkloadId": WID, "LensAlias": LENS_ARN, "Answer": {
        "QuestionId": QUESTION, "SelectedChoices": [NONE_CHOICE], "ChoiceAnswers": []}},
        {"WorkloadId": WID, "LensAlias": LENS_ARN, "QuestionId": QUESTION})
    stubber.add_response("update_answer", {"WorkloadId": WID, "LensAlias": LENS_ARN,
                                           "Answer": {"QuestionId": QUESTION}},
                         {"WorkloadId": WID, "LensAlias": LENS_ARN, "QuestionId": QUESTION,
                          "SelectedChoices": ["keys_rotated"], "ChoiceUpdates": ANY, "Notes": ANY})
    stubber.activate()
    monkeypatch.setattr(watool, "push_client", lambda session: client)
    assert main(["push", "--db", str(db), "--scan", scan_id, "--workload-id", WID, "--lens-arn", LENS_ARN]) == 0
    stubber.assert_no_pending_responses()
