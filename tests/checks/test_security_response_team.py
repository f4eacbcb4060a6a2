"""securityir.response_team_named (served: moto has no Security Incident Response)."""

from __future__ import annotations

from tests.checks.answers import answering
from tests.helpers import assert_denied, deny

CHECK = "securityir.response_team_named"
ARN = "arn:aws:security-ir:us-east-1:123456789012:membership/m-{}"


def _memberships(**by_id):
    def listing(params):
        return {"items": [{"membershipId": f"m-{m}", "accountId": "123456789012", "region": "us-east-1",
                           "membershipArn": ARN.format(m), "membershipStatus": status}
                          for m, (status, _) in by_id.items()]}

    def detail(params):
        key = params["membershipId"].removeprefix("m-")
        status, team = by_id[key]
        return {"membershipId": params["membershipId"], "membershipName": f"team-{key}",
                "membershipStatus": status, "membershipArn": ARN.format(key), "incidentResponseTeam": [
                    {"name": f"Person {n}", "jobTitle": "Security lead", "email": f"p{n}@example.com"}
                    for n in range(team)]}

    return answering(("security-ir", "ListMemberships", listing), ("security-ir", "GetMembership", detail))


def test_named_team_passes_empty_team_and_cancelled_fail(aws, scan):
    result = scan([CHECK], prepare=_memberships(team0active=("Active", 2), team0empty=("Active", 0),
                                                team0cancel=("Cancelled", 3)))

    found = {f.resource.rsplit("m-", 1)[-1]: f for f in result.findings}
    active = found["team0active"]
    assert active.status == "pass" and active.evidence.observed["team_size"] == 2
    assert "p0@example.com" not in str(active.evidence) and "Person" not in str(active.evidence)
    assert found["team0empty"].status == "fail" and "names no incident response team" in found["team0empty"].message
    assert found["team0cancel"].status == "fail" and "Cancelled" in found["team0cancel"].message


def test_no_membership_fails(aws, scan):
    [finding] = scan([CHECK], prepare=_memberships()).findings
    assert finding.status == "fail" and finding.region == "global"


def test_denied_is_not_assessed(aws, scan):
    assert_denied(scan([CHECK], prepare=deny("security-ir", "list_memberships")), "security-ir:ListMemberships")
