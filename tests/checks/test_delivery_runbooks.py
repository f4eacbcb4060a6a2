"""ssm.runbooks_executed: moto has no Automation execution history, so it is answered on the real model."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.checks.answers import answering
from tests.helpers import assert_denied, deny

CHECK = "ssm.runbooks_executed"


def _runs(*runs: tuple[str, str, int], more: bool = False, asked: list | None = None):
    def answer(params):
        if asked is not None:
            asked.append(params)
        page = {"AutomationExecutionMetadataList": [
            {"AutomationExecutionId": f"id-{i}", "DocumentName": doc, "AutomationExecutionStatus": status,
             "ExecutionStartTime": datetime.now(UTC) - timedelta(days=age)}
            for i, (doc, status, age) in enumerate(runs)]}
        if more:
            page["NextToken"] = "next"
        return page

    return answering(("ssm", "DescribeAutomationExecutions", answer))


def _one(result):
    [finding] = result.findings
    return finding


def test_recent_executions_pass_with_their_runbooks(aws, scan):
    found = _one(scan([CHECK], prepare=_runs(("payments-deploy", "Success", 2), ("payments-deploy", "Failed", 5),
                                             ("AWS-RestartEC2Instance", "Success", 40))))
    assert found.status == "pass"
    assert found.evidence.observed["automation"]["us-east-1"] == {
        "executions": 2, "runbooks": {"payments-deploy": 2}, "statuses": {"Failed": 1, "Success": 1}}


def test_only_old_or_no_executions_fail(aws, scan):
    assert _one(scan([CHECK], prepare=_runs(("AWS-RestartEC2Instance", "Success", 40)))).status == "fail"
    assert _one(scan([CHECK], prepare=_runs())).status == "fail"


def test_one_page_is_read(aws, scan):
    asked: list = []
    found = _one(scan([CHECK], prepare=_runs(*[("remediate", "Success", 1)] * 50, more=True, asked=asked)))
    assert found.status == "pass" and len(asked) == 1 and asked[0]["MaxResults"] == 50


def test_denied_is_not_assessed(aws, scan):
    assert_denied(scan([CHECK], prepare=deny("ssm", "describe_automation_executions")),
                  "ssm:DescribeAutomationExecutions")
