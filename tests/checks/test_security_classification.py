"""macie.automated_discovery (served: moto lacks automated discovery and classification jobs)."""

from __future__ import annotations

from botocore.stub import Stubber

from tests.checks.answers import Refuse, answering
from tests.helpers import assert_denied, deny

CHECK = "macie.automated_discovery"


def _discovery(status):
    return ("macie2", "GetAutomatedDiscoveryConfiguration", lambda params: {"status": status})


def _jobs(*rows):
    asked = []

    def answer(params):
        asked.append(params)
        return {"items": [{"jobId": f"job-{n}", "name": n, "jobType": "SCHEDULED", "jobStatus": s} for n, s in rows]}

    return ("macie2", "ListClassificationJobs", answer), asked


def test_automated_discovery_passes_without_reading_jobs(aws, scan):
    jobs, asked = _jobs()
    [finding] = scan([CHECK], prepare=answering(_discovery("ENABLED"), jobs)).findings
    assert finding.status == "pass" and asked == []


def test_scheduled_job_passes_one_time_or_cancelled_fails(aws, scan):
    active, asked = _jobs(("weekly-pii", "IDLE"))
    stopped, _ = _jobs(("old-scan", "CANCELLED"))

    [scheduled] = scan([CHECK], prepare=answering(_discovery("DISABLED"), active)).findings
    [none] = scan([CHECK], prepare=answering(_discovery("DISABLED"), stopped)).findings

    assert asked == [{"filterCriteria": {"includes": [{"comparator": "EQ", "key": "jobType",
                                                       "values": ["SCHEDULED"]}]}}]
    assert scheduled.status == "pass" and scheduled.evidence.observed["scheduled_jobs"] == ["weekly-pii"]
    assert none.status == "fail" and none.evidence.observed["automated_discovery"] == "DISABLED"


def test_macie_off_fails_missing_permission_is_not_assessed(aws, scan):
    def off(params):
        raise Refuse("ResourceNotFoundException", 404)

    [not_found] = scan([CHECK], prepare=answering(("macie2", "GetAutomatedDiscoveryConfiguration", off))).findings

    def not_enabled(target):
        stub = Stubber(target.collector.client("macie2", "us-east-1"))
        stub.add_client_error("get_automated_discovery_configuration", "AccessDeniedException",
                              "Macie is not enabled.", 403)
        stub.activate()

    [disabled] = scan([CHECK], prepare=not_enabled).findings

    assert not_found.status == "fail" and not_found.evidence.observed["macie_enabled"] is False
    assert not_found.evidence.source == ("macie2:GetAutomatedDiscoveryConfiguration",)
    assert disabled.status == "fail" and "not enabled" in disabled.message
    assert_denied(scan([CHECK], prepare=deny("macie2", "get_automated_discovery_configuration", status=403)),
                  "macie2:GetAutomatedDiscoveryConfiguration")
