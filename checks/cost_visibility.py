"""Cost and usage can be attributed: detailed billing exports, activated cost-allocation tags, cost
categories, and resources tagged with an owner and a cost centre."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scanner.api import GLOBAL, CheckContext, Finding, NotAssessed, check


@check(
    id="billing.detailed_export_configured",
    title="A detailed cost and usage export is configured",
    service="cur",
    scope="global",
    severity="medium",
    effort="low",
    description="""The account delivers a Cost and Usage Report (cur DescribeReportDefinitions) or an AWS Data
        Exports export (bcm-data-exports ListExports, for CUR 2.0 and FOCUS) that is not failing, so cost can
        be analysed per resource and per hour. A member account of an organization usually relies on the
        management account's export, which this check cannot see from the member.""",
    remediation="""Create a CUR 2.0 export in AWS Data Exports (bcm-data-exports create-export) to an S3 bucket
        with resource IDs and hourly granularity, and query it with Athena or Amazon QuickSight.""",
    reads=["cur:DescribeReportDefinitions", "bcm-data-exports:ListExports"],
)
def detailed_export_configured(ctx: CheckContext) -> Iterator[Finding]:
    """One account-level finding."""
    errors: list[NotAssessed] = []
    try:
        reports = ctx.call("cur", "DescribeReportDefinitions", region="us-east-1").get("ReportDefinitions", [])
    except NotAssessed as exc:
        errors.append(exc)
        reports = []
    try:
        exports = ctx.call("bcm-data-exports", "ListExports", region="us-east-1").get("Exports", [])
    except NotAssessed as exc:
        errors.append(exc)
        exports = []
    healthy = [e for e in exports if (e.get("ExportStatus") or {}).get("StatusCode") != "UNHEALTHY"]
    observed = {"cost_and_usage_reports": [{"name": r.get("ReportName"), "time_unit": r.get("TimeUnit"),
                                            "resource_ids": "RESOURCES" in (r.get("AdditionalSchemaElements") or []),
                                            "bucket": r.get("S3Bucket")} for r in reports],
                "data_exports": [{"name": e.get("ExportName"),
                                  "status": (e.get("ExportStatus") or {}).get("StatusCode")} for e in exports]}
    resource = ctx.account_resource("cur", region=GLOBAL)
    if reports or healthy:
        names = [r.get("ReportName") for r in reports] + [e.get("ExportName") for e in healthy]
        yield ctx.passed(resource, f"Detailed cost and usage is exported ({', '.join(map(str, names))})", observed)
    elif errors:
        yield ctx.not_assessed(resource, errors[0])
    elif exports:
        yield ctx.failed(resource, "Every AWS Data Exports export of the account is unhealthy", observed)
    else:
        yield ctx.failed(resource, "No Cost and Usage Report and no AWS Data Exports export is configured", observed)


@check(
    id="ce.cost_allocation_tags_active",
    title="User-defined cost-allocation tags are activated",
    service="ce",
    scope="global",
    severity="medium",
    effort="low",
    description="""At least one user-defined tag is activated as a cost-allocation tag (Cost Explorer
        ListCostAllocationTags), so cost reports can be split by team, application or cost centre. A tag only
        appears in billing data once it is activated. Cost Explorer bills this request ($0.01).""",
    remediation="""Activate the organization's ownership and cost-centre tag keys in the Billing console (Cost
        allocation tags) or with ce update-cost-allocation-tags-status, from the management account.""",
    reads=["ce:ListCostAllocationTags"],
)
def cost_allocation_tags_active(ctx: CheckContext) -> Iterator[Finding]:
    """One account-level finding."""
    tags = ctx.call("ce", "ListCostAllocationTags", Type="UserDefined").get("CostAllocationTags", [])
    active = sorted(t["TagKey"] for t in tags if t.get("Status") == "Active")
    observed = {"active": active, "inactive": sorted(t["TagKey"] for t in tags if t.get("Status") != "Active")}
    resource = ctx.account_resource(region=GLOBAL)
    if active:
        yield ctx.passed(resource, f"{len(active)} cost-allocation tag(s) active: {', '.join(active[:5])}", observed)
    else:
        yield ctx.failed(resource, "No user-defined cost-allocation tag is active: billing data cannot be split by "
                         "tag", observed)


@check(
    id="ce.cost_categories_defined",
    title="Cost categories map spend to the organization",
    service="ce",
    scope="global",
    severity="low",
    effort="medium",
    description="""At least one AWS Cost Categories definition is in effect (Cost Explorer
        ListCostCategoryDefinitions), mapping accounts, tags and services to the organization's own units
        (business unit, product, environment). Cost Explorer bills this request ($0.01).""",
    remediation="""Define cost categories for the attribution your finance team reports on (ce
        create-cost-category-definition), with rules over linked accounts and cost-allocation tags.""",
    reads=["ce:ListCostCategoryDefinitions"],
)
def cost_categories_defined(ctx: CheckContext) -> Iterator[Finding]:
    """One account-level finding."""
    refs = ctx.call("ce", "ListCostCategoryDefinitions").get("CostCategoryReferences", [])
    observed = {"cost_categories": [{"name": r.get("Name"), "values": len(r.get("Values") or []),
                                     "rules": r.get("NumberOfRules")} for r in refs]}
    resource = ctx.account_resource("ce-cost-categories", region=GLOBAL)
    if refs:
        yield ctx.passed(resource, f"{len(refs)} cost categor{'y' if len(refs) == 1 else 'ies'} defined: "
                         f"{', '.join(r.get('Name', '?') for r in refs[:5])}", observed)
    else:
        yield ctx.failed(resource, "No cost category is defined", observed)


def _has_key(tags: list[dict[str, str]], keys: list[str]) -> bool:
    wanted = {k.lower() for k in keys}
    return any(t.get("Key", "").lower() in wanted and t.get("Value", "").strip() for t in tags)


def _keys(value: Any) -> list[str]:
    return [k.strip() for k in (value.split(",") if isinstance(value, str) else value) if str(k).strip()]


@check(
    id="tagging.owner_and_cost_centre",
    title="Resources carry owner and cost-centre tags",
    service="tag",
    severity="medium",
    effort="medium",
    description="""At least `min_percent` of the region's taggable resources (Resource Groups Tagging API
        GetResources, one paginated bulk read) carry a non-empty owner tag (any key in `owner_keys`) and a
        cost-centre tag (any key in `cost_keys`); key names compare case-insensitively. Resources the tagging
        API has never seen tagged may be missing from its answer, so the share can be flattering. A scoped scan
        counts the resources in scope only.""",
    remediation="""Agree the tag keys in an AWS Organizations tag policy, apply them at creation from IaC
        (CloudFormation stack tags, Terraform default_tags), and backfill existing resources with the Tag
        Editor; activate the keys as cost-allocation tags.""",
    reads=["resourcegroupstaggingapi:GetResources"],
    options={"min_percent": 80, "owner_keys": ["owner", "team", "contact"],
             "cost_keys": ["cost-center", "costcenter", "cost_center", "cost-centre", "billing", "project"]},
)
def owner_and_cost_centre(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per region with taggable resources."""
    floor = float(ctx.option("min_percent"))
    owners, costs = _keys(ctx.option("owner_keys")), _keys(ctx.option("cost_keys"))
    # 100 per page is the API's largest page (the default is 50).
    items = ctx.call("resourcegroupstaggingapi", "GetResources", ResourcesPerPage=100,
                     required=("ResourceTagMappingList",))["ResourceTagMappingList"]
    # A scoped scan counts the workload's resources only.
    items = [i for i in items if ctx.in_scope(i["ResourceARN"], {t.get("Key"): t.get("Value")
                                                              for t in i.get("Tags", [])})]
    if not items:
        return
    owned = [i for i in items if _has_key(i.get("Tags", []), owners)]
    costed = [i for i in items if _has_key(i.get("Tags", []), costs)]
    both = [i for i in owned if _has_key(i.get("Tags", []), costs)]
    percent = round(100 * len(both) / len(items), 1)
    complete = {i["ResourceARN"] for i in both}
    untagged = [i["ResourceARN"] for i in items if i["ResourceARN"] not in complete][:10]
    observed = {"resources": len(items), "with_owner": len(owned), "with_cost_centre": len(costed),
                "with_both": len(both), "percent": percent, "min_percent": floor, "examples_missing": untagged}
    resource = ctx.account_resource()
    if percent >= floor:
        yield ctx.passed(resource, f"{percent}% of {len(items)} resources in {ctx.region} carry owner and "
                         "cost-centre tags", observed)
    else:
        yield ctx.failed(resource, f"Only {percent}% of {len(items)} resources in {ctx.region} carry owner and "
                         f"cost-centre tags (below {floor:g}%)", observed)
