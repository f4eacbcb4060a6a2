"""Demo resources for the delivery and telemetry checks.

us-east-1's payments team saves its Logs Insights queries, watches request counts with anomaly detection
and traces the events consumer's calls to its table; nothing is instrumented for Application Signals, and
eu-west-1 analyses nothing. moto lacks saved queries, log anomaly detectors, metric anomaly detectors, the
X-Ray service graph and Application Signals: fill-ins answer for them.
"""

from __future__ import annotations

from typing import Any

from scanner.demo import DemoAccount

EAST = "us-east-1"


def seed(demo: DemoAccount) -> None:
    """Register the fill-ins for the telemetry reads moto lacks."""
    demo.fill_in("logs", "DescribeQueryDefinitions", _queries)
    demo.fill_in("logs", "ListLogAnomalyDetectors", _log_detectors(demo))
    demo.fill_in("cloudwatch", "DescribeAnomalyDetectors", _metric_detectors)
    demo.fill_in("xray", "GetServiceGraph", _service_graph(demo))
    demo.fill_in("application-signals", "ListServices", lambda params, region: {
        "StartTime": params.get("StartTime"), "EndTime": params.get("EndTime"), "ServiceSummaries": []})


def _queries(params: dict[str, Any], region: str) -> dict[str, Any]:
    if region != EAST:
        return {"queryDefinitions": []}
    return {"queryDefinitions": [
        {"queryDefinitionId": "5f0e1d2c-demo-errors", "name": "payments/errors-by-type",
         "queryString": "fields @timestamp, errorType | filter level = 'ERROR' | stats count() by errorType",
         "logGroupNames": ["/aws/lambda/payments-events-consumer"]}]}


def _log_detectors(demo: DemoAccount) -> Any:
    def answer(params: dict[str, Any], region: str) -> dict[str, Any]:
        if region != EAST:
            return {"anomalyDetectors": []}
        return {"anomalyDetectors": [{
            "anomalyDetectorArn": f"arn:aws:logs:{EAST}:{demo.account}:anomaly-detector:payments-consumer",
            "detectorName": "payments-consumer", "anomalyDetectorStatus": "ANALYZING",
            "evaluationFrequency": "FIFTEEN_MIN",
            "logGroupArnList": [f"arn:aws:logs:{EAST}:{demo.account}:log-group:/aws/lambda/payments-events-consumer"]}]}

    return answer


def _metric_detectors(params: dict[str, Any], region: str) -> dict[str, Any]:
    if region != EAST:
        return {"AnomalyDetectors": []}
    return {"AnomalyDetectors": [{
        "SingleMetricAnomalyDetector": {"Namespace": "AWS/Lambda", "MetricName": "Invocations", "Stat": "Sum",
                                        "Dimensions": [{"Name": "FunctionName", "Value": "payments-events-consumer"}]},
        "StateValue": "TRAINED"}]}


def _service_graph(demo: DemoAccount) -> Any:
    def answer(params: dict[str, Any], region: str) -> dict[str, Any]:
        if region != EAST:
            return {"Services": []}
        return {"StartTime": params.get("StartTime"), "EndTime": params.get("EndTime"), "Services": [
            {"ReferenceId": 0, "Name": "payments-events-consumer", "Type": "AWS::Lambda::Function",
             "AccountId": demo.account, "Edges": [{"ReferenceId": 1}]},
            {"ReferenceId": 1, "Name": "payments-idempotency", "Type": "AWS::DynamoDB::Table",
             "AccountId": demo.account, "Edges": []}]}

    return answer
