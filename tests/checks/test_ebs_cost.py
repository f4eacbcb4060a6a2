"""ec2.volumes_gp3 and ec2.volumes_attached."""

from __future__ import annotations

from checks.ebs_cost import gp2_performance, gp3_saving
from tests.helpers import assert_demo_shows_pass_and_fail, by_resource, deny


def _seed(aws) -> dict[str, str]:
    ec2 = aws.client("ec2", region_name="us-east-1")
    image = ec2.register_image(Name="img", RootDeviceName="/dev/xvda")["ImageId"]
    instance = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
    root = ec2.describe_volumes(Filters=[{"Name": "attachment.instance-id", "Values": [instance]}])["Volumes"][0]
    loose_gp2 = ec2.create_volume(AvailabilityZone="us-east-1a", Size=100, VolumeType="gp2")["VolumeId"]
    gp3 = ec2.create_volume(AvailabilityZone="us-east-1a", Size=500, VolumeType="gp3")["VolumeId"]
    ec2.attach_volume(VolumeId=gp3, InstanceId=instance, Device="/dev/sdf")
    return {"root": root["VolumeId"], "root_type": root["VolumeType"], "instance": instance,
            "loose_gp2": loose_gp2, "gp3": gp3}


def test_gp2_flagged_with_saving(aws, scan):
    vols = _seed(aws)

    result = scan(["ec2.volumes_gp3"])

    loose = by_resource(result, vols["loose_gp2"])
    assert loose.status == "fail"
    assert loose.evidence.observed["monthly_saving_usd"] == 2.0  # 100 GB: $10.00 as gp2, $8.00 as gp3
    assert by_resource(result, vols["gp3"]).status == "pass"
    assert by_resource(result, vols["root"]).status == ("fail" if vols["root_type"] == "gp2" else "pass")


def test_unattached_volume_flagged(aws, scan):
    vols = _seed(aws)

    result = scan(["ec2.volumes_attached"])

    loose = by_resource(result, vols["loose_gp2"])
    assert loose.status == "fail" and loose.evidence.observed["attached_to"] == []
    attached = by_resource(result, vols["gp3"])
    assert attached.status == "pass" and attached.evidence.observed["attached_to"] == [vols["instance"]]


def test_gp3_is_cheaper_at_every_size():
    assert gp2_performance(10) == (100, 125)
    assert gp2_performance(1000) == (3000, 250)
    assert gp2_performance(6000) == (16000, 250)
    for size in (1, 50, 170, 334, 1000, 1001, 5334, 16384):
        assert gp3_saving(size)["monthly_saving_usd"] > 0, size
    big = gp3_saving(6000)  # 16,000 IOPS and 250 MB/s provisioned on gp3
    assert big == {"gp2_monthly_usd": 600.0, "gp3_monthly_usd": 550.0, "monthly_saving_usd": 50.0,
                   "gp3_iops": 16000, "gp3_throughput_mbps": 250}


def test_describe_volumes_denied(aws, scan):
    prepare = deny("ec2", "describe_volumes", code="UnauthorizedOperation", status=403)

    result = scan(["ec2.volumes_gp3", "ec2.volumes_attached"], prepare=prepare)

    assert [(f.status.value, f.missing_permission) for f in result.findings] == [
        ("not_assessed", "ec2:DescribeVolumes")] * 2


def test_demo_shows_pass_and_fail(demo_scan):
    assert_demo_shows_pass_and_fail(demo_scan[0], "ec2.volumes_gp3", "ec2.volumes_attached")
