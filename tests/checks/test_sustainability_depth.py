"""Sustainability depth checks: S3 expiry, shared storage, GPU metrics, scheduled jobs and CodeBuild on moto;
Device Farm and CodeBuild fleets served (moto lacks them)."""

from __future__ import annotations

from tests.checks.answers import Refuse, answering
from tests.helpers import assert_denied, by_resource, deny


def _instance(aws, instance_type="t3.micro", name="web"):
    ec2 = aws.client("ec2")
    image = ec2.register_image(Name=f"img-{name}", RootDeviceName="/dev/xvda")["ImageId"]
    return ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, InstanceType=instance_type, TagSpecifications=[
        {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": name}]}])["Instances"][0]


# --- s3.lifecycle_expires_data ---------------------------------------------------------------------------

def test_lifecycle_expires_data(aws, scan):
    s3 = aws.client("s3")
    rules = {
        "expires": [{"ID": "tmp-30d", "Status": "Enabled", "Filter": {"Prefix": "tmp/"}, "Expiration": {"Days": 30}}],
        "old-versions": [{"ID": "noncurrent", "Status": "Enabled", "Filter": {},
                          "NoncurrentVersionExpiration": {"NoncurrentDays": 7}}],
        "moves-only": [{"ID": "cold", "Status": "Enabled", "Filter": {},
                        "Transitions": [{"Days": 30, "StorageClass": "GLACIER"}]}],
        "disabled": [{"ID": "off", "Status": "Disabled", "Filter": {}, "Expiration": {"Days": 1}}],
    }
    for name, bucket_rules in rules.items():
        s3.create_bucket(Bucket=name)
        s3.put_bucket_lifecycle_configuration(Bucket=name, LifecycleConfiguration={"Rules": bucket_rules})
    s3.create_bucket(Bucket="no-rules")

    result = scan(["s3.lifecycle_expires_data"])
    assert by_resource(result, ":::expires").status == "pass"
    assert by_resource(result, ":::old-versions").status == "pass"
    assert by_resource(result, ":::moves-only").status == "fail"
    assert by_resource(result, ":::disabled").status == "fail"
    bare = by_resource(result, ":::no-rules")
    assert bare.status == "fail" and "no lifecycle rule" in bare.message


def test_lifecycle_expires_data_denied(aws, scan):
    aws.client("s3").create_bucket(Bucket="locked")
    result = scan(["s3.lifecycle_expires_data"], prepare=deny("s3", "list_buckets", code="AccessDenied", status=403))
    assert_denied(result, "s3:ListAllMyBuckets")


# --- storage.shared_file_systems -------------------------------------------------------------------------

def test_shared_file_systems(aws, scan):
    assert scan(["storage.shared_file_systems"]).findings == []  # no instance, nothing to share with
    inst = _instance(aws)
    [alone] = scan(["storage.shared_file_systems"]).findings
    assert alone.status == "fail" and alone.evidence.observed["instances"] == 1

    efs = aws.client("efs")
    fs = efs.create_file_system(CreationToken="shared", Tags=[{"Key": "Name", "Value": "models"}])["FileSystemId"]
    efs.create_mount_target(FileSystemId=fs, SubnetId=inst["SubnetId"])
    [shared] = scan(["storage.shared_file_systems"]).findings
    assert shared.status == "pass" and "1 EFS" in shared.message


def test_shared_file_systems_denied(aws, scan):
    _instance(aws)
    result = scan(["storage.shared_file_systems"], prepare=deny("fsx", "describe_file_systems"))
    assert_denied(result, "fsx:DescribeFileSystems")


# --- ec2.gpu_utilization_monitored -----------------------------------------------------------------------

def test_gpu_utilization_monitored(aws, scan):
    _instance(aws)  # a CPU instance: no GPU to watch
    assert scan(["ec2.gpu_utilization_monitored"]).findings == []
    watched = _instance(aws, "g5.xlarge", "trainer")["InstanceId"]
    blind = _instance(aws, "p4d.24xlarge", "batch")["InstanceId"]
    _instance(aws, "g4ad.xlarge", "amd")  # AMD GPUs: the NVIDIA metric cannot exist
    aws.client("cloudwatch").put_metric_data(Namespace="CWAgent", MetricData=[{
        "MetricName": "nvidia_smi_utilization_gpu", "Value": 63.0, "Unit": "Percent",
        "Dimensions": [{"Name": "InstanceId", "Value": watched}, {"Name": "index", "Value": "0"}]}])

    result = scan(["ec2.gpu_utilization_monitored"])
    assert len(result.findings) == 2
    assert by_resource(result, watched).status == "pass"
    missing = by_resource(result, blind)
    assert missing.status == "fail" and "p4d.24xlarge" in missing.message


def test_gpu_utilization_monitored_denied(aws, scan):
    _instance(aws, "g5.xlarge", "trainer")
    result = scan(["ec2.gpu_utilization_monitored"], prepare=deny("cloudwatch", "list_metrics"))
    assert_denied(result, "cloudwatch:ListMetrics")


# --- scheduler.scheduled_jobs ----------------------------------------------------------------------------

def test_scheduled_jobs(aws, scan):
    events = aws.client("events")
    events.put_rule(Name="on-upload", EventPattern='{"source": ["aws.s3"]}')
    events.put_rule(Name="paused-report", ScheduleExpression="rate(1 day)", State="DISABLED")
    [none] = scan(["scheduler.scheduled_jobs"]).findings
    assert none.status == "fail"

    aws.client("scheduler").create_schedule(
        Name="nightly-export", ScheduleExpression="cron(0 2 * * ? *)", FlexibleTimeWindow={"Mode": "OFF"},
        Target={"Arn": "arn:aws:lambda:us-east-1:123456789012:function:export",
                "RoleArn": "arn:aws:iam::123456789012:role/scheduler"})
    [found] = scan(["scheduler.scheduled_jobs"]).findings
    assert found.status == "pass" and found.evidence.observed["schedules"] == ["nightly-export"]


def test_scheduled_jobs_denied(aws, scan):
    result = scan(["scheduler.scheduled_jobs"], prepare=deny("scheduler", "list_schedules"))
    assert_denied(result, "scheduler:ListSchedules")


# --- codebuild.on_demand_build_capacity ------------------------------------------------------------------

FLEET = "arn:aws:codebuild:us-east-1:123456789012:fleet/linux-large:8c1d2e3f"


def _projects(*fleets):
    return ("codebuild", "BatchGetProjects", lambda p: {"projects": [
        {"name": n, "arn": f"arn:aws:codebuild:us-east-1:123456789012:project/{n}",
         "environment": {"type": "LINUX_CONTAINER", "image": "aws/codebuild/standard:7.0",
                         "computeType": "BUILD_GENERAL1_SMALL", **({"fleet": {"fleetArn": f}} if f else {})}}
        for n, f in zip(p["names"], fleets, strict=False)]})


def _fleets(scaling):
    extra = {"scalingConfiguration": {"scalingType": "TARGET_TRACKING_SCALING", "maxCapacity": 6}} if scaling else {}
    return ("codebuild", "BatchGetFleets", lambda p: {"fleets": [
        {"arn": FLEET, "name": "linux-large", "baseCapacity": 2, **extra}]})


def _list(*names):
    return ("codebuild", "ListProjects", lambda p: {"projects": list(names)})


def test_on_demand_build_capacity(aws, scan):
    assert scan(["codebuild.on_demand_build_capacity"], prepare=answering(_list())).findings == []
    [on_demand] = scan(["codebuild.on_demand_build_capacity"], prepare=answering(
        _list("api", "web"), _projects(None, None))).findings
    assert on_demand.status == "pass" and on_demand.evidence.observed["on_demand"] == ["api", "web"]

    [static] = scan(["codebuild.on_demand_build_capacity"], prepare=answering(
        _list("api", "web"), _projects(None, FLEET), _fleets(scaling=False))).findings
    assert static.status == "fail" and "linux-large" in static.message
    [scaling] = scan(["codebuild.on_demand_build_capacity"], prepare=answering(
        _list("api", "web"), _projects(None, FLEET), _fleets(scaling=True))).findings
    assert scaling.status == "pass"


def test_on_demand_build_capacity_denied(aws, scan):
    result = scan(["codebuild.on_demand_build_capacity"], prepare=deny("codebuild", "list_projects"))
    assert_denied(result, "codebuild:ListProjects")


# --- devicefarm.projects_in_use --------------------------------------------------------------------------

def _farm(projects=(), grids=()):
    return answering(
        ("devicefarm", "ListProjects", lambda p: {"projects": [
            {"arn": f"arn:aws:devicefarm:us-west-2:123456789012:project:{n}", "name": n} for n in projects]}),
        ("devicefarm", "ListTestGridProjects", lambda p: {"testGridProjects": [
            {"arn": f"arn:aws:devicefarm:us-west-2:123456789012:testgrid-project:{n}", "name": n} for n in grids]}),
        region="us-west-2")


def test_device_farm_projects(aws, scan):
    [none] = scan(["devicefarm.projects_in_use"], prepare=_farm()).findings
    assert none.status == "fail"
    [grid] = scan(["devicefarm.projects_in_use"], prepare=_farm(grids=["checkout-browsers"])).findings
    assert grid.status == "pass" and grid.evidence.observed["test_grid_projects"] == ["checkout-browsers"]


def test_device_farm_denied_and_damaged(aws, scan):
    def refuse(params):
        raise Refuse("AccessDeniedException")

    result = scan(["devicefarm.projects_in_use"], prepare=answering(
        ("devicefarm", "ListProjects", refuse), region="us-west-2"))
    assert_denied(result, "devicefarm:ListProjects")
    [damaged] = scan(["devicefarm.projects_in_use"], prepare=answering(
        ("devicefarm", "ListProjects", lambda p: {}), region="us-west-2")).findings
    assert damaged.status == "not_assessed"


# --- cloudfront.edge_caching / cloudfront.edge_functions -------------------------------------------------

def _dist(name, default, *others, enabled=True):
    return {"Id": name, "ARN": f"arn:aws:cloudfront::123456789012:distribution/{name}", "Enabled": enabled,
            "DomainName": f"{name.lower()}.cloudfront.net", "DefaultCacheBehavior": default,
            "CacheBehaviors": {"Quantity": len(others), "Items": list(others)}}


def _listing(*dists):
    return answering(("cloudfront", "ListDistributions", lambda p: {"DistributionList": {
        "Quantity": len(dists), "Items": list(dists), "IsTruncated": False, "MaxItems": 100, "Marker": ""}}))


NO_CACHE = {"CachePolicyId": "4135ea2d-6df8-44a3-9df3-4b5a84be39ad", "TargetOriginId": "api"}
OPTIMIZED = {"CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6", "TargetOriginId": "web", "Compress": True}
EDGE_AUTH = {**NO_CACHE, "FunctionAssociations": {"Quantity": 1, "Items": [
    {"FunctionARN": "arn:aws:cloudfront::123456789012:function/auth", "EventType": "viewer-request"}]}}


def test_edge_caching(aws, scan):
    result = scan(["cloudfront.edge_caching"], prepare=_listing(
        _dist("APIONLY", NO_CACHE),
        _dist("STATIC", NO_CACHE, {**OPTIMIZED, "PathPattern": "/assets/*"}),
        _dist("LEGACY", {"TargetOriginId": "old", "DefaultTTL": 0, "MaxTTL": 0, "MinTTL": 0}),
        _dist("OFF", NO_CACHE, enabled=False)))
    assert {f.resource.rsplit("/", 1)[-1]: f.status.value for f in result.findings} == {
        "APIONLY": "fail", "STATIC": "pass", "LEGACY": "fail"}
    assert by_resource(result, "STATIC").evidence.observed["compressed"] is True


def test_edge_functions(aws, scan):
    assert scan(["cloudfront.edge_functions"], prepare=_listing()).findings == []
    [none] = scan(["cloudfront.edge_functions"], prepare=_listing(_dist("APIONLY", NO_CACHE))).findings
    assert none.status == "fail"
    [edge] = scan(["cloudfront.edge_functions"], prepare=_listing(
        _dist("APIONLY", NO_CACHE), _dist("SITE", OPTIMIZED, {**EDGE_AUTH, "PathPattern": "/account/*"}))).findings
    assert edge.status == "pass" and edge.evidence.observed["with_edge_code"] == {"SITE": ["CloudFront Functions"]}


def test_edge_checks_denied(aws, scan):
    result = scan(["cloudfront.edge_caching", "cloudfront.edge_functions"],
                  prepare=deny("cloudfront", "list_distributions"))
    assert_denied(result, "cloudfront:ListDistributions")


# --- ecs.services_on_managed_capacity --------------------------------------------------------------------

def _ecs(aws):
    ecs = aws.client("ecs")
    ecs.create_cluster(clusterName="apps")
    ecs.register_task_definition(family="web", containerDefinitions=[
        {"name": "web", "image": "nginx", "memory": 256, "cpu": 128}], requiresCompatibilities=["FARGATE", "EC2"],
        networkMode="awsvpc", cpu="256", memory="512")
    return ecs


def test_services_on_managed_capacity(aws, scan):
    ecs = _ecs(aws)
    ec2 = aws.client("ec2")
    subnet = ec2.describe_subnets()["Subnets"][0]["SubnetId"]
    group = ec2.describe_security_groups()["SecurityGroups"][0]["GroupId"]
    network = {"awsvpcConfiguration": {"subnets": [subnet], "securityGroups": [group]}}
    ecs.create_service(cluster="apps", serviceName="checkout", taskDefinition="web", desiredCount=1,
                       launchType="FARGATE", networkConfiguration=network)
    ecs.create_service(cluster="apps", serviceName="legacy-worker", taskDefinition="web", desiredCount=1,
                       launchType="EC2", networkConfiguration=network)
    result = scan(["ecs.services_on_managed_capacity"])
    assert by_resource(result, "/checkout").status == "pass"
    legacy = by_resource(result, "/legacy-worker")
    assert legacy.status == "fail" and "EC2 launch type" in legacy.message


def test_services_on_managed_capacity_providers(aws, scan):
    def service(*providers):
        return {"serviceArn": "arn:aws:ecs:us-east-1:123456789012:service/apps/batch", "serviceName": "batch",
                "capacityProviderStrategy": [{"capacityProvider": p, "weight": 1} for p in providers]}

    def serve(*providers):
        return answering(
            ("ecs", "ListClusters", lambda p: {"clusterArns": ["arn:aws:ecs:us-east-1:123456789012:cluster/apps"]}),
            ("ecs", "ListServices", lambda p: {"serviceArns": [service()["serviceArn"]]}),
            ("ecs", "DescribeServices", lambda p: {"services": [service(*providers)]}),
            ("ecs", "DescribeCapacityProviders", lambda p: {"capacityProviders": [
                {"name": "asg-hosts", "autoScalingGroupProvider": {"autoScalingGroupArn": "arn:asg"}},
                {"name": "managed-gpu", "type": "MANAGED_INSTANCES", "managedInstancesProvider": {}}]}))

    [spot] = scan(["ecs.services_on_managed_capacity"], prepare=serve("FARGATE_SPOT", "managed-gpu")).findings
    assert spot.status == "pass"
    [hosts] = scan(["ecs.services_on_managed_capacity"], prepare=serve("FARGATE", "asg-hosts")).findings
    assert hosts.status == "fail" and hosts.evidence.observed["self_managed"] == ["asg-hosts"]


def test_services_on_managed_capacity_denied(aws, scan):
    result = scan(["ecs.services_on_managed_capacity"], prepare=deny("ecs", "list_clusters"))
    assert_denied(result, "ecs:ListClusters")
