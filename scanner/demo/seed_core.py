"""Demo resources for the core checks: access keys, GuardDuty, instance roles, public buckets, backups."""

from __future__ import annotations

import json
from typing import Any

from scanner.demo import DemoAccount, FillInError


def seed(demo: DemoAccount) -> None:
    """A payments workload: mostly sound in us-east-1, with the usual gaps in eu-west-1."""
    _iam(demo)
    _guardduty(demo)
    _ec2(demo)
    _s3(demo)
    _backup(demo)


def _iam(demo: DemoAccount) -> None:
    iam = demo.client("iam")
    for user in ("alice", "deploy-bot", "reporting-etl", "bob"):
        iam.create_user(UserName=user)
    backend = demo.iam_backend()
    iam.create_access_key(UserName="alice")
    backend.users["alice"].access_keys[0].create_date = demo.days_ago(200)
    backend.users["alice"].access_keys[0].last_used = demo.days_ago(3)
    iam.create_access_key(UserName="deploy-bot")
    backend.users["deploy-bot"].access_keys[0].create_date = demo.days_ago(20)
    backend.users["deploy-bot"].access_keys[0].last_used = demo.days_ago(1)
    iam.create_access_key(UserName="reporting-etl")
    backend.users["reporting-etl"].access_keys[0].create_date = demo.days_ago(60)
    iam.create_login_profile(UserName="bob", Password="Demo-Passw0rd!x")
    demo.state["instance_profile"] = iam.create_instance_profile(
        InstanceProfileName="payments-app")["InstanceProfile"]["Arn"]
    iam.create_role(RoleName="payments-app", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
                       "Action": "sts:AssumeRole"}]}))
    iam.add_role_to_instance_profile(InstanceProfileName="payments-app", RoleName="payments-app")


def _guardduty(demo: DemoAccount) -> None:
    demo.client("guardduty", "us-east-1").create_detector(Enable=True)
    # eu-west-1 has none: the gap a reviewer should see.


def _ec2(demo: DemoAccount) -> None:
    for region, name, with_role in (("us-east-1", "payments-api", True), ("eu-west-1", "legacy-batch", False)):
        ec2 = demo.client("ec2", region)
        image = ec2.register_image(Name=f"demo-{region}", RootDeviceName="/dev/xvda")["ImageId"]
        kwargs: dict[str, Any] = {}
        if with_role:
            kwargs["IamInstanceProfile"] = {"Arn": demo.state["instance_profile"]}
        ec2.run_instances(
            ImageId=image, MinCount=1, MaxCount=1, InstanceType="t3.micro",
            TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": name}]}],
            **kwargs,
        )


def _s3(demo: DemoAccount) -> None:
    s3 = demo.client("s3")
    s3.create_bucket(Bucket="demo-payments-data")
    s3.put_public_access_block(Bucket="demo-payments-data", PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True})
    s3.create_bucket(Bucket="demo-marketing-site", ACL="public-read")
    s3_eu = demo.client("s3", "eu-west-1")
    s3_eu.create_bucket(Bucket="demo-partner-exchange",
                        CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    s3_eu.put_bucket_policy(Bucket="demo-partner-exchange", Policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                       "Resource": "arn:aws:s3:::demo-partner-exchange/*"}]}))


def _backup(demo: DemoAccount) -> None:
    ec2 = demo.client("ec2", "us-east-1")
    ec2.create_volume(AvailabilityZone="us-east-1a", Size=50, Encrypted=True, TagSpecifications=[
        {"ResourceType": "volume", "Tags": [{"Key": "backup", "Value": "daily"},
                                            {"Key": "Name", "Value": "payments-db-data"}]}])
    ec2.create_volume(AvailabilityZone="us-east-1a", Size=20, Encrypted=False, TagSpecifications=[
        {"ResourceType": "volume", "Tags": [{"Key": "Name", "Value": "scratch"}]}])
    rds = demo.client("rds", "us-east-1")
    rds.create_db_instance(DBInstanceIdentifier="payments-db", DBInstanceClass="db.t3.micro", Engine="postgres",
                           MasterUsername="dbadmin", MasterUserPassword="not-a-real-secret-1",
                           AllocatedStorage=20, BackupRetentionPeriod=7)
    ddb = demo.client("dynamodb", "us-east-1")
    for table, pitr in (("payments-ledger", True), ("sessions", False)):
        ddb.create_table(TableName=table, BillingMode="PAY_PER_REQUEST",
                         AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                         KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
        if pitr:
            ddb.update_continuous_backups(TableName=table, PointInTimeRecoverySpecification={
                "PointInTimeRecoveryEnabled": True})
    efs = demo.client("efs", "eu-west-1")
    efs.create_file_system(CreationToken="legacy-share", Encrypted=False,
                           Tags=[{"Key": "Name", "Value": "legacy-share"}])
    plan = demo.client("backup", "us-east-1").create_backup_plan(BackupPlan={
        "BackupPlanName": "daily",
        "Rules": [{"RuleName": "daily", "TargetBackupVaultName": "Default",
                   "ScheduleExpression": "cron(0 5 ? * * *)", "Lifecycle": {"DeleteAfterDays": 35}}],
    })
    selections = {plan["BackupPlanId"]: [{
        "SelectionId": "demo-selection-1", "SelectionName": "tagged-daily",
        "IamRoleArn": f"arn:aws:iam::{demo.account}:role/service-role/AWSBackupDefaultServiceRole",
        "Resources": [], "ListOfTags": [{"ConditionType": "STRINGEQUALS", "ConditionKey": "backup",
                                         "ConditionValue": "daily"}],
    }]}

    def list_selections(params: dict[str, Any], region: str) -> dict[str, Any]:
        found = selections.get(params.get("BackupPlanId", "")) if region == "us-east-1" else None
        if found is None:
            raise FillInError("ResourceNotFoundException", "no such backup plan", 404)
        return {"BackupSelectionsList": [
            {k: s[k] for k in ("SelectionId", "SelectionName", "IamRoleArn")} | {"BackupPlanId": params[
                "BackupPlanId"]} for s in found]}

    def get_selection(params: dict[str, Any], region: str) -> dict[str, Any]:
        for sel in selections.get(params.get("BackupPlanId", ""), []):
            if sel["SelectionId"] == params.get("SelectionId"):
                body = {k: v for k, v in sel.items() if k != "SelectionId"}
                return {"BackupSelection": body, "SelectionId": sel["SelectionId"],
                        "BackupPlanId": params["BackupPlanId"]}
        raise FillInError("ResourceNotFoundException", "no such selection", 404)

    demo.fill_in("backup", "ListBackupSelections", list_selections)
    demo.fill_in("backup", "GetBackupSelection", get_selection)
