"""Test helpers: scan the mocked account with chosen checks, and pick findings out of the result."""

from __future__ import annotations

import copy
import functools
import os
from collections.abc import Callable, Iterable
from typing import Any

import boto3
from botocore.awsrequest import AWSResponse

from scanner.model import Finding
from scanner.registry import discover
from scanner.runner import ScanResult, run_checks, select_checks
from scanner.session import Target, open_target


@functools.cache
def _built_in_checks() -> dict[str, Any]:
    """The built-in checks, found once per test process (about 6 ms a time, and most tests scan)."""
    return discover(plugins=False)


# Every check test opens its target as a scan does: who we are (STS), then EC2's list of regions. moto
# answered both, and built its whole EC2 backend for the second, in each of about 640 scans: a sixth of a
# check test's CPU. Both answers depend only on the account moto emulates (its id and the caller's access
# key), so the first scan of that account in a test process has moto answer them and later scans get a
# copy of those answers while the target opens, through the same guarded clients (as the demo's fill-ins
# are served). The checks' own reads, these two included, always reach moto; open_target's own tests do
# not use this helper.
_SETUP_READS = {("sts", "GetCallerIdentity"), ("ec2", "DescribeRegions")}
_SETUP_ANSWERS: dict[tuple[Any, ...], dict[str, Any]] = {}


def _open(session: boto3.Session, regions: list[str], max_attempts: int) -> Target:
    """``open_target`` on ``session``, its two setup reads answered as moto first answered them."""
    opening = True
    credentials = session.get_credentials()
    account = (os.environ.get("MOTO_ACCOUNT_ID"), credentials.access_key if credentials else None)

    def answer(model: Any, **_: Any) -> Any:
        found = _SETUP_ANSWERS.get((*account, model.service_model.service_name, model.name)) if opening else None
        return None if found is None else (AWSResponse("https://setup.invalid", 200, {}, None), copy.deepcopy(found))

    def remember(model: Any, http_response: Any, parsed: dict[str, Any], **_: Any) -> None:
        read = (model.service_model.service_name, model.name)
        if opening and read in _SETUP_READS and http_response.status_code == 200:
            _SETUP_ANSWERS.setdefault((*account, *read), copy.deepcopy(parsed))

    def after_guard(s: boto3.Session) -> None:
        s.events.register_last("before-call", answer, unique_id="tests-setup-answers")
        s.events.register_last("after-call", remember, unique_id="tests-setup-remember")

    try:
        return open_target(session, regions, max_attempts=max_attempts, after_guard=after_guard)
    finally:
        opening = False


def scan_checks(
    check_ids: Iterable[str],
    regions: Iterable[str] = ("us-east-1",),
    *,
    options: dict[str, dict[str, Any]] | None = None,
    prepare: Callable[[Target], None] | None = None,
    max_attempts: int = 2,
) -> ScanResult:
    """Run ``check_ids`` against the current (mocked) account; ``prepare`` may stub clients first."""
    session = boto3.Session(region_name="us-east-1")
    target = _open(session, list(regions), max_attempts)
    if prepare is not None:
        prepare(target)
    chosen = select_checks(_built_in_checks(), check_ids)
    return run_checks(target, chosen, options=options, workers=4)


def by_resource(result: ScanResult, fragment: str, check: str | None = None) -> Finding:
    """The one finding whose resource contains ``fragment``."""
    hits = [f for f in result.findings if fragment in f.resource and (check is None or f.check == check)]
    assert len(hits) == 1, f"expected one finding for {fragment!r}, got {[h.resource for h in hits]}"
    return hits[0]


def statuses(result: ScanResult, check: str | None = None) -> dict[str, str]:
    """resource -> status for the result's findings (of one check)."""
    return {f.resource: f.status.value for f in result.findings if check is None or f.check == check}


def deny(service: str, operation: str, *, before: Iterable[tuple[str, dict]] = (), region: str = "us-east-1",
         code: str = "AccessDeniedException", status: int = 400) -> Callable[[Target], None]:
    """A ``prepare`` for ``scan_checks``: the client answers ``before`` (operation, response) pairs in order,
    then refuses ``operation`` with ``code``."""
    from botocore.stub import Stubber

    def prepare(target: Target) -> None:
        stub = Stubber(target.collector.client(service, region))
        for name, response in before:
            stub.add_response(name, response)
        stub.add_client_error(operation, code, "denied", status)
        stub.activate()

    return prepare


def assert_denied(result: ScanResult, permission: str, check: str | None = None) -> None:
    """Every finding (of ``check``) is not assessed and names ``permission`` as the missing one."""
    found = [f for f in result.findings if check is None or f.check == check]
    assert found, "the denied read produced no finding at all"
    assert {f.status.value for f in found} == {"not_assessed"}, [f.status.value for f in found]
    assert {f.missing_permission for f in found} == {permission}


def assert_demo_shows_pass_and_fail(doc: dict, *check_ids: str, not_assessed_ok: Iterable[str] = ()) -> None:
    """Each check has passing and failing findings in the demo scan, and no not-assessed one unless allowed."""
    counts = {c["id"]: c["counts"] for c in doc["checks"]}
    for check_id in check_ids:
        assert counts[check_id]["pass"] and counts[check_id]["fail"], (check_id, counts[check_id])
        if check_id not in not_assessed_ok:
            assert not counts[check_id]["not_assessed"], (check_id, counts[check_id])
