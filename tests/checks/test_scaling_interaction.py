"""Scaling and interaction-failure checks against moto: Auto Scaling policies and schedules, DynamoDB capacity
with Application Auto Scaling, SQS redrive policies, API Gateway stage throttles and usage plans."""

from __future__ import annotations

import json

from tests.helpers import assert_denied, by_resource, deny, statuses


def _group(aws, name, minimum, maximum, zones=1):
    ec2 = aws.client("ec2", region_name="us-east-1")
    subnets = sorted(ec2.describe_subnets()["Subnets"], key=lambda s: s["AvailabilityZone"])
    picked = list({s["AvailabilityZone"]: s for s in subnets}.values())[:zones]
    asg = aws.client("autoscaling", region_name="us-east-1")
    if not asg.describe_launch_configurations()["LaunchConfigurations"]:
        asg.create_launch_configuration(LaunchConfigurationName="lc", ImageId="ami-12345678", InstanceType="t3.micro")
    asg.create_auto_scaling_group(AutoScalingGroupName=name, LaunchConfigurationName="lc", MinSize=minimum,
                                  MaxSize=maximum, DesiredCapacity=minimum,
                                  VPCZoneIdentifier=",".join(s["SubnetId"] for s in picked))
    return asg


def test_groups_with_policy_or_schedule_pass(aws, scan):
    asg = _group(aws, "tracked", 1, 4)
    asg.put_scaling_policy(AutoScalingGroupName="tracked", PolicyName="cpu50", PolicyType="TargetTrackingScaling",
                           TargetTrackingConfiguration={"TargetValue": 50.0, "PredefinedMetricSpecification": {
                               "PredefinedMetricType": "ASGAverageCPUUtilization"}})
    _group(aws, "scheduled", 1, 4)
    asg.put_scheduled_update_group_action(AutoScalingGroupName="scheduled", ScheduledActionName="morning",
                                          Recurrence="0 7 * * *", DesiredCapacity=3)
    _group(aws, "manual", 1, 4)
    _group(aws, "fixed", 2, 2)

    result = scan(["autoscaling.groups_scale_dynamically"])

    status = {f.resource.rsplit("/", 1)[-1]: f.status.value for f in result.findings}
    assert status == {"tracked": "pass", "scheduled": "pass", "manual": "fail", "fixed": "fail"}
    tracked = by_resource(result, "autoScalingGroupName/tracked")
    assert tracked.evidence.observed["policy_types"] == ["TargetTrackingScaling"]
    assert "fixed at 2" in by_resource(result, "autoScalingGroupName/fixed").message


def test_policies_denied(aws, scan):
    _group(aws, "manual", 1, 4)
    result = scan(["autoscaling.groups_scale_dynamically"], prepare=deny("autoscaling", "describe_policies", before=[
        ("describe_auto_scaling_groups", {"AutoScalingGroups": [{
            "AutoScalingGroupName": "manual", "AutoScalingGroupARN": "arn:aws:autoscaling:x", "MinSize": 1,
            "MaxSize": 4, "DesiredCapacity": 1, "AvailabilityZones": ["us-east-1a"], "HealthCheckType": "EC2",
            "CreatedTime": "2024-01-01T00:00:00Z", "DefaultCooldown": 300}]})]))
    assert_denied(result, "autoscaling:DescribePolicies")


def test_capacity_in_every_zone(aws, scan):
    _group(aws, "spread", 2, 6, zones=2)
    _group(aws, "thin", 1, 6, zones=2)
    _group(aws, "single", 1, 6, zones=1)

    result = scan(["autoscaling.capacity_in_every_zone"])

    status = {f.resource.rsplit("/", 1)[-1]: f.status.value for f in result.findings}
    assert status == {"spread": "pass", "thin": "fail"}


def _table(ddb, name, mode):
    extra = {"BillingMode": "PAY_PER_REQUEST"} if mode == "on-demand" else {
        "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}}
    ddb.create_table(TableName=name, KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}], **extra)


def test_dynamodb_capacity(aws, scan):
    ddb = aws.client("dynamodb", region_name="us-east-1")
    _table(ddb, "on-demand", "on-demand")
    _table(ddb, "scaled", "provisioned")
    _table(ddb, "half", "provisioned")
    _table(ddb, "fixed", "provisioned")
    aas = aws.client("application-autoscaling", region_name="us-east-1")
    for table, dims in (("scaled", ("Read", "Write")), ("half", ("Read",))):
        for dim in dims:
            aas.register_scalable_target(ServiceNamespace="dynamodb", ResourceId=f"table/{table}",
                                         ScalableDimension=f"dynamodb:table:{dim}CapacityUnits",
                                         MinCapacity=5, MaxCapacity=100)

    result = scan(["dynamodb.capacity_scales"])

    status = {f.resource.rsplit("/", 1)[-1]: f.status.value for f in result.findings}
    assert status == {"on-demand": "pass", "scaled": "pass", "half": "fail", "fixed": "fail"}
    assert "WriteCapacityUnits" in by_resource(result, "table/half").message


def test_scalable_targets_denied_leaves_provisioned_tables_not_assessed(aws, scan):
    ddb = aws.client("dynamodb", region_name="us-east-1")
    _table(ddb, "on-demand", "on-demand")
    _table(ddb, "fixed", "provisioned")
    result = scan(["dynamodb.capacity_scales"],
                  prepare=deny("application-autoscaling", "describe_scalable_targets"))
    assert statuses(result) == {"arn:aws:dynamodb:us-east-1:123456789012:table/on-demand": "pass",
                                "arn:aws:dynamodb:us-east-1:123456789012:table/fixed": "not_assessed"}
    assert by_resource(result, "table/fixed").missing_permission == "application-autoscaling:DescribeScalableTargets"


def test_sqs_dead_letter_queues(aws, scan):
    sqs = aws.client("sqs", region_name="us-east-1")
    dlq = sqs.create_queue(QueueName="orders-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sqs.create_queue(QueueName="orders", Attributes={"RedrivePolicy": json.dumps(
        {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "5"})})
    sqs.create_queue(QueueName="stubborn", Attributes={"RedrivePolicy": json.dumps(
        {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "100"})})
    sqs.create_queue(QueueName="events")

    result = scan(["sqs.dead_letter_queues"])

    status = {f.resource.rsplit(":", 1)[-1]: f.status.value for f in result.findings}
    assert status == {"orders": "pass", "stubborn": "fail", "events": "fail"}
    assert by_resource(result, ":orders").evidence.observed["max_receive_count"] == 5


def test_sqs_attributes_denied(aws, scan):
    sqs = aws.client("sqs", region_name="us-east-1")
    url = sqs.create_queue(QueueName="events")["QueueUrl"]
    result = scan(["sqs.dead_letter_queues"], prepare=deny("sqs", "get_queue_attributes", before=[
        ("list_queues", {"QueueUrls": [url]})]))
    assert_denied(result, "sqs:GetQueueAttributes")


def _api_with_stages(aws):
    gw = aws.client("apigateway", region_name="us-east-1")
    api = gw.create_rest_api(name="shop")["id"]
    root = gw.get_resources(restApiId=api)["items"][0]["id"]
    gw.put_method(restApiId=api, resourceId=root, httpMethod="GET", authorizationType="NONE")
    gw.put_integration(restApiId=api, resourceId=root, httpMethod="GET", type="MOCK")
    deployment = gw.create_deployment(restApiId=api)["id"]
    for stage in ("prod", "partner", "dev"):
        gw.create_stage(restApiId=api, stageName=stage, deploymentId=deployment)
    gw.update_stage(restApiId=api, stageName="prod", patchOperations=[
        {"op": "replace", "path": "/*/*/throttling/rateLimit", "value": "500"},
        {"op": "replace", "path": "/*/*/throttling/burstLimit", "value": "1000"}])
    gw.create_usage_plan(name="partners", throttle={"rateLimit": 50, "burstLimit": 100},
                         apiStages=[{"apiId": api, "stage": "partner"}])
    return api


def test_api_stages_throttled(aws, scan):
    api = _api_with_stages(aws)

    result = scan(["apigateway.stages_throttled"])

    status = {f.resource.rsplit("/", 1)[-1]: f.status.value for f in result.findings}
    assert status == {"prod": "pass", "partner": "pass", "dev": "fail"}
    prod = by_resource(result, f"{api}/stages/prod")
    assert prod.evidence.observed["stage_throttle"] == {"rate_limit": 500.0, "burst_limit": 1000}
    assert by_resource(result, f"{api}/stages/partner").evidence.observed["usage_plans"] == ["partners"]


def test_api_stages_denied(aws, scan):
    result = scan(["apigateway.stages_throttled"], prepare=deny("apigateway", "get_rest_apis"))
    assert_denied(result, "apigateway:GET")


def test_groups_behind_a_load_balancer_use_its_health_check(aws, scan):
    ec2 = aws.client("ec2", region_name="us-east-1")
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    target_group = aws.client("elbv2", region_name="us-east-1").create_target_group(
        Name="web", Protocol="HTTP", Port=80, VpcId=vpc)["TargetGroups"][0]["TargetGroupArn"]
    asg = _group(aws, "healed", 1, 4)
    _group(aws, "ec2-only", 1, 4)
    _group(aws, "alone", 1, 4)
    asg.attach_load_balancer_target_groups(AutoScalingGroupName="healed", TargetGroupARNs=[target_group])
    asg.attach_load_balancer_target_groups(AutoScalingGroupName="ec2-only", TargetGroupARNs=[target_group])
    asg.update_auto_scaling_group(AutoScalingGroupName="healed", HealthCheckType="ELB", HealthCheckGracePeriod=120)

    result = scan(["autoscaling.load_balancer_health_checks"])

    status = {f.resource.rsplit("/", 1)[-1]: f.status.value for f in result.findings}
    assert status == {"healed": "pass", "ec2-only": "fail"}
    assert by_resource(result, "autoScalingGroupName/ec2-only").evidence.observed["health_check_type"] == "EC2"


def test_groups_denied(aws, scan):
    result = scan(["autoscaling.load_balancer_health_checks", "autoscaling.capacity_in_every_zone"],
                  prepare=deny("autoscaling", "describe_auto_scaling_groups"))
    assert_denied(result, "autoscaling:DescribeAutoScalingGroups")
