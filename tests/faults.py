"""An in-process fault layer: botocore event hooks that damage AWS answers the way a bad network, a proxy
or an overloaded endpoint does, in front of moto.

Wire faults (``throttle``, ``error5xx``, ``reset``) are answered in ``before-send``, so botocore's own
retries see them as they would see the real thing. Body faults (``truncate``, ``notjson``, ``html``,
``emptybody``, ``emptydoc``, ``nolist``) rewrite moto's real answer in ``before-parse``, before the
collector judges it. A plan decides per request: ``plan(service, operation, key, attempt)`` returns a
fault name or ``None``; ``key`` names the read (a hash of its URL and body) and ``attempt`` counts the
requests for it, so a fault can be transient (only the first tries) or persistent.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import Counter
from collections.abc import Callable
from typing import Any
from xml.etree import ElementTree

from botocore.awsrequest import AWSResponse
from botocore.exceptions import ConnectionClosedError

WIRE_FAULTS = ("throttle", "error5xx", "reset")
# Not in the mixed table: a refusal that no retry mends, tested on its own.
REFUSALS = ("signature",)
BODY_FAULTS = ("truncate", "notjson", "html", "emptybody", "emptydoc", "nolist")
HTML_PAGE = (b"<!doctype html>\n<html><head><title>502 Bad Gateway</title></head>\n<body>\n"
             b"<h1>502 Bad Gateway</h1>\n<p>The proxy could not reach the upstream server.</p>\n</body></html>\n")

Plan = Callable[[str, str, str, int], str | None]


class _Raw:
    """The little of urllib3's response that botocore reads."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, *_: Any, **__: Any) -> Any:
        yield self._body


def _protocol(model: Any) -> str:
    return model.metadata.get("protocol") or model.service_model.protocol


def _error(model: Any, status: int, code: str, message: str) -> AWSResponse:
    protocol = _protocol(model)
    if protocol in ("json", "rest-json"):
        body = json.dumps({"__type": code, "message": message}).encode()
        headers = {"x-amzn-errortype": code, "content-type": "application/x-amz-json-1.1"}
    elif protocol == "ec2":
        body = (f"<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error></Errors>"
                "<RequestID>fault</RequestID></Response>").encode()
        headers = {}
    elif protocol == "query":
        body = (f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message>"
                "</Error><RequestId>fault</RequestId></ErrorResponse>").encode()
        headers = {}
    else:  # rest-xml
        body = f"<Error><Code>{code}</Code><Message>{message}</Message></Error>".encode()
        headers = {}
    headers["content-length"] = str(len(body))
    return AWSResponse("https://fault.invalid", status, headers, _Raw(body))


def _throttle_code(model: Any) -> str:
    service = model.service_model.service_name
    return {"ec2": "RequestLimitExceeded", "s3": "SlowDown"}.get(service, "ThrottlingException")


class FaultLayer:
    """Install with ``FaultLayer(plan).install(session)`` before the scan's clients are built."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.injected: Counter[str] = Counter()
        self._attempts: Counter[str] = Counter()
        self._pending: dict[int, str] = {}
        self._models = threading.local()
        self._lock = threading.Lock()

    def install(self, session: Any) -> FaultLayer:
        events = session.events if hasattr(session, "events") else session._session
        events.register_first("before-call", self._before_call, unique_id="test-fault-call")
        events.register_first("before-send", self._before_send, unique_id="test-fault-send")
        events.register_first("before-parse", self._before_parse, unique_id="test-fault-parse")
        return self

    @property
    def total(self) -> int:
        """How many faults were injected."""
        return sum(self.injected.values())

    def _decide(self, request: Any, model: Any) -> str | None:
        body = request.body if isinstance(request.body, bytes) else str(request.body or "").encode()
        key = hashlib.sha256(request.url.encode() + b"\0" + body).hexdigest()
        with self._lock:
            self._attempts[key] += 1
            attempt = self._attempts[key]
        return self.plan(model.service_model.service_name, model.name, key, attempt)

    def _before_call(self, model: Any, **_: Any) -> None:
        # The request that follows in this thread is for this operation (before-send does not say).
        self._models.current = model

    def _before_send(self, request: Any, **kwargs: Any) -> AWSResponse | None:
        model = getattr(self._models, "current", None)
        if model is None:
            return None
        fault = self._decide(request, model)
        if fault is None:
            return None
        with self._lock:
            self.injected[fault] += 1
        if fault == "throttle":
            return _error(model, 400, _throttle_code(model), "Rate exceeded")
        if fault == "error5xx":
            return AWSResponse("https://fault.invalid", 503, {"content-type": "text/html",
                                                              "content-length": str(len(HTML_PAGE))}, _Raw(HTML_PAGE))
        if fault == "reset":
            raise ConnectionClosedError(endpoint_url=request.url)
        if fault == "signature":
            return _error(model, 403, "SignatureDoesNotMatch", "The request signature we calculated does not "
                          "match the signature you provided.")
        # A body fault: moto answers, the answer is damaged on its way to the parser.
        with self._lock:
            self._pending[threading.get_ident()] = fault
        return None

    def _before_parse(self, operation_model: Any, response_dict: dict[str, Any], **_: Any) -> None:
        with self._lock:
            fault = self._pending.pop(threading.get_ident(), None)
        if fault is None or response_dict.get("status_code", 200) >= 300:
            return
        damage(operation_model, response_dict, fault)


def damage(model: Any, response: dict[str, Any], fault: str) -> None:
    """Rewrite a successful raw answer (botocore's ``response_dict``) with ``fault``."""
    body = bytes(response.get("body") or b"")
    headers = response["headers"]
    protocol = _protocol(model)
    if fault == "truncate":
        # What a connection cut mid-body leaves: the declared length, a part of the bytes.
        headers["content-length"] = str(len(body))
        response["body"] = body[: len(body) // 2]
        return
    if fault == "notjson":
        # A cut chunked body (no length declared): the first part only.
        headers.pop("content-length", None)
        response["body"] = body[: max(1, len(body) // 3)]
    elif fault == "html":
        response["body"] = HTML_PAGE
    elif fault == "emptybody":
        response["body"] = b""
    elif fault == "emptydoc":
        response["body"] = _empty_document(model, protocol)
    elif fault == "nolist":
        response["body"] = _without_lists(model, body, protocol)
    headers["content-length"] = str(len(response["body"]))


def _empty_document(model: Any, protocol: str) -> bytes:
    if protocol in ("json", "rest-json"):
        return b"{}"
    if protocol in ("query", "ec2"):
        return f"<{model.name}Response></{model.name}Response>".encode()
    shape = model.output_shape
    payload = shape.serialization.get("payload") if shape is not None else None
    root = (shape.members[payload] if payload else shape) if shape is not None else None
    name = (root.serialization.get("name") or root.name) if root is not None else model.name
    return f"<{name}/>".encode()


def _without_lists(model: Any, body: bytes, protocol: str) -> bytes:
    """The answer with its top-level lists removed (what an omitted or lost list element looks like)."""
    shape = model.output_shape
    lists = {m.serialization.get("name", name) for name, m in (shape.members.items() if shape else ())
             if m.type_name == "list"}
    if protocol in ("json", "rest-json"):
        try:
            doc = json.loads(body or b"{}")
        except ValueError:
            return body
        if isinstance(doc, dict):
            doc = {k: v for k, v in doc.items() if k not in lists}
        return json.dumps(doc).encode()
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError:
        return body
    holder = root
    if protocol == "query":  # <OpResponse><OpResult>members</OpResult>...</OpResponse>
        holder = next((c for c in root if c.tag.rsplit("}", 1)[-1].endswith("Result")), root)
    for child in list(holder):
        if child.tag.rsplit("}", 1)[-1] in lists:
            holder.remove(child)
    return ElementTree.tostring(root)


def seeded_plan(seed: int, rate: float, persistent: float, kinds: tuple[str, ...]) -> Plan:
    """A plan that damages about ``rate`` of first attempts and keeps ``persistent`` of the reads damaged on
    every attempt, the fault chosen from ``kinds``; the same seed gives the same faults for the same reads,
    whatever order the threads send them in."""

    def plan(service: str, operation: str, key: str, attempt: int) -> str | None:
        digest = hashlib.sha256(f"{seed}:{service}:{operation}:{key}".encode()).digest()
        roll = int.from_bytes(digest[:4], "big") / 2**32
        kind = kinds[digest[4] % len(kinds)]
        if roll < persistent:
            return kind
        if roll < persistent + rate and attempt == 1:
            return kind
        return None

    return plan
