"""The review meeting in a real browser: headless Debian Chromium driven by Playwright.

A live server (``make_server`` on a free port, in a thread) over a copy of the demo's history
database; the tests answer questions the way a facilitator does, with the keyboard and without
JavaScript, and try what an attacker would.
"""

from __future__ import annotations

import http.server
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from scanner.cli import main
from scanner.history import open_history
from tests.reports.browsing import Tab, needs_chromium
from tests.review.web.conftest import HOSTILE, LiveServer, clone

pytestmark = needs_chromium
expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (test extra)").expect

SEC2 = "/q/identities"
SEC3 = "/q/permissions"
UNIQUE = "sec_identities_unique"          # SEC02-BP02, contradicted in the demo
MECHANISMS = "sec_identities_enforce_mechanisms"  # SEC02-BP01, no evidence in this scan
SHARE = "sec_permissions_share_securely"


@pytest.fixture
def tab(browser: Any) -> Iterator[Tab]:
    t = Tab(browser)
    yield t
    t.close()


def decided(db: Path) -> dict:
    with open_history(db) as h:
        return h.decisions(h.resolve(None))


def drafted(db: Path) -> dict:
    with open_history(db) as h:
        return h.drafts(h.resolve(None))


def eventually(condition: Any, seconds: float = 5.0) -> None:
    """Wait until ``condition()`` holds (a save the page sent in the background has landed)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def exported(db: Path, tmp_path: Path) -> dict[str, dict]:
    out = tmp_path / "review.yaml"
    assert main(["review", "--db", str(db), "--export", str(out), "--force"]) == 0
    return {q["question"]: q for q in yaml.safe_load(out.read_text())["questions"]}


def test_answer_a_question_with_the_keyboard_reload_and_export(tab: Tab, live: LiveServer, tmp_path: Path) -> None:
    page = tab.page
    page.goto(live.url)
    assert page.url == live.base + "/", "the token left the address bar"
    assert page.locator("h1").inner_text().startswith("Well-Architected review")
    assert page.locator("#progress").inner_text().strip() == "0 of 57 confirmed"  # every question of the lens
    page.get_by_role("link", name="SEC 2", exact=True).click()
    page.wait_for_url(live.base + SEC2)
    assert "Use temporary credentials" in page.locator("#c2").inner_text()
    assert re.search(r"Instance i-[0-9a-f]+ \(legacy-reporting\) has no IAM instance profile",
                     page.locator("#c2").inner_text())

    # Choice 1 selected (s), choice 2 toggled from the proposal "not selected" to selected (x), a note (t).
    expect(page.locator("#draft-banner")).to_be_hidden()
    page.keyboard.press("1")
    page.keyboard.press("s")
    page.locator("#save-status", has_text="Draft saved").wait_for()
    page.keyboard.press("2")
    page.keyboard.press("x")
    page.locator("#save-status", has_text="Draft saved").wait_for()
    page.keyboard.press("t")
    page.keyboard.type("MFA enforced through SSO")
    page.keyboard.press("Escape")
    eventually(lambda: getattr(drafted(live.db).get("identities"), "note", "") == "MFA enforced through SSO")
    expect(page.locator("#save-status")).to_have_text(re.compile("^Draft saved .*not confirmed"))
    expect(page.locator("#draft-banner")).to_contain_text("saved by Jane Doe")
    expect(page.locator("#draft-badge")).to_be_visible()
    # Saved, but not confirmed: nothing counts yet, and nothing is a decision.
    expect(page.locator("#progress-count")).to_have_text("0")
    assert "identities" not in decided(live.db)

    page.reload()
    assert page.locator(f"input[name='choice.{MECHANISMS}'][value='selected']").is_checked()
    assert page.locator(f"input[name='choice.{UNIQUE}'][value='selected']").is_checked()
    assert page.locator("#note").input_value() == "MFA enforced through SSO"
    assert "Draft, not confirmed" in page.locator("#draft-banner").inner_text()
    q = exported(live.db, tmp_path)["identities"]
    assert q["confirmed"] is False and q["note"] == "MFA enforced through SSO", "a draft exports unconfirmed"
    assert q["choices"][MECHANISMS] == "selected"

    page.keyboard.press("c")  # confirm as shown and go on
    page.wait_for_url(live.base + SEC3 + "?confirmed=identities")
    expect(page.locator("#progress-count")).to_have_text("1")
    assert drafted(live.db) == {}, "confirming turned the draft into the decision"
    page.goto(live.base + SEC2)
    assert "Confirmed by Jane Doe" in page.locator("#status-banner").inner_text()
    expect(page.locator("#draft-banner")).to_be_hidden()

    q = exported(live.db, tmp_path)["identities"]
    assert q["confirmed"] is True and q["note"] == "MFA enforced through SSO"
    assert q["choices"][MECHANISMS] == "selected" and q["choices"][UNIQUE] == "selected"
    assert q["choices"]["sec_identities_audit"] == "unselected", "the rest of the form is saved as shown"
    assert tab.problems() == []


def test_leaving_right_after_typing_a_note_loses_nothing(tab: Tab, live: LiveServer) -> None:
    page = tab.page
    page.goto(live.url)
    page.goto(live.base + SEC2)
    page.locator("#note").click()
    page.keyboard.type("typed, then the tab went away")
    page.goto(live.base + "/")  # before the typing pause that saves the note
    eventually(lambda: "identities" in drafted(live.db))
    assert drafted(live.db)["identities"].note == "typed, then the tab went away"
    assert decided(live.db) == {}, "kept as a draft, not confirmed"
    # The overview marks it, and the review continues there.
    page.reload()
    expect(page.locator("tr.qrow", has_text="SEC 2").locator(".state-draft")).to_be_visible()
    assert page.locator("#resume").inner_text() == "Continue with SEC 2"
    assert page.locator("#progress").inner_text().strip() == "0 of 57 confirmed"  # every question of the lens


def test_keyboard_moves_between_questions_and_confirms(tab: Tab, live: LiveServer) -> None:
    order = [s["question"] for s in live.history.load(live.scan_id)["suggestions"]]
    page = tab.page
    page.goto(live.url)
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live.base}/q/{order[1]}")  # the second question
    page.keyboard.press("j")
    page.wait_for_url(f"{live.base}/q/{order[2]}")
    page.keyboard.press("k")
    page.wait_for_url(f"{live.base}/q/{order[1]}")
    page.keyboard.press("c")  # confirm as shown and go on
    page.wait_for_url(f"{live.base}/q/{order[2]}?confirmed={order[1]}")
    assert decided(live.db)[order[1]].confirmed
    page.keyboard.press("o")
    page.wait_for_url(live.base + "/")
    assert page.locator("#progress").inner_text().strip() == "1 of 57 confirmed"  # every question of the lens
    assert tab.problems() == []


def test_a_note_typed_after_choosing_not_applicable_survives_a_reload(tab: Tab, live: LiveServer) -> None:
    page = tab.page
    page.goto(live.url)
    page.goto(live.base + SEC3)
    row = page.locator(f".crow[data-choice='{SHARE}']")
    row.locator("label.seg-not_applicable").click()  # and no reason picked
    page.locator("#note").click()
    page.keyboard.type("shared only through RAM, ask Bob")
    page.keyboard.press("Escape")  # leaves the note, which saves it
    eventually(lambda: getattr(drafted(live.db).get("permissions"), "note", "") == "shared only through RAM, ask Bob")
    expect(page.locator("#save-status")).to_contain_text("To confirm, pick:")
    page.reload()
    assert page.locator("#note").input_value() == "shared only through RAM, ask Bob"
    assert row.locator("input[value='not_applicable']").is_checked()
    expect(page.locator("#problems")).to_contain_text("not applicable needs a reason")
    # Confirming now is refused and keeps everything; with the reason picked it goes through.
    page.locator("#save").click()
    page.wait_for_url(live.base + SEC3 + "?saved=unconfirmed")
    expect(page.locator("#problems")).to_contain_text("Not confirmed")
    assert "permissions" not in decided(live.db)
    row.locator("select").select_option("out_of_scope")
    page.locator("#save").click()
    page.wait_for_url(live.base + SEC3 + "?saved=1")
    d = decided(live.db)["permissions"]
    assert d.choices[SHARE] == {"status": "not_applicable", "reason": "out_of_scope"}
    assert d.note == "shared only through RAM, ask Bob"
    assert tab.problems() == []


def test_leaving_with_input_the_server_did_not_take_asks_first(tab: Tab, live: LiveServer) -> None:
    page = tab.page
    page.goto(live.url)
    page.goto(live.base + SEC3)
    page.route("**/q/permissions", lambda route: route.abort() if route.request.method == "POST"
               else route.continue_())
    page.locator("#note").click()
    page.keyboard.type("typed while the server was away")
    page.keyboard.press("Escape")
    expect(page.locator("#save-status")).to_contain_text("Not saved")
    kinds: list[str] = []
    tab.on("dialog", lambda d: kinds.append(d.type))
    page.evaluate("window.location.assign('/')")  # the tab handler dismisses the prompt: the page stays
    eventually(lambda: bool(kinds))
    assert kinds == ["beforeunload"] and page.url == live.base + SEC3
    assert page.locator("#note").input_value() == "typed while the server was away"
    tab.dialogs.clear()
    # Only the aborted save itself may be logged.
    assert [p for p in tab.problems() if "Failed to load resource" not in p] == []


def test_enter_alone_confirms_nothing(tab: Tab, live: LiveServer) -> None:
    page = tab.page
    page.goto(live.url)
    page.goto(live.base + SEC2)
    page.keyboard.press("Enter")  # on the page
    page.keyboard.press("2")
    page.keyboard.press("x")
    page.locator("#save-status", has_text="Draft saved").wait_for()
    page.locator("#c2 input[value='selected']").focus()
    page.keyboard.press("Enter")  # on a choice: a form's implicit submission
    page.locator("#c1 select").focus()
    page.keyboard.press("Enter")  # on a reason list
    page.wait_for_timeout(500)
    assert page.url == live.base + SEC2, "no navigation: nothing was submitted"
    expect(page.locator("#save-status")).to_have_text("Enter does not confirm: press c, or the Confirm button.")
    assert decided(live.db) == {}
    assert UNIQUE in drafted(live.db)["identities"].choices, "the change is kept as a draft"
    assert tab.problems() == []


def test_the_confirm_button_stays_put_while_saves_report(tab: Tab, live: LiveServer) -> None:
    # Clicking Confirm right after typing a note saves the note first (the note loses focus on the press):
    # the save's answer must not move the button before the click ends, or the click is lost.
    page = tab.page
    page.goto(live.url)
    page.goto(live.base + SEC2)
    confirm = page.locator("#confirm")
    where = confirm.bounding_box()
    page.locator("#note").fill("agreed in the room")
    page.locator("#note").blur()
    page.locator("#save-status", has_text="Draft saved").wait_for()
    assert confirm.bounding_box() == where
    status = page.locator("#save-status")
    assert status.get_attribute("title") == status.inner_text(), "the whole message, even where the line is cut"
    # The longest messages name every choice still to pick; on a narrow window too.
    for width in (1366, 900):
        page.set_viewport_size({"width": width, "height": 900})
        where = confirm.bounding_box()
        page.evaluate("document.getElementById('save-status').textContent = 'Draft saved as Jane Doe, not "
                      "confirmed. To confirm, pick: ' + 'a reason for a choice marked not applicable; '.repeat(6)")
        assert confirm.bounding_box() == where, width
    assert tab.problems() == []


def test_undo_reopens_a_confirmed_question(tab: Tab, live: LiveServer) -> None:
    page = tab.page
    page.goto(live.url)
    page.goto(live.base + SEC2)
    page.locator("#note").fill("agreed in the room")
    page.locator("#confirm").click()
    page.wait_for_url(live.base + SEC3 + "?confirmed=identities")
    assert decided(live.db)["identities"].confirmed
    expect(page.locator("#undo-banner")).to_contain_text("Confirmed SEC 2")
    page.locator("#undo").click()
    page.wait_for_url(live.base + SEC2 + "?saved=reopened")
    assert "identities" not in decided(live.db)
    expect(page.locator("#progress-count")).to_have_text("0")
    assert page.locator("#note").input_value() == "agreed in the room", "the answers stay, as a draft"
    expect(page.locator("#status-banner")).to_contain_text("Not reviewed yet")
    # Confirmed again and reopened from its own page.
    page.locator("#save").click()
    page.wait_for_url(live.base + SEC2 + "?saved=1")
    page.locator("#reopen").click()
    page.wait_for_url(live.base + SEC2 + "?saved=reopened")
    assert "identities" not in decided(live.db) and drafted(live.db)["identities"].note == "agreed in the room"
    assert tab.problems() == []


def test_an_unmapped_question_can_be_answered_and_confirmed(tab: Tab, live: LiveServer) -> None:
    doc = live.history.load(live.scan_id)
    s = next(s for s in doc["suggestions"] if s["question"] == "org-culture")
    assert not any(c.get("checks") or c.get("findings") for c in s["choices"]), "no check informs OPS 3"
    page = tab.page
    page.goto(live.url)
    response = page.goto(live.base + "/q/org-culture")
    assert response is not None and response.status == 200
    expect(page.locator("h2.qtitle")).to_contain_text("OPS 3")
    expect(page.locator("#c1 .ask")).to_contain_text("Ask the team")
    first = page.locator("#c1").get_attribute("data-choice")
    page.keyboard.press("1")
    page.keyboard.press("s")
    page.locator("#save-status", has_text="Draft saved").wait_for()
    page.keyboard.press("c")
    page.wait_for_url(re.compile(re.escape(live.base) + r"/q/[^?]+\?confirmed=org-culture$"))
    d = decided(live.db)["org-culture"]
    assert d.confirmed and d.choices[first] == {"status": "selected"}
    assert tab.problems() == []


def test_evidence_expands_beside_the_choice(tab: Tab, live: LiveServer) -> None:
    page = tab.page
    page.goto(live.url)
    page.goto(live.base + SEC2)
    evidence = page.locator("#c2 details.evidence").first
    assert not evidence.locator("dl").is_visible()
    page.keyboard.press("2")
    page.keyboard.press("e")
    assert evidence.locator("dl").is_visible()
    text = evidence.inner_text()
    for expected in ("Resource", "arn:aws:", "Region", "Observed", "API source", "Collected"):
        assert expected in text
    assert tab.problems() == []


def test_forms_work_without_javascript(browser: Any, live: LiveServer) -> None:
    tab = Tab(browser, javascript=False)
    page = tab.page
    try:
        page.goto(live.url)
        page.goto(live.base + SEC3)
        row = page.locator("#c1") if page.locator("#c1").get_attribute("data-choice") == SHARE else \
            page.locator(f".crow[data-choice='{SHARE}']")
        row.locator("label.seg-not_applicable").click()
        row.locator("select").select_option("business_priorities")
        page.locator("#note").fill("decided without JavaScript")
        page.locator("#save-draft").click()
        page.wait_for_url(live.base + SEC3 + "?saved=draft")
        assert "Draft saved, not confirmed." in page.locator("#save-status").inner_text()
        assert drafted(live.db)["permissions"].note == "decided without JavaScript"
        assert decided(live.db) == {}
        page.locator("#confirm").click()
        page.wait_for_url(live.base + "/q/detect-investigate-events?confirmed=permissions")
        d = decided(live.db)["permissions"]
        assert d.choices[SHARE] == {"status": "not_applicable", "reason": "business_priorities"}
        assert d.note == "decided without JavaScript"
        # The overview filter works as a plain GET form.
        page.goto(live.base + "/")
        page.select_option("#filter-show", "confirmed")
        page.get_by_role("button", name="Apply").click()
        assert page.locator("tr.qrow").count() == 1
        assert tab.problems() == []
    finally:
        tab.close()


def test_requests_without_the_token_get_403(tab: Tab, live: LiveServer) -> None:
    for path in ("/", SEC2, "/push", "/static/review.js"):
        response = tab.page.goto(live.base + path)
        assert response is not None and response.status == 403, path
    response = tab.page.goto(live.base + "/?token=not-the-token")
    assert response is not None and response.status == 403


def test_push_preview(tab: Tab, live: LiveServer) -> None:
    page = tab.page
    page.goto(live.url)
    page.goto(live.base + SEC2)
    page.locator("#confirm").click()
    page.wait_for_url(live.base + SEC3 + "?confirmed=identities")
    page.keyboard.press("p")
    page.wait_for_url(live.base + "/push")
    assert "without GetAnswer" in page.locator(".note").first.inner_text()
    assert page.locator("section.request").count() == 1
    assert '"QuestionId": "identities"' in page.locator("pre.json").inner_text()
    assert tab.problems() == []


class _Attacker(http.server.BaseHTTPRequestHandler):
    page = b""

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self.send_response(200)
        self.send_header("content-type", "text/html")
        self.end_headers()
        self.wfile.write(self.page)

    def log_message(self, *args: Any) -> None:
        pass


def test_a_cross_origin_post_is_refused(tab: Tab, live: LiveServer) -> None:
    page = tab.page
    page.goto(live.url)  # the victim is logged in
    # Even knowing the CSRF token, another origin (here another port of the same host, so the same
    # site and the cookie is sent) cannot change the review.
    _Attacker.page = (f'<form id="f" method="post" action="{live.base}{SEC3}">'
                      f'<input name="csrf" value="{live.access.csrf}">'
                      f'<input name="choice.{SHARE}" value="selected"></form>'
                      '<script>document.getElementById("f").submit()</script>').encode()
    evil = http.server.HTTPServer(("127.0.0.1", 0), _Attacker)
    thread = threading.Thread(target=evil.serve_forever, daemon=True)
    thread.start()
    try:
        with page.expect_response(f"{live.base}{SEC3}") as info:
            page.goto(f"http://127.0.0.1:{evil.server_address[1]}/")
        response = info.value
        assert response.status == 403
        assert "Origin check" in response.text()
        assert decided(live.db) == {} and drafted(live.db) == {}
    finally:
        evil.shutdown()


def test_a_rebound_host_name_is_refused(tab: Tab, live: LiveServer) -> None:
    """DNS rebinding: a name the attacker controls, resolving to 127.0.0.1, reaches the port but not the app."""
    # The test browser resolves rebind.test to 127.0.0.1 (tests/reports/browsing.py ARGS).
    response = tab.page.goto(live.url.replace("127.0.0.1", "rebind.test"))
    assert response is not None and response.status == 400
    assert "Unknown Host header" in tab.page.content()
    assert tab.context.cookies() == [], "no session was handed out"


def test_markup_in_a_tag_value_and_a_message_renders_as_text(tab: Tab, review_db: Path) -> None:
    with open_history(review_db) as h:
        doc = clone(h.load(h.resolve(None)))
        doc["started_at"] = "2030-01-01T00:00:00Z"
        target = next(f for f in doc["findings"] if f["check"] == "ec2.instance_has_role" and f["status"] == "fail")
        target["message"] = f"Instance {HOSTILE} has no IAM instance profile"
        target["evidence"]["observed"]["tag:Owner"] = HOSTILE
        scan_id = h.record(doc)
    server = LiveServer(review_db, scan=scan_id)
    page = tab.page
    try:
        page.goto(server.url)
        page.goto(server.base + SEC2)
        item = page.locator("#c2 ul.flist > li", has_text="has no IAM instance profile").filter(
            has_text="<script>").first
        assert HOSTILE in item.inner_text()
        item.locator("summary").click()
        assert HOSTILE in item.locator("table.observed").inner_text()
        assert page.evaluate("document.scripts.length") == 1
        assert page.locator("img").count() == 0
        page.goto(server.base + "/")
        assert tab.dialogs == [] and tab.problems() == []
    finally:
        server.stop()
