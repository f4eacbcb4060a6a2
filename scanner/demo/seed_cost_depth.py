"""Demo resources for the cost-depth and sustainability-depth checks.

us-east-1, where the payments platform runs the way the team wants it, has a nightly EventBridge Scheduler
export, a Data Lifecycle Manager snapshot policy and a shared-services subnet shared through AWS RAM;
eu-west-1, the legacy estate, has none of them. The finance team refreshed the Savings Plans
recommendations last week, and the mobile app is tested on an AWS Device Farm project; the CUR 2.0 export
predates the move to containers and carries no split cost allocation data. moto lacks Data Lifecycle Manager,
Device Farm, Compute Optimizer's idle findings, the recommendation generation list, export details and
RAM's view of shares received from
other accounts: fill-ins answer for them.
"""

from __future__ import annotations

from typing import Any

from scanner.demo import DemoAccount

EAST = "us-east-1"


def seed(demo: DemoAccount) -> None:
    """Add the schedule, and the fill-ins for what moto lacks."""
    demo.client("scheduler", EAST).create_schedule(
        Name="payments-nightly-export", ScheduleExpression="cron(0 2 * * ? *)",
        FlexibleTimeWindow={"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 60},
        Target={"Arn": f"arn:aws:lambda:{EAST}:{demo.account}:function:payments-export",
                "RoleArn": f"arn:aws:iam::{demo.account}:role/payments-scheduler"})
    demo.fill_in("dlm", "GetLifecyclePolicies", _lifecycle_policies)
    demo.fill_in("ram", "GetResourceShares", _resource_shares(demo))
    demo.fill_in("ce", "ListSavingsPlansPurchaseRecommendationGeneration", _generations(demo))
    demo.fill_in("devicefarm", "ListProjects", lambda params, region: {"projects": [
        {"arn": f"arn:aws:devicefarm:{region}:{demo.account}:project:4f1c9b2e-5d6a-4e7b-8c9d-0a1b2c3d4e5f",
         "name": "payments-mobile", "defaultJobTimeoutMinutes": 60}]})
    demo.fill_in("devicefarm", "ListTestGridProjects", lambda params, region: {"testGridProjects": []})
    demo.fill_in("bcm-data-exports", "GetExport", _export)
    demo.fill_in("compute-optimizer", "GetIdleRecommendations", _idle(demo))


def _idle(demo: DemoAccount):
    """Compute Optimizer's idle findings: every volume attached to nothing at scan time."""

    def answer(params: dict[str, Any], region: str) -> dict[str, Any]:
        volumes = demo.client("ec2", region).describe_volumes(
            Filters=[{"Name": "status", "Values": ["available"]}])["Volumes"]
        return {"idleRecommendations": [{
            "resourceArn": f"arn:aws:ec2:{region}:{demo.account}:volume/{v['VolumeId']}",
            "resourceId": v["VolumeId"], "resourceType": "EBSVolume", "accountId": demo.account,
            "finding": "Unattached", "findingDescription": "The volume has not been attached for 14 days.",
            "lookBackPeriodInDays": 14, "savingsOpportunity": {"estimatedMonthlySavings": {
                "currency": "USD", "value": round(0.08 * v["Size"], 2)}}} for v in volumes]}

    return answer


def _export(params: dict[str, Any], region: str) -> dict[str, Any]:
    """The hourly CUR 2.0 export, made before the platform moved to containers: no split cost allocation."""
    return {"Export": {"ExportArn": params.get("ExportArn", ""), "Name": "cur2-hourly", "DataQuery": {
        "QueryStatement": "SELECT * FROM COST_AND_USAGE_REPORT", "TableConfigurations": {"COST_AND_USAGE_REPORT": {
            "TIME_GRANULARITY": "HOURLY", "INCLUDE_RESOURCES": "TRUE", "INCLUDE_SPLIT_COST_ALLOCATION_DATA": "FALSE"}}},
        "RefreshCadence": {"Frequency": "SYNCHRONOUS"}}}


def _lifecycle_policies(params: dict[str, Any], region: str) -> dict[str, Any]:
    if region != EAST:
        return {"Policies": []}
    return {"Policies": [{"PolicyId": "policy-0a1b2c3d4e5f60718", "Description": "payments volumes, daily, keep 14",
                          "State": "ENABLED", "PolicyType": "EBS_SNAPSHOT_MANAGEMENT", "DefaultPolicy": False}]}


def _resource_shares(demo: DemoAccount):
    def answer(params: dict[str, Any], region: str) -> dict[str, Any]:
        if region != EAST or params.get("resourceOwner") != "SELF":
            return {"resourceShares": []}
        share = f"arn:aws:ram:{EAST}:{demo.account}:resource-share/7c2e1d3f-9a8b-4c5d-8e6f-1a2b3c4d5e6f"
        return {"resourceShares": [{
            "resourceShareArn": share,
            "name": "shared-services-subnets", "owningAccountId": demo.account, "allowExternalPrincipals": False,
            "status": "ACTIVE", "creationTime": demo.days_ago(200), "lastUpdatedTime": demo.days_ago(30)}]}

    return answer


def _generations(demo: DemoAccount):
    def answer(params: dict[str, Any], region: str) -> dict[str, Any]:
        started = demo.days_ago(6)
        return {"GenerationSummaryList": [{
            "RecommendationId": "3b9f2c1d-8e7a-4d6c-9b5a-2f1e0d9c8b7a", "GenerationStatus": "SUCCEEDED",
            "GenerationStartedTime": started.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "GenerationCompletionTime": started.strftime("%Y-%m-%dT%H:%M:%SZ")}]}

    return answer
