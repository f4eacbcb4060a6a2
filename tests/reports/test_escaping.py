"""Account data never becomes markup: HTML structure, Markdown syntax or spreadsheet formulas."""

from __future__ import annotations

import copy
import re
from functools import cache
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports import anchor, build_view, csv_safe, md_escape, render_html, render_markdown
from reports.tables import FINDINGS_COLUMNS, REGISTER_COLUMNS, findings_csv, register_csv
from tests.reports.fixtures import sample_doc
from tests.reports.parsing import Page, csv_rows

# Text a hostile resource name, tag or message could carry; biased towards markup characters.
MARKUP = st.sampled_from(["<", ">", "&", '"', "'", "</td>", "<script>", "</script>", "|", "`", "*", "_", "[",
                          "](", "!", "\n", "\r", "\t", "=", "+", "-", "@", "\\", "<!--", "-->", "&lt;", "{{", "}}",
                          "<img src=x onerror=alert(1)>", "javascript:", "#", "~", "$",
                          "https://evil.example", "WWW.", "a@b.example"])
TEXT = st.lists(st.one_of(MARKUP, st.text(min_size=1, max_size=6)), min_size=1, max_size=8).map("".join)

# Where account data lands in the fixture: finding fields, tags in observed values, names in suggestions.
FIELDS = ("message", "resource", "region", "account", "check", "missing_permission", "observed_key",
          "observed_value", "source", "choice_title", "question_title", "pillar_name", "rationale", "baseline",
          "remediation", "caller_arn", "disabled_region", "note")


def _seed(doc: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
    """The fixture with the first failing finding (and what refers to it) carrying ``values``."""
    doc = copy.deepcopy(doc)
    # Keep the seeded finding alone in its sort position (the only critical failure), so that its
    # values cannot legitimately reorder the report.
    doc["findings"] = [f for f in doc["findings"] if f["id"] != "f0000000000000000003"]
    for c in doc["checks"]:
        if c["id"] == "s3.bucket_not_public":
            c["counts"]["fail"] = 1
    f = doc["findings"][0]
    old_check = f["check"]
    for key in ("message", "resource", "region", "account", "missing_permission"):
        f[key] = values[key]
    f["evidence"]["observed"] = {values["observed_key"]: values["observed_value"], "tags": {"Name": values["message"]}}
    f["evidence"]["source"] = [values["source"]]
    for other in doc["findings"]:
        if other["check"] == old_check:
            other["check"] = values["check"]
    for c in doc["checks"]:
        if c["id"] == old_check:
            c["id"] = values["check"]
    for s in doc["suggestions"]:
        for ch in s["choices"]:
            for ref in ch["checks"]:
                if ref["check"] == old_check:
                    ref["check"] = values["check"]
                    ref["rationale"] = values["note"]
    for imp in doc["improvements"]:
        if imp["check"] == old_check:
            imp["check"] = values["check"]
            imp["remediation"] = values["remediation"]
    q = doc["suggestions"][2]
    q["title"], q["pillar_name"] = values["question_title"], values["pillar_name"]
    q["choices"][0]["title"], q["choices"][0]["rationale"] = values["choice_title"], values["rationale"]
    doc["suggestions"][1]["baseline"]["text"] = values["baseline"]
    doc["caller_arn"] = values["caller_arn"]
    doc["disabled_regions"] = [values["disabled_region"]]
    return doc


def _lines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


PLAIN = {name: "plain" for name in FIELDS}
PLAIN["check"] = "plain.check"


@cache
def _plain(kind: str) -> Any:
    view = build_view(_seed(sample_doc(), PLAIN), metadata={})
    return Page(render_html(view)) if kind == "html" else render_markdown(view)


@settings(max_examples=50, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.fixed_dictionaries({name: TEXT for name in FIELDS}))
def test_random_account_data_never_changes_the_html_structure(values: dict[str, str]) -> None:
    baseline = _plain("html")
    page = Page(render_html(build_view(_seed(sample_doc(), values), metadata={})))
    assert page.shape() == baseline.shape()
    assert [t for t, _ in page.tags].count("script") == 1
    assert page.scripts == baseline.scripts, "only our own script"
    assert _lines(values["message"]) in _lines(page.text), "the value is shown as text"


@settings(max_examples=50, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.fixed_dictionaries({name: TEXT for name in FIELDS}))
def test_random_account_data_never_breaks_markdown(values: dict[str, str]) -> None:
    baseline = _plain("md")
    text = render_markdown(build_view(_seed(sample_doc(), values), metadata={}))
    assert "<" not in text, "no HTML tag can reach the Markdown"
    # Our own links to the best practices' pages are the only URLs; account data adds none.
    text = re.sub(r"\]\(https://docs\.aws\.amazon\.com/wellarchitected/latest/framework/\w+\.html\)", "]", text)
    assert "://" not in text and "www." not in text.lower(), "no bare URL becomes a link"
    assert len(text.splitlines()) == len(baseline.splitlines()), "no value adds or removes a line"
    for seeded, plain in zip(text.splitlines(), baseline.splitlines(), strict=True):
        if plain.startswith("|"):
            pipes = len(re.findall(r"(?<!\\)(?:\\\\)*\|", seeded))
            assert pipes == plain.count("|"), (seeded, plain)
        assert seeded[:2] == plain[:2], "a value never starts a line, so never a heading, list or quote"


@settings(max_examples=50, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.fixed_dictionaries({name: TEXT for name in FIELDS}))
def test_random_account_data_never_makes_a_formula(values: dict[str, str]) -> None:
    view = build_view(_seed(sample_doc(), values), metadata={})
    for text, columns in ((findings_csv(view), FINDINGS_COLUMNS), (register_csv(view), REGISTER_COLUMNS)):
        rows = csv_rows(text)
        assert rows[0] == list(columns)
        for row in rows[1:]:
            assert len(row) == len(columns)
            for cell in row:
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r", "\n")), cell


def test_csv_safe() -> None:
    assert csv_safe("=1+1") == "'=1+1"
    assert csv_safe("+1") == "'+1" and csv_safe("-1") == "'-1" and csv_safe("@x") == "'@x"
    assert csv_safe("\tx") == "'\tx" and csv_safe("\rx") == "'\rx"
    assert csv_safe("a=b") == "a=b" and csv_safe("") == "" and csv_safe(None) == ""
    assert csv_safe(-3) == -3 and csv_safe(True) == "true"


def test_md_escape() -> None:
    assert md_escape("<b>x</b> | [a](b) *c* _d_ `e` ~~s~~ $m$") == (
        r"&lt;b&gt;x&lt;/b&gt; \| \[a\]\(b\) \*c\* \_d\_ \`e\` \~\~s\~\~ \$m\$")
    assert md_escape("see https://evil.example or www.evil.example or a@evil.example") == (
        r"see https:\/\/evil.example or www\.evil.example or a\@evil.example"), "no autolinks"
    assert md_escape("a\nb\r\n\tc") == "a b c"
    assert md_escape("&lt;") == "&amp;lt;", "an entity in data stays text"
    assert md_escape(None) == "" and md_escape(3) == "3"


def test_anchor_is_inert_and_unique() -> None:
    assert anchor("check", "s3.bucket_not_public") == "check-s3.bucket_not_public"
    evil = anchor("check", '"><script>')
    assert re.fullmatch(r"[A-Za-z0-9_.-]+", evil)
    assert anchor("check", "a b") != anchor("check", "a/b")
