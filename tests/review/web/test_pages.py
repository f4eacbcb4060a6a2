"""The review pages through Starlette's TestClient: what they show, and what a posted form records."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from scanner.cli import main
from scanner.history import open_history, record_scan
from tests.review.web.conftest import ORIGIN, make_client
from tests.workflow.fixtures import IAM, base_findings, finding, make_doc

SEC2, SEC3, SEC4 = "/q/identities", "/q/permissions", "/q/detect-investigate-events"
AUDIT = "sec_identities_audit"
SHARE = "sec_permissions_share_securely"


def post(client, access, path, *, json_reply=False, **fields):
    headers = {"origin": ORIGIN}
    if json_reply:
        headers["accept"] = "application/json"
    return client.post(path, data={"csrf": access.csrf, **fields}, headers=headers)


def decisions(db: Path) -> dict:
    with open_history(db) as h:
        return h.decisions(h.resolve(None))


def drafts(db: Path) -> dict:
    with open_history(db) as h:
        return h.drafts(h.resolve(None))


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_overview_shows_pillars_progress_risks_and_states(web, db):
    client, access = web
    page = text_of(client.get("/").text)
    assert "Security 0 of 3 confirmed" in page
    assert "SEC 2 How do you manage identities for people and machines?" in page
    assert "Continue with SEC 2" in page
    assert "3 not reviewed yet" in page
    post(client, access, SEC2, **{f"choice.{AUDIT}": "unselected", "action": "confirm"})
    page = text_of(client.get("/").text)
    assert "Security 1 of 3 confirmed" in page and "1 of 3 confirmed" in page
    assert "Continue with SEC 3" in page, "the review resumes after the question decided last"
    assert "Confirmed Jane Doe" in page


def test_overview_filters_need_a_reviewer_and_risk(web):
    client, access = web
    post(client, access, SEC2, action="confirm", **{f"choice.{AUDIT}": "unselected"})
    open_page = client.get("/?show=open").text
    assert ">SEC 2<" not in open_page and ">SEC 3<" in open_page and ">SEC 4<" in open_page
    assert "2 of 3 questions shown" in text_of(open_page)
    confirmed = client.get("/?show=confirmed").text
    assert ">SEC 2<" in confirmed and ">SEC 3<" not in confirmed
    high = client.get("/?risk=HIGH").text
    assert ">SEC 4<" in high and ">SEC 3<" not in high
    assert client.get("/?show=<b>&risk=x").status_code == 200, "an unknown filter shows everything"


def test_jump_to_a_question_by_label(web):
    client, access = web
    r = client.get("/go?q=sec 3")
    assert r.status_code == 303 and r.headers["location"] == SEC3
    assert client.get("/go?q=SEC4").headers["location"] == SEC4
    r = client.get("/go?q=<b>OPS 99</b>")
    assert r.status_code == 404 and "No question &#39;&lt;b&gt;OPS 99&lt;/b&gt;&#39;" in r.text
    assert client.get("/q/nothing").status_code == 404


def test_question_page_shows_choices_suggestions_and_evidence(web):
    client, access = web
    html = client.get(SEC2).text
    page = text_of(html)
    # Choices in WA Tool order, then the lens's others, then "None of these".
    titles = re.findall(r'<span class="ctitle" id="t\d+">([^<]+)</span>', html)
    assert titles[:2] == ["Use strong sign-in mechanisms", "Audit and rotate credentials periodically"]
    assert titles[-1] == "None of these"
    assert "Contradicted" in page and "Unknown" in page
    # The evidence behind a choice: message, resource, region, observed values, API source, time.
    assert "IAM user alice: key 1 is 200 days old (limit 90)" in page
    assert f"{IAM}alice" in page and "x:Y" in page and "2025-01-01T00:00:00Z" in page
    assert "global" in page
    assert "Not reviewed yet" in page
    # The proposal (contradicted: not selected) is what the form holds until someone decides.
    assert re.search(rf'name="choice\.{AUDIT}" value="unselected" checked', html)
    assert "Confirm and go to SEC 3" in page and 'rel="next"' in html


def test_question_page_shows_the_survey_baseline(tmp_path):
    doc = make_doc(base_findings())
    doc["suggestions"][0]["baseline"] = {"high_risk_pct": 47, "text": "47% of reviewed workloads had a High risk.",
                                         "source": "a survey"}
    db = tmp_path / "h.db"
    record_scan(doc, db)
    client, access, history = make_client(db)
    page = text_of(client.get(SEC2).text)
    assert "Survey of about 150 reviewed workloads" in page and "47% High risk" in page and "a survey" in page
    history.close()


def test_a_plain_post_records_the_decision_and_moves_on(web, db, tmp_path):
    client, access = web
    r = post(client, access, SEC2, action="next", note="keys tracked in JIRA-1",
             **{f"choice.{AUDIT}": "selected", "choice.sec_identities_enforce_mechanisms": "not_applicable",
                "reason.sec_identities_enforce_mechanisms": "out_of_scope", "choice.sec_identities_no": "undecided"})
    assert r.status_code == 303 and r.headers["location"] == SEC3 + "?confirmed=identities"
    assert 'id="undo"' in client.get(r.headers["location"]).text, "the next page offers to undo it"
    d = decisions(db)["identities"]
    assert d.confirmed and d.reviewer == "Jane Doe" and d.note == "keys tracked in JIRA-1" and d.source == "review"
    assert d.choices == {AUDIT: {"status": "selected"},
                         "sec_identities_enforce_mechanisms": {"status": "not_applicable", "reason": "out_of_scope"}}
    # Reloading shows what was saved.
    html = client.get(SEC2).text
    assert re.search(rf'name="choice\.{AUDIT}" value="selected" checked', html)
    assert "Confirmed by <strong>Jane Doe</strong>" in html and "keys tracked in JIRA-1" in html
    # The same decision is what the YAML export and the push see.
    out = tmp_path / "review.yaml"
    assert main(["review", "--db", str(db), "--export", str(out)]) == 0
    q = next(q for q in yaml.safe_load(out.read_text())["questions"] if q["question"] == "identities")
    assert q["confirmed"] is True and q["note"] == "keys tracked in JIRA-1"
    assert q["choices"][AUDIT] == "selected"
    assert q["choices"]["sec_identities_enforce_mechanisms"] == "not_applicable:out_of_scope"


def test_confirm_and_stay(web, db):
    client, access = web
    r = post(client, access, SEC4, action="confirm")
    assert r.status_code == 303 and r.headers["location"] == f"{SEC4}?saved=1"
    assert "Confirmed." in client.get(r.headers["location"]).text
    assert decisions(db)["detect-investigate-events"].confirmed


def test_the_script_saves_a_draft_without_a_reload(web, db):
    client, access = web
    r = post(client, access, SEC3, json_reply=True, action="draft", **{f"choice.{SHARE}": "selected"})
    assert r.status_code == 200
    body = r.json()
    assert body["ok"] is True and body["draft"] is True and body["state"] == "open"
    assert body["confirmed"] == 0 and body["total"] == 3 and body["reviewer"] == "Jane Doe"
    assert decisions(db) == {}
    d = drafts(db)["permissions"]
    assert d.choices == {SHARE: {"status": "selected"}} and d.reviewer == "Jane Doe" and d.saved_at


def test_a_change_is_a_draft_until_confirmed(web, db, tmp_path):
    client, access = web
    # A plain POST without a confirm action (the "Save draft" button, or no action at all) saves a draft.
    r = post(client, access, SEC3, action="draft", note="half done", **{f"choice.{SHARE}": "unselected"})
    assert r.status_code == 303 and r.headers["location"] == f"{SEC3}?saved=draft"
    assert "Draft saved, not confirmed." in client.get(r.headers["location"]).text
    post(client, access, SEC3, note="still half done", **{f"choice.{SHARE}": "unselected"})
    assert decisions(db) == {} and drafts(db)["permissions"].note == "still half done"
    # Overview: marked, not counted; the review continues at the draft.
    page = text_of(client.get("/").text)
    assert "0 / 3 questions confirmed" in page and "1 draft not confirmed" in page
    assert "Continue with SEC 3" in page
    assert 'class="badge state-draft"' in client.get("/").text
    shown = client.get("/?show=draft").text
    assert ">SEC 3<" in shown and ">SEC 2<" not in shown
    # Reopened, the form holds the draft.
    html = client.get(SEC3).text
    assert re.search(rf'name="choice\.{SHARE}" value="unselected" checked', html)
    assert ">still half done</textarea>" in html and 'id="draft-banner" hidden' not in html
    # Export: the draft's values, not confirmed; push has nothing.
    out = tmp_path / "review.yaml"
    assert main(["review", "--db", str(db), "--export", str(out)]) == 0
    q = next(q for q in yaml.safe_load(out.read_text())["questions"] if q["question"] == "permissions")
    assert q["confirmed"] is False and q["note"] == "still half done" and q["choices"][SHARE] == "unselected"
    assert "# DRAFT by Jane Doe on" in out.read_text()
    assert "No confirmed decision yet" in text_of(client.get("/push").text)
    # Confirm: the draft becomes the decision, in one step.
    r = post(client, access, SEC3, action="next", note="still half done", **{f"choice.{SHARE}": "unselected"})
    assert r.status_code == 303 and r.headers["location"] == SEC4 + "?confirmed=permissions"
    d = decisions(db)["permissions"]
    assert d.confirmed and d.note == "still half done" and d.choices == {SHARE: {"status": "unselected"}}
    assert drafts(db) == {}
    page = text_of(client.get("/").text)
    assert "1 / 3 questions confirmed" in page and "0 drafts not confirmed" in page
    assert main(["review", "--db", str(db), "--export", str(out), "--force"]) == 0
    q = next(q for q in yaml.safe_load(out.read_text())["questions"] if q["question"] == "permissions")
    assert q["confirmed"] is True and q["choices"][SHARE] == "unselected"
    # A change after confirming is a draft again; the confirmed decision still counts and is what export sees.
    body = post(client, access, SEC3, json_reply=True, action="draft", note="rethinking",
                **{f"choice.{SHARE}": "selected"}).json()
    assert body["draft"] is True and body["state"] == "confirmed" and body["confirmed"] == 1
    assert decisions(db)["permissions"].choices == {SHARE: {"status": "unselected"}}
    assert "A change is saved as a draft" in client.get(SEC3).text
    # Changing it back to what is confirmed leaves nothing to confirm.
    body = post(client, access, SEC3, json_reply=True, action="draft", note="still half done",
                **{f"choice.{SHARE}": "unselected"}).json()
    assert body["draft"] is False and drafts(db) == {}


def test_not_applicable_without_a_reason_saves_the_rest_and_names_what_is_missing(web, db):
    client, access = web
    # The script's save: the note typed after choosing N/A is kept, and the missing reason named.
    r = post(client, access, SEC3, json_reply=True, action="draft", note="kept",
             **{f"choice.{SHARE}": "not_applicable"})
    assert r.status_code == 200 and r.json()["draft"] is True
    assert r.json()["missing"] == [
        "1. Share resources securely within your organization: not applicable needs a reason"]
    d = drafts(db)["permissions"]
    assert d.note == "kept" and d.choices == {SHARE: {"status": "not_applicable"}}
    html = client.get(SEC3).text
    assert 'name="choice.sec_permissions_share_securely" value="not_applicable" checked' in html
    assert ">kept</textarea>" in html and "Saved as a draft; before confirming, complete:" in html
    assert re.search(r'<li><a href="#c(\d+)">\1\. Share resources securely', html), "the gap links to its choice"
    # Confirming it is refused, and still loses nothing: the draft holds what was posted.
    r = post(client, access, SEC3, action="next", note="kept, and more", **{f"choice.{SHARE}": "not_applicable"})
    assert r.status_code == 303 and r.headers["location"] == f"{SEC3}?saved=unconfirmed"
    r = client.get(r.headers["location"])
    assert "Not confirmed: everything is saved as a draft" in r.text
    assert re.search(r'class="crow has-problem" id="c\d+" data-choice="sec_permissions_share_securely"', r.text)
    assert ">kept, and more</textarea>" in r.text
    assert decisions(db) == {} and drafts(db)["permissions"].note == "kept, and more"
    # A reason off the list is refused outright (no browser sends one).
    r = post(client, access, SEC3, json_reply=True, **{f"choice.{SHARE}": "not_applicable",
                                                        f"reason.{SHARE}": "bogus"})
    assert r.status_code == 422 and f"reason.{SHARE}" in r.json()["problems"]
    assert drafts(db)["permissions"].note == "kept, and more"


def test_undo_reopens_a_confirmed_question_and_keeps_its_answers(web, db):
    client, access = web
    post(client, access, SEC3, action="confirm", note="decided", **{f"choice.{SHARE}": "selected"})
    assert decisions(db)["permissions"].confirmed
    html = client.get(SEC3).text
    assert 'value="reopen" id="reopen"' in html
    r = post(client, access, SEC3, action="reopen")
    assert r.status_code == 303 and r.headers["location"] == f"{SEC3}?saved=reopened"
    assert decisions(db) == {}
    d = drafts(db)["permissions"]
    assert d.choices == {SHARE: {"status": "selected"}} and d.note == "decided"
    html = client.get(r.headers["location"]).text
    assert "Reopened" in html and "Not reviewed yet" in html and ">decided</textarea>" in html
    # Reopening what is not confirmed changes nothing.
    assert post(client, access, SEC3, json_reply=True, action="reopen").status_code == 409


def test_a_bare_enter_in_a_field_saves_a_draft_and_never_confirms(web):
    client, _access = web
    html = client.get(SEC3).text
    form = html[html.index('<form id="decision"'):]
    first = re.search(r'<button type="submit" name="action" value="(\w+)"', form)
    assert first and first.group(1) == "draft", "implicit submission presses the first submit button"


def test_unknown_choices_and_statuses_are_refused(web, db):
    client, access = web
    assert post(client, access, SEC3, **{"choice.sec_identities_audit": "selected"}).status_code == 422
    assert post(client, access, SEC3, **{f"choice.{SHARE}": "maybe"}).status_code == 422
    assert post(client, access, SEC3, note="x" * 2001).status_code == 422
    assert post(client, access, "/q/nothing", **{f"choice.{SHARE}": "selected"}).status_code == 404
    assert decisions(db) == {} and drafts(db) == {}


def test_evidence_changed_since_the_review(tmp_path):
    db = tmp_path / "h.db"
    record_scan(make_doc(base_findings()), db)
    client, access, history = make_client(db)
    post(client, access, SEC3, action="confirm", note="bucket is being fixed", **{f"choice.{SHARE}": "unselected"})
    history.close()
    # The next scan: the public bucket is gone, a new one appears.
    findings = [f for f in base_findings() if f["check"] != "s3.bucket_not_public"]
    findings.append(finding("s3.bucket_not_public", "global", "arn:aws:s3:::shared-reports", "fail",
                            "Bucket shared-reports is public"))
    record_scan(make_doc(findings, started="2025-02-01T00:00:00Z"), db)
    client, access, history = make_client(db)
    page = text_of(client.get(SEC3).text)
    assert "Evidence changed since the review by Jane Doe" in page
    assert "New finding: fail Bucket shared-reports is public" in page
    assert "No longer found: was fail" in page
    assert "Evidence changed" in text_of(client.get("/?show=changed").text)
    assert ">SEC 2<" not in client.get("/?show=changed").text
    # The earlier decision is what the form holds; confirming it makes it stand on the new evidence.
    assert 'value="unselected" checked' in client.get(SEC3).text
    post(client, access, SEC3, action="confirm", note="bucket is being fixed", **{f"choice.{SHARE}": "unselected"})
    assert decisions(db)["permissions"].confirmed
    history.close()


def test_push_preview_shows_the_requests_without_calling_aws(web, db):
    client, access = web
    page = text_of(client.get("/push").text)
    assert "No confirmed decision yet" in page and "without GetAnswer" in page
    post(client, access, SEC2, note="draft only", **{f"choice.{AUDIT}": "unselected"})
    assert "No confirmed decision yet" in text_of(client.get("/push").text), "a draft is never pushed"
    post(client, access, SEC2, action="confirm", note="reviewed live", **{f"choice.{AUDIT}": "selected"})
    html = client.get("/push").text
    page = text_of(html)
    assert "Dry run: nothing was sent, and no AWS call was made for this page." in page
    assert "without GetAnswer" in page
    assert f"{AUDIT}: not selected -&gt; selected" in html
    pre = re.search(r'<pre class="json">(.*?)</pre>', html, re.S).group(1)
    request = json.loads(pre.replace("&#34;", '"').replace("&#39;", "'").replace("&lt;", "<")
                         .replace("&gt;", ">").replace("&amp;", "&"))
    assert request["QuestionId"] == "identities" and request["WorkloadId"] == "WORKLOAD_ID"
    assert request["SelectedChoices"] == [AUDIT]
    assert request["ChoiceUpdates"][AUDIT]["Status"] == "SELECTED"
    assert "reviewed live" in request["Notes"]
    workload = "0123456789abcdef0123456789abcdef"
    assert f'"WorkloadId": "{workload}"'.replace('"', "&#34;") in client.get(f"/push?workload={workload}").text
    assert "32 hexadecimal characters" in client.get("/push?workload=nope").text


def test_push_preview_leaves_out_evidence_changed_decisions(tmp_path):
    db = tmp_path / "h.db"
    record_scan(make_doc(base_findings()), db)
    client, access, history = make_client(db)
    post(client, access, SEC3, action="confirm", **{f"choice.{SHARE}": "unselected"})
    history.close()
    findings = [f for f in base_findings() if f["check"] != "s3.bucket_not_public"]
    record_scan(make_doc(findings, started="2025-02-01T00:00:00Z"), db)
    client, access, history = make_client(db)
    page = text_of(client.get("/push").text)
    assert "Not pushed until confirmed again" in page and "SEC 3" in page
    assert "No confirmed decision yet" in page
    history.close()


def test_web_options_need_web(db, capsys):
    assert main(["review", "--db", str(db), "--no-browser"]) == 2
    assert "go with --web" in capsys.readouterr().err
    assert main(["review", "--db", str(db), "--web", "--export", "x.yaml"]) == 2
    assert "not allowed with argument --web" in capsys.readouterr().err
