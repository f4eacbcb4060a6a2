"""Queues and streams between components: backlogs are watched, poison records stop blocking, work flows
asynchronously through durable intermediaries."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from scanner.api import CheckContext, Finding, NotAssessed, check

BACKLOG_METRICS = frozenset({"ApproximateAgeOfOldestMessage"})
DLQ_METRICS = frozenset({"ApproximateNumberOfMessagesVisible", "ApproximateAgeOfOldestMessage"})


def _queue_alarms(alarms: list[dict[str, Any]]) -> dict[str, dict[str, list[str]]]:
    """Queue name -> metric name -> names of alarms on that SQS metric of the queue."""
    out: dict[str, dict[str, list[str]]] = {}
    for alarm in alarms:
        metrics = [alarm] + [(m.get("MetricStat") or {}).get("Metric") or {} for m in alarm.get("Metrics") or []]
        for metric in metrics:
            if metric.get("Namespace") != "AWS/SQS":
                continue
            for dim in metric.get("Dimensions") or []:
                if dim.get("Name") == "QueueName":
                    out.setdefault(dim.get("Value", ""), {}).setdefault(metric.get("MetricName", ""), []).append(
                        alarm["AlarmName"])
    return out


def _dead_letter_targets(attributes: list[dict[str, str]]) -> set[str]:
    targets = set()
    for attrs in attributes:
        try:
            policy = json.loads(attrs.get("RedrivePolicy") or "{}")
        except ValueError:
            continue
        if isinstance(policy, dict) and policy.get("deadLetterTargetArn"):
            targets.add(policy["deadLetterTargetArn"])
    return targets


@check(
    id="sqs.backlog_alarmed",
    title="SQS backlogs are watched by alarms on message age",
    service="sqs",
    severity="medium",
    effort="low",
    description="""Every SQS queue has a CloudWatch alarm on ApproximateAgeOfOldestMessage, so a consumer
        that falls behind or stops is noticed before the queue serves requests its clients gave up on; every
        dead-letter queue (and every queue Lambda stream consumers send failed batches to) has an alarm on
        the messages it holds (ApproximateNumberOfMessagesVisible or their age). Queue attributes are the
        same per-queue reads as sqs.dead_letter_queues; alarms are one read per region.""",
    remediation="""Alarm on ApproximateAgeOfOldestMessage above the age after which a message is no longer
        worth processing (and set MessageRetentionPeriod near it); alarm on any message in a dead-letter queue.""",
    reads=["sqs:ListQueues", "sqs:GetQueueAttributes", "cloudwatch:DescribeAlarms",
           "lambda:ListEventSourceMappings"],
)
def backlog_alarmed(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per queue."""
    urls = ctx.call("sqs", "ListQueues").get("QueueUrls", [])
    if not urls:
        return

    def read(url: str) -> tuple[str, dict[str, str] | NotAssessed]:
        try:
            # The same read as sqs.dead_letter_queues, so each queue's attributes are fetched once per scan.
            return url, ctx.call("sqs", "GetQueueAttributes", QueueUrl=url,
                                 AttributeNames=["All"]).get("Attributes", {})
        except NotAssessed as exc:
            return url, exc

    read_all = ctx.map(read, urls)
    targets = _dead_letter_targets([a for _, a in read_all if isinstance(a, dict)])
    try:
        # A queue that stream consumers send failed batches to holds failures, like a dead-letter queue.
        targets |= {((m.get("DestinationConfig") or {}).get("OnFailure") or {}).get("Destination", "")
                    for m in event_source_mappings(ctx)} - {""}
    except NotAssessed:
        pass  # without the mappings, such queues are judged as ordinary queues
    answer = ctx.call("cloudwatch", "DescribeAlarms", AlarmTypes=["CompositeAlarm", "MetricAlarm"],
                      required=("MetricAlarms",))
    watched = _queue_alarms(answer.get("MetricAlarms", []))
    for url, attributes in read_all:
        name = url.rstrip("/").rsplit("/", 1)[-1]
        if isinstance(attributes, NotAssessed):
            yield ctx.not_assessed(ctx.arn("sqs", name), attributes)
            continue
        arn = attributes.get("QueueArn") or ctx.arn("sqs", name)
        dead_letter = arn in targets or bool(attributes.get("RedriveAllowPolicy") and
                                             not attributes.get("RedrivePolicy"))
        wanted = DLQ_METRICS if dead_letter else BACKLOG_METRICS
        alarms = sorted({a for metric, names in watched.get(name, {}).items() if metric in wanted for a in names})
        retention = int(attributes.get("MessageRetentionPeriod", 0) or 0)
        observed = {"queue": name, "dead_letter_queue": dead_letter, "alarms": alarms,
                    "message_retention_s": retention or None, "watched_metrics": sorted(wanted)}
        kind = "dead-letter queue" if dead_letter else "queue"
        if alarms:
            yield ctx.passed(arn, f"SQS {kind} {name} is watched by {', '.join(alarms[:3])}", observed)
        elif dead_letter:
            yield ctx.failed(arn, f"SQS dead-letter queue {name} has no alarm on the messages it holds", observed)
        else:
            yield ctx.failed(arn, f"SQS queue {name} has no alarm on the age of its oldest message: a stalled "
                             "consumer goes unnoticed while the backlog grows", observed)


def event_source_mappings(ctx: CheckContext) -> list[dict[str, Any]]:
    """Every Lambda event source mapping of the region (one paginated read)."""
    return ctx.call("lambda", "ListEventSourceMappings",
                    required=("EventSourceMappings",)).get("EventSourceMappings", [])


def _unbounded(value: Any) -> bool:
    return value is None or int(value) < 0


@check(
    id="lambda.stream_failures_bounded",
    title="Stream consumers give up on a failing batch instead of blocking the shard",
    service="lambda",
    severity="medium",
    effort="low",
    description="""Every Lambda event source mapping that reads a Kinesis or DynamoDB stream limits how long a
        failing batch is retried (MaximumRetryAttempts or MaximumRecordAgeInSeconds not -1) and sends what it
        gives up on to an on-failure destination. With the defaults, one poison record is retried until it
        expires from the stream, and the shard behind it stops for up to a week. Queue sources (SQS) are judged
        by sqs.dead_letter_queues.""",
    remediation="""Set MaximumRetryAttempts (for example 3) or MaximumRecordAgeInSeconds, turn on
        BisectBatchOnFunctionError, and add an SQS or SNS on-failure destination (lambda
        update-event-source-mapping).""",
    reads=["lambda:ListEventSourceMappings"],
)
def stream_failures_bounded(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per stream event source mapping."""
    for mapping in event_source_mappings(ctx):
        source = mapping.get("EventSourceArn") or ""
        if not (":kinesis:" in source or (":dynamodb:" in source and "/stream/" in source)):
            continue  # queues and brokers have their own failure handling
        uuid = mapping.get("UUID", "")
        arn = mapping.get("EventSourceMappingArn") or ctx.arn("lambda", f"event-source-mapping:{uuid}")
        function = (mapping.get("FunctionArn") or "").rsplit(":", 1)[-1]
        retries, age = mapping.get("MaximumRetryAttempts"), mapping.get("MaximumRecordAgeInSeconds")
        destination = ((mapping.get("DestinationConfig") or {}).get("OnFailure") or {}).get("Destination")
        observed = {"function": function, "source": source, "state": mapping.get("State"),
                    "maximum_retry_attempts": retries, "maximum_record_age_s": age,
                    "bisect_batch_on_error": mapping.get("BisectBatchOnFunctionError"),
                    "on_failure_destination": destination}
        label = f"Event source mapping {uuid} ({source.split(':')[-1]} -> {function})"
        if _unbounded(retries) and _unbounded(age):
            yield ctx.failed(arn, f"{label} retries a failing batch until its records expire", observed)
        elif not destination:
            yield ctx.failed(arn, f"{label} stops retrying but has no on-failure destination: skipped records are "
                             "lost without a trace", observed)
        else:
            limit = f"{retries} retries" if not _unbounded(retries) else f"{age} s of record age"
            yield ctx.passed(arn, f"{label} gives up after {limit} and sends the batch to "
                             f"{destination.rsplit(':', 1)[-1]}", observed)


@check(
    id="events.asynchronous_integrations",
    title="Components hand work to each other through queues, streams, topics or workflows",
    service="events",
    severity="low",
    effort="high",
    description="""The region has durable intermediaries wired between components: Lambda event source
        mappings from queues and streams, SNS subscriptions that deliver to queues or functions, EventBridge
        rules on custom event buses, or Step Functions state machines. A region that runs Lambda functions but
        has none of these is reported for the team to confirm: its functions may only be called synchronously.
        Integrations that do not pass through these services (containers calling each other, Amazon MQ used
        directly by applications) are not seen.""",
    remediation="""Where a caller does not need an immediate answer, put an SQS queue, an SNS topic, an
        EventBridge bus or a Step Functions workflow between producer and consumer so either side can fail,
        scale or change without the other.""",
    reads=["lambda:ListEventSourceMappings", "lambda:ListFunctions", "sns:ListSubscriptions",
           "events:ListEventBuses", "events:ListRules", "stepfunctions:ListStateMachines"],
)
def asynchronous_integrations(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per region."""
    found: dict[str, list[str]] = {}
    denied: list[NotAssessed] = []

    def gather(kind: str, read: Any) -> None:
        try:
            items = read()
        except NotAssessed as exc:
            denied.append(exc)
            return
        if items:
            found[kind] = items

    gather("event_source_mappings", lambda: [
        f"{(m.get('EventSourceArn') or '?').split(':')[-1]} -> {(m.get('FunctionArn') or '').rsplit(':', 1)[-1]}"
        for m in event_source_mappings(ctx) if m.get("State") not in ("Disabled", "Disabling")])
    gather("sns_subscriptions", lambda: [
        f"{s.get('TopicArn', '').rsplit(':', 1)[-1]} -> {s.get('Protocol')}"
        for s in ctx.call("sns", "ListSubscriptions", required=("Subscriptions",)).get("Subscriptions", [])
        if s.get("Protocol") in ("sqs", "lambda", "firehose")])
    gather("event_bus_rules", lambda: _custom_bus_rules(ctx))
    gather("state_machines", lambda: [
        m.get("name", "") for m in
        ctx.call("stepfunctions", "ListStateMachines", required=("stateMachines",)).get("stateMachines", [])])
    resource = ctx.account_resource()
    observed: dict[str, Any] = {k: v[:20] for k, v in found.items()}
    observed["counts"] = {k: len(v) for k, v in found.items()}
    if found:
        parts = ", ".join(f"{len(v)} {k.replace('_', ' ')}" for k, v in found.items())
        yield ctx.passed(resource, f"Components in {ctx.region} integrate asynchronously through {parts}", observed)
        return
    if denied:
        yield ctx.not_assessed(resource, denied[0])
        return
    functions = ctx.call("lambda", "ListFunctions", required=("Functions",)).get("Functions", [])
    if functions:
        observed["lambda_functions"] = len(functions)
        yield ctx.failed(resource, f"{ctx.region} runs {len(functions)} Lambda function(s) but no queue, stream, "
                         "topic, event bus rule or workflow connects components", observed)


def _custom_bus_rules(ctx: CheckContext) -> list[str]:
    """Rules on the region's custom event buses (the default bus mostly carries AWS service events)."""
    buses = ctx.call("events", "ListEventBuses", required=("EventBuses",)).get("EventBuses", [])
    out = []
    for bus in buses:
        name = bus.get("Name", "")
        if name == "default" or name.startswith("aws."):
            continue
        rules = ctx.call("events", "ListRules", EventBusName=name, required=("Rules",)).get("Rules", [])
        out.extend(f"{name}/{r.get('Name')}" for r in rules if r.get("State", "ENABLED").startswith("ENABLED"))
    return out
