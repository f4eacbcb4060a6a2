"""Demo resources for the network, compute and application security checks.

us-east-1 is the well-kept side (closed default security group, flow logs, TLS 1.2+ listeners, Inspector,
scanned images, managed instances with IMDSv2); eu-west-1 holds the legacy estate with the usual gaps
(SSH and MySQL open to the internet, a public database, plain HTTP, an old TLS policy, a deprecated
Lambda runtime, no Inspector, unscanned images, an unmanaged instance). Account-level S3 Block Public
Access stays off on purpose: the core check s3.bucket_not_public needs its public buckets.
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from scanner.demo import DemoAccount

EAST, WEST = "us-east-1", "eu-west-1"
MODERN_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"
OLD_POLICY = "ELBSecurityPolicy-2016-08"


def seed(demo: DemoAccount) -> None:
    """Security groups, flow logs, a public database, instances, Lambda, load balancers, ECR, Inspector."""
    _security_groups(demo)
    _flow_logs(demo)
    _database(demo)
    _instance(demo)
    _function(demo)
    _load_balancers(demo)
    _registries(demo)
    demo.client("inspector2", EAST).enable(accountIds=[demo.account], resourceTypes=["EC2", "ECR", "LAMBDA"])
    demo.fill_in("ssm", "DescribeInstanceInformation", _managed_nodes(demo))


def _default_vpc(demo: DemoAccount, region: str) -> str:
    ec2 = demo.client("ec2", region)
    return ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]


def _group(demo: DemoAccount, region: str, name: str, rules: list[dict[str, Any]]) -> str:
    ec2 = demo.client("ec2", region)
    gid = ec2.create_security_group(GroupName=name, Description=name, VpcId=_default_vpc(demo, region))["GroupId"]
    if rules:
        ec2.authorize_security_group_ingress(GroupId=gid, IpPermissions=rules)
    return gid


def _tcp(port: int, **source: Any) -> dict[str, Any]:
    return {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, **source}


def _security_groups(demo: DemoAccount) -> None:
    world4, world6 = {"IpRanges": [{"CidrIp": "0.0.0.0/0"}]}, {"Ipv6Ranges": [{"CidrIpv6": "::/0"}]}
    web = _group(demo, EAST, "payments-edge", [_tcp(443, **world4), _tcp(80, **world4)])
    demo.state["web_security_group"] = web
    _group(demo, EAST, "payments-db", [_tcp(5432, UserIdGroupPairs=[{"GroupId": web}])])
    _group(demo, WEST, "legacy-admin", [_tcp(22, **world4), _tcp(3389, **world6)])
    _group(demo, WEST, "legacy-reporting-db", [_tcp(3306, **world4)])
    ec2 = demo.client("ec2", EAST)
    default = ec2.describe_security_groups(Filters=[
        {"Name": "group-name", "Values": ["default"]}, {"Name": "vpc-id", "Values": [_default_vpc(demo, EAST)]}])[
        "SecurityGroups"][0]
    if default.get("IpPermissions"):
        ec2.revoke_security_group_ingress(GroupId=default["GroupId"], IpPermissions=default["IpPermissions"])
    if default.get("IpPermissionsEgress"):
        ec2.revoke_security_group_egress(GroupId=default["GroupId"], IpPermissions=default["IpPermissionsEgress"])


def _flow_logs(demo: DemoAccount) -> None:
    role = demo.client("iam").create_role(RoleName="vpc-flow-logs", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "vpc-flow-logs.amazonaws.com"},
                       "Action": "sts:AssumeRole"}]}))["Role"]["Arn"]
    logs = demo.client("logs", EAST)
    logs.create_log_group(logGroupName="/vpc/flow-logs")
    logs.put_retention_policy(logGroupName="/vpc/flow-logs", retentionInDays=365)
    demo.client("ec2", EAST).create_flow_logs(
        ResourceIds=[_default_vpc(demo, EAST)], ResourceType="VPC", TrafficType="ALL",
        LogGroupName="/vpc/flow-logs", DeliverLogsPermissionArn=role)
    # eu-west-1's default VPC has none.


def _database(demo: DemoAccount) -> None:
    demo.client("rds", WEST).create_db_instance(
        DBInstanceIdentifier="legacy-reporting-db", DBInstanceClass="db.t3.micro", Engine="mysql",
        MasterUsername="reporting", MasterUserPassword="not-a-real-secret-3", AllocatedStorage=20,
        PubliclyAccessible=True)


def _instance(demo: DemoAccount) -> None:
    ec2 = demo.client("ec2", EAST)
    image = ec2.register_image(Name="payments-worker-image", RootDeviceName="/dev/xvda")["ImageId"]
    kwargs: dict[str, Any] = {}
    if "instance_profile" in demo.state:
        kwargs["IamInstanceProfile"] = {"Arn": demo.state["instance_profile"]}
    ec2.run_instances(
        ImageId=image, MinCount=1, MaxCount=1, InstanceType="t3.micro",
        MetadataOptions={"HttpTokens": "required", "HttpEndpoint": "enabled"},
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "payments-worker"}]}],
        **kwargs)


def _function(demo: DemoAccount) -> None:
    role = demo.state.get("function_role") or demo.client("iam").create_role(
        RoleName="legacy-report-builder-fn", AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                           "Action": "sts:AssumeRole"}]}))["Role"]["Arn"]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("index.py", "def handler(event, context):\n    return {'rows': 0}\n")
    demo.client("lambda", WEST).create_function(
        FunctionName="legacy-report-builder", Runtime="python3.8", Role=role, Handler="index.handler",
        Code={"ZipFile": buf.getvalue()}, Timeout=60)


def _load_balancers(demo: DemoAccount) -> None:
    for region, name, domain, https_policy, http_action in (
        (EAST, "payments-edge", "pay.example.com", MODERN_POLICY, "redirect"),
        (WEST, "legacy-portal", "portal.legacy.example.net", OLD_POLICY, "forward"),
    ):
        ec2, elb = demo.client("ec2", region), demo.client("elbv2", region)
        vpc = _default_vpc(demo, region)
        subnets = sorted(ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"],
                         key=lambda s: s["AvailabilityZone"])[:2]
        groups = [demo.state["web_security_group"]] if region == EAST else []
        lb = elb.create_load_balancer(Name=name, Subnets=[s["SubnetId"] for s in subnets], SecurityGroups=groups,
                                      Scheme="internet-facing", Type="application")["LoadBalancers"][0]
        target = elb.create_target_group(Name=f"{name}-app", Protocol="HTTP", Port=8080, VpcId=vpc)[
            "TargetGroups"][0]["TargetGroupArn"]
        forward = [{"Type": "forward", "TargetGroupArn": target}]
        cert = demo.client("acm", region).request_certificate(DomainName=domain)["CertificateArn"]
        elb.create_listener(LoadBalancerArn=lb["LoadBalancerArn"], Protocol="HTTPS", Port=443, SslPolicy=https_policy,
                            Certificates=[{"CertificateArn": cert}], DefaultActions=forward)
        redirect = [{"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "Port": "443",
                                                             "StatusCode": "HTTP_301"}}]
        elb.create_listener(LoadBalancerArn=lb["LoadBalancerArn"], Protocol="HTTP", Port=80,
                            DefaultActions=redirect if http_action == "redirect" else forward)


def _registries(demo: DemoAccount) -> None:
    demo.client("ecr", EAST).create_repository(repositoryName="payments/api",
                                               imageScanningConfiguration={"scanOnPush": True})
    demo.client("ecr", WEST).create_repository(repositoryName="legacy/batch",
                                               imageScanningConfiguration={"scanOnPush": False})


def _managed_nodes(demo: DemoAccount):
    """DescribeInstanceInformation (moto lacks it): every running us-east-1 instance reports Online, as the
    SSM agent on the payments AMIs would; the legacy estate in eu-west-1 never registered."""

    def answer(params: dict[str, Any], region: str) -> dict[str, Any]:
        if region != EAST:
            return {"InstanceInformationList": []}
        found = demo.client("ec2", region).describe_instances(Filters=[
            {"Name": "instance-state-name", "Values": ["running"]}])
        return {"InstanceInformationList": [
            {"InstanceId": inst["InstanceId"], "PingStatus": "Online", "AgentVersion": "3.3.1142.0",
             "PlatformType": "Linux", "PlatformName": "Amazon Linux", "ResourceType": "EC2Instance"}
            for reservation in found["Reservations"] for inst in reservation["Instances"]]}

    return answer
