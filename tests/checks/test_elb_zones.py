"""elb.multi_az: moto keeps the zones of ALBs, NLBs and Classic Load Balancers."""

from __future__ import annotations

from tests.helpers import by_resource, deny

CHECK = "elb.multi_az"


def test_one_zone_fails_two_zones_pass(aws, scan):
    subnets = {s["AvailabilityZone"]: s["SubnetId"]
               for s in aws.client("ec2", region_name="us-east-1").describe_subnets()["Subnets"]}
    elbv2 = aws.client("elbv2", region_name="us-east-1")
    elbv2.create_load_balancer(Name="front", Scheme="internet-facing",
                               Subnets=[subnets["us-east-1a"], subnets["us-east-1b"]])
    elbv2.create_load_balancer(Name="internal-nlb", Scheme="internal", Type="network",
                               Subnets=[subnets["us-east-1a"]])
    elb = aws.client("elb", region_name="us-east-1")
    elb.create_load_balancer(LoadBalancerName="legacy", AvailabilityZones=["us-east-1a"],
                             Listeners=[{"Protocol": "HTTP", "LoadBalancerPort": 80, "InstancePort": 80}])

    result = scan([CHECK])

    front = by_resource(result, "app/front/")
    assert front.status == "pass" and front.evidence.observed["availability_zones"] == ["us-east-1a", "us-east-1b"]
    nlb = by_resource(result, "/internal-nlb/")
    assert nlb.status == "fail" and nlb.evidence.observed["type"] == "Network Load Balancer"
    legacy = by_resource(result, "loadbalancer/legacy")
    assert legacy.status == "fail" and "Classic Load Balancer legacy is enabled only in us-east-1a" == legacy.message


def test_denied_classic_listing_keeps_v2_findings(aws, scan):
    subnets = [s["SubnetId"] for s in aws.client("ec2", region_name="us-east-1").describe_subnets()["Subnets"]]
    aws.client("elbv2", region_name="us-east-1").create_load_balancer(Name="front", Subnets=subnets[:2],
                                                                      Scheme="internal")

    prepare = deny("elb", "describe_load_balancers", code="AccessDenied", status=403)

    result = scan([CHECK], prepare=prepare)

    assert by_resource(result, "app/front/").status == "pass"
    [denied] = [f for f in result.findings if f.status == "not_assessed"]
    assert denied.missing_permission == "elasticloadbalancing:DescribeLoadBalancers"
