"""ssm.patch_compliance: moto for the instances, Stubber for patch states (moto lacks them)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from botocore.stub import ANY, Stubber

from tests.helpers import assert_demo_shows_pass_and_fail, by_resource, deny

CHECK = "ssm.patch_compliance"


def _instances(aws, count: int) -> list[str]:
    ec2 = aws.client("ec2", region_name="us-east-1")
    image = ec2.register_image(Name="img", RootDeviceName="/dev/xvda")["ImageId"]
    ids = [i["InstanceId"] for i in ec2.run_instances(ImageId=image, MinCount=count, MaxCount=count)["Instances"]]
    stopped = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
    ec2.stop_instances(InstanceIds=[stopped])
    return ids


def _state(iid: str, days: int, **counts: int) -> dict:
    ended = datetime.now(UTC) - timedelta(days=days)
    return {"InstanceId": iid, "PatchGroup": "web", "BaselineId": "pb-0123456789abcdef0", "Operation": "Scan",
            "OperationStartTime": ended - timedelta(minutes=2), "OperationEndTime": ended, **counts}


def test_compliant_missing_stale_and_unmanaged(aws, scan):
    good, missing, stale, unmanaged = _instances(aws, 4)

    def prepare(target):
        stub = Stubber(target.collector.client("ssm", "us-east-1"))
        stub.add_response("describe_instance_patch_states", {"InstancePatchStates": [
            _state(good, 1, InstalledCount=40, MissingCount=0),
            _state(missing, 2, MissingCount=3, CriticalNonCompliantCount=1),
            _state(stale, 90),
        ]}, {"InstanceIds": ANY})
        stub.activate()
        prepare.stub = stub

    result = scan([CHECK], prepare=prepare)

    prepare.stub.assert_no_pending_responses()
    assert len(result.findings) == 4  # the stopped instance is not assessed for patches
    ok = by_resource(result, good)
    assert ok.status == "pass" and ok.evidence.observed["last_operation_age_days"] == 1
    bad = by_resource(result, missing)
    assert bad.status == "fail" and "3 missing" in bad.message
    assert bad.evidence.observed["critical_noncompliant"] == 1
    old = by_resource(result, stale)
    assert old.status == "fail" and "90 days ago" in old.message
    none = by_resource(result, unmanaged)
    assert none.status == "fail" and none.evidence.observed["patch_state"] is None


def test_max_age_option(aws, scan):
    (stale,) = _instances(aws, 1)

    def prepare(target):
        stub = Stubber(target.collector.client("ssm", "us-east-1"))
        stub.add_response("describe_instance_patch_states", {"InstancePatchStates": [_state(stale, 90)]})
        stub.activate()

    result = scan([CHECK], prepare=prepare, options={CHECK: {"max_age_days": 120}})

    assert by_resource(result, stale).status == "pass"


def test_denied_is_not_assessed_per_instance(aws, scan):
    first, second = _instances(aws, 2)

    prepare = deny("ssm", "describe_instance_patch_states")

    result = scan([CHECK], prepare=prepare)

    assert {f.status.value for f in result.findings} == {"not_assessed"}
    assert by_resource(result, first).missing_permission == "ssm:DescribeInstancePatchStates"
    assert by_resource(result, second).reason.value == "access_denied"


def test_demo_shows_pass_and_fail(demo_scan):
    assert_demo_shows_pass_and_fail(demo_scan[0], "ssm.patch_compliance")
