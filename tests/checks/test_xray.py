"""lambda.xray_tracing and apigateway.xray_tracing."""

from __future__ import annotations

import io
import json
import zipfile

from botocore.stub import Stubber

from checks.xray import tracing_layers
from tests.helpers import assert_demo_shows_pass_and_fail, by_resource


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return 1\n")
    return buf.getvalue()


def _functions(aws) -> None:
    role = aws.client("iam").create_role(RoleName="fn", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                                                "Action": "sts:AssumeRole"}]}))["Role"]["Arn"]
    lam = aws.client("lambda", region_name="us-east-1")
    for name, mode in (("traced", "Active"), ("dark", "PassThrough")):
        lam.create_function(FunctionName=name, Runtime="python3.12", Role=role, Handler="app.handler",
                            Code={"ZipFile": _zip()}, TracingConfig={"Mode": mode})


def test_lambda_active_tracing_passes_passthrough_fails(aws, scan):
    _functions(aws)

    result = scan(["lambda.xray_tracing"])

    assert by_resource(result, "function:traced").status == "pass"
    dark = by_resource(result, "function:dark")
    assert dark.status == "fail"
    assert dark.evidence.observed == {"function": "dark", "tracing_mode": "PassThrough", "tracing_layers": []}


def test_third_party_tracing_layer_counts_as_traced():
    function = {"Layers": [{"Arn": "arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Extension:60"},
                           {"Arn": "arn:aws:lambda:us-east-1:123456789012:layer:shared-utils:3"}]}
    assert tracing_layers(function) == ["Datadog-Extension"]
    assert tracing_layers({}) == []


def test_apigateway_stage_tracing(aws, scan):
    apigw = aws.client("apigateway", region_name="us-east-1")
    api = apigw.create_rest_api(name="orders")["id"]
    root = apigw.get_resources(restApiId=api)["items"][0]["id"]
    apigw.put_method(restApiId=api, resourceId=root, httpMethod="GET", authorizationType="NONE")
    apigw.put_integration(restApiId=api, resourceId=root, httpMethod="GET", type="MOCK")
    deployment = apigw.create_deployment(restApiId=api)["id"]
    apigw.create_stage(restApiId=api, stageName="prod", deploymentId=deployment, tracingEnabled=True)
    apigw.create_stage(restApiId=api, stageName="dev", deploymentId=deployment)

    result = scan(["apigateway.xray_tracing"])

    prod = by_resource(result, "/stages/prod")
    assert prod.status == "pass"
    assert prod.resource == f"arn:aws:apigateway:us-east-1::/restapis/{api}/stages/prod"
    dev = by_resource(result, "/stages/dev")
    assert dev.status == "fail" and dev.evidence.observed["tracing_enabled"] is False


def test_denied_reads_are_not_assessed(aws, scan):
    apigw = aws.client("apigateway", region_name="us-east-1")
    api = apigw.create_rest_api(name="orders")["id"]

    def prepare(target):
        lam = Stubber(target.collector.client("lambda", "us-east-1"))
        lam.add_client_error("list_functions", "AccessDeniedException", "denied", 403)
        lam.activate()
        gw = Stubber(target.collector.client("apigateway", "us-east-1"))
        gw.add_response("get_rest_apis", {"items": [{"id": api, "name": "orders"}]})
        gw.add_client_error("get_stages", "AccessDeniedException", "denied", 403, expected_params={"restApiId": api})
        gw.activate()

    result = scan(["lambda.xray_tracing", "apigateway.xray_tracing"], prepare=prepare)

    assert {f.status.value for f in result.findings} == {"not_assessed"}
    assert {f.check: f.missing_permission for f in result.findings} == {
        "lambda.xray_tracing": "lambda:ListFunctions", "apigateway.xray_tracing": "apigateway:GET"}
    assert by_resource(result, f"/restapis/{api}").check == "apigateway.xray_tracing"


def test_demo_shows_pass_and_fail(demo_scan):
    assert_demo_shows_pass_and_fail(demo_scan[0], "lambda.xray_tracing", "apigateway.xray_tracing")
