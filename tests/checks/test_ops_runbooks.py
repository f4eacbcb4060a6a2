"""ssm.runbooks_exist and ssm.change_controls_exist: account-owned Systems Manager documents (moto; Stubber for
the document types moto refuses)."""

from __future__ import annotations

import json

from botocore.stub import Stubber

from tests.helpers import assert_denied, deny

RUNBOOKS = "ssm.runbooks_exist"
CHANGES = "ssm.change_controls_exist"
AUTOMATION = json.dumps({"schemaVersion": "0.3", "description": "restart", "mainSteps": [
    {"name": "wait", "action": "aws:sleep", "inputs": {"Duration": "PT1S"}}]})


def test_runbooks_in_one_region_pass_none_fail(aws, scan):
    assert scan([RUNBOOKS]).findings[0].status == "fail"
    aws.client("ssm", region_name="eu-west-1").create_document(Name="restart-web", Content=AUTOMATION,
                                                               DocumentType="Automation", DocumentFormat="JSON")
    [found] = scan([RUNBOOKS], regions=("us-east-1", "eu-west-1")).findings
    assert found.status == "pass" and "1 in eu-west-1" in found.message
    assert found.evidence.observed["runbooks"]["eu-west-1"][0]["name"] == "restart-web"
    # a runbook does not count as a change control
    assert scan([CHANGES], regions=("eu-west-1",)).findings[0].status == "fail"


def test_change_calendar_counts_as_a_change_control(aws, scan):
    def prepare(target):
        stub = Stubber(target.collector.client("ssm", "us-east-1"))
        stub.add_response("list_documents", {"DocumentIdentifiers": [
            {"Name": "release-freeze", "DocumentType": "ChangeCalendar", "Owner": "123456789012"}]})
        stub.activate()

    [found] = scan([CHANGES], prepare=prepare).findings
    assert found.status == "pass" and "ChangeCalendar" in found.message


def test_denied_is_not_assessed(aws, scan):
    assert_denied(scan([RUNBOOKS], prepare=deny("ssm", "list_documents")), "ssm:ListDocuments")
