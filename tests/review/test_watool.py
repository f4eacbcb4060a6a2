"""Push to the WA Tool with botocore's Stubber on the real service model (moto has no WA Tool)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from botocore.stub import ANY, Stubber

import scanner.review.watool as watool
from scanner.cli import main
from scanner.history import open_history, record_scan
from scanner.review.decisions import Decision, Draft
from scanner.review.watool import (
    CHOICE_NOTES_MAX,
    QUESTION_NOTES_MAX,
    WriteGuardViolation,
    merge_notes,
    push_session,
)
from tests.workflow.fixtures import base_findings, make_doc

WID = "0123456789abcdef0123456789abcdef"
LENS = "wellarchitected"


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "h.db"
    scan_id = record_scan(make_doc(base_findings()), path)
    with open_history(path) as h:
        h.save_decisions(scan_id, [
            Decision("identities", {"sec_identities_audit": {"status": "unselected"},
                                    "sec_identities_enforce_mechanisms": {"status": "selected"}},
                     "MFA enforced by the IdP", "jane"),
            Decision("permissions", {"sec_permissions_share_securely": {"status": "not_applicable",
                                                                         "reason": "business_priorities"}}, "", "jane"),
        ])
    return path


@pytest.fixture
def stub(monkeypatch):
    """The push's client (made from a guarded push session) with a Stubber; the requests sent are recorded."""
    client = push_session(region="us-east-1").client("wellarchitected")
    sent: list = []
    client.meta.events.register("before-parameter-build.wellarchitected.*",
                                lambda params, model, **_: sent.append((model.name, dict(params))))
    stubber = Stubber(client)
    stubber.activate()
    monkeypatch.setattr(watool, "push_client", lambda session: client)
    slept: list = []
    monkeypatch.setattr(watool, "_sleep", slept.append)
    return SimpleNamespace(stubber=stubber, sent=sent, slept=slept)


def _answer(question: str, selected: list[str], choice_answers: list[dict] | None = None, notes: str | None = None):
    answer = {"QuestionId": question, "SelectedChoices": selected, "ChoiceAnswers": choice_answers or []}
    if notes is not None:
        answer["Notes"] = notes
    return {"WorkloadId": WID, "LensAlias": LENS, "Answer": answer}


def _get(stubber, question, **kw):
    stubber.add_response("get_answer", _answer(question, **kw),
                         {"WorkloadId": WID, "LensAlias": LENS, "QuestionId": question})


def _update(stubber, question):
    stubber.add_response("update_answer", {"WorkloadId": WID, "LensAlias": LENS, "Answer": {"QuestionId": question}},
                         {"WorkloadId": WID, "LensAlias": LENS, "QuestionId": question, "SelectedChoices": ANY,
                          "ChoiceUpdates": ANY, "Notes": ANY})


def _error_line(stderr: str) -> str:
    """The one error line the CLI printed (after any progress lines)."""
    errors = [line for line in stderr.splitlines() if line.startswith("wa-scan: error:")]
    assert len(errors) == 1 and stderr.endswith(errors[0] + "\n"), stderr
    return errors[0]


def _push(db, *extra):
    return main(["push", "--workload-id", WID, "--db", str(db), "--region", "us-east-1", *extra])


def test_update_merges_with_what_the_console_holds(db, stub, capsys):
    stubber = stub.stubber
    # SEC 2 in the console: the audit choice and a choice the review did not decide are selected; a person's note.
    _get(stubber, "identities", selected=["sec_identities_audit", "sec_identities_groups_attributes"],
         choice_answers=[{"ChoiceId": "sec_identities_audit", "Status": "SELECTED", "Notes": "set by hand"}],
         notes="Discussed with the platform team.")
    _update(stubber, "identities")
    _get(stubber, "permissions", selected=[])
    _update(stubber, "permissions")

    assert _push(db) == 0

    stubber.assert_no_pending_responses()
    updates = [p for op, p in stub.sent if op == "UpdateAnswer"]
    sec2, sec3 = updates
    assert sec2["SelectedChoices"] == ["sec_identities_groups_attributes", "sec_identities_enforce_mechanisms"]
    assert sec2["ChoiceUpdates"]["sec_identities_audit"]["Status"] == "UNSELECTED"
    assert sec2["ChoiceUpdates"]["sec_identities_audit"]["Notes"].startswith("set by hand\n\n[wa-scan] 1 of 2 findings")
    assert sec2["ChoiceUpdates"]["sec_identities_enforce_mechanisms"] == {"Status": "SELECTED"}
    assert "sec_identities_groups_attributes" not in sec2["ChoiceUpdates"]  # the console's choice is kept as is
    assert sec2["Notes"].startswith("Discussed with the platform team.\n\n[wa-scan] Confirmed by jane on ")
    assert "MFA enforced by the IdP" in sec2["Notes"] and "wa-scan show 123456789012-" in sec2["Notes"]
    assert sec3["SelectedChoices"] == []
    assert sec3["ChoiceUpdates"]["sec_permissions_share_securely"]["Status"] == "NOT_APPLICABLE"
    assert sec3["ChoiceUpdates"]["sec_permissions_share_securely"]["Reason"] == "BUSINESS_PRIORITIES"
    err = capsys.readouterr().err
    assert "sec_identities_audit: selected -> not selected" in err and "wrote 2 answers" in err


def test_second_push_writes_nothing_when_the_tool_already_agrees(db, stub, capsys):
    stubber = stub.stubber
    _get(stubber, "identities", selected=["sec_identities_audit"])
    _update(stubber, "identities")
    _get(stubber, "permissions", selected=[])
    _update(stubber, "permissions")
    assert _push(db) == 0
    first = {p["QuestionId"]: p for op, p in stub.sent if op == "UpdateAnswer"}
    # Answer the second push with what the first one wrote.
    for q in ("identities", "permissions"):
        p = first[q]
        _get(stubber, q, selected=p["SelectedChoices"], notes=p["Notes"],
             choice_answers=[{"ChoiceId": c, **u} for c, u in p["ChoiceUpdates"].items()])
    stub.sent.clear()
    assert _push(db) == 0
    stubber.assert_no_pending_responses()
    assert [op for op, _ in stub.sent] == ["GetAnswer", "GetAnswer"]
    assert "2 already up to date" in capsys.readouterr().err


def test_create_workload_and_milestone(db, stub, capsys):
    stubber = stub.stubber
    stubber.add_response("list_workloads", {"WorkloadSummaries": [{"WorkloadId": "f" * 32,
                                                                   "WorkloadName": "payments-prod-old"}]},
                         {"WorkloadNamePrefix": "payments-prod"})
    stubber.add_response("create_workload", {"WorkloadId": WID, "WorkloadArn": "arn:x"},
                         {"WorkloadName": "payments-prod", "Description": ANY, "Environment": "PREPRODUCTION",
                          "AccountIds": ["123456789012"], "AwsRegions": ["us-east-1", "eu-west-1"],
                          "Lenses": [LENS], "ReviewOwner": ANY, "ClientRequestToken": ANY})
    for q in ("identities", "permissions"):
        _get(stubber, q, selected=[])
        _update(stubber, q)
    stubber.add_response("create_milestone", {"WorkloadId": WID, "MilestoneNumber": 1},
                         {"WorkloadId": WID, "MilestoneName": "first review", "ClientRequestToken": ANY})

    code = main(["push", "--workload-name", "payments-prod", "--create", "--environment", "PREPRODUCTION",
                 "--milestone", "first review", "--db", str(db), "--region", "us-east-1"])

    assert code == 0
    stubber.assert_no_pending_responses()
    assert "milestone 1 recorded" in capsys.readouterr().err


def test_missing_workload_without_create_is_an_error(db, stub, capsys):
    stubber = stub.stubber
    stubber.add_response("list_workloads", {"WorkloadSummaries": []}, {"WorkloadNamePrefix": "nope-workload"})
    assert main(["push", "--workload-name", "nope-workload", "--db", str(db), "--region", "us-east-1"]) == 2
    assert "pass --create" in capsys.readouterr().err


def test_dry_run_prints_the_requests_and_writes_nothing(db, stub, capsys):
    stubber = stub.stubber
    _get(stubber, "identities", selected=["sec_identities_audit"])
    _get(stubber, "permissions", selected=[])

    assert _push(db, "--dry-run", "--milestone", "nightly") == 0

    stubber.assert_no_pending_responses()
    assert [op for op, _ in stub.sent] == ["GetAnswer", "GetAnswer"]
    out = capsys.readouterr()
    assert out.out.count("UpdateAnswer {") == 2 and "CreateMilestone {" in out.out
    assert '"QuestionId": "identities"' in out.out and '"Status": "UNSELECTED"' in out.out
    assert "would write 2 answers" in out.err


def test_notes_stay_within_the_api_limits(db, stub):
    human = "h" * 2000
    merged = merge_notes(human, "x " * 500, QUESTION_NOTES_MAX)
    assert QUESTION_NOTES_MAX - 2 <= len(merged) <= QUESTION_NOTES_MAX
    assert merged.startswith(human) and merged.endswith("\u2026 [/wa-scan]")
    assert merge_notes("h" * 2080, "evidence", QUESTION_NOTES_MAX) == "h" * 2080  # a person's text is never cut
    assert merge_notes(merged, "short", QUESTION_NOTES_MAX) == human + "\n\n[wa-scan] short [/wa-scan]"

    # Through a real push: very long messages and a long reviewer note.
    with open_history(db) as h:
        scan_id = h.resolve("latest")
        h.save_decision(scan_id, Decision("identities", {"sec_identities_audit": {"status": "unselected"}},
                                          "n" * 3000, "jane"))
    stubber = stub.stubber
    _get(stubber, "identities", selected=[],
         choice_answers=[{"ChoiceId": "sec_identities_audit", "Status": "UNSELECTED", "Notes": "c" * 200}])
    _update(stubber, "identities")
    _get(stubber, "permissions", selected=[])
    _update(stubber, "permissions")
    assert _push(db) == 0
    sec2 = next(p for op, p in stub.sent if op == "UpdateAnswer")
    assert len(sec2["Notes"]) <= QUESTION_NOTES_MAX
    assert len(sec2["ChoiceUpdates"]["sec_identities_audit"]["Notes"]) <= CHOICE_NOTES_MAX
    assert sec2["ChoiceUpdates"]["sec_identities_audit"]["Notes"].startswith("c" * 200)


def test_throttling_is_retried_then_reported(db, stub, capsys):
    stubber = stub.stubber
    for _ in range(2):
        stubber.add_client_error("get_answer", "ThrottlingException", "Rate exceeded", 400)
    _get(stubber, "identities", selected=[])
    _update(stubber, "identities")
    for _ in range(watool.ATTEMPTS):
        stubber.add_client_error("get_answer", "ThrottlingException", "Rate exceeded", 400)

    assert _push(db) == 3

    err = _error_line(capsys.readouterr().err)
    assert "kept throttling wellarchitected:GetAnswer" in err and "1 answers were written before this" in err
    assert stub.slept == [0.5, 1.0, 0.5, 1.0, 2.0]


def test_access_denied_is_one_line_and_nonzero(db, stub, capsys):
    stubber = stub.stubber
    _get(stubber, "identities", selected=[])
    stubber.add_client_error("update_answer", "AccessDeniedException", "User is not authorized", 403)

    assert _push(db) == 2

    err = _error_line(capsys.readouterr().err)
    assert "access denied to wellarchitected:UpdateAnswer; nothing was written" in err


def test_nothing_confirmed_means_nothing_pushed(tmp_path, capsys):
    db = tmp_path / "h.db"
    record_scan(make_doc(base_findings()), db)
    assert _push(db) == 2
    assert "no confirmed answers" in capsys.readouterr().err


def test_push_client_refuses_every_other_service():
    session = push_session(region="us-east-1")
    sts = session.client("sts")
    Stubber(sts).activate()  # even a stubbed answer cannot get past the guard
    with pytest.raises(WriteGuardViolation, match="refused sts:GetCallerIdentity"):
        sts.get_caller_identity()
    with pytest.raises(WriteGuardViolation, match="refused s3:DeleteBucket"):
        session.client("s3").delete_bucket(Bucket="anything")


def test_drafts_are_never_pushed(tmp_path, capsys):
    db = tmp_path / "h.db"
    scan_id = record_scan(make_doc(base_findings()), db)
    with open_history(db) as h:
        h.save_draft(scan_id, Draft("identities", {"sec_identities_audit": {"status": "selected"}}, "", "jane"))
    assert _push(db) == 2
    assert "no confirmed answers" in capsys.readouterr().err


def test_preview_works_offline_without_credentials(db, capsys, monkeypatch, tmp_path):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))

    def no_aws(*_args, **_kwargs):
        raise AssertionError("the preview made an AWS session")

    monkeypatch.setattr(watool, "push_session", no_aws)
    monkeypatch.setattr(watool, "push_client", no_aws)
    monkeypatch.setattr("boto3.Session", no_aws)
    assert main(["push", "--db", str(db), "--preview"]) == 0
    captured = capsys.readouterr()
    assert captured.out.count("UpdateAnswer ") == 2
    assert '"WorkloadId": "WORKLOAD_ID"' in captured.out and '"QuestionId": "identities"' in captured.out
    assert '"sec_identities_enforce_mechanisms"' in captured.out  # selected in the review
    assert "2 answers would be written to an empty workload; 1 questions not confirmed" in captured.err
    assert "offline (no AWS call)" in captured.err
    # With an id, the requests name it; options that need AWS are refused in one line.
    assert main(["push", "--db", str(db), "--preview", "--workload-id", WID]) == 0
    assert f'"WorkloadId": "{WID}"' in capsys.readouterr().out
    assert main(["push", "--db", str(db), "--preview", "--milestone", "Q3 review"]) == 2
    assert "--preview calls nothing" in capsys.readouterr().err


def test_push_without_a_workload_says_what_it_needs(db, capsys):
    assert main(["push", "--db", str(db)]) == 2
    assert "needs --workload-id or --workload-name (or --preview" in capsys.readouterr().err
