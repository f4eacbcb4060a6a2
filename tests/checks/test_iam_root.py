"""Root-user checks: moto for GetAccountSummary (flags overridden in its backend), Stubber for the
credential report's <root_account> row, which moto does not produce."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

from botocore.stub import Stubber
from moto.iam.models import iam_backends

from tests.conftest import ACCOUNT
from tests.helpers import assert_denied, deny

ROOT_ARN = f"arn:aws:iam::{ACCOUNT}:root"
REPORT_COLUMNS = (
    "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,"
    "password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,"
    "access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,"
    "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,"
    "access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,"
    "cert_2_active,cert_2_last_rotated"
).split(",")


def ago(days: int) -> str:
    """A credential-report timestamp ``days`` days in the past."""
    return (datetime.now(UTC) - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def report_row(user: str, **values: str) -> dict[str, str]:
    """A credential-report row with N/A defaults, as AWS writes them."""
    arn = ROOT_ARN if user == "<root_account>" else f"arn:aws:iam::{ACCOUNT}:user/{user}"
    row = {c: "N/A" for c in REPORT_COLUMNS} | {"user": user, "arn": arn, "user_creation_time": ago(800),
                                                 "password_enabled": "false", "mfa_active": "false",
                                                 "access_key_1_active": "false", "access_key_2_active": "false"}
    return row | values


def report_csv(rows: list[dict[str, str]]) -> bytes:
    """The credential report's CSV content for ``rows``."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=REPORT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def stub_iam(rows: list[dict[str, str]] | None = None, summary: dict[str, int] | None = None):
    """A ``prepare`` hook stubbing the scan's IAM client: an optional summary, then an optional report."""

    def prepare(target):
        stub = Stubber(target.collector.client("iam", "us-east-1"))
        if summary is not None:
            stub.add_response("get_account_summary", {"SummaryMap": summary})
        if rows is not None:
            stub.add_response("generate_credential_report", {"State": "COMPLETE"})
            stub.add_response("get_credential_report", {"Content": report_csv(rows), "ReportFormat": "text/csv",
                                                        "GeneratedTime": datetime.now(UTC)})
        stub.activate()
        prepare.stub = stub

    return prepare


def _summary_flags(mfa: int, keys: int) -> None:
    summary = iam_backends[ACCOUNT]["global"].account_summary
    summary._account_mfa_enabled = mfa
    summary._account_access_keys_present = keys


def test_root_flags_from_account_summary(aws, scan):
    aws.client("iam").get_account_summary()  # builds moto's summary object
    _summary_flags(mfa=0, keys=1)
    bad = scan(["iam.root_mfa_enabled", "iam.root_no_access_keys"])
    _summary_flags(mfa=1, keys=0)
    good = scan(["iam.root_mfa_enabled", "iam.root_no_access_keys"])

    assert {(f.check, f.status.value) for f in bad.findings} == {
        ("iam.root_mfa_enabled", "fail"), ("iam.root_no_access_keys", "fail")}
    assert {(f.check, f.status.value) for f in good.findings} == {
        ("iam.root_mfa_enabled", "pass"), ("iam.root_no_access_keys", "pass")}
    assert all(f.resource == ROOT_ARN for f in bad.findings + good.findings)
    keys = next(f for f in bad.findings if f.check == "iam.root_no_access_keys")
    assert keys.evidence.observed == {"account_access_keys_present": 1, "organization_role": "standalone"}
    assert "in no organization" in keys.message
    good_keys = next(f for f in good.findings if f.check == "iam.root_no_access_keys")
    assert good_keys.evidence.source == ("iam:GetAccountSummary",)


def test_root_keys_say_whether_an_scp_can_restrict_them(aws, scan):
    from checks.iam_root import root_no_access_keys
    from scanner.registry import meta_of

    meta = meta_of(root_no_access_keys)
    aws.client("iam").get_account_summary()
    _summary_flags(mfa=1, keys=1)
    aws.client("organizations").create_organization(FeatureSet="ALL")  # moto: this account is the management
    management = scan(["iam.root_no_access_keys"]).findings[0]

    member = scan(["iam.root_no_access_keys"], prepare=stub_organization("999999999999")).findings[0]

    assert management.status == "fail" and management.evidence.observed["organization_role"] == "management"
    assert "service control policies do not apply" in management.message
    assert member.status == "fail" and member.evidence.observed["organization_role"] == "member"
    assert "can be restricted by a service control policy" in member.message
    assert "no policy or SCP can limit" not in meta.description
    assert "member account" in meta.description and "management account" in meta.description


def test_root_keys_fail_even_when_the_organization_cannot_be_read(aws, scan):
    aws.client("iam").get_account_summary()
    _summary_flags(mfa=1, keys=1)

    result = scan(["iam.root_no_access_keys"], prepare=deny("organizations", "describe_organization"))

    finding = result.findings[0]
    assert finding.status == "fail" and finding.evidence.observed["organization_role"] == "unknown"


def stub_organization(management_account: str):
    """A ``prepare`` hook: DescribeOrganization names another account as the management account."""

    def prepare(target):
        stub = Stubber(target.collector.client("organizations", "us-east-1"))
        stub.add_response("describe_organization", {"Organization": {
            "Id": "o-exampleorgid", "MasterAccountId": management_account, "FeatureSet": "ALL",
            "Arn": f"arn:aws:organizations::{management_account}:organization/o-exampleorgid"}})
        stub.activate()

    return prepare


def test_root_without_credentials_passes_mfa(aws, scan):
    result = scan(["iam.root_mfa_enabled"], prepare=stub_iam(summary={
        "AccountMFAEnabled": 0, "AccountPasswordPresent": 0, "AccountAccessKeysPresent": 0}))
    finding = result.findings[0]
    assert finding.status == "pass" and "no password" in finding.message
    assert finding.evidence.observed["account_password_present"] == 0


def test_root_password_unknown_and_no_mfa_fails(aws, scan):
    # moto's summary has no AccountPasswordPresent: without it nothing excuses the missing MFA.
    aws.client("iam").get_account_summary()
    _summary_flags(mfa=0, keys=0)
    result = scan(["iam.root_mfa_enabled"])
    assert result.findings[0].status == "fail"
    assert result.findings[0].evidence.observed["account_password_present"] is None


def test_root_recent_and_old_use(aws, scan):
    recent = scan(["iam.root_not_used_recently"], prepare=stub_iam([
        report_row("<root_account>", password_last_used=ago(200), access_key_1_active="true",
                   access_key_1_last_used_date=ago(3)),
        report_row("alice", password_enabled="true", password_last_used=ago(1))]))
    old = scan(["iam.root_not_used_recently"], prepare=stub_iam([
        report_row("<root_account>", password_last_used=ago(120))]))
    never = scan(["iam.root_not_used_recently"], prepare=stub_iam([
        report_row("<root_account>", password_last_used="no_information")]))
    longer = scan(["iam.root_not_used_recently"], options={"iam.root_not_used_recently": {"days": 180}},
                  prepare=stub_iam([report_row("<root_account>", password_last_used=ago(120))]))

    finding = recent.findings[0]
    assert finding.status == "fail" and "access key 1 was used 3 days ago" in finding.message
    assert finding.evidence.observed["days_since_last_use"] == 3
    assert finding.resource == ROOT_ARN
    assert old.findings[0].status == "pass"
    assert never.findings[0].status == "pass"
    assert longer.findings[0].status == "fail"


def test_missing_root_row_is_not_assessed(aws, scan):
    aws.client("iam").create_user(UserName="someone")
    result = scan(["iam.root_not_used_recently"])  # moto's report has no root row
    assert [f.status.value for f in result.findings] == ["not_assessed"]
    assert "<root_account>" in result.findings[0].message


def test_denied_summary_is_not_assessed(aws, scan):
    result = scan(["iam.root_no_access_keys"], prepare=deny("iam", "get_account_summary", code="AccessDenied",
                                                            status=403))
    assert len(result.findings) == 1
    assert_denied(result, "iam:GetAccountSummary")
