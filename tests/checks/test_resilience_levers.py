"""arc.routing_controls_defined (answered: moto has no ARC) and apigateway.request_models_enforced (moto)."""

from __future__ import annotations

import json

from tests.checks.answers import Refuse, answering
from tests.helpers import assert_denied, by_resource, deny

ARC, MODELS = "arc.routing_controls_defined", "apigateway.request_models_enforced"
ARC_REGION = "us-west-2"


def _panel(name: str, status: str, controls: int) -> dict:
    return {"ClusterArn": "arn:aws:route53-recovery-control::123456789012:cluster/c1",
            "ControlPanelArn": f"arn:aws:route53-recovery-control::123456789012:controlpanel/{name}",
            "DefaultControlPanel": name == "default", "Name": name, "RoutingControlCount": controls, "Status": status}


def _panels(*panels: dict):
    return answering(("route53-recovery-control-config", "ListControlPanels",
                      lambda p: {"ControlPanels": list(panels)}), region=ARC_REGION)


def test_routing_controls_deployed_pending_or_absent(aws, scan):
    [ok] = scan([ARC], prepare=_panels(_panel("default", "DEPLOYED", 0), _panel("regions", "DEPLOYED", 2))).findings
    assert ok.status == "pass" and "2 Route 53 ARC routing control(s)" in ok.message
    [pending] = scan([ARC], prepare=_panels(_panel("regions", "PENDING", 2))).findings
    assert pending.status == "fail" and "none is deployed" in pending.message
    [none] = scan([ARC], prepare=_panels()).findings
    assert none.status == "fail" and "no Route 53 ARC routing control" in none.message


def test_routing_controls_denied(aws, scan):
    def refuse(params):
        raise Refuse("AccessDeniedException")
    result = scan([ARC], prepare=answering(("route53-recovery-control-config", "ListControlPanels", refuse),
                                           region=ARC_REGION))
    assert_denied(result, "route53-recovery-control-config:ListControlPanels")


def test_apis_with_models_and_validators(aws, scan):
    gw = aws.client("apigateway")
    typed = gw.create_rest_api(name="payments")["id"]
    gw.create_model(restApiId=typed, name="Payment", contentType="application/json",
                    schema=json.dumps({"type": "object", "properties": {"amount": {"type": "number"}}}))
    gw.create_request_validator(restApiId=typed, name="body", validateRequestBody=True,
                                validateRequestParameters=False)
    unchecked = gw.create_rest_api(name="reports")["id"]
    gw.create_model(restApiId=unchecked, name="Report", contentType="application/json", schema="{}")
    untyped = gw.create_rest_api(name="legacy")["id"]

    result = scan([MODELS])

    assert by_resource(result, typed, MODELS).status == "pass"
    assert "no request validator" in by_resource(result, unchecked, MODELS).message
    assert "no request or response model" in by_resource(result, untyped, MODELS).message


def test_models_denied_per_api(aws, scan):
    api = aws.client("apigateway").create_rest_api(name="payments")["id"]
    apis = {"items": [{"id": api, "name": "payments"}]}
    result = scan([MODELS], prepare=deny("apigateway", "get_models", before=[("get_rest_apis", apis)]))
    assert_denied(result, "apigateway:GET", MODELS)
