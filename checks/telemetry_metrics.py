"""Metrics are analysed against learned behaviour: CloudWatch anomaly detection models and the alarms on them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scanner.api import CheckContext, Finding, check

LISTED = 10  # names kept per kind and region in the evidence


def _metric_name(detector: dict[str, Any]) -> str:
    single = detector.get("SingleMetricAnomalyDetector") or {}
    namespace = single.get("Namespace") or detector.get("Namespace")
    name = single.get("MetricName") or detector.get("MetricName")
    if namespace and name:
        return f"{namespace}/{name}"
    return "metric math" if detector.get("MetricMathAnomalyDetector") else "unnamed metric"


def _anomaly_alarms(ctx: CheckContext, region: str) -> list[str]:
    """Metric alarms whose threshold is an anomaly detection band (the same read as the other alarm checks)."""
    answer = ctx.call("cloudwatch", "DescribeAlarms", region=region, AlarmTypes=["CompositeAlarm", "MetricAlarm"],
                      required=("MetricAlarms",))
    return sorted(str(a.get("AlarmName")) for a in answer.get("MetricAlarms", [])
                  if a.get("ThresholdMetricId") and any("ANOMALY_DETECTION_BAND" in str(m.get("Expression", ""))
                                                        for m in a.get("Metrics") or []))


@check(
    id="cloudwatch.metrics_anomaly_detection",
    title="Metrics are watched by anomaly detection",
    service="cloudwatch",
    scope="global",
    severity="low",
    effort="low",
    description="""A scanned region has CloudWatch anomaly detectors (DescribeAnomalyDetectors) or alarms on an
        anomaly detection band (DescribeAlarms): CloudWatch learns each metric's expected range from its
        history and flags what falls outside it, which is how the metrics are analysed where a fixed
        threshold is not known. The metrics modelled and the alarms are listed per region. Analysis in
        dashboards, DevOps Guru or another tool is not visible to this check.""",
    remediation="""Create anomaly detectors for the workload's key metrics (requests, errors, latency and the
        business metrics) and alarm on the band (an ANOMALY_DETECTION_BAND metric math alarm).""",
    reads=["cloudwatch:DescribeAnomalyDetectors", "cloudwatch:DescribeAlarms"],
)
def metrics_anomaly_detection(ctx: CheckContext) -> Iterator[Finding]:
    """One account-level finding."""
    found: dict[str, dict[str, list[str]]] = {}
    for region in ctx.regions:
        detectors = ctx.call("cloudwatch", "DescribeAnomalyDetectors", region=region).get("AnomalyDetectors", [])
        modelled = sorted({_metric_name(d) for d in detectors
                           if d.get("StateValue") not in ("PENDING_TRAINING", "TRAINED_INSUFFICIENT_DATA")})
        alarms = _anomaly_alarms(ctx, region)
        if modelled or alarms:
            found[region] = {"modelled_metrics": modelled[:LISTED], "anomaly_alarms": alarms[:LISTED]}
    observed: dict[str, Any] = {"anomaly_detection": found}
    if found:
        parts = [f"{len(v['modelled_metrics'])} metric(s) and {len(v['anomaly_alarms'])} alarm(s) in {region}"
                 for region, v in sorted(found.items())]
        yield ctx.passed(ctx.account_resource(), f"CloudWatch anomaly detection watches {', '.join(parts)}", observed)
    else:
        yield ctx.failed(ctx.account_resource(), "No trained CloudWatch anomaly detector or anomaly alarm in "
                         f"{', '.join(ctx.regions)}", observed)
