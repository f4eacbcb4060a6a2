"""organizations.scps_in_use against moto's Organizations; Stubber for a member account's denied reads."""

from __future__ import annotations

import json

from botocore.stub import Stubber

from tests.conftest import ACCOUNT
from tests.helpers import by_resource

CHECK = "organizations.scps_in_use"
GUARDRAIL = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"}]})


def _org(aws, *, enable_scps: bool = True, attach: bool = True) -> dict[str, str]:
    org = aws.client("organizations")
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    if enable_scps:
        org.enable_policy_type(RootId=root, PolicyType="SERVICE_CONTROL_POLICY")
    workloads = org.create_organizational_unit(ParentId=root, Name="workloads")["OrganizationalUnit"]["Id"]
    prod = org.create_organizational_unit(ParentId=workloads, Name="prod")["OrganizationalUnit"]["Id"]
    ids = {}
    for name, parent in (("payments-prod", prod), ("sandbox", root)):
        account = org.create_account(Email=f"{name}@example.com", AccountName=name)["CreateAccountStatus"]["AccountId"]
        if parent != root:
            org.move_account(AccountId=account, SourceParentId=root, DestinationParentId=parent)
        ids[name] = account
    if enable_scps and attach:
        policy = org.create_policy(Name="deny-leave", Description="guardrail", Content=GUARDRAIL,
                                   Type="SERVICE_CONTROL_POLICY")["Policy"]["PolicySummary"]["Id"]
        org.attach_policy(PolicyId=policy, TargetId=workloads)
    return ids


def test_not_in_an_organization_is_not_assessed_not_enabled(aws, scan):
    result = scan([CHECK])
    [finding] = result.findings
    assert finding.status == "not_assessed" and finding.reason == "not_enabled"
    assert "not in an AWS Organization" in finding.message
    assert not result.partial


def test_accounts_with_and_without_custom_scp(aws, scan):
    ids = _org(aws)
    result = scan([CHECK])

    prod = by_resource(result, ids["payments-prod"])
    assert prod.status == "pass"
    assert prod.evidence.observed["custom_scps"] == ["deny-leave"]
    assert prod.evidence.observed["ou_path"] == ["workloads", "prod"]
    sandbox = by_resource(result, ids["sandbox"])
    assert sandbox.status == "fail" and "FullAWSAccess only" in sandbox.message
    assert not [f for f in result.findings if f.resource.endswith(f"/{ACCOUNT}")]  # management account left out
    assert "organizations:ListTargetsForPolicy" in prod.evidence.source


def test_scp_type_disabled_fails(aws, scan):
    _org(aws, enable_scps=False)
    [finding] = scan([CHECK]).findings
    assert finding.status == "fail" and "not enabled on the root" in finding.message
    assert finding.evidence.observed["scp_policy_type"] == "DISABLED"


def test_consolidated_billing_only_fails(aws, scan):
    aws.client("organizations").create_organization(FeatureSet="CONSOLIDATED_BILLING")
    [finding] = scan([CHECK]).findings
    assert finding.status == "fail" and "CONSOLIDATED_BILLING" in finding.message


def test_member_account_denied_explains_where_to_scan(aws, scan):
    def prepare(target):
        stub = Stubber(target.collector.client("organizations", "us-east-1"))
        stub.add_response("describe_organization", {"Organization": {
            "Id": "o-exampleorgid", "Arn": "arn:aws:organizations::111111111111:organization/o-exampleorgid",
            "FeatureSet": "ALL", "MasterAccountId": "111111111111"}})
        stub.add_client_error("list_roots", "AccessDeniedException", "not allowed", 400)
        stub.activate()

    result = scan([CHECK], prepare=prepare)
    [finding] = result.findings
    assert finding.status == "not_assessed" and finding.missing_permission == "organizations:ListRoots"
    assert "management account (111111111111)" in finding.message
