"""ram.shares_within_organization: moto keeps resource shares; ListPrincipals (which moto lacks) is served."""

from __future__ import annotations

from tests.checks.answers import answering
from tests.helpers import assert_denied, deny

CHECK = "ram.shares_within_organization"
OUTSIDE = "464622532012"


def _shares(ram):
    inside = ram.create_resource_share(name="shared-subnets", allowExternalPrincipals=False)["resourceShare"]
    partner = ram.create_resource_share(name="partner-resolver-rules", allowExternalPrincipals=True)["resourceShare"]
    unused = ram.create_resource_share(name="open-but-unused", allowExternalPrincipals=True)["resourceShare"]
    return inside["resourceShareArn"], partner["resourceShareArn"], unused["resourceShareArn"]


def test_external_principal_and_open_share_fail_restricted_share_passes(aws, scan):
    inside, partner, _ = _shares(aws.client("ram"))
    seen = {}

    def principals(params):
        seen.update(params)
        return {"principals": [
            {"id": "arn:aws:organizations::123456789012:ou/o-demo/ou-demo-workloads", "resourceShareArn": inside,
             "external": False},
            {"id": OUTSIDE, "resourceShareArn": partner, "external": True}]}

    result = scan([CHECK], prepare=answering(("ram", "ListPrincipals", principals)))
    by_name = {f.evidence.observed["share"]: f for f in result.findings}

    assert seen == {"resourceOwner": "SELF"}
    ok = by_name["shared-subnets"]
    assert ok.status == "pass" and ok.evidence.observed["external_principals"] == [] and ok.resource == inside
    outside = by_name["partner-resolver-rules"]
    assert outside.status == "fail" and OUTSIDE in outside.message
    open_share = by_name["open-but-unused"]
    assert open_share.status == "fail" and "allows external principals" in open_share.message
    assert open_share.evidence.observed["allow_external_principals"] is True


def test_no_share_gives_no_finding(aws, scan):
    assert scan([CHECK]).findings == []


def test_denied_read_is_not_assessed(aws, scan):
    assert_denied(scan([CHECK], prepare=deny("ram", "get_resource_shares")), "ram:GetResourceShares")


def test_denied_principals_is_not_assessed_never_pass(aws, scan):
    _shares(aws.client("ram"))
    shares = aws.client("ram").get_resource_shares(resourceOwner="SELF")
    prepare = deny("ram", "list_principals", before=[("get_resource_shares", shares)])
    assert_denied(scan([CHECK], prepare=prepare), "ram:ListPrincipals")
