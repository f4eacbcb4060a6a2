"""route53.public_endpoints_resilient and elb.target_health_alarmed against moto."""

from __future__ import annotations

from tests.helpers import assert_denied, by_resource, deny

PUBLIC, HEALTH = "route53.public_endpoints_resilient", "elb.target_health_alarmed"


def _zone(r53, name: str, records: list[dict], private: bool = False) -> str:
    kwargs = {"HostedZoneConfig": {"PrivateZone": True}, "VPC": {"VPCRegion": "us-east-1", "VPCId": "vpc-1"}} \
        if private else {}
    zone_id = r53.create_hosted_zone(Name=name, CallerReference=name, **kwargs)["HostedZone"]["Id"].rsplit("/", 1)[-1]
    r53.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={
        "Changes": [{"Action": "CREATE", "ResourceRecordSet": r} for r in records]})
    return zone_id


def _a(name: str, ip: str, **extra) -> dict:
    return {"Name": name, "Type": "A", "TTL": 60, "ResourceRecords": [{"Value": ip}], **extra}


def test_fixed_addresses_fail_front_doors_and_health_checks_pass(aws, scan):
    r53 = aws.client("route53")
    check_id = r53.create_health_check(CallerReference="hc", HealthCheckConfig={
        "Type": "HTTPS", "FullyQualifiedDomainName": "api.good.example", "Port": 443,
        "ResourcePath": "/health"})["HealthCheck"]["Id"]
    good = _zone(r53, "good.example", [
        {"Name": "www.good.example", "Type": "A", "AliasTarget": {
            "HostedZoneId": "Z35SXDOTRQ7X7K", "DNSName": "dualstack.web-123.us-east-1.elb.amazonaws.com.",
            "EvaluateTargetHealth": True}},
        {"Name": "cdn.good.example", "Type": "CNAME", "TTL": 300,
         "ResourceRecords": [{"Value": "d111111abcdef8.cloudfront.net"}]},
        _a("api.good.example", "198.51.100.7", SetIdentifier="primary", Failover="PRIMARY",
           HealthCheckId=check_id),
        {"Name": "mail.good.example", "Type": "CNAME", "TTL": 300,
         "ResourceRecords": [{"Value": "mx.mailhost.example"}]},  # outside AWS: not judged
    ])
    bad = _zone(r53, "legacy.example", [_a("app.legacy.example", "203.0.113.10"),
                                        {"Name": "www.legacy.example", "Type": "A", "AliasTarget": {
                                            "HostedZoneId": "Z2FDTNDATAQYW2", "DNSName": "d2.cloudfront.net.",
                                            "EvaluateTargetHealth": False}}])
    _zone(r53, "txt-only.example", [{"Name": "txt-only.example", "Type": "TXT", "TTL": 60,
                                     "ResourceRecords": [{"Value": '"v=spf1 -all"'}]}])
    _zone(r53, "internal.example", [_a("db.internal.example", "10.0.0.5")], private=True)

    result = scan([PUBLIC])

    passed = by_resource(result, good, PUBLIC)
    assert passed.status == "pass", passed.message
    assert passed.evidence.observed["counts"] == {"front_door": 2, "health_checked": 1, "fixed": 0}
    failed = by_resource(result, bad, PUBLIC)
    assert failed.status == "fail" and "app.legacy.example" in failed.message
    assert len(result.findings) == 2  # the TXT-only and private zones are not judged


def test_denied_record_listing_is_not_assessed(aws, scan):
    zones = {"HostedZones": [{"Id": "/hostedzone/Z0000000000001", "Name": "a.example.", "CallerReference": "a",
                              "Config": {"PrivateZone": False}}], "Marker": "", "IsTruncated": False, "MaxItems": "100"}
    result = scan([PUBLIC], prepare=deny("route53", "list_resource_record_sets",
                                         before=[("list_hosted_zones", zones)]))
    assert_denied(result, "route53:ListResourceRecordSets", PUBLIC)


def _balancer(aws, name: str) -> str:
    ec2 = aws.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"us-east-1{z}")[
        "Subnet"]["SubnetId"] for i, z in enumerate("ab")]
    return aws.client("elbv2").create_load_balancer(Name=name, Subnets=subnets, Scheme="internet-facing")[
        "LoadBalancers"][0]["LoadBalancerArn"]


def test_load_balancers_with_and_without_health_alarms(aws, scan):
    watched, blind = _balancer(aws, "web"), _balancer(aws, "batch")
    aws.client("cloudwatch").put_metric_alarm(
        AlarmName="web-unhealthy", Namespace="AWS/ApplicationELB", MetricName="UnHealthyHostCount",
        Dimensions=[{"Name": "LoadBalancer", "Value": watched.split(":loadbalancer/")[1]},
                    {"Name": "TargetGroup", "Value": "targetgroup/web/0123456789abcdef"}],
        Statistic="Maximum", Period=60, EvaluationPeriods=1, Threshold=0, ComparisonOperator="GreaterThanThreshold")
    aws.client("cloudwatch").put_metric_alarm(
        AlarmName="batch-5xx", Namespace="AWS/ApplicationELB", MetricName="HTTPCode_ELB_5XX_Count",
        Dimensions=[{"Name": "LoadBalancer", "Value": blind.split(":loadbalancer/")[1]}],
        Statistic="Sum", Period=60, EvaluationPeriods=1, Threshold=5, ComparisonOperator="GreaterThanThreshold")

    result = scan([HEALTH])

    assert by_resource(result, watched, HEALTH).status == "pass"
    assert "web-unhealthy" in by_resource(result, watched, HEALTH).message
    assert by_resource(result, blind, HEALTH).status == "fail"  # an alarm on 5xx is not one on target health


def test_no_load_balancer_no_finding_and_denied_alarms(aws, scan):
    assert scan([HEALTH]).findings == []
    _balancer(aws, "web")
    result = scan([HEALTH], prepare=deny("cloudwatch", "describe_alarms", code="AccessDenied"))
    assert_denied(result, "cloudwatch:DescribeAlarms", HEALTH)


FAILOVER = "route53.dns_failover_automated"


def _pair(name: str, primary_check: str | None, secondary: bool = True) -> list[dict]:
    primary = _a(name, "198.51.100.1", SetIdentifier="primary", Failover="PRIMARY",
                 **({"HealthCheckId": primary_check} if primary_check else {}))
    return [primary] + ([_a(name, "203.0.113.1", SetIdentifier="standby", Failover="SECONDARY")] if secondary else [])


def test_failover_pairs_automatic_manual_and_half(aws, scan):
    r53 = aws.client("route53")
    check_id = r53.create_health_check(CallerReference="p", HealthCheckConfig={
        "Type": "HTTPS", "IPAddress": "198.51.100.1", "Port": 443, "ResourcePath": "/health"})["HealthCheck"]["Id"]
    automatic = _zone(r53, "auto.example", _pair("api.auto.example", check_id))
    manual = _zone(r53, "manual.example", _pair("api.manual.example", None))
    half = _zone(r53, "half.example", _pair("api.half.example", check_id, secondary=False))
    _zone(r53, "simple.example", [_a("www.simple.example", "198.51.100.9")])

    result = scan([FAILOVER])

    assert by_resource(result, automatic, FAILOVER).status == "pass"
    assert "never triggers by itself" in by_resource(result, manual, FAILOVER).message
    assert "only one side" in by_resource(result, half, FAILOVER).message
    assert len(result.findings) == 3  # a zone without failover records gives no finding


def test_failover_denied_record_listing(aws, scan):
    zones = {"HostedZones": [{"Id": "/hostedzone/Z0000000000002", "Name": "b.example.", "CallerReference": "b",
                              "Config": {"PrivateZone": False}}], "Marker": "", "IsTruncated": False, "MaxItems": "100"}
    result = scan([FAILOVER], prepare=deny("route53", "list_resource_record_sets",
                                           before=[("list_hosted_zones", zones)]))
    assert_denied(result, "route53:ListResourceRecordSets", FAILOVER)
