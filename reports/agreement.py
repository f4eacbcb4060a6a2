"""Where an adapter (a Security Hub control, a Config rule, Trusted Advisor) and a wa-scan check disagree.

Both findings always show; this names the resources where they point different ways for the same WA
choice (one passes, the other fails), so a reviewer can ask which is stale or which looks at a different
setting. It reads the scan document only: emitted check ids (``securityhub.control.S3.8``) have two
dots, wa-scan's own ids one.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def is_adapted(check_id: str) -> bool:
    """True for an id an adapter emits (``<service>.<kind>.<upstream id>``)."""
    return check_id.count(".") >= 2


def resource_key(finding: dict[str, Any]) -> tuple[str, str]:
    """What a finding is about, so that the account's pseudo-ARNs of different services compare equal."""
    resource = str(finding.get("resource") or "")
    if resource.endswith((":account", ":root")) or resource.startswith("AWS::::Account:"):
        return ("account", str(finding.get("account") or ""))
    return ("resource", resource)


def disagreements(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """One entry per (resource, our check, adapter id) that disagree on a choice both are linked to.

    ``{"resource", "choice", "bp", "check", "check_status", "adapter", "adapter_status"}``, sorted by
    resource; the first shared choice is named.
    """
    by_check: dict[str, dict[tuple[str, str], set[str]]] = {}
    names: dict[tuple[str, str], str] = {}
    for f in doc.get("findings") or []:
        if f.get("status") in ("pass", "fail"):
            key = resource_key(f)
            by_check.setdefault(f["check"], {}).setdefault(key, set()).add(f["status"])
            names.setdefault(key, f"account {key[1]}" if key[0] == "account" else key[1])
    out: dict[tuple[tuple[str, str], str, str], dict[str, Any]] = {}
    for question in doc.get("suggestions") or []:
        for choice in question.get("choices") or []:
            ids = [c["check"] for c in choice.get("checks") or [] if c.get("check") in by_check]
            for own in (i for i in ids if not is_adapted(i)):
                for adapter in (i for i in ids if is_adapted(i)):
                    for key, theirs in by_check[adapter].items():
                        ours = by_check[own].get(key)
                        if ours and len(ours) == 1 and len(theirs) == 1 and ours != theirs:
                            out.setdefault((key, own, adapter), {
                                "resource": names[key], "choice": choice.get("choice"), "bp": choice.get("bp"),
                                "check": own, "check_status": next(iter(ours)),
                                "adapter": adapter, "adapter_status": next(iter(theirs))})
    return sorted(out.values(), key=lambda d: (d["resource"], d["check"], d["adapter"]))


_VERB = {"pass": "passes", "fail": "fails"}


def lines(found: Iterable[dict[str, Any]]) -> list[str]:
    """One sentence per disagreement, for a report."""
    return [f"{d['resource']}: {d['check']} {_VERB[d['check_status']]}, {d['adapter']} "
            f"{_VERB[d['adapter_status']]} ({d['bp'] or d['choice']})" for d in found]
