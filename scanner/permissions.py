"""IAM actions behind API operations, so that check metadata can derive the permissions it needs."""

from __future__ import annotations

# botocore service names whose IAM action prefix differs from the service name.
_PREFIX = {
    "elbv2": "elasticloadbalancing",
    "elb": "elasticloadbalancing",
    "s3control": "s3",
    "accessanalyzer": "access-analyzer",
    "efs": "elasticfilesystem",
    "sso-admin": "sso",
    "stepfunctions": "states",
    "resourcegroupstaggingapi": "tag",
    "logs": "logs",
}

# Operations whose IAM action is not "<prefix>:<Operation>" (from the AWS service authorization reference).
_ACTION = {
    ("s3", "ListBuckets"): "s3:ListAllMyBuckets",
    ("s3", "GetBucketEncryption"): "s3:GetEncryptionConfiguration",
    ("s3", "GetPublicAccessBlock"): "s3:GetBucketPublicAccessBlock",
    ("s3", "GetBucketLifecycleConfiguration"): "s3:GetLifecycleConfiguration",
    ("s3", "GetBucketReplication"): "s3:GetReplicationConfiguration",
    ("s3", "GetObjectLockConfiguration"): "s3:GetBucketObjectLockConfiguration",
    ("s3", "HeadBucket"): "s3:ListBucket",
    ("s3control", "GetPublicAccessBlock"): "s3:GetAccountPublicAccessBlock",
    ("budgets", "DescribeBudgets"): "budgets:ViewBudget",
    ("budgets", "DescribeNotificationsForBudget"): "budgets:ViewBudget",
}


def iam_action(service: str, operation: str) -> str:
    """The IAM action that authorises ``operation`` of the botocore ``service``."""
    if (service, operation) in _ACTION:
        return _ACTION[(service, operation)]
    if service == "apigateway":
        # API Gateway's control plane is authorised by HTTP verb, and every read is a GET.
        return "apigateway:GET"
    return f"{_PREFIX.get(service, service)}:{operation}"


# What every scan needs before any check runs: who am I, which regions are enabled.
BASE_ACTIONS = ("sts:GetCallerIdentity", "ec2:DescribeRegions")
