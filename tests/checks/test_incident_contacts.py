"""ssmcontacts.escalation_defined with Stubber: moto has no Incident Manager contacts backend."""

from __future__ import annotations

from botocore.stub import Stubber

from tests.conftest import ACCOUNT
from tests.helpers import assert_denied, deny

CHECK = "ssmcontacts.escalation_defined"


def _contact(alias: str, kind: str) -> dict:
    return {"ContactArn": f"arn:aws:ssm-contacts:us-east-1:{ACCOUNT}:contact/{alias}", "Alias": alias, "Type": kind}


def _scan(scan, contacts):
    def prepare(target):
        stub = Stubber(target.collector.client("ssm-contacts", "us-east-1"))
        stub.add_response("list_contacts", {"Contacts": contacts})
        stub.activate()

    return scan([CHECK], prepare=prepare).findings


def test_escalation_plan_passes_personal_contacts_alone_fail(aws, scan):
    [ok] = _scan(scan, [_contact("alice", "PERSONAL"), _contact("payments-escalation", "ESCALATION")])
    assert ok.status == "pass" and "payments-escalation" in ok.message
    [personal] = _scan(scan, [_contact("alice", "PERSONAL")])
    assert personal.status == "fail" and "no escalation plan" in personal.message
    [none] = _scan(scan, [])
    assert none.status == "fail" and "no contacts" in none.message


def test_denied_is_not_assessed(aws, scan):
    assert_denied(scan([CHECK], prepare=deny("ssm-contacts", "list_contacts")), "ssm-contacts:ListContacts")
