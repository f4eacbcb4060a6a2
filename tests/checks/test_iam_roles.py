"""iam.roles_used against moto roles whose creation and last use are aged in moto's backend."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from botocore.stub import Stubber
from moto.iam.models import iam_backends

from tests.conftest import ACCOUNT
from tests.helpers import assert_denied, by_resource, deny

CHECK = "iam.roles_used"
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


def _role(iam, name: str, created_days_ago: int, used_days_ago: int | None) -> None:
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST)
    backend = iam_backends[ACCOUNT]["global"]
    role = next(r for r in backend.roles.values() if r.name == name)
    now = datetime.now(UTC)
    role.create_date = now - timedelta(days=created_days_ago)
    if used_days_ago is not None:
        role.last_used = now - timedelta(days=used_days_ago)


def test_used_idle_new_and_service_linked_roles(aws, scan):
    iam = aws.client("iam")
    _role(iam, "busy", created_days_ago=400, used_days_ago=1)
    _role(iam, "idle", created_days_ago=400, used_days_ago=100)
    _role(iam, "new", created_days_ago=5, used_days_ago=None)
    _role(iam, "orphan", created_days_ago=200, used_days_ago=None)
    iam.create_service_linked_role(AWSServiceName="elasticbeanstalk.amazonaws.com")

    result = scan([CHECK])
    lenient = scan([CHECK], options={CHECK: {"unused_days": 150}})

    assert by_resource(result, "role/busy").status == "pass"
    idle = by_resource(result, "role/idle")
    assert idle.status == "fail" and idle.evidence.observed["days_idle"] == 100
    assert by_resource(result, "role/new").status == "pass"
    orphan = by_resource(result, "role/orphan")
    assert orphan.status == "fail" and "never used" in orphan.message
    assert not [f for f in result.findings if "aws-service-role" in f.resource]
    assert by_resource(lenient, "role/idle").status == "pass"


def test_break_glass_and_incident_roles_are_unused_by_design(aws, scan):
    iam = aws.client("iam")
    _role(iam, "break-glass-admin", created_days_ago=400, used_days_ago=None)
    _role(iam, "IncidentResponder", created_days_ago=300, used_days_ago=200)
    _role(iam, "forgotten", created_days_ago=300, used_days_ago=200)

    result = scan([CHECK])
    custom = scan([CHECK], options={CHECK: {"unused_by_design_pattern": "(?i)nothing-matches"}})

    glass = by_resource(result, "role/break-glass-admin")
    assert glass.status == "pass" and "unused by design" in glass.message
    assert glass.evidence.observed["unused_by_design"] is True
    assert by_resource(result, "role/IncidentResponder").status == "pass"
    assert by_resource(result, "role/forgotten").status == "fail"
    assert by_resource(custom, "role/break-glass-admin").status == "fail"


def test_identity_center_roles_are_left_to_identity_center(aws, scan):
    iam = aws.client("iam")
    iam.create_role(RoleName="AWSReservedSSO_ReadOnly_0123456789abcdef", AssumeRolePolicyDocument=TRUST,
                    Path="/aws-reserved/sso.amazonaws.com/")
    backend = iam_backends[ACCOUNT]["global"]
    role = next(r for r in backend.roles.values() if r.name.startswith("AWSReservedSSO_"))
    role.create_date = datetime.now(UTC) - timedelta(days=400)
    _role(iam, "idle", created_days_ago=400, used_days_ago=100)

    result = scan([CHECK])

    assert not [f for f in result.findings if "AWSReservedSSO_" in f.resource]
    assert by_resource(result, "role/idle").status == "fail"


def test_unknown_creation_and_last_use_is_not_assessed(aws, scan):
    role = {"RoleName": "mystery", "Arn": f"arn:aws:iam::{ACCOUNT}:role/mystery", "Path": "/",
            "RoleId": "AROAEXAMPLEEXAMPLE01"}

    def prepare(target):
        stub = Stubber(target.collector.client("iam", "us-east-1"))
        stub.add_response("get_account_authorization_details", {
            "UserDetailList": [], "GroupDetailList": [], "RoleDetailList": [role], "Policies": [],
            "IsTruncated": False})
        stub.activate()

    (finding,) = scan([CHECK], prepare=prepare).findings

    assert finding.status == "not_assessed" and finding.resource == role["Arn"]
    assert "neither its creation nor its last use" in finding.message


def test_denied_is_not_assessed(aws, scan):
    result = scan([CHECK], prepare=deny("iam", "get_account_authorization_details", code="AccessDenied",
                                        status=403))
    assert len(result.findings) == 1
    assert_denied(result, "iam:GetAccountAuthorizationDetails")
