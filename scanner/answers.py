"""Is an AWS answer whole? Checks on the raw body and the parsed result before any check sees them.

botocore is lenient with what it receives: a 200 whose JSON it cannot parse becomes ``{"message": body}``,
members it does not know are dropped, and an empty document parses to an empty dict. A check that reads
``answer.get("logGroups", [])`` would then see "no log groups" and pass. The collector runs these checks
on every answer; a damaged one is retried and, if it stays damaged, becomes *not assessed*, never data.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Iterable
from typing import Any

from botocore.model import OperationModel, Shape

JSON_PROTOCOLS = frozenset({"json", "rest-json"})
XML_PROTOCOLS = frozenset({"query", "ec2", "rest-xml"})
# Where an output member lives when it is not in the body.
_NOT_IN_BODY = frozenset({"header", "headers", "statusCode"})
_XML_ROOT = re.compile(rb"^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*<([A-Za-z_][\w.:-]*)", re.S)
_TAG = re.compile(r"<[^>]*>")
# An error page rather than a message that happens to hold angle brackets (``<root_account>``).
_MARKUP = re.compile(r"(?i)<(?:!doctype|html|head|body|title|h[1-6]|p|div|br|center|pre)\b")
# How deep the parsed answer is compared with its shape: deep enough for the lists and the structures in
# them that checks read; deeper members are coerced by botocore's parser already.
_MAX_DEPTH = 6


class DamagedAnswer(Exception):
    """An answer that is not a whole, well-formed AWS response (cut short, not JSON, an HTML page, no
    recognisable member). Transient: the collector asks again before giving up."""


def body_members(shape: Shape | None) -> dict[str, Shape]:
    """The output members that travel in the body, by the name they have there."""
    if shape is None or shape.type_name != "structure":
        return {}
    found: dict[str, Shape] = {}
    for name, member in shape.members.items():
        if member.serialization.get("location") in _NOT_IN_BODY:
            continue
        found[member.serialization.get("name", name)] = member
    return found


def check_raw(operation: OperationModel, response: dict[str, Any]) -> None:
    """Raise ``DamagedAnswer`` when a successful raw response (botocore's ``response_dict``) is cut short,
    an HTML page, empty where a document is due, or (JSON protocols) not a JSON object of the output shape.

    Error responses (status >= 300) and streamed bodies are left to botocore.
    """
    if response.get("status_code", 200) >= 300:
        return
    if operation.has_streaming_output or operation.has_event_stream_output:
        return
    body = response.get("body")
    if not isinstance(body, bytes | bytearray):
        return
    headers = response.get("headers") or {}
    declared = headers.get("content-length")
    encoded = (headers.get("content-encoding") or "identity").lower() not in ("", "identity")
    if declared is not None and not encoded and str(declared).strip().isdigit() and int(declared) != len(body):
        raise DamagedAnswer(f"the answer was cut short ({len(body)} of {int(declared)} bytes)")
    head = bytes(body[:64]).lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        raise DamagedAnswer("an HTML page came back instead of an AWS answer (a proxy or captive portal?)")
    shape = operation.output_shape
    members = body_members(shape)
    if not members:
        return
    payload = shape.serialization.get("payload") if shape is not None else None
    payload_shape = shape.members.get(payload) if shape is not None and payload else None
    if payload_shape is not None and payload_shape.type_name != "structure":
        return  # a raw payload (a policy document, a blob): nothing to check in its syntax here
    protocol = operation.metadata.get("protocol") or operation.service_model.protocol
    if not bytes(body).strip():
        raise DamagedAnswer("the answer had an empty body")
    if protocol in JSON_PROTOCOLS:
        if payload_shape is not None:
            members = body_members(payload_shape)  # the body is the payload structure itself
        _check_json(operation, body, members)
    elif protocol in ("query", "ec2"):
        root = _XML_ROOT.match(bytes(body))
        if root is None:
            raise DamagedAnswer("the answer is not an XML document")
        tag = root.group(1).decode(errors="replace").rsplit(":", 1)[-1]
        if not tag.endswith("Response"):
            raise DamagedAnswer(f"the answer is a {tag[:40]} document, not {operation.name}Response")
        wrapper = shape.serialization.get("resultWrapper") if shape is not None else None
        if wrapper and not re.search(rb"<(?:[\w.-]+:)?" + re.escape(wrapper.encode()) + rb"[\s/>]", bytes(body)):
            raise DamagedAnswer(f"the answer has no {wrapper} element (an empty document)")


def _check_json(operation: OperationModel, body: bytes | bytearray, members: dict[str, Shape]) -> None:
    try:
        document = json.loads(bytes(body).decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise DamagedAnswer("the answer is not valid JSON (cut short or not from AWS)") from None
    if not isinstance(document, dict):
        raise DamagedAnswer(f"the answer is a JSON {type(document).__name__}, not an object")
    if document and not any(key in members for key in document):
        raise DamagedAnswer(f"the answer has none of the members of {operation.name}'s output "
                            f"(got {_names(document)})")
    for key, value in document.items():
        if key in members:
            problem = _mismatch(members[key], value, json_wire=True)
            if problem:
                raise DamagedAnswer(f"{key}: {problem}")


def check_parsed(operation: OperationModel, parsed: Any) -> None:
    """Raise ``DamagedAnswer`` when a parsed answer does not fit the output shape in a way a check would
    misread: not a dict, only members the shape does not have (``{"message": ...}``), or a member of the
    wrong kind (a number where a list is due)."""
    if not isinstance(parsed, dict):
        raise DamagedAnswer(f"the answer is a {type(parsed).__name__}, not a document")
    shape = operation.output_shape
    if shape is None or shape.type_name != "structure":
        return
    known = shape.members
    present = [k for k in parsed if k != "ResponseMetadata"]
    if present and not any(k in known for k in present):
        raise DamagedAnswer(f"the answer has none of the members of {operation.name}'s output "
                            f"(got {_names(present)})")
    for key in present:
        if key in known:
            problem = _mismatch(known[key], parsed[key], json_wire=False)
            if problem:
                raise DamagedAnswer(f"{key}: {problem}")


def missing(parsed: Any, required: Iterable[str]) -> str | None:
    """The first of ``required`` (dotted paths, e.g. ``"PolicyStatus.IsPublic"``) absent from ``parsed``."""
    for path in required:
        node = parsed
        for part in path.split("."):
            node = node.get(part) if isinstance(node, dict) else None
            if node is None:
                return path
    return None


def _mismatch(shape: Shape, value: Any, *, json_wire: bool, depth: int = 0) -> str | None:
    """Why ``value`` cannot be a ``shape`` (``None`` when it can). ``json_wire`` compares a JSON body
    (timestamps as numbers or strings, blobs as base64 text) rather than botocore's parsed values."""
    if value is None or depth > _MAX_DEPTH:
        return None
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            return f"expected an object, got {type(value).__name__}"
        if getattr(shape, "is_document_type", False):
            return None
        members = body_members(shape) if json_wire else dict(shape.members)
        for key, item in value.items():
            if key in members:
                problem = _mismatch(members[key], item, json_wire=json_wire, depth=depth + 1)
                if problem:
                    return f"{key}: {problem}"
        return None
    if kind == "list":
        if not isinstance(value, list):
            return f"expected a list, got {type(value).__name__}"
        for item in value:
            problem = _mismatch(shape.member, item, json_wire=json_wire, depth=depth + 1)
            if problem:
                return f"[]: {problem}"
        return None
    if kind == "map":
        if not isinstance(value, dict):
            return f"expected a map, got {type(value).__name__}"
        return None
    if kind == "string":
        # botocore's handlers decode some string members (IAM policy documents) into JSON values.
        ok = isinstance(value, str) or (not json_wire and isinstance(value, dict | list))
        return None if ok else f"expected a string, got {type(value).__name__}"
    if kind == "boolean":
        return None if isinstance(value, bool) else f"expected true or false, got {type(value).__name__}"
    if kind in ("integer", "long", "float", "double", "bigdecimal", "biginteger", "bigint"):
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        if not ok and json_wire and kind in ("float", "double") and value in ("NaN", "Infinity", "-Infinity"):
            ok = True
        return None if ok else f"expected a number, got {type(value).__name__}"
    if kind == "timestamp":
        allowed: tuple[type, ...] = (int, float, str) if json_wire else (datetime.datetime, str, int, float)
        return None if isinstance(value, allowed) else f"expected a time, got {type(value).__name__}"
    return None


def _names(keys: Iterable[str]) -> str:
    listed = [str(k)[:30] for k in keys]
    return ", ".join(listed[:3]) + (", ..." if len(listed) > 3 else "")


def one_line(text: str, limit: int = 160) -> str:
    """``text`` reduced to one readable line: markup removed, first non-empty line, at most ``limit``."""
    text = str(text or "")
    if _MARKUP.search(text):
        title = re.search(r"(?is)<title[^>]*>(.*?)</title>", text)
        if title and title.group(1).strip():
            text = title.group(1)
        else:
            text = _TAG.sub("\n", re.sub(r"(?is)<(script|style|head)\b.*?</\1\s*>", " ", text))
    for line in text.splitlines():
        line = " ".join(line.split())
        if line:
            return line if len(line) <= limit else line[: limit - 3].rstrip() + "..."
    return ""
