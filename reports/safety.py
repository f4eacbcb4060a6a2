"""Escaping for values that come from an account: Markdown text, CSV cells, HTML anchors.

Everything a scan records about an account (names, tags, ARNs, messages, observed values) is data an
account owner (or an attacker with write access to one resource) controls. These helpers are the
only way such values enter a Markdown or CSV report; HTML relies on jinja2's autoescaping and uses
``anchor`` for ``id`` attributes.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

# Characters that start a formula in Excel, LibreOffice and Google Sheets (OWASP "CSV injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")

# Inline Markdown syntax (CommonMark + GitHub extensions: tables, strikethrough, math, e-mail
# autolinks). Escaped with a backslash; block syntax (#, >, lists) cannot trigger because values never
# start a line.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}()|~$!@])")
# GitHub turns bare URLs into links; a backslash-escaped slash or dot keeps them plain text.
_MD_AUTOLINK = re.compile(r"(?i)(://|www\.)")
_WHITESPACE = re.compile(r"\s+")
_ANCHOR_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


# One encoder for every value shown: building one per call was a visible part of rendering a large scan.
_COMPACT = json.JSONEncoder(ensure_ascii=False, sort_keys=True, default=str)


def as_text(value: Any) -> str:
    """A value as one display string: strings as they are, None as empty, the rest as compact JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return int.__repr__(value)  # what json writes, for an int subclass too
    return _COMPACT.encode(value)


def one_line(value: Any) -> str:
    """``as_text`` with every run of whitespace (newlines, tabs) collapsed to one space."""
    return _WHITESPACE.sub(" ", as_text(value)).strip()


class MdSafe(str):
    """Markdown produced by the renderer itself; ``md_escape`` passes it through unchanged."""

    __slots__ = ()


def md_escape(value: Any) -> str:
    """Account data as inert inline Markdown, safe in a table cell.

    One line; ``&``, ``<``, ``>`` become entities (so no HTML tag or autolink survives), and inline
    Markdown punctuation (including the table separator ``|``) is backslash-escaped.
    """
    if isinstance(value, MdSafe):
        return value
    text = _WHITESPACE.sub(" ", as_text(value))
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return _MD_AUTOLINK.sub(lambda m: m.group(1).replace("/", "\\/").replace(".", "\\."), text)


def csv_safe(value: Any) -> Any:
    """A CSV cell that a spreadsheet will show as text, never evaluate as a formula.

    Strings that start with a formula trigger get a leading apostrophe; numbers pass unchanged.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return value
    text = as_text(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def anchor(prefix: str, value: Any) -> str:
    """An HTML ``id`` / URL fragment for ``value``: readable where possible, always unique and inert."""
    text = as_text(value)
    readable = _ANCHOR_UNSAFE.sub("-", text).strip("-")[:60]
    if readable == text and readable:
        return f"{prefix}-{readable}"
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    return f"{prefix}-{readable}-{digest}" if readable else f"{prefix}-{digest}"
