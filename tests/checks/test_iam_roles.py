"""iam.roles_used against moto roles whose creation and last use are aged in moto's backend."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from botocore.stub import Stubber
from moto.iam.models import iam_backends

from tests.conftest import ACCOUNT
from tests.helpers import by_resource

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


def test_denied_is_not_assessed(aws, scan):
    def prepare(target):
        stub = Stubber(target.collector.client("iam", "us-east-1"))
        stub.add_client_error("get_account_authorization_details", "AccessDenied", "denied", 403)
        stub.activate()

    result = scan([CHECK], prepare=prepare)
    assert [f.status.value for f in result.findings] == ["not_assessed"]
    assert result.findings[0].missing_permission == "iam:GetAccountAuthorizationDetails"
