"""Demo resources for the evidence checks of backup depth, DR copies, resilience testing, quotas and scaling.

The payments workload in us-east-1 is backed up into a locked vault in eu-west-1 and restore-tested every
week; its primary vault is unlocked and one database's backups have been failing for twelve days. The
legacy estate in eu-west-1 is backed up but has never been restored. Reads moto lacks are filled in.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from scanner.demo import DemoAccount, FillInError

EAST, WEST = "us-east-1", "eu-west-1"


def seed(demo: DemoAccount) -> None:
    """Add the resilience-evidence resources to the demo account."""
    _vaults(demo)
    _backup_activity(demo)
    _global_tables(demo)
    _fis_guardrail(demo)
    _incident_manager(demo)
    _quotas(demo)
    _scaling(demo)
    _interactions(demo)
    _cost(demo)
    _network(demo)
    _data_stores(demo)
    _recovery_automation(demo)
    _security_depth(demo)


def _vaults(demo: DemoAccount) -> None:
    from moto.backup.models import backup_backends

    east = demo.client("backup", EAST)
    east.create_backup_vault(BackupVaultName="payments-primary")
    demo.client("backup", WEST).put_backup_vault_lock_configuration(BackupVaultName="payments-dr",
                                                                    MinRetentionDays=35)
    # moto cannot run backup jobs, so the vaults' recovery-point counts are set as AWS would report them.
    backup_backends[demo.account][EAST].vaults["payments-primary"].num_of_recovery_points = 42
    backup_backends[demo.account][WEST].vaults["payments-dr"].num_of_recovery_points = 35
    deny_delete = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "KeepRecoveryPoints", "Effect": "Deny", "Principal": "*",
        "Action": ["backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle"], "Resource": "*"}]})
    vault_arn = f"arn:aws:backup:{WEST}:{demo.account}:backup-vault:payments-dr"

    def access_policy(params: dict[str, Any], region: str) -> dict[str, Any]:
        if region == WEST and params.get("BackupVaultName") == "payments-dr":
            return {"BackupVaultName": "payments-dr", "BackupVaultArn": vault_arn, "Policy": deny_delete}
        raise FillInError("ResourceNotFoundException", "no access policy", 404)

    demo.fill_in("backup", "GetBackupVaultAccessPolicy", access_policy)


def _backup_activity(demo: DemoAccount) -> None:
    acct = demo.account
    orders = f"arn:aws:rds:{EAST}:{acct}:db:orders-db"
    payments = f"arn:aws:rds:{EAST}:{acct}:db:payments-db"
    legacy = f"arn:aws:rds:{WEST}:{acct}:db:legacy-reporting"
    primary = f"arn:aws:backup:{EAST}:{acct}:backup-vault:payments-primary"
    dr = f"arn:aws:backup:{WEST}:{acct}:backup-vault:payments-dr"
    protected = {
        EAST: [{"ResourceArn": orders, "ResourceType": "RDS", "ResourceName": "orders-db",
                "LastBackupTime": demo.days_ago(0), "LastBackupVaultArn": primary},
               {"ResourceArn": payments, "ResourceType": "RDS", "ResourceName": "payments-db",
                "LastBackupTime": demo.days_ago(12), "LastBackupVaultArn": primary}],
        WEST: [{"ResourceArn": legacy, "ResourceType": "RDS", "ResourceName": "legacy-reporting",
                "LastBackupTime": demo.days_ago(1), "LastBackupVaultArn": dr}],
    }

    def job(job_id: str, arn: str, state: str, days: int, vault: str, message: str | None = None) -> dict[str, Any]:
        found = {"BackupJobId": job_id, "ResourceArn": arn, "ResourceType": "RDS", "State": state,
                 "CreationDate": demo.days_ago(days), "BackupVaultName": vault.rsplit(":", 1)[-1],
                 "BackupVaultArn": vault}
        if message:
            found["StatusMessage"] = message
        return found

    jobs = {
        EAST: [job("3f2a6c1e-demo-0001", orders, "COMPLETED", 0, primary),
               job("3f2a6c1e-demo-0002", payments, "FAILED", 1, primary,
                   "Unable to assume role arn:aws:iam::123456789012:role/payments-backup (it was deleted)")],
        WEST: [job("3f2a6c1e-demo-0003", legacy, "COMPLETED", 1, dr)],
    }
    copies = {EAST: [{"CopyJobId": "5d1c-demo-copy-0001", "ResourceArn": orders, "ResourceType": "RDS",
                      "SourceBackupVaultArn": primary, "DestinationBackupVaultArn": dr, "State": "COMPLETED",
                      "CreationDate": demo.days_ago(0)}]}
    plan_arn = f"arn:aws:backup:{EAST}:{acct}:restore-testing-plan:payments_weekly-2b1c"
    plans = {EAST: [{"RestoreTestingPlanArn": plan_arn, "RestoreTestingPlanName": "payments_weekly",
                     "ScheduleExpression": "cron(0 5 ? * SUN *)", "CreationTime": demo.days_ago(200),
                     "LastExecutionTime": demo.days_ago(3)}]}
    restores = {EAST: [{"RestoreJobId": "7e4b-demo-restore-0001", "ResourceType": "RDS", "Status": "COMPLETED",
                        "ValidationStatus": "SUCCESSFUL", "CreationDate": demo.days_ago(3),
                        "CompletionDate": demo.days_ago(3), "SourceResourceArn": orders}]}

    def serve(key: str, table: dict[str, list[dict[str, Any]]]) -> Any:
        return lambda params, region: {key: table.get(region, [])}

    demo.fill_in("backup", "ListProtectedResources", serve("Results", protected))
    demo.fill_in("backup", "ListBackupJobs", serve("BackupJobs", jobs))
    demo.fill_in("backup", "ListCopyJobs", serve("CopyJobs", copies))
    demo.fill_in("backup", "ListRestoreTestingPlans", serve("RestoreTestingPlans", plans))
    demo.fill_in("backup", "ListRestoreJobs", serve("RestoreJobs", restores))


def _global_tables(demo: DemoAccount) -> None:
    """The ledger table is replicated to eu-west-1 (a global table moto lists only through this fill-in)."""
    ledger = {"GlobalTableName": "payments-ledger",
              "ReplicationGroup": [{"RegionName": EAST}, {"RegionName": WEST}]}
    demo.fill_in("dynamodb", "ListGlobalTables",
                 lambda params, region: {"GlobalTables": [ledger] if region in (EAST, WEST) else []})


def _fis_guardrail(demo: DemoAccount) -> None:
    """A checkout latency drill that stops itself on the front door's 5xx alarm (the older templates do not)."""
    alarm = f"arn:aws:cloudwatch:{EAST}:{demo.account}:alarm:payments-alb-5xx"
    demo.client("fis", EAST).create_experiment_template(
        clientToken="payments-latency-drill", description="payments: add latency to the ledger dependency",
        roleArn=f"arn:aws:iam::{demo.account}:role/fis-experiments",
        stopConditions=[{"source": "aws:cloudwatch:alarm", "value": alarm}], targets={},
        actions={"wait": {"actionId": "aws:fis:wait", "parameters": {"duration": "PT5M"}}})


def _incident_manager(demo: DemoAccount) -> None:
    """Two response plans (one starts a runbook) and two resolved incidents (one analysed)."""
    acct = demo.account
    plans = {"payments-outage": [{"ssmAutomation": {"documentName": "Payments-Investigate-Outage",
                                                    "roleArn": f"arn:aws:iam::{acct}:role/incident-automation"}}],
             "legacy-batch-late": []}

    def plan_arn(name: str) -> str:
        return f"arn:aws:ssm-incidents::{acct}:response-plan/{name}"

    def get_plan(params: dict[str, Any], region: str) -> dict[str, Any]:
        name = str(params.get("arn", "")).rsplit("/", 1)[-1]
        if name not in plans:
            raise FillInError("ResourceNotFoundException", "no such response plan", 404)
        return {"arn": plan_arn(name), "name": name, "actions": plans[name],
                "incidentTemplate": {"title": name, "impact": 2}}

    incidents = [("3c5e-demo-ledger-latency", "Ledger writes slow", 20, True),
                 ("8a1f-demo-batch-missed", "Nightly settlement batch missed its window", 45, False)]

    def record_arn(rid: str) -> str:
        return f"arn:aws:ssm-incidents::{acct}:incident-record/payments-outage/{rid}"

    def related(params: dict[str, Any], region: str) -> dict[str, Any]:
        rid = str(params.get("incidentRecordArn", "")).rsplit("/", 1)[-1]
        items: list[dict[str, Any]] = [{"identifier": {"type": "METRIC", "value": {
            "arn": f"arn:aws:cloudwatch:{EAST}:{acct}:alarm:payments-alb-5xx"}}, "title": "front door 5xx"}]
        if any(r == rid and analysed for r, _, _, analysed in incidents):
            items.append({"identifier": {"type": "ANALYSIS", "value": {
                "arn": f"arn:aws:ssm:{EAST}:{acct}:opsitem/oi-0a1b2c3d4e5f"}}, "title": "Ledger latency analysis"})
        return {"relatedItems": items}

    demo.fill_in("ssm-incidents", "ListResponsePlans", lambda params, region: {"responsePlanSummaries": [
        {"arn": plan_arn(n), "name": n} for n in plans]})
    demo.fill_in("ssm-incidents", "GetResponsePlan", get_plan)
    demo.fill_in("ssm-incidents", "ListIncidentRecords", lambda params, region: {"incidentRecordSummaries": [
        {"arn": record_arn(rid), "title": title, "status": "RESOLVED", "impact": 2,
         "creationTime": demo.days_ago(days), "resolvedTime": demo.days_ago(days - 1),
         "incidentRecordSource": {"createdBy": f"arn:aws:iam::{acct}:role/on-call", "source": "aws.cloudwatch"}}
        for rid, title, days, _ in incidents]})
    demo.fill_in("ssm-incidents", "ListRelatedItems", related)


# The On-Demand vCPU quota and its AWS/Usage metric (Service Quotas console, quota L-1216C47A).
_VCPU = {"ServiceCode": "ec2", "QuotaCode": "L-1216C47A", "Adjustable": True,
         "QuotaName": "Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances",
         "UsageMetric": {"MetricNamespace": "AWS/Usage", "MetricName": "ResourceCount", "MetricDimensions": {
             "Class": "Standard/OnDemand", "Resource": "vCPU", "Service": "EC2", "Type": "Resource"},
             "MetricStatisticRecommendation": "Maximum"}}


def _quotas(demo: DemoAccount) -> None:
    """us-east-1 runs at 30 of 32 On-Demand vCPUs (a failover would not fit); eu-west-1 has room.

    Only us-east-1 alarms on quota usage.
    """
    values = {EAST: (32.0, 30.0), WEST: (64.0, 8.0)}

    def get_quota(params: dict[str, Any], region: str) -> dict[str, Any]:
        if (params.get("ServiceCode"), params.get("QuotaCode")) != ("ec2", "L-1216C47A") or region not in values:
            raise FillInError("NoSuchResourceException", "quota not applicable here", 404)
        return {"Quota": {**_VCPU, "Value": values[region][0],
                          "QuotaArn": f"arn:aws:servicequotas:{region}:{demo.account}:ec2/L-1216C47A"}}

    demo.fill_in("service-quotas", "GetServiceQuota", get_quota)
    dimensions = [{"Name": k, "Value": v} for k, v in sorted(_VCPU["UsageMetric"]["MetricDimensions"].items())]
    for region, (_, used) in values.items():
        demo.client("cloudwatch", region).put_metric_data(Namespace="AWS/Usage", MetricData=[
            {"MetricName": "ResourceCount", "Dimensions": dimensions, "Value": value,
             "Timestamp": demo.days_ago(0) - timedelta(hours=hours)}
            for hours, value in ((1, used), (3, used - 2), (6, used / 2))])
    topic = f"arn:aws:sns:{EAST}:{demo.account}:payments-on-call"
    demo.client("cloudwatch", EAST).put_metric_alarm(
        AlarmName="ec2-vcpu-quota-80pct", Namespace="AWS/Usage", MetricName="ResourceCount", Dimensions=dimensions,
        Statistic="Maximum", Period=300, EvaluationPeriods=1, Threshold=25.6,
        ComparisonOperator="GreaterThanThreshold", AlarmActions=[topic])


def _scaling(demo: DemoAccount) -> None:
    """payments-web tracks CPU; the legacy workers never scale; a legacy table has fixed provisioned capacity."""
    demo.client("autoscaling", EAST).put_scaling_policy(
        AutoScalingGroupName="payments-web", PolicyName="cpu-50", PolicyType="TargetTrackingScaling",
        TargetTrackingConfiguration={"TargetValue": 50.0, "PredefinedMetricSpecification": {
            "PredefinedMetricType": "ASGAverageCPUUtilization"}})
    # In us-east-1: eu-west-1's only table is the stack-managed ingest cursor, the demo's IaC pass.
    demo.client("dynamodb", EAST).create_table(
        TableName="legacy-report-index", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        ProvisionedThroughput={"ReadCapacityUnits": 200, "WriteCapacityUnits": 50})


def _interactions(demo: DemoAccount) -> None:
    """The payments queue has a dead-letter queue, the legacy job queue does not; the production API stage is
    throttled, the partner sandbox is not."""
    sqs = demo.client("sqs", EAST)
    dlq = sqs.create_queue(QueueName="payments-settlement-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sqs.create_queue(QueueName="payments-settlement", Attributes={"RedrivePolicy": json.dumps(
        {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "5"})})
    demo.client("sqs", WEST).create_queue(QueueName="legacy-report-jobs")
    gw = demo.client("apigateway", EAST)
    for api in gw.get_rest_apis()["items"]:
        if api["name"] == "payments-public":
            gw.update_stage(restApiId=api["id"], stageName="prod", patchOperations=[
                {"op": "replace", "path": "/*/*/throttling/rateLimit", "value": "2000"},
                {"op": "replace", "path": "/*/*/throttling/burstLimit", "value": "4000"}])


def _cost(demo: DemoAccount) -> None:
    """Cost Explorer and billing exports, which moto lacks: a Compute Savings Plan covers 62% of eligible spend
    but is only 71% used; the team tag is active for cost allocation; no cost category; a CUR 2.0 export."""
    def coverage(params: dict[str, Any], region: str) -> dict[str, Any]:
        return {"SavingsPlansCoverages": [{"TimePeriod": params.get("TimePeriod", {}), "Coverage": {
            "SpendCoveredBySavingsPlans": "1860.00", "OnDemandCost": "1140.00", "TotalCost": "3000.00",
            "CoveragePercentage": "62.0"}}]}

    def utilization(params: dict[str, Any], region: str) -> dict[str, Any]:
        return {"Total": {"Utilization": {"TotalCommitment": "2620.00", "UsedCommitment": "1860.00",
                                          "UnusedCommitment": "760.00", "UtilizationPercentage": "71.0"}}}

    def no_reservations(params: dict[str, Any], region: str) -> dict[str, Any]:
        raise FillInError("DataUnavailableException", "no Reserved Instances in the period")

    demo.fill_in("ce", "GetSavingsPlansCoverage", coverage)
    demo.fill_in("ce", "GetReservationCoverage", lambda params, region: {"Total": {"CoverageHours": {
        "TotalRunningHours": "0", "CoverageHoursPercentage": "0"}}})
    demo.fill_in("ce", "GetSavingsPlansUtilization", utilization)
    demo.fill_in("ce", "GetReservationUtilization", no_reservations)
    demo.fill_in("ce", "ListCostAllocationTags", lambda params, region: {"CostAllocationTags": [
        {"TagKey": "team", "Type": "UserDefined", "Status": "Active"},
        {"TagKey": "cost-center", "Type": "UserDefined", "Status": "Inactive"}]})
    demo.fill_in("ce", "ListCostCategoryDefinitions", lambda params, region: {"CostCategoryReferences": []})
    demo.fill_in("cur", "DescribeReportDefinitions", lambda params, region: {"ReportDefinitions": []})
    demo.fill_in("bcm-data-exports", "ListExports", lambda params, region: {"Exports": [
        {"ExportArn": f"arn:aws:bcm-data-exports:{EAST}:{demo.account}:export/cur2-hourly-5e1f",
         "ExportName": "cur2-hourly", "ExportStatus": {"StatusCode": "HEALTHY"}}]})


def _network(demo: DemoAccount) -> None:
    """The payments VPC reaches S3 and DynamoDB through gateway endpoints; the legacy VPC re-used the same
    range in eu-west-1 and pays NAT processing for its S3 traffic. CloudFront serves HTTP/3 for the shop only."""
    for region, name, endpoints in ((EAST, "payments-vpc", ("s3", "dynamodb")), (WEST, "legacy-vpc", ())):
        ec2 = demo.client("ec2", region)
        vpc = ec2.create_vpc(CidrBlock="10.40.0.0/16", TagSpecifications=[
            {"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": name}]}])["Vpc"]["VpcId"]
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.40.0.0/24")["Subnet"]["SubnetId"]
        ec2.create_nat_gateway(SubnetId=subnet, AllocationId=ec2.allocate_address(Domain="vpc")["AllocationId"])
        table = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["RouteTables"][0]
        for service in endpoints:
            ec2.create_vpc_endpoint(VpcId=vpc, ServiceName=f"com.amazonaws.{region}.{service}",
                                    VpcEndpointType="Gateway", RouteTableIds=[table["RouteTableId"]])
    cloudfront = demo.client("cloudfront", EAST)
    for ref, origin, version in (("payments-shop", "demo-payments-shop.s3.amazonaws.com", "http2and3"),
                                 ("legacy-downloads", "demo-legacy-downloads.s3.amazonaws.com", "http2")):
        cloudfront.create_distribution(DistributionConfig={
            "CallerReference": ref, "Comment": ref, "Enabled": True, "HttpVersion": version,
            "Origins": {"Quantity": 1, "Items": [{"Id": "origin", "DomainName": origin,
                                                  "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
            "DefaultCacheBehavior": {"TargetOriginId": "origin", "ViewerProtocolPolicy": "redirect-to-https",
                                     "MinTTL": 0, "TrustedSigners": {"Enabled": False, "Quantity": 0},
                                     "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}}}})


def _data_stores(demo: DemoAccount) -> None:
    """The orders database grows its storage on its own; a session cache runs in us-east-1 only."""
    demo.client("rds", EAST).modify_db_instance(DBInstanceIdentifier="orders-db", MaxAllocatedStorage=500,
                                                ApplyImmediately=True)
    demo.client("elasticache", EAST).create_cache_cluster(
        CacheClusterId="payments-sessions", Engine="redis", CacheNodeType="cache.t4g.micro", NumCacheNodes=1)


def _recovery_automation(demo: DemoAccount) -> None:
    """The payments stack set (primary and DR region) is in sync; the legacy one drifted. Only the payments
    load balancer shifts out of an impaired zone on its own (zonal shift: moto has no such service)."""
    acct = demo.account
    stack_sets = {EAST: [
        {"StackSetName": "payments-platform", "StackSetId": "payments-platform:5f2c", "Status": "ACTIVE",
         "DriftStatus": "IN_SYNC", "LastDriftCheckTimestamp": demo.days_ago(6), "PermissionModel": "SELF_MANAGED"},
        {"StackSetName": "legacy-baseline", "StackSetId": "legacy-baseline:9a41", "Status": "ACTIVE",
         "DriftStatus": "DRIFTED", "LastDriftCheckTimestamp": demo.days_ago(2), "PermissionModel": "SELF_MANAGED"}]}
    demo.fill_in("cloudformation", "ListStackSets",
                 lambda params, region: {"Summaries": stack_sets.get(region, [])})
    alb = f"arn:aws:elasticloadbalancing:{EAST}:{acct}:loadbalancer/app/payments-alb/50dc6c495c0c9188"
    edge = f"arn:aws:elasticloadbalancing:{EAST}:{acct}:loadbalancer/app/payments-edge/7d2e1f0a9b8c6d5e"
    managed = {EAST: [
        {"arn": alb, "name": "payments-alb", "availabilityZones": ["us-east-1a", "us-east-1b"],
         "zonalAutoshiftStatus": "ENABLED", "practiceRunStatus": "ENABLED"},
        {"arn": edge, "name": "payments-edge", "availabilityZones": ["us-east-1a", "us-east-1b"],
         "zonalAutoshiftStatus": "DISABLED", "practiceRunStatus": "DISABLED"}]}
    demo.fill_in("arc-zonal-shift", "ListManagedResources",
                 lambda params, region: {"items": managed.get(region, [])})


def _security_depth(demo: DemoAccount) -> None:
    """The payments edge certificate is ACM-issued; the legacy portal's imported one lapses in twelve days. The
    legacy build keeps a database password in plaintext (a placeholder: values are never read)."""
    acct = demo.account
    certificates = {EAST: [{"CertificateArn": f"arn:aws:acm:{EAST}:{acct}:certificate/0d3c-demo-payments",
                            "DomainName": "pay.example.com", "Type": "AMAZON_ISSUED", "Status": "ISSUED",
                            "RenewalEligibility": "ELIGIBLE", "InUse": True,
                            "NotAfter": demo.days_ago(-40)}],
                    WEST: [{"CertificateArn": f"arn:aws:acm:{WEST}:{acct}:certificate/7a1e-demo-legacy",
                            "DomainName": "legacy.example.com", "Type": "IMPORTED", "Status": "ISSUED",
                            "RenewalEligibility": "INELIGIBLE", "InUse": True,
                            "NotAfter": demo.days_ago(-12)}]}
    demo.fill_in("acm", "ListCertificates",
                 lambda params, region: {"CertificateSummaryList": certificates.get(region, [])})
    role = f"arn:aws:iam::{acct}:role/codebuild-service"
    for region, name, variables, privileged in (
            (EAST, "payments-build", [{"name": "DB_PASSWORD", "value": "payments/db", "type": "SECRETS_MANAGER"}],
             False),
            (WEST, "legacy-build", [{"name": "DB_PASSWORD", "value": "placeholder-not-a-secret", "type": "PLAINTEXT"}],
             True)):
        demo.client("codebuild", region).create_project(
            name=name, source={"type": "S3", "location": f"demo-{name}/source.zip"}, artifacts={"type": "NO_ARTIFACTS"},
            serviceRole=role, environment={"type": "LINUX_CONTAINER", "image": "aws/codebuild/standard:7.0",
                                           "computeType": "BUILD_GENERAL1_SMALL", "privilegedMode": privileged,
                                           "environmentVariables": variables})
