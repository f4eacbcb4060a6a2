"""Demo evidence for operations and for the findings AWS services already computed.

us-east-1, where the payments team works: Security Hub control results and Config rule results (some
pass, some fail), an Automation runbook, a security contact, an escalation plan, AWS Health events and
Security Hub findings routed (to people and to automation), a dashboard, agent metrics, a log metric
filter, a passing canary, alarms on the payments database and webhook, a CodeDeploy group that rolls back
blue/green beside one that deploys all at once, an ECS service with the deployment circuit breaker beside
one without, and a workload reviewed in the WA Tool. eu-west-1 has none of it. The account has Basic
support, so Trusted Advisor is not assessed and says why.
"""

from __future__ import annotations

import json
from typing import Any

from scanner.demo import DemoAccount, FillInError

EAST, WEST = "us-east-1", "eu-west-1"
WORKLOAD_ID = "7d1c0e2f4a5b6c7d8e9f0a1b2c3d4e5f"
RUNBOOK = json.dumps({"schemaVersion": "0.3", "description": "Restart the payments API tasks",
                      "mainSteps": [{"name": "wait", "action": "aws:sleep", "inputs": {"Duration": "PT1S"}}]})


def seed(demo: DemoAccount) -> None:
    """Seed us-east-1 and register answers for the APIs moto lacks."""
    _security_hub_controls(demo)
    _config_rules(demo)
    _support(demo)
    _access_analyzer_findings(demo)
    _runbooks_and_contacts(demo)
    _event_routing(demo)
    _observability(demo)
    _deployments(demo)
    _ecs(demo)
    _wa_tool(demo)


def _security_hub_controls(demo: DemoAccount) -> None:
    """Control findings as Security Hub would record them (the hub is enabled by seed_detection)."""
    def control(cid: str, resource: str, kind: str, status: str, label: str) -> dict[str, Any]:
        return {"SchemaVersion": "2018-10-08", "Id": f"arn:aws:securityhub:{EAST}:{demo.account}:security-control/"
                f"{cid}/finding/{resource.rsplit(':', 1)[-1]}",
                "ProductArn": f"arn:aws:securityhub:{EAST}::product/aws/securityhub", "ProductName": "Security Hub",
                "GeneratorId": f"security-control/{cid}", "AwsAccountId": demo.account, "Region": EAST,
                "Types": ["Software and Configuration Checks/Industry and Regulatory Standards"],
                "CreatedAt": demo.days_ago(20).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "UpdatedAt": demo.days_ago(1).strftime("%Y-%m-%dT%H:%M:%SZ"), "Severity": {"Label": label},
                "Title": f"{cid} control result", "Description": "Security Hub control result",
                "RecordState": "ACTIVE", "Workflow": {"Status": "NEW"},
                "Resources": [{"Type": kind, "Id": resource, "Region": EAST}],
                "Compliance": {"Status": status, "SecurityControlId": cid, "AssociatedStandards": [
                    {"StandardsId": "standards/aws-foundational-security-best-practices/v/1.0.0"}]}}

    account = f"AWS::::Account:{demo.account}"
    demo.client("securityhub", EAST).batch_import_findings(Findings=[
        control("S3.8", "arn:aws:s3:::demo-payments-data", "AwsS3Bucket", "PASSED", "INFORMATIONAL"),
        control("S3.8", "arn:aws:s3:::demo-marketing-site", "AwsS3Bucket", "FAILED", "HIGH"),
        control("CloudTrail.4", f"arn:aws:cloudtrail:{EAST}:{demo.account}:trail/payments-audit", "AwsCloudTrailTrail",
                "PASSED", "INFORMATIONAL"),
        control("Account.1", account, "AwsAccount", "PASSED", "INFORMATIONAL"),
        control("IAM.9", account, "AwsAccount", "FAILED", "CRITICAL"),
    ])


def _config_rules(demo: DemoAccount) -> None:
    """Two managed rules in us-east-1 (where Config records); moto lacks their compliance reads."""
    config = demo.client("config", EAST)
    results = {
        "s3-bucket-versioning-enabled": [("AWS::S3::Bucket", "demo-payments-data", "COMPLIANT"),
                                         ("AWS::S3::Bucket", "demo-marketing-site", "NON_COMPLIANT")],
        "rds-multi-az-support": [("AWS::RDS::DBInstance", "payments-db", "NON_COMPLIANT")],
    }
    identifiers = {"s3-bucket-versioning-enabled": "S3_BUCKET_VERSIONING_ENABLED",
                   "rds-multi-az-support": "RDS_MULTI_AZ_SUPPORT"}
    for name, identifier in identifiers.items():
        config.put_config_rule(ConfigRule={"ConfigRuleName": name, "Source": {
            "Owner": "AWS", "SourceIdentifier": identifier}})

    def compliance(params: dict[str, Any], region: str) -> dict[str, Any]:
        if region != EAST:
            return {"ComplianceByConfigRules": []}
        return {"ComplianceByConfigRules": [
            {"ConfigRuleName": name, "Compliance": {"ComplianceType": "NON_COMPLIANT" if any(
                r[2] == "NON_COMPLIANT" for r in rows) else "COMPLIANT"}} for name, rows in results.items()]}

    def details(params: dict[str, Any], region: str) -> dict[str, Any]:
        name = params.get("ConfigRuleName", "")
        return {"EvaluationResults": [
            {"EvaluationResultIdentifier": {"EvaluationResultQualifier": {
                "ConfigRuleName": name, "ResourceType": kind, "ResourceId": rid}},
             "ComplianceType": state, "ResultRecordedTime": demo.days_ago(1)}
            for kind, rid, state in results.get(name, []) if region == EAST]}

    demo.fill_in("config", "DescribeComplianceByConfigRule", compliance)
    demo.fill_in("config", "GetComplianceDetailsByConfigRule", details)


def _support(demo: DemoAccount) -> None:
    """Basic support: the Support API refuses every call, as AWS does on Basic and Developer plans."""
    def no_plan(params: dict[str, Any], region: str) -> dict[str, Any]:
        raise FillInError("SubscriptionRequiredException", "AWS Premium Support Subscription is required")

    for operation in ("DescribeTrustedAdvisorChecks", "DescribeTrustedAdvisorCheckSummaries",
                      "DescribeSeverityLevels"):
        demo.fill_in("support", operation, no_plan)


def _access_analyzer_findings(demo: DemoAccount) -> None:
    """The us-east-1 analyzer (seed_identity) has found the partner exchange bucket shared with a partner."""
    def findings(params: dict[str, Any], region: str) -> dict[str, Any]:
        return {"findings": [{"id": "5f0e7b1c-demo-external-access", "findingType": "ExternalAccess",
                              "resource": "arn:aws:s3:::demo-partner-exchange", "resourceType": "AWS::S3::Bucket",
                              "resourceOwnerAccount": demo.account, "status": "ACTIVE",
                              "analyzedAt": demo.days_ago(2), "createdAt": demo.days_ago(40),
                              "updatedAt": demo.days_ago(2)}] if region == EAST else []}

    demo.fill_in("accessanalyzer", "ListFindingsV2", findings)


def _runbooks_and_contacts(demo: DemoAccount) -> None:
    demo.client("ssm", EAST).create_document(Name="payments-restart-api", Content=RUNBOOK,
                                             DocumentType="Automation", DocumentFormat="JSON")
    demo.client("account", EAST).put_alternate_contact(
        AlternateContactType="SECURITY", EmailAddress="security@example.com", Name="Security on call",
        PhoneNumber="+15550100", Title="Security team")

    def contacts(params: dict[str, Any], region: str) -> dict[str, Any]:
        arn = f"arn:aws:ssm-contacts:{EAST}:{demo.account}:contact/"
        return {"Contacts": [{"ContactArn": arn + "dana", "Alias": "dana", "Type": "PERSONAL"},
                             {"ContactArn": arn + "payments-escalation", "Alias": "payments-escalation",
                              "Type": "ESCALATION"}] if region == EAST else []}

    demo.fill_in("ssm-contacts", "ListContacts", contacts)


def _event_routing(demo: DemoAccount) -> None:
    events = demo.client("events", EAST)
    topic = demo.client("sns", EAST).create_topic(Name="ops-notifications")["TopicArn"]
    events.put_rule(Name="health-to-ops", EventPattern=json.dumps({"source": ["aws.health"]}))
    events.put_targets(Rule="health-to-ops", Targets=[{"Id": "ops", "Arn": topic}])
    events.put_rule(Name="hub-critical-to-responder", EventPattern=json.dumps({
        "source": ["aws.securityhub"], "detail": {"findings": {"Severity": {"Label": ["CRITICAL"]}}}}))
    events.put_targets(Rule="hub-critical-to-responder", Targets=[{
        "Id": "respond", "Arn": f"arn:aws:lambda:{EAST}:{demo.account}:function:payments-webhook"}])


def _observability(demo: DemoAccount) -> None:
    cw = demo.client("cloudwatch", EAST)
    cw.put_dashboard(DashboardName="payments-overview", DashboardBody=json.dumps({"widgets": []}))
    cw.put_metric_data(Namespace="CWAgent", MetricData=[
        {"MetricName": "mem_used_percent", "Value": 48.0, "Dimensions": [{"Name": "host", "Value": "payments-1"}]}])
    for name, namespace, metric, dimension, value in (
            ("payments-db-cpu", "AWS/RDS", "CPUUtilization", "DBInstanceIdentifier", "payments-db"),
            ("payments-webhook-errors", "AWS/Lambda", "Errors", "FunctionName", "payments-webhook")):
        cw.put_metric_alarm(AlarmName=name, Namespace=namespace, MetricName=metric, Statistic="Average",
                            Dimensions=[{"Name": dimension, "Value": value}], Period=300, EvaluationPeriods=2,
                            Threshold=80, ComparisonOperator="GreaterThanThreshold")
    demo.client("logs", EAST).put_metric_filter(
        logGroupName="/payments/api", filterName="payment-errors", filterPattern="ERROR",
        metricTransformations=[{"metricName": "PaymentErrors", "metricNamespace": "Payments", "metricValue": "1"}])
    # moto holds canaries but cannot start them: both reads are answered here.
    demo.fill_in("synthetics", "DescribeCanaries", lambda params, region: {"Canaries": [
        {"Name": "payments-checkout", "Status": {"State": "RUNNING"}}] if region == EAST else [
        {"Name": "legacy-portal-login", "Status": {"State": "STOPPED"}}]})

    def last_run(params: dict[str, Any], region: str) -> dict[str, Any]:
        when = demo.days_ago(0)
        name, state = ("payments-checkout", "PASSED") if region == EAST else ("legacy-portal-login", "FAILED")
        return {"CanariesLastRun": [{"CanaryName": name, "LastRun": {
            "Name": name, "Status": {"State": state}, "Timeline": {"Started": when, "Completed": when}}}]}

    demo.fill_in("synthetics", "DescribeCanariesLastRun", last_run)
    demo.fill_in("rum", "ListAppMonitors", lambda params, region: {"AppMonitorSummaries": []})
    demo.fill_in("xray", "GetGroups", lambda params, region: {"Groups": [
        {"GroupName": "payments", "GroupARN": f"arn:aws:xray:{EAST}:{demo.account}:group/payments/7QNTC2",
         "FilterExpression": 'service("payments-api")',
         "InsightsConfiguration": {"InsightsEnabled": True, "NotificationsEnabled": True}}] if region == EAST else []})
    demo.fill_in("xray", "GetSamplingRules", lambda params, region: {"SamplingRuleRecords": []})


def _deployments(demo: DemoAccount) -> None:
    cd = demo.client("codedeploy", EAST)
    role = f"arn:aws:iam::{demo.account}:role/payments-app"
    cd.create_application(applicationName="payments-api", computePlatform="Server")
    cd.create_deployment_group(applicationName="payments-api", deploymentGroupName="production", serviceRoleArn=role,
                               autoRollbackConfiguration={"enabled": True, "events": ["DEPLOYMENT_FAILURE"]},
                               deploymentStyle={"deploymentType": "BLUE_GREEN",
                                                "deploymentOption": "WITH_TRAFFIC_CONTROL"})
    cd.create_deployment_group(applicationName="payments-api", deploymentGroupName="batch-workers",
                               serviceRoleArn=role, deploymentConfigName="CodeDeployDefault.AllAtOnce")


def _ecs(demo: DemoAccount) -> None:
    """moto keeps no deployment configuration for ECS services: the payments cluster is answered here."""
    cluster = f"arn:aws:ecs:{EAST}:{demo.account}:cluster/payments"
    services = {
        "payments-api": {"deploymentCircuitBreaker": {"enable": True, "rollback": True},
                         "maximumPercent": 200, "minimumHealthyPercent": 100},
        "payments-worker": {"maximumPercent": 200, "minimumHealthyPercent": 50},
    }

    def arn(name: str) -> str:
        return f"arn:aws:ecs:{EAST}:{demo.account}:service/payments/{name}"

    demo.fill_in("ecs", "ListClusters", lambda params, region: {"clusterArns": [cluster] if region == EAST else []})
    demo.fill_in("ecs", "ListServices", lambda params, region: {"serviceArns": [arn(n) for n in services]})
    demo.fill_in("ecs", "DescribeServices", lambda params, region: {"failures": [], "services": [
        {"serviceArn": arn(n), "serviceName": n, "clusterArn": cluster, "deploymentConfiguration": config,
         "deploymentController": {"type": "ECS"}} for n, config in services.items()]})


def _wa_tool(demo: DemoAccount) -> None:
    """The payments workload was reviewed in the WA Tool 40 days ago (moto has no WA Tool backend)."""
    arn = f"arn:aws:wellarchitected:{EAST}:{demo.account}:workload/{WORKLOAD_ID}"
    demo.fill_in("wellarchitected", "ListWorkloads", lambda params, region: {"WorkloadSummaries": [
        {"WorkloadId": WORKLOAD_ID, "WorkloadArn": arn, "WorkloadName": "payments", "Owner": "payments team",
         "UpdatedAt": demo.days_ago(40), "Lenses": ["wellarchitected"], "RiskCounts": {"HIGH": 4, "MEDIUM": 9},
         "ImprovementStatus": "IN_PROGRESS"}] if region == EAST else []})
    demo.fill_in("wellarchitected", "ListMilestones", lambda params, region: {
        "WorkloadId": WORKLOAD_ID, "MilestoneSummaries": [
            {"MilestoneNumber": 1, "MilestoneName": "first review", "RecordedAt": demo.days_ago(400)},
            {"MilestoneNumber": 2, "MilestoneName": "after the payments migration", "RecordedAt": demo.days_ago(40)}]})
    demo.fill_in("wellarchitected", "ListLensReviews", lambda params, region: {
        "WorkloadId": WORKLOAD_ID, "LensReviewSummaries": [
            {"LensAlias": "wellarchitected", "LensName": "AWS Well-Architected Framework",
             "UpdatedAt": demo.days_ago(40)}]})
