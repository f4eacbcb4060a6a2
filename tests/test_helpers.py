"""The check tests' scan helper opens its target as a scan does: the setup reads it answers from an earlier
scan of the same account are what moto answers, and the checks' own reads of them still reach moto."""

from __future__ import annotations

import boto3

from scanner.context import CheckContext
from scanner.registry import RegisteredCheck, check, meta_of
from scanner.runner import run_checks
from tests import helpers


@check(id="test.lists_regions", title="Lists regions", service="test", severity="low", description="d",
       remediation="r", reads=["ec2:DescribeRegions"])
def _lists_regions(ctx: CheckContext):
    listed = ctx.call("ec2", "DescribeRegions")["Regions"]  # without AllRegions: the enabled ones only
    yield ctx.passed(f"arn:aws:test:::{len(listed)}", "listed")


def test_setup_answers_are_moto_s_and_checks_reach_moto(aws, monkeypatch):
    fresh = aws.client("ec2").describe_regions(AllRegions=True)["Regions"]
    identity = aws.client("sts").get_caller_identity()
    helpers.scan_checks(["guardduty.enabled"])  # moto answers, or an earlier scan of this account did
    served: list[str] = []
    real = helpers.open_target

    def spying(session, *args, **kwargs):
        session.events.register_last("after-call", lambda http_response, model, **_: served.append(
            f"{model.name} {http_response.url}"))
        return real(session, *args, **kwargs)

    monkeypatch.setattr(helpers, "open_target", spying)
    target = helpers._open(boto3.Session(region_name="us-east-1"), ["us-east-1", "ap-east-1"], 2)
    assert served == ["GetCallerIdentity https://setup.invalid", "DescribeRegions https://setup.invalid"]
    assert (target.account, target.caller_arn) == (identity["Account"], identity["Arn"])
    assert target.disabled_regions == [r["RegionName"] for r in fresh if r["RegionName"] == "ap-east-1"
                                       and r["OptInStatus"] == "not-opted-in"]

    # Once the target is open, a check's own DescribeRegions (other parameters) is moto's answer.
    served.clear()
    target.regions, target.disabled_regions = ["us-east-1"], []
    result = run_checks(target, [RegisteredCheck(meta_of(_lists_regions), _lists_regions)])
    listed = aws.client("ec2").describe_regions()["Regions"]
    assert [f.resource for f in result.findings] == [f"arn:aws:test:::{len(listed)}"]
    assert served and not any("setup.invalid" in s for s in served)


def test_another_account_gets_its_own_setup_answers(aws, monkeypatch):
    helpers.scan_checks(["guardduty.enabled"])
    monkeypatch.setenv("MOTO_ACCOUNT_ID", "210987654321")
    target = helpers._open(boto3.Session(region_name="us-east-1"), ["us-east-1"], 2)
    assert target.account == "210987654321"
