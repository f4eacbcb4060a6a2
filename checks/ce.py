"""Cost anomaly detection: a Cost Explorer anomaly monitor watches spend and alerts someone."""

from __future__ import annotations

from collections.abc import Iterator

from scanner.api import CheckContext, Finding, check


@check(
    id="ce.anomaly_monitor_exists",
    title="Cost anomaly detection is set up",
    service="ce",
    scope="global",
    severity="medium",
    effort="low",
    description="""Cost Anomaly Detection has at least one monitor (for example the AWS services monitor),
        and every monitor has a subscription that sends its anomalies to someone, so an unexpected rise in
        spend is noticed within a day rather than at the end of the month. One finding per monitor; one
        account-level failure when there is none.""",
    remediation="""In Cost Management, create a cost monitor for AWS services (ce create-anomaly-monitor
        --anomaly-monitor MonitorType=DIMENSIONAL,MonitorDimension=SERVICE) and an alert subscription
        with an email or SNS subscriber and an impact threshold.""",
    reads=["ce:GetAnomalyMonitors", "ce:GetAnomalySubscriptions"],
)
def anomaly_monitor_exists(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per monitor (do its anomalies reach someone?), or one account-level failure without any."""
    monitors = ctx.call("ce", "GetAnomalyMonitors", required=("AnomalyMonitors",)).get("AnomalyMonitors", [])
    if not monitors:
        yield ctx.failed(ctx.account_resource(), "Cost Anomaly Detection has no monitor", {"monitors": 0})
        return
    subscriptions = ctx.call("ce", "GetAnomalySubscriptions",
                             required=("AnomalySubscriptions",)).get("AnomalySubscriptions", [])
    for monitor in monitors:
        arn, name = monitor["MonitorArn"], monitor.get("MonitorName", monitor["MonitorArn"])
        covering = [s for s in subscriptions if arn in (s.get("MonitorArnList") or [])]
        alerting = [s for s in covering if s.get("Subscribers")]
        observed = {
            "monitor": name, "type": monitor.get("MonitorType"), "dimension": monitor.get("MonitorDimension"),
            "last_evaluated": monitor.get("LastEvaluatedDate"),
            "subscriptions": [{"name": s.get("SubscriptionName"), "frequency": s.get("Frequency"),
                               "subscribers": len(s.get("Subscribers") or [])} for s in covering],
        }
        if alerting:
            first = alerting[0]
            count = len(first["Subscribers"])
            yield ctx.passed(arn, f"Cost anomaly monitor {name} alerts {count} subscriber{'s' if count != 1 else ''} "
                             f"through {first.get('SubscriptionName')} ({first.get('Frequency', '').lower()})",
                             observed)
        else:
            yield ctx.failed(arn, f"Cost anomaly monitor {name} has no subscription with subscribers: its "
                             "anomalies reach nobody", observed)
