"""account.security_contact_set and account.operations_contact_set against moto's account API."""

from __future__ import annotations

from tests.helpers import assert_denied, deny

SECURITY = "account.security_contact_set"
OPERATIONS = "account.operations_contact_set"


def test_set_contact_passes_missing_contact_fails(aws, scan):
    aws.client("account", region_name="us-east-1").put_alternate_contact(
        AlternateContactType="SECURITY", EmailAddress="security@example.com", Name="Security team",
        PhoneNumber="+15550100", Title="On call")
    by = {f.check: f for f in scan([SECURITY, OPERATIONS]).findings}
    assert by[SECURITY].status == "pass"
    # whether fields are filled is evidence; the contact's details are not kept
    assert by[SECURITY].evidence.observed == {"contact_type": "SECURITY", "set": True, "has_email": True,
                                              "has_phone": True, "has_title": True}
    assert "security@example.com" not in str(by[SECURITY].to_dict())
    assert by[OPERATIONS].status == "fail" and "no operations alternate contact" in by[OPERATIONS].message


def test_denied_is_not_assessed(aws, scan):
    assert_denied(scan([SECURITY], prepare=deny("account", "get_alternate_contact")), "account:GetAlternateContact")
