"""What a check sees: the account, one region, reads through the shared collector, finding builders."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from scanner.collect import Collector, utcnow_iso
from scanner.errors import NotAssessed
from scanner.model import GLOBAL, CheckMeta, Evidence, Finding, Severity, Status
from scanner.scope import Scope, why_excluded


@dataclass
class CheckContext:
    """The handle a check gets for one run (one region, or once for a global check).

    ``region`` is the region being assessed (``"global"`` for global checks); ``api_region`` is where
    calls go by default (the home region for global checks). Every read is recorded so findings can
    name their API sources and collection time without the check spelling them out.
    """

    meta: CheckMeta
    account: str
    partition: str
    region: str
    api_region: str
    regions: tuple[str, ...]
    collector: Collector
    options: dict[str, Any] = field(default_factory=dict)
    # The workload's scope, for checks that judge a share of many resources (``in_scope``).
    scope: Scope | None = None
    _sources: list[str] = field(default_factory=list)
    _latest: str = ""
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def in_scope(self, resource: str, tags: dict[str, str] | None) -> bool:
        """Whether the scan's scope keeps ``resource`` (always, without a scope); ``tags`` as ``{key: value}``.

        Findings on resources out of scope are dropped after the scan; a check whose one finding sums up
        many resources (a share of them tagged, say) asks here, so the resources left out do not count.
        """
        return self.scope is None or why_excluded(self.scope, resource, tags) is None

    # -- reads -----------------------------------------------------------------------------------------

    def call(self, service: str, operation: str, *, region: str | None = None,
             absent: Iterable[str] = (), required: Iterable[str] = (), **params: Any) -> Any:
        """Read through the collector (cached, paginated); ``None`` for an ``absent`` error code.

        ``required`` names the members (dotted paths) a whole answer always has; a check whose pass rests
        on an absence (no grants, no log groups) states them, so an empty or damaged answer is *not
        assessed* instead of "none found".

        Raises ``NotAssessed`` when the read cannot be made.
        """
        value, when = self.collector.call_with_time(
            service, operation, region or self.api_region, absent=absent, required=required, **params
        )
        self._record(f"{service}:{operation}", when)
        return value

    def memo(self, name: str, build: Any, sources: Iterable[str] = ()) -> Any:
        """A derived value shared by all checks of the scan (see ``Collector.memo``)."""
        value = self.collector.memo(name, build)
        for source in sources:
            self._record(source, "")
        return value

    def map(self, func: Any, items: Any) -> list[Any]:
        """Apply ``func`` to every item concurrently (per-resource reads), results in order.

        Use it for loops that make one or more reads per resource (per bucket, per table): with real
        network latency a sequential loop over thousands of resources dominates a scan.
        """
        return self.collector.map(func, items)

    def _record(self, source: str, when: str) -> None:
        with self._lock:
            if source not in self._sources:
                self._sources.append(source)
            if when > self._latest:
                self._latest = when

    def option(self, name: str) -> Any:
        """A tunable declared by the check, as set on the command line or its default."""
        return self.options.get(name, self.meta.options.get(name))

    # -- findings --------------------------------------------------------------------------------------

    def finding(
        self,
        status: Status,
        resource: str,
        message: str,
        observed: dict[str, Any] | None = None,
        *,
        severity: Severity | None = None,
        region: str | None = None,
        source: Iterable[str] | None = None,
    ) -> Finding:
        """A finding about ``resource`` with the evidence gathered by this context so far."""
        with self._lock:
            sources = tuple(source) if source is not None else tuple(self._sources)
            when = self._latest or utcnow_iso()
        return Finding(
            check=self.meta.id,
            status=status,
            severity=severity or self.meta.severity,
            account=self.account,
            region=region or self.region,
            resource=resource,
            message=" ".join(message.split()),
            evidence=Evidence(observed=dict(observed or {}), source=sources, collected_at=when),
        )

    def passed(self, resource: str, message: str, observed: dict[str, Any] | None = None,
               **kw: Any) -> Finding:
        """A ``pass`` finding."""
        return self.finding(Status.PASS, resource, message, observed, **kw)

    def failed(self, resource: str, message: str, observed: dict[str, Any] | None = None,
               **kw: Any) -> Finding:
        """A ``fail`` finding."""
        return self.finding(Status.FAIL, resource, message, observed, **kw)

    def not_assessed(self, resource: str, error: NotAssessed, *, region: str | None = None) -> Finding:
        """A ``not_assessed`` finding for one resource whose read failed; the rest of the check goes on."""
        return not_assessed_finding(self.meta, self.account, region or self.region, resource, error)

    # -- names -----------------------------------------------------------------------------------------

    def arn(self, service: str, resource: str, *, region: str | None = None, global_: bool = False) -> str:
        """An ARN in this account and partition; ``global_`` leaves the region empty (IAM, S3)."""
        where = "" if global_ else (region or self.api_region)
        return f"arn:{self.partition}:{service}:{where}:{self.account}:{resource}"

    def account_resource(self, service: str | None = None, region: str | None = None) -> str:
        """The resource name for account-wide settings (a service switched on or off in a region)."""
        return account_arn(self.partition, service or self.meta.service, region or self.region, self.account)


def account_arn(partition: str, service: str, region: str, account: str) -> str:
    """The pseudo-ARN wa-scan uses for account-wide settings of ``service`` in ``region``."""
    where = "" if region == GLOBAL else region
    return f"arn:{partition}:{service}:{where}:{account}:account"


def not_assessed_finding(meta: CheckMeta, account: str, region: str, resource: str,
                         error: NotAssessed) -> Finding:
    """The finding that records why ``meta``'s check could not assess ``resource``."""
    observed: dict[str, Any] = {"reason": str(error.reason), "detail": error.detail}
    if error.code:
        observed["error_code"] = error.code
    if error.missing_permission:
        observed["missing_permission"] = error.missing_permission
    return Finding(
        check=meta.id,
        status=Status.NOT_ASSESSED,
        severity=meta.severity,
        account=account,
        region=region,
        resource=resource,
        message=f"Not assessed: {error.detail}",
        evidence=Evidence(observed=observed, source=(error.operation,) if error.operation else (),
                          collected_at=utcnow_iso()),
        reason=error.reason,
        missing_permission=error.missing_permission,
    )
