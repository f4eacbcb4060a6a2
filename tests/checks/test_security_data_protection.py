"""iam.classification_based_access from GetAccountAuthorizationDetails (moto keeps policies)."""

from __future__ import annotations

import json

from tests.helpers import assert_denied, deny

CHECK = "iam.classification_based_access"


def _doc(condition=None):
    stmt = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
    if condition:
        stmt["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [stmt]})


def test_resource_tag_condition_passes(aws, scan):
    iam = aws.client("iam")
    iam.create_policy(PolicyName="restricted-readers", PolicyDocument=_doc(
        {"StringEquals": {"aws:ResourceTag/Data-Classification": "restricted"}}))
    iam.create_role(RoleName="analyst", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sts:AssumeRole"}]}))
    iam.put_role_policy(RoleName="analyst", PolicyName="objects", PolicyDocument=_doc(
        {"StringNotEquals": {"s3:ExistingObjectTag/data-classification": "restricted"}}))
    iam.create_policy(PolicyName="caller-tag-only", PolicyDocument=_doc(
        {"StringEquals": {"aws:PrincipalTag/data-classification": "restricted"}}))

    [finding] = scan([CHECK]).findings

    assert finding.status == "pass" and finding.region == "global"
    assert finding.evidence.observed["policies"] == {
        "policy restricted-readers": ["aws:ResourceTag/Data-Classification"],
        "role analyst inline objects": ["s3:ExistingObjectTag/data-classification"]}


def test_other_tags_fail_and_the_key_is_an_option(aws, scan):
    aws.client("iam").create_policy(PolicyName="by-project", PolicyDocument=_doc(
        {"StringEquals": {"aws:ResourceTag/Sensitivity": "high"}}))

    [default] = scan([CHECK]).findings
    [chosen] = scan([CHECK], options={CHECK: {"tag_key": "classification, sensitivity"}}).findings

    assert default.status == "fail" and default.evidence.observed["tag_keys"] == ["data-classification"]
    assert chosen.status == "pass" and chosen.evidence.observed["count"] == 1


def test_denied_is_not_assessed(aws, scan):
    prepare = deny("iam", "get_account_authorization_details", code="AccessDenied", status=403)
    assert_denied(scan([CHECK], prepare=prepare), "iam:GetAccountAuthorizationDetails")
