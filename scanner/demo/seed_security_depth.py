"""Demo answers for the security operations checks: a resource share open to a partner, remediation that
fixes bucket versioning on its own, a Security Hub triage rule, a Security Lake in the main region, Allowed
AMIs enforced in one region and only audited in the other, Macie discovery on in one region only, and a
Security Incident Response membership that names two responders, and an Image Builder pipeline that rebuilds
the payments base image weekly.

moto has none of these reads (apart from RAM's own shares), so fill-ins answer them."""

from __future__ import annotations

from typing import Any

from scanner.demo import DemoAccount, FillInError

EAST, WEST = "us-east-1", "eu-west-1"
PARTNER_ACCOUNT = "464622532012"  # the monitoring vendor of the depth seed (made up): outside the organization
ORG_UNIT = "arn:aws:organizations::{account}:ou/o-demo0example/ou-demo-workloads"


def seed(demo: DemoAccount) -> None:
    """Fill-ins for the reads moto lacks; nothing here changes what other checks see."""
    _resource_shares(demo)
    _remediation(demo)
    _automation_rules(demo)
    _security_lake(demo)
    _allowed_images(demo)
    _image_pipelines(demo)
    _macie_discovery(demo)
    _response_team(demo)


def _resource_shares(demo: DemoAccount) -> None:
    """A share of the legacy region's resolver rules made for a partner, next to whatever shares an earlier
    seed module answers for (kept as they are); every share in the main region goes to the workloads OU."""
    earlier = demo.fill_ins.get(("ram", "GetResourceShares"))
    partner_arn = f"arn:aws:ram:{WEST}:{demo.account}:resource-share/2d4f6a8c-1b3e-4f5a-9c7d-0e2f4a6c8e1b"
    partner = {"resourceShareArn": partner_arn, "name": "legacy-partner-resolver-rules",
               "owningAccountId": demo.account, "allowExternalPrincipals": True, "status": "ACTIVE",
               "creationTime": demo.days_ago(400), "lastUpdatedTime": demo.days_ago(400)}

    def shares(params: dict[str, Any], region: str) -> dict[str, Any]:
        found = list(earlier(params, region).get("resourceShares", [])) if earlier else []
        if region == WEST and params.get("resourceOwner") == "SELF":
            found.append(partner)
        return {"resourceShares": found}

    def principals(params: dict[str, Any], region: str) -> dict[str, Any]:
        owned = shares({"resourceOwner": "SELF"}, region)["resourceShares"]
        return {"principals": [
            {"id": PARTNER_ACCOUNT, "resourceShareArn": s["resourceShareArn"], "external": True}
            if s["resourceShareArn"] == partner_arn else
            {"id": ORG_UNIT.format(account=demo.account), "resourceShareArn": s["resourceShareArn"], "external": False}
            for s in owned]}

    demo.fill_in("ram", "GetResourceShares", shares)
    demo.fill_in("ram", "ListPrincipals", principals)


def _remediation(demo: DemoAccount) -> None:
    """The bucket versioning rule turns versioning back on by itself; the RDS rule only has a manual fix."""
    plans = {"s3-bucket-versioning-enabled": ("AWS-ConfigureS3BucketVersioning", True),
             "rds-multi-az-support": ("AWS-PublishSNSNotification", False)}

    def answer(params: dict[str, Any], region: str) -> dict[str, Any]:
        return {"RemediationConfigurations": [
            {"ConfigRuleName": name, "TargetType": "SSM_DOCUMENT", "TargetId": plans[name][0],
             "Automatic": plans[name][1], "MaximumAutomaticAttempts": 3, "RetryAttemptSeconds": 60}
            for name in params.get("ConfigRuleNames", []) if region == EAST and name in plans]}

    demo.fill_in("config", "DescribeRemediationConfigurations", answer)


def _automation_rules(demo: DemoAccount) -> None:
    """Security Hub (on in us-east-1 only) raises findings on payments resources to critical."""

    def answer(params: dict[str, Any], region: str) -> dict[str, Any]:
        if region != EAST:
            raise FillInError("InvalidAccessException", "Account is not subscribed to AWS Security Hub", 400)
        rule_id = "5e7a9c1b-3d5f-4a7b-8c9d-1e3f5a7b9c0d"
        return {"AutomationRulesMetadata": [{
            "RuleArn": f"arn:aws:securityhub:{EAST}:{demo.account}:automation-rule/{rule_id}",
            "RuleName": "payments-findings-critical", "RuleStatus": "ENABLED", "RuleOrder": 1, "IsTerminal": False,
            "Description": "Findings on resources tagged app=payments start at CRITICAL",
            "CreatedAt": demo.days_ago(90), "UpdatedAt": demo.days_ago(30),
            "CreatedBy": f"arn:aws:iam::{demo.account}:role/security-engineering"}]}

    demo.fill_in("securityhub", "ListAutomationRules", answer)


def _security_lake(demo: DemoAccount) -> None:
    """A Security Lake data lake in us-east-1 with a year's retention; none in the legacy region."""

    def answer(params: dict[str, Any], region: str) -> dict[str, Any]:
        if region != EAST:
            return {"dataLakes": []}
        return {"dataLakes": [{
            "dataLakeArn": f"arn:aws:securitylake:{EAST}:{demo.account}:data-lake/default", "region": EAST,
            "createStatus": "COMPLETED", "s3BucketArn": f"arn:aws:s3:::aws-security-data-lake-{EAST}-demo0lake",
            "lifecycleConfiguration": {"expiration": {"days": 365}}}]}

    demo.fill_in("securitylake", "ListDataLakes", answer)


def _allowed_images(demo: DemoAccount) -> None:
    """us-east-1 admits only the account's own images and Amazon's; eu-west-1 audits without enforcing."""

    def answer(params: dict[str, Any], region: str) -> dict[str, Any]:
        criteria = [{"ImageProviders": [demo.account, "amazon"],
                     "CreationDateCondition": {"MaximumDaysSinceCreated": 180}}]
        return {"State": "enabled" if region == EAST else "audit-mode", "ImageCriteria": criteria,
                "ManagedBy": "account"}

    demo.fill_in("ec2", "GetAllowedImagesSettings", answer)


def _image_pipelines(demo: DemoAccount) -> None:
    """The payments base image is rebuilt every Monday in us-east-1; the legacy region builds none."""

    def answer(params: dict[str, Any], region: str) -> dict[str, Any]:
        if region != EAST:
            return {"imagePipelineList": []}
        return {"imagePipelineList": [{
            "arn": f"arn:aws:imagebuilder:{EAST}:{demo.account}:image-pipeline/payments-base-al2023",
            "name": "payments-base-al2023", "platform": "Linux", "status": "ENABLED",
            "schedule": {"scheduleExpression": "cron(0 3 ? * mon *)",
                         "pipelineExecutionStartCondition": "EXPRESSION_MATCH_ONLY"},
            "dateLastRun": demo.days_ago(2).strftime("%Y-%m-%dT%H:%M:%S.000Z"), "lastRunStatus": "AVAILABLE"}]}

    demo.fill_in("imagebuilder", "ListImagePipelines", answer)


def _macie_discovery(demo: DemoAccount) -> None:
    """Automated discovery in us-east-1; Macie is off in eu-west-1 (the detection seed disables it)."""

    def discovery(params: dict[str, Any], region: str) -> dict[str, Any]:
        if region != EAST:
            raise FillInError("AccessDeniedException", "Macie is not enabled.", 403)
        return {"status": "ENABLED", "firstEnabledAt": demo.days_ago(150), "lastUpdatedAt": demo.days_ago(150),
                "autoEnableOrganizationMembers": "NONE"}

    demo.fill_in("macie2", "GetAutomatedDiscoveryConfiguration", discovery)
    demo.fill_in("macie2", "ListClassificationJobs", lambda params, region: {"items": []})


def _response_team(demo: DemoAccount) -> None:
    """A Security Incident Response membership in us-east-1 naming the security lead and the on-call engineer
    (made-up people at a reserved example domain; the check records only how many there are)."""
    membership = "m-demo0payments0sec"
    arn = f"arn:aws:security-ir:{EAST}:{demo.account}:membership/{membership}"

    def listing(params: dict[str, Any], region: str) -> dict[str, Any]:
        return {"items": [{"membershipId": membership, "accountId": demo.account, "region": EAST,
                           "membershipArn": arn, "membershipStatus": "Active"}]}

    def detail(params: dict[str, Any], region: str) -> dict[str, Any]:
        if params.get("membershipId") != membership:
            raise FillInError("ResourceNotFoundException", "no such membership", 404)
        return {"membershipId": membership, "membershipArn": arn, "membershipName": "payments-security",
                "membershipStatus": "Active", "accountId": demo.account, "region": EAST,
                "membershipActivationTimestamp": demo.days_ago(210), "numberOfAccountsCovered": 1,
                "incidentResponseTeam": [
                    {"name": "Security Lead", "jobTitle": "Head of security", "email": "security-lead@example.com"},
                    {"name": "On-call Engineer", "jobTitle": "Platform on-call", "email": "oncall@example.com"}]}

    demo.fill_in("security-ir", "ListMemberships", listing)
    demo.fill_in("security-ir", "GetMembership", detail)
