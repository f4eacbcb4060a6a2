"""Cost depth checks: workload tags, alarms that stop instances, SCP cost guardrails and RAM shares on moto;
Cost Explorer recommendation generations and Data Lifecycle Manager served (moto lacks them)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from tests.checks.answers import Refuse, answering
from tests.helpers import assert_denied, by_resource, deny, statuses

IMAGE = "ami-12c6146b"


def _instance(aws, region="us-east-1", name="web", platform=None):
    ec2 = aws.client("ec2", region_name=region)
    image = ec2.register_image(Name=f"img-{name}", RootDeviceName="/dev/xvda")["ImageId"]
    return ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, InstanceType="t3.micro", TagSpecifications=[
        {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": name}]}])["Instances"][0]["InstanceId"]


# --- tagging.workload_tags -------------------------------------------------------------------------------

def test_workload_tags(aws, scan):
    s3 = aws.client("s3")
    for name, tags in (("app-a", [{"Key": "Application", "Value": "payments"}]),
                       ("app-b", [{"Key": "workload", "Value": "payments"}]),
                       ("stray", [{"Key": "team", "Value": "web"}]),
                       ("blank", [{"Key": "app", "Value": " "}])):
        s3.create_bucket(Bucket=name)
        s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": tags})

    [low] = scan(["tagging.workload_tags"]).findings
    assert low.status == "fail" and low.evidence.observed["with_workload_tag"] == 2
    assert "50.0% of 4" in low.message

    [ok] = scan(["tagging.workload_tags"], options={"tagging.workload_tags": {"min_percent": 50}}).findings
    assert ok.status == "pass"


def test_workload_tags_empty_and_denied(aws, scan):
    assert scan(["tagging.workload_tags"]).findings == []
    result = scan(["tagging.workload_tags"], prepare=deny("resourcegroupstaggingapi", "get_resources"))
    assert_denied(result, "tag:GetResources")


# --- cloudwatch.alarms_stop_idle_instances ---------------------------------------------------------------

def _alarm(aws, name, actions, enabled=True):
    aws.client("cloudwatch").put_metric_alarm(
        AlarmName=name, MetricName="CPUUtilization", Namespace="AWS/EC2", Statistic="Average", Period=300,
        EvaluationPeriods=12, Threshold=2.0, ComparisonOperator="LessThanThreshold", AlarmActions=actions,
        ActionsEnabled=enabled)


def test_alarms_stop_idle_instances(aws, scan):
    assert scan(["cloudwatch.alarms_stop_idle_instances"]).findings == []  # no instance: nothing to stop
    _instance(aws)
    _alarm(aws, "notify-only", ["arn:aws:sns:us-east-1:123456789012:ops"])
    _alarm(aws, "disabled-stop", ["arn:aws:automate:us-east-1:ec2:stop"], enabled=False)
    [none] = scan(["cloudwatch.alarms_stop_idle_instances"]).findings
    assert none.status == "fail" and none.evidence.observed["alarms_with_ec2_actions"] == []

    _alarm(aws, "idle-dev-stop", ["arn:aws:sns:us-east-1:123456789012:ops", "arn:aws:automate:us-east-1:ec2:terminate"])
    [found] = scan(["cloudwatch.alarms_stop_idle_instances"]).findings
    assert found.status == "pass" and "idle-dev-stop" in found.message
    assert found.evidence.observed["alarms_with_ec2_actions"][0]["actions"] == ["terminate"]


def test_alarms_stop_idle_instances_denied(aws, scan):
    _instance(aws)
    result = scan(["cloudwatch.alarms_stop_idle_instances"], prepare=deny("cloudwatch", "describe_alarms"))
    assert_denied(result, "cloudwatch:DescribeAlarms")


# --- ce.commitment_analysis_recent / ce.management_commitment_analysis -----------------------------------

def _generations(*items):
    def answer(params):
        return {"GenerationSummaryList": [
            {"RecommendationId": f"00000000-0000-0000-0000-00000000000{i}", "GenerationStatus": status,
             "GenerationStartedTime": (datetime.now(UTC) - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")}
            for i, (status, days) in enumerate(items)]}
    return ("ce", "ListSavingsPlansPurchaseRecommendationGeneration", answer)


def test_commitment_analysis_recent(aws, scan):
    [done] = scan(["ce.commitment_analysis_recent"], prepare=answering(_generations(("SUCCEEDED", 9),
                                                                                     ("FAILED", 3)))).findings
    assert done.status == "pass" and done.evidence.observed["days_since_latest"] == 3
    [failed] = scan(["ce.commitment_analysis_recent"], prepare=answering(_generations(("FAILED", 2)))).findings
    assert failed.status == "fail" and "failed" in failed.message
    [never] = scan(["ce.commitment_analysis_recent"], prepare=answering(_generations())).findings
    assert never.status == "fail" and never.evidence.observed["generations_last_30_days"] == 0


def test_commitment_analysis_denied_and_damaged(aws, scan):
    result = scan(["ce.commitment_analysis_recent"],
                  prepare=deny("ce", "list_savings_plans_purchase_recommendation_generation"))
    assert_denied(result, "ce:ListSavingsPlansPurchaseRecommendationGeneration")
    # An answer without its list is not "nobody analysed": it is not assessed.
    [finding] = scan(["ce.commitment_analysis_recent"], prepare=answering(
        ("ce", "ListSavingsPlansPurchaseRecommendationGeneration", lambda p: {}))).findings
    assert finding.status == "not_assessed"


def test_management_commitment_analysis(aws, scan):
    served = answering(_generations(("SUCCEEDED", 1)))
    [alone] = scan(["ce.management_commitment_analysis"], prepare=served).findings
    assert alone.status == "not_assessed" and "not in an AWS Organization" in alone.message

    aws.client("organizations").create_organization(FeatureSet="ALL")
    [managed] = scan(["ce.management_commitment_analysis"], prepare=served).findings
    assert managed.status == "pass" and "management account" in managed.message
    assert managed.resource.startswith("arn:aws:organizations::")


def test_management_commitment_analysis_member(aws, scan, monkeypatch):
    aws.client("organizations").create_organization(FeatureSet="ALL")
    member = aws.client("organizations").create_account(AccountName="member", Email="m@example.com")
    account = member["CreateAccountStatus"]["AccountId"]
    monkeypatch.setenv("MOTO_ACCOUNT_ID", account)
    [finding] = scan(["ce.management_commitment_analysis"], prepare=answering(_generations())).findings
    assert finding.status == "not_assessed" and "member of organization" in finding.message


# --- organizations.cost_guardrail_scps -------------------------------------------------------------------

REGION_LOCK = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Deny", "NotAction": ["iam:*", "organizations:*"], "Resource": "*",
    "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["us-east-1", "eu-west-1"]}}}]}
TYPE_LOCK = {"Version": "2012-10-17", "Statement": {
    "Effect": "Deny", "Action": "ec2:RunInstances", "Resource": "arn:aws:ec2:*:*:instance/*",
    "Condition": {"ForAnyValue:StringNotLike": {"ec2:InstanceType": ["t3.*", "m7g.*"]}}}}
SECURITY = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "cloudtrail:StopLogging",
                                                   "Resource": "*"}]}


def _policy(org, name, content, target=None):
    policy = org.create_policy(Name=name, Description=name, Type="SERVICE_CONTROL_POLICY",
                               Content=json.dumps(content))["Policy"]["PolicySummary"]["Id"]
    if target:
        org.attach_policy(PolicyId=policy, TargetId=target)


def test_cost_guardrail_scps(aws, scan):
    org = aws.client("organizations")
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    ou = org.create_organizational_unit(ParentId=root, Name="workloads")["OrganizationalUnit"]["Id"]
    _policy(org, "security-baseline", SECURITY, ou)
    _policy(org, "regions-unattached", REGION_LOCK)
    [missing] = scan(["organizations.cost_guardrail_scps"]).findings
    assert missing.status == "fail"
    assert missing.evidence.observed["unattached_guardrails"] == ["regions-unattached"]

    _policy(org, "instance-types", TYPE_LOCK, ou)
    [found] = scan(["organizations.cost_guardrail_scps"]).findings
    assert found.status == "pass" and "instance-types limits resource types" in found.message


def test_cost_guardrail_scps_outside_organization_and_denied(aws, scan):
    [alone] = scan(["organizations.cost_guardrail_scps"]).findings
    assert alone.status == "not_assessed"

    aws.client("organizations").create_organization(FeatureSet="ALL")
    result = scan(["organizations.cost_guardrail_scps"], prepare=deny(
        "organizations", "list_policies",
        before=[("describe_organization", aws.client("organizations").describe_organization())]))
    assert_denied(result, "organizations:ListPolicies")
    assert "management account" in result.findings[0].message


# --- ram.resources_shared --------------------------------------------------------------------------------

def _shares(owned=(), received=()):
    # moto answers resourceOwner=SELF only, so both sides are served.
    def answer(params):
        names = owned if params["resourceOwner"] == "SELF" else received
        return {"resourceShares": [{"name": n, "status": s, "owningAccountId": "123456789012"} for n, s in names]}
    return ("ram", "GetResourceShares", answer)


def test_resources_shared(aws, scan):
    [none] = scan(["ram.resources_shared"], prepare=answering(_shares(owned=[("old", "DELETED")]))).findings
    assert none.status == "fail"
    [received] = scan(["ram.resources_shared"], prepare=answering(_shares(received=[("tgw", "ACTIVE")]))).findings
    assert received.status == "pass" and received.evidence.observed["received_shares"] == ["tgw"]


def test_resources_shared_denied(aws, scan):
    result = scan(["ram.resources_shared"], prepare=deny("ram", "get_resource_shares"))
    assert_denied(result, "ram:GetResourceShares")


# --- software.open_source_licensing ----------------------------------------------------------------------

def test_open_source_licensing(aws, scan):
    assert scan(["software.open_source_licensing"]).findings == []
    _instance(aws)
    [linux] = scan(["software.open_source_licensing"]).findings
    assert linux.status == "pass"

    aws.client("rds").create_db_instance(
        DBInstanceIdentifier="erp", DBInstanceClass="db.m5.large", Engine="sqlserver-se",
        LicenseModel="license-included", MasterUsername="admin1", MasterUserPassword="password123", AllocatedStorage=20)
    [licensed] = scan(["software.open_source_licensing"]).findings
    assert licensed.status == "fail" and "sqlserver-se" in licensed.message
    assert licensed.evidence.observed["licensed"][0]["id"] == "erp"


def test_open_source_licensing_denied(aws, scan):
    result = scan(["software.open_source_licensing"], prepare=deny("rds", "describe_db_instances"))
    assert_denied(result, "rds:DescribeDBInstances")


# --- dlm.lifecycle_policies_enabled ----------------------------------------------------------------------

def _policies(*states):
    return ("dlm", "GetLifecyclePolicies", lambda p: {"Policies": [
        {"PolicyId": f"policy-0{i}", "State": s, "PolicyType": "EBS_SNAPSHOT_MANAGEMENT", "Description": "daily"}
        for i, s in enumerate(states)]})


def test_lifecycle_policies(aws, scan):
    assert scan(["dlm.lifecycle_policies_enabled"], prepare=answering(_policies())).findings == []  # no volumes
    aws.client("ec2").create_volume(AvailabilityZone="us-east-1a", Size=8)
    [none] = scan(["dlm.lifecycle_policies_enabled"], prepare=answering(_policies())).findings
    assert none.status == "fail" and "by hand" in none.message
    [off] = scan(["dlm.lifecycle_policies_enabled"], prepare=answering(_policies("DISABLED"))).findings
    assert off.status == "fail" and "disabled" in off.message
    [on] = scan(["dlm.lifecycle_policies_enabled"], prepare=answering(_policies("DISABLED", "ENABLED"))).findings
    assert on.status == "pass" and "ebs snapshot management" in on.message


def test_lifecycle_policies_denied(aws, scan):
    aws.client("ec2").create_volume(AvailabilityZone="us-east-1a", Size=8)

    def refuse(params):
        raise Refuse("AccessDeniedException")

    result = scan(["dlm.lifecycle_policies_enabled"], prepare=answering(("dlm", "GetLifecyclePolicies", refuse)))
    assert_denied(result, "dlm:GetLifecyclePolicies")


# --- billing.split_cost_allocation_exported --------------------------------------------------------------

EXPORT = "arn:aws:bcm-data-exports:us-east-1:123456789012:export/cur2-0"


def _billing(split_export=None, report_elements=None):
    served = [("cur", "DescribeReportDefinitions", lambda p: {"ReportDefinitions": [] if report_elements is None else [
        {"ReportName": "legacy", "TimeUnit": "HOURLY", "Format": "Parquet", "Compression": "Parquet",
         "AdditionalSchemaElements": report_elements, "S3Bucket": "billing", "S3Prefix": "cur",
         "S3Region": "us-east-1"}]}),
              ("bcm-data-exports", "ListExports", lambda p: {"Exports": [] if split_export is None else [
                  {"ExportArn": EXPORT, "ExportName": "cur2", "ExportStatus": {"StatusCode": "HEALTHY"}}]})]
    if split_export is not None:
        served.append(("bcm-data-exports", "GetExport", lambda p: {"Export": {
            "ExportArn": p["ExportArn"], "Name": "cur2", "DataQuery": {
                "QueryStatement": "SELECT * FROM COST_AND_USAGE_REPORT", "TableConfigurations": {
                    "COST_AND_USAGE_REPORT": {"TIME_GRANULARITY": "HOURLY",
                                              "INCLUDE_SPLIT_COST_ALLOCATION_DATA": split_export}}}}}))
    return answering(*served)


def test_split_cost_allocation(aws, scan):
    check = ["billing.split_cost_allocation_exported"]
    [none] = scan(check, prepare=_billing()).findings
    assert none.status == "fail" and "No Cost and Usage Report" in none.message
    [plain] = scan(check, prepare=_billing(split_export="FALSE", report_elements=["RESOURCES"])).findings
    assert plain.status == "fail" and plain.evidence.observed["exports"] == ["cur2"]
    [split] = scan(check, prepare=_billing(split_export="TRUE")).findings
    assert split.status == "pass" and "cur2" in split.message
    [legacy] = scan(check, prepare=_billing(report_elements=["RESOURCES", "SPLIT_COST_ALLOCATION_DATA"])).findings
    assert legacy.status == "pass" and "legacy" in legacy.message


def test_split_cost_allocation_denied(aws, scan):
    def refuse(params):
        raise Refuse("AccessDeniedException")

    result = scan(["billing.split_cost_allocation_exported"], prepare=answering(
        ("cur", "DescribeReportDefinitions", lambda p: {"ReportDefinitions": []}),
        ("bcm-data-exports", "ListExports", lambda p: {"Exports": [
            {"ExportArn": EXPORT, "ExportName": "cur2", "ExportStatus": {"StatusCode": "HEALTHY"}}]}),
        ("bcm-data-exports", "GetExport", refuse)))
    assert_denied(result, "bcm-data-exports:GetExport")


# --- computeoptimizer.no_idle_resources ------------------------------------------------------------------

VOLUME = "arn:aws:ec2:us-east-1:123456789012:volume/vol-0123456789abcdef0"


def _idle(*pages):
    def answer(params):
        index = int(params.get("nextToken") or 0)
        page: dict = {"idleRecommendations": pages[index]}
        if index + 1 < len(pages):
            page["nextToken"] = str(index + 1)
        return page
    return ("compute-optimizer", "GetIdleRecommendations", answer)


def test_no_idle_resources(aws, scan):
    [clean] = scan(["computeoptimizer.no_idle_resources"], prepare=answering(_idle([]))).findings
    assert clean.status == "pass"

    idle = {"resourceArn": VOLUME, "resourceId": "vol-0123456789abcdef0", "resourceType": "EBSVolume",
            "finding": "Unattached", "lookBackPeriodInDays": 14,
            "savingsOpportunity": {"estimatedMonthlySavings": {"currency": "USD", "value": 8.0}}}
    nat = {"resourceArn": "arn:aws:ec2:us-east-1:123456789012:natgateway/nat-0a1b", "resourceId": "nat-0a1b",
           "resourceType": "NatGateway", "finding": "Idle"}
    result = scan(["computeoptimizer.no_idle_resources"], prepare=answering(_idle([idle], [nat])))
    assert statuses(result) == {VOLUME: "fail", nat["resourceArn"]: "fail"}  # the second page is read too
    assert "about 8.00 USD a month" in by_resource(result, "vol-0123").message


def test_no_idle_resources_not_opted_in_and_denied(aws, scan):
    def opt_in(params):
        raise Refuse("OptInRequiredException")

    [off] = scan(["computeoptimizer.no_idle_resources"], prepare=answering(
        ("compute-optimizer", "GetIdleRecommendations", opt_in))).findings
    assert off.status == "not_assessed" and off.reason == "not_enabled"
    result = scan(["computeoptimizer.no_idle_resources"], prepare=deny("compute-optimizer",
                                                                        "get_idle_recommendations"))
    assert_denied(result, "compute-optimizer:GetIdleRecommendations")


# --- vpc.nat_gateways_zone_local -------------------------------------------------------------------------

def _nat_vpc(aws, shared_nat: bool):
    ec2 = aws.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    public = {z: ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.1.{i}.0/24", AvailabilityZone=z)["Subnet"]["SubnetId"]
              for i, z in enumerate(("us-east-1a", "us-east-1b"))}
    private = {z: ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.1.{10 + i}.0/24", AvailabilityZone=z)["Subnet"][
        "SubnetId"] for i, z in enumerate(("us-east-1a", "us-east-1b"))}
    nats = {}
    for zone in (("us-east-1a",) if shared_nat else ("us-east-1a", "us-east-1b")):
        eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
        nats[zone] = ec2.create_nat_gateway(SubnetId=public[zone], AllocationId=eip)["NatGateway"]["NatGatewayId"]
    for zone, subnet in private.items():
        table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
        ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0",
                         NatGatewayId=nats.get(zone, nats["us-east-1a"]))
        ec2.associate_route_table(RouteTableId=table, SubnetId=subnet)
    return vpc, private


def test_nat_gateways_zone_local(aws, scan):
    assert scan(["vpc.nat_gateways_zone_local"]).findings == []  # no NAT gateway at all
    vpc, private = _nat_vpc(aws, shared_nat=True)
    [shared] = scan(["vpc.nat_gateways_zone_local"]).findings
    assert shared.status == "fail" and private["us-east-1b"] in shared.message
    assert shared.evidence.observed["zone_local"] == 1


def test_nat_gateways_zone_local_pass(aws, scan):
    vpc, _ = _nat_vpc(aws, shared_nat=False)
    [local] = scan(["vpc.nat_gateways_zone_local"]).findings
    assert local.status == "pass" and vpc in local.resource and local.evidence.observed["zone_local"] == 2


def test_nat_gateways_zone_local_denied(aws, scan):
    _nat_vpc(aws, shared_nat=True)
    result = scan(["vpc.nat_gateways_zone_local"], prepare=deny("ec2", "describe_nat_gateways",
                                                                code="UnauthorizedOperation", status=403))
    assert_denied(result, "ec2:DescribeNatGateways")
