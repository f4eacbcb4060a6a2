"""elb.listeners_use_tls and elb.tls_policy_current."""

from __future__ import annotations

from botocore.stub import Stubber

from tests.helpers import by_resource

TLS = "elb.listeners_use_tls"
POLICY = "elb.tls_policy_current"
MODERN = "ELBSecurityPolicy-TLS13-1-2-2021-06"


def _seed(aws) -> dict[str, str]:
    ec2 = aws.client("ec2", region_name="us-east-1")
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    subnets = [s["SubnetId"] for s in ec2.describe_subnets()["Subnets"]][:2]
    cert = aws.client("acm", region_name="us-east-1").request_certificate(DomainName="shop.example.com")[
        "CertificateArn"]
    elb = aws.client("elbv2", region_name="us-east-1")
    target = elb.create_target_group(Name="app", Protocol="HTTP", Port=80, VpcId=vpc)["TargetGroups"][0][
        "TargetGroupArn"]
    forward = [{"Type": "forward", "TargetGroupArn": target}]

    def lb(name: str, scheme: str, kind: str = "application") -> str:
        return elb.create_load_balancer(Name=name, Subnets=subnets, Scheme=scheme, Type=kind)["LoadBalancers"][0][
            "LoadBalancerArn"]

    def listen(arn: str, protocol: str, port: int, actions: list, **kw) -> str:
        if protocol in ("HTTPS", "TLS"):
            kw["Certificates"] = [{"CertificateArn": cert}]
        return elb.create_listener(LoadBalancerArn=arn, Protocol=protocol, Port=port, DefaultActions=actions,
                                   **kw)["Listeners"][0]["ListenerArn"]

    shop, admin, nlb = lb("shop", "internet-facing"), lb("admin", "internal"), lb("edge", "internet-facing",
                                                                                     "network")
    redirect = [{"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "Port": "443",
                                                         "StatusCode": "HTTP_301"}}]
    return {
        "shop_https": listen(shop, "HTTPS", 443, forward, SslPolicy=MODERN),
        "shop_redirect": listen(shop, "HTTP", 80, redirect),
        "shop_plain": listen(shop, "HTTP", 8080, forward),
        "admin_plain": listen(admin, "HTTP", 80, [{"Type": "fixed-response",
                                                   "FixedResponseConfig": {"StatusCode": "200"}}]),
        "admin_old": listen(admin, "HTTPS", 443, forward, SslPolicy="ELBSecurityPolicy-2016-08"),
        "nlb_tcp": listen(nlb, "TCP", 22, forward),
        "nlb_tls": listen(nlb, "TLS", 443, forward, SslPolicy="ELBSecurityPolicy-TLS13-1-3-2021-06"),
    }


def test_listener_protocols_and_policies(aws, scan):
    ids = _seed(aws)

    result = scan([TLS, POLICY])

    def finding(check: str, key: str):
        return by_resource(result, ids[key], check)

    for key in ("shop_https", "shop_redirect", "admin_old", "nlb_tls"):
        assert finding(TLS, key).status.value == "pass", key
    plain = finding(TLS, "shop_plain")
    assert plain.status.value == "fail" and plain.severity.value == "high"
    assert plain.evidence.observed["default_actions"] == ["forward"]
    internal = finding(TLS, "admin_plain")
    assert internal.status.value == "fail" and internal.severity.value == "medium"
    assert not [f for f in result.findings if ids["nlb_tcp"] in f.resource]

    assert finding(POLICY, "shop_https").status.value == "pass"
    assert finding(POLICY, "nlb_tls").status.value == "pass"
    old = finding(POLICY, "admin_old")
    assert old.status.value == "fail" and old.evidence.observed["lowest_tls"] == 1.0
    assert "TLSv1" in old.evidence.observed["ssl_protocols"]
    assert old.evidence.observed["judged_by"] == "DescribeSSLPolicies"
    assert {f.resource for f in result.findings if f.check == POLICY} == {
        ids["shop_https"], ids["admin_old"], ids["nlb_tls"]}
    assert result.api_calls["by_operation"]["elbv2:DescribeSSLPolicies"] == 1


def test_minimum_tls_option(aws, scan):
    ids = _seed(aws)

    result = scan([POLICY], options={POLICY: {"minimum_tls": "1.3"}})

    assert by_resource(result, ids["shop_https"]).status.value == "fail"
    assert by_resource(result, ids["nlb_tls"]).status.value == "pass"


def test_policy_unknown_to_describe_is_judged_by_name():
    from checks.elb_tls import _MODERN_NAME_PARTS, _lowest_version

    assert _lowest_version(["TLSv1.3", "TLSv1.2"]) == 1.2
    assert _lowest_version(["TLSv1.2", "TLSv1.1", "TLSv1"]) == 1.0
    assert _lowest_version([]) is None
    assert any(part in "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04" for part in _MODERN_NAME_PARTS)


def test_denied_listeners_are_not_assessed(aws, scan):
    lb_arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/shop/0123456789abcdef"

    def prepare(target):
        stub = Stubber(target.collector.client("elbv2", "us-east-1"))
        stub.add_response("describe_load_balancers", {"LoadBalancers": [
            {"LoadBalancerArn": lb_arn, "LoadBalancerName": "shop", "Type": "application"}]})
        stub.add_client_error("describe_listeners", "AccessDenied", "denied", 403)
        stub.activate()

    result = scan([TLS, POLICY], prepare=prepare)

    assert sorted(f.check for f in result.findings) == [TLS, POLICY]
    for finding in result.findings:
        assert finding.status.value == "not_assessed" and finding.resource == lb_arn
        assert finding.missing_permission == "elasticloadbalancing:DescribeListeners"
