"""IAM actions behind API operations, so that check metadata can derive the permissions it needs, and the
policies that grant them."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scanner.model import CheckMeta

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
    "service-quotas": "servicequotas",
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


# What every scan needs before any check runs: who am I, which regions are enabled, and the tags a
# workload's scope (--include-tag, --exclude-tag, --scope) keeps or leaves resources out by.
BASE_ACTIONS = ("sts:GetCallerIdentity", "ec2:DescribeRegions", "tag:GetResources")

# What `wa-scan push` needs in the WA Tool, and nothing else (it never touches the scanned resources).
PUSH_ACTIONS = (
    "wellarchitected:ListWorkloads",
    "wellarchitected:CreateWorkload",
    "wellarchitected:GetAnswer",
    "wellarchitected:UpdateAnswer",
    "wellarchitected:CreateMilestone",
)


def scan_actions(metas: Iterable[CheckMeta]) -> list[str]:
    """Every IAM action the given checks declare, plus what any scan needs, sorted and unique."""
    actions = set(BASE_ACTIONS)
    for meta in metas:
        actions.update(meta.permissions)
    return sorted(actions)


def policy_document(actions: Iterable[str], sid: str = "WaScanReadOnly") -> dict:
    """A standard IAM policy document allowing ``actions`` on every resource."""
    return {
        "Version": "2012-10-17",
        "Statement": [{"Sid": sid, "Effect": "Allow", "Action": sorted(set(actions)), "Resource": "*"}],
    }


# IAM's limit for a customer managed policy, in characters without white space (IAM quotas page).
MANAGED_POLICY_LIMIT = 6144


def policy_size(doc: dict) -> int:
    """A policy's size as IAM counts it: the JSON without white space."""
    return len(json.dumps(doc, separators=(",", ":")))


def policy_documents(actions: Iterable[str], sid: str = "WaScanReadOnly",
                     limit: int = MANAGED_POLICY_LIMIT) -> list[dict]:
    """``actions`` as few managed policies as fit under ``limit`` each: one when they fit, else several,
    each holding whole services (so a reader finds a service in one place), in service order."""
    by_service: dict[str, list[str]] = {}
    for action in sorted(set(actions)):
        by_service.setdefault(action.split(":", 1)[0], []).append(action)
    parts: list[list[str]] = [[]]
    for group in by_service.values():
        trial = parts[-1] + group
        if parts[-1] and policy_size(policy_document(trial, f"{sid}Part99")) > limit:
            parts.append(list(group))
        else:
            parts[-1] = trial
    if len(parts) == 1:
        return [policy_document(parts[0], sid)]
    return [policy_document(part, f"{sid}Part{i}") for i, part in enumerate(parts, 1)]
