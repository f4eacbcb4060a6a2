"""Cost anomaly detection: a Cost Explorer anomaly monitor watches spend and alerts someone."""

from __future__ import annotations

from collections.abc import Iterator

from scanner.context import CheckContext
from scanner.model import Finding
from scanner.registry import check


@check(
    id="ce.anomaly_monitor_exists",
    title="Cost anomaly detection is set up",
    service="ce",
    scope="global",
    severity="medium",
    description="""Cost Anomaly Detection has at least one monitor (for example the AWS services monitor)
        and a subscription that sends its anomalies to someone, so an unexpected rise in spend is
        noticed in hours rather than at the end of the month.""",
    remediation="""In Cost Management, create a cost monitor for AWS services (ce create-anomaly-monitor
        --anomaly-monitor MonitorType=DIMENSIONAL,MonitorDimension=SERVICE) and an alert subscription
        with an email or SNS subscriber and an impact threshold.""",
    reads=["ce:GetAnomalyMonitors", "ce:GetAnomalySubscriptions"],
)
def anomaly_monitor_exists(ctx: CheckContext) -> Iterator[Finding]:
    """One account-level finding: pass when a monitor has a subscription with subscribers."""
    monitors = ctx.call("ce", "GetAnomalyMonitors").get("AnomalyMonitors", [])
    subscriptions = ctx.call("ce", "GetAnomalySubscriptions").get("AnomalySubscriptions", []) if monitors else []
    monitor_arns = {m["MonitorArn"] for m in monitors}
    alerting = [s for s in subscriptions
                if s.get("Subscribers") and monitor_arns & set(s.get("MonitorArnList") or [])]
    observed = {
        "monitors": [{"name": m.get("MonitorName"), "type": m.get("MonitorType"),
                      "dimension": m.get("MonitorDimension")} for m in monitors],
        "subscriptions": [{"name": s.get("SubscriptionName"), "frequency": s.get("Frequency"),
                           "subscribers": len(s.get("Subscribers") or []),
                           "monitors": len(s.get("MonitorArnList") or [])} for s in subscriptions],
    }
    resource = ctx.account_resource()
    if alerting:
        yield ctx.passed(resource, f"{len(monitors)} cost anomaly monitors; subscription "
                         f"{alerting[0].get('SubscriptionName')} alerts {len(alerting[0]['Subscribers'])} subscribers",
                         observed)
    elif monitors:
        yield ctx.failed(resource, f"{len(monitors)} cost anomaly monitors but no subscription alerts anyone",
                         observed)
    else:
        yield ctx.failed(resource, "Cost Anomaly Detection has no monitor", observed)
