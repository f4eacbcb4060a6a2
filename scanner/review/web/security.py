"""Access control for the review server, as one ASGI middleware in front of every route.

The server holds an account's weaknesses and can change review decisions, so every request must
prove it comes from the person who started it, through the browser tab they opened:

* the ``Host`` header must name the bound address and port (a DNS-rebinding page reaches the port
  under its own host name and is refused);
* every request carries the per-run token: ``?token=`` on the first load, which is exchanged for an
  ``HttpOnly``, ``SameSite=Strict`` cookie and dropped from the address bar;
* a state-changing request (POST, the only one) also needs the per-run CSRF token (form field or
  ``X-CSRF-Token`` header) and an ``Origin`` (or, lacking one, ``Referer``) of the bound address;
* bodies are small URL-encoded forms, nothing else;
* every response forbids framing, sniffing, caching and any script or style not served by us.

Token comparisons use ``hmac.compare_digest``.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from starlette.datastructures import Headers
from starlette.requests import cookie_parser

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

TOKEN_PARAM = "token"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
ALLOWED_METHODS = ("GET", "HEAD", "POST")
FORM_TYPE = "application/x-www-form-urlencoded"
# A decision form is a few hundred bytes; a note is capped far below this.
MAX_BODY = 64 * 1024

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    # same-origin, not no-referrer: with no-referrer a browser sends "Origin: null" on form posts.
    (b"referrer-policy", b"same-origin"),
    (b"cache-control", b"no-store"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
)


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback addresses (127.0.0.0/8, ::1)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def is_wildcard(host: str) -> bool:
    """True for the any-address forms (0.0.0.0, ::), which leave no single name to check Host against."""
    try:
        return ipaddress.ip_address(host.strip("[]")).is_unspecified
    except ValueError:
        return host in ("", "*")


def netloc(host: str, port: int) -> str:
    """``host:port`` as it appears in a URL and a Host header (IPv6 literals in brackets)."""
    bare = host.strip("[]")
    try:
        if ipaddress.ip_address(bare).version == 6:
            return f"[{bare}]:{port}"
    except ValueError:
        pass
    return f"{host.lower()}:{port}"


@dataclass(frozen=True)
class Access:
    """The bound address and the secrets of one server run."""

    host: str
    port: int
    token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))

    @property
    def cookie_name(self) -> str:
        """The session cookie; cookies ignore ports, so two servers on one host must not share a name."""
        return f"wa_scan_review_{self.port}"

    @property
    def hosts(self) -> frozenset[str]:
        """The ``Host`` header values this server answers to."""
        names = {netloc(self.host, self.port)}
        if is_loopback(self.host):
            names.add(netloc("localhost", self.port))
        if self.port == 80:
            names |= {n.rsplit(":", 1)[0] for n in names}
        return frozenset(names)

    @property
    def origins(self) -> frozenset[str]:
        """The origins a state-changing request may come from."""
        return frozenset(f"http://{h}" for h in self.hosts)

    def url(self, path: str = "/") -> str:
        """The address to open: the bound host and port, with the token for the first load."""
        return f"http://{netloc(self.host, self.port)}{path}?{urlencode({TOKEN_PARAM: self.token})}"

    def token_ok(self, value: str | None) -> bool:
        """Constant-time check of a presented access token."""
        return _same(value, self.token)

    def csrf_ok(self, value: str | None) -> bool:
        """Constant-time check of a presented CSRF token."""
        return _same(value, self.csrf)

    def origin_ok(self, headers: Headers) -> bool:
        """True when ``Origin`` (or, without one, ``Referer``) names this server."""
        origin = headers.get("origin")
        if origin is not None:
            return origin.lower() in self.origins
        referer = headers.get("referer")
        if not referer:
            return False
        parts = urlsplit(referer)
        return f"{parts.scheme}://{parts.netloc}".lower() in self.origins


def _same(value: str | None, expected: str) -> bool:
    if not value:
        return False
    return hmac.compare_digest(value.encode("utf-8", "surrogatepass"), expected.encode())


class Guard:
    """ASGI middleware enforcing ``Access`` on every HTTP request; other protocols are refused."""

    def __init__(self, app: ASGIApp, access: Access) -> None:
        self.app = app
        self.access = access

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, receive, send)
            return
        if scope["type"] != "http":
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008})
            return
        send = _with_headers(send)
        headers = Headers(scope=scope)
        access = self.access
        if headers.get("host", "").lower() not in access.hosts:
            await _plain(send, 400, "Unknown Host header: this server answers only to its own address.")
            return
        method = scope["method"]
        if method not in ALLOWED_METHODS:
            await _plain(send, 405, "Method not allowed.", extra=[(b"allow", b", ".join(
                m.encode() for m in ALLOWED_METHODS))])
            return
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        presented = [v for k, v in query if k == TOKEN_PARAM]
        if presented and method in ("GET", "HEAD") and access.token_ok(presented[-1]):
            rest = urlencode([(k, v) for k, v in query if k != TOKEN_PARAM])
            location = _local_path(scope.get("path", "/")) + (f"?{rest}" if rest else "")
            cookie = f"{access.cookie_name}={access.token}; HttpOnly; SameSite=Strict; Path=/"
            await _plain(send, 303, "See other.", extra=[(b"location", location.encode()),
                                                         (b"set-cookie", cookie.encode())])
            return
        cookies = cookie_parser(headers.get("cookie", ""))
        if not access.token_ok(cookies.get(access.cookie_name)):
            await _plain(send, 403, "Forbidden: open the address wa-scan printed when it started "
                                    "(it carries this run's access token).")
            return
        if method == "POST":
            refusal, receive = await self._check_post(headers, receive)
            if refusal is not None:
                await _plain(send, *refusal)
                return
        await self.app(scope, receive, send)

    async def _check_post(self, headers: Headers, receive: Receive) -> tuple[tuple[int, str] | None, Receive]:
        """Origin, size, type and CSRF token of a POST; returns a refusal, or a ``receive`` replaying the body."""
        if not self.access.origin_ok(headers):
            return (403, "Forbidden: a change must come from this server's own pages (Origin check)."), receive
        if headers.get("content-type", "").split(";")[0].strip().lower() != FORM_TYPE:
            return (415, "Only URL-encoded forms are accepted."), receive
        length = headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY):
            return (413, "Request too large."), receive
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return (400, "Client went away."), receive
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > MAX_BODY:
                return (413, "Request too large."), receive
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        fields = [v for k, v in parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
                  if k == CSRF_FIELD]
        if not (self.access.csrf_ok(headers.get(CSRF_HEADER)) or (fields and self.access.csrf_ok(fields[-1]))):
            return (403, "Forbidden: missing or wrong CSRF token; reload the page and try again."), receive

        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        return None, replay


def _local_path(path: str) -> str:
    # Only ever redirect within this server: "//evil.example" would be a network-path reference.
    return "/" + path.lstrip("/")


def _with_headers(send: Send) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            names = {k.lower() for k, _ in message.get("headers", [])}
            message["headers"] = [*message.get("headers", []),
                                  *((k, v) for k, v in SECURITY_HEADERS if k not in names)]
        await send(message)

    return wrapped


async def _plain(send: Send, status: int, text: str, extra: list[tuple[bytes, bytes]] | None = None) -> None:
    body = (text + "\n").encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()), *(extra or [])]})
    await send({"type": "http.response.body", "body": body})
