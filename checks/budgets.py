"""Cloud financial management: a cost budget exists and alerts someone."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scanner.api import CheckContext, Finding, check


@check(
    id="budgets.budget_exists",
    title="A cost budget with alerts exists",
    service="budgets",
    scope="global",
    severity="medium",
    effort="low",
    description="""The account has at least one AWS Budgets budget, and every budget notifies someone when
        actual or forecast spend crosses a threshold: a budget without notifications records a number but
        warns nobody. One finding per budget; one account-level failure when there is none.""",
    remediation="""Create a monthly cost budget (budgets create-budget, or the Budgets console's template)
        with notifications on forecast spend at 100% and actual spend at 80% and 100%, sent to a team
        address or an SNS topic; add budgets per workload with cost-allocation tags.""",
    reads=["budgets:DescribeBudgets", "budgets:DescribeNotificationsForBudget"],
)
def budget_exists(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per budget (does it alert someone?), or one account-level failure when there is none."""
    answer = ctx.call("budgets", "DescribeBudgets", AccountId=ctx.account, absent=("NotFoundException",),
                      required=("Budgets",))
    budgets = (answer or {}).get("Budgets", [])
    if not budgets:
        yield ctx.failed(ctx.account_resource(), "The account has no AWS Budgets budget", {"budgets": 0})
        return
    for budget in budgets:
        name = budget["BudgetName"]
        arn = ctx.arn("budgets", f"budget/{name}", global_=True)
        notes = ctx.call("budgets", "DescribeNotificationsForBudget", AccountId=ctx.account, BudgetName=name,
                         absent=("NotFoundException",))
        notifications = [_describe(n) for n in (notes or {}).get("Notifications", [])]
        limit = budget.get("BudgetLimit") or {}
        observed: dict[str, Any] = {
            "budget": name, "type": budget.get("BudgetType"), "time_unit": budget.get("TimeUnit"),
            "limit": f"{limit.get('Amount')} {limit.get('Unit')}" if limit else None,
            "notifications": notifications, "budgets_in_account": len(budgets),
        }
        if notifications:
            yield ctx.passed(arn, f"Budget {name} alerts on " + "; ".join(notifications), observed)
        else:
            yield ctx.failed(arn, f"Budget {name} has no notification: it warns nobody", observed)


def _describe(notification: dict[str, Any]) -> str:
    """``ACTUAL GREATER_THAN 80%`` for a notification."""
    unit = "%" if notification.get("ThresholdType", "PERCENTAGE") == "PERCENTAGE" else " (absolute)"
    return (f"{notification.get('NotificationType')} {notification.get('ComparisonOperator')} "
            f"{notification.get('Threshold'):g}{unit}")
