"""drs.source_servers_replicating and drs.recovery_drill_recent: moto has no DRS, so the scan's client
answers through botocore's Stubber on the real service model."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from botocore.stub import Stubber

from tests.helpers import by_resource

REPLICATING, DRILLED = "drs.source_servers_replicating", "drs.recovery_drill_recent"


def _server(sid: str, state: str, drill_days_ago: int | None = None, status: str = "LAUNCHED",
            error: str | None = None) -> dict:
    server = {"sourceServerID": sid, "arn": f"arn:aws:drs:us-east-1:123456789012:source-server/{sid}",
              "sourceProperties": {"identificationHints": {"hostname": f"host-{sid[-1]}"}},
              "dataReplicationInfo": {"dataReplicationState": state, "lagDuration": "PT2S"}}
    if error:
        server["dataReplicationInfo"]["dataReplicationError"] = {"error": error}
    if drill_days_ago is not None:
        when = (datetime.now(UTC) - timedelta(days=drill_days_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")
        server["lifeCycle"] = {"lastLaunch": {"initiated": {"apiCallDateTime": when, "type": "DRILL",
                                                            "jobID": "drsjob-0123456789abcdef0"}, "status": status}}
    return server


def _stub(servers: list[dict] | None = None, error: str | None = None, calls: int = 1):
    def prepare(target):
        stub = Stubber(target.collector.client("drs", "us-east-1"))
        for _ in range(calls):  # errors are cached per scan; one answer serves every check
            if error:
                stub.add_client_error("describe_source_servers", error, "no", 400)
            else:
                stub.add_response("describe_source_servers", {"items": servers or []})
        stub.activate()
    return prepare


def test_replication_states_and_drills(aws, scan):
    servers = [_server("s-00000000000000001", "CONTINUOUS", drill_days_ago=30),
               _server("s-00000000000000002", "STALLED", drill_days_ago=400, error="AGENT_NOT_SEEN"),
               _server("s-00000000000000003", "INITIAL_SYNC"),
               _server("s-00000000000000004", "CONTINUOUS", drill_days_ago=5, status="FAILED")]

    result = scan([REPLICATING, DRILLED], prepare=_stub(servers))

    ok = by_resource(result, "s-00000000000000001", REPLICATING)
    assert ok.status == "pass" and "(host-1)" in ok.message
    stalled = by_resource(result, "s-00000000000000002", REPLICATING)
    assert stalled.status == "fail" and "STALLED: AGENT_NOT_SEEN" in stalled.message
    assert by_resource(result, "s-00000000000000003", REPLICATING).status == "fail"

    drilled = by_resource(result, "s-00000000000000001", DRILLED)
    assert drilled.status == "pass" and drilled.evidence.observed["last_launch_type"] == "DRILL"
    assert "no drill in 180 days" in by_resource(result, "s-00000000000000002", DRILLED).message
    assert "never" in by_resource(result, "s-00000000000000003", DRILLED).message
    assert "failed" in by_resource(result, "s-00000000000000004", DRILLED).message


def test_uninitialized_is_not_enabled_not_fail(aws, scan):
    result = scan([REPLICATING, DRILLED], prepare=_stub(error="UninitializedAccountException"))

    assert len(result.findings) == 2
    for finding in result.findings:
        assert finding.status == "not_assessed" and finding.reason == "not_enabled"
        assert "not initialized in us-east-1" in finding.message
    assert not result.partial


def test_denied_is_not_assessed_with_permission(aws, scan):
    result = scan([REPLICATING], prepare=_stub(error="AccessDeniedException"))

    [finding] = result.findings
    assert finding.status == "not_assessed" and finding.missing_permission == "drs:DescribeSourceServers"
