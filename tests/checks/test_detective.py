"""detective.enabled: Stubber throughout (moto has no Detective backend)."""

from __future__ import annotations

from botocore.stub import Stubber

CHECK = "detective.enabled"
GRAPH = "arn:aws:detective:{}:{}:graph:0123456789abcdef"


def _stub(target, region, graphs, invitations=None, error=None):
    stub = Stubber(target.collector.client("detective", region))
    if error:
        stub.add_client_error("list_graphs", error, "denied", 403)
    else:
        stub.add_response("list_graphs", {"GraphList": [{"Arn": g} for g in graphs]})
        if invitations is not None:
            stub.add_response("list_invitations", {"Invitations": invitations})
    stub.activate()
    return stub


def test_administrator_member_and_off(aws, scan):
    stubs = []

    def prepare(target):
        stubs.append(_stub(target, "us-east-1", [GRAPH.format("us-east-1", "123456789012")]))
        stubs.append(_stub(target, "eu-west-1", [], [
            {"AccountId": "123456789012", "GraphArn": GRAPH.format("eu-west-1", "999999999999"),
             "Status": "ENABLED"}]))
        stubs.append(_stub(target, "eu-central-1", [], [
            {"AccountId": "123456789012", "GraphArn": GRAPH.format("eu-central-1", "999999999999"),
             "Status": "INVITED"}]))

    result = scan([CHECK], regions=["us-east-1", "eu-west-1", "eu-central-1"], prepare=prepare)

    for stub in stubs:
        stub.assert_no_pending_responses()
    by_region = {f.region: f for f in result.findings}
    assert by_region["us-east-1"].status == "pass" and "administers" in by_region["us-east-1"].message
    assert by_region["eu-west-1"].status == "pass" and "member of" in by_region["eu-west-1"].message
    central = by_region["eu-central-1"]
    assert central.status == "fail" and central.evidence.observed["pending_invitations"] == 1


def test_access_denied_is_not_assessed_never_pass(aws, scan):
    [finding] = scan([CHECK], prepare=lambda t: _stub(t, "us-east-1", [], error="AccessDeniedException")).findings

    assert finding.status == "not_assessed" and finding.missing_permission == "detective:ListGraphs"
