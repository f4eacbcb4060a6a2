"""resiliencehub.apps_have_policy and apps_meet_policy: moto emulates apps and policies; assessment
results are set on its backend (moto never assesses)."""

from __future__ import annotations

from botocore.stub import Stubber
from moto.resiliencehub.models import resiliencehub_backends

from tests.helpers import by_resource

HAVE, MEET = "resiliencehub.apps_have_policy", "resiliencehub.apps_meet_policy"
TARGET = {"rtoInSecs": 3600, "rpoInSecs": 300}


def _seed(aws) -> dict[str, str]:
    hub = aws.client("resiliencehub", region_name="us-east-1")
    policy = hub.create_resiliency_policy(policyName="tier1", tier="MissionCritical", policy={
        "AZ": TARGET, "Hardware": TARGET, "Software": TARGET})["policy"]["policyArn"]
    arns = {name: hub.create_app(name=name, **({"policyArn": policy} if with_policy else {}))["app"]["appArn"]
            for name, with_policy in (("payments", True), ("checkout", True), ("new-app", True), ("reports", False))}
    backend = resiliencehub_backends["123456789012"]["us-east-1"]
    backend.apps[arns["payments"]].compliance_status = "PolicyMet"
    backend.apps[arns["checkout"]].compliance_status = "PolicyBreached"
    backend.apps[arns["reports"]].compliance_status = "MissingPolicy"
    return arns


def test_policy_attached_and_met(aws, scan):
    arns = _seed(aws)

    result = scan([HAVE, MEET])

    payments = by_resource(result, arns["payments"], HAVE)
    assert payments.status == "pass"
    assert payments.evidence.observed["objectives"]["AZ"] == {"rto_seconds": 3600, "rpo_seconds": 300}
    assert payments.evidence.observed["tier"] == "MissionCritical"
    assert by_resource(result, arns["reports"], HAVE).status == "fail"

    assert by_resource(result, arns["payments"], MEET).status == "pass"
    assert by_resource(result, arns["checkout"], MEET).status == "fail"
    assert by_resource(result, arns["reports"], MEET).status == "fail"
    never = by_resource(result, arns["new-app"], MEET)
    assert never.status == "not_assessed" and never.reason == "not_enabled"
    assert "never been assessed" in never.message and not result.partial


def test_list_apps_follows_pages(aws, scan):
    def prepare(target):
        stub = Stubber(target.collector.client("resiliencehub", "us-east-1"))
        app = {"creationTime": "2024-01-01T00:00:00Z", "complianceStatus": "PolicyMet"}
        stub.add_response("list_apps", {"appSummaries": [{"appArn": "arn:aws:resiliencehub:us-east-1:"
                                                          "123456789012:app/a", "name": "a", **app}],
                                        "nextToken": "t1"}, {})
        stub.add_response("list_apps", {"appSummaries": [{"appArn": "arn:aws:resiliencehub:us-east-1:"
                                                          "123456789012:app/b", "name": "b", **app}]},
                          {"nextToken": "t1"})
        stub.activate()

    result = scan([MEET], prepare=prepare)

    assert sorted(f.resource[-5:] for f in result.findings if f.status == "pass") == ["app/a", "app/b"]


def test_denied_app_is_not_assessed(aws, scan):
    arn = "arn:aws:resiliencehub:us-east-1:123456789012:app/a"

    def prepare(target):
        stub = Stubber(target.collector.client("resiliencehub", "us-east-1"))
        stub.add_response("list_apps", {"appSummaries": [{"appArn": arn, "name": "a",
                                                          "creationTime": "2024-01-01T00:00:00Z"}]})
        stub.add_client_error("describe_app", "AccessDeniedException", "denied", 403,
                              expected_params={"appArn": arn})
        stub.activate()

    result = scan([HAVE], prepare=prepare)

    [finding] = result.findings
    assert finding.status == "not_assessed" and finding.missing_permission == "resiliencehub:DescribeApp"
