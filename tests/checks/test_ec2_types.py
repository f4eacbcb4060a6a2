"""ec2.current_generation_types."""

from __future__ import annotations

from checks.ec2_types import family, previous_families
from tests.helpers import assert_denied, by_resource, deny

CHECK = "ec2.current_generation_types"


def _run(aws, *types: str) -> list[str]:
    ec2 = aws.client("ec2", region_name="us-east-1")
    image = ec2.register_image(Name="img", RootDeviceName="/dev/xvda")["ImageId"]
    return [ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, InstanceType=t)["Instances"][0]["InstanceId"]
            for t in types]


def test_previous_generation_flagged(aws, scan):
    old, current, graviton = _run(aws, "m4.large", "m7i.large", "c7g.xlarge")

    result = scan([CHECK])

    flagged = by_resource(result, old)
    assert flagged.status == "fail"
    assert flagged.evidence.observed["family"] == "m4" and "m7i" in flagged.message
    assert by_resource(result, current).status == "pass"
    assert by_resource(result, graviton).status == "pass"


def test_p3_and_p3dn_are_previous_generation(aws, scan):
    # The EC2 instance types guide lists P3 and P3dn under "Previous generation instances".
    p3, p3dn, p5 = _run(aws, "p3.2xlarge", "p3dn.24xlarge", "p5.48xlarge")

    result = scan([CHECK])

    assert by_resource(result, p3).status == "fail"
    assert by_resource(result, p3dn).status == "fail"
    assert by_resource(result, p3dn).evidence.observed["family"] == "p3dn"
    assert by_resource(result, p5).status == "pass"


def test_extra_families_option(aws, scan):
    (t2,) = _run(aws, "t2.micro")

    assert scan([CHECK]).findings[0].status == "pass"
    result = scan([CHECK], options={CHECK: {"extra_previous_families": "t2, m5"}})
    assert by_resource(result, t2).status == "fail"


def test_family_parsing():
    assert family("m4.large") == "m4"
    assert family("u-6tb1.metal") == "u-6tb1"
    assert "r4" in previous_families("") and "t2" not in previous_families("")


def test_describe_denied_is_not_assessed(aws, scan):
    result = scan([CHECK], prepare=deny("ec2", "describe_instances", code="UnauthorizedOperation", status=403))

    assert len(result.findings) == 1
    assert_denied(result, "ec2:DescribeInstances")


def test_demo_shows_pass_and_fail(demo_scan):
    doc, _ = demo_scan
    counts = {c["id"]: c["counts"] for c in doc["checks"]}
    for check_id in ("ec2.current_generation_types",):
        assert counts[check_id]["pass"] and counts[check_id]["fail"], (check_id, counts[check_id])
        if check_id != "ec2.burstable_credits_ok":
            assert not counts[check_id]["not_assessed"], (check_id, counts[check_id])
