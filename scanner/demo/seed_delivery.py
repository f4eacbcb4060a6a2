"""Demo resources for the delivery and telemetry checks.

us-east-1's payments team ships its web front end from GitHub through CodeBuild to staging and production,
keeps feature flags in AppConfig, proxies npm through CodeArtifact and reviews infrastructure changes; it
saves its Logs Insights queries, watches invocations with anomaly detection and traces the events
consumer's calls to its table. Nothing is instrumented for Application Signals, no code is scanned by
Inspector, and eu-west-1 analyses nothing. moto lacks most of these reads (saved queries, anomaly
detectors, the X-Ray service graph, Application Signals, AppConfig and CodeCommit listings, CodeArtifact,
Inspector code security): fill-ins answer for them.
"""

from __future__ import annotations

import json
from typing import Any

from scanner.demo import DemoAccount, FillInError

EAST = "us-east-1"


def seed(demo: DemoAccount) -> None:
    """Add the delivery resources, and the fill-ins for the telemetry and delivery reads moto lacks."""
    seed_delivery(demo)
    demo.fill_in("logs", "DescribeQueryDefinitions", _queries)
    demo.fill_in("logs", "ListLogAnomalyDetectors", _log_detectors(demo))
    demo.fill_in("cloudwatch", "DescribeAnomalyDetectors", _metric_detectors)
    demo.fill_in("xray", "GetServiceGraph", _service_graph(demo))
    demo.fill_in("application-signals", "ListServices", lambda params, region: {
        "StartTime": params.get("StartTime"), "EndTime": params.get("EndTime"), "ServiceSummaries": []})


def _queries(params: dict[str, Any], region: str) -> dict[str, Any]:
    if region != EAST:
        return {"queryDefinitions": []}
    return {"queryDefinitions": [
        {"queryDefinitionId": "5f0e1d2c-demo-errors", "name": "payments/errors-by-type",
         "queryString": "fields @timestamp, errorType | filter level = 'ERROR' | stats count() by errorType",
         "logGroupNames": ["/aws/lambda/payments-events-consumer"]}]}


def _log_detectors(demo: DemoAccount) -> Any:
    def answer(params: dict[str, Any], region: str) -> dict[str, Any]:
        if region != EAST:
            return {"anomalyDetectors": []}
        return {"anomalyDetectors": [{
            "anomalyDetectorArn": f"arn:aws:logs:{EAST}:{demo.account}:anomaly-detector:payments-consumer",
            "detectorName": "payments-consumer", "anomalyDetectorStatus": "ANALYZING",
            "evaluationFrequency": "FIFTEEN_MIN",
            "logGroupArnList": [f"arn:aws:logs:{EAST}:{demo.account}:log-group:/aws/lambda/payments-events-consumer"]}]}

    return answer


def _metric_detectors(params: dict[str, Any], region: str) -> dict[str, Any]:
    if region != EAST:
        return {"AnomalyDetectors": []}
    return {"AnomalyDetectors": [{
        "SingleMetricAnomalyDetector": {"Namespace": "AWS/Lambda", "MetricName": "Invocations", "Stat": "Sum",
                                        "Dimensions": [{"Name": "FunctionName", "Value": "payments-events-consumer"}]},
        "StateValue": "TRAINED"}]}


def _service_graph(demo: DemoAccount) -> Any:
    def answer(params: dict[str, Any], region: str) -> dict[str, Any]:
        if region != EAST:
            return {"Services": []}
        return {"StartTime": params.get("StartTime"), "EndTime": params.get("EndTime"), "Services": [
            {"ReferenceId": 0, "Name": "payments-events-consumer", "Type": "AWS::Lambda::Function",
             "AccountId": demo.account, "Edges": [{"ReferenceId": 1}]},
            {"ReferenceId": 1, "Name": "payments-idempotency", "Type": "AWS::DynamoDB::Table",
             "AccountId": demo.account, "Edges": []}]}

    return answer


# --- delivery: a second pipeline, configuration, packages, reviews and code scanning --------------------------

def seed_delivery(demo: DemoAccount) -> None:
    """The payments web front end: from GitHub through CodeBuild to staging and production; AppConfig flags,
    a CodeArtifact proxy of npm, a reviewed CodeCommit repository beside an unreviewed one, and no Inspector
    code scanning."""
    _web_pipeline(demo)
    demo.fill_in("appconfig", "ListApplications", lambda params, region: {
        "Items": [{"Id": "a1b2c3d", "Name": "payments"}] if region == EAST else []})
    demo.fill_in("appconfig", "ListConfigurationProfiles", lambda params, region: {
        "Items": [{"ApplicationId": "a1b2c3d", "Id": "f1e2d3c", "Name": "feature-flags",
                   "Type": "AWS.AppConfig.FeatureFlags", "LocationUri": "hosted"}]})
    _packages(demo)
    _reviews(demo)
    demo.fill_in("ssm", "DescribeAutomationExecutions", _automation_runs(demo))
    demo.fill_in("codepipeline", "ListPipelineExecutions", _pipeline_runs(demo))
    demo.fill_in("inspector2", "ListCodeSecurityIntegrations", lambda params, region: {"integrations": []})
    demo.fill_in("inspector2", "ListCodeSecurityScanConfigurations", lambda params, region: {"configurations": []})


def _web_pipeline(demo: DemoAccount) -> None:
    role = demo.client("iam").create_role(RoleName="payments-web-pipeline", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                "Principal": {"Service": "codepipeline.amazonaws.com"}}]}))

    def action(name: str, category: str, provider: str, **config: str) -> dict[str, Any]:
        step: dict[str, Any] = {"name": name, "actionTypeId": {"category": category, "owner": "AWS",
                                                               "provider": provider, "version": "1"},
                                "configuration": config}
        step["outputArtifacts" if category == "Source" else "inputArtifacts"] = [{"name": "web"}]
        return step

    def deploy(stack: str) -> dict[str, Any]:
        return action(stack, "Deploy", "CloudFormation", ActionMode="CREATE_UPDATE", StackName=stack,
                      TemplatePath="web::template.json")

    stages = [("Source", action("GitHub", "Source", "CodeStarSourceConnection", FullRepositoryId="acme/payments-web",
                                BranchName="main",
                                ConnectionArn=f"arn:aws:codeconnections:{EAST}:{demo.account}:connection/demo")),
              ("Build", action("BuildAndUnitTest", "Build", "CodeBuild", ProjectName="payments-web-build")),
              ("Staging", deploy("payments-web-staging")), ("Production", deploy("payments-web-prod"))]
    demo.client("codepipeline", EAST).create_pipeline(pipeline={
        "name": "payments-web", "roleArn": role["Role"]["Arn"],
        "artifactStore": {"type": "S3", "location": "demo-payments-artifacts"},
        "stages": [{"name": name, "actions": [step]} for name, step in stages]})


def _packages(demo: DemoAccount) -> None:
    repos = {"npm-store": {"externalConnections": [{"externalConnectionName": "public:npmjs", "packageFormat": "npm",
                                                     "status": "Available"}], "upstreams": []},
             "payments-libs": {"externalConnections": [], "upstreams": []}}

    def listed(params: dict[str, Any], region: str) -> dict[str, Any]:
        return {"repositories": [
            {"name": name, "domainName": "acme", "domainOwner": demo.account,
             "arn": f"arn:aws:codeartifact:{EAST}:{demo.account}:repository/acme/{name}"}
            for name in repos] if region == EAST else []}

    def describe(params: dict[str, Any], region: str) -> dict[str, Any]:
        name = params.get("repository", "")
        if region != EAST or name not in repos:
            raise FillInError("ResourceNotFoundException", "no such repository", 404)
        return {"repository": {"name": name, "domainName": "acme", "domainOwner": demo.account, **repos[name]}}

    demo.fill_in("codeartifact", "ListRepositories", listed)
    demo.fill_in("codeartifact", "DescribeRepository", describe)


def _reviews(demo: DemoAccount) -> None:
    rule = json.dumps({"Version": "2018-11-08", "DestinationReferences": ["refs/heads/main"],
                       "Statements": [{"Type": "Approvers", "NumberOfApprovalsNeeded": 1}]})
    demo.fill_in("codecommit", "ListRepositories", lambda params, region: {"repositories": [
        {"repositoryName": n, "repositoryId": f"demo-{n}"} for n in ("payments-infra", "ops-scripts")]
        if region == EAST else []})
    demo.fill_in("codecommit", "ListApprovalRuleTemplates", lambda params, region: {
        "approvalRuleTemplateNames": ["one-reviewer"] if region == EAST else []})
    demo.fill_in("codecommit", "GetApprovalRuleTemplate", lambda params, region: {"approvalRuleTemplate": {
        "approvalRuleTemplateName": "one-reviewer", "approvalRuleTemplateContent": rule}})
    demo.fill_in("codecommit", "ListRepositoriesForApprovalRuleTemplate", lambda params, region: {
        "repositoryNames": ["payments-infra"]})


def _automation_runs(demo: DemoAccount) -> Any:
    """The payments team restarts its consumer hosts and rotates its certificates with runbooks."""
    def answer(params: dict[str, Any], region: str) -> dict[str, Any]:
        if region != EAST:
            return {"AutomationExecutionMetadataList": []}
        runs = [("payments-rotate-certificates", "Success", 3), ("AWS-RestartEC2Instance", "Success", 9),
                ("AWS-RestartEC2Instance", "Failed", 12)]
        return {"AutomationExecutionMetadataList": [
            {"AutomationExecutionId": f"d3m0-{n}", "DocumentName": doc, "AutomationExecutionStatus": status,
             "ExecutionStartTime": demo.days_ago(age), "Mode": "Auto"} for n, (doc, status, age) in enumerate(runs)]}

    return answer


def _pipeline_runs(demo: DemoAccount) -> Any:
    """The web front end ships a few times a week; the payments stack pipeline ran once this month."""
    ages = {"payments-web": [1, 2, 4, 6, 9, 13, 20], "payments-deploy": [17]}

    def answer(params: dict[str, Any], region: str) -> dict[str, Any]:
        return {"pipelineExecutionSummaries": [
            {"pipelineExecutionId": f"d3m0-{n}", "status": "Succeeded", "startTime": demo.days_ago(age),
             "lastUpdateTime": demo.days_ago(age)} for n, age in enumerate(ages.get(params.get("pipelineName"), []))]}

    return answer
