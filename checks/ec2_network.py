"""Security groups: no admin or database port open to the internet, default groups closed."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from checks._ec2 import security_group_arn, security_groups
from scanner.api import CheckContext, Finding, check

WORLD = {"0.0.0.0/0", "::/0"}
# "-1" is every protocol (and so every port); TCP may also appear by number.
_ALL_PROTOCOLS = {"-1", "all"}
_TCP = {"tcp", "6"}

ADMIN_PORTS = "22,3389"
# MySQL/MariaDB, PostgreSQL, SQL Server, Oracle (+TLS), Redshift, Redis, Memcached, MongoDB,
# Elasticsearch/OpenSearch (HTTP and transport), Cassandra, CouchDB.
DB_PORTS = "3306,5432,1433,1521,2483,2484,5439,6379,11211,27017,27018,9200,9300,9042,5984"


def parse_ports(value: str | Iterable[int]) -> tuple[int, ...]:
    """Ports from an option value: a comma-separated string (as given on the command line) or integers."""
    items = value.split(",") if isinstance(value, str) else list(value)
    return tuple(sorted({int(str(p).strip()) for p in items if str(p).strip()}))


def world_open_rules(group: dict[str, Any], ports: tuple[int, ...]) -> list[dict[str, Any]]:
    """The inbound rules of ``group`` that open any of ``ports`` (TCP or all protocols) to the internet.

    A rule counts when its source is 0.0.0.0/0 or ::/0 and its port range covers a listed port; a rule
    for every protocol covers every port.
    """
    hits = []
    for perm in group.get("IpPermissions") or []:
        protocol = str(perm.get("IpProtocol", "")).lower()
        if protocol in _ALL_PROTOCOLS:
            low, high = 0, 65535
        elif protocol in _TCP:
            low, high = perm.get("FromPort", 0), perm.get("ToPort", 65535)
            if low is None or low < 0:
                low, high = 0, 65535
        else:
            continue
        sources = [r.get("CidrIp") for r in perm.get("IpRanges") or [] if r.get("CidrIp") in WORLD]
        sources += [r.get("CidrIpv6") for r in perm.get("Ipv6Ranges") or [] if r.get("CidrIpv6") in WORLD]
        covered = [p for p in ports if low <= p <= high]
        if sources and covered:
            hits.append({"protocol": "all" if protocol in _ALL_PROTOCOLS else "tcp", "from_port": low,
                         "to_port": high, "sources": sources, "ports": covered})
    return hits


def _open_port_findings(ctx: CheckContext, kind: str) -> Iterator[Finding]:
    ports = parse_ports(ctx.option("ports"))
    listed = ", ".join(map(str, ports)) if len(ports) <= 4 else f"({len(ports)} checked)"
    for group in security_groups(ctx):
        gid, name = group["GroupId"], group.get("GroupName", "")
        rules = world_open_rules(group, ports)
        exposed = sorted({p for rule in rules for p in rule["ports"]})
        observed = {"group_id": gid, "group_name": name, "vpc_id": group.get("VpcId"),
                    "ports_checked": list(ports), "open_to_internet": rules}
        label = f"Security group {gid} ({name})"
        if rules:
            yield ctx.failed(security_group_arn(ctx, gid),
                             f"{label} opens {kind} port(s) {', '.join(map(str, exposed))} to the internet",
                             observed)
        else:
            yield ctx.passed(security_group_arn(ctx, gid),
                             f"{label} opens none of the {kind} ports {listed} to the internet", observed)


@check(
    id="ec2.security_groups_restrict_admin_ports",
    title="Security groups do not open admin ports to the internet",
    service="ec2",
    severity="high",
    effort="low",
    description="""No security group allows inbound SSH (22) or RDP (3389) from 0.0.0.0/0 or ::/0, whether
        by a rule for that port, a port range covering it, or a rule for all protocols.""",
    remediation="""Remove the rule; reach instances through Systems Manager Session Manager or, where a
        bastion is unavoidable, allow only the addresses of your administrators or a VPN.""",
    reads=["ec2:DescribeSecurityGroups"],
    options={"ports": ADMIN_PORTS},
)
def restrict_admin_ports(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per security group of the region."""
    yield from _open_port_findings(ctx, "admin")


@check(
    id="ec2.security_groups_restrict_db_ports",
    title="Security groups do not open database ports to the internet",
    service="ec2",
    severity="high",
    effort="low",
    description="""No security group allows inbound traffic from 0.0.0.0/0 or ::/0 to a database or cache
        port (MySQL, PostgreSQL, SQL Server, Oracle, Redshift, Redis, Memcached, MongoDB, OpenSearch,
        Cassandra, CouchDB), whether by a rule for that port, a port range covering it, or a rule for all
        protocols.""",
    remediation="""Remove the rule and allow the database port only from the security groups of the
        application tier; keep data stores in private subnets.""",
    reads=["ec2:DescribeSecurityGroups"],
    options={"ports": DB_PORTS},
)
def restrict_db_ports(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per security group of the region."""
    yield from _open_port_findings(ctx, "database")


def _summary(rules: list[dict[str, Any]], direction: str) -> list[str]:
    out = []
    for perm in rules:
        protocol = str(perm.get("IpProtocol"))
        ports = "all" if protocol == "-1" else f"{perm.get('FromPort')}-{perm.get('ToPort')}"
        peers = [r.get("CidrIp") for r in perm.get("IpRanges") or []]
        peers += [r.get("CidrIpv6") for r in perm.get("Ipv6Ranges") or []]
        peers += [p.get("GroupId") for p in perm.get("UserIdGroupPairs") or []]
        peers += [p.get("PrefixListId") for p in perm.get("PrefixListIds") or []]
        out.append(f"{direction} {'all' if protocol == '-1' else protocol} {ports} "
                   f"{'from' if direction == 'in' else 'to'} {','.join(str(p) for p in peers) or '-'}")
    return out


@check(
    id="ec2.default_security_group_closed",
    title="Default security groups allow no traffic",
    service="ec2",
    severity="medium",
    effort="low",
    description="""The default security group of every VPC has no inbound and no outbound rules, so a
        resource launched without an explicit group gets no network access by accident.""",
    remediation="""Remove every inbound and outbound rule from each VPC's default security group (it cannot
        be deleted) and give each resource a purpose-made group.""",
    reads=["ec2:DescribeSecurityGroups"],
)
def default_security_group_closed(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per VPC default security group of the region."""
    for group in security_groups(ctx):
        if group.get("GroupName") != "default" or not group.get("VpcId"):
            continue
        gid, vpc = group["GroupId"], group["VpcId"]
        inbound, outbound = group.get("IpPermissions") or [], group.get("IpPermissionsEgress") or []
        observed = {"group_id": gid, "vpc_id": vpc, "inbound_rules": len(inbound),
                    "outbound_rules": len(outbound),
                    "rules": _summary(inbound, "in") + _summary(outbound, "out")}
        if inbound or outbound:
            yield ctx.failed(security_group_arn(ctx, gid),
                             f"Default security group {gid} of {vpc} has {len(inbound)} inbound and "
                             f"{len(outbound)} outbound rule(s)", observed)
        else:
            yield ctx.passed(security_group_arn(ctx, gid),
                             f"Default security group {gid} of {vpc} allows no traffic", observed)
