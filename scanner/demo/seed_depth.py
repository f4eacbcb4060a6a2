"""Demo resources for the depth evidence checks: roles trusted by vendors, a user with its own policy,
AWS WAF web ACLs in front of some of the public load balancers, an internal API signed with IAM,
code signing enforced on the payments webhook only, patching that scans without installing."""

from __future__ import annotations

import json
from typing import Any

from scanner.demo import DemoAccount, FillInError

VENDOR_ACCOUNT = "464622532012"  # a monitoring vendor's account (made up): outside the demo organization


def seed(demo: DemoAccount) -> None:
    """A vendor integration done right and one done in a hurry; a bot with a policy of its own."""
    _vendor_roles(demo)
    _user_policy(demo)
    _web_acls(demo)
    _signed_api(demo)
    _code_signing(demo)
    _patch_scan_only(demo)


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


WAF_VISIBILITY = {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": "waf"}


def _web_acls(demo: DemoAccount) -> None:
    """The payments load balancer behind managed and rate-based rules; the legacy region's web ACL is a
    fixed country rule that protects nothing (moto keeps no associations: a fill-in answers them)."""
    edge = demo.client("wafv2", "us-east-1").create_web_acl(
        Name="payments-edge-acl", Scope="REGIONAL", DefaultAction={"Allow": {}}, VisibilityConfig=WAF_VISIBILITY,
        Rules=[{"Name": "aws-common", "Priority": 1, "OverrideAction": {"None": {}}, "VisibilityConfig": WAF_VISIBILITY,
                "Statement": {"ManagedRuleGroupStatement": {"VendorName": "AWS",
                                                            "Name": "AWSManagedRulesCommonRuleSet"}}},
               {"Name": "per-ip-flood", "Priority": 2, "Action": {"Block": {}}, "VisibilityConfig": WAF_VISIBILITY,
                "Statement": {"RateBasedStatement": {"Limit": 2000, "AggregateKeyType": "IP"}}}])["Summary"]["ARN"]
    legacy = demo.client("wafv2", "eu-west-1").create_web_acl(
        Name="legacy-geo-acl", Scope="REGIONAL", DefaultAction={"Allow": {}}, VisibilityConfig=WAF_VISIBILITY,
        Rules=[{"Name": "eu-only", "Priority": 1, "Action": {"Block": {}}, "VisibilityConfig": WAF_VISIBILITY,
                "Statement": {"NotStatement": {"Statement": {"GeoMatchStatement": {"CountryCodes": ["DE", "FR"]}}}}}],
    )["Summary"]["ARN"]
    protects = {edge: ("us-east-1", ["payments-edge"]), legacy: ("eu-west-1", [])}

    def resources_for_web_acl(params: dict[str, Any], region: str) -> dict[str, Any]:
        if params.get("WebACLArn") not in protects:
            raise FillInError("WAFNonexistentItemException", "no such web ACL", 400)
        acl_region, names = protects[params["WebACLArn"]]
        if params.get("ResourceType", "APPLICATION_LOAD_BALANCER") != "APPLICATION_LOAD_BALANCER" or not names:
            return {"ResourceArns": []}
        balancers = demo.client("elbv2", acl_region).describe_load_balancers(Names=names)["LoadBalancers"]
        return {"ResourceArns": [lb["LoadBalancerArn"] for lb in balancers]}

    demo.fill_in("wafv2", "ListResourcesForWebACL", resources_for_web_acl)


def _signed_api(demo: DemoAccount) -> None:
    """The back-office API other services call with SigV4 (the public payments API is left open elsewhere)."""
    gw = demo.client("apigateway", "us-east-1")
    api = gw.create_rest_api(name="payments-backoffice")["id"]
    root = gw.get_resources(restApiId=api)["items"][0]["id"]
    refunds = gw.create_resource(restApiId=api, parentId=root, pathPart="refunds")["id"]
    for verb in ("GET", "POST"):
        gw.put_method(restApiId=api, resourceId=refunds, httpMethod=verb, authorizationType="AWS_IAM")
    gw.put_method(restApiId=api, resourceId=refunds, httpMethod="OPTIONS", authorizationType="NONE")


def _code_signing(demo: DemoAccount) -> None:
    """One code signing configuration (Enforce) in us-east-1, attached to the payments webhook; moto has no
    code signing listings, so fill-ins answer them."""
    config_arn = f"arn:aws:lambda:us-east-1:{demo.account}:code-signing-config:csc-0payments0webhook"
    config = {"CodeSigningConfigId": "csc-0payments0webhook", "CodeSigningConfigArn": config_arn,
              "Description": "payments pipeline signer",
              "AllowedPublishers": {"SigningProfileVersionArns": [
                  f"arn:aws:signer:us-east-1:{demo.account}:/signing-profiles/payments_pipeline/7c1a2b3d4e"]},
              "CodeSigningPolicies": {"UntrustedArtifactOnDeployment": "Enforce"},
              "LastModified": demo.days_ago(120).strftime("%Y-%m-%dT%H:%M:%S.000+0000")}

    def configs(params: dict[str, Any], region: str) -> dict[str, Any]:
        return {"CodeSigningConfigs": [config] if region == "us-east-1" else []}

    def functions(params: dict[str, Any], region: str) -> dict[str, Any]:
        if region != "us-east-1" or params.get("CodeSigningConfigArn") != config_arn:
            raise FillInError("ResourceNotFoundException", "no such code signing configuration", 404)
        return {"FunctionArns": [f"arn:aws:lambda:us-east-1:{demo.account}:function:payments-webhook"]}

    demo.fill_in("lambda", "ListCodeSigningConfigs", configs)
    demo.fill_in("lambda", "ListFunctionsByCodeSigningConfig", functions)


def _patch_scan_only(demo: DemoAccount) -> None:
    """A State Manager association that scans the payments nodes nightly and installs nothing; moto has no
    associations, so fill-ins answer them."""
    association_id = "3f2c9a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b"

    def associations(params: dict[str, Any], region: str) -> dict[str, Any]:
        if region != "us-east-1":
            return {"Associations": []}
        return {"Associations": [{"Name": "AWS-RunPatchBaseline", "AssociationId": association_id,
                                  "AssociationName": "payments-patch-scan", "ScheduleExpression": "cron(0 2 * * ? *)",
                                  "Targets": [{"Key": "tag:app", "Values": ["payments"]}]}]}

    def describe(params: dict[str, Any], region: str) -> dict[str, Any]:
        if region != "us-east-1" or params.get("AssociationId") != association_id:
            raise FillInError("AssociationDoesNotExist", "no such association", 400)
        return {"AssociationDescription": {"Name": "AWS-RunPatchBaseline", "AssociationId": association_id,
                                           "AssociationName": "payments-patch-scan",
                                           "ScheduleExpression": "cron(0 2 * * ? *)",
                                           "Parameters": {"Operation": ["Scan"]}}}

    demo.fill_in("ssm", "ListAssociations", associations)
    demo.fill_in("ssm", "DescribeAssociation", describe)
