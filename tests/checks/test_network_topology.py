"""Network topology and edge checks against moto (VPN telemetry and Direct Connect answers are served)."""

from __future__ import annotations

from tests.checks.answers import answering
from tests.helpers import assert_denied, by_resource, deny, statuses


def _vpc(ec2, cidr):
    return ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]


def test_overlapping_vpcs_fail_across_regions(aws, scan):
    east, west = aws.client("ec2", region_name="us-east-1"), aws.client("ec2", region_name="eu-west-1")
    a, b = _vpc(east, "10.0.0.0/16"), _vpc(east, "10.1.0.0/16")
    c = _vpc(west, "10.0.128.0/17")

    result = scan(["vpc.cidrs_not_overlapping"], regions=("us-east-1", "eu-west-1"))

    assert statuses(result) == {f"arn:aws:ec2:us-east-1:123456789012:vpc/{a}": "fail",
                                f"arn:aws:ec2:us-east-1:123456789012:vpc/{b}": "pass",
                                f"arn:aws:ec2:eu-west-1:123456789012:vpc/{c}": "fail"}
    assert by_resource(result, a).evidence.observed["overlaps_with"] == [f"{c} in eu-west-1"]


def test_vpcs_denied(aws, scan):
    result = scan(["vpc.cidrs_not_overlapping"], prepare=deny("ec2", "describe_vpcs"))
    assert_denied(result, "ec2:DescribeVpcs")


def test_subnet_free_addresses(aws, scan):
    ec2 = aws.client("ec2", region_name="us-east-1")
    vpc = _vpc(ec2, "10.0.0.0/16")
    roomy = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/24")["Subnet"]["SubnetId"]
    tight = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/28")["Subnet"]["SubnetId"]
    ec2.run_instances(ImageId="ami-12345678", MinCount=10, MaxCount=10, SubnetId=tight)

    result = scan(["vpc.subnets_have_free_addresses"])

    assert by_resource(result, roomy).status == "pass"
    crowded = by_resource(result, tight)
    assert crowded.status == "fail" and crowded.evidence.observed["free"] == 1


def test_peering_mesh_fails_transit_gateway_passes(aws, scan):
    ec2 = aws.client("ec2", region_name="us-east-1")
    vpcs = [_vpc(ec2, f"10.{i}.0.0/16") for i in range(3)]
    for x, y in ((0, 1), (1, 2), (0, 2)):
        pcx = ec2.create_vpc_peering_connection(VpcId=vpcs[x], PeerVpcId=vpcs[y])["VpcPeeringConnection"]
        ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx["VpcPeeringConnectionId"])

    [mesh] = scan(["vpc.hub_and_spoke"]).findings
    assert mesh.status == "fail" and mesh.evidence.observed["active_peerings"] == 3

    tgw = ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    subnet = ec2.create_subnet(VpcId=vpcs[0], CidrBlock="10.0.0.0/24")["Subnet"]["SubnetId"]
    ec2.create_transit_gateway_vpc_attachment(TransitGatewayId=tgw, VpcId=vpcs[0], SubnetIds=[subnet])
    [hub] = scan(["vpc.hub_and_spoke"]).findings
    assert hub.status == "pass" and hub.evidence.observed["vpc_attachments"] == 1


def test_vpn_tunnels(aws, scan):
    def telemetry(*states):
        return [{"OutsideIpAddress": f"203.0.113.{i}", "Status": s, "AcceptedRouteCount": 1}
                for i, s in enumerate(states)]

    result = scan(["vpn.tunnels_redundant"], prepare=answering(("ec2", "DescribeVpnConnections", lambda p: {
        "VpnConnections": [
            {"VpnConnectionId": "vpn-0good", "State": "available", "Type": "ipsec.1", "CustomerGatewayId": "cgw-1",
             "VgwTelemetry": telemetry("UP", "UP")},
            {"VpnConnectionId": "vpn-0half", "State": "available", "Type": "ipsec.1", "CustomerGatewayId": "cgw-1",
             "VgwTelemetry": telemetry("UP", "DOWN")},
            {"VpnConnectionId": "vpn-0gone", "State": "deleted", "Type": "ipsec.1", "CustomerGatewayId": "cgw-1"}]})))
    assert {f.resource.rsplit("/", 1)[-1]: f.status.value for f in result.findings} == {
        "vpn-0good": "pass", "vpn-0half": "fail"}


def test_vpn_denied(aws, scan):
    result = scan(["vpn.tunnels_redundant"], prepare=deny("ec2", "describe_vpn_connections"))
    assert_denied(result, "ec2:DescribeVpnConnections")


def _dx(*locations):
    return ("directconnect", "DescribeConnections", lambda p: {"connections": [
        {"connectionId": f"dxcon-{i}", "connectionState": "available", "location": loc}
        for i, loc in enumerate(locations)]})


def test_direct_connect_redundancy(aws, scan):
    [two] = scan(["directconnect.connections_redundant"], prepare=answering(_dx("EqDC2", "CSVA1"))).findings
    assert two.status == "pass"
    [one_site] = scan(["directconnect.connections_redundant"], prepare=answering(_dx("EqDC2", "EqDC2"))).findings
    assert one_site.status == "fail"
    assert scan(["directconnect.connections_redundant"], prepare=answering(_dx())).findings == []


def test_direct_connect_denied(aws, scan):
    result = scan(["directconnect.connections_redundant"], prepare=deny("directconnect", "describe_connections"))
    assert_denied(result, "directconnect:DescribeConnections")


def test_gateway_endpoints(aws, scan):
    ec2 = aws.client("ec2", region_name="us-east-1")
    served, bare = _vpc(ec2, "10.0.0.0/16"), _vpc(ec2, "10.1.0.0/16")
    for vpc, cidr in ((served, "10.0.0.0/24"), (bare, "10.1.0.0/24")):
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=cidr)["Subnet"]["SubnetId"]
        eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
        ec2.create_nat_gateway(SubnetId=subnet, AllocationId=eip)
    table = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [served]}])["RouteTables"][0]
    for service in ("s3", "dynamodb"):
        ec2.create_vpc_endpoint(VpcId=served, ServiceName=f"com.amazonaws.us-east-1.{service}",
                                VpcEndpointType="Gateway", RouteTableIds=[table["RouteTableId"]])

    result = scan(["vpc.gateway_endpoints_used"])

    assert by_resource(result, served).status == "pass"
    missing = by_resource(result, bare)
    assert missing.status == "fail" and missing.evidence.observed["missing"] == ["s3", "dynamodb"]


def test_alb_http2(aws, scan):
    ec2 = aws.client("ec2", region_name="us-east-1")
    subnets = [s["SubnetId"] for s in ec2.describe_subnets()["Subnets"]][:2]
    elb = aws.client("elbv2", region_name="us-east-1")
    on = elb.create_load_balancer(Name="on", Subnets=subnets, Scheme="internet-facing")["LoadBalancers"][0]
    off = elb.create_load_balancer(Name="off", Subnets=subnets, Scheme="internet-facing")["LoadBalancers"][0]
    elb.modify_load_balancer_attributes(LoadBalancerArn=off["LoadBalancerArn"],
                                        Attributes=[{"Key": "routing.http2.enabled", "Value": "false"}])

    result = scan(["elb.http2_enabled"])

    assert statuses(result) == {on["LoadBalancerArn"]: "pass", off["LoadBalancerArn"]: "fail"}


def test_alb_attributes_denied(aws, scan):
    ec2 = aws.client("ec2", region_name="us-east-1")
    subnets = [s["SubnetId"] for s in ec2.describe_subnets()["Subnets"]][:2]
    aws.client("elbv2", region_name="us-east-1").create_load_balancer(Name="on", Subnets=subnets)
    result = scan(["elb.http2_enabled"], prepare=answering(("elbv2", "DescribeLoadBalancerAttributes", _refuse)))
    assert_denied(result, "elasticloadbalancing:DescribeLoadBalancerAttributes")


def _refuse(params):
    from tests.checks.answers import Refuse

    raise Refuse("AccessDenied", 403)


def _distribution(cf, ref, version):
    return cf.create_distribution(DistributionConfig={
        "CallerReference": ref, "Comment": ref, "Enabled": True, "HttpVersion": version,
        "Origins": {"Quantity": 1, "Items": [{"Id": "o", "DomainName": "example.s3.amazonaws.com",
                                              "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
        "DefaultCacheBehavior": {"TargetOriginId": "o", "ViewerProtocolPolicy": "redirect-to-https",
                                 "MinTTL": 0, "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}},
                                 "TrustedSigners": {"Enabled": False, "Quantity": 0}}})["Distribution"]["ARN"]


def test_cloudfront_http3(aws, scan):
    cf = aws.client("cloudfront", region_name="us-east-1")
    modern, older = _distribution(cf, "modern", "http2and3"), _distribution(cf, "older", "http2")

    result = scan(["cloudfront.modern_http"])

    assert statuses(result) == {modern: "pass", older: "fail"}


def test_cloudfront_denied(aws, scan):
    result = scan(["cloudfront.modern_http"], prepare=deny("cloudfront", "list_distributions"))
    assert_denied(result, "cloudfront:ListDistributions")
