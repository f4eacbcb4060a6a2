"""computeoptimizer.enrolled: Stubber (moto has no Compute Optimizer)."""

from __future__ import annotations

from botocore.stub import Stubber

CHECK = "computeoptimizer.enrolled"


def _status(answer: dict | None = None, error: str | None = None):
    def prepare(target):
        stub = Stubber(target.collector.client("compute-optimizer", "us-east-1"))
        if error:
            stub.add_client_error("get_enrollment_status", error, "denied", 400)
        else:
            stub.add_response("get_enrollment_status", answer)
        stub.activate()

    return prepare


def test_active_passes(aws, scan):
    (finding,) = scan([CHECK], prepare=_status({"status": "Active", "memberAccountsEnrolled": True})).findings

    assert finding.status == "pass"
    assert finding.resource == "arn:aws:compute-optimizer::123456789012:account"
    assert finding.evidence.observed["member_accounts_enrolled"] is True


def test_inactive_fails(aws, scan):
    (finding,) = scan([CHECK], prepare=_status({"status": "Inactive", "memberAccountsEnrolled": False})).findings

    assert finding.status == "fail" and finding.evidence.observed["status"] == "Inactive"


def test_denied_is_not_assessed(aws, scan):
    (finding,) = scan([CHECK], prepare=_status(error="AccessDeniedException")).findings

    assert finding.status == "not_assessed"
    assert finding.missing_permission == "compute-optimizer:GetEnrollmentStatus"
