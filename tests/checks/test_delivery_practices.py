"""appconfig.configuration_management_used, codeartifact.repositories_proxy_public_packages,
codecommit.pull_requests_need_approval and inspector2.code_repositories_scanned. moto lacks the listings
these read (AppConfig applications, State Manager associations, CodeArtifact, CodeCommit approval
templates, Inspector code security): they are answered on the real service models (tests.checks.answers);
EC2 and Lambda come from moto."""

from __future__ import annotations

import json

from tests.checks.answers import Refuse, answering
from tests.conftest import ACCOUNT
from tests.helpers import assert_denied, by_resource, deny

CONFIG = "appconfig.configuration_management_used"
PACKAGES = "codeartifact.repositories_proxy_public_packages"
REVIEWS = "codecommit.pull_requests_need_approval"
CODE_SCANS = "inspector2.code_repositories_scanned"


def _instance(aws) -> None:
    ec2 = aws.client("ec2", region_name="us-east-1")
    image = ec2.register_image(Name="img", RootDeviceName="/dev/xvda")["ImageId"]
    ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1)


def _config(apps=(), profiles=(), associations=(), document="AWS-ApplyAnsiblePlaybooks"):
    return answering(
        ("appconfig", "ListApplications", lambda p: {"Items": [{"Id": a, "Name": a} for a in apps]}),
        ("appconfig", "ListConfigurationProfiles", lambda p: {"Items": [
            {"ApplicationId": p["ApplicationId"], "Id": n, "Name": n} for n in profiles]}),
        ("ssm", "ListAssociations", lambda p: {"Associations": [
            {"AssociationId": f"id-{n}", "AssociationName": n, "Name": document}
            for n in associations]}))


def _only(result, check):
    [finding] = [f for f in result.findings if f.check == check]
    return finding


# --- configuration management -------------------------------------------------------------------------------

def test_appconfig_profiles_or_associations_pass(aws, scan):
    found = _only(scan([CONFIG], prepare=_config(apps=["payments"], profiles=["feature-flags"])), CONFIG)
    assert found.status == "pass" and found.evidence.observed["appconfig_profiles"] == ["payments/feature-flags"]
    found = _only(scan([CONFIG], prepare=_config(associations=["web-baseline"])), CONFIG)
    assert found.status == "pass" and found.evidence.observed["state_manager_associations"] == ["web-baseline"]


def test_a_region_with_servers_and_no_configuration_system_fails(aws, scan):
    assert scan([CONFIG], prepare=_config()).findings == []  # nothing runs here: no finding
    _instance(aws)
    found = _only(scan([CONFIG], prepare=_config(apps=["empty"])), CONFIG)
    assert found.status == "fail" and found.evidence.observed["instances"] == 1
    patching = _config(associations=["nightly-patch"], document="AWS-RunPatchBaseline")
    assert _only(scan([CONFIG], prepare=patching), CONFIG).status == "fail"  # patching is not configuration


def test_appconfig_denied_is_not_assessed(aws, scan):
    assert_denied(scan([CONFIG], prepare=deny("appconfig", "list_applications")), "appconfig:ListApplications")


# --- CodeArtifact ----------------------------------------------------------------------------------------------

def _repositories(*repos):
    def describe(params):
        if params["repository"] == "secret":
            raise Refuse("AccessDeniedException")
        repo = next(r for r in repos if r["name"] == params["repository"])
        return {"repository": {"name": repo["name"], "domainName": "acme", "domainOwner": ACCOUNT,
                               "externalConnections": [{"externalConnectionName": c, "packageFormat": "npm",
                                                        "status": "Available"} for c in repo.get("ext", [])],
                               "upstreams": [{"repositoryName": u} for u in repo.get("up", [])]}}

    return answering(
        ("codeartifact", "ListRepositories", lambda p: {"repositories": [
            {"name": r["name"], "domainName": "acme", "domainOwner": ACCOUNT,
             "arn": f"arn:aws:codeartifact:us-east-1:{ACCOUNT}:repository/acme/{r['name']}"} for r in repos]}),
        ("codeartifact", "DescribeRepository", describe))


def test_external_connections_and_upstreams_pass_a_lone_repository_fails(aws, scan):
    result = scan([PACKAGES], prepare=_repositories({"name": "npm-store", "ext": ["public:npmjs"]},
                                                    {"name": "team", "up": ["npm-store"]}, {"name": "internal"},
                                                    {"name": "secret"}))
    assert by_resource(result, "acme/npm-store").status == "pass"
    team = by_resource(result, "acme/team")
    assert team.status == "pass" and team.evidence.observed["upstreams"] == ["npm-store"]
    assert by_resource(result, "acme/internal").status == "fail"
    hidden = by_resource(result, "acme/secret")
    assert hidden.status == "not_assessed" and hidden.missing_permission == "codeartifact:DescribeRepository"


def test_codeartifact_denied_is_not_assessed(aws, scan):
    assert_denied(scan([PACKAGES], prepare=deny("codeartifact", "list_repositories")),
                  "codeartifact:ListRepositories")


# --- CodeCommit approval rules -----------------------------------------------------------------------------

def _rule(approvals: int) -> str:
    return json.dumps({"Version": "2018-11-08", "DestinationReferences": ["refs/heads/main"], "Statements": [
        {"Type": "Approvers", "NumberOfApprovalsNeeded": approvals}]})


def _codecommit(repos, templates):
    return answering(
        ("codecommit", "ListRepositories", lambda p: {"repositories": [
            {"repositoryName": r, "repositoryId": f"id-{r}"} for r in repos]}),
        ("codecommit", "ListApprovalRuleTemplates", lambda p: {"approvalRuleTemplateNames": list(templates)}),
        ("codecommit", "GetApprovalRuleTemplate", lambda p: {"approvalRuleTemplate": {
            "approvalRuleTemplateName": p["approvalRuleTemplateName"],
            "approvalRuleTemplateContent": _rule(templates[p["approvalRuleTemplateName"]][0])}}),
        ("codecommit", "ListRepositoriesForApprovalRuleTemplate", lambda p: {
            "repositoryNames": templates[p["approvalRuleTemplateName"]][1]}))


def test_repositories_with_an_approval_template_pass(aws, scan):
    result = scan([REVIEWS], prepare=_codecommit(["payments", "scripts", "docs"], {
        "two-reviewers": (2, ["payments"]), "no-op": (0, ["docs"])}))
    payments = by_resource(result, ":payments")
    assert payments.status == "pass" and payments.evidence.observed["approvals_needed"] == 2
    assert by_resource(result, ":scripts").status == "fail"
    assert by_resource(result, ":docs").status == "fail"


def test_no_repositories_no_findings_and_denied_templates_not_assessed(aws, scan):
    assert scan([REVIEWS], prepare=_codecommit([], {})).findings == []
    result = scan([REVIEWS], prepare=deny("codecommit", "list_approval_rule_templates", before=[
        ("list_repositories", {"repositories": [{"repositoryName": "payments", "repositoryId": "1"}]})]))
    assert_denied(result, "codecommit:ListApprovalRuleTemplates")


# --- Inspector code security ----------------------------------------------------------------------------------

def _code_security(integrations, configurations):
    return answering(
        ("inspector2", "ListCodeSecurityIntegrations", lambda p: {"integrations": integrations}),
        ("inspector2", "ListCodeSecurityScanConfigurations", lambda p: {"configurations": configurations}))


GITHUB = {"integrationArn": f"arn:aws:inspector2:us-east-1:{ACCOUNT}:codesecurity-integration/1",
          "name": "acme-github", "type": "GITHUB", "status": "ACTIVE", "statusReason": "",
          "createdOn": "2026-01-01T00:00:00Z", "lastUpdateOn": "2026-01-01T00:00:00Z"}
ON_PUSH = {"scanConfigurationArn":
           f"arn:aws:inspector2:us-east-1:{ACCOUNT}:owner/{ACCOUNT}/codesecurity-configuration/1",
           "name": "default", "ownerAccountId": ACCOUNT, "periodicScanFrequency": "NEVER",
           "continuousIntegrationScanSupportedEvents": ["PULL_REQUEST", "PUSH"], "ruleSetCategories": ["SAST"]}


def test_an_active_integration_with_a_running_configuration_passes(aws, scan):
    found = _only(scan([CODE_SCANS], prepare=_code_security([GITHUB], [ON_PUSH])), CODE_SCANS)
    assert found.status == "pass"
    assert found.evidence.observed["code_security"]["us-east-1"]["scan_configurations"] == {
        "default": ["pull request", "push"]}


def test_no_integration_or_no_running_scan_fails(aws, scan):
    never = {**ON_PUSH, "continuousIntegrationScanSupportedEvents": []}
    assert _only(scan([CODE_SCANS], prepare=_code_security([GITHUB], [never])), CODE_SCANS).status == "fail"
    assert _only(scan([CODE_SCANS], prepare=_code_security([], [ON_PUSH])), CODE_SCANS).status == "fail"


def test_code_security_denied_is_not_assessed(aws, scan):
    assert_denied(scan([CODE_SCANS], prepare=deny("inspector2", "list_code_security_integrations")),
                  "inspector2:ListCodeSecurityIntegrations")
