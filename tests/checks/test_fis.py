"""fis.experiments_recent: moto emulates templates and experiments; an old run is aged on its backend."""

from __future__ import annotations

import time

from moto.fis.models import fis_backends

from tests.helpers import by_resource, deny

CHECK = "fis.experiments_recent"
REGIONS = ["us-east-1", "eu-west-1"]


def _template(fis, token: str) -> str:
    return fis.create_experiment_template(
        clientToken=token, description=f"{token} experiment", stopConditions=[{"source": "none"}], targets={},
        actions={"wait": {"actionId": "aws:fis:wait", "parameters": {"duration": "PT1M"}}},
        roleArn="arn:aws:iam::123456789012:role/fis")["experimentTemplate"]["id"]


def _run(fis, template: str, token: str, days_ago: int = 0, region: str = "us-east-1") -> None:
    exp = fis.start_experiment(clientToken=token, experimentTemplateId=template)["experiment"]["id"]
    if days_ago:
        stored = fis_backends["123456789012"][region].experiments[exp]
        stored.creation_time = stored.start_time = time.time() - days_ago * 86400


def test_recent_old_and_never_run_templates(aws, scan):
    us, eu = aws.client("fis", region_name="us-east-1"), aws.client("fis", region_name="eu-west-1")
    recent = _template(us, "az-outage")
    _run(us, recent, "run-1")
    stale = _template(us, "cpu-stress")
    _run(us, stale, "run-2", days_ago=200)
    never = _template(eu, "db-failover")

    result = scan([CHECK], regions=REGIONS)

    good = by_resource(result, f"experiment-template/{recent}")
    assert good.status == "pass" and good.region == "us-east-1"
    old = by_resource(result, f"experiment-template/{stale}")
    assert old.status == "fail" and "not run in 90 days" in old.message
    unused = by_resource(result, f"experiment-template/{never}")
    assert unused.status == "fail" and unused.region == "eu-west-1" and "never been run" in unused.message
    account = by_resource(result, "fis::123456789012:account")
    assert account.status == "pass" and account.evidence.observed["recent_experiments"] == 1


def test_only_old_experiments_fail_the_account(aws, scan):
    us = aws.client("fis", region_name="us-east-1")
    _run(us, _template(us, "az-outage"), "run-1", days_ago=120)

    result = scan([CHECK], regions=REGIONS, options={CHECK: {"days": 90}})

    account = by_resource(result, "fis::123456789012:account")
    assert account.status == "fail" and "in 2 scanned region(s)" in account.message

    longer = scan([CHECK], regions=REGIONS, options={CHECK: {"days": 180}})
    assert by_resource(longer, "fis::123456789012:account").status == "pass"


def test_unreadable_region_never_gives_account_fail(aws, scan):
    prepare = deny("fis", "list_experiment_templates", region="eu-west-1", status=403)

    result = scan([CHECK], regions=REGIONS, prepare=prepare)

    denied = by_resource(result, "fis:eu-west-1:123456789012:account")
    assert denied.status == "not_assessed" and denied.missing_permission == "fis:ListExperimentTemplates"
    account = by_resource(result, "fis::123456789012:account")
    assert account.status == "not_assessed"
