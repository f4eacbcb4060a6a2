"""fis.templates_stop_on_alarm (moto keeps FIS templates) and the Incident Manager checks (moto lacks the
service: answers are served from the request)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.checks.answers import Refuse, answering
from tests.helpers import assert_denied, by_resource, deny, statuses

ROLE = "arn:aws:iam::123456789012:role/fis"
ALARM = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:checkout-5xx"
WAIT = {"wait": {"actionId": "aws:fis:wait", "parameters": {"duration": "PT1M"}}}


def _template(fis, token, stops):
    return fis.create_experiment_template(clientToken=token, description=token, roleArn=ROLE,
                                          stopConditions=stops, targets={}, actions=WAIT)["experimentTemplate"]["id"]


def test_templates_with_alarm_stop_pass(aws, scan):
    fis = aws.client("fis", region_name="us-east-1")
    guarded = _template(fis, "guarded", [{"source": "aws:cloudwatch:alarm", "value": ALARM}])
    unguarded = _template(fis, "unguarded", [{"source": "none"}])

    result = scan(["fis.templates_stop_on_alarm"])

    assert by_resource(result, guarded).status == "pass"
    assert by_resource(result, guarded).evidence.observed["stop_alarms"] == [ALARM]
    assert by_resource(result, unguarded).status == "fail"


def test_template_list_denied(aws, scan):
    result = scan(["fis.templates_stop_on_alarm"], prepare=deny("fis", "list_experiment_templates"))
    assert_denied(result, "fis:ListExperimentTemplates")


PLAN = "arn:aws:ssm-incidents::123456789012:response-plan/{}"


def _plans(*names):
    return ("ssm-incidents", "ListResponsePlans", lambda p: {"responsePlanSummaries": [
        {"arn": PLAN.format(n), "name": n} for n in names]})


def test_response_plans_with_runbook_pass(aws, scan):
    def get(params):
        name = params["arn"].rsplit("/", 1)[-1]
        if name == "denied":
            raise Refuse("AccessDeniedException")
        actions = [{"ssmAutomation": {"documentName": "Investigate-Checkout", "roleArn": ROLE}}] \
            if name == "checkout" else []
        return {"arn": params["arn"], "name": name, "incidentTemplate": {"title": name, "impact": 2},
                "actions": actions}

    result = scan(["ssmincidents.response_plans_have_runbooks"], prepare=answering(
        _plans("checkout", "search", "denied"), ("ssm-incidents", "GetResponsePlan", get)))

    assert statuses(result) == {PLAN.format("checkout"): "pass", PLAN.format("search"): "fail",
                                PLAN.format("denied"): "not_assessed"}
    assert by_resource(result, "denied").missing_permission == "ssm-incidents:GetResponsePlan"


def test_response_plans_denied(aws, scan):
    result = scan(["ssmincidents.response_plans_have_runbooks"], prepare=deny("ssm-incidents", "list_response_plans"))
    assert_denied(result, "ssm-incidents:ListResponsePlans")


INCIDENT = "arn:aws:ssm-incidents::123456789012:incident-record/{}"


def test_resolved_incidents_need_an_analysis(aws, scan):
    now = datetime.now(UTC)
    seen = {}

    def records(params):
        seen.update(params)
        return {"incidentRecordSummaries": [
            {"arn": INCIDENT.format(n), "title": n, "status": status, "impact": 2,
             "creationTime": now - timedelta(days=9),
             "incidentRecordSource": {"createdBy": "x", "source": "aws.cloudwatch"}}
            for n, status in (("analysed", "RESOLVED"), ("forgotten", "RESOLVED"), ("ongoing", "OPEN"))]}

    def related(params):
        name = params["incidentRecordArn"].rsplit("/", 1)[-1]
        items = [{"identifier": {"type": "METRIC", "value": {"arn": ALARM}}, "title": "5xx"}]
        if name == "analysed":
            items.append({"identifier": {"type": "ANALYSIS", "value": {"arn": "arn:aws:ssm:us-east-1:1:opsitem/x"}},
                          "title": "checkout outage analysis"})
        return {"relatedItems": items}

    result = scan(["ssmincidents.incidents_analysed"], prepare=answering(
        ("ssm-incidents", "ListIncidentRecords", records), ("ssm-incidents", "ListRelatedItems", related)))

    assert statuses(result) == {INCIDENT.format("analysed"): "pass", INCIDENT.format("forgotten"): "fail"}
    assert by_resource(result, "analysed").evidence.observed["analyses"] == ["checkout outage analysis"]
    assert seen["filters"][0]["key"] == "creationTime"


def test_incident_records_denied(aws, scan):
    result = scan(["ssmincidents.incidents_analysed"], prepare=deny("ssm-incidents", "list_incident_records"))
    assert_denied(result, "ssm-incidents:ListIncidentRecords")
