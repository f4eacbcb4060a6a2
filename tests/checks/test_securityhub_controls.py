"""securityhub.control_results: Security Hub control findings (moto holds imported findings) as per-control findings."""

from __future__ import annotations

import pytest

from checks.securityhub_controls import PREFIX, control_id
from scanner.registry import CheckRegistrationError, check, discover, known_check_ids
from tests.conftest import ACCOUNT
from tests.helpers import assert_denied, deny, scan_checks

CHECK = "securityhub.control_results"
BUCKET_GOOD = "arn:aws:s3:::payments-data"
BUCKET_BAD = "arn:aws:s3:::public-exports"


def _finding(control: str, resource: str, status: str, *, region: str = "us-east-1", account: str = ACCOUNT,
             standard: str = "aws-foundational-security-best-practices/v/1.0.0", record: str = "ACTIVE",
             workflow: str = "NEW", label: str = "HIGH") -> dict:
    return {
        "SchemaVersion": "2018-10-08", "Id": f"{control}/{resource}/{standard}", "ProductArn":
            f"arn:aws:securityhub:{region}::product/aws/securityhub", "ProductName": "Security Hub",
        "GeneratorId": f"security-control/{control}", "AwsAccountId": account, "Region": region,
        "Types": ["Software and Configuration Checks"], "CreatedAt": "2026-11-30T10:00:00Z",
        "UpdatedAt": "2026-11-30T10:00:00Z", "Severity": {"Label": label}, "Title": f"{control} title",
        "Description": "control result", "RecordState": record, "Workflow": {"Status": workflow},
        "Resources": [{"Type": "AwsS3Bucket", "Id": resource}],
        "Compliance": {"Status": status, "SecurityControlId": control,
                       "AssociatedStandards": [{"StandardsId": f"standards/{standard}"}]},
    }


def _hub(aws, findings: list[dict], region: str = "us-east-1") -> None:
    hub = aws.client("securityhub", region_name=region)
    hub.enable_security_hub(EnableDefaultStandards=False)
    hub.batch_import_findings(Findings=findings)


def test_each_control_result_is_a_finding_under_its_control_id(aws, scan):
    _hub(aws, [
        _finding("S3.8", BUCKET_GOOD, "PASSED"),
        _finding("S3.8", BUCKET_BAD, "FAILED", label="CRITICAL"),
        # the same control under a second standard: the worse verdict stands
        _finding("S3.8", BUCKET_GOOD, "FAILED", standard="cis-aws-foundations-benchmark/v/1.4.0", label="LOW"),
        _finding("S3.5", BUCKET_GOOD, "WARNING"),
        _finding("S3.14", BUCKET_BAD, "FAILED", workflow="SUPPRESSED"),
        _finding("S3.1", BUCKET_BAD, "FAILED", record="ARCHIVED"),
        _finding("IAM.9", BUCKET_BAD, "FAILED", account="210987654321"),
        _finding("EC2.2", BUCKET_BAD, "FAILED", region="eu-west-1"),
        _finding("Made.99", BUCKET_BAD, "PASSED"),
    ])
    result = scan([CHECK])
    by = {(f.check, f.resource): f for f in result.findings}

    assert set(by) == {(PREFIX + "S3.8", BUCKET_GOOD), (PREFIX + "S3.8", BUCKET_BAD), (PREFIX + "S3.5", BUCKET_GOOD)}
    bad = by[(PREFIX + "S3.8", BUCKET_BAD)]
    assert bad.status == "fail" and bad.severity == "critical" and "S3.8 fails" in bad.message
    assert bad.evidence.observed["source"] == "Security Hub control S3.8"
    assert "securityhub:GetFindings" in bad.evidence.source
    good = by[(PREFIX + "S3.8", BUCKET_GOOD)]
    assert good.status == "fail"
    assert good.evidence.observed["compliance_status"] == "FAILED"
    warning = by[(PREFIX + "S3.5", BUCKET_GOOD)]
    assert warning.status == "not_assessed" and "WARNING" in warning.message
    # controls the mapping does not list are read only on request
    every = {f.check for f in scan([CHECK], options={CHECK: {"all_controls": True}}).findings}
    assert PREFIX + "Made.99" in every and PREFIX + "EC2.2" not in every


def test_a_passing_control_passes(aws, scan):
    _hub(aws, [_finding("S3.8", BUCKET_GOOD, "PASSED")])
    [only] = scan([CHECK]).findings
    assert (only.check, only.status, only.region) == (PREFIX + "S3.8", "pass", "us-east-1")


def test_hub_off_is_not_assessed_once_per_region(aws, scan):
    _hub(aws, [_finding("S3.8", BUCKET_GOOD, "PASSED")])
    result = scan([CHECK], regions=("us-east-1", "eu-west-1"))
    off = [f for f in result.findings if f.region == "eu-west-1"]
    assert len(off) == 1 and off[0].check == CHECK and off[0].status == "not_assessed"
    assert off[0].message == "Not assessed: Security Hub is not enabled in eu-west-1"
    assert off[0].reason == "not_enabled"


def test_the_listed_controls_are_asked_for_in_chunks_of_twenty(aws):
    from botocore.stub import ANY, Stubber

    from checks.securityhub_controls import CONTROLS

    def prepare(target):
        stub = Stubber(target.collector.client("securityhub", "us-east-1"))
        stub.add_response("describe_hub", {"HubArn": f"arn:aws:securityhub:us-east-1:{ACCOUNT}:hub/default"})
        known = sorted(CONTROLS)
        for i in range(0, len(known), 20):
            stub.add_response("get_findings", {"Findings": []}, {"MaxResults": 100, "Filters": {
                **{k: ANY for k in ("ProductName", "RecordState", "AwsAccountId", "Region", "ComplianceStatus")},
                "ComplianceSecurityControlId": [{"Value": c, "Comparison": "EQUALS"} for c in known[i:i + 20]]}})
        stub.activate()

    assert scan_checks([CHECK], prepare=prepare).findings == []


def test_denied_findings_read_is_not_assessed(aws):
    result = scan_checks([CHECK], prepare=deny("securityhub", "get_findings", before=[
        ("describe_hub", {"HubArn": f"arn:aws:securityhub:us-east-1:{ACCOUNT}:hub/default"})]))
    assert_denied(result, "securityhub:GetFindings")


def test_control_id_of_per_standard_findings():
    assert control_id({"ProductFields": {"ControlId": "1.4"}}) == "1.4"
    assert control_id({"Compliance": {"SecurityControlId": "IAM.4"}, "ProductFields": {"ControlId": "1.4"}}) == "IAM.4"
    assert control_id({}) is None


def test_emitted_ids_are_known_to_the_mapping_and_validated():
    known = known_check_ids(discover(plugins=False))
    assert PREFIX + "S3.8" in known and CHECK in known
    with pytest.raises(CheckRegistrationError, match="emitted id"):
        check(id="securityhub.other", title="t", service="securityhub", severity="low", description="d",
              remediation="r", reads=["securityhub:GetFindings"], emits=["config.rule.X"])(lambda ctx: [])
