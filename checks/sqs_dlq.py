"""Failed messages stop being retried: SQS queues move poison messages to a dead-letter queue."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from scanner.api import CheckContext, Finding, NotAssessed, check

# "All" rather than a list: a queue without a redrive-allow policy answers it, and no message body is read.
ATTRIBUTES = ["All"]


def _redrive(attributes: dict[str, str]) -> dict[str, Any]:
    try:
        value = json.loads(attributes.get("RedrivePolicy") or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


@check(
    id="sqs.dead_letter_queues",
    title="SQS queues have a dead-letter queue",
    service="sqs",
    severity="medium",
    effort="low",
    description="""Every SQS queue that is not itself a dead-letter queue has a redrive policy: after
        maxReceiveCount failed receives (at most `max_receive_count`) a message moves to a dead-letter queue
        instead of being retried until it expires. Queue attributes are read per queue (SQS has no bulk
        read); queues that another queue's redrive policy names, or that only carry a redrive-allow policy, are
        treated as dead-letter queues.""",
    remediation="""Create a dead-letter queue and set the source queue's RedrivePolicy (sqs set-queue-attributes
        --attributes RedrivePolicy='{"deadLetterTargetArn":"ARN","maxReceiveCount":"5"}'); alarm on the
        dead-letter queue's ApproximateNumberOfMessagesVisible.""",
    reads=["sqs:ListQueues", "sqs:GetQueueAttributes"],
    options={"max_receive_count": 10},
)
def dead_letter_queues(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per queue that is not a dead-letter queue."""
    limit = int(ctx.option("max_receive_count"))
    urls = ctx.call("sqs", "ListQueues").get("QueueUrls", [])

    def read(url: str) -> tuple[str, dict[str, str] | NotAssessed]:
        try:
            return url, ctx.call("sqs", "GetQueueAttributes", QueueUrl=url,
                                 AttributeNames=ATTRIBUTES).get("Attributes", {})
        except NotAssessed as exc:
            return url, exc

    read_all = ctx.map(read, urls)
    targets = {_redrive(a).get("deadLetterTargetArn") for _, a in read_all if isinstance(a, dict)}
    for url, attributes in read_all:
        name = url.rstrip("/").rsplit("/", 1)[-1]
        if isinstance(attributes, NotAssessed):
            yield ctx.not_assessed(ctx.arn("sqs", name), attributes)
            continue
        arn = attributes.get("QueueArn") or ctx.arn("sqs", name)
        if arn in targets or (attributes.get("RedriveAllowPolicy") and not attributes.get("RedrivePolicy")):
            continue  # a dead-letter queue needs no dead-letter queue of its own
        policy = _redrive(attributes)
        count = int(policy.get("maxReceiveCount", 0) or 0)
        observed = {"queue": name, "dead_letter_target": policy.get("deadLetterTargetArn"),
                    "max_receive_count": count or None, "limit": limit,
                    "visibility_timeout_s": attributes.get("VisibilityTimeout")}
        if not policy.get("deadLetterTargetArn"):
            yield ctx.failed(arn, f"SQS queue {name} has no dead-letter queue: a message that always fails is "
                             "retried until it expires", observed)
        elif count > limit:
            yield ctx.failed(arn, f"SQS queue {name} retries a message {count} times before its dead-letter queue "
                             f"(more than {limit})", observed)
        else:
            yield ctx.passed(arn, f"SQS queue {name} moves a message to "
                             f"{policy['deadLetterTargetArn'].rsplit(':', 1)[-1]} after {count} receives", observed)
