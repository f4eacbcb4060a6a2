"""The retry budget: throttling is retried patiently, a failing endpoint a few times, no read waits past the
budget, and a service AWS does not offer in a region is not assessed without a call."""

from __future__ import annotations

import types

import boto3
import botocore.endpoint
import pytest

import scanner.collect
from scanner.errors import NotAssessed
from scanner.model import Reason
from scanner.retry_budget import READ_BACKOFF_S, TRANSIENT_ATTEMPTS, RetryBudget, failure_kind
from scanner.session import open_target
from tests.faults import FaultLayer


class _Http:
    def __init__(self, status: int) -> None:
        self.status_code = status


def _answer(status: int, code: str = "") -> tuple[_Http, dict]:
    return _Http(status), ({"Error": {"Code": code}} if code else {})


@pytest.mark.parametrize(("response", "error", "kind"), [
    (_answer(503), None, "transient"),
    (_answer(500, "InternalError"), None, "transient"),
    (_answer(400, "RequestTimeout"), None, "transient"),
    (None, ConnectionError("reset"), "transient"),
    (_answer(400, "ThrottlingException"), None, "throttled"),
    (_answer(503, "SlowDown"), None, "throttled"),
    (_answer(429), None, "throttled"),
    (_answer(400, "ValidationException"), None, None),
    (_answer(301, "PermanentRedirect"), None, None),
    (_answer(200), None, None),
])
def test_failures_are_told_apart(response, error, kind):
    assert failure_kind(response, error) == kind


def _attempts_until_given_up(budget: RetryBudget, response) -> tuple[int, float]:
    request = {"context": {}}
    attempts, slept = 1, 0.0
    while True:
        decision = budget(attempts=attempts, response=response, request_dict=request)
        if decision is False:
            return attempts, slept
        assert isinstance(decision, float) and decision >= 0
        slept += decision
        attempts += 1


def test_a_failing_endpoint_gets_a_few_quick_attempts():
    budget = RetryBudget(max_attempts=10)
    attempts, slept = _attempts_until_given_up(budget, _answer(503))
    assert attempts == TRANSIENT_ATTEMPTS
    assert slept < 1.0
    assert budget.given_up["transient"] == 1 and budget.retries["transient"] == TRANSIENT_ATTEMPTS - 1
    assert budget.wait_s == pytest.approx(slept)


def test_throttling_is_retried_patiently_within_the_read_budget():
    budget = RetryBudget(max_attempts=10)
    totals = [_attempts_until_given_up(budget, _answer(400, "Throttling")) for _ in range(50)]
    assert max(a for a, _ in totals) > TRANSIENT_ATTEMPTS
    assert all(a <= 10 for a, _ in totals)
    assert all(s <= READ_BACKOFF_S + 1e-9 for _, s in totals)


def test_max_attempts_one_means_no_retry_at_all():
    budget = RetryBudget(max_attempts=1)
    assert budget(attempts=1, response=_answer(503), request_dict={"context": {}}) is False
    assert budget(attempts=1, response=_answer(400, "Throttling"), request_dict={"context": {}}) is False
    assert budget.wait_s == 0


def test_other_answers_are_left_to_botocore():
    budget = RetryBudget(max_attempts=10)
    assert budget(attempts=1, response=_answer(200), request_dict={"context": {}}) is None
    assert budget(attempts=1, response=_answer(400, "InvalidParameterValue"), request_dict={"context": {}}) is None


def test_a_persistent_5xx_is_not_assessed_after_three_attempts(aws, monkeypatch):
    slept: list[float] = []
    monkeypatch.setattr(botocore.endpoint, "time", types.SimpleNamespace(sleep=slept.append))
    monkeypatch.setattr(scanner.collect, "DAMAGED_PAUSE", 0)
    session = boto3.Session(region_name="us-east-1")
    layer = FaultLayer(lambda service, op, key, attempt: "error5xx" if service == "guardduty" else None)
    layer.install(session)
    target = open_target(session, ["us-east-1"], max_attempts=10)
    with pytest.raises(NotAssessed) as caught:
        target.collector.call("guardduty", "ListDetectors", "us-east-1")
    assert caught.value.reason == Reason.API_ERROR
    assert "503" in caught.value.detail
    assert layer.injected["error5xx"] == TRANSIENT_ATTEMPTS
    assert len(slept) == TRANSIENT_ATTEMPTS - 1 and sum(slept) < 1.0
    assert target.collector.retry_wait_s == pytest.approx(sum(slept))
    # The next read of another service is unaffected.
    assert target.collector.call("ec2", "DescribeVpcs", "us-east-1")["Vpcs"]


def test_a_service_not_offered_in_the_region_is_not_called(aws):
    offered = boto3.Session().get_available_regions("wellarchitected")
    every = boto3.Session().get_available_regions("ec2")
    region = next(r for r in every if r not in offered)
    session = boto3.Session(region_name="us-east-1")
    sent: list[str] = []
    session.events.register("before-call.wellarchitected", lambda model, **_: sent.append(model.name))
    target = open_target(session, ["us-east-1"], max_attempts=1)
    with pytest.raises(NotAssessed) as caught:
        target.collector.call("wellarchitected", "ListWorkloads", region)
    assert caught.value.reason == Reason.NOT_ENABLED
    assert f"not available in {region}" in caught.value.detail
    assert sent == []


def test_global_services_and_unknown_regions_are_always_asked():
    from scanner.availability import not_offered

    session = boto3.Session(region_name="us-east-1")
    assert not not_offered(session, "iam", "us-east-1")
    assert not not_offered(session, "s3", "eu-west-1")
    assert not not_offered(session, "wellarchitected", "xx-future-9")


def test_nothing_is_retried_once_the_scan_is_stopping():
    import threading

    stopping = threading.Event()
    budget = RetryBudget(max_attempts=10, stopping=stopping)
    assert isinstance(budget(attempts=1, response=_answer(503), request_dict={"context": {}}), float)
    stopping.set()
    assert budget(attempts=1, response=_answer(400, "Throttling"), request_dict={"context": {}}) is False
