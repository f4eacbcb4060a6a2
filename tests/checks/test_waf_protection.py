"""wafv2.public_load_balancers_protected and wafv2.web_acls_auto_protect: moto web ACLs and load balancers;
ListResourcesForWebACL, which moto lacks, answered from the associations the test makes."""

from __future__ import annotations

from tests.checks.answers import answering
from tests.helpers import assert_denied, by_resource, deny

PROTECTED = "wafv2.public_load_balancers_protected"
AUTO = "wafv2.web_acls_auto_protect"
VISIBILITY = {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": "m"}
MANAGED = {"Name": "common", "Priority": 1, "OverrideAction": {"None": {}}, "VisibilityConfig": VISIBILITY,
           "Statement": {"ManagedRuleGroupStatement": {"VendorName": "AWS", "Name": "AWSManagedRulesCommonRuleSet"}}}
RATE = {"Name": "flood", "Priority": 2, "Action": {"Block": {}}, "VisibilityConfig": VISIBILITY,
        "Statement": {"RateBasedStatement": {"Limit": 2000, "AggregateKeyType": "IP"}}}
FIXED = {"Name": "office-only", "Priority": 1, "Action": {"Count": {}}, "VisibilityConfig": VISIBILITY,
         "Statement": {"GeoMatchStatement": {"CountryCodes": ["DE"]}}}


def _acl(waf, name: str, rules: list[dict]) -> str:
    return waf.create_web_acl(Name=name, Scope="REGIONAL", DefaultAction={"Allow": {}}, Rules=rules,
                              VisibilityConfig=VISIBILITY)["Summary"]["ARN"]


def _balancers(aws) -> dict[str, str]:
    subnets = [s["SubnetId"] for s in aws.client("ec2", region_name="us-east-1").describe_subnets()["Subnets"]][:2]
    elbv2 = aws.client("elbv2", region_name="us-east-1")
    return {name: elbv2.create_load_balancer(Name=name, Scheme=scheme, Subnets=subnets)["LoadBalancers"][0][
        "LoadBalancerArn"] for name, scheme in (("shop", "internet-facing"), ("admin", "internet-facing"),
                                                ("backend", "internal"))}


def test_public_load_balancer_without_web_acl_fails(aws, scan):
    arns = _balancers(aws)
    waf = aws.client("wafv2", region_name="us-east-1")
    shop_acl = _acl(waf, "shop-acl", [MANAGED])
    other_acl = _acl(waf, "unused-acl", [FIXED])
    served = {shop_acl: [arns["shop"]], other_acl: []}
    asked: list[str] = []

    def resources(params: dict) -> dict:
        assert params["ResourceType"] == "APPLICATION_LOAD_BALANCER"
        asked.append(params["WebACLArn"])
        return {"ResourceArns": served[params["WebACLArn"]]}

    result = scan([PROTECTED], prepare=answering(("wafv2", "ListResourcesForWebACL", resources)))

    shop = by_resource(result, "app/shop/")
    assert shop.status == "pass" and shop.evidence.observed["web_acl"] == "shop-acl"
    admin = by_resource(result, "app/admin/")
    assert admin.status == "fail" and "no AWS WAF web ACL" in admin.message
    assert not [f for f in result.findings if "app/backend/" in f.resource]
    assert sorted(asked) == sorted(served)


def test_denied_web_acl_listing_is_not_assessed(aws, scan):
    _balancers(aws)
    result = scan([PROTECTED], prepare=deny("wafv2", "list_web_acls"))
    assert len(result.findings) == 2
    assert_denied(result, "wafv2:ListWebACLs")


def test_web_acls_with_managed_or_rate_rules_pass(aws, scan):
    waf = aws.client("wafv2", region_name="us-east-1")
    _acl(waf, "managed", [MANAGED])
    _acl(waf, "rate", [RATE])
    _acl(waf, "fixed", [FIXED])

    result = scan([AUTO])

    assert by_resource(result, "/managed/").evidence.observed["adaptive_rules"] == {"common": ["managed_rule_group"]}
    assert by_resource(result, "/rate/").status == "pass"
    fixed = by_resource(result, "/fixed/")
    assert fixed.status == "fail" and fixed.evidence.observed["count_mode_rules"] == ["office-only"]


def test_denied_web_acl_read_is_not_assessed(aws, scan):
    waf = aws.client("wafv2", region_name="us-east-1")
    _acl(waf, "managed", [MANAGED])
    listing = waf.list_web_acls(Scope="REGIONAL")
    listing.pop("ResponseMetadata")
    for acl in listing["WebACLs"]:
        acl.pop("Description", None)  # moto answers an empty one, which the real model does not allow
    result = scan([AUTO], prepare=deny("wafv2", "get_web_acl", before=[("list_web_acls", listing)]))
    assert len(result.findings) == 1
    assert_denied(result, "wafv2:GetWebACL")
