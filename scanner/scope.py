"""The workload's scope: which resources a scan keeps, which it leaves out, and why.

A review is of one workload, and an account also holds sandboxes, legacy stacks and other teams'
resources. A scope keeps the resources that carry an ``--include-tag`` (any of them), drops those that
carry an ``--exclude-tag`` or whose ARN matches an ``--exclude-arn`` glob, and always keeps account- and
region-level settings (a service switched on, a password policy), which belong to every workload.

Tags come from the Resource Groups Tagging API, one bulk ``GetResources`` per region through the
collector (the answer ``tagging.owner_and_cost_centre`` reads too). Nothing is silently lost: every
resource left out is listed in ``scan.json`` ``scope.excluded`` with its reason, and where the tags of a
region could not be read its resources are kept, unjudged, and the region is named in ``scope.unread``.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scanner.errors import NotAssessed, UsageError
from scanner.model import GLOBAL

if TYPE_CHECKING:
    from scanner.collect import Collector
    from scanner.runner import ScanResult

TAG_READ = ("resourcegroupstaggingapi", "GetResources")
# The keys a scope file may hold (YAML); the same rules as the command-line options.
FILE_KEYS = ("workload", "include_tags", "exclude_tags", "exclude_arns")


@dataclass(frozen=True)
class Scope:
    """The rules of a scope; an empty scope keeps everything."""

    include_tags: tuple[tuple[str, str], ...] = ()
    exclude_tags: tuple[tuple[str, str], ...] = ()
    exclude_arns: tuple[str, ...] = ()
    workload: str | None = None
    source: str | None = None  # the scope file, or the earlier scan the history remembered it from

    @property
    def empty(self) -> bool:
        """True when the scope leaves nothing out."""
        return not (self.include_tags or self.exclude_tags or self.exclude_arns)

    @property
    def needs_tags(self) -> bool:
        """True when a rule reads tags (an ARN glob needs none)."""
        return bool(self.include_tags or self.exclude_tags)

    def rules(self) -> dict[str, list[str]]:
        """The rules as ``scan.json`` carries them (and drift compares them)."""
        return {"include_tags": [f"{k}={v}" for k, v in self.include_tags],
                "exclude_tags": [f"{k}={v}" for k, v in self.exclude_tags],
                "exclude_arns": list(self.exclude_arns)}

    def merged(self, other: Scope) -> Scope:
        """This scope with ``other``'s rules added (command-line options on top of a scope file)."""
        return Scope(include_tags=_unique(self.include_tags + other.include_tags),
                     exclude_tags=_unique(self.exclude_tags + other.exclude_tags),
                     exclude_arns=_unique(self.exclude_arns + other.exclude_arns),
                     workload=other.workload or self.workload, source=self.source or other.source)


def _unique(items: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(dict.fromkeys(items))


def parse_tag(text: str, where: str) -> tuple[str, str]:
    """``KEY=VALUE`` as a pair; a missing ``=`` or an empty key raises ``UsageError`` naming ``where``."""
    key, sep, value = str(text).partition("=")
    if not sep or not key.strip():
        raise UsageError(f"{where} {text!r}: expected KEY=VALUE")
    return key.strip(), value.strip()


def scope_from_options(include: list[str], exclude: list[str], arns: list[str]) -> Scope:
    """The scope of ``--include-tag``, ``--exclude-tag`` and ``--exclude-arn``."""
    for glob in arns:
        if not glob.strip():
            raise UsageError("--exclude-arn: the pattern is empty")
    return Scope(include_tags=_unique(tuple(parse_tag(t, "--include-tag") for t in include)),
                 exclude_tags=_unique(tuple(parse_tag(t, "--exclude-tag") for t in exclude)),
                 exclude_arns=_unique(tuple(a.strip() for a in arns)))


def load_scope_file(path: Path) -> Scope:
    """The scope in a YAML file: ``workload``, ``include_tags``, ``exclude_tags``, ``exclude_arns``.

    Tags are ``KEY=VALUE`` strings or a mapping of key to value (a list of values for several).
    """
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"--scope {path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"--scope {path}: cannot read ({exc})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" (line {mark.line + 1})" if mark is not None else ""
        raise UsageError(f"--scope {path}: not valid YAML{at}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise UsageError(f"--scope {path}: expected a mapping of {', '.join(FILE_KEYS)}")
    unknown = sorted(set(data) - set(FILE_KEYS))
    if unknown:
        raise UsageError(f"--scope {path}: unknown key {unknown[0]!r} (keys: {', '.join(FILE_KEYS)})")
    workload = data.get("workload")
    if workload is not None and (not isinstance(workload, str) or not workload.strip()):
        raise UsageError(f"--scope {path}: workload must be a non-empty string")
    arns = data.get("exclude_arns") or []
    if not isinstance(arns, list) or not all(isinstance(a, str) and a.strip() for a in arns):
        raise UsageError(f"--scope {path}: exclude_arns must be a list of ARN patterns")
    return Scope(include_tags=_file_tags(data.get("include_tags"), path, "include_tags"),
                 exclude_tags=_file_tags(data.get("exclude_tags"), path, "exclude_tags"),
                 exclude_arns=_unique(tuple(a.strip() for a in arns)),
                 workload=workload.strip() if workload else None, source=str(path))


def _file_tags(value: Any, path: Path, key: str) -> tuple[tuple[str, str], ...]:
    where = f"--scope {path}: {key}"
    if value is None:
        return ()
    if isinstance(value, dict):
        pairs = [(str(k), str(v)) for k, vs in value.items() for v in (vs if isinstance(vs, list) else [vs])]
        if any(not k.strip() for k, _ in pairs):
            raise UsageError(f"{where}: a tag key is empty")
        return _unique(tuple((k.strip(), v.strip()) for k, v in pairs))
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return _unique(tuple(parse_tag(v, where) for v in value))
    raise UsageError(f"{where}: expected a list of KEY=VALUE or a mapping of key to value")


def remembered_scope(workload: str, db: Path | None) -> Scope | None:
    """The scope the history's latest scan of ``workload`` was made with, or ``None``."""
    from scanner.history import open_history

    with open_history(db, create=False) as history:
        row = history.conn.execute(
            "SELECT id, header FROM scans WHERE json_extract(header, '$.scope.workload') = ?"
            " ORDER BY started_at DESC, recorded_at DESC LIMIT 1", (workload,)).fetchone()
    if row is None:
        return None
    rules = (json.loads(row[1]).get("scope") or {}).get("rules") or {}
    return Scope(include_tags=tuple(parse_tag(t, "remembered scope") for t in rules.get("include_tags") or []),
                 exclude_tags=tuple(parse_tag(t, "remembered scope") for t in rules.get("exclude_tags") or []),
                 exclude_arns=tuple(rules.get("exclude_arns") or []), workload=workload,
                 source=f"history: scan {row[0]}")


def resolve_scope(ref: Path | None, options: Scope, db: Path | None) -> Scope | None:
    """The scan's scope: ``--scope`` (a YAML file, or a workload the history remembers) plus the options.

    ``None`` when nothing scopes the scan.
    """
    scope = Scope()
    if ref is not None:
        if ref.exists():
            scope = load_scope_file(ref)
        else:
            try:
                found = remembered_scope(str(ref), db)
            except UsageError:
                found = None
            if found is None:
                raise UsageError(f"--scope {ref}: no such file, and no scan of a workload {str(ref)!r} "
                                 "in the history")
            scope = found
    scope = scope.merged(options)
    return None if scope.empty and scope.workload is None else scope


# -- applying a scope to a scan ---------------------------------------------------------------------


@dataclass
class TagIndex:
    """The tags of every resource the tagging API answered for, and the regions it could not read."""

    tags: dict[str, dict[str, str]] = field(default_factory=dict)
    unread: dict[str, str] = field(default_factory=dict)  # region -> why its tags could not be read


def read_tags(collector: Collector, regions: list[str]) -> TagIndex:
    """One bulk ``GetResources`` per region (cached by the collector, so a tagging check reuses it)."""
    index = TagIndex()

    def one(region: str) -> tuple[str, list[dict[str, Any]] | NotAssessed]:
        try:
            # The same parameters as tagging.owner_and_cost_centre's read, so the two share one answer.
            answer = collector.call(*TAG_READ, region, ResourcesPerPage=100, required=("ResourceTagMappingList",))
        except NotAssessed as exc:
            return region, exc
        return region, answer["ResourceTagMappingList"]

    for region, items in collector.map(one, list(dict.fromkeys(regions))):
        if isinstance(items, NotAssessed):
            denied = items.missing_permission
            index.unread[region] = str(items) + (f" (missing {denied})" if denied and denied not in str(items) else "")
            continue
        for item in items:
            index.tags[item["ResourceARN"]] = {t["Key"]: t.get("Value", "") for t in item.get("Tags") or []}
    return index


def tags_for_scope(scope: Scope | None, target: Any) -> TagIndex | None:
    """The tags ``scope`` judges by, read in the target's regions (and its home region, for global
    resources); ``None`` when there is no scope or its rules read no tags."""
    if scope is None or not scope.needs_tags:
        return None
    return read_tags(target.collector, [*target.regions, target.home_region])


def is_account_level(resource: str) -> bool:
    """True for the pseudo-resource of an account- or region-level setting, which every scope keeps."""
    return resource.endswith(":account")


def why_excluded(scope: Scope, resource: str, tags: dict[str, str] | None) -> str | None:
    """Why ``resource`` is out of ``scope``, or ``None`` when it stays; ``tags`` is ``None`` if unknown."""
    if is_account_level(resource):
        return None
    for glob in scope.exclude_arns:
        if fnmatch.fnmatchcase(resource, glob):
            return f"matches --exclude-arn {glob}"
    if tags is None:
        return None
    for key, value in scope.exclude_tags:
        if tags.get(key) == value:
            return f"tagged {key}={value} (--exclude-tag)"
    if scope.include_tags and not any(tags.get(k) == v for k, v in scope.include_tags):
        wanted = ", ".join(f"{k}={v}" for k, v in scope.include_tags)
        return f"not tagged {wanted} (--include-tag)"
    return None


def _tags_of(index: TagIndex | None, resource: str, region: str, home_region: str) -> dict[str, str] | None:
    """The resource's tags; ``{}`` for a resource the tagging API does not know (it carries none), and
    ``None`` when the tags that would say were not read."""
    if index is None:
        return None
    for arn in (resource, resource.removesuffix(":*")):
        if arn in index.tags:
            return index.tags[arn]
    if (home_region if region == GLOBAL else region) in index.unread:
        return None
    return {}


def apply_scope(result: ScanResult, scope: Scope, index: TagIndex | None, home_region: str) -> ScanResult:
    """``result`` without the findings on resources out of ``scope``; its ``extra["scope"]`` records the
    rules, what was left out (count and list, with reasons) and the regions whose tags were unread."""
    kept, excluded = [], {}
    for f in result.findings:
        reason = why_excluded(scope, f.resource, _tags_of(index, f.resource, f.region, home_region))
        if reason is None:
            kept.append(f)
            continue
        entry = excluded.setdefault(f.resource, {"resource": f.resource, "region": f.region, "reason": reason,
                                                 "checks": [], "findings": 0})
        entry["findings"] += 1
        if f.check not in entry["checks"]:
            entry["checks"].append(f.check)
    resources = sorted(excluded.values(), key=lambda e: (e["region"], e["resource"]))
    doc: dict[str, Any] = {
        "rules": scope.rules(),
        "workload": scope.workload,
        "source": scope.source,
        "excluded": {"resources": len(resources), "findings": sum(e["findings"] for e in resources),
                     "list": resources},
        "unread": dict(sorted((index.unread if index else {}).items())),
    }
    return dataclasses.replace(result, findings=kept, extra={**result.extra, "scope": doc})


def merged_scope(docs: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The ``scope`` of a workload pooled from several accounts' scans (all made with the same rules):
    every account's left-out resources, and the unread regions named with their account."""
    scoped = [d for d in docs if isinstance(d.get("scope"), dict)]
    if not scoped:
        return None
    first = scoped[0]["scope"]
    listed = [e for d in scoped for e in (d["scope"].get("excluded") or {}).get("list") or []]
    return {"rules": first.get("rules"), "workload": first.get("workload"), "source": first.get("source"),
            "excluded": {"resources": len(listed), "findings": sum(int(e.get("findings", 0)) for e in listed),
                         "list": listed},
            "unread": {f"{d['account']} {region}": why for d in scoped
                       for region, why in (d["scope"].get("unread") or {}).items()}}

