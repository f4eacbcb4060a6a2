"""sqs.backlog_alarmed, lambda.stream_failures_bounded and events.asynchronous_integrations against moto."""

from __future__ import annotations

import io
import json
import zipfile

from tests.helpers import assert_denied, by_resource, deny

BACKLOG, STREAMS, ASYNC = "sqs.backlog_alarmed", "lambda.stream_failures_bounded", "events.asynchronous_integrations"


def _function(aws, name: str = "consumer") -> str:
    role = aws.client("iam").create_role(RoleName=f"fn-{name}", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("handler.py", "def handler(event, context):\n    return 1\n")
    return aws.client("lambda").create_function(FunctionName=name, Runtime="python3.12", Role=role,
                                                Handler="handler.handler", Code={"ZipFile": buf.getvalue()})[
        "FunctionArn"]


def _queue(sqs, name: str, **attributes: str) -> tuple[str, str]:
    url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    return url, sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def _alarm(aws, name: str, metric: str, queue: str) -> None:
    aws.client("cloudwatch").put_metric_alarm(
        AlarmName=name, Namespace="AWS/SQS", MetricName=metric, Dimensions=[{"Name": "QueueName", "Value": queue}],
        Statistic="Maximum", Period=60, EvaluationPeriods=1, Threshold=0, ComparisonOperator="GreaterThanThreshold")


def _queue_finding(result, name: str):
    [found] = [f for f in result.findings if f.check == BACKLOG and f.resource.endswith(f":{name}")]
    return found


def test_queue_and_dead_letter_queue_alarms(aws, scan):
    sqs = aws.client("sqs")
    _, dlq_arn = _queue(sqs, "orders-dlq")
    _queue(sqs, "orders", RedrivePolicy=json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "5"}))
    _queue(sqs, "reports")
    _, quiet_dlq = _queue(sqs, "reports-dlq")
    _queue(sqs, "invoices", RedrivePolicy=json.dumps({"deadLetterTargetArn": quiet_dlq, "maxReceiveCount": "3"}))
    _alarm(aws, "orders-age", "ApproximateAgeOfOldestMessage", "orders")
    _alarm(aws, "orders-dlq-depth", "ApproximateNumberOfMessagesVisible", "orders-dlq")
    _alarm(aws, "reports-depth", "ApproximateNumberOfMessagesVisible", "reports")  # depth is not age

    result = scan([BACKLOG])

    assert _queue_finding(result, "orders").status == "pass"
    dlq = _queue_finding(result, "orders-dlq")
    assert dlq.status == "pass" and dlq.evidence.observed["dead_letter_queue"] is True
    reports = _queue_finding(result, "reports")
    assert reports.status == "fail" and "age of its oldest message" in reports.message
    quiet = _queue_finding(result, "reports-dlq")
    assert quiet.status == "fail" and "dead-letter queue" in quiet.message


def test_no_queue_no_finding_and_denied_alarms(aws, scan):
    assert scan([BACKLOG]).findings == []
    _queue(aws.client("sqs"), "orders")
    result = scan([BACKLOG], prepare=deny("cloudwatch", "describe_alarms", code="AccessDenied"))
    assert_denied(result, "cloudwatch:DescribeAlarms", BACKLOG)


def _stream(aws, name: str) -> str:
    kinesis = aws.client("kinesis")
    kinesis.create_stream(StreamName=name, ShardCount=1)
    return kinesis.describe_stream(StreamName=name)["StreamDescription"]["StreamARN"]


def test_stream_consumers_bounded_unbounded_and_without_destination(aws, scan):
    _function(aws)
    lam = aws.client("lambda")
    _, failed = _queue(aws.client("sqs"), "failed-batches")
    bounded = lam.create_event_source_mapping(
        EventSourceArn=_stream(aws, "ledger"), FunctionName="consumer", StartingPosition="LATEST",
        MaximumRetryAttempts=2, DestinationConfig={"OnFailure": {"Destination": failed}})["UUID"]
    forever = lam.create_event_source_mapping(EventSourceArn=_stream(aws, "orders"), FunctionName="consumer",
                                              StartingPosition="LATEST")["UUID"]
    lossy = lam.create_event_source_mapping(EventSourceArn=_stream(aws, "clicks"), FunctionName="consumer",
                                            StartingPosition="LATEST", MaximumRecordAgeInSeconds=3600)["UUID"]
    _, queue = _queue(aws.client("sqs"), "jobs")
    lam.create_event_source_mapping(EventSourceArn=queue, FunctionName="consumer")  # queues: not judged here

    result = scan([STREAMS, BACKLOG])

    passed = by_resource(result, bounded, STREAMS)
    assert passed.status == "pass" and "after 2 retries" in passed.message
    assert "until its records expire" in by_resource(result, forever, STREAMS).message
    assert "no on-failure destination" in by_resource(result, lossy, STREAMS).message
    assert len([f for f in result.findings if f.check == STREAMS]) == 3
    # The consumers' failure queue is judged as a dead-letter queue: it needs an alarm on what it holds.
    assert by_resource(result, ":failed-batches", BACKLOG).evidence.observed["dead_letter_queue"] is True


def test_stream_mappings_denied(aws, scan):
    result = scan([STREAMS], prepare=deny("lambda", "list_event_source_mappings"))
    assert_denied(result, "lambda:ListEventSourceMappings", STREAMS)


def test_asynchronous_integrations_found_or_missing(aws, scan):
    _function(aws)
    result = scan([ASYNC])
    [finding] = result.findings
    assert finding.status == "fail" and "1 Lambda function(s)" in finding.message

    aws.client("events").create_event_bus(Name="orders")
    aws.client("events").put_rule(Name="order-placed", EventBusName="orders",
                                  EventPattern=json.dumps({"source": ["shop.orders"]}))
    aws.client("events").put_rule(Name="health", EventPattern=json.dumps({"source": ["aws.health"]}))
    aws.client("stepfunctions").create_state_machine(
        name="fulfil", definition=json.dumps({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}),
        roleArn="arn:aws:iam::123456789012:role/sfn")

    [finding] = scan([ASYNC]).findings
    assert finding.status == "pass"
    assert finding.evidence.observed["event_bus_rules"] == ["orders/order-placed"]  # the default bus is not counted
    assert finding.evidence.observed["state_machines"] == ["fulfil"]


def test_no_compute_no_intermediary_no_finding(aws, scan):
    assert scan([ASYNC]).findings == []


def test_asynchronous_integrations_all_reads_denied(aws, scan):
    def prepare(target):
        for service, operation in (("lambda", "list_event_source_mappings"), ("sns", "list_subscriptions"),
                                   ("events", "list_event_buses"), ("stepfunctions", "list_state_machines")):
            deny(service, operation)(target)
    [finding] = scan([ASYNC], prepare=prepare).findings
    assert finding.status == "not_assessed" and finding.missing_permission == "lambda:ListEventSourceMappings"
