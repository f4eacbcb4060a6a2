"""Damaged answers never become data: cut-short, non-JSON, HTML, empty and shapeless answers are asked for
again and, when they stay damaged, give *not assessed* (never a pass, never a vanished resource)."""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterable

import boto3
import pytest
from botocore.exceptions import ClientError

import scanner.collect
from scanner.answers import one_line
from scanner.errors import CredentialsError, NotAssessed, TransientError, classify
from scanner.model import Reason
from scanner.registry import discover
from scanner.runner import ScanResult, run_checks, select_checks
from scanner.session import open_target
from tests.faults import FaultLayer


@pytest.fixture(autouse=True)
def _no_pauses(monkeypatch):
    monkeypatch.setattr(scanner.collect, "DAMAGED_PAUSE", 0)


def always(fault: str, service: str, operation: str):
    """A plan that damages every answer of one operation."""
    return lambda s, op, key, attempt: fault if (s, op) == (service, operation) else None


def first_try(fault: str, service: str, operation: str):
    """A plan that damages the first answer of one operation only."""
    return lambda s, op, key, attempt: fault if (s, op) == (service, operation) and attempt == 1 else None


def scan_with(plan, checks: Iterable[str], regions: Iterable[str] = ("us-east-1",)) -> tuple[ScanResult, FaultLayer]:
    """Scan the moto account with ``checks`` behind a fault layer built from ``plan``."""
    session = boto3.Session(region_name="us-east-1")
    layer = FaultLayer(plan).install(session)
    target = open_target(session, list(regions), max_attempts=2)
    result = run_checks(target, select_checks(discover(plugins=False), checks), workers=4)
    return result, layer


def _lambda_with_secret(aws) -> None:
    iam = aws.client("iam")
    role = iam.create_role(RoleName="fn", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17",
                           "Statement": []}))["Role"]["Arn"]
    aws.client("lambda").create_function(
        FunctionName="payments", Runtime="python3.12", Role=role, Handler="x.h", Code={"ZipFile": b"zip"},
        Environment={"Variables": {"DB_PASSWORD": "hunter2"}})


# -- defect 1: a cut-short, non-JSON or HTML 200 is never "none found" --------------------------------

@pytest.mark.parametrize("fault", ["truncate", "notjson", "html", "emptybody"])
def test_a_damaged_log_group_list_is_not_assessed_never_a_pass(aws, fault):
    aws.client("logs").create_log_group(logGroupName="app")  # no retention: fails when read whole
    result, layer = scan_with(always(fault, "logs", "DescribeLogGroups"), ["logs.retention_set"])
    assert {f.status.value for f in result.findings} == {"not_assessed"}
    finding = result.findings[0]
    assert finding.reason is Reason.API_ERROR and result.partial
    assert "damaged answer" in finding.message and "logs:DescribeLogGroups" in finding.message
    assert "\n" not in finding.message and "<" not in finding.message
    assert layer.injected[fault] == scanner.collect.DAMAGED_ATTEMPTS  # asked again, then gave up


@pytest.mark.parametrize("fault", ["truncate", "html"])
def test_a_damaged_first_answer_is_asked_again_and_the_scan_is_whole(aws, fault):
    aws.client("logs").create_log_group(logGroupName="app")
    result, layer = scan_with(first_try(fault, "logs", "DescribeLogGroups"), ["logs.retention_set"])
    assert [f.status.value for f in result.findings] == ["fail"]
    assert layer.injected[fault] == 1 and not result.partial


@pytest.mark.parametrize("fault", ["truncate", "emptydoc"])
def test_the_lambda_with_a_secret_never_vanishes(aws, fault):
    _lambda_with_secret(aws)
    result, _ = scan_with(always(fault, "lambda", "ListFunctions"), ["lambda.no_secrets_in_env"])
    assert result.findings and {f.status.value for f in result.findings} == {"not_assessed"}
    assert result.partial


# -- defect 2: valid but empty documents are not positive evidence ------------------------------------

def _public_buckets(aws) -> None:
    s3 = aws.client("s3")
    s3.create_bucket(Bucket="acl-public", ACL="public-read")
    s3.create_bucket(Bucket="policy-public")
    s3.put_bucket_policy(Bucket="policy-public", Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::policy-public/*"}]}))


def test_empty_acl_and_policy_status_documents_never_pass_a_public_bucket(aws):
    _public_buckets(aws)

    def plan(service, operation, key, attempt):
        if service == "s3" and operation in ("GetBucketAcl", "GetBucketPolicyStatus", "GetBucketPolicy"):
            return "emptydoc"
        return None

    result, layer = scan_with(plan, ["s3.bucket_not_public"])
    verdicts = {f.resource.rsplit(":", 1)[-1]: f.status.value for f in result.findings}
    assert verdicts == {"acl-public": "not_assessed", "policy-public": "not_assessed"}
    assert layer.injected["emptydoc"] > 0


def test_a_public_bucket_fails_when_read_whole(aws):
    _public_buckets(aws)
    result, _ = scan_with(lambda *a: None, ["s3.bucket_not_public"])
    assert {f.status.value for f in result.findings} == {"fail"}


def _instance(aws) -> None:
    aws.client("ec2").run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1, InstanceType="t3.micro")


def _open_ssh(aws) -> None:
    ec2 = aws.client("ec2")
    sg = ec2.create_security_group(GroupName="ssh-open", Description="x")["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])


def _unencrypted_db(aws) -> None:
    aws.client("rds").create_db_instance(DBInstanceIdentifier="db1", DBInstanceClass="db.t3.micro",
                                         Engine="postgres", MasterUsername="u", MasterUserPassword="password1",
                                         AllocatedStorage=20, StorageEncrypted=False)


def _unrotated_secret(aws) -> None:
    aws.client("secretsmanager").create_secret(Name="unrotated", SecretString="x")


# The list reads the issue names, each with a check that fails on what the seed creates.
LIST_READS = [
    ("s3", "ListBuckets", "s3.bucket_not_public", _public_buckets),
    ("ec2", "DescribeInstances", "ec2.instance_has_role", _instance),
    ("ec2", "DescribeSecurityGroups", "ec2.security_groups_restrict_admin_ports", _open_ssh),
    ("rds", "DescribeDBInstances", "rds.storage_encrypted", _unencrypted_db),
    ("secretsmanager", "ListSecrets", "secretsmanager.rotation_enabled", _unrotated_secret),
    ("lambda", "ListFunctions", "lambda.no_secrets_in_env", _lambda_with_secret),
]


def test_the_seeded_account_fails_each_list_check_when_read_whole(aws):
    for _, _, _, seed in LIST_READS:
        seed(aws)
    clean, _ = scan_with(lambda *a: None, [check for _, _, check, _ in LIST_READS])
    for _, _, check, _ in LIST_READS:
        assert any(f.status.value == "fail" for f in clean.findings if f.check == check), check


@pytest.mark.parametrize(("service", "operation", "check", "seed"), LIST_READS, ids=[r[1] for r in LIST_READS])
def test_a_list_answer_without_its_list_is_not_assessed(aws, service, operation, check, seed):
    seed(aws)
    result, layer = scan_with(always("nolist", service, operation), [check])
    assert layer.injected["nolist"] > 0
    assert result.findings and {f.status.value for f in result.findings} == {"not_assessed"}
    assert all(operation in f.message for f in result.findings)


# -- defect 6: STS faults are transient, not "no credentials" -----------------------------------------

@pytest.mark.parametrize("fault", ["notjson", "truncate", "emptydoc", "html", "emptybody"])
def test_a_damaged_caller_identity_is_transient_and_one_line(aws, fault):
    session = boto3.Session(region_name="us-east-1")
    FaultLayer(always(fault, "sts", "GetCallerIdentity")).install(session)
    with pytest.raises(TransientError) as err:
        open_target(session, ["us-east-1"], max_attempts=2)
    text = str(err.value)
    assert err.value.exit_code == 3 and "\n" not in text and "credentials" not in text.split(":")[0]
    assert "try again" in text and "<" not in text


def test_throttled_sts_is_transient(aws):
    session = boto3.Session(region_name="us-east-1")
    FaultLayer(always("throttle", "sts", "GetCallerIdentity")).install(session)
    with pytest.raises(TransientError):
        open_target(session, ["us-east-1"], max_attempts=2)


# -- defect 7: a 403 that is not about permissions, and error pages, are one readable line ------------

@pytest.mark.parametrize("code", ["SignatureDoesNotMatch", "RequestTimeTooSkewed", "InvalidSignatureException",
                                  "RequestExpired"])
def test_signature_and_clock_403s_do_not_ask_for_a_permission(code):
    exc = ClientError({"Error": {"Code": code, "Message": "Signature expired: 20261201T000000Z is now earlier"},
                       "ResponseMetadata": {"HTTPStatusCode": 403}}, "DescribeVolumes")
    err = classify(exc, "ec2", "DescribeVolumes", "us-east-1")
    assert err.reason is Reason.API_ERROR and err.missing_permission is None
    assert "check the clock and the credentials" in err.detail and err.reason.makes_scan_partial


def test_an_html_error_page_becomes_one_line():
    page = ("<!doctype html>\n<html><head><title>500 Internal Server Error</title></head>\n"
            "<body><h1>Internal Server Error</h1>\n<p>nginx</p></body></html>")
    exc = ClientError({"Error": {"Code": "500", "Message": page}, "ResponseMetadata": {"HTTPStatusCode": 500}},
                      "ListBackupPlans")
    err = classify(exc, "backup", "ListBackupPlans", "us-east-1")
    assert err.detail == "500: 500 Internal Server Error (backup:ListBackupPlans in us-east-1)"
    assert one_line("first line\nsecond line") == "first line"
    assert one_line("<p>\n\n  Access   denied\n</p>") == "Access denied"
    assert len(one_line("x" * 500)) == 160


def test_5xx_html_pages_that_outlast_retries_are_one_line_not_assessed(aws):
    aws.client("logs").create_log_group(logGroupName="app")
    result, layer = scan_with(always("error5xx", "logs", "DescribeLogGroups"), ["logs.retention_set"])
    finding = result.findings[0]
    assert finding.status.value == "not_assessed" and layer.injected["error5xx"] >= 2
    assert "\n" not in finding.message and "<" not in finding.message and "502 Bad Gateway" in finding.message


def test_a_signature_403_is_not_a_missing_permission(aws):
    aws.client("logs").create_log_group(logGroupName="app")
    result, _ = scan_with(always("signature", "logs", "DescribeLogGroups"), ["logs.retention_set"])
    (finding,) = result.findings
    assert finding.status.value == "not_assessed" and finding.missing_permission is None
    assert "check the clock and the credentials" in finding.message and result.partial


def test_a_signature_403_from_sts_says_check_the_clock(aws):
    session = boto3.Session(region_name="us-east-1")
    FaultLayer(always("signature", "sts", "GetCallerIdentity")).install(session)
    with pytest.raises(CredentialsError, match="check the system clock"):
        open_target(session, ["us-east-1"], max_attempts=1)


def test_the_scan_that_hit_damaged_answers_exits_3_and_names_the_reads(monkeypatch, tmp_path, capsys):
    import scanner.demo
    from scanner.cli import main

    original = scanner.demo.install_fill_ins

    def with_faults(session, demo):
        FaultLayer(always("notjson", "logs", "DescribeLogGroups")).install(session)
        original(session, demo)

    monkeypatch.setattr(scanner.demo, "install_fill_ins", with_faults)
    # The core seed module's resources are enough: the other modules cost seconds and add log groups
    # that the damaged answer hides anyway.
    monkeypatch.setattr(scanner.demo, "seed_modules", lambda: [importlib.import_module("scanner.demo.seed_core")])
    out = tmp_path / "out"
    assert main(["demo", "--out", str(out), "--checks", "logs.retention_set", "guardduty.enabled"]) == 3
    doc = json.loads((out / "scan.json").read_text())
    logs = [f for f in doc["findings"] if f["check"] == "logs.retention_set"]
    assert logs and all(f["status"] == "not_assessed" and "logs:DescribeLogGroups" in f["message"] for f in logs)
    assert any(f["status"] != "not_assessed" for f in doc["findings"] if f["check"] == "guardduty.enabled")
    err = capsys.readouterr().err
    assert "PARTIAL" in err and "logs:DescribeLogGroups" in err


# -- the collector's judge on its own -----------------------------------------------------------------

def test_required_members_are_checked_per_reader_and_asked_for_again(aws):
    session = boto3.Session(region_name="us-east-1")
    layer = FaultLayer(first_try("nolist", "logs", "DescribeLogGroups")).install(session)
    target = open_target(session, ["us-east-1"], max_attempts=1)
    # a reader that asks nothing of the answer gets what came (the damaged first answer has no list) ...
    assert target.collector.call("logs", "DescribeLogGroups", "us-east-1") == {}
    # ... a reader that needs the list asks again and gets the whole answer
    assert target.collector.call("logs", "DescribeLogGroups", "us-east-1", required=("logGroups",)) == {
        "logGroups": []}
    assert layer.injected["nolist"] == 1


def test_an_answer_of_the_wrong_kind_is_damaged_not_data(aws):
    target = open_target(boto3.Session(region_name="us-east-1"), ["us-east-1"], max_attempts=1)
    target.session.events.register_first(
        "before-parse.guardduty.ListDetectors",
        lambda response_dict, **_: response_dict.update(body=b'{"detectorIds": 7}'))
    with pytest.raises(NotAssessed) as err:
        target.collector.call("guardduty", "ListDetectors", "us-east-1")
    assert err.value.code == "DamagedAnswer" and "expected a list" in err.value.detail
