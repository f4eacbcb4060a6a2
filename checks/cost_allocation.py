"""Shared compute allocated by use: the detailed billing export carries split cost allocation data, which
divides the cost of shared ECS, EKS and Batch hosts by how much CPU and memory each task or pod used."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scanner.api import GLOBAL, CheckContext, Finding, NotAssessed, check

# Billing and Data Exports answer in us-east-1 for the whole account.
BILLING_REGION = "us-east-1"
# The CUR 2.0 table property and the legacy CUR schema element (AWS Data Exports user guide, "Table
# configurations"; CUR user guide, "Split cost allocation data").
EXPORT_PROPERTY = "INCLUDE_SPLIT_COST_ALLOCATION_DATA"
REPORT_ELEMENT = "SPLIT_COST_ALLOCATION_DATA"


def _export_splits(ctx: CheckContext, export: dict[str, Any]) -> bool:
    detail = ctx.call("bcm-data-exports", "GetExport", region=BILLING_REGION, ExportArn=export["ExportArn"],
                      required=("Export",))["Export"]
    tables = ((detail.get("DataQuery") or {}).get("TableConfigurations") or {})
    return any(str((props or {}).get(EXPORT_PROPERTY, "")).upper() == "TRUE" for props in tables.values())


@check(
    id="billing.split_cost_allocation_exported",
    title="Shared container hosts are allocated by what each task used",
    service="cur",
    scope="global",
    severity="low",
    effort="low",
    description="""A Cost and Usage Report includes the split cost allocation data schema element, or an AWS
        Data Exports CUR 2.0 export sets INCLUDE_SPLIT_COST_ALLOCATION_DATA (one GetExport per export),
        so the cost of shared EC2 hosts behind ECS, EKS and AWS Batch is divided among tasks and pods by
        the CPU and memory they reserved or used, and can be charged to the workloads that consumed it.
        Reads the report definitions and export list the detailed-export check reads; allocation by
        request counts or business outcomes, done outside billing data, is not seen.""",
    remediation="""Turn on split cost allocation data in the Billing console's Cost Management preferences (for
        ECS and EKS), then add it to the CUR 2.0 export (INCLUDE_SPLIT_COST_ALLOCATION_DATA = TRUE) and
        report cost per task, service or namespace next to the workload's own metrics.""",
    reads=["cur:DescribeReportDefinitions", "bcm-data-exports:ListExports", "bcm-data-exports:GetExport"],
)
def split_cost_allocation_exported(ctx: CheckContext) -> Iterator[Finding]:
    """One account-level finding."""
    errors: list[NotAssessed] = []
    try:
        reports = ctx.call("cur", "DescribeReportDefinitions", region=BILLING_REGION).get("ReportDefinitions", [])
    except NotAssessed as exc:
        errors.append(exc)
        reports = []
    try:
        exports = ctx.call("bcm-data-exports", "ListExports", region=BILLING_REGION).get("Exports", [])
        split_exports = [e.get("ExportName") for e in exports if _export_splits(ctx, e)]
    except NotAssessed as exc:
        errors.append(exc)
        exports, split_exports = [], []
    split_reports = [r.get("ReportName") for r in reports
                     if REPORT_ELEMENT in (r.get("AdditionalSchemaElements") or [])]
    observed = {"reports": [r.get("ReportName") for r in reports], "exports": [e.get("ExportName") for e in exports],
                "with_split_cost_allocation": split_reports + split_exports}
    resource = ctx.account_resource("cur-split-cost-allocation", region=GLOBAL)
    if split_reports or split_exports:
        yield ctx.passed(resource, "Split cost allocation data is exported in "
                         + ", ".join(map(str, split_reports + split_exports)), observed)
    elif errors:
        yield ctx.not_assessed(resource, errors[0])
    elif reports or exports:
        yield ctx.failed(resource, "No billing export includes split cost allocation data: shared container hosts "
                         "cannot be charged to the tasks that used them", observed)
    else:
        yield ctx.failed(resource, "No Cost and Usage Report or Data Exports export, so no split cost allocation "
                         "data", observed)
