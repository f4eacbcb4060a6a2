"""budgets.budget_exists."""

from __future__ import annotations

from tests.helpers import assert_demo_shows_pass_and_fail, by_resource, deny

CHECK = "budgets.budget_exists"
ACCOUNT = "123456789012"


def _budget(aws, name: str, alert: bool) -> None:
    notifications = [{
        "Notification": {"NotificationType": "ACTUAL", "ComparisonOperator": "GREATER_THAN", "Threshold": 80.0,
                         "ThresholdType": "PERCENTAGE"},
        "Subscribers": [{"SubscriptionType": "EMAIL", "Address": "finops@example.com"}]}] if alert else []
    aws.client("budgets").create_budget(AccountId=ACCOUNT, Budget={
        "BudgetName": name, "BudgetLimit": {"Amount": "500", "Unit": "USD"}, "TimeUnit": "MONTHLY",
        "BudgetType": "COST"}, NotificationsWithSubscribers=notifications)


def test_budgets_with_and_without_alerts(aws, scan):
    _budget(aws, "silent", alert=False)
    _budget(aws, "monthly-total", alert=True)

    result = scan([CHECK])

    good = by_resource(result, "budget/monthly-total")
    assert good.status == "pass" and good.region == "global"
    assert good.resource == "arn:aws:budgets::123456789012:budget/monthly-total"
    assert good.evidence.observed["notifications"] == ["ACTUAL GREATER_THAN 80%"]
    assert good.evidence.observed["limit"] == "500 USD"
    silent = by_resource(result, "budget/silent")
    assert silent.status == "fail" and silent.evidence.observed["notifications"] == []


def test_no_budget_fails(aws, scan):
    (finding,) = scan([CHECK]).findings

    assert finding.status == "fail" and finding.evidence.observed == {"budgets": 0}
    assert finding.resource == "arn:aws:budgets::123456789012:account"


def test_denied_is_not_assessed(aws, scan):
    prepare = deny("budgets", "describe_budgets")

    (finding,) = scan([CHECK], prepare=prepare).findings
    assert finding.status == "not_assessed" and finding.missing_permission == "budgets:ViewBudget"


def test_demo_shows_pass_and_fail(demo_scan):
    assert_demo_shows_pass_and_fail(demo_scan[0], "budgets.budget_exists")
