"""Distributed tracing: Lambda functions and API Gateway REST stages send traces to AWS X-Ray."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checks._apigateway import judge_stages
from scanner.api import CheckContext, Finding, check

# Layer-name fragments of widely used tracing agents other than X-Ray. A function carrying one of
# these layers is traced even though its X-Ray mode is PassThrough.
TRACING_LAYER_MARKERS = ("datadog", "newrelic", "dynatrace", "lumigo", "otel", "opentelemetry",
                         "honeycomb", "instana", "elastic-apm", "appdynamics", "splunk")


def tracing_layers(function: dict[str, Any]) -> list[str]:
    """Names of the function's layers that belong to a known third-party tracing agent."""
    found = []
    for layer in function.get("Layers") or []:
        # arn:aws:lambda:<region>:<account>:layer:<name>:<version>
        parts = layer.get("Arn", "").split(":")
        name = parts[6] if len(parts) > 6 else layer.get("Arn", "")
        if any(marker in name.lower() for marker in TRACING_LAYER_MARKERS):
            found.append(name)
    return found


@check(
    id="lambda.xray_tracing",
    title="Lambda functions are traced",
    service="lambda",
    severity="low",
    effort="low",
    description="""Every Lambda function has X-Ray active tracing turned on, or carries the layer of a
        known third-party tracing agent (OpenTelemetry, Datadog, New Relic, Dynatrace, Lumigo, ...), so a
        request can be followed across the services it touches.""",
    remediation="""Turn on active tracing (lambda update-function-configuration --tracing-config
        Mode=Active, or Tracing: Active in SAM/CloudFormation) and give the execution role the
        AWSXRayDaemonWriteAccess policy; or instrument the function with the OpenTelemetry layer.""",
    reads=["lambda:ListFunctions"],
)
def lambda_xray_tracing(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per function of the region."""
    for function in ctx.call("lambda", "ListFunctions", required=("Functions",)).get("Functions", []):
        name, arn = function["FunctionName"], function["FunctionArn"]
        mode = (function.get("TracingConfig") or {}).get("Mode", "PassThrough")
        layers = tracing_layers(function)
        observed = {"function": name, "tracing_mode": mode, "tracing_layers": layers}
        if mode == "Active":
            yield ctx.passed(arn, f"Lambda function {name} has X-Ray active tracing", observed)
        elif layers:
            yield ctx.passed(arn, f"Lambda function {name} is traced by layer {layers[0]} (X-Ray mode {mode})",
                             observed)
        else:
            yield ctx.failed(arn, f"Lambda function {name} is not traced (X-Ray mode {mode}, no tracing layer)",
                             observed)


@check(
    id="apigateway.xray_tracing",
    title="API Gateway REST stages are traced",
    service="apigateway",
    severity="low",
    effort="low",
    description="""Every stage of every API Gateway REST API has X-Ray tracing enabled, so requests
        entering through the API can be followed to the backends they call. (HTTP and WebSocket APIs
        cannot send traces to X-Ray and are not assessed.)""",
    remediation="""Enable X-Ray tracing on the stage (apigateway update-stage --patch-operations
        op=replace,path=/tracingEnabled,value=true, or TracingEnabled: true on AWS::ApiGateway::Stage).""",
    reads=["apigateway:GetRestApis", "apigateway:GetStages"],
)
def apigateway_xray_tracing(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per stage of every REST API of the region."""
    def judge(api: dict[str, Any], stage: dict[str, Any], arn: str) -> Finding:
        api_name, name = api.get("name", api["id"]), stage["stageName"]
        enabled = bool(stage.get("tracingEnabled"))
        observed = {"rest_api_id": api["id"], "rest_api": api_name, "stage": name, "tracing_enabled": enabled}
        label = f"Stage {name} of REST API {api_name}"
        if enabled:
            return ctx.passed(arn, f"{label} has X-Ray tracing enabled", observed)
        return ctx.failed(arn, f"{label} does not send traces to X-Ray", observed)

    yield from judge_stages(ctx, judge)


