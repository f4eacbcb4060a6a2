"""Demo resources for the operations, performance, cost and sustainability checks.

us-east-1 runs the payments platform the way the team wants it: an arm64 (Graviton) fleet and an
idempotency table from a CloudFormation stack, deployed by a pipeline, traced, patched, with budgets and
cost anomaly alerts. eu-west-1 is the legacy estate: hand-made, previous-generation and burstable
instances out of CPU credits, an idle Elastic IP, nothing patched and no pipeline, with one table that a
newer stack manages. moto lacks Patch Manager, Cost Anomaly Detection and Compute Optimizer: fill-ins
answer for them, deciding at scan time from the instances that exist then.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime, timedelta
from typing import Any

from scanner.demo import DemoAccount

EAST, WEST = "us-east-1", "eu-west-1"
KEY = [{"AttributeName": "pk", "KeyType": "HASH"}]
ATTRIBUTES = [{"AttributeName": "pk", "AttributeType": "S"}]


def seed(demo: DemoAccount) -> None:
    """Add the operations and cost resources, and the fill-ins for what moto lacks."""
    _stacks(demo)
    _legacy_instance(demo)
    _volume_and_addresses(demo)
    _function(demo)
    _api(demo)
    _pipeline(demo)
    _budgets(demo)
    _artifacts_bucket(demo)
    _credit_metrics(demo)
    demo.fill_in("ssm", "DescribeInstancePatchStates", _patch_states(demo))
    demo.fill_in("ce", "GetAnomalyMonitors", lambda params, region: {"AnomalyMonitors": _MONITORS})
    demo.fill_in("ce", "GetAnomalySubscriptions", lambda params, region: {"AnomalySubscriptions": _SUBSCRIPTIONS})
    demo.fill_in("compute-optimizer", "GetEnrollmentStatus", lambda params, region: {
        "status": "Active", "memberAccountsEnrolled": False,
        "lastUpdatedTimestamp": demo.days_ago(90)})
    demo.fill_in("compute-optimizer", "GetEC2InstanceRecommendations", _recommendations(demo))


def _running(demo: DemoAccount, region: str) -> list[dict[str, Any]]:
    found = demo.client("ec2", region).describe_instances(Filters=[
        {"Name": "instance-state-name", "Values": ["running"]}])
    return [inst for reservation in found["Reservations"] for inst in reservation["Instances"]]


def _name(instance: dict[str, Any]) -> str:
    return next((t["Value"] for t in instance.get("Tags") or [] if t["Key"] == "Name"), "")


def _table(name: str) -> dict[str, Any]:
    return {"Type": "AWS::DynamoDB::Table", "Properties": {
        "TableName": name, "BillingMode": "PAY_PER_REQUEST", "KeySchema": KEY, "AttributeDefinitions": ATTRIBUTES}}


def _stacks(demo: DemoAccount) -> None:
    """The Graviton fleet and the idempotency table in us-east-1; the newer ingest table in eu-west-1."""
    image = demo.client("ec2", EAST).register_image(Name="payments-arm64", RootDeviceName="/dev/xvda")["ImageId"]
    resources: dict[str, Any] = {
        f"Arm{n}": {"Type": "AWS::EC2::Instance", "Properties": {
            "ImageId": image, "InstanceType": "m7g.large",
            "Tags": [{"Key": "Name", "Value": f"payments-arm-{n}"}]}} for n in range(1, 5)}
    resources["Idempotency"] = _table("payments-idempotency")
    demo.client("cloudformation", EAST).create_stack(StackName="payments-compute",
                                                     TemplateBody=json.dumps({"Resources": resources}))
    demo.client("cloudformation", WEST).create_stack(StackName="legacy-ingest", TemplateBody=json.dumps(
        {"Resources": {"Cursor": _table("ingest-cursor")}}))


def _legacy_instance(demo: DemoAccount) -> None:
    ec2 = demo.client("ec2", WEST)
    image = ec2.register_image(Name="legacy-reporting", RootDeviceName="/dev/xvda")["ImageId"]
    ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, InstanceType="m4.large", TagSpecifications=[
        {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "legacy-reporting"}]}])


def _volume_and_addresses(demo: DemoAccount) -> None:
    """A gp3 data volume and the egress address on the fleet; an address left from a retired FTP server."""
    east = demo.client("ec2", EAST)
    arm = next(i for i in _running(demo, EAST) if _name(i) == "payments-arm-1")
    volume = east.create_volume(AvailabilityZone=arm["Placement"]["AvailabilityZone"], Size=100, VolumeType="gp3",
                                Encrypted=True, TagSpecifications=[{"ResourceType": "volume", "Tags": [
                                    {"Key": "Name", "Value": "payments-arm-cache"}]}])["VolumeId"]
    east.attach_volume(VolumeId=volume, InstanceId=arm["InstanceId"], Device="/dev/sdf")
    egress = east.allocate_address(Domain="vpc", TagSpecifications=[{"ResourceType": "elastic-ip", "Tags": [
        {"Key": "Name", "Value": "payments-egress"}]}])["AllocationId"]
    east.associate_address(AllocationId=egress, InstanceId=arm["InstanceId"])
    demo.client("ec2", WEST).allocate_address(Domain="vpc", TagSpecifications=[{"ResourceType": "elastic-ip", "Tags": [
        {"Key": "Name", "Value": "old-ftp-endpoint"}]}])


def _function(demo: DemoAccount) -> None:
    role = demo.client("iam").create_role(RoleName="payments-events-fn", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                "Principal": {"Service": "lambda.amazonaws.com"}}]}))["Role"]["Arn"]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return {'statusCode': 202}\n")
    demo.client("lambda", EAST).create_function(
        FunctionName="payments-events-consumer", Runtime="python3.12", Role=role, Handler="app.handler",
        Code={"ZipFile": buf.getvalue()}, TracingConfig={"Mode": "Active"}, Architectures=["arm64"])


def _api(demo: DemoAccount) -> None:
    """The public payments API: traced in production, not in the partner sandbox."""
    gw = demo.client("apigateway", EAST)
    api = gw.create_rest_api(name="payments-public")["id"]
    root = gw.get_resources(restApiId=api)["items"][0]["id"]
    gw.put_method(restApiId=api, resourceId=root, httpMethod="GET", authorizationType="NONE")
    gw.put_integration(restApiId=api, resourceId=root, httpMethod="GET", type="MOCK")
    deployment = gw.create_deployment(restApiId=api)["id"]
    gw.create_stage(restApiId=api, stageName="prod", deploymentId=deployment, tracingEnabled=True)
    gw.create_stage(restApiId=api, stageName="partner-sandbox", deploymentId=deployment)


def _pipeline(demo: DemoAccount) -> None:
    role = demo.client("iam").create_role(RoleName="payments-deploy-pipeline", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                "Principal": {"Service": "codepipeline.amazonaws.com"}}]}))
    source = {"name": "Source", "actions": [{
        "name": "Source", "actionTypeId": {"category": "Source", "owner": "AWS", "provider": "S3", "version": "1"},
        "configuration": {"S3Bucket": "demo-payments-artifacts", "S3ObjectKey": "source/payments.zip"},
        "outputArtifacts": [{"name": "payments"}]}]}
    deploy = {"name": "Deploy", "actions": [{
        "name": "Stack", "actionTypeId": {"category": "Deploy", "owner": "AWS", "provider": "CloudFormation",
                                          "version": "1"},
        "configuration": {"ActionMode": "CREATE_UPDATE", "StackName": "payments-compute",
                          "TemplatePath": "payments::template.json"},
        "inputArtifacts": [{"name": "payments"}]}]}
    demo.client("codepipeline", EAST).create_pipeline(pipeline={
        "name": "payments-deploy", "roleArn": role["Role"]["Arn"],
        "artifactStore": {"type": "S3", "location": "demo-payments-artifacts"}, "stages": [source, deploy]})


def _artifacts_bucket(demo: DemoAccount) -> None:
    """Pipeline artifacts expire after 30 days; incomplete uploads are cleaned up after a week."""
    s3 = demo.client("s3", EAST)
    s3.create_bucket(Bucket="demo-payments-artifacts")
    s3.put_public_access_block(Bucket="demo-payments-artifacts", PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
    s3.put_bucket_lifecycle_configuration(Bucket="demo-payments-artifacts", LifecycleConfiguration={"Rules": [{
        "ID": "expire-artifacts", "Status": "Enabled", "Filter": {"Prefix": ""}, "Expiration": {"Days": 30},
        "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7}}]})


def _budgets(demo: DemoAccount) -> None:
    budgets = demo.client("budgets")
    alerts = [
        {"Notification": {"NotificationType": kind, "ComparisonOperator": "GREATER_THAN", "Threshold": threshold,
                          "ThresholdType": "PERCENTAGE"},
         "Subscribers": [{"SubscriptionType": "EMAIL", "Address": "finops@example.com"}]}
        for kind, threshold in (("ACTUAL", 80.0), ("FORECASTED", 100.0))]
    budgets.create_budget(AccountId=demo.account, Budget={
        "BudgetName": "monthly-total", "BudgetLimit": {"Amount": "2500", "Unit": "USD"}, "TimeUnit": "MONTHLY",
        "BudgetType": "COST"}, NotificationsWithSubscribers=alerts)
    budgets.create_budget(AccountId=demo.account, Budget={
        "BudgetName": "sandbox-experiments", "BudgetLimit": {"Amount": "200", "Unit": "USD"}, "TimeUnit": "MONTHLY",
        "BudgetType": "COST"})


def _credit_metrics(demo: DemoAccount) -> None:
    """A week of CPU credit data for the burstable instances that exist now: the payments ones keep a
    healthy balance; the legacy ones in eu-west-1 run dry every other day and bill surplus credits.

    Instances seeded after this module (the Auto Scaling groups) have no history, so the check reports
    them not assessed, as it would for instances launched minutes before a real scan.
    """
    now = datetime.now(UTC)
    for region in (EAST, WEST):
        data = []
        for inst in _running(demo, region):
            if not inst["InstanceType"].startswith("t"):
                continue
            dims = [{"Name": "InstanceId", "Value": inst["InstanceId"]}]
            for day in range(7):
                when = now - timedelta(days=day, hours=2)
                balance = 144.0 - 6 * day if region == EAST else (0.0 if day % 2 else 3.5)
                data.append({"MetricName": "CPUCreditBalance", "Dimensions": dims, "Timestamp": when,
                             "Value": balance})
                if region == WEST:
                    data.append({"MetricName": "CPUSurplusCreditsCharged", "Dimensions": dims, "Timestamp": when,
                                 "Value": 12.0})
        cloudwatch = demo.client("cloudwatch", region)
        for start in range(0, len(data), 500):  # PutMetricData takes at most 1,000 values per request
            cloudwatch.put_metric_data(Namespace="AWS/EC2", MetricData=data[start:start + 500])


def _patch_states(demo: DemoAccount):
    """us-east-1 instances run AWS-RunPatchBaseline daily and are compliant; the legacy estate in
    eu-west-1 never registered with Systems Manager, so it has no patch state at all."""

    def answer(params: dict[str, Any], region: str) -> dict[str, Any]:
        if region != EAST:
            return {"InstancePatchStates": []}
        wanted = set(params.get("InstanceIds") or [])
        scanned = datetime.now(UTC) - timedelta(hours=20)
        return {"InstancePatchStates": [
            {"InstanceId": inst["InstanceId"], "PatchGroup": "payments", "BaselineId": "pb-0e6e1d0ed7e3d1a11",
             "Operation": "Install", "OperationStartTime": scanned - timedelta(minutes=6),
             "OperationEndTime": scanned, "InstalledCount": 212, "InstalledOtherCount": 31, "MissingCount": 0,
             "FailedCount": 0, "InstalledPendingRebootCount": 0, "NotApplicableCount": 1650,
             "CriticalNonCompliantCount": 0, "SecurityNonCompliantCount": 0, "OtherNonCompliantCount": 0}
            for inst in _running(demo, region) if inst["InstanceId"] in wanted]}

    return answer


_MONITOR_ARN = "arn:aws:ce::123456789012:anomalymonitor/"
_MONITORS = [
    {"MonitorArn": _MONITOR_ARN + "3f0c62a4-6a1e-4b8e-9d43-0d5c1b2a7e10", "MonitorName": "aws-services",
     "MonitorType": "DIMENSIONAL", "MonitorDimension": "SERVICE", "CreationDate": "2025-01-06",
     "LastEvaluatedDate": "2026-01-01"},
    {"MonitorArn": _MONITOR_ARN + "8b2d7c51-0f44-4e2a-a0c6-5e9d2f3b4c21", "MonitorName": "legacy-cost-center",
     "MonitorType": "CUSTOM", "CreationDate": "2025-03-11", "LastEvaluatedDate": "2026-01-01",
     "MonitorSpecification": {"Tags": {"Key": "cost-center", "Values": ["legacy"]}}},
]
_SUBSCRIPTIONS = [
    {"SubscriptionArn": "arn:aws:ce::123456789012:anomalysubscription/5d1e2f3a-7b8c-4d9e-8f0a-1b2c3d4e5f60",
     "AccountId": "123456789012", "SubscriptionName": "finops-daily", "Frequency": "DAILY",
     "MonitorArnList": [_MONITORS[0]["MonitorArn"]], "Threshold": 100.0,
     "Subscribers": [{"Address": "finops@example.com", "Type": "EMAIL", "Status": "CONFIRMED"}]},
]


def _recommendations(demo: DemoAccount):
    """Compute Optimizer's view of the running instances: the legacy burstable instances are short of CPU,
    the previous-generation one is oversized; everything else is optimized."""

    def answer(params: dict[str, Any], region: str) -> dict[str, Any]:
        out = []
        for inst in _running(demo, region):
            current = inst["InstanceType"]
            rec: dict[str, Any] = {
                "instanceArn": f"arn:aws:ec2:{region}:{demo.account}:instance/{inst['InstanceId']}",
                "accountId": demo.account, "instanceName": _name(inst), "currentInstanceType": current,
                "finding": "Optimized", "lookBackPeriodInDays": 14.0, "recommendationOptions": [],
                "lastRefreshTimestamp": datetime.now(UTC) - timedelta(hours=9)}
            if current.startswith("m4."):
                rec.update(finding="Overprovisioned", findingReasonCodes=["CPUOverprovisioned"],
                           recommendationOptions=[_option("m7g.medium", 52.56)])
            elif current.startswith("t") and region == WEST:
                rec.update(finding="Underprovisioned", findingReasonCodes=["CPUUnderprovisioned"],
                           recommendationOptions=[_option("m7g.medium", -21.9)])
            out.append(rec)
        return {"instanceRecommendations": out}

    return answer


def _option(instance_type: str, saving: float) -> dict[str, Any]:
    return {"instanceType": instance_type, "rank": 1, "performanceRisk": 1.0, "migrationEffort": "Medium",
            "savingsOpportunity": {"savingsOpportunityPercentage": max(saving, 0) / 1.5,
                                   "estimatedMonthlySavings": {"currency": "USD", "value": max(saving, 0.0)}}}
