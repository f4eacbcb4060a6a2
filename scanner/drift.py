"""Drift between two scans of an account: what failed anew, what was fixed, what appeared or went.

``compare(old, new)`` works on two scan documents and returns a JSON-ready report;
``reports.drift.render_drift`` turns it into Markdown, self-contained HTML or JSON. When the two
scans were not made the same way (options, checks, lens, mapping, scope, regions) the report says
so first (``setup``): a change there moves findings and risks without anything changing in AWS.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from scanner.document import scan_id_for
from scanner.model import Severity, risk_rank, severity_rank
from scanner.review.decisions import Decision, Draft, check_ids

DRIFT_SCHEMA = "wa-scan-drift/1"


def _is_account_resource(arn: str) -> bool:
    return arn.endswith(":account")


def _check_state(counts: dict[str, int]) -> str:
    """A check's overall state in a scan: fail beats not assessed beats pass."""
    if counts.get("fail"):
        return "fail"
    if counts.get("not_assessed"):
        return "not_assessed"
    if counts.get("pass"):
        return "pass"
    return "no findings"


def _scan_info(doc: dict[str, Any]) -> dict[str, Any]:
    info = {k: doc.get(k) for k in ("scan_id", "account", "started_at", "finished_at", "regions", "complete")}
    info["scan_id"] = info["scan_id"] or scan_id_for(doc)
    return info


def compare(old: dict[str, Any], new: dict[str, Any], *, decisions: dict[str, Decision] | None = None,
            drafts: dict[str, Draft] | None = None) -> dict[str, Any]:
    """The drift from ``old`` to ``new`` (two scan documents); ``decisions`` and ``drafts`` are the new scan's,
    if recorded (drafts carried from the earlier scan are answers still to finish)."""
    titles = {c["id"]: c.get("title", c["id"]) for c in (old.get("checks") or []) + (new.get("checks") or [])}
    old_f = {f["id"]: f for f in old.get("findings") or []}
    new_f = {f["id"]: f for f in new.get("findings") or []}

    def row(f: dict[str, Any], **extra: Any) -> dict[str, Any]:
        return {"id": f["id"], "check": f["check"], "title": titles.get(f["check"], f["check"]),
                "severity": f.get("severity", "info"), "region": f.get("region", ""),
                "resource": f.get("resource", ""), "message": f.get("message", ""), **extra}

    def order(r: dict[str, Any]) -> tuple:
        return (-severity_rank(r["severity"]), r["check"], r["region"], r["resource"])

    # Like with like: a resource one scan's scope left out is neither a new failure nor a resolved one.
    old_out, new_out = _left_out(old), _left_out(new)
    new_failures = sorted((row(f, was=old_f[i]["status"] if i in old_f else "absent",
                               was_message=old_f[i].get("message", "") if i in old_f else "")
                           for i, f in new_f.items() if f["status"] == "fail"
                           and (i not in old_f or old_f[i]["status"] != "fail")
                           and (i in old_f or f.get("resource") not in old_out)), key=order)
    # A failure on an account-wide pseudo-resource that is no longer reported was fixed, not deleted.
    resolved = sorted((row(f, now=new_f[i]["status"] if i in new_f else
                           "cleared" if _is_account_resource(f.get("resource", "")) else "gone",
                           now_message=new_f[i].get("message", "") if i in new_f else "")
                       for i, f in old_f.items() if f["status"] == "fail"
                       and (i not in new_f or new_f[i]["status"] != "fail")
                       and (i in new_f or f.get("resource") not in new_out)), key=order)
    # Still failing, but what the check says changed (a key now older, a second public grant): old beside new.
    messages_changed = sorted((row(f, was_message=old_f[i].get("message", "")) for i, f in new_f.items()
                               if f["status"] == "fail" and i in old_f and old_f[i]["status"] == "fail"
                               and old_f[i].get("message", "") != f.get("message", "")), key=order)
    scope_moved = sorted([row(f, scope="left out by the new scan's scope", reason=new_out[f["resource"]])
                          for i, f in old_f.items() if f["status"] == "fail" and i not in new_f
                          and f.get("resource") in new_out]
                         + [row(f, scope="left out by the old scan's scope", reason=old_out[f["resource"]])
                            for i, f in new_f.items() if f["status"] == "fail" and i not in old_f
                            and f.get("resource") in old_out], key=order)

    def resources(findings: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for f in findings.values():
            if f["status"] == "not_assessed" or _is_account_resource(f.get("resource", "")):
                continue
            entry = out.setdefault(f["resource"], {"resource": f["resource"], "region": f.get("region", ""),
                                                   "checks": []})
            entry["checks"].append(f["check"])
        return out

    old_r, new_r = resources(old_f), resources(new_f)
    appeared = [new_r[r] for r in sorted(set(new_r) - set(old_r) - set(old_out))]
    gone = [old_r[r] for r in sorted(set(old_r) - set(new_r) - set(new_out))]

    def counts(findings: dict[str, dict[str, Any]]) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = defaultdict(lambda: {"pass": 0, "fail": 0, "not_assessed": 0})
        for f in findings.values():
            out[f["check"]][f["status"]] = out[f["check"]].get(f["status"], 0) + 1
        return out

    old_c, new_c = counts(old_f), counts(new_f)
    old_checks = {c["id"] for c in old.get("checks") or []} | set(old_c)
    new_checks = {c["id"] for c in new.get("checks") or []} | set(new_c)
    checks_changed = []
    for cid in sorted(old_checks | new_checks):
        before = _check_state(old_c.get(cid, {})) if cid in old_checks else "not run"
        after = _check_state(new_c.get(cid, {})) if cid in new_checks else "not run"
        if before != after:
            checks_changed.append({"check": cid, "title": titles.get(cid, cid), "old": before, "new": after,
                                   "old_counts": dict(old_c.get(cid, {})), "new_counts": dict(new_c.get(cid, {}))})

    risk_changes = _risk_changes(old, new, old_f, new_f, titles)
    setup = setup_differences(old, new)
    report: dict[str, Any] = {
        "schema": DRIFT_SCHEMA,
        "account": new.get("account") or old.get("account"),
        "old": _scan_info(old),
        "new": _scan_info(new),
        "summary": {"new_failures": len(new_failures), "resolved_failures": len(resolved),
                    "resources_appeared": len(appeared), "resources_gone": len(gone),
                    "checks_changed": len(checks_changed), "risk_changes": len(risk_changes),
                    "scope_differs": _scope_rules(old) != _scope_rules(new),
                    "messages_changed": len(messages_changed), "setup_differs": len(setup)},
        "setup": setup,
        "scope": {"old": _scope_rules(old), "new": _scope_rules(new), "old_text": _rules_text(_scope_rules(old)),
                  "new_text": _rules_text(_scope_rules(new)), "failures_out_of_scope": scope_moved},
        "new_failures": new_failures,
        "messages_changed": messages_changed,
        "resolved_failures": resolved,
        "resources_appeared": appeared,
        "resources_gone": gone,
        "checks_changed": checks_changed,
        "risk_changes": risk_changes,
    }
    if decisions is not None:
        labels = {s["question"]: s.get("label", s["question"]) for s in new.get("suggestions") or []}
        report["review"] = {
            "kept": sorted((labels.get(q, q) for q, d in decisions.items() if d.confirmed and d.source == "carried")),
            "evidence_changed": sorted(labels.get(q, q) for q, d in decisions.items() if not d.confirmed),
            "confirmed": sorted(labels.get(q, q) for q, d in decisions.items() if d.confirmed),
            "drafts": sorted(labels.get(q, q) for q in drafts or {}),
        }
    return report


def _check_options(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["id"]: dict(c.get("options") or {}) for c in doc.get("checks") or [] if isinstance(c, dict)
            and c.get("id") and c.get("options")}


def _lens_text(doc: dict[str, Any]) -> str:
    lens = doc.get("lens") if isinstance(doc.get("lens"), dict) else {}
    return f"{lens.get('name') or lens.get('alias') or 'unknown lens'} {lens.get('version') or ''}".strip()


def _mapping_text(doc: dict[str, Any]) -> str:
    mapping = doc.get("mapping") if isinstance(doc.get("mapping"), dict) else {}
    if not mapping:
        return "not recorded"
    return f"{len(mapping.get('files') or [])} files, {mapping.get('links', '?')} links"


def _listed(items: list[str], limit: int = 8) -> str:
    return ", ".join(items[:limit]) + (f" and {len(items) - limit} more" if len(items) > limit else "")


def setup_differences(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, str]]:
    """How the two scans were made differently: ``[{"what", "old", "new", "detail"}]``, empty when alike.

    ``what`` is one of options, checks, lens, mapping, scope, regions. A check that ran in only one
    scan changes its findings from "not run" without anything changing in the account; a changed
    threshold, lens or mapping changes statuses and suggested risks the same way.
    """
    out: list[dict[str, str]] = []

    def differs(what: str, before: str, after: str, detail: str = "") -> None:
        out.append({"what": what, "old": before, "new": after, "detail": detail})

    old_opts, new_opts = _check_options(old), _check_options(new)
    changed = sorted(c for c in set(old_opts) | set(new_opts) if old_opts.get(c) != new_opts.get(c))
    if changed:
        def opts(o: dict[str, dict[str, Any]]) -> str:
            return "; ".join(f"{c} {json.dumps(o[c], sort_keys=True)}" for c in changed if c in o) or "defaults"
        differs("options", opts(old_opts), opts(new_opts), f"check options differ for {_listed(changed)}")
    old_ids = {c["id"] for c in old.get("checks") or [] if isinstance(c, dict) and c.get("id")}
    new_ids = {c["id"] for c in new.get("checks") or [] if isinstance(c, dict) and c.get("id")}
    if old_ids != new_ids:
        only_new, only_old = sorted(new_ids - old_ids), sorted(old_ids - new_ids)
        detail = "; ".join(part for part in (f"only in the new scan: {_listed(only_new)}" if only_new else "",
                                             f"only in the old scan: {_listed(only_old)}" if only_old else "")
                           if part)
        differs("checks", f"{len(old_ids)} checks", f"{len(new_ids)} checks", detail)
    if _lens_text(old) != _lens_text(new):
        differs("lens", _lens_text(old), _lens_text(new), "question and choice ids may not line up")
    old_map, new_map = old.get("mapping") or {}, new.get("mapping") or {}
    if old_map != new_map:
        files_old, files_new = set(old_map.get("files") or []), set(new_map.get("files") or [])
        detail = "; ".join(part for part in (
            f"files only in the new scan: {_listed(sorted(files_new - files_old))}" if files_new - files_old else "",
            f"files only in the old scan: {_listed(sorted(files_old - files_new))}" if files_old - files_new else "")
            if part) or "the links between checks and best practices changed"
        differs("mapping", _mapping_text(old), _mapping_text(new), detail)
    if _scope_rules(old) != _scope_rules(new):
        differs("scope", _rules_text(_scope_rules(old)), _rules_text(_scope_rules(new)),
                "a resource one scan left out is neither a new nor a resolved failure")
    old_regions, new_regions = sorted(old.get("regions") or []), sorted(new.get("regions") or [])
    if old_regions != new_regions:
        differs("regions", ", ".join(old_regions) or "none", ", ".join(new_regions) or "none",
                "a region scanned only once changes findings and resources without any change in AWS")
    return out


def _left_out(doc: dict[str, Any]) -> dict[str, str]:
    """resource -> why the scan's scope left it out (``scan.json`` ``scope.excluded.list``)."""
    scope = doc.get("scope") if isinstance(doc.get("scope"), dict) else {}
    return {e["resource"]: e.get("reason", "") for e in (scope.get("excluded") or {}).get("list") or []}


def _scope_rules(doc: dict[str, Any]) -> dict[str, list[str]] | None:
    """The scan's scope rules, ``None`` for an unscoped scan (which kept every resource)."""
    scope = doc.get("scope") if isinstance(doc.get("scope"), dict) else {}
    rules = scope.get("rules") or {}
    return {k: sorted(rules.get(k) or []) for k in ("include_tags", "exclude_tags", "exclude_arns")} if any(
        rules.get(k) for k in ("include_tags", "exclude_tags", "exclude_arns")) else None


def _rules_text(rules: dict[str, list[str]] | None) -> str:
    """``--include-tag app=shop --exclude-arn ...``, or ``every resource`` for an unscoped scan."""
    if rules is None:
        return "every resource"
    flags = {"include_tags": "--include-tag", "exclude_tags": "--exclude-tag", "exclude_arns": "--exclude-arn"}
    return " ".join(f"{flags[k]} {v}" for k in flags for v in rules[k])


def _question_evidence(s: dict[str, Any], findings: dict[str, dict[str, Any]]) -> set[str]:
    ids: set[str] = set()
    checks: set[str] = set()
    for c in s.get("choices") or []:
        ids.update(c.get("findings") or [])
        checks.update(check_ids(c))
    ids.update(i for i, f in findings.items() if f["check"] in checks)
    return ids


def _risk_changes(old: dict[str, Any], new: dict[str, Any], old_f: dict[str, dict[str, Any]],
                  new_f: dict[str, dict[str, Any]], titles: dict[str, str]) -> list[dict[str, Any]]:
    """Questions whose suggested risk changed, with the failing findings that explain the change."""
    before = {s["question"]: s for s in old.get("suggestions") or []}
    out = []
    for s in new.get("suggestions") or []:
        prev = before.get(s["question"])
        if prev is None or prev.get("risk") == s.get("risk"):
            continue
        ids = _question_evidence(s, new_f) | _question_evidence(prev, old_f)
        worse = risk_rank(s.get("risk")) > risk_rank(prev.get("risk"))
        if worse:
            moved = [new_f[i] for i in ids if i in new_f and new_f[i]["status"] == "fail"
                     and (i not in old_f or old_f[i]["status"] != "fail")]
        else:
            moved = [old_f[i] for i in ids if i in old_f and old_f[i]["status"] == "fail"
                     and (i not in new_f or new_f[i]["status"] != "fail")]
        because = _because(moved, worse, titles)
        if not because:
            changed = {i for i in ids if (old_f.get(i) or {}).get("status") != (new_f.get(i) or {}).get("status")}
            because = "the evidence behind it changed" if changed else "the mapping or lens changed"
        label = s.get("label", s["question"])
        out.append({"question": s["question"], "label": label, "title": s.get("title", ""),
                    "old": prev.get("risk"), "new": s.get("risk"), "worse": worse, "because": because,
                    "findings": sorted(f["id"] for f in moved),
                    "text": f"{label}: {prev.get('risk')} -> {s.get('risk')} because {because}"})
    return out


def _because(moved: list[dict[str, Any]], worse: bool, titles: dict[str, str]) -> str:
    by_check: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for f in sorted(moved, key=lambda f: (f["check"], f.get("resource", ""))):
        by_check[f["check"]].append(f)
    parts = []
    for check, fs in by_check.items():
        title = titles.get(check, check)
        if len(fs) == 1:
            text = fs[0].get("message", title)
            parts.append(text if worse else f"fixed: {text}")
        elif worse:
            parts.append(f"{len(fs)} resources now fail \u201c{title}\u201d (e.g. {fs[0].get('message', '')})")
        else:
            parts.append(f"{len(fs)} failures of \u201c{title}\u201d were resolved")
    return "; ".join(parts)


def has_new_failures_at(report: dict[str, Any], floor: str) -> bool:
    """True when a new failure has severity ``floor`` or worse (for ``--fail-on-new``)."""
    rank = Severity(floor).rank
    return any(severity_rank(f["severity"]) >= rank for f in report["new_failures"])
