"""IAM user checks against moto's credential report, password policy and providers; Stubber where moto
cannot produce the state (no Identity Center instance, a denied Identity Center read)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from botocore.stub import Stubber
from moto.iam.models import iam_backends

from tests.conftest import ACCOUNT
from tests.helpers import by_resource, deny

TRUST_LAMBDA = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
TRUST_ACCOUNT = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole"}]})


def _backend():
    return iam_backends[ACCOUNT]["global"]


def _person(iam, name: str, *, mfa: bool = False, used_days_ago: int | None = None, created_days_ago: int = 0):
    iam.create_user(UserName=name)
    iam.create_login_profile(UserName=name, Password="Correct-Horse-9-Battery")
    user = _backend().users[name]
    user.create_date = datetime.now(UTC) - timedelta(days=created_days_ago)
    if used_days_ago is not None:
        user.password_last_used = datetime.now(UTC) - timedelta(days=used_days_ago)
    if mfa:
        serial = iam.create_virtual_mfa_device(VirtualMFADeviceName=name)["VirtualMFADevice"]["SerialNumber"]
        iam.enable_mfa_device(UserName=name, SerialNumber=serial, AuthenticationCode1="123456",
                              AuthenticationCode2="654321")


def test_console_users_mfa(aws, scan):
    iam = aws.client("iam")
    _person(iam, "carol", mfa=True)
    _person(iam, "dave")
    iam.create_user(UserName="api-only")
    iam.create_access_key(UserName="api-only")

    result = scan(["iam.console_users_mfa"])

    assert by_resource(result, "user/carol").status == "pass"
    dave = by_resource(result, "user/dave")
    assert dave.status == "fail" and dave.evidence.observed["mfa_active"] is False
    assert not [f for f in result.findings if "api-only" in f.resource]


def test_no_console_users_is_an_account_pass(aws, scan):
    aws.client("iam").create_user(UserName="api-only")
    result = scan(["iam.console_users_mfa", "iam.console_passwords_used"])
    assert {f.status.value for f in result.findings} == {"pass"}
    assert all(f.resource.endswith(":account") for f in result.findings)


def test_password_policy(aws, scan):
    iam = aws.client("iam")
    missing = scan(["iam.password_policy_strong"])
    iam.update_account_password_policy(MinimumPasswordLength=8)
    weak = scan(["iam.password_policy_strong"])
    iam.update_account_password_policy(MinimumPasswordLength=16, PasswordReusePrevention=24)
    strong = scan(["iam.password_policy_strong"])
    strict = scan(["iam.password_policy_strong"],
                  options={"iam.password_policy_strong": {"require_character_classes": "true"}})

    assert missing.findings[0].status == "fail"
    assert missing.findings[0].evidence.observed["error_code"] == "NoSuchEntity"
    assert weak.findings[0].status == "fail"
    assert "minimum length 8" in weak.findings[0].message and "reuse prevention off" in weak.findings[0].message
    assert strong.findings[0].status == "pass"
    assert strong.findings[0].resource == f"arn:aws:iam::{ACCOUNT}:account"
    assert strict.findings[0].status == "fail" and "RequireSymbols off" in strict.findings[0].message


def test_console_passwords_used(aws, scan):
    iam = aws.client("iam")
    _person(iam, "recent", used_days_ago=2, created_days_ago=300)
    _person(iam, "stale", used_days_ago=100, created_days_ago=300)
    _person(iam, "new-hire", created_days_ago=3)
    _person(iam, "never", created_days_ago=60)

    result = scan(["iam.console_passwords_used"])
    lenient = scan(["iam.console_passwords_used"], options={"iam.console_passwords_used": {"days": 120}})

    assert by_resource(result, "user/recent").status == "pass"
    stale = by_resource(result, "user/stale")
    assert stale.status == "fail" and stale.evidence.observed["days_idle"] == 100
    assert by_resource(result, "user/new-hire").status == "pass"
    never = by_resource(result, "user/never")
    assert never.status == "fail" and "never used" in never.message
    assert by_resource(lenient, "user/stale").status == "pass"


def test_federated_access_counts_console_users(aws, scan):
    # moto's sso-admin always answers with one ACTIVE Identity Center instance.
    iam = aws.client("iam")
    for name in ("p1", "p2", "p3"):
        _person(iam, name)
    many = scan(["iam.federated_access"])
    iam.delete_login_profile(UserName="p3")
    iam.delete_login_profile(UserName="p2")
    few = scan(["iam.federated_access"])

    assert many.findings[0].status == "fail" and "3 IAM users still have console passwords" in many.findings[0].message
    assert many.findings[0].evidence.observed["identity_center_instances"]
    assert few.findings[0].status == "pass"
    assert few.findings[0].evidence.observed["console_user_names"] == ["p1"]


def _stub_sso(error: str | None = None):
    def prepare(target):
        stub = Stubber(target.collector.client("sso-admin", "us-east-1"))
        if error:
            stub.add_client_error("list_instances", error, "denied", 400)
        else:
            stub.add_response("list_instances", {"Instances": []})
        stub.activate()

    return prepare


def test_no_identity_provider_fails_and_saml_counts(aws, scan):
    iam = aws.client("iam")
    _person(iam, "p1")
    no_idp = scan(["iam.federated_access"], prepare=_stub_sso())
    iam.create_saml_provider(Name="corp-idp", SAMLMetadataDocument="<EntityDescriptor>" + "x" * 1000)
    saml = scan(["iam.federated_access"], prepare=_stub_sso())

    assert no_idp.findings[0].status == "fail" and "no identity provider" in no_idp.findings[0].message
    assert saml.findings[0].status == "pass"
    assert saml.findings[0].evidence.observed["saml_providers"] == [f"arn:aws:iam::{ACCOUNT}:saml-provider/corp-idp"]


def test_identity_center_denied(aws, scan):
    iam = aws.client("iam")
    _person(iam, "p1")
    undecided = scan(["iam.federated_access"], prepare=_stub_sso("AccessDeniedException"))
    for name in ("p2", "p3"):
        _person(iam, name)
    decided = scan(["iam.federated_access"], prepare=_stub_sso("AccessDeniedException"))

    assert [f.status.value for f in undecided.findings] == ["not_assessed"]
    assert undecided.findings[0].missing_permission == "sso:ListInstances"
    # three console users fail whatever Identity Center would have said
    assert decided.findings[0].status == "fail"
    assert "us-east-1" in decided.findings[0].evidence.observed["identity_center_unknown_regions"]


def test_workloads_use_roles(aws, scan):
    iam = aws.client("iam")
    iam.create_user(UserName="etl-bot")
    iam.create_access_key(UserName="etl-bot")
    _person(iam, "human-with-key")
    iam.create_access_key(UserName="human-with-key")
    iam.create_role(RoleName="fn-exec", AssumeRolePolicyDocument=TRUST_LAMBDA)
    iam.create_role(RoleName="admin-access", AssumeRolePolicyDocument=TRUST_ACCOUNT)
    iam.create_service_linked_role(AWSServiceName="elasticbeanstalk.amazonaws.com")

    result = scan(["iam.workloads_use_roles"])

    bot = by_resource(result, "user/etl-bot")
    assert bot.status == "fail" and bot.evidence.observed["active_access_keys"] == 1
    role = by_resource(result, "role/fn-exec")
    assert role.status == "pass" and role.evidence.observed["trusted_principals"] == ["lambda.amazonaws.com"]
    assert {f.resource.rsplit("/", 1)[-1] for f in result.findings} == {"etl-bot", "fn-exec"}


def test_credential_report_denied_is_not_assessed(aws, scan):
    prepare = deny("iam", "generate_credential_report", code="AccessDenied", status=403)

    result = scan(["iam.console_users_mfa"], prepare=prepare)
    assert [f.status.value for f in result.findings] == ["not_assessed"]
    assert result.findings[0].missing_permission == "iam:GenerateCredentialReport"
