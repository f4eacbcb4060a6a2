"""Levers and contracts between services: Route 53 ARC routing controls to move traffic by hand in an
emergency, and API Gateway APIs that check requests against typed models."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checks._apigateway import rest_api_arn, rest_apis
from scanner.api import CheckContext, Finding, NotAssessed, check

# The routing-control configuration API is served from US West (Oregon) only, for every Region it controls.
CONTROL_CONFIG_REGION = "us-west-2"
# API Gateway adds these two models to every REST API; they type nothing.
DEFAULT_MODELS = frozenset({"Empty", "Error"})


@check(
    id="arc.routing_controls_defined",
    title="Route 53 ARC routing controls can move traffic by hand",
    service="route53-recovery-control-config",
    scope="global",
    severity="low",
    effort="high",
    description="""The account has a deployed Amazon Application Recovery Controller control panel with at
        least one routing control: an on/off switch, served by a highly available data plane, that an operator
        flips to move traffic away from an impaired Region or cell without changing or deploying anything.
        Other levers (feature flags, WAF rules kept ready, static fallback pages) are not seen.""",
    remediation="""Create an ARC cluster and control panel, a routing control per cell or Region with safety
        rules, attach routing-control health checks to the workload's failover records, and practise flipping
        them.""",
    reads=["route53-recovery-control-config:ListControlPanels"],
)
def routing_controls_defined(ctx: CheckContext) -> Iterator[Finding]:
    """One account-level finding."""
    region = CONTROL_CONFIG_REGION if ctx.partition == "aws" else ctx.api_region
    panels = ctx.call("route53-recovery-control-config", "ListControlPanels", region=region,
                      required=("ControlPanels",)).get("ControlPanels", [])
    deployed = [p for p in panels if p.get("Status") == "DEPLOYED" and int(p.get("RoutingControlCount") or 0) > 0]
    observed = {"control_panels": [{"name": p.get("Name"), "status": p.get("Status"),
                                    "routing_controls": p.get("RoutingControlCount")} for p in panels][:20]}
    resource = ctx.account_resource()
    if deployed:
        count = sum(int(p.get("RoutingControlCount") or 0) for p in deployed)
        yield ctx.passed(resource, f"{count} Route 53 ARC routing control(s) in {len(deployed)} deployed control "
                         "panel(s) can move traffic by hand", observed)
    elif panels:
        yield ctx.failed(resource, f"{len(panels)} Route 53 ARC control panel(s) exist but none is deployed with "
                         "a routing control", observed)
    else:
        yield ctx.failed(resource, "The account has no Route 53 ARC routing control", observed)


@check(
    id="apigateway.request_models_enforced",
    title="REST APIs check requests against typed models",
    service="apigateway",
    severity="low",
    effort="medium",
    description="""Each API Gateway REST API defines at least one model of its own (a JSON schema beyond the
        built-in Empty and Error) and a request validator, so its contract is machine-readable and requests
        that break it are refused at the front door. Contracts kept only in an OpenAPI file in a repository, or
        checked inside the backend, are not seen. Models and validators are read per API.""",
    remediation="""Describe the API in OpenAPI with typed request and response schemas, import it into API
        Gateway (models), add a request validator for bodies and parameters, and version the API with
        stages.""",
    reads=["apigateway:GetRestApis", "apigateway:GetModels", "apigateway:GetRequestValidators"],
)
def request_models_enforced(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per REST API."""
    apis = rest_apis(ctx)

    def one(api: dict[str, Any]) -> Finding:
        api_id, name = api["id"], api.get("name", api["id"])
        arn = rest_api_arn(ctx, api_id)
        try:
            models = ctx.call("apigateway", "GetModels", restApiId=api_id).get("items", [])
            validators = ctx.call("apigateway", "GetRequestValidators", restApiId=api_id).get("items", [])
        except NotAssessed as exc:
            return ctx.not_assessed(arn, exc)
        own = sorted(m.get("name", "") for m in models if m.get("name") not in DEFAULT_MODELS)
        checking = [v.get("name") or v.get("id") for v in validators
                    if v.get("validateRequestBody") or v.get("validateRequestParameters")]
        observed = {"api": name, "models": own[:20], "request_validators": checking}
        if own and checking:
            return ctx.passed(arn, f"API {name} has {len(own)} model(s) and validates requests with "
                              f"{', '.join(map(str, checking[:3]))}", observed)
        if own:
            return ctx.failed(arn, f"API {name} has {len(own)} model(s) but no request validator enforces them",
                              observed)
        return ctx.failed(arn, f"API {name} defines no request or response model (untyped contract)", observed)

    yield from ctx.map(one, apis)
