"""accessanalyzer.enabled with Stubber on the scan's clients: moto has no Access Analyzer backend."""

from __future__ import annotations

from datetime import UTC, datetime

from botocore.stub import Stubber

from tests.conftest import ACCOUNT

CHECK = "accessanalyzer.enabled"


def _analyzer(name: str, kind: str, status: str = "ACTIVE") -> dict:
    return {"arn": f"arn:aws:access-analyzer:us-east-1:{ACCOUNT}:analyzer/{name}", "name": name, "type": kind,
            "createdAt": datetime(2024, 1, 1, tzinfo=UTC), "status": status}


def _stub(per_region: dict[str, list[dict] | str]):
    def prepare(target):
        for region, answer in per_region.items():
            stub = Stubber(target.collector.client("accessanalyzer", region))
            if isinstance(answer, str):
                stub.add_client_error("list_analyzers", answer, "no", 403)
            else:
                stub.add_response("list_analyzers", {"analyzers": answer})
            stub.activate()

    return prepare


def test_active_missing_and_unused_access_only(aws, scan):
    result = scan([CHECK], regions=("us-east-1", "eu-west-1", "ap-southeast-2"), prepare=_stub({
        "us-east-1": [_analyzer("external", "ACCOUNT"), _analyzer("unused", "ACCOUNT_UNUSED_ACCESS")],
        "eu-west-1": [],
        "ap-southeast-2": [_analyzer("unused", "ACCOUNT_UNUSED_ACCESS"), _analyzer("old", "ACCOUNT", "FAILED")],
    }))
    by_region = {f.region: f for f in result.findings}

    assert by_region["us-east-1"].status == "pass"
    assert by_region["us-east-1"].resource == f"arn:aws:access-analyzer:us-east-1:{ACCOUNT}:account"
    assert by_region["us-east-1"].evidence.observed["active_external_access_analyzers"] == 1
    assert by_region["eu-west-1"].status == "fail" and "no analyzer" in by_region["eu-west-1"].message
    assert by_region["ap-southeast-2"].status == "fail"
    assert len(by_region["ap-southeast-2"].evidence.observed["analyzers"]) == 2


def test_denied_is_not_assessed(aws, scan):
    result = scan([CHECK], prepare=_stub({"us-east-1": "AccessDeniedException"}))
    assert [f.status.value for f in result.findings] == ["not_assessed"]
    assert result.findings[0].missing_permission == "access-analyzer:ListAnalyzers"
