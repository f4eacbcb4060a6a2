"""vpc.flow_logs_enabled."""

from __future__ import annotations

from botocore.stub import Stubber

from tests.helpers import by_resource

CHECK = "vpc.flow_logs_enabled"


def test_vpcs_with_and_without_flow_logs(aws, scan):
    ec2 = aws.client("ec2", region_name="us-east-1")
    role = aws.client("iam").create_role(RoleName="flow-logs", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    aws.client("logs", region_name="us-east-1").create_log_group(logGroupName="vpc-flow")
    logged = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    ec2.create_flow_logs(ResourceIds=[logged], ResourceType="VPC", TrafficType="ALL", LogGroupName="vpc-flow",
                         DeliverLogsPermissionArn=role)
    broken = ec2.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
    # A log group that does not exist: the flow log is created but its delivery fails.
    ec2.create_flow_logs(ResourceIds=[broken], ResourceType="VPC", TrafficType="REJECT", LogGroupName="gone",
                         DeliverLogsPermissionArn=role)
    bare = ec2.create_vpc(CidrBlock="10.3.0.0/16")["Vpc"]["VpcId"]
    default = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]

    result = scan([CHECK])

    good = by_resource(result, logged)
    assert good.status.value == "pass" and good.evidence.observed["flow_logs"][0]["traffic_type"] == "ALL"
    assert good.resource == f"arn:aws:ec2:us-east-1:123456789012:vpc/{logged}"
    failing = by_resource(result, broken)
    assert failing.status.value == "fail" and failing.evidence.observed["flow_logs"][0]["deliver_status"] == "FAILED"
    assert by_resource(result, bare).status.value == "fail"
    dflt = by_resource(result, default)
    assert dflt.status.value == "fail" and dflt.evidence.observed["is_default"] is True
    assert "ec2:DescribeFlowLogs" in good.evidence.source


def test_denied_flow_logs_is_not_assessed(aws, scan):
    def prepare(target):
        stub = Stubber(target.collector.client("ec2", "us-east-1"))
        stub.add_response("describe_vpcs", {"Vpcs": [{"VpcId": "vpc-1234567890abcdef0", "IsDefault": True}]})
        stub.add_client_error("describe_flow_logs", "UnauthorizedOperation", "denied", 403)
        stub.activate()

    result = scan([CHECK], prepare=prepare)

    assert [f.status.value for f in result.findings] == ["not_assessed"]
    assert result.findings[0].missing_permission == "ec2:DescribeFlowLogs"
