"""Check registration: ``@check(...)`` attaches validated metadata to a plain function.

Built-in checks are every module of the ``checks`` package; other packages add theirs through the
entry-point group ``wa_scan.checks`` (each entry point names a module, imported for its ``@check``
functions). ``WA_SCAN_NO_PLUGINS=1`` or ``--no-plugins`` turns third-party loading off.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any

from scanner.model import CheckMeta, Finding, Severity
from scanner.permissions import iam_action

if TYPE_CHECKING:
    from scanner.context import CheckContext

CheckFunc = Callable[["CheckContext"], Iterable[Finding]]
ENTRY_POINT_GROUP = "wa_scan.checks"
EFFORTS = ("low", "medium", "high")
_ID = re.compile(r"^[a-z0-9]+(?:[a-z0-9-]*)\.[a-z0-9_]+$")
# An adapter's emitted ids keep the upstream identifier as it is: securityhub.control.S3.8
_EMITTED_ID = re.compile(r"^[a-z0-9]+(?:[a-z0-9-]*)\.[a-z0-9_]+\.[A-Za-z0-9][A-Za-z0-9._-]*$")
_ATTR = "__wa_scan_check__"


class CheckRegistrationError(Exception):
    """A check's metadata is invalid; the message names the check."""

    def __init__(self, check_id: str, message: str) -> None:
        super().__init__(f"check {check_id!r}: {message}")
        self.check_id = check_id


@dataclass(frozen=True)
class RegisteredCheck:
    """A check function together with its metadata."""

    meta: CheckMeta
    func: CheckFunc

    def __call__(self, ctx: CheckContext) -> Iterable[Finding]:
        return self.func(ctx)


def check(
    *,
    id: str,
    title: str,
    service: str,
    severity: str,
    description: str,
    remediation: str,
    reads: Iterable[str],
    scope: str = "regional",
    permissions: Iterable[str] = (),
    options: dict[str, Any] | None = None,
    emits: Iterable[str] = (),
    effort: str = "medium",
) -> Callable[[CheckFunc], CheckFunc]:
    """Mark a function as a wa-scan check.

    ``reads`` lists the API operations the check makes as ``"service:Operation"`` (botocore service
    names); the IAM actions it needs are derived from them, plus any extra ``permissions``.
    ``options`` are tunables with their defaults (thresholds, name patterns), settable from the CLI as
    ``--option CHECK_ID.NAME=VALUE``. ``emits`` names the further check ids an adapter reports under
    (``securityhub.control.S3.8``: a finding per upstream control), so mappings can link to them.
    ``effort`` hints how much work the remediation usually is: ``"low"`` (a setting), ``"medium"``
    (a change per resource) or ``"high"`` (a redesign or a migration); the improvement plan shows it.
    The function is returned unchanged, so it stays testable.
    """

    def mark(func: CheckFunc) -> CheckFunc:
        parsed: list[tuple[str, str]] = []
        for item in reads:
            service_name, _, operation = item.partition(":")
            if not service_name or not operation or not operation[0].isupper():
                raise CheckRegistrationError(id, f"read {item!r} is not 'service:Operation'")
            parsed.append((service_name, operation))
        meta = CheckMeta(
            id=id,
            title=title,
            service=service,
            scope=scope,
            severity=_severity(id, severity),
            description=" ".join(description.split()),
            remediation=" ".join(remediation.split()),
            reads=tuple(parsed),
            permissions=tuple(sorted({iam_action(s, op) for s, op in parsed} | set(permissions))),
            module=func.__module__,
            options=dict(options or {}),
            emits=tuple(sorted(set(emits))),
            effort=effort,
        )
        _validate(meta)
        setattr(func, _ATTR, meta)
        return func

    return mark


def _severity(check_id: str, value: str) -> Severity:
    try:
        return Severity(value)
    except ValueError:
        raise CheckRegistrationError(check_id, f"unknown severity {value!r}") from None


def _validate(meta: CheckMeta) -> None:
    if not _ID.match(meta.id):
        raise CheckRegistrationError(meta.id, "id must look like '<service>.<desired_state>'")
    if meta.scope not in ("global", "regional"):
        raise CheckRegistrationError(meta.id, f"scope must be 'global' or 'regional', not {meta.scope!r}")
    for name in ("title", "description", "remediation", "service"):
        if not getattr(meta, name).strip():
            raise CheckRegistrationError(meta.id, f"{name} is empty")
    if not meta.reads:
        raise CheckRegistrationError(meta.id, "declares no reads")
    if meta.effort not in EFFORTS:
        raise CheckRegistrationError(meta.id, f"effort must be one of {', '.join(EFFORTS)}, not {meta.effort!r}")
    service_prefix = meta.id.split(".", 1)[0] + "."
    for emitted in meta.emits:
        if not _EMITTED_ID.match(emitted) or not emitted.startswith(service_prefix):
            raise CheckRegistrationError(meta.id, f"emitted id {emitted!r} must look like "
                                                  f"'{service_prefix}<kind>.<upstream id>'")


def meta_of(func: Any) -> CheckMeta | None:
    """The metadata ``@check`` attached to ``func``, if any."""
    return getattr(func, _ATTR, None)


def known_check_ids(checks: dict[str, RegisteredCheck]) -> set[str]:
    """The ids findings of ``checks`` can carry: each check's own and those its adapter emits."""
    return {cid for reg in checks.values() for cid in (reg.meta.id, *reg.meta.emits)}


def _checks_in(module: Any) -> Iterator[RegisteredCheck]:
    for value in vars(module).values():
        meta = meta_of(value)
        if meta is not None and meta.module == module.__name__:
            yield RegisteredCheck(meta, value)


def discover(plugins: bool = True) -> dict[str, RegisteredCheck]:
    """Every available check by id: the built-in ``checks`` package, then entry-point plugins."""
    import checks as builtin

    found: dict[str, RegisteredCheck] = {}

    def add_module(module: Any) -> None:
        for reg in _checks_in(module):
            if reg.meta.id in found and found[reg.meta.id].func is not reg.func:
                raise CheckRegistrationError(reg.meta.id, f"id registered twice ({reg.meta.module})")
            found[reg.meta.id] = reg

    for info in sorted(pkgutil.iter_modules(builtin.__path__), key=lambda m: m.name):
        if not info.name.startswith("_"):
            add_module(importlib.import_module(f"checks.{info.name}"))
    if plugins and os.environ.get("WA_SCAN_NO_PLUGINS", "") in ("", "0"):
        for ep in entry_points(group=ENTRY_POINT_GROUP):
            add_module(ep.load())
    return dict(sorted(found.items()))
