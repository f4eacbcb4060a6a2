"""budgets.budget_exists."""

from __future__ import annotations

from botocore.stub import Stubber

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


def test_budget_with_alert_passes(aws, scan):
    _budget(aws, "silent", alert=False)
    _budget(aws, "monthly-total", alert=True)

    (finding,) = scan([CHECK]).findings

    assert finding.status == "pass" and finding.region == "global"
    assert finding.evidence.observed["budgets_with_alerts"] == ["monthly-total"]
    by_name = {b["name"]: b for b in finding.evidence.observed["budgets"]}
    assert by_name["monthly-total"]["notifications"] == ["ACTUAL GREATER_THAN 80.0%"]
    assert by_name["silent"]["limit"] == "500 USD"


def test_budget_without_alert_fails(aws, scan):
    _budget(aws, "silent", alert=False)

    (finding,) = scan([CHECK]).findings

    assert finding.status == "fail" and "none sends a notification" in finding.message


def test_no_budget_fails(aws, scan):
    (finding,) = scan([CHECK]).findings

    assert finding.status == "fail" and finding.evidence.observed["budgets"] == []


def test_denied_is_not_assessed(aws, scan):
    def prepare(target):
        stub = Stubber(target.collector.client("budgets", "us-east-1"))
        stub.add_client_error("describe_budgets", "AccessDeniedException", "denied", 400)
        stub.activate()

    (finding,) = scan([CHECK], prepare=prepare).findings
    assert finding.status == "not_assessed" and finding.missing_permission == "budgets:ViewBudget"
