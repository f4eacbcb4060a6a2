"""iam.incident_response_role from GetAccountAuthorizationDetails."""

from __future__ import annotations

import json

from tests.helpers import by_resource, deny

CHECK = "iam.incident_response_role"
ACCOUNT_TRUST = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sts:AssumeRole",
     "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]}
LAMBDA_TRUST = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
READ_ONLY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "cloudtrail:Lookup*",
                                                     "Resource": "*"}]}


def _role(iam, name, trust, inline=None):
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))
    if inline:
        iam.put_role_policy(RoleName=name, PolicyName="investigate", PolicyDocument=json.dumps(inline))


def test_usable_empty_and_service_only_roles(aws, scan):
    iam = aws.client("iam")
    _role(iam, "Security-Incident-Response", ACCOUNT_TRUST, READ_ONLY)
    _role(iam, "breakglass-admin", ACCOUNT_TRUST)
    _role(iam, "forensic-snapshotter", LAMBDA_TRUST, READ_ONLY)
    _role(iam, "payments-app", ACCOUNT_TRUST, READ_ONLY)

    result = scan([CHECK])

    usable = by_resource(result, "role/Security-Incident-Response")
    assert usable.status == "pass" and usable.region == "global"
    assert usable.evidence.observed["permission_policies"] == ["inline:investigate"]
    assert usable.evidence.observed["trusted_principals"] == {"AWS": ["arn:aws:iam::123456789012:root"]}
    empty = by_resource(result, "role/breakglass-admin")
    assert empty.status == "fail" and "no permission policy" in empty.message
    service_only = by_resource(result, "role/forensic-snapshotter")
    assert service_only.status == "fail" and "only AWS services" in service_only.message
    assert len(result.findings) == 3  # payments-app does not match the pattern


def test_no_matching_role_fails_and_pattern_is_an_option(aws, scan):
    _role(aws.client("iam"), "soc-responder", ACCOUNT_TRUST, READ_ONLY)

    [missing] = scan([CHECK]).findings
    [found] = scan([CHECK], options={CHECK: {"name_pattern": "(?i)soc"}}).findings

    assert missing.status == "fail" and missing.resource == "arn:aws:iam::123456789012:account"
    assert missing.evidence.observed["roles_in_account"] == 1
    assert found.status == "pass" and found.resource.endswith("role/soc-responder")


def test_access_denied_is_not_assessed_never_pass(aws, scan):
    prepare = deny("iam", "get_account_authorization_details", code="AccessDenied", status=403)

    [finding] = scan([CHECK], prepare=prepare).findings

    assert finding.status == "not_assessed"
    assert finding.missing_permission == "iam:GetAccountAuthorizationDetails"
