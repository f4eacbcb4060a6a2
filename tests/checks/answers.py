"""Canned answers for single operations moto lacks, chosen from the caller's parameters.

Stubber answers calls strictly in order, which concurrent per-resource reads (ctx.map) do not keep; an
``answer`` handler picks its response from the request instead, and every other operation of the client
still goes to moto.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore.awsrequest import AWSResponse

from scanner.session import Target

Answer = Callable[[dict[str, Any]], dict[str, Any]]


class Refuse(Exception):
    """Raised by an answer function to reply with an AWS error code."""

    def __init__(self, code: str, status: int = 400) -> None:
        super().__init__(code)
        self.code, self.status = code, status


def answer(target: Target, service: str, operation: str, func: Answer, region: str = "us-east-1") -> None:
    """Serve ``operation`` of the scan's ``service`` client in ``region`` from ``func(params)``."""
    client = target.collector.client(service, region)
    service_id = client.meta.service_model.service_id.hyphenize()

    def remember(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        context["test_params"] = dict(params)

    def reply(context: dict[str, Any], **_: Any) -> Any:
        try:
            return AWSResponse("https://test.invalid", 200, {}, None), func(context.get("test_params", {}))
        except Refuse as err:
            return (AWSResponse("https://test.invalid", err.status, {}, None),
                    {"Error": {"Code": err.code, "Message": err.code},
                     "ResponseMetadata": {"HTTPStatusCode": err.status}})

    client.meta.events.register(f"provide-client-params.{service_id}.{operation}", remember)
    client.meta.events.register_last(f"before-call.{service_id}.{operation}", reply)



def answering(*served: tuple[str, str, Answer], region: str = "us-east-1") -> Callable[[Target], None]:
    """A ``prepare`` for ``scan_checks`` serving each (service, operation, answer) in ``region``."""

    def prepare(target: Target) -> None:
        for service, operation, func in served:
            answer(target, service, operation, func, region)

    return prepare
