"""The read-only guard refuses mutating calls before they are sent, and a full demo scan only reads."""

from __future__ import annotations

import json

import boto3
import pytest

from scanner.guard import ReadOnlyViolation, is_read_operation
from scanner.session import open_target


def test_mutating_call_through_scan_client_is_refused_before_sending(aws):
    target = open_target(boto3.Session(region_name="us-east-1"), ["us-east-1"])
    sent: list[str] = []
    target.session.events.register("before-send", lambda request, **_: sent.append(request.url))
    s3 = target.collector.client("s3", "us-east-1")
    with pytest.raises(ReadOnlyViolation, match="s3:CreateBucket"):
        s3.create_bucket(Bucket="should-not-exist")
    iam = target.collector.client("iam", "us-east-1")
    with pytest.raises(ReadOnlyViolation):
        iam.create_user(UserName="intruder")
    assert sent == []
    assert aws.client("s3").list_buckets()["Buckets"] == []
    assert aws.client("iam").list_users()["Users"] == []


@pytest.mark.parametrize("service,operation,allowed", [
    ("ec2", "DescribeInstances", True),
    ("iam", "GenerateCredentialReport", True),
    ("s3", "GetBucketAcl", True),
    ("ec2", "TerminateInstances", False),
    ("s3", "PutBucketPolicy", False),
    ("iam", "DeleteUser", False),
    ("wellarchitected", "UpdateAnswer", False),
    ("secretsmanager", "GetSecretValue", False),
    ("ssm", "GetParameter", False),
    ("s3", "GetObject", False),
])
def test_operation_classification(service, operation, allowed):
    assert is_read_operation(service, operation) is allowed


def test_full_demo_scan_makes_only_read_calls(demo_scan):
    # The shared demo run (tests/conftest.py) kept every call its read-only guard saw.
    doc, out = demo_scan
    seen = [tuple(call) for call in json.loads((out.parent / "guard-calls.json").read_text())]
    assert seen, "the guard saw no calls"
    assert all(is_read_operation(s, op) for s, op in seen)
    assert sum(doc["api_calls"]["by_operation"].values()) == len(seen) == doc["api_calls"]["total"]
