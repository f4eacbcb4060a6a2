"""Injected faults: each yields the right not_assessed findings, the rest of the scan completes, and the
exit code and summary say the scan was partial."""

from __future__ import annotations

import importlib
import json
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import EndpointConnectionError

import scanner.demo
from scanner.cli import main
from scanner.model import Reason
from tests.helpers import scan_checks

# The faults are injected around the core checks, whose demo outcomes are known.
CARD = ["iam.access_keys_rotated", "guardduty.enabled", "ec2.instance_has_role", "s3.bucket_not_public",
        "backup.resources_protected"]


@pytest.fixture(autouse=True)
def core_seed_only(monkeypatch):
    """The demo account of these tests holds the core seed module's resources only: the other modules add
    more of the same kinds (instances, buckets, tables), which tell these faults nothing new and cost about
    ten seconds of CPU per demo run."""
    monkeypatch.setattr(scanner.demo, "seed_modules", lambda: [importlib.import_module("scanner.demo.seed_core")])


def _inject(session: Any, fault: Any) -> None:
    """Register ``fault(service, operation, region)`` after the read-only guard; it may return an error
    code (answered as a 400 with that code) or raise."""

    def handler(model: Any, context: dict[str, Any], **_: Any) -> Any:
        code = fault(model.service_model.service_name, model.name, context.get("client_region"))
        if code is None:
            return None
        status = 403 if "Denied" in code else 400
        return AWSResponse("https://fault.invalid", status, {}, None), {
            "Error": {"Code": code, "Message": f"injected {code}"}, "ResponseMetadata": {"HTTPStatusCode": status}}

    session.events.register_last("before-call", handler, unique_id="test-fault")


def _run_demo_with(monkeypatch, tmp_path, fault, *extra: str) -> tuple[int, dict]:
    original = scanner.demo.install_fill_ins

    def with_fault(session, demo):
        _inject(session, fault)
        original(session, demo)

    monkeypatch.setattr(scanner.demo, "install_fill_ins", with_fault)
    out = tmp_path / "out"
    code = main(["demo", "--out", str(out), "--max-attempts", "2", "--checks", *CARD, *extra])
    return code, json.loads((out / "scan.json").read_text())


def test_access_denied_on_one_service_is_named_and_the_scan_is_complete(monkeypatch, tmp_path, capsys):
    code, doc = _run_demo_with(monkeypatch, tmp_path,
                               lambda s, op, r: "AccessDeniedException" if s == "guardduty" else None)
    assert code == 0
    gd = [f for f in doc["findings"] if f["check"] == "guardduty.enabled"]
    assert {f["status"] for f in gd} == {"not_assessed"}
    assert {f["missing_permission"] for f in gd} == {"guardduty:ListDetectors"}
    assert doc["partial"] is False
    assert any(f["status"] == "pass" for f in doc["findings"] if f["check"] == "s3.bucket_not_public")
    assert "guardduty:ListDetectors" in capsys.readouterr().err


def test_throttling_that_outlasts_retries_makes_the_scan_partial(monkeypatch, tmp_path, capsys):
    code, doc = _run_demo_with(monkeypatch, tmp_path,
                               lambda s, op, r: "ThrottlingException" if s == "backup" else None)
    assert code == 3
    backup = [f for f in doc["findings"] if f["check"] == "backup.resources_protected"]
    assert backup and {f["reason"] for f in backup} == {"throttled"}
    assert doc["partial"] is True and doc["complete"] is True
    assert "PARTIAL" in capsys.readouterr().err
    assert any(f["status"] == "fail" for f in doc["findings"] if f["check"] == "guardduty.enabled")


def test_region_whose_endpoint_does_not_answer(monkeypatch, tmp_path):
    def fault(service, operation, region):
        if region == "eu-west-1":
            raise EndpointConnectionError(endpoint_url=f"https://{service}.eu-west-1.amazonaws.com")
        return None

    code, doc = _run_demo_with(monkeypatch, tmp_path, fault)
    assert code == 3
    eu = [f for f in doc["findings"] if f["region"] == "eu-west-1"]
    assert eu and all(f["status"] == "not_assessed" and f["reason"] == "endpoint_unreachable" for f in eu)
    us = [f for f in doc["findings"] if f["region"] == "us-east-1"]
    assert any(f["status"] == "pass" for f in us)


def test_unexpected_response_shape_is_a_check_error_not_a_pass(aws):
    def prepare(target):
        # GuardDuty answers without the DetectorIds key and with garbage in GetDetector.
        _inject(target.session, lambda s, op, r: None)
        target.session.events.register_last(
            "before-call.guardduty.ListDetectors",
            lambda **_: (AWSResponse("https://x.invalid", 200, {}, None), {"DetectorIds": ["abc"]}))
        target.session.events.register_last(
            "before-call.guardduty.GetDetector",
            lambda **_: (AWSResponse("https://x.invalid", 200, {}, None), {"Status": None}))

    result = scan_checks(["guardduty.enabled"], prepare=prepare)
    assert [f.status.value for f in result.findings] == ["fail"]
    assert result.findings[0].evidence.observed["detectors"][0]["status"] is None

    def broken(target):
        target.session.events.register_last(
            "before-call.guardduty.ListDetectors",
            lambda **_: (AWSResponse("https://x.invalid", 200, {}, None), {"DetectorIds": 7}))

    result = scan_checks(["guardduty.enabled"], prepare=broken)
    assert [f.status.value for f in result.findings] == ["not_assessed"]
    # the malformed page breaks pagination inside the collector: an API error, never a pass
    assert result.findings[0].reason in (Reason.API_ERROR, Reason.CHECK_ERROR) and result.partial


def test_interrupted_scan_writes_what_it_has_marked_incomplete(monkeypatch, tmp_path):
    import concurrent.futures as cf

    real_wait = cf.wait
    seen = {"n": 0}

    def interrupt_after_first(*a, **kw):
        seen["n"] += 1
        if seen["n"] == 3:
            raise KeyboardInterrupt
        return real_wait(*a, **kw)

    monkeypatch.setattr(cf, "wait", interrupt_after_first)
    out = tmp_path / "out"
    assert main(["demo", "--out", str(out), "-q", "--workers", "1", "--checks", *CARD]) == 3
    doc = json.loads((out / "scan.json").read_text())
    assert doc["complete"] is False and doc["partial"] is True
    assert any(f.get("reason") == "interrupted" for f in doc["findings"])


@pytest.mark.parametrize("code", ["OptInRequired", "SubscriptionRequiredException"])
def test_service_not_subscribed_is_not_enabled_and_not_partial(monkeypatch, tmp_path, code):
    exit_code, doc = _run_demo_with(monkeypatch, tmp_path,
                                    lambda s, op, r: code if s == "backup" and r == "eu-west-1" else None)
    eu = [f for f in doc["findings"] if f["check"] == "backup.resources_protected" and f["region"] == "eu-west-1"]
    assert [f["reason"] for f in eu] == ["not_enabled"]
    assert exit_code == 0 and doc["partial"] is False
