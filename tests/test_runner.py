"""The runner isolates failing checks, reports disabled regions, and keeps work done before Ctrl-C."""

from __future__ import annotations

from scanner.context import CheckContext
from scanner.model import Reason
from scanner.registry import RegisteredCheck, check, meta_of
from scanner.runner import run_checks
from scanner.session import Target


@check(id="test.raises", title="Raises", service="test", severity="low", description="d", remediation="r",
       reads=["ec2:DescribeVpcs"])
def _raises(ctx: CheckContext):
    yield ctx.passed("arn:aws:test:::one", "first resource fine")
    raise RuntimeError("boom")


@check(id="test.writes", title="Writes", service="test", severity="low", description="d", remediation="r",
       reads=["ec2:DescribeVpcs"])
def _writes(ctx: CheckContext):
    ctx.collector.client("ec2", ctx.api_region).create_vpc(CidrBlock="10.0.0.0/16")
    yield from ()


def _reg(func) -> RegisteredCheck:
    return RegisteredCheck(meta_of(func), func)


def _target(regions, disabled=()) -> Target:
    import boto3

    from scanner.session import open_target

    target = open_target(boto3.Session(region_name="us-east-1"), list(regions))
    target.disabled_regions = list(disabled)
    return target


def test_a_raising_check_is_isolated_and_makes_the_scan_partial(aws):
    result = run_checks(_target(["us-east-1"]), [_reg(_raises)])
    assert sorted(f.status.value for f in result.findings) == ["not_assessed", "pass"]
    broken = next(f for f in result.findings if f.status == "not_assessed")
    assert broken.reason is Reason.CHECK_ERROR and "RuntimeError: boom" in broken.message
    assert result.partial


def test_a_check_that_tries_to_write_is_stopped(aws):
    result = run_checks(_target(["us-east-1"]), [_reg(_writes)])
    assert result.findings[0].reason is Reason.CHECK_ERROR
    assert "read-only" in result.findings[0].message
    assert aws.client("ec2").describe_vpcs()["Vpcs"][0]["IsDefault"]
    assert len(aws.client("ec2").describe_vpcs()["Vpcs"]) == 1


def test_disabled_region_is_not_assessed_not_skipped(aws):
    from checks.guardduty import guardduty_enabled

    result = run_checks(_target(["us-east-1"], disabled=["af-south-1"]), [_reg(guardduty_enabled)])
    gone = [f for f in result.findings if f.region == "af-south-1"]
    assert len(gone) == 1 and gone[0].status == "not_assessed"
    assert gone[0].reason is Reason.REGION_DISABLED and not result.partial


def test_interrupt_keeps_results_and_marks_incomplete(aws, monkeypatch):
    import concurrent.futures as cf

    from checks.guardduty import guardduty_enabled

    real_wait = cf.wait
    calls = {"n": 0}

    def interrupting_wait(*a, **kw):
        calls["n"] += 1
        if calls["n"] == 1:
            raise KeyboardInterrupt
        return real_wait(*a, **kw)

    monkeypatch.setattr(cf, "wait", interrupting_wait)
    result = run_checks(_target(["us-east-1", "eu-west-1"]), [_reg(guardduty_enabled)], workers=1)
    assert not result.complete and result.partial
    assert result.to_dict()["complete"] is False
    assert len(result.findings) == 2
    assert all(f.status == "fail" or f.reason is Reason.INTERRUPTED for f in result.findings)


def test_an_interrupt_while_tasks_are_being_submitted_keeps_the_scan(aws, monkeypatch):
    # Submitting starts worker threads and waits for each: on a busy machine a Ctrl-C lands there.
    import concurrent.futures as cf

    from checks.guardduty import guardduty_enabled

    real_submit = cf.ThreadPoolExecutor.submit
    calls = {"n": 0}

    def interrupting_submit(self, *a, **kw):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        return real_submit(self, *a, **kw)

    monkeypatch.setattr(cf.ThreadPoolExecutor, "submit", interrupting_submit)
    result = run_checks(_target(["us-east-1", "eu-west-1", "eu-west-2"]), [_reg(guardduty_enabled)], workers=1)
    assert not result.complete
    by_region = {f.region: f for f in result.findings}
    assert sorted(by_region) == ["eu-west-1", "eu-west-2", "us-east-1"]
    # The first task was submitted (and ran or was cancelled); the two never submitted are interrupted.
    assert by_region["eu-west-1"].reason is Reason.INTERRUPTED
    assert by_region["eu-west-2"].reason is Reason.INTERRUPTED
