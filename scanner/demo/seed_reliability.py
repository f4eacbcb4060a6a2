"""Demo resources for the reliability checks: disaster recovery, redundancy, monitoring and drift.

The payments workload in us-east-1 is mostly resilient (copies backups to eu-west-1, spreads over two
zones, drills its recovery); the legacy estate in eu-west-1 shows the usual gaps (one zone, silent
alarms, untested fault-injection templates). Elastic Disaster Recovery is initialized only in us-east-1,
so eu-west-1 shows how an uninitialized service is reported (not assessed, not_enabled).
"""

from __future__ import annotations

import json
import time
import warnings
from datetime import UTC, datetime, timedelta
from typing import Any

from scanner.demo import DemoAccount, FillInError

EAST, WEST = "us-east-1", "eu-west-1"


def seed(demo: DemoAccount) -> None:
    """Add the reliability resources to the demo account."""
    _backup(demo)
    _rds(demo)
    _s3(demo)
    _compute(demo)
    _alarms(demo)
    _route53(demo)
    _cloudformation(demo)
    _resilience_hub(demo)
    _fis(demo)
    _drs(demo)


def _backup(demo: DemoAccount) -> None:
    vault = demo.client("backup", WEST).create_backup_vault(BackupVaultName="payments-dr")["BackupVaultArn"]
    plan = demo.client("backup", EAST).create_backup_plan(BackupPlan={
        "BackupPlanName": "payments-dr",
        "Rules": [{"RuleName": "daily-with-dr-copy", "TargetBackupVaultName": "Default",
                   "ScheduleExpression": "cron(0 6 ? * * *)", "Lifecycle": {"DeleteAfterDays": 35},
                   "CopyActions": [{"DestinationBackupVaultArn": vault, "Lifecycle": {"DeleteAfterDays": 35}}]}],
    })["BackupPlanId"]
    _backup_selection(demo, plan, {
        "SelectionId": "demo-selection-dr", "SelectionName": "orders-db",
        "IamRoleArn": f"arn:aws:iam::{demo.account}:role/service-role/AWSBackupDefaultServiceRole",
        "Resources": [f"arn:aws:rds:{EAST}:{demo.account}:db:orders-db"], "ListOfTags": []})


def _backup_selection(demo: DemoAccount, plan_id: str, selection: dict[str, Any]) -> None:
    """Answer moto's missing selection APIs for our plan and hand every other plan to the earlier fill-ins."""
    earlier_list = demo.fill_ins.get(("backup", "ListBackupSelections"))
    earlier_get = demo.fill_ins.get(("backup", "GetBackupSelection"))

    def list_selections(params: dict[str, Any], region: str) -> dict[str, Any]:
        if region == EAST and params.get("BackupPlanId") == plan_id:
            return {"BackupSelectionsList": [{k: selection[k] for k in ("SelectionId", "SelectionName", "IamRoleArn")}
                                             | {"BackupPlanId": plan_id}]}
        if earlier_list is None:
            raise FillInError("ResourceNotFoundException", "no such backup plan", 404)
        return earlier_list(params, region)

    def get_selection(params: dict[str, Any], region: str) -> dict[str, Any]:
        if region == EAST and params.get("BackupPlanId") == plan_id and params.get("SelectionId") == selection[
                "SelectionId"]:
            return {"BackupSelection": {k: v for k, v in selection.items() if k != "SelectionId"},
                    "SelectionId": selection["SelectionId"], "BackupPlanId": plan_id}
        if earlier_get is None:
            raise FillInError("ResourceNotFoundException", "no such selection", 404)
        return earlier_get(params, region)

    demo.fill_in("backup", "ListBackupSelections", list_selections)
    demo.fill_in("backup", "GetBackupSelection", get_selection)


def _rds(demo: DemoAccount) -> None:
    common = {"DBInstanceClass": "db.t3.micro", "Engine": "postgres", "MasterUsername": "dbadmin",
              "MasterUserPassword": "not-a-real-secret-2", "AllocatedStorage": 20, "StorageEncrypted": True}
    demo.client("rds", EAST).create_db_instance(DBInstanceIdentifier="orders-db", MultiAZ=True,
                                                BackupRetentionPeriod=14, **common)
    demo.client("rds", WEST).create_db_instance(DBInstanceIdentifier="legacy-reporting", BackupRetentionPeriod=1,
                                                **common)


def _s3(demo: DemoAccount) -> None:
    s3 = demo.client("s3", EAST)
    s3.create_bucket(Bucket="demo-payments-archive")
    s3.put_public_access_block(Bucket="demo-payments-archive", PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
    s3.put_bucket_versioning(Bucket="demo-payments-archive", VersioningConfiguration={"Status": "Enabled"})


def _compute(demo: DemoAccount) -> None:
    """An Auto Scaling group and a load balancer per region: across two zones in us-east-1; in eu-west-1 the
    group is confined to one zone while its load balancer spans two, so the endpoint question has clean evidence."""
    for region, group, zones, lb_name, lb_type in (
        (EAST, "payments-web", 2, "payments-alb", "application"),
        (WEST, "legacy-workers", 1, "legacy-nlb", "network"),
    ):
        ec2 = demo.client("ec2", region)
        every_zone = sorted(ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])["Subnets"],
                            key=lambda s: s["AvailabilityZone"])
        subnets = every_zone[:zones]
        image = ec2.register_image(Name=f"{group}-image", RootDeviceName="/dev/xvda")["ImageId"]
        ec2.create_launch_template(LaunchTemplateName=group, LaunchTemplateData={
            "ImageId": image, "InstanceType": "t3.micro", "MetadataOptions": {"HttpTokens": "required"}})
        demo.client("autoscaling", region).create_auto_scaling_group(
            AutoScalingGroupName=group, LaunchTemplate={"LaunchTemplateName": group}, MinSize=1, MaxSize=4,
            DesiredCapacity=1, VPCZoneIdentifier=",".join(s["SubnetId"] for s in subnets),
            Tags=[{"Key": "Name", "Value": group, "PropagateAtLaunch": True}])
        if region == EAST and "instance_profile" in demo.state:
            # moto does not apply the launch template's profile to group instances; do what AWS would.
            for reservation in ec2.describe_instances(Filters=[
                    {"Name": "tag:aws:autoscaling:groupName", "Values": [group]}])["Reservations"]:
                for inst in reservation["Instances"]:
                    ec2.associate_iam_instance_profile(IamInstanceProfile={"Arn": demo.state["instance_profile"]},
                                                       InstanceId=inst["InstanceId"])
                    ec2.modify_instance_metadata_options(InstanceId=inst["InstanceId"], HttpTokens="required")
        demo.client("elbv2", region).create_load_balancer(
            Name=lb_name, Type=lb_type, Scheme="internet-facing" if region == EAST else "internal",
            Subnets=[s["SubnetId"] for s in every_zone[:2]])


def _alarms(demo: DemoAccount) -> None:
    topic = demo.client("sns", EAST).create_topic(Name="payments-on-call")["TopicArn"]
    metric = {"Statistic": "Sum", "Period": 60, "EvaluationPeriods": 3, "ComparisonOperator": "GreaterThanThreshold"}
    demo.client("cloudwatch", EAST).put_metric_alarm(
        AlarmName="payments-alb-5xx", MetricName="HTTPCode_ELB_5XX_Count", Namespace="AWS/ApplicationELB",
        Threshold=10, AlarmActions=[topic], **metric)
    demo.client("cloudwatch", WEST).put_metric_alarm(
        AlarmName="legacy-workers-cpu", MetricName="CPUUtilization", Namespace="AWS/EC2", Threshold=90, **metric)


def _route53(demo: DemoAccount) -> None:
    r53 = demo.client("route53")
    health = r53.create_health_check(CallerReference="payments-api", HealthCheckConfig={
        "Type": "HTTPS", "FullyQualifiedDomainName": "api.payments.example.com", "Port": 443,
        "ResourcePath": "/health", "RequestInterval": 30, "FailureThreshold": 3})["HealthCheck"]["Id"]
    zones = {}
    for name in ("payments.example.com", "legacy.example.net"):
        zones[name] = r53.create_hosted_zone(Name=name, CallerReference=name)["HostedZone"]["Id"]
    r53.change_resource_record_sets(HostedZoneId=zones["payments.example.com"], ChangeBatch={"Changes": [
        {"Action": "CREATE", "ResourceRecordSet": {
            "Name": "api.payments.example.com", "Type": "A", "SetIdentifier": role.lower(), "Failover": role,
            "TTL": 60, "ResourceRecords": [{"Value": address}], **({"HealthCheckId": health} if check else {})}}
        for role, address, check in (("PRIMARY", "198.51.100.10", True), ("SECONDARY", "198.51.100.20", False))]})
    r53.change_resource_record_sets(HostedZoneId=zones["legacy.example.net"], ChangeBatch={"Changes": [
        {"Action": "CREATE", "ResourceRecordSet": {"Name": "batch.legacy.example.net", "Type": "A", "TTL": 300,
                                                   "ResourceRecords": [{"Value": "198.51.100.30"}]}}]})


def _cloudformation(demo: DemoAccount) -> None:
    """Two stacks; moto never runs drift detection, so its result is set on the stored stacks."""
    from moto.cloudformation.models import cloudformation_backends

    cfn = demo.client("cloudformation", EAST)
    template = json.dumps({"Resources": {"Marker": {"Type": "AWS::CloudFormation::WaitConditionHandle"}}})
    stacks = cloudformation_backends[demo.account][EAST].stacks
    for name, status, days in (("payments-network", "IN_SYNC", 3), ("payments-app", "DRIFTED", 1)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # moto warns that it does not model the placeholder resource
            stack_id = cfn.create_stack(StackName=name, TemplateBody=template)["StackId"]
        stacks[stack_id].drift_information = {"StackDriftStatus": status,
                                              "LastCheckTimestamp": demo.days_ago(days)}


def _resilience_hub(demo: DemoAccount) -> None:
    """Three applications; moto never assesses, so the assessment outcome is set on the stored apps."""
    from moto.resiliencehub.models import resiliencehub_backends

    hub = demo.client("resiliencehub", EAST)
    target = {"rtoInSecs": 3600, "rpoInSecs": 300}
    policy = hub.create_resiliency_policy(policyName="payments-tier1", tier="MissionCritical", policy={
        "AZ": target, "Hardware": target, "Software": target,
        "Region": {"rtoInSecs": 14400, "rpoInSecs": 3600}})["policy"]["policyArn"]
    apps = resiliencehub_backends[demo.account][EAST].apps
    for name, with_policy, status, score in (("payments", True, "PolicyMet", 0.91),
                                             ("checkout", True, "PolicyBreached", 0.48),
                                             ("reporting", False, "MissingPolicy", 0.0)):
        arn = hub.create_app(name=name, **({"policyArn": policy} if with_policy else {}))["app"]["appArn"]
        apps[arn].compliance_status = status
        apps[arn].resilience_score = score


def _fis(demo: DemoAccount) -> None:
    from moto.fis.models import fis_backends

    role = f"arn:aws:iam::{demo.account}:role/fis-experiments"
    wait = {"wait": {"actionId": "aws:fis:wait", "parameters": {"duration": "PT5M"}}}
    east = demo.client("fis", EAST)
    template = east.create_experiment_template(
        clientToken="payments-az-outage", description="payments: lose one Availability Zone", roleArn=role,
        stopConditions=[{"source": "none"}], targets={}, actions=wait)["experimentTemplate"]["id"]
    run = east.start_experiment(clientToken="payments-az-outage-run", experimentTemplateId=template)
    stored = fis_backends[demo.account][EAST].experiments[run["experiment"]["id"]]
    stored.creation_time = stored.start_time = time.time() - 12 * 86400  # the last game day
    demo.client("fis", WEST).create_experiment_template(
        clientToken="legacy-instance-stop", description="legacy: stop a worker instance", roleArn=role,
        stopConditions=[{"source": "none"}], targets={}, actions=wait)


def _drs(demo: DemoAccount) -> None:
    """moto has no Elastic Disaster Recovery: two source servers in us-east-1, none initialized in eu-west-1."""
    def when(days: int) -> str:
        return (datetime.now(UTC) - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")

    def server(sid: str, host: str, state: str, drill_days: int | None) -> dict[str, Any]:
        found: dict[str, Any] = {
            "sourceServerID": sid, "arn": f"arn:aws:drs:{EAST}:{demo.account}:source-server/{sid}",
            "sourceProperties": {"identificationHints": {"hostname": host}},
            "dataReplicationInfo": {"dataReplicationState": state, "lagDuration": "PT3S" if state == "CONTINUOUS"
                                    else "P2D", "stagingAvailabilityZone": "us-east-1b"},
            "replicationDirection": "FAILOVER",
        }
        if state != "CONTINUOUS":
            found["dataReplicationInfo"]["dataReplicationError"] = {"error": "AGENT_NOT_SEEN"}
        if drill_days is not None:
            found["lifeCycle"] = {"lastLaunch": {"initiated": {"apiCallDateTime": when(drill_days), "type": "DRILL",
                                                               "jobID": "drsjob-0a1b2c3d4e5f60718"},
                                                 "status": "TERMINATED"}}
        return found

    servers = [server("s-1a2b3c4d5e6f70809", "payments-ledger-01", "CONTINUOUS", 40),
               server("s-9f8e7d6c5b4a30201", "payments-batch-01", "STALLED", None)]

    def describe_source_servers(params: dict[str, Any], region: str) -> dict[str, Any]:
        if region != EAST:
            raise FillInError("UninitializedAccountException", "Account not initialized", 400)
        return {"items": servers}

    demo.fill_in("drs", "DescribeSourceServers", describe_source_servers)
