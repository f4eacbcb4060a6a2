"""Demo resources for the reliability and performance depth checks: quotas managed ahead of need, backlog
alarms, stream consumers, levers, API contracts and caches, latency routing and network monitors.

The payments workload in us-east-1 watches its settlement queue's age and its load balancer's targets,
bounds its ledger stream consumer, types and caches its public API, and routes users to the nearest
Region; its dead-letter queue and its order-event stream consumer are left unwatched and unbounded. The
legacy estate in eu-west-1 calls its functions only synchronously and has no quota automation. Reads
moto lacks are filled in.
"""

from __future__ import annotations

import json
from typing import Any

from scanner.demo import DemoAccount, FillInError

EAST, WEST = "us-east-1", "eu-west-1"


def seed(demo: DemoAccount) -> None:
    """Add the reliability-depth resources to the demo account."""
    _quotas(demo)
    _backlog_alarms(demo)
    _streams(demo)
    _levers(demo)
    _api_contract_and_cache(demo)
    _dns_routing(demo)
    _network_monitors(demo)
    _remediating_alarm(demo)


def _quotas(demo: DemoAccount) -> None:
    """Automatic Management and request history in us-east-1 only; the organization template raises vCPUs."""
    def auto_management(params: dict[str, Any], region: str) -> dict[str, Any]:
        if region != EAST:
            raise FillInError("NoSuchResourceException", "Automatic Management is not started", 400)
        return {"OptInLevel": "ACCOUNT", "OptInType": "NotifyOnly", "OptInStatus": "ENABLED",
                "NotificationArn": f"arn:aws:notifications::{demo.account}:configuration/quota-alerts",
                "ExclusionList": {}}

    def history(params: dict[str, Any], region: str) -> dict[str, Any]:
        if region != EAST:
            return {"RequestedQuotas": []}
        return {"RequestedQuotas": [
            {"Id": "demo-req-0001", "ServiceCode": "ec2", "QuotaCode": "L-1216C47A", "Status": "APPROVED",
             "QuotaName": "Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances", "DesiredValue": 256.0,
             "Created": demo.days_ago(40)},
            {"Id": "demo-req-0002", "ServiceCode": "lambda", "QuotaCode": "L-B99A9384", "Status": "CASE_OPENED",
             "QuotaName": "Concurrent executions", "DesiredValue": 3000.0, "Created": demo.days_ago(2)}]}

    template = [{"ServiceCode": "ec2", "QuotaCode": "L-1216C47A", "QuotaName": "Running On-Demand Standard "
                 "(A, C, D, H, I, M, R, T, Z) instances", "DesiredValue": 256.0, "AwsRegion": region,
                 "Unit": "None", "GlobalQuota": False} for region in (EAST, WEST)]
    demo.fill_in("service-quotas", "GetAutoManagementConfiguration", auto_management)
    demo.fill_in("service-quotas", "ListRequestedServiceQuotaChangeHistory", history)
    demo.fill_in("service-quotas", "GetAssociationForServiceQuotaTemplate",
                 lambda params, region: {"ServiceQuotaTemplateAssociationStatus": "ASSOCIATED"})
    demo.fill_in("service-quotas", "ListServiceQuotaIncreaseRequestsInTemplate",
                 lambda params, region: {"ServiceQuotaIncreaseRequestInTemplateList": template})


def _backlog_alarms(demo: DemoAccount) -> None:
    """The settlement queue's age and the payments load balancer's targets are alarmed; the DLQ is not."""
    topic = f"arn:aws:sns:{EAST}:{demo.account}:payments-on-call"
    cw = demo.client("cloudwatch", EAST)
    common = {"Period": 60, "EvaluationPeriods": 3, "ComparisonOperator": "GreaterThanThreshold",
              "AlarmActions": [topic]}
    cw.put_metric_alarm(AlarmName="payments-settlement-backlog-age", Namespace="AWS/SQS",
                        MetricName="ApproximateAgeOfOldestMessage", Statistic="Maximum", Threshold=300,
                        Dimensions=[{"Name": "QueueName", "Value": "payments-settlement"}], **common)
    for lb in demo.client("elbv2", EAST).describe_load_balancers()["LoadBalancers"]:
        if lb["LoadBalancerName"] == "payments-alb":
            cw.put_metric_alarm(AlarmName="payments-alb-unhealthy-targets", Namespace="AWS/ApplicationELB",
                                MetricName="UnHealthyHostCount", Statistic="Maximum", Threshold=0,
                                Dimensions=[{"Name": "LoadBalancer",
                                             "Value": lb["LoadBalancerArn"].split(":loadbalancer/", 1)[1]}],
                                **common)


def _streams(demo: DemoAccount) -> None:
    """Two Kinesis consumers: the ledger's gives up after three retries into a queue, the orders' never does."""
    kinesis, lam = demo.client("kinesis", EAST), demo.client("lambda", EAST)
    sqs = demo.client("sqs", EAST)
    failed = sqs.create_queue(QueueName="payments-ledger-failed-batches")["QueueUrl"]
    failed_arn = sqs.get_queue_attributes(QueueUrl=failed, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    cw = demo.client("cloudwatch", EAST)
    cw.put_metric_alarm(AlarmName="payments-ledger-failed-batches", Namespace="AWS/SQS",
                        MetricName="ApproximateNumberOfMessagesVisible", Statistic="Maximum", Threshold=0,
                        Period=60, EvaluationPeriods=1, ComparisonOperator="GreaterThanThreshold",
                        Dimensions=[{"Name": "QueueName", "Value": "payments-ledger-failed-batches"}])
    sqs.set_queue_attributes(QueueUrl=failed, Attributes={"RedriveAllowPolicy": json.dumps(
        {"redrivePermission": "allowAll"})})
    for stream, bounded in (("payments-ledger-events", True), ("payments-order-events", False)):
        kinesis.create_stream(StreamName=stream, ShardCount=1)
        arn = kinesis.describe_stream(StreamName=stream)["StreamDescription"]["StreamARN"]
        extra: dict[str, Any] = {"MaximumRetryAttempts": 3, "BisectBatchOnFunctionError": True,
                                 "DestinationConfig": {"OnFailure": {"Destination": failed_arn}}} if bounded else {}
        lam.create_event_source_mapping(EventSourceArn=arn, FunctionName="payments-events-consumer",
                                        StartingPosition="LATEST", BatchSize=100, **extra)


def _levers(demo: DemoAccount) -> None:
    """An ARC control panel with routing controls for the payments Regions (moto has no ARC)."""
    panel = {"ClusterArn": f"arn:aws:route53-recovery-control::{demo.account}:cluster/demo-payments",
             "ControlPanelArn": f"arn:aws:route53-recovery-control::{demo.account}:controlpanel/demo-payments",
             "DefaultControlPanel": False, "Name": "payments-regions", "RoutingControlCount": 2,
             "Status": "DEPLOYED", "Owner": demo.account}
    demo.fill_in("route53-recovery-control-config", "ListControlPanels",
                 lambda params, region: {"ControlPanels": [panel]})


def _api_contract_and_cache(demo: DemoAccount) -> None:
    """The public payments API types its payment requests, validates them and caches the prod stage."""
    gw = demo.client("apigateway", EAST)
    for api in gw.get_rest_apis()["items"]:
        if api["name"] != "payments-public":
            continue
        gw.create_model(restApiId=api["id"], name="PaymentRequest", contentType="application/json",
                        schema=json.dumps({"type": "object", "required": ["amount", "currency"],
                                           "properties": {"amount": {"type": "number"},
                                                          "currency": {"type": "string"}}}))
        gw.create_request_validator(restApiId=api["id"], name="body-and-params", validateRequestBody=True,
                                    validateRequestParameters=True)
        gw.update_stage(restApiId=api["id"], stageName="prod", patchOperations=[
            {"op": "replace", "path": "/cacheClusterEnabled", "value": "true"},
            {"op": "replace", "path": "/cacheClusterSize", "value": "0.5"}])


def _dns_routing(demo: DemoAccount) -> None:
    """www.payments.example.com answers from the nearer of the two Regions, each health-checked; the legacy
    reports name fails over only by hand."""
    r53 = demo.client("route53")
    zone = next(z["Id"] for z in r53.list_hosted_zones()["HostedZones"] if z["Name"] == "payments.example.com.")
    changes = []
    for region, address in ((EAST, "198.51.100.40"), (WEST, "203.0.113.40")):
        health = r53.create_health_check(CallerReference=f"payments-www-{region}", HealthCheckConfig={
            "Type": "HTTPS", "IPAddress": address, "Port": 443, "ResourcePath": "/health",
            "RequestInterval": 30, "FailureThreshold": 3})["HealthCheck"]["Id"]
        changes.append({"Action": "CREATE", "ResourceRecordSet": {
            "Name": "www.payments.example.com", "Type": "A", "SetIdentifier": region, "Region": region,
            "TTL": 60, "ResourceRecords": [{"Value": address}], "HealthCheckId": health}})
    r53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch={"Changes": changes})
    # The legacy reports name has a standby, but nothing tells Route 53 when to use it.
    legacy = next(z["Id"] for z in r53.list_hosted_zones()["HostedZones"] if z["Name"] == "legacy.example.net.")
    r53.change_resource_record_sets(HostedZoneId=legacy, ChangeBatch={"Changes": [
        {"Action": "CREATE", "ResourceRecordSet": {
            "Name": "reports.legacy.example.net", "Type": "A", "SetIdentifier": role.lower(), "Failover": role,
            "TTL": 300, "ResourceRecords": [{"Value": address}]}}
        for role, address in (("PRIMARY", "198.51.100.31"), ("SECONDARY", "198.51.100.32"))]})


def _network_monitors(demo: DemoAccount) -> None:
    """An Internet Monitor for the payments VPC in us-east-1; nothing in eu-west-1 (moto has neither service)."""
    monitor = {"MonitorName": "payments-users", "Status": "ACTIVE", "ProcessingStatus": "OK",
               "MonitorArn": f"arn:aws:internetmonitor:{EAST}:{demo.account}:monitor/payments-users"}
    demo.fill_in("internetmonitor", "ListMonitors",
                 lambda params, region: {"Monitors": [monitor] if region == EAST else []})
    demo.fill_in("networkmonitor", "ListMonitors", lambda params, region: {"monitors": []})


def _remediating_alarm(demo: DemoAccount) -> None:
    """payments-web adds two instances when request latency stays high (a step policy on an alarm)."""
    autoscaling = demo.client("autoscaling", EAST)
    autoscaling.put_scaling_policy(
        AutoScalingGroupName="payments-web", PolicyName="latency-step-out", PolicyType="StepScaling",
        AdjustmentType="ChangeInCapacity", StepAdjustments=[{"MetricIntervalLowerBound": 0.0, "ScalingAdjustment": 2}])
    policy = autoscaling.describe_policies(AutoScalingGroupName="payments-web",
                                           PolicyNames=["latency-step-out"])["ScalingPolicies"][0]
    demo.client("cloudwatch", EAST).put_metric_alarm(
        AlarmName="payments-alb-latency-scale-out", Namespace="AWS/ApplicationELB", MetricName="TargetResponseTime",
        Statistic="Average", Period=60, EvaluationPeriods=3, Threshold=0.5, ComparisonOperator="GreaterThanThreshold",
        AlarmActions=[policy["PolicyARN"]])
