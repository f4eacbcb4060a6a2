"""ce.anomaly_monitor_exists: Stubber (moto does not implement anomaly detection)."""

from __future__ import annotations

from botocore.stub import Stubber

from tests.helpers import assert_demo_shows_pass_and_fail, by_resource, deny

CHECK = "ce.anomaly_monitor_exists"
MONITOR = "arn:aws:ce::123456789012:anomalymonitor/0b1c2d3e-1111-2222-3333-444455556666"


def _stub(monitors: list[dict], subscriptions: list[dict] | None = None):
    def prepare(target):
        stub = Stubber(target.collector.client("ce", "us-east-1"))
        stub.add_response("get_anomaly_monitors", {"AnomalyMonitors": monitors})
        if subscriptions is not None:
            stub.add_response("get_anomaly_subscriptions", {"AnomalySubscriptions": subscriptions})
        stub.activate()
        prepare.stub = stub

    return prepare


def _monitor() -> dict:
    return {"MonitorArn": MONITOR, "MonitorName": "services", "MonitorType": "DIMENSIONAL",
            "MonitorDimension": "SERVICE"}


def _subscription(subscribers: list[dict]) -> dict:
    return {"SubscriptionArn": "arn:aws:ce::123456789012:anomalysubscription/1", "SubscriptionName": "daily",
            "AccountId": "123456789012", "MonitorArnList": [MONITOR], "Subscribers": subscribers,
            "Frequency": "DAILY"}


def test_monitors_with_and_without_subscribers(aws, scan):
    quiet = {**_monitor(), "MonitorArn": MONITOR.replace("0b1c", "9f9f"), "MonitorName": "team-tags",
             "MonitorType": "CUSTOM"}
    prepare = _stub([_monitor(), quiet], [_subscription([{"Address": "finops@example.com", "Type": "EMAIL"}]),
                                         {**_subscription([]), "MonitorArnList": [quiet["MonitorArn"]]}])

    result = scan([CHECK], prepare=prepare)

    prepare.stub.assert_no_pending_responses()
    good = by_resource(result, MONITOR)
    assert good.status == "pass" and good.region == "global"
    assert good.evidence.observed["subscriptions"] == [{"name": "daily", "frequency": "DAILY", "subscribers": 1}]
    silent = by_resource(result, quiet["MonitorArn"])
    assert silent.status == "fail" and "reach nobody" in silent.message


def test_no_monitor_fails(aws, scan):
    prepare = _stub([])

    (finding,) = scan([CHECK], prepare=prepare).findings

    prepare.stub.assert_no_pending_responses()  # no subscription read when there is no monitor
    assert finding.status == "fail" and finding.message == "Cost Anomaly Detection has no monitor"
    assert finding.resource == "arn:aws:ce::123456789012:account"


def test_denied_is_not_assessed(aws, scan):
    prepare = deny("ce", "get_anomaly_monitors")

    (finding,) = scan([CHECK], prepare=prepare).findings
    assert finding.status == "not_assessed" and finding.missing_permission == "ce:GetAnomalyMonitors"


def test_demo_shows_pass_and_fail(demo_scan):
    assert_demo_shows_pass_and_fail(demo_scan[0], "ce.anomaly_monitor_exists")
