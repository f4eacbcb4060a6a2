"""Demo resources for detection, incident response, data classification and data at rest.

us-east-1 is where the payments team did the work: a logging trail with validation, Config, Security
Hub with a standard, GuardDuty alerts to a topic, Detective, encrypted and classified stores. eu-west-1
is the region everyone forgot: a trail someone stopped, no Config, no Security Hub, Macie switched off,
a GuardDuty rule with no target, log groups kept forever and a key that never rotates.
"""

from __future__ import annotations

import json
from typing import Any

from scanner.demo import DemoAccount

AUDIT_BUCKET = "demo-audit-trail-logs"
CLASSIFICATION = {"Key": "data-classification", "Value": "confidential"}


def seed(demo: DemoAccount) -> None:
    """Seed both demo regions and register answers for the APIs moto lacks."""
    key_arn = _kms(demo)
    _audit_bucket(demo, key_arn)
    _cloudtrail(demo)
    _config(demo)
    _security_hub(demo)
    _guardduty_routing(demo)
    _detective(demo)
    _incident_roles(demo)
    _log_groups(demo)
    _macie(demo)
    _encrypted_stores(demo, key_arn)


def _kms(demo: DemoAccount) -> str:
    us = demo.client("kms", "us-east-1")
    key = us.create_key(Description="audit logs and payments data")["KeyMetadata"]
    us.enable_key_rotation(KeyId=key["KeyId"])
    us.create_alias(AliasName="alias/demo-payments-data", TargetKeyId=key["KeyId"])
    eu = demo.client("kms", "eu-west-1")
    legacy = eu.create_key(Description="legacy exports")["KeyMetadata"]
    eu.create_alias(AliasName="alias/demo-legacy-exports", TargetKeyId=legacy["KeyId"])
    return key["Arn"]


def _audit_bucket(demo: DemoAccount, key_arn: str) -> None:
    s3 = demo.client("s3")
    s3.create_bucket(Bucket=AUDIT_BUCKET)
    bucket_arn = f"arn:aws:s3:::{AUDIT_BUCKET}"
    s3.put_bucket_policy(Bucket=AUDIT_BUCKET, Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "CloudTrailAclCheck", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "s3:GetBucketAcl", "Resource": bucket_arn},
        {"Sid": "CloudTrailWrite", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "s3:PutObject", "Resource": f"{bucket_arn}/AWSLogs/{demo.account}/*",
         "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}},
        {"Sid": "DenyWithoutTls", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
         "Resource": [bucket_arn, f"{bucket_arn}/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
    ]}))
    s3.put_bucket_encryption(Bucket=AUDIT_BUCKET, ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key_arn},
         "BucketKeyEnabled": True}]})
    s3.put_bucket_tagging(Bucket=AUDIT_BUCKET, Tagging={"TagSet": [
        {"Key": "data-classification", "Value": "internal"}]})
    # An audit log bucket done properly: private, versioned, logs kept for a set time.
    s3.put_public_access_block(Bucket=AUDIT_BUCKET, PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
    s3.put_bucket_versioning(Bucket=AUDIT_BUCKET, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_lifecycle_configuration(Bucket=AUDIT_BUCKET, LifecycleConfiguration={"Rules": [
        {"ID": "keep-audit-logs-400-days", "Status": "Enabled", "Filter": {"Prefix": ""},
         "Expiration": {"Days": 400}, "NoncurrentVersionExpiration": {"NoncurrentDays": 30}}]})


def _cloudtrail(demo: DemoAccount) -> None:
    us = demo.client("cloudtrail", "us-east-1")
    us.create_trail(Name="payments-audit", S3BucketName=AUDIT_BUCKET, EnableLogFileValidation=True)
    us.start_logging(Name="payments-audit")
    # Created during a migration, stopped "temporarily", never validated: eu-west-1 has no API log.
    demo.client("cloudtrail", "eu-west-1").create_trail(Name="legacy-eu-audit", S3BucketName=AUDIT_BUCKET)


def _config(demo: DemoAccount) -> None:
    config = demo.client("config", "us-east-1")
    config.put_configuration_recorder(ConfigurationRecorder={
        "name": "default", "roleARN": f"arn:aws:iam::{demo.account}:role/aws-service-role/config.amazonaws.com/"
        "AWSServiceRoleForConfig", "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True}})
    config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": AUDIT_BUCKET})
    config.start_configuration_recorder(ConfigurationRecorderName="default")


def _security_hub(demo: DemoAccount) -> None:
    demo.client("securityhub", "us-east-1").enable_security_hub(EnableDefaultStandards=False)
    fsbp = "arn:aws:securityhub:{region}::standards/aws-foundational-security-best-practices/v/1.0.0"

    def enabled_standards(params: dict[str, Any], region: str) -> dict[str, Any]:
        arn = fsbp.format(region=region)
        return {"StandardsSubscriptions": [{
            "StandardsSubscriptionArn": f"arn:aws:securityhub:{region}:{demo.account}:subscription/"
                                        "aws-foundational-security-best-practices/v/1.0.0",
            "StandardsArn": arn, "StandardsInput": {}, "StandardsStatus": "READY"}]}

    demo.fill_in("securityhub", "GetEnabledStandards", enabled_standards)


def _guardduty_routing(demo: DemoAccount) -> None:
    pattern = json.dumps({"source": ["aws.guardduty"], "detail-type": ["GuardDuty Finding"]})
    topic = demo.client("sns", "us-east-1").create_topic(Name="security-alerts")["TopicArn"]
    us = demo.client("events", "us-east-1")
    us.put_rule(Name="guardduty-findings-to-oncall", EventPattern=pattern)
    us.put_targets(Rule="guardduty-findings-to-oncall", Targets=[{"Id": "oncall", "Arn": topic}])
    # The rule was created, the target never added.
    demo.client("events", "eu-west-1").put_rule(Name="guardduty-findings", EventPattern=pattern)


def _detective(demo: DemoAccount) -> None:
    def list_graphs(params: dict[str, Any], region: str) -> dict[str, Any]:
        if region != "us-east-1":
            return {"GraphList": []}
        return {"GraphList": [{"Arn": f"arn:aws:detective:{region}:{demo.account}:graph:"
                                      "5b8f0c1e7a2d4e6f9a0b1c2d3e4f5a6b"}]}

    demo.fill_in("detective", "ListGraphs", list_graphs)
    demo.fill_in("detective", "ListInvitations", lambda params, region: {"Invitations": []})


def _incident_roles(demo: DemoAccount) -> None:
    iam = demo.client("iam")
    trust = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{demo.account}:root"}, "Action": "sts:AssumeRole",
        "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]})
    iam.create_role(RoleName="security-incident-response", AssumeRolePolicyDocument=trust)
    iam.put_role_policy(RoleName="security-incident-response", PolicyName="investigate",
                        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{
                            "Effect": "Allow", "Resource": "*",
                            "Action": ["cloudtrail:LookupEvents", "guardduty:Get*", "guardduty:List*",
                                       "ec2:Describe*", "ec2:CreateSnapshot", "logs:StartQuery",
                                       "logs:GetQueryResults"]}]}))
    # Created for an audit, never given permissions: useless on the day it is needed.
    iam.create_role(RoleName="break-glass-admin", AssumeRolePolicyDocument=trust)


def _log_groups(demo: DemoAccount) -> None:
    for region, groups in (("us-east-1", (("/payments/api", 90), ("/aws/lambda/payments-webhook", 30))),
                           ("eu-west-1", (("/legacy/batch", None), ("/aws/lambda/legacy-export", None),
                                          ("/legacy/partner-sftp", 14)))):
        logs = demo.client("logs", region)
        for name, days in groups:
            logs.create_log_group(logGroupName=name)
            if days:
                logs.put_retention_policy(logGroupName=name, retentionInDays=days)


def _macie(demo: DemoAccount) -> None:
    # moto starts Macie enabled in every region; eu-west-1 had it switched off.
    demo.client("macie2", "eu-west-1").disable_macie()


def _encrypted_stores(demo: DemoAccount, key_arn: str) -> None:
    demo.client("rds", "us-east-1").create_db_instance(
        DBInstanceIdentifier="payments-audit-db", DBInstanceClass="db.t3.micro", Engine="postgres",
        MasterUsername="auditadmin", MasterUserPassword="not-a-real-secret-2", AllocatedStorage=20,
        BackupRetentionPeriod=14, StorageEncrypted=True, KmsKeyId=key_arn, Tags=[CLASSIFICATION])
    demo.client("efs", "us-east-1").create_file_system(
        CreationToken="payments-statements", Encrypted=True, KmsKeyId=key_arn,
        Tags=[{"Key": "Name", "Value": "payments-statements"}, CLASSIFICATION])
    demo.client("ec2", "us-east-1").enable_ebs_encryption_by_default()
