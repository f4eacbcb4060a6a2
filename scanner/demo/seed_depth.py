"""Demo resources for the depth evidence checks: roles trusted by vendors, a user with its own policy."""

from __future__ import annotations

import json

from scanner.demo import DemoAccount

VENDOR_ACCOUNT = "464622532012"  # a monitoring vendor's account (made up): outside the demo organization


def seed(demo: DemoAccount) -> None:
    """A vendor integration done right and one done in a hurry; a bot with a policy of its own."""
    _vendor_roles(demo)
    _user_policy(demo)


def _trust(condition: dict | None = None) -> str:
    stmt = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{VENDOR_ACCOUNT}:root"},
            "Action": "sts:AssumeRole"}
    if condition:
        stmt["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [stmt]})


def _vendor_roles(demo: DemoAccount) -> None:
    iam = demo.client("iam")
    iam.create_role(RoleName="vendor-cost-insights", AssumeRolePolicyDocument=_trust(
        {"StringEquals": {"sts:ExternalId": "wa-demo-7f3c2a"}}))
    # Set up from the vendor's quick-start page, which leaves the external ID to the customer.
    iam.create_role(RoleName="vendor-log-shipper", AssumeRolePolicyDocument=_trust())


def _user_policy(demo: DemoAccount) -> None:
    iam = demo.client("iam")
    arn = iam.create_policy(PolicyName="deploy-bot-artifacts", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
                                                "Resource": "arn:aws:s3:::payments-artifacts/*"}]}))["Policy"]["Arn"]
    iam.attach_user_policy(UserName="deploy-bot", PolicyArn=arn)
