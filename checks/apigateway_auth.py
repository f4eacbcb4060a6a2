"""API Gateway REST API methods authenticate their callers (IAM, Cognito or a Lambda authorizer)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checks._apigateway import rest_api_arn, rest_apis
from scanner.api import CheckContext, Finding, NotAssessed, check

# CORS preflight requests carry no credentials by design of the browser protocol.
UNAUTHENTICATED_BY_DESIGN = ("OPTIONS",)


@check(
    id="apigateway.methods_authorized",
    title="API Gateway methods require authorization",
    service="apigateway",
    severity="medium",
    effort="medium",
    description="""Every method of every REST API (GetResources with the methods embedded, one paginated read
        per API) has an authorization type other than NONE: AWS_IAM (SigV4-signed requests), COGNITO_USER_POOLS
        or CUSTOM (a Lambda authorizer). OPTIONS methods, the CORS preflight, are left out. An API key alone
        does not count: API Gateway keys identify clients for usage plans, they do not authenticate them. An
        API meant to be public fails too: say so in the review. APIs without methods give no finding.""",
    remediation="""Give each method an authorizer (aws apigateway update-method --patch-operations
        op=replace,path=/authorizationType,value=AWS_IAM, or a Cognito or Lambda authorizer) and redeploy the
        stage; for service-to-service calls, prefer IAM authorization with SigV4.""",
    reads=["apigateway:GetRestApis", "apigateway:GetResources"],
)
def methods_authorized(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per REST API."""
    apis = rest_apis(ctx)

    def one(api: dict[str, Any]) -> list[Finding]:
        api_id, name = api["id"], api.get("name", api["id"])
        arn = rest_api_arn(ctx, api_id)
        try:
            resources = ctx.call("apigateway", "GetResources", restApiId=api_id, embed=["methods"],
                                 required=("items",)).get("items", [])
        except NotAssessed as exc:
            return [ctx.not_assessed(arn, exc)]
        methods, open_methods = 0, []
        for resource in resources:
            for verb, method in (resource.get("resourceMethods") or {}).items():
                if verb.upper() in UNAUTHENTICATED_BY_DESIGN:
                    continue
                methods += 1
                if (method or {}).get("authorizationType", "NONE") == "NONE":
                    open_methods.append(f"{verb} {resource.get('path', '?')}")
        if not methods:
            return []  # nothing deployed to judge yet
        observed = {"api": name, "methods": methods, "unauthenticated": sorted(open_methods)}
        if open_methods:
            shown = ", ".join(sorted(open_methods)[:5]) + (" ..." if len(open_methods) > 5 else "")
            return [ctx.failed(arn, f"API {name}: {len(open_methods)} of {methods} method(s) take requests without "
                               f"authorization ({shown})", observed)]
        return [ctx.passed(arn, f"API {name}: all {methods} method(s) require authorization", observed)]

    for findings in ctx.map(one, apis):
        yield from findings
