"""ec2.accelerators_used, apigateway.stage_caching, route53.latency_routing, cloudwatch.alarms_remediate
against moto; cloudwatch.network_performance_monitored answered (moto has neither monitor service)."""

from __future__ import annotations

from tests.checks.answers import Refuse, answering
from tests.helpers import assert_denied, by_resource, deny

ACCEL, CACHE, LATENCY, MONITORS, REMEDIATE = (
    "ec2.accelerators_used", "apigateway.stage_caching", "route53.latency_routing",
    "cloudwatch.network_performance_monitored", "cloudwatch.alarms_remediate")


def test_accelerated_instances_pass_others_give_nothing(aws, scan):
    ec2 = aws.client("ec2")
    image = ec2.register_image(Name="base", RootDeviceName="/dev/xvda")["ImageId"]
    gpu = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, InstanceType="g5.xlarge")["Instances"][0]
    chip = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, InstanceType="inf2.xlarge")["Instances"][0]
    ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, InstanceType="m7g.large")  # general purpose
    ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, InstanceType="c6gn.large")  # "gn" is not a GPU

    result = scan([ACCEL])

    assert {f.resource.rsplit("/", 1)[-1] for f in result.findings} == {gpu["InstanceId"], chip["InstanceId"]}
    assert {f.status for f in result.findings} == {"pass"}


def test_accelerators_denied(aws, scan):
    assert_denied(scan([ACCEL], prepare=deny("ec2", "describe_instances")), "ec2:DescribeInstances")


def test_stages_with_and_without_cache(aws, scan):
    gw = aws.client("apigateway")
    api = gw.create_rest_api(name="catalogue")["id"]
    root = gw.get_resources(restApiId=api)["items"][0]["id"]
    gw.put_method(restApiId=api, resourceId=root, httpMethod="GET", authorizationType="NONE")
    gw.put_integration(restApiId=api, resourceId=root, httpMethod="GET", type="MOCK")
    deployment = gw.create_deployment(restApiId=api)["id"]
    gw.create_stage(restApiId=api, stageName="prod", deploymentId=deployment, cacheClusterEnabled=True,
                    cacheClusterSize="0.5")
    gw.create_stage(restApiId=api, stageName="dev", deploymentId=deployment)

    result = scan([CACHE])

    assert by_resource(result, "/stages/prod", CACHE).status == "pass"
    assert by_resource(result, "/stages/dev", CACHE).status == "fail"
    # The ARN API Gateway itself uses (no account id), the same resource the other stage checks name.
    prod = by_resource(result, "/stages/prod", CACHE)
    assert prod.resource == f"arn:aws:apigateway:us-east-1::/restapis/{api}/stages/prod"


def _zone(r53, name: str, records: list[dict]) -> str:
    zone = r53.create_hosted_zone(Name=name, CallerReference=name)["HostedZone"]["Id"].rsplit("/", 1)[-1]
    r53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch={
        "Changes": [{"Action": "CREATE", "ResourceRecordSet": r} for r in records]})
    return zone


def test_latency_records_in_two_regions(aws, scan):
    r53 = aws.client("route53")
    spread = _zone(r53, "global.example", [
        {"Name": "www.global.example", "Type": "A", "SetIdentifier": region, "Region": region, "TTL": 60,
         "ResourceRecords": [{"Value": ip}]}
        for region, ip in (("us-east-1", "198.51.100.1"), ("eu-west-1", "203.0.113.1"))])
    single = _zone(r53, "one.example", [{"Name": "www.one.example", "Type": "A", "SetIdentifier": "us",
                                         "Region": "us-east-1", "TTL": 60, "ResourceRecords": [{"Value": "1.2.3.4"}]}])

    result = scan([LATENCY])

    found = by_resource(result, spread, LATENCY)
    assert found.status == "pass" and found.evidence.observed["names"] == {
        "www.global.example": ["eu-west-1", "us-east-1"]}
    lone = by_resource(result, single, LATENCY)  # latency records in one Region choose no location
    assert lone.status == "fail" and lone.evidence.observed["single_region_names"] == {
        "www.one.example": ["us-east-1"]}
    assert "one Region only" in lone.message


def _monitors(internet: list[dict] | None = None, network: list[dict] | None = None, denied: str = ""):
    def refuse(params):
        raise Refuse("AccessDeniedException")
    return answering(
        ("internetmonitor", "ListMonitors", refuse if denied == "internet" else lambda p: {"Monitors": internet or []}),
        ("networkmonitor", "ListMonitors", refuse if denied == "network" else lambda p: {"monitors": network or []}))


def test_network_monitors_active_inactive_or_denied(aws, scan):
    assert scan([MONITORS], prepare=_monitors()).findings == []  # nothing runs here: nothing to measure
    ec2 = aws.client("ec2")
    ec2.run_instances(ImageId=ec2.register_image(Name="base", RootDeviceName="/dev/xvda")["ImageId"],
                      MinCount=1, MaxCount=1, InstanceType="m7g.large")
    active = {"MonitorName": "users", "MonitorArn": "arn:aws:internetmonitor:us-east-1:123456789012:monitor/users",
              "Status": "ACTIVE"}
    [ok] = scan([MONITORS], prepare=_monitors(internet=[active])).findings
    assert ok.status == "pass"
    [probe] = scan([MONITORS], prepare=_monitors(network=[{"monitorName": "dc", "state": "ACTIVE",
                                                           "monitorArn": "arn:aws:networkmonitor:x"}],
                                                 denied="internet")).findings
    assert probe.status == "pass"  # one active monitor is enough, even when the other service is denied
    [inactive] = scan([MONITORS], prepare=_monitors(internet=[{**active, "Status": "INACTIVE"}])).findings
    assert inactive.status == "fail"
    result = scan([MONITORS], prepare=_monitors(denied="internet"))
    assert_denied(result, "internetmonitor:ListMonitors")


def test_alarms_that_act_or_only_notify(aws, scan):
    cw = aws.client("cloudwatch")
    common = {"Namespace": "AWS/EC2", "MetricName": "CPUUtilization", "Statistic": "Average", "Period": 60,
              "EvaluationPeriods": 1, "Threshold": 80, "ComparisonOperator": "GreaterThanThreshold"}
    cw.put_metric_alarm(AlarmName="notify", AlarmActions=["arn:aws:sns:us-east-1:123456789012:ops"], **common)
    [notify_only] = scan([REMEDIATE]).findings
    assert notify_only.status == "fail"

    cw.put_metric_alarm(AlarmName="scale-out", AlarmActions=[
        "arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:1234:autoScalingGroupName/web:policyName/out"],
        **common)
    cw.put_metric_alarm(AlarmName="recover", AlarmActions=["arn:aws:automate:us-east-1:ec2:recover"],
                        ActionsEnabled=False, **common)  # switched off: it does nothing
    [acting] = scan([REMEDIATE]).findings
    assert acting.status == "pass" and acting.evidence.observed["remediating_alarms"] == ["scale-out"]


def test_no_alarm_no_finding(aws, scan):
    assert scan([REMEDIATE]).findings == []


def test_stage_caching_latency_and_remediation_denied(aws, scan):
    api = aws.client("apigateway").create_rest_api(name="catalogue")["id"]
    apis = {"items": [{"id": api, "name": "catalogue"}]}
    assert_denied(scan([CACHE], prepare=deny("apigateway", "get_stages", before=[("get_rest_apis", apis)])),
                  "apigateway:GET", CACHE)
    zones = {"HostedZones": [{"Id": "/hostedzone/Z0000000000003", "Name": "c.example.", "CallerReference": "c",
                              "Config": {"PrivateZone": False}}], "Marker": "", "IsTruncated": False, "MaxItems": "100"}
    assert_denied(scan([LATENCY], prepare=deny("route53", "list_resource_record_sets",
                                               before=[("list_hosted_zones", zones)])),
                  "route53:ListResourceRecordSets", LATENCY)
    assert_denied(scan([REMEDIATE], prepare=deny("cloudwatch", "describe_alarms", code="AccessDenied")),
                  "cloudwatch:DescribeAlarms", REMEDIATE)
