"""Cost and governance evidence: Cost Explorer, CUR and Data Exports answers are served (moto lacks them);
Organizations and the Resource Groups Tagging API run on moto."""

from __future__ import annotations

from tests.checks.answers import Refuse, answering
from tests.helpers import assert_denied, deny

GLOBAL_CHECKS = ("us-east-1",)


def _sp(covered, total):
    return ("ce", "GetSavingsPlansCoverage", lambda p: {"SavingsPlansCoverages": [
        {"TimePeriod": p["TimePeriod"], "Coverage": {"SpendCoveredBySavingsPlans": str(covered),
                                                     "TotalCost": str(total), "OnDemandCost": str(total - covered)}}]})


def _ri(percent, hours):
    return ("ce", "GetReservationCoverage", lambda p: {"Total": {"CoverageHours": {
        "CoverageHoursPercentage": str(percent), "TotalRunningHours": str(hours)}}})


def test_commitment_coverage(aws, scan):
    good = scan(["ce.commitment_coverage"], prepare=answering(_sp(700, 1000), _ri(0, 0)))
    [finding] = good.findings
    assert finding.status == "pass" and finding.evidence.observed["savings_plans_coverage_percent"] == 70.0

    low = scan(["ce.commitment_coverage"], prepare=answering(_sp(100, 1000), _ri(20, 500)))
    [finding] = low.findings
    assert finding.status == "fail" and "Savings Plans 10.0%, Reserved Instances 20.0%" in finding.message

    assert scan(["ce.commitment_coverage"], prepare=answering(_sp(0, 0), _ri(0, 0))).findings == []


def test_commitment_coverage_denied(aws, scan):
    result = scan(["ce.commitment_coverage"], prepare=deny("ce", "get_savings_plans_coverage"))
    assert_denied(result, "ce:GetSavingsPlansCoverage")


def test_commitments_utilised(aws, scan):
    def no_ri(params):
        raise Refuse("DataUnavailableException")

    result = scan(["ce.commitments_utilised"], prepare=answering(
        ("ce", "GetSavingsPlansUtilization", lambda p: {"Total": {"Utilization": {
            "TotalCommitment": "720", "UsedCommitment": "500", "UnusedCommitment": "220",
            "UtilizationPercentage": "69.4"}}}),
        ("ce", "GetReservationUtilization", no_ri)))
    [finding] = result.findings
    assert finding.status == "fail" and finding.resource.startswith("arn:aws:savingsplans::")

    result = scan(["ce.commitments_utilised"], prepare=answering(
        ("ce", "GetSavingsPlansUtilization", no_ri),
        ("ce", "GetReservationUtilization", lambda p: {"Total": {"PurchasedHours": "744",
                                                                 "UtilizationPercentage": "99.2"}})))
    [finding] = result.findings
    assert finding.status == "pass" and "99.2%" in finding.message


def test_commitments_utilised_denied(aws, scan):
    result = scan(["ce.commitments_utilised"], prepare=deny("ce", "get_savings_plans_utilization"))
    assert_denied(result, "ce:GetSavingsPlansUtilization")


def _exports(*statuses):
    return ("bcm-data-exports", "ListExports", lambda p: {"Exports": [
        {"ExportArn": f"arn:aws:bcm-data-exports:us-east-1:123456789012:export/e{i}", "ExportName": f"cur2-{i}",
         "ExportStatus": {"StatusCode": s}} for i, s in enumerate(statuses)]})


def _reports(*names):
    return ("cur", "DescribeReportDefinitions", lambda p: {"ReportDefinitions": [
        {"ReportName": n, "TimeUnit": "HOURLY", "Format": "Parquet", "Compression": "Parquet",
         "AdditionalSchemaElements": ["RESOURCES"], "S3Bucket": "billing", "S3Prefix": "cur", "S3Region": "us-east-1"}
        for n in names]})


def test_detailed_export(aws, scan):
    [found] = scan(["billing.detailed_export_configured"], prepare=answering(_reports(), _exports("HEALTHY"))).findings
    assert found.status == "pass" and "cur2-0" in found.message
    [legacy] = scan(["billing.detailed_export_configured"], prepare=answering(_reports("hourly"), _exports())).findings
    assert legacy.status == "pass"
    [broken] = scan(["billing.detailed_export_configured"],
                    prepare=answering(_reports(), _exports("UNHEALTHY"))).findings
    assert broken.status == "fail"
    [none] = scan(["billing.detailed_export_configured"], prepare=answering(_reports(), _exports())).findings
    assert none.status == "fail" and "No Cost and Usage Report" in none.message


def test_detailed_export_denied(aws, scan):
    def refuse(params):
        raise Refuse("AccessDeniedException")

    result = scan(["billing.detailed_export_configured"], prepare=answering(
        ("cur", "DescribeReportDefinitions", refuse), _exports()))
    assert_denied(result, "cur:DescribeReportDefinitions")


def test_cost_allocation_tags_and_categories(aws, scan):
    result = scan(["ce.cost_allocation_tags_active", "ce.cost_categories_defined"], prepare=answering(
        ("ce", "ListCostAllocationTags", lambda p: {"CostAllocationTags": [
            {"TagKey": "team", "Type": "UserDefined", "Status": "Active"},
            {"TagKey": "project", "Type": "UserDefined", "Status": "Inactive"}]}),
        ("ce", "ListCostCategoryDefinitions", lambda p: {"CostCategoryReferences": []})))
    status = {f.check: f.status.value for f in result.findings}
    assert status == {"ce.cost_allocation_tags_active": "pass", "ce.cost_categories_defined": "fail"}

    result = scan(["ce.cost_allocation_tags_active", "ce.cost_categories_defined"], prepare=answering(
        ("ce", "ListCostAllocationTags", lambda p: {"CostAllocationTags": [
            {"TagKey": "project", "Type": "UserDefined", "Status": "Inactive"}]}),
        ("ce", "ListCostCategoryDefinitions", lambda p: {"CostCategoryReferences": [
            {"CostCategoryArn": "arn:aws:ce::123456789012:costcategory/x", "Name": "BusinessUnit",
             "EffectiveStart": "2025-01-01T00:00:00Z", "NumberOfRules": 4}]})))
    status = {f.check: f.status.value for f in result.findings}
    assert status == {"ce.cost_allocation_tags_active": "fail", "ce.cost_categories_defined": "pass"}


def test_cost_allocation_tags_denied(aws, scan):
    result = scan(["ce.cost_allocation_tags_active"], prepare=deny("ce", "list_cost_allocation_tags"))
    assert_denied(result, "ce:ListCostAllocationTags")
    result = scan(["ce.cost_categories_defined"], prepare=deny("ce", "list_cost_category_definitions"))
    assert_denied(result, "ce:ListCostCategoryDefinitions")


def _volumes(aws, tagged, untagged):
    ec2 = aws.client("ec2", region_name="us-east-1")
    for _ in range(tagged):
        ec2.create_volume(AvailabilityZone="us-east-1a", Size=1, TagSpecifications=[{"ResourceType": "volume", "Tags": [
            {"Key": "Owner", "Value": "payments"}, {"Key": "cost-center", "Value": "cc-42"}]}])
    for _ in range(untagged):
        ec2.create_volume(AvailabilityZone="us-east-1a", Size=1, TagSpecifications=[{"ResourceType": "volume", "Tags": [
            {"Key": "Owner", "Value": "payments"}]}])


def test_owner_and_cost_centre_tags(aws, scan):
    _volumes(aws, 4, 1)
    result = scan(["tagging.owner_and_cost_centre"])
    [finding] = result.findings
    assert finding.status == "pass" and finding.evidence.observed["with_both"] == 4

    _volumes(aws, 0, 3)
    [finding] = scan(["tagging.owner_and_cost_centre"]).findings
    assert finding.status == "fail" and finding.evidence.observed["percent"] == 50.0


def test_tagging_denied(aws, scan):
    result = scan(["tagging.owner_and_cost_centre"], prepare=deny("resourcegroupstaggingapi", "get_resources"))
    assert_denied(result, "tag:GetResources")


def test_organization_structure(aws, scan):
    [alone] = scan(["organizations.multi_account_structure"]).findings
    assert alone.status == "fail" and alone.evidence.observed["organization"] is None

    org = aws.client("organizations", region_name="us-east-1")
    org.create_organization(FeatureSet="ALL")
    org.create_account(AccountName="prod", Email="prod@example.com")
    [flat] = scan(["organizations.multi_account_structure"]).findings
    assert flat.status == "fail" and "no organizational unit" in flat.message

    root = org.list_roots()["Roots"][0]["Id"]
    org.create_organizational_unit(ParentId=root, Name="Workloads")
    [structured] = scan(["organizations.multi_account_structure"]).findings
    assert structured.status == "pass" and structured.evidence.observed["top_level_units"] == ["Workloads"]


def test_organization_denied(aws, scan):
    result = scan(["organizations.multi_account_structure"], prepare=deny("organizations", "describe_organization"))
    assert_denied(result, "organizations:DescribeOrganization")
