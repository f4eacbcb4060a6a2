"""logs.logs_analyzed, cloudwatch.metrics_anomaly_detection, xray.dependencies_traced and
application-signals.services_instrumented: moto holds Contributor Insights rules and alarms, the rest is
answered on the real service models (tests.checks.answers)."""

from __future__ import annotations

from tests.checks.answers import answering
from tests.conftest import ACCOUNT
from tests.helpers import assert_denied, deny

EMPTY_LOGS = (("logs", "DescribeQueryDefinitions", lambda p: {"queryDefinitions": []}),
              ("logs", "ListLogAnomalyDetectors", lambda p: {"anomalyDetectors": []}))


def _one(result, check: str):
    [finding] = [f for f in result.findings if f.check == check]
    return finding


# --- logs.logs_analyzed --------------------------------------------------------------------------------------

def test_saved_queries_and_detectors_pass(aws, scan):
    detector = {"detectorName": "payments-errors", "anomalyDetectorStatus": "ANALYZING",
                "anomalyDetectorArn": f"arn:aws:logs:us-east-1:{ACCOUNT}:anomaly-detector:abc"}
    paused = {**detector, "detectorName": "old", "anomalyDetectorStatus": "PAUSED"}
    result = scan(["logs.logs_analyzed"], prepare=answering(
        ("logs", "DescribeQueryDefinitions", lambda p: {"queryDefinitions": [
            {"queryDefinitionId": "q1", "name": "errors by type", "queryString": "fields @message"}]}),
        ("logs", "ListLogAnomalyDetectors", lambda p: {"anomalyDetectors": [detector, paused]})))
    found = _one(result, "logs.logs_analyzed")
    assert found.status == "pass"
    assert found.evidence.observed["analysis"]["us-east-1"] == {
        "saved_queries": ["errors by type"], "anomaly_detectors": ["payments-errors"],
        "contributor_insights_rules": []}


def test_a_contributor_insights_rule_alone_passes_and_nothing_fails(aws, scan):
    assert _one(scan(["logs.logs_analyzed"], prepare=answering(*EMPTY_LOGS)), "logs.logs_analyzed").status == "fail"
    aws.client("cloudwatch", region_name="us-east-1").put_insight_rule(
        RuleName="top-callers", RuleState="ENABLED", RuleDefinition='{"Schema": {"Name": "CloudWatchLogRule"}}')
    found = _one(scan(["logs.logs_analyzed"], prepare=answering(*EMPTY_LOGS)), "logs.logs_analyzed")
    assert found.status == "pass"
    assert found.evidence.observed["analysis"]["us-east-1"]["contributor_insights_rules"] == ["top-callers"]


def test_logs_denied_is_not_assessed(aws, scan):
    assert_denied(scan(["logs.logs_analyzed"], prepare=deny("logs", "describe_query_definitions")),
                  "logs:DescribeQueryDefinitions")


# --- cloudwatch.metrics_anomaly_detection ------------------------------------------------------------------

CHECK_METRICS = "cloudwatch.metrics_anomaly_detection"


def _detectors(*states: str):
    return ("cloudwatch", "DescribeAnomalyDetectors", lambda p: {"AnomalyDetectors": [
        {"SingleMetricAnomalyDetector": {"Namespace": "AWS/ApplicationELB", "MetricName": f"Requests{i}",
                                         "Stat": "Sum"}, "StateValue": state} for i, state in enumerate(states)]})


def test_a_trained_detector_passes_an_untrained_one_does_not(aws, scan):
    found = _one(scan([CHECK_METRICS], prepare=answering(_detectors("TRAINED", "PENDING_TRAINING"))), CHECK_METRICS)
    assert found.status == "pass"
    assert found.evidence.observed["anomaly_detection"]["us-east-1"]["modelled_metrics"] == [
        "AWS/ApplicationELB/Requests0"]
    assert _one(scan([CHECK_METRICS], prepare=answering(_detectors("PENDING_TRAINING"))), CHECK_METRICS).status \
        == "fail"


def test_an_anomaly_band_alarm_passes(aws, scan):
    aws.client("cloudwatch", region_name="us-east-1").put_metric_alarm(
        AlarmName="latency-anomaly", ComparisonOperator="GreaterThanUpperThreshold", EvaluationPeriods=3,
        ThresholdMetricId="band", Metrics=[
            {"Id": "m1", "MetricStat": {"Metric": {"Namespace": "AWS/ApplicationELB",
                                                   "MetricName": "TargetResponseTime"},
                                        "Period": 60, "Stat": "p99"}, "ReturnData": True},
            {"Id": "band", "Expression": "ANOMALY_DETECTION_BAND(m1, 2)", "ReturnData": True}])
    found = _one(scan([CHECK_METRICS], prepare=answering(_detectors())), CHECK_METRICS)
    assert found.status == "pass"
    assert found.evidence.observed["anomaly_detection"]["us-east-1"]["anomaly_alarms"] == ["latency-anomaly"]


def test_metrics_denied_is_not_assessed(aws, scan):
    assert_denied(scan([CHECK_METRICS], prepare=deny("cloudwatch", "describe_anomaly_detectors")),
                  "cloudwatch:DescribeAnomalyDetectors")


# --- xray.dependencies_traced ------------------------------------------------------------------------------

def _graph(*services):
    return ("xray", "GetServiceGraph", lambda p: {"Services": list(services)})


API = {"ReferenceId": 0, "Name": "payments-api", "Type": "AWS::Lambda::Function", "Edges": [{"ReferenceId": 1}]}
TABLE = {"ReferenceId": 1, "Name": "payments", "Type": "AWS::DynamoDB::Table", "Edges": []}


def test_an_edge_to_a_dependency_passes(aws, scan):
    found = _one(scan(["xray.dependencies_traced"], prepare=answering(_graph(API, TABLE))), "xray.dependencies_traced")
    assert found.status == "pass"
    assert found.evidence.observed["dependencies"] == {
        "us-east-1": ["payments-api -> payments (AWS::DynamoDB::Table)"]}


def test_services_without_edges_fail(aws, scan):
    lonely = {**API, "Edges": []}
    assert _one(scan(["xray.dependencies_traced"], prepare=answering(_graph(lonely))),
                "xray.dependencies_traced").status == "fail"
    assert _one(scan(["xray.dependencies_traced"], prepare=answering(_graph())),
                "xray.dependencies_traced").status == "fail"


def test_the_window_is_asked_for(aws, scan):
    asked = []

    def graph(params):
        asked.append(params)
        return {"Services": []}

    scan(["xray.dependencies_traced"], options={"xray.dependencies_traced": {"hours": 2}},
         prepare=answering(("xray", "GetServiceGraph", graph)))
    assert asked and (asked[0]["EndTime"] - asked[0]["StartTime"]).total_seconds() == 7200


def test_xray_denied_is_not_assessed(aws, scan):
    assert_denied(scan(["xray.dependencies_traced"], prepare=deny("xray", "get_service_graph")),
                  "xray:GetServiceGraph")


# --- application-signals.services_instrumented -------------------------------------------------------------

CHECK_SIGNALS = "application-signals.services_instrumented"


def _summaries(*attributes):
    return ("application-signals", "ListServices", lambda p: {
        "StartTime": p["StartTime"], "EndTime": p["EndTime"],
        "ServiceSummaries": [{"KeyAttributes": a, "MetricReferences": []} for a in attributes]})


def test_an_instrumented_service_passes_remote_services_do_not(aws, scan):
    service = {"Type": "Service", "Name": "checkout", "Environment": "eks:prod/default"}
    remote = {"Type": "AWS::Service", "Name": "AWS::DynamoDB"}
    found = _one(scan([CHECK_SIGNALS], prepare=answering(_summaries(service, remote))), CHECK_SIGNALS)
    assert found.status == "pass"
    assert found.evidence.observed["services"] == {"us-east-1": ["checkout (eks:prod/default)"]}
    assert _one(scan([CHECK_SIGNALS], prepare=answering(_summaries(remote))), CHECK_SIGNALS).status == "fail"


def test_signals_denied_is_not_assessed(aws, scan):
    assert_denied(scan([CHECK_SIGNALS], prepare=deny("application-signals", "list_services")),
                  "application-signals:ListServices")
