"""Security group checks: admin and database ports open to the internet, default groups closed."""

from __future__ import annotations

from tests.helpers import by_resource, deny

ADMIN = "ec2.security_groups_restrict_admin_ports"
DB = "ec2.security_groups_restrict_db_ports"
DEFAULT = "ec2.default_security_group_closed"


def _group(ec2, vpc: str, name: str, *rules: dict) -> str:
    gid = ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc)["GroupId"]
    if rules:
        ec2.authorize_security_group_ingress(GroupId=gid, IpPermissions=list(rules))
    return gid


def _tcp(low: int, high: int, v4: str | None = None, v6: str | None = None, protocol: str = "tcp") -> dict:
    rule: dict = {"IpProtocol": protocol, "FromPort": low, "ToPort": high}
    if v4:
        rule["IpRanges"] = [{"CidrIp": v4}]
    if v6:
        rule["Ipv6Ranges"] = [{"CidrIpv6": v6}]
    return rule


def _seed(aws) -> dict[str, str]:
    ec2 = aws.client("ec2", region_name="us-east-1")
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    return {
        "ssh_world": _group(ec2, vpc, "ssh-world", _tcp(22, 22, v4="0.0.0.0/0")),
        "rdp_v6": _group(ec2, vpc, "rdp-v6", _tcp(3389, 3389, v6="::/0")),
        "range": _group(ec2, vpc, "wide-range", _tcp(1, 65535, v4="0.0.0.0/0")),
        "all": _group(ec2, vpc, "all-protocols", {"IpProtocol": "-1", "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}),
        "web": _group(ec2, vpc, "web", _tcp(443, 443, v4="0.0.0.0/0", v6="::/0")),
        "ssh_private": _group(ec2, vpc, "ssh-private", _tcp(22, 22, v4="10.0.0.0/8")),
        "pg_world": _group(ec2, vpc, "pg-world", _tcp(5432, 5432, v4="0.0.0.0/0")),
        "udp": _group(ec2, vpc, "udp-rdp", _tcp(3389, 3389, v4="0.0.0.0/0", protocol="udp")),
        "vpc": vpc,
    }


def test_world_open_admin_and_db_ports(aws, scan):
    ids = _seed(aws)

    result = scan([ADMIN, DB])

    def status(check: str, key: str) -> str:
        return by_resource(result, ids[key], check).status.value

    for key in ("ssh_world", "rdp_v6", "range", "all"):
        assert status(ADMIN, key) == "fail", key
    for key in ("web", "ssh_private", "pg_world", "udp"):
        assert status(ADMIN, key) == "pass", key
    for key in ("range", "all", "pg_world"):
        assert status(DB, key) == "fail", key
    for key in ("ssh_world", "rdp_v6", "web", "ssh_private", "udp"):
        assert status(DB, key) == "pass", key
    ssh = by_resource(result, ids["ssh_world"], ADMIN)
    assert ssh.evidence.observed["open_to_internet"] == [
        {"protocol": "tcp", "from_port": 22, "to_port": 22, "sources": ["0.0.0.0/0"], "ports": [22]}]
    assert ssh.resource == f"arn:aws:ec2:us-east-1:123456789012:security-group/{ids['ssh_world']}"
    assert "22" in ssh.message
    everything = by_resource(result, ids["all"], DB)
    assert everything.evidence.observed["open_to_internet"][0]["protocol"] == "all"
    # One DescribeSecurityGroups serves both checks.
    assert result.api_calls["by_operation"]["ec2:DescribeSecurityGroups"] == 1


def test_ports_option_replaces_the_list(aws, scan):
    ids = _seed(aws)

    result = scan([ADMIN], options={ADMIN: {"ports": "443"}})

    assert by_resource(result, ids["web"]).status.value == "fail"
    assert by_resource(result, ids["ssh_world"]).status.value == "pass"


def test_default_security_groups(aws, scan):
    ec2 = aws.client("ec2", region_name="us-east-1")
    closed_vpc = ec2.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
    groups = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["default"]}])["SecurityGroups"]
    closed = next(g for g in groups if g["VpcId"] == closed_vpc)
    if closed["IpPermissions"]:
        ec2.revoke_security_group_ingress(GroupId=closed["GroupId"], IpPermissions=closed["IpPermissions"])
    ec2.revoke_security_group_egress(GroupId=closed["GroupId"], IpPermissions=closed["IpPermissionsEgress"])
    other = [g for g in groups if g["VpcId"] != closed_vpc]
    ec2.create_security_group(GroupName="not-default", Description="x", VpcId=closed_vpc)

    result = scan([DEFAULT])

    assert by_resource(result, closed["GroupId"]).status.value == "pass"
    for group in other:
        bad = by_resource(result, group["GroupId"])
        assert bad.status.value == "fail"
        assert bad.evidence.observed["outbound_rules"] == 1
        assert "out all all to 0.0.0.0/0" in bad.evidence.observed["rules"]
    assert len(result.findings) == len(groups)


def test_denied_is_not_assessed(aws, scan):
    prepare = deny("ec2", "describe_security_groups", code="UnauthorizedOperation", status=403)

    result = scan([ADMIN, DB, DEFAULT], prepare=prepare)

    assert {f.check for f in result.findings} == {ADMIN, DB, DEFAULT}
    for finding in result.findings:
        assert finding.status.value == "not_assessed"
        assert finding.missing_permission == "ec2:DescribeSecurityGroups"
