"""Requests are throttled at the front door: API Gateway stages set their own rate and burst limits."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checks._apigateway import judge_stages, rest_apis
from scanner.api import CheckContext, Finding, NotAssessed, check


def _stage_limit(stage: dict[str, Any]) -> dict[str, Any] | None:
    """The stage-wide (``*/*``) throttle, when the stage sets one."""
    setting = (stage.get("methodSettings") or {}).get("*/*") or {}
    rate, burst = setting.get("throttlingRateLimit"), setting.get("throttlingBurstLimit")
    if rate is None and burst is None:
        return None
    if (rate is not None and rate < 0) or (burst is not None and burst < 0):
        return None  # -1 means "no stage limit" in API Gateway's method settings
    return {"rate_limit": rate, "burst_limit": burst}


@check(
    id="apigateway.stages_throttled",
    title="API Gateway stages throttle requests",
    service="apigateway",
    severity="medium",
    effort="low",
    description="""Every deployed API Gateway REST API stage has its own throttle: a stage-wide rate and burst
        limit in its method settings, or a usage plan that covers the stage with a throttle. A stage without
        one is limited only by the account-wide regional quota it shares with every other API, so one noisy
        client can exhaust it for all.""",
    remediation="""Set stage throttling from the load the backend was tested to sustain (apigateway
        update-stage --patch-operations op=replace,path=/*/*/throttling/rateLimit,value=N and burstLimit), and
        give API keys usage plans with per-client throttles and quotas.""",
    reads=["apigateway:GetRestApis", "apigateway:GetStages", "apigateway:GetUsagePlans"],
)
def stages_throttled(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per REST API stage."""
    if not rest_apis(ctx):
        return
    try:
        plans = ctx.call("apigateway", "GetUsagePlans").get("items", [])
    except NotAssessed as exc:
        plans_error: NotAssessed | None = exc
        plans = []
    else:
        plans_error = None
    planned: dict[tuple[str, str], list[str]] = {}
    for plan in plans:
        for stage in plan.get("apiStages", []):
            if plan.get("throttle") or stage.get("throttle"):
                planned.setdefault((stage.get("apiId", ""), stage.get("stage", "")), []).append(plan.get("name", ""))

    def judge(api: dict[str, Any], stage: dict[str, Any], arn: str) -> Finding:
        api_name, name = api.get("name", api["id"]), stage["stageName"]
        limit, by_plan = _stage_limit(stage), planned.get((api["id"], name), [])
        observed = {"api": api_name, "stage": name, "stage_throttle": limit, "usage_plans": by_plan}
        if limit:
            return ctx.passed(arn, f"API {api_name} stage {name} throttles at {limit['rate_limit']} "
                              f"requests/s (burst {limit['burst_limit']})", observed)
        if by_plan:
            return ctx.passed(arn, f"API {api_name} stage {name} is throttled by usage plan {', '.join(by_plan)}",
                              observed)
        if plans_error is not None:
            return ctx.not_assessed(arn, plans_error)
        return ctx.failed(arn, f"API {api_name} stage {name} has no stage throttle and no usage plan: only the "
                          "account-wide regional limit applies", observed)

    yield from judge_stages(ctx, judge)
