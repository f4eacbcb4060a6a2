"""Every question of the lens is served by the browser review, those no check informs included, with its prompts."""

from __future__ import annotations

import re

from mappings.catalog import load_lens
from mappings.prompts import load_prompts
from scanner.history import open_history
from tests.review.web.conftest import ORIGIN, make_client


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_a_question_no_check_informs_answers_200_shows_its_prompts_and_can_be_confirmed(review_db):
    lens = load_lens()
    prompts = load_prompts(lens)
    with open_history(review_db) as h:
        doc = h.load(h.resolve(None))
    unmapped = [s for s in doc["suggestions"] if not any(c["checks"] for c in s["choices"])]
    assert unmapped, "the demo lists questions no check informs"
    q = unmapped[0]
    first, second = q["choices"][0]["choice"], q["choices"][-1]["choice"]
    client, access, history = make_client(review_db)
    try:
        overview = client.get("/").text
        for lq in lens.questions():
            assert f'href="/q/{lq.id}"' in overview, lq.id  # every question of the lens is listed
        r = client.get(f"/q/{q['question']}")
        assert r.status_code == 200
        page = _text(r.text)
        assert "Ask the team" in page and "no check of wa-scan informs this question" in page
        assert _text(prompts[first].ask[0]) in page and _text(prompts[first].artefact) in page
        if prompts[first].human_only:
            assert "Only the team can answer" in page
        r = client.post(f"/q/{q['question']}", headers={"origin": ORIGIN}, data={
            "csrf": access.csrf, "action": "confirm", "note": "answered with the team",
            f"choice.{first}": "selected", f"choice.{second}": "unselected"})
        assert r.status_code == 303
        # The push preview sends it like any other confirmed question.
        push = client.get("/push")
        assert push.status_code == 200 and f'"QuestionId": "{q["question"]}"' in push.text.replace("&#34;", '"')
    finally:
        history.close()
    with open_history(review_db) as h:
        d = h.decisions(h.resolve(None))[q["question"]]
    assert d.confirmed and d.note == "answered with the team"
    assert d.choices == {first: {"status": "selected"}, second: {"status": "unselected"}}


def test_a_settled_choice_shows_no_prompt(review_db):
    client, access, history = make_client(review_db)
    try:
        with open_history(review_db) as h:
            doc = h.load(h.resolve(None))
        q, c = next((s, c) for s in doc["suggestions"] for c in s["choices"]
                    if c["suggestion"] == "contradicted" and not c["human_only"])
        html = client.get(f"/q/{q['question']}").text
        number = next(i for i, x in enumerate(q["choices"], 1) if x["choice"] == c["choice"])
        assert f'id="ask{number}"' not in html  # the evidence answers it; the team is not asked
    finally:
        history.close()
