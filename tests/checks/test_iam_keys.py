"""iam.access_keys_rotated against moto's credential report."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from moto.iam.models import iam_backends

from tests.conftest import ACCOUNT
from tests.helpers import by_resource

CHECK = "iam.access_keys_rotated"


def _key(iam, user: str, age_days: int, used_days_ago: int | None) -> None:
    iam.create_user(UserName=user)
    iam.create_access_key(UserName=user)
    key = iam_backends[ACCOUNT]["global"].users[user].access_keys[0]
    now = datetime.now(UTC)
    key.create_date = now - timedelta(days=age_days)
    if used_days_ago is not None:
        key.last_used = now - timedelta(days=used_days_ago)


def test_old_unused_and_fresh_keys(aws, scan):
    iam = aws.client("iam")
    _key(iam, "old", age_days=200, used_days_ago=2)
    _key(iam, "idle", age_days=80, used_days_ago=50)
    _key(iam, "never", age_days=46, used_days_ago=None)
    _key(iam, "fresh", age_days=10, used_days_ago=1)
    _key(iam, "new-unused", age_days=5, used_days_ago=None)
    iam.create_user(UserName="nokeys")

    result = scan([CHECK])

    old = by_resource(result, "user/old")
    assert old.status == "fail" and "200 days old" in old.message
    assert old.evidence.observed["keys"][0]["age_days"] == 200
    assert "iam:GetCredentialReport" in old.evidence.source
    assert by_resource(result, "user/idle").status == "fail"
    never = by_resource(result, "user/never")
    assert never.status == "fail" and "never used" in never.message
    assert by_resource(result, "user/fresh").status == "pass"
    assert by_resource(result, "user/new-unused").status == "pass"
    assert not [f for f in result.findings if "nokeys" in f.resource]


def test_thresholds_are_configurable(aws, scan):
    _key(aws.client("iam"), "old", age_days=100, used_days_ago=1)
    strict = scan([CHECK])
    lenient = scan([CHECK], options={CHECK: {"max_age_days": 120}})
    assert by_resource(strict, "user/old").status == "fail"
    assert by_resource(lenient, "user/old").status == "pass"


def test_inactive_keys_are_ignored_and_no_keys_is_an_account_pass(aws, scan):
    iam = aws.client("iam")
    _key(iam, "retired", age_days=300, used_days_ago=None)
    key_id = iam.list_access_keys(UserName="retired")["AccessKeyMetadata"][0]["AccessKeyId"]
    iam.update_access_key(UserName="retired", AccessKeyId=key_id, Status="Inactive")
    result = scan([CHECK])
    assert [f.status.value for f in result.findings] == ["pass"]
    assert result.findings[0].resource.endswith(":account")
