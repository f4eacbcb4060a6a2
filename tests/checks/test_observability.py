"""Observability checks: alarm coverage, dashboards, agent metrics, metric filters (moto); canaries and RUM
(moto lacks DescribeCanariesLastRun and RUM: Stubber)."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime, timedelta

from botocore.stub import Stubber

from tests.conftest import ACCOUNT
from tests.helpers import assert_denied, by_resource, deny, statuses

ALARMED = "cloudwatch.resources_alarmed"


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("index.py", "def handler(event, context):\n    return 1\n")
    return buf.getvalue()


def _function(aws, name: str) -> None:
    iam = aws.client("iam")
    role = iam.create_role(RoleName=f"{name}-role", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                                                "Action": "sts:AssumeRole"}]}))["Role"]["Arn"]
    aws.client("lambda", region_name="us-east-1").create_function(
        FunctionName=name, Runtime="python3.12", Role=role, Handler="index.handler", Code={"ZipFile": _zip()})


def test_alarm_dimensions_are_matched_to_resources(aws, scan):
    _function(aws, "checkout")
    _function(aws, "reports")
    rds = aws.client("rds", region_name="us-east-1")
    for db in ("orders", "analytics"):
        rds.create_db_instance(DBInstanceIdentifier=db, DBInstanceClass="db.t3.micro", Engine="postgres",
                               MasterUsername="admin", MasterUserPassword="password123", AllocatedStorage=20)
    cw = aws.client("cloudwatch", region_name="us-east-1")
    cw.put_metric_alarm(AlarmName="checkout-errors", Namespace="AWS/Lambda", MetricName="Errors",
                        Dimensions=[{"Name": "FunctionName", "Value": "checkout"}], Statistic="Sum", Period=60,
                        EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanThreshold")
    cw.put_metric_alarm(AlarmName="orders-cpu", EvaluationPeriods=1, Threshold=80,
                        ComparisonOperator="GreaterThanThreshold", Metrics=[{
                            "Id": "m1", "ReturnData": True, "MetricStat": {"Period": 60, "Stat": "Average", "Metric": {
                                "Namespace": "AWS/RDS", "MetricName": "CPUUtilization",
                                "Dimensions": [{"Name": "DBInstanceIdentifier", "Value": "orders"}]}}}])
    result = scan([ALARMED])
    assert by_resource(result, "function:checkout").status == "pass"
    assert by_resource(result, "function:reports").status == "fail"
    assert by_resource(result, ":db:orders").status == "pass"
    assert by_resource(result, ":db:analytics").status == "fail"


def test_account_level_observability_checks(aws, scan):
    checks = ["cloudwatch.dashboards_exist", "cloudwatch.agent_metrics_published", "logs.metric_filters_exist"]
    assert set(statuses(scan(checks)).values()) == {"fail"}
    aws.client("cloudwatch", region_name="eu-west-1").put_dashboard(DashboardName="payments",
                                                                    DashboardBody=json.dumps({"widgets": []}))
    aws.client("cloudwatch", region_name="us-east-1").put_metric_data(Namespace="CWAgent", MetricData=[
        {"MetricName": "mem_used_percent", "Value": 41.0, "Dimensions": [{"Name": "host", "Value": "web-1"}]}])
    logs = aws.client("logs", region_name="us-east-1")
    logs.create_log_group(logGroupName="/payments/app")
    logs.put_metric_filter(logGroupName="/payments/app", filterName="errors", filterPattern="ERROR",
                           metricTransformations=[{"metricName": "AppErrors", "metricNamespace": "Payments",
                                                   "metricValue": "1"}])
    by = {f.check: f for f in scan(checks, regions=("us-east-1", "eu-west-1")).findings}
    assert {c: f.status.value for c, f in by.items()} == dict.fromkeys(checks, "pass")
    assert by["logs.metric_filters_exist"].evidence.observed["metric_filters"]["us-east-1"][0]["metrics"] == [
        "AppErrors"]


def _stub(service: str, *answers):
    def prepare(target):
        stub = Stubber(target.collector.client(service, "us-east-1"))
        for operation, answer in answers:
            stub.add_response(operation, answer)
        stub.activate()

    return prepare


def _canary(name: str, state: str = "RUNNING") -> dict:
    return {"Name": name, "Status": {"State": state}}


def _last(name: str, state: str, hours_ago: int) -> dict:
    done = datetime.now(UTC) - timedelta(hours=hours_ago)
    return {"CanaryName": name, "LastRun": {"Name": name, "Status": {"State": state},
                                            "Timeline": {"Started": done, "Completed": done}}}


def test_canaries_running_and_passing(aws, scan):
    result = scan(["synthetics.canaries_passing"], prepare=_stub(
        "synthetics", ("describe_canaries", {"Canaries": [_canary("home"), _canary("checkout"),
                                                          _canary("old", "STOPPED")]}),
        ("describe_canaries_last_run", {"CanariesLastRun": [_last("home", "PASSED", 1), _last("checkout", "FAILED", 1),
                                                            _last("old", "PASSED", 400)]})))
    assert by_resource(result, "canary:home").status == "pass"
    assert "FAILED" in by_resource(result, "canary:checkout").message
    assert "STOPPED" in by_resource(result, "canary:old").message
    [none] = scan(["synthetics.canaries_passing"]).findings
    assert none.status == "fail" and none.resource == f"arn:aws:synthetics::{ACCOUNT}:account"


def test_rum_app_monitor(aws, scan):
    [found] = scan(["rum.app_monitors_exist"], prepare=_stub("rum", ("list_app_monitors", {"AppMonitorSummaries": [
        {"Name": "storefront", "Id": "0f3b6a52-1d2c-4e5f-8a9b-0c1d2e3f4a5b", "State": "ACTIVE"}]}))).findings
    assert found.status == "pass" and "storefront" in found.message
    [missing] = scan(["rum.app_monitors_exist"], prepare=_stub("rum", ("list_app_monitors",
                                                                        {"AppMonitorSummaries": []}))).findings
    assert missing.status == "fail"


def test_denied_reads_are_not_assessed(aws, scan):
    assert_denied(scan([ALARMED], prepare=deny("cloudwatch", "describe_alarms")), "cloudwatch:DescribeAlarms")
    assert_denied(scan(["rum.app_monitors_exist"], prepare=deny("rum", "list_app_monitors")), "rum:ListAppMonitors")
    assert_denied(scan(["synthetics.canaries_passing"], prepare=deny("synthetics", "describe_canaries_last_run",
                                                                      before=[("describe_canaries", {
                                                                          "Canaries": [_canary("home")]})])),
                  "synthetics:DescribeCanariesLastRun")
