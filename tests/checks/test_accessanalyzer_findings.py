"""accessanalyzer.finding_results with Stubber on the scan's clients: moto has no Access Analyzer backend."""

from __future__ import annotations

from datetime import UTC, datetime

from botocore.stub import Stubber

from checks.accessanalyzer_findings import PREFIX
from tests.conftest import ACCOUNT
from tests.helpers import assert_denied, deny

CHECK = "accessanalyzer.finding_results"
NOW = datetime(2026, 11, 30, tzinfo=UTC)


def _analyzer(name: str, kind: str, status: str = "ACTIVE") -> dict:
    return {"arn": f"arn:aws:access-analyzer:us-east-1:{ACCOUNT}:analyzer/{name}", "name": name, "type": kind,
            "createdAt": NOW, "status": status}


def _finding(fid: str, kind: str, resource: str, status: str = "ACTIVE") -> dict:
    return {"id": fid, "findingType": kind, "resource": resource, "resourceType": "AWS::S3::Bucket",
            "resourceOwnerAccount": ACCOUNT, "status": status, "analyzedAt": NOW, "createdAt": NOW,
            "updatedAt": NOW}


def _stub(per_region: dict[str, list[tuple[str, dict]]]):
    def prepare(target):
        for region, answers in per_region.items():
            stub = Stubber(target.collector.client("accessanalyzer", region))
            for operation, answer in answers:
                stub.add_response(operation, answer)
            stub.activate()

    return prepare


def test_active_findings_fail_and_watched_types_without_findings_pass(aws, scan):
    result = scan([CHECK], regions=("us-east-1", "eu-west-1"), prepare=_stub({
        "us-east-1": [
            ("list_analyzers", {"analyzers": [_analyzer("external", "ACCOUNT"),
                                              _analyzer("old", "ACCOUNT", "FAILED")]}),
            ("list_findings_v2", {"findings": [
                _finding("f1", "ExternalAccess", "arn:aws:s3:::shared-exports"),
                _finding("f2", "ExternalAccess", "arn:aws:s3:::shared-exports"),
                _finding("f3", "ExternalAccess", "arn:aws:s3:::closed", status="RESOLVED")]}),
        ],
        "eu-west-1": [
            ("list_analyzers", {"analyzers": [_analyzer("unused", "ACCOUNT_UNUSED_ACCESS")]}),
            ("list_findings_v2", {"findings": [
                _finding("u1", "UnusedIAMRole", f"arn:aws:iam::{ACCOUNT}:role/legacy-batch")]}),
        ],
    }))
    by = {(f.region, f.check, f.resource): f for f in result.findings}
    shared = by[("us-east-1", PREFIX + "ExternalAccess", "arn:aws:s3:::shared-exports")]
    assert shared.status == "fail" and len(shared.evidence.observed["findings"]) == 2
    assert not any(k[2] == "arn:aws:s3:::closed" for k in by)
    role = by[("eu-west-1", PREFIX + "UnusedIAMRole", f"arn:aws:iam::{ACCOUNT}:role/legacy-batch")]
    assert role.status == "fail"
    quiet = {k[1]: f.status.value for k, f in by.items() if k[0] == "eu-west-1" and f.status == "pass"}
    assert quiet == {PREFIX + "UnusedIAMUserAccessKey": "pass", PREFIX + "UnusedIAMUserPassword": "pass",
                     PREFIX + "UnusedPermission": "pass"}


def test_no_active_analyzer_is_not_assessed(aws, scan):
    result = scan([CHECK], prepare=_stub({"us-east-1": [("list_analyzers", {"analyzers": []})]}))
    [only] = result.findings
    assert only.check == CHECK and only.status == "not_assessed" and "no active analyzer in us-east-1" in only.message


def test_denied_findings_read_is_not_assessed(aws, scan):
    result = scan([CHECK], prepare=deny("accessanalyzer", "list_findings_v2", before=[
        ("list_analyzers", {"analyzers": [_analyzer("external", "ACCOUNT")]})]))
    assert_denied(result, "access-analyzer:ListFindingsV2")
