"""API Gateway REST APIs and their stages, read once per scan and judged stage by stage."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from scanner.api import CheckContext, Finding, NotAssessed

# A judge takes the API, one of its stages and the stage's ARN, and returns the stage's finding.
StageJudge = Callable[[dict[str, Any], dict[str, Any], str], Finding]


def rest_api_arn(ctx: CheckContext, api_id: str) -> str:
    """A REST API's ARN. API Gateway resource ARNs carry no account id: arn:aws:apigateway:<region>::/restapis/<id>."""
    return f"arn:{ctx.partition}:apigateway:{ctx.api_region}::/restapis/{api_id}"


def rest_apis(ctx: CheckContext) -> list[dict[str, Any]]:
    """The region's REST APIs (every check asks the same read)."""
    return ctx.call("apigateway", "GetRestApis").get("items", [])


def judge_stages(ctx: CheckContext, judge: StageJudge) -> Iterator[Finding]:
    """One finding per stage of every REST API of the region, the APIs' stages read concurrently; an API whose
    stages cannot be read is not assessed."""
    def one(api: dict[str, Any]) -> list[Finding]:
        api_arn = rest_api_arn(ctx, api["id"])
        try:
            stages = ctx.call("apigateway", "GetStages", restApiId=api["id"]).get("item", [])
        except NotAssessed as exc:
            return [ctx.not_assessed(api_arn, exc)]
        return [judge(api, stage, f"{api_arn}/stages/{stage['stageName']}") for stage in stages]

    for findings in ctx.map(one, rest_apis(ctx)):
        yield from findings
