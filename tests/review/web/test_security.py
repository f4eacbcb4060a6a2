"""The review server's access rules, through Starlette's TestClient (fast; no browser, no socket)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from scanner.errors import UsageError
from scanner.history import open_history, record_scan
from scanner.review.web.security import CONTENT_SECURITY_POLICY, Access, netloc
from scanner.review.web.server import bind
from tests.review.web.conftest import HOSTILE, ORIGIN, PORT, hostile_doc, make_client

SEC2 = "/q/identities"
AUDIT = "sec_identities_audit"


def form(access: Access, **fields: str) -> dict[str, str]:
    return {"csrf": access.csrf, f"choice.{AUDIT}": "selected", "note": "", "action": "confirm", **fields}


def tampered(secret: str) -> str:
    """The secret with its last character changed (never to itself)."""
    return secret[:-1] + ("A" if secret[-1] != "A" else "B")


def decisions(db: Path) -> dict:
    with open_history(db) as h:
        return h.decisions(h.resolve(None))


@pytest.mark.parametrize("path", ["/", SEC2, "/push", "/go?q=SEC+2", "/static/review.js", "/static/review.css",
                                  "/nowhere"])
def test_every_request_needs_the_token(db, path):
    client, access, history = make_client(db, login=False)
    r = client.get(path)
    assert r.status_code == 403
    assert "access token" in r.text and "<" not in r.text
    client.cookies.set(access.cookie_name, tampered(access.token))
    r = client.get(path)
    assert r.status_code == 403, "a wrong cookie is no cookie"
    client.cookies.clear()
    r = client.get(f"{path}{'&' if '?' in path else '?'}token=wrong")
    assert r.status_code == 403
    history.close()


def test_token_is_exchanged_for_a_strict_httponly_cookie_and_leaves_the_address(db):
    client, access, history = make_client(db, login=False)
    r = client.get(f"/?show=open&token={access.token}")
    assert r.status_code == 303
    assert r.headers["location"] == "/?show=open", "the token leaves the address bar, other parameters stay"
    cookie = r.headers["set-cookie"]
    assert cookie.startswith(f"{access.cookie_name}={access.token};")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
    assert client.get("/").status_code == 200, "the cookie carries the session from then on"
    history.close()


def test_token_redirect_stays_on_this_server(db):
    client, access, history = make_client(db, login=False)
    r = client.get(f"//evil.example/x?token={access.token}")
    assert r.headers["location"].startswith("/") and not r.headers["location"].startswith("//")
    history.close()


def test_tokens_differ_per_run():
    a, b = Access("127.0.0.1", 1), Access("127.0.0.1", 1)
    assert a.token != b.token and a.csrf != b.csrf and len(a.token) >= 40


@pytest.mark.parametrize("host", ["evil.example", f"evil.example:{PORT}", "127.0.0.1", "127.0.0.1:9999",
                                  f"127.0.0.2:{PORT}", ""])
def test_a_foreign_host_header_is_refused(web, host):
    client, access = web
    r = client.get("/", headers={"host": host})
    assert r.status_code == 400
    assert "Host" in r.text


def test_localhost_names_the_loopback_server_too(web):
    client, access = web
    assert client.get("/", headers={"host": f"localhost:{PORT}"}).status_code == 200


def test_hosts_and_origins_of_an_explicit_address():
    lan = Access("192.0.2.10", 8080)
    assert lan.hosts == {"192.0.2.10:8080"}
    assert lan.origins == {"http://192.0.2.10:8080"}
    assert Access("::1", 8080).hosts == {"[::1]:8080", "localhost:8080"}
    assert netloc("::1", 5) == "[::1]:5"
    assert Access("::1", 8080).url().startswith("http://[::1]:8080/?token=")


def test_wildcard_addresses_are_refused():
    for host in ("0.0.0.0", "::"):
        with pytest.raises(UsageError, match="wildcard"):
            bind(host, 0)


def test_a_post_needs_the_csrf_token(web, db):
    client, access = web
    headers = {"origin": ORIGIN}
    assert client.post(SEC2, data=form(access, csrf=""), headers=headers).status_code == 403
    assert client.post(SEC2, data=form(access, csrf=tampered(access.csrf)), headers=headers).status_code == 403
    assert client.post(SEC2, data=form(access, csrf=access.token), headers=headers).status_code == 403, \
        "the access token is not the CSRF token"
    assert decisions(db) == {}
    r = client.post(SEC2, data=form(access, csrf=""), headers={**headers, "x-csrf-token": access.csrf})
    assert r.status_code == 303, "the header works as well as the form field"
    assert decisions(db)["identities"].choices == {AUDIT: {"status": "selected"}}


@pytest.mark.parametrize("headers", [
    {},                                                   # neither Origin nor Referer
    {"origin": "http://evil.example"},
    {"origin": "null"},
    {"origin": f"http://127.0.0.1:{PORT + 1}"},           # another local server
    {"origin": f"https://127.0.0.1:{PORT}"},
    {"referer": "http://evil.example/page"},
    {"origin": "http://evil.example", "referer": f"{ORIGIN}/q/identities"},  # Origin wins
])
def test_a_cross_origin_post_is_refused(web, db, headers):
    client, access = web
    r = client.post(SEC2, data=form(access), headers=headers)
    assert r.status_code == 403
    assert "Origin" in r.text
    assert decisions(db) == {}


def test_a_same_origin_referer_stands_in_for_a_missing_origin(web, db):
    client, access = web
    r = client.post(SEC2, data=form(access), headers={"referer": f"{ORIGIN}{SEC2}"})
    assert r.status_code == 303
    assert "identities" in decisions(db)


def test_only_small_url_encoded_forms_are_accepted(web, db):
    client, access = web
    h = {"origin": ORIGIN, "x-csrf-token": access.csrf}
    assert client.post(SEC2, json=form(access), headers=h).status_code == 415
    assert client.post(SEC2, files={"f": ("a.txt", b"x")}, data=form(access), headers=h).status_code == 415
    assert client.post(SEC2, data=form(access, note="x" * 70_000), headers=h).status_code == 413
    assert decisions(db) == {}


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"])
def test_other_methods_are_refused(web, method):
    client, access = web
    assert client.request(method, SEC2, headers={"origin": ORIGIN}).status_code == 405


@pytest.mark.parametrize("path", ["/static/", "/static", "/static/../store.py", "/static/%2e%2e%2fapp.py",
                                  "/static/security.py", "/static/review.js/", "/static/..%2Fapp.py",
                                  "/templates/base.html.j2", "/static/REVIEW.JS"])
def test_no_directory_listing_and_no_other_files(web, path):
    client, access = web
    r = client.get(path)
    assert r.status_code == 404, path
    assert "import" not in r.text and "{%" not in r.text


def test_static_files_are_the_packages_own(web):
    client, access = web
    js = client.get("/static/review.js")
    assert js.status_code == 200 and js.headers["content-type"].startswith("text/javascript")
    css = client.get("/static/review.css")
    assert css.status_code == 200 and ".crow" in css.text and "--accent" in css.text, "reports' base CSS included"


def test_security_headers_on_pages_and_refusals(web, db):
    client, access = web
    pages = [client.get("/"), client.get(SEC2), client.get("/push"), client.get("/static/review.js"),
             client.get("/", headers={"host": "evil.example"}), client.post(SEC2, data={}, headers={})]
    for r in pages:
        assert r.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["x-frame-options"] == "DENY"
        assert r.headers["cache-control"] == "no-store"
        assert r.headers["referrer-policy"] == "same-origin"
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY and "unsafe-eval" not in CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY and "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY


class _Markup(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict] = []
        self.handlers: list[str] = []
        self.styles: list[str] = []
        self.forms: list[dict] = []
        self.inputs: list[dict] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script":
            self.scripts.append(a)
        if tag == "style":
            self.styles.append(tag)
        if tag == "form":
            self.forms.append(a)
        if tag == "input":
            self.inputs.append(a)
        self.handlers += [k for k in a if k.startswith("on")]
        if "style" in a:
            self.styles.append(a["style"])


def test_pages_carry_no_inline_script_or_style_and_post_forms_carry_the_csrf_field(web):
    client, access = web
    for path in ("/", SEC2, "/push", "/go?q=nothing"):
        parser = _Markup()
        parser.feed(client.get(path).text)
        assert parser.scripts == [{"src": "/static/review.js", "defer": None}], path
        assert parser.handlers == [] and parser.styles == [], path
        for f in parser.forms:
            if f.get("method") == "post":
                assert {"type": "hidden", "name": "csrf", "value": access.csrf} in parser.inputs


def test_account_values_holding_markup_render_as_text(tmp_path):
    db = tmp_path / "h.db"
    record_scan(hostile_doc(), db)
    client, access, history = make_client(db)
    page = client.get(SEC2).text
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    assert "&#34;&gt;&lt;script&gt;alert(2)&lt;/script&gt;" in page, "the ARN is escaped inside the text too"
    assert len(re.findall(r"<script\b", page)) == 1
    # The overview and the push preview quote account values as well.
    client.post(SEC2, data=form(access, note=HOSTILE), headers={"origin": ORIGIN})
    client.post(SEC2, data=form(access, note="draft " + HOSTILE, action="draft"), headers={"origin": ORIGIN})
    assert "&lt;script&gt;" in client.get(SEC2).text, "the draft's note is in the form, quoted"
    for path in ("/", "/push", SEC2):
        text = client.get(path).text
        assert "<script>alert" not in text and len(re.findall(r"<script\b", text)) == 1, path
    history.close()
