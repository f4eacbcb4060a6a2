"""Cloud financial management: a cost budget exists and alerts someone."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scanner.context import CheckContext
from scanner.model import Finding
from scanner.registry import check


@check(
    id="budgets.budget_exists",
    title="A cost budget with alerts exists",
    service="budgets",
    scope="global",
    severity="medium",
    description="""The account has at least one AWS Budgets budget that notifies someone when actual or
        forecast spend crosses a threshold. A budget without notifications records a number but warns
        nobody.""",
    remediation="""Create a monthly cost budget (budgets create-budget, or the Budgets console's template)
        with notifications on forecast spend at 100% and actual spend at 80% and 100%, sent to a team
        address or an SNS topic; add budgets per workload with cost-allocation tags.""",
    reads=["budgets:DescribeBudgets", "budgets:DescribeNotificationsForBudget"],
)
def budget_exists(ctx: CheckContext) -> Iterator[Finding]:
    """One account-level finding listing the budgets and their notifications."""
    answer = ctx.call("budgets", "DescribeBudgets", AccountId=ctx.account, absent=("NotFoundException",))
    budgets = (answer or {}).get("Budgets", [])
    summary: list[dict[str, Any]] = []
    for budget in budgets:
        name = budget["BudgetName"]
        notes = ctx.call("budgets", "DescribeNotificationsForBudget", AccountId=ctx.account, BudgetName=name,
                         absent=("NotFoundException",))
        notifications = (notes or {}).get("Notifications", [])
        limit = budget.get("BudgetLimit") or {}
        summary.append({
            "name": name, "type": budget.get("BudgetType"), "time_unit": budget.get("TimeUnit"),
            "limit": f"{limit.get('Amount')} {limit.get('Unit')}" if limit else None,
            "notifications": [f"{n.get('NotificationType')} {n.get('ComparisonOperator')} {n.get('Threshold')}"
                              f"{'%' if n.get('ThresholdType', 'PERCENTAGE') == 'PERCENTAGE' else ''}"
                              for n in notifications],
        })
    alerting = [b["name"] for b in summary if b["notifications"]]
    observed = {"budgets": summary, "budgets_with_alerts": alerting}
    resource = ctx.account_resource()
    if alerting:
        yield ctx.passed(resource, f"{len(budgets)} budgets, {len(alerting)} with alerts (e.g. {alerting[0]})",
                         observed)
    elif budgets:
        yield ctx.failed(resource, f"{len(budgets)} budgets exist but none sends a notification", observed)
    else:
        yield ctx.failed(resource, "The account has no AWS Budgets budget", observed)
