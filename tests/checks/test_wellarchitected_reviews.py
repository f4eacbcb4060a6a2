"""wellarchitected.reviews_recur with Stubber on the scan's (read-only) WA Tool client: moto has no backend."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from botocore.stub import Stubber

from tests.conftest import ACCOUNT
from tests.helpers import assert_denied, by_resource, deny

CHECK = "wellarchitected.reviews_recur"
WID = {"payments": "1" * 32, "legacy": "2" * 32}


def _workload(name: str) -> dict:
    return {"WorkloadId": WID[name], "WorkloadName": name, "Lenses": ["wellarchitected"],
            "WorkloadArn": f"arn:aws:wellarchitected:us-east-1:{ACCOUNT}:workload/{WID[name]}",
            "UpdatedAt": datetime.now(UTC), "RiskCounts": {"HIGH": 3}}


def _milestone(number: int, days_ago: int) -> dict:
    return {"MilestoneNumber": number, "MilestoneName": f"review {number}",
            "RecordedAt": datetime.now(UTC) - timedelta(days=days_ago)}


def test_recent_milestone_passes_stale_or_missing_fails(aws, scan):
    def prepare(target):
        stub = Stubber(target.collector.client("wellarchitected", "us-east-1"))
        stub.add_response("list_workloads", {"WorkloadSummaries": [_workload("payments")]})
        stub.add_response("list_milestones", {"WorkloadId": WID["payments"], "MilestoneSummaries": [
            _milestone(1, 400), _milestone(2, 30)]})
        stub.add_response("list_lens_reviews", {"WorkloadId": WID["payments"], "LensReviewSummaries": [
            {"LensAlias": "wellarchitected", "LensName": "AWS Well-Architected Framework"}]})
        stub.activate()

    [ok] = scan([CHECK], prepare=prepare).findings
    assert ok.status == "pass" and "30 day(s) ago (2 milestone(s))" in ok.message
    assert ok.evidence.observed["lens_reviews"] == ["wellarchitected"]

    def stale(target):
        stub = Stubber(target.collector.client("wellarchitected", "us-east-1"))
        stub.add_response("list_workloads", {"WorkloadSummaries": [_workload("legacy")]})
        stub.add_response("list_milestones", {"WorkloadId": WID["legacy"], "MilestoneSummaries": [_milestone(1, 500)]})
        stub.add_response("list_lens_reviews", {"WorkloadId": WID["legacy"], "LensReviewSummaries": []})
        stub.activate()

    result = scan([CHECK], prepare=stale)
    assert "500 days old" in by_resource(result, WID["legacy"]).message

    def empty(target):
        stub = Stubber(target.collector.client("wellarchitected", "us-east-1"))
        stub.add_response("list_workloads", {"WorkloadSummaries": []})
        stub.activate()

    [none] = scan([CHECK], prepare=empty).findings
    assert none.status == "fail" and "No workload" in none.message


def test_denied_is_not_assessed(aws, scan):
    assert_denied(scan([CHECK], prepare=deny("wellarchitected", "list_workloads")), "wellarchitected:ListWorkloads")
