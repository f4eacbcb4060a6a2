"""Least privilege: the printed policy is complete for what a scan calls, and enough under enforcement."""

from __future__ import annotations

import json

import boto3
import pytest
from moto import mock_aws
from moto.core import set_initial_no_auth_action_count

from scanner.cli import main
from scanner.permissions import BASE_ACTIONS, PUSH_ACTIONS, iam_action, policy_document, policy_documents, scan_actions
from scanner.registry import discover


def _policy(capsys, *args: str) -> dict:
    assert main(["permissions", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_the_policy_is_standard_documents_under_the_size_limit_with_every_declared_action(capsys):
    parts = policy_documents(scan_actions(c.meta for c in discover(plugins=False).values()))
    printed = [_policy(capsys, "--part", str(i)) for i in range(1, len(parts) + 1)] if len(parts) > 1 \
        else [_policy(capsys)]
    assert printed == parts
    actions: list[str] = []
    for doc in printed:
        assert doc["Version"] == "2012-10-17"
        (statement,) = doc["Statement"]
        assert statement["Effect"] == "Allow" and statement["Resource"] == "*"
        assert len(json.dumps(doc, separators=(",", ":"))) <= 6144, "over the managed-policy size limit"
        actions += statement["Action"]
    declared = {a for c in discover(plugins=False).values() for a in c.meta.permissions}
    assert sorted(actions) == sorted(declared | set(BASE_ACTIONS)), "an action missing or in two parts"
    assert all(":" in a and not a.split(":")[1].startswith(("Create", "Put", "Delete", "Update")) for a in actions)


def test_actions_beyond_one_policy_are_split_by_service_and_json_asks_for_a_part(capsys):
    actions = [f"svc{n:03}:Describe{'X' * 40}{m}" for n in range(60) for m in range(3)]
    parts = policy_documents(actions)
    assert len(parts) > 1 and all(len(json.dumps(p, separators=(",", ":"))) <= 6144 for p in parts)
    services = [{a.split(":")[0] for a in p["Statement"][0]["Action"]} for p in parts]
    assert not set.intersection(*services[:2]), "a service split over two policies"
    assert [p["Statement"][0]["Sid"] for p in parts][:2] == ["WaScanReadOnlyPart1", "WaScanReadOnlyPart2"]
    assert policy_documents(actions[:3]) == [policy_document(actions[:3])]
    if len(policy_documents(scan_actions(c.meta for c in discover(plugins=False).values()))) > 1:
        assert main(["permissions"]) == 2
        err = capsys.readouterr().err
        assert "managed policies" in err and "--part 1" in err and len(err.strip().splitlines()) == 1
    assert main(["permissions", "--part", "9"]) == 2
    assert "--part 9" in capsys.readouterr().err


def test_terraform_and_cloudformation_create_and_attach_every_part(capsys):
    parts = len(policy_documents(scan_actions(c.meta for c in discover(plugins=False).values())))
    assert main(["permissions", "--format", "cloudformation", "--trust", "111111111111"]) == 0
    cfn = capsys.readouterr().out
    assert cfn.count("Type: AWS::IAM::ManagedPolicy") == parts and cfn.count("- !Ref WaScanPolicy") == parts
    assert main(["permissions", "--format", "terraform", "--trust", "111111111111"]) == 0
    tf = capsys.readouterr().out
    assert tf.count('resource "aws_iam_policy"') == parts
    assert tf.count('resource "aws_iam_role_policy_attachment"') == parts


def test_selected_checks_narrow_the_policy(capsys):
    actions = _policy(capsys, "--checks", "guardduty.enabled")["Statement"][0]["Action"]
    assert sorted(actions) == sorted({*BASE_ACTIONS, "guardduty:ListDetectors", "guardduty:GetDetector"})


def test_push_policy_is_separate_and_only_the_wa_tool(capsys):
    actions = _policy(capsys, "--push")["Statement"][0]["Action"]
    assert set(actions) == set(PUSH_ACTIONS)
    assert all(a.startswith("wellarchitected:") for a in actions)


def test_every_operation_a_full_scan_calls_is_declared(demo_scan):
    doc, _ = demo_scan
    declared = {a for c in discover(plugins=False).values() for a in c.meta.permissions} | set(BASE_ACTIONS)
    called = {iam_action(*op.split(":", 1)) for op in doc["api_calls"]["by_operation"]}
    assert called <= declared, f"called but not declared: {sorted(called - declared)}"


@pytest.mark.parametrize("fmt,needle", [("terraform", 'resource "aws_iam_role" "wa_scan"'),
                                        ("cloudformation", "AWS::IAM::Role")])
def test_infrastructure_formats_with_trust(capsys, fmt, needle):
    assert main(["permissions", "--format", fmt, "--trust", "111111111111"]) == 0
    out = capsys.readouterr().out
    assert needle in out and "arn:aws:iam::111111111111:root" in out and "guardduty:GetDetector" in out


# moto enforces IAM policies correctly for IAM, EC2 and S3 (see the testing notes), so these checks are
# run under enforcement; REST-JSON services are covered by the static test above.
ENFORCED = ["iam.access_keys_rotated", "ec2.instance_has_role", "s3.bucket_not_public"]


def _scan_as_user(policy: dict) -> dict:
    """Create a user with ``policy`` (unauthenticated setup calls), then scan with its keys."""
    from scanner.runner import run_checks, select_checks
    from scanner.session import open_target

    iam = boto3.client("iam", region_name="us-east-1")
    iam.create_user(UserName="scanner")
    iam.put_user_policy(UserName="scanner", PolicyName="scan", PolicyDocument=json.dumps(policy))
    key = iam.create_access_key(UserName="scanner")["AccessKey"]
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="enforced-bucket")
    session = boto3.Session(aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"],
                            aws_session_token=None, region_name="us-east-1")
    target = open_target(session, ["us-east-1"], max_attempts=1)
    return run_checks(target, select_checks(discover(plugins=False), ENFORCED), workers=2)


# Where moto's authorisation names differ from AWS's service authorization reference (which is what
# wa-scan prints): s3control GetPublicAccessBlock is checked as s3:GetPublicAccessBlock, and the bucket
# GetPublicAccessBlock falls through moto's query-string table to s3:ListBucket.
MOTO_ALIASES = {"s3:GetAccountPublicAccessBlock": "s3:GetPublicAccessBlock",
                "s3:GetBucketPublicAccessBlock": "s3:ListBucket"}


def _enforced_policy(capsys, drop: tuple[str, ...] = ()) -> dict:
    doc = _policy(capsys, "--checks", *ENFORCED)
    actions = [a for a in doc["Statement"][0]["Action"] if a not in drop]
    doc["Statement"][0]["Action"] = actions + [MOTO_ALIASES[a] for a in actions if a in MOTO_ALIASES]
    return doc


@mock_aws
@set_initial_no_auth_action_count(5)
def test_exactly_the_printed_policy_is_enough_under_enforcement(capsys):
    result = _scan_as_user(_enforced_policy(capsys))
    assert result.findings
    assert not [f for f in result.findings if f.status == "not_assessed"], \
        [f.message for f in result.findings if f.status == "not_assessed"]


@mock_aws
@set_initial_no_auth_action_count(5)
def test_removed_actions_are_named_and_never_pass(capsys):
    dropped = ("s3:GetBucketAcl", "ec2:DescribeInstances")
    result = _scan_as_user(_enforced_policy(capsys, drop=dropped))
    missing = {f.missing_permission for f in result.findings if f.status == "not_assessed"}
    assert missing == set(dropped)
    for check_id in ("ec2.instance_has_role",):
        assert not [f for f in result.findings if f.check == check_id and f.status == "pass"]
    bucket = [f for f in result.findings if "enforced-bucket" in f.resource]
    assert [f.status.value for f in bucket] == ["not_assessed"]
