"""AWS Elastic Disaster Recovery: source servers replicate continuously and recovery is drilled.

Where Elastic Disaster Recovery has never been initialized in a region (UninitializedAccountException),
both checks report *not assessed* with reason ``not_enabled`` rather than a failure: not using this one
service says nothing about whether the workload has another disaster-recovery strategy (backups copied
to another region, pilot light, a multi-region database). The other reliability checks judge those.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from checks._dates import as_datetime
from checks._time import ago
from scanner.api import CheckContext, Finding, NotAssessed, Reason, check

UNINITIALIZED = "UninitializedAccountException"
HEALTHY = ("CONTINUOUS",)


def source_servers(ctx: CheckContext) -> list[dict[str, Any]] | NotAssessed:
    """The region's source servers, or a ``NotAssessed`` (not_enabled) when the service is not initialized."""
    answer = ctx.call("drs", "DescribeSourceServers", absent=(UNINITIALIZED,))
    if answer is None:
        return NotAssessed(Reason.NOT_ENABLED, f"Elastic Disaster Recovery is not initialized in {ctx.region}",
                           code=UNINITIALIZED)
    return answer.get("items", [])


def _label(server: dict[str, Any]) -> str:
    hostname = ((server.get("sourceProperties") or {}).get("identificationHints") or {}).get("hostname")
    return f"Source server {server['sourceServerID']}" + (f" ({hostname})" if hostname else "")


def _arn(ctx: CheckContext, server: dict[str, Any]) -> str:
    return server.get("arn") or ctx.arn("drs", f"source-server/{server['sourceServerID']}")


@check(
    id="drs.source_servers_replicating",
    title="Elastic Disaster Recovery source servers replicate continuously",
    service="drs",
    severity="high",
    effort="medium",
    description="""Every AWS Elastic Disaster Recovery source server is in continuous data replication, so a
        recovery can launch from data seconds old. Servers still in initial sync, stalled, paused, stopped or
        disconnected fail. Regions where the service was never initialized are not assessed.""",
    remediation="""Fix the replication of each failing server (agent connectivity to the staging subnet on TCP
        1500, staging area capacity, the replication settings' error shown by drs describe-source-servers), and
        alarm on the lag and stalled-replication metrics.""",
    reads=["drs:DescribeSourceServers"],
)
def source_servers_replicating(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per source server."""
    servers = source_servers(ctx)
    if isinstance(servers, NotAssessed):
        yield ctx.not_assessed(ctx.account_resource(), servers)
        return
    for server in servers:
        info = server.get("dataReplicationInfo") or {}
        state = info.get("dataReplicationState", "UNKNOWN")
        error = (info.get("dataReplicationError") or {}).get("error")
        observed = {"source_server": server["sourceServerID"], "replication_state": state,
                    "lag": info.get("lagDuration"), "replication_error": error,
                    "direction": server.get("replicationDirection"),
                    "staging_availability_zone": info.get("stagingAvailabilityZone")}
        if state in HEALTHY:
            lag = f" (lag {info['lagDuration']})" if info.get("lagDuration") else ""
            yield ctx.passed(_arn(ctx, server), f"{_label(server)} replicates continuously{lag}", observed)
        else:
            detail = f": {error}" if error else ""
            yield ctx.failed(_arn(ctx, server), f"{_label(server)} is not replicating continuously "
                             f"(state {state}{detail})", observed)


@check(
    id="drs.recovery_drill_recent",
    title="Disaster recovery is drilled for every source server",
    service="drs",
    severity="high",
    effort="medium",
    description="""Every AWS Elastic Disaster Recovery source server had a drill or recovery launched in the
        last `days` days, and that launch did not fail: recovery that has not been exercised is recovery that
        is not known to work. Regions where the service was never initialized are not assessed.""",
    remediation="""Launch drills regularly (drs start-recovery --is-drill) for every source server, check the
        recovered application end to end and against the recovery time objective, then terminate the drill
        instances.""",
    reads=["drs:DescribeSourceServers"],
    options={"days": 180},
)
def recovery_drill_recent(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per source server, from its last launch."""
    days = int(ctx.option("days"))
    servers = source_servers(ctx)
    if isinstance(servers, NotAssessed):
        yield ctx.not_assessed(ctx.account_resource(), servers)
        return
    now = datetime.now(UTC)
    for server in servers:
        last = ((server.get("lifeCycle") or {}).get("lastLaunch") or {})
        initiated = last.get("initiated") or {}
        when = as_datetime(initiated.get("apiCallDateTime"))
        status = last.get("status")
        observed = {"source_server": server["sourceServerID"], "days": days, "last_launch_type": initiated.get("type"),
                    "last_launch_at": when.strftime("%Y-%m-%dT%H:%M:%SZ") if when else None,
                    "last_launch_status": status, "last_launch_result": server.get("lastLaunchResult")}
        label = _label(server)
        kind = (initiated.get("type") or "launch").lower()
        if when is None:
            yield ctx.failed(_arn(ctx, server), f"{label} has never had a recovery drill", observed)
        elif status == "FAILED" or server.get("lastLaunchResult") == "FAILED":
            yield ctx.failed(_arn(ctx, server), f"{label}: the last {kind} ({ago((now - when).days)}) failed",
                             observed)
        elif when < now - timedelta(days=days):
            yield ctx.failed(_arn(ctx, server), f"{label} has had no drill in {days} days (last {kind} "
                             f"{ago((now - when).days)})", observed)
        else:
            yield ctx.passed(_arn(ctx, server), f"{label} had a {kind} {ago((now - when).days)}", observed)
