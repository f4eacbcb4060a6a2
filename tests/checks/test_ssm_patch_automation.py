"""ssm.patching_automated on the real Systems Manager model (moto has no associations or node inventory)."""

from __future__ import annotations

from botocore.stub import Stubber

from tests.helpers import assert_denied, deny

CHECK = "ssm.patching_automated"
NODES = {"InstanceInformationList": [{"InstanceId": "i-0123456789abcdef0", "PingStatus": "Online"}]}
PATCH_ASSOC = {"Associations": [{"Name": "AWS-RunPatchBaseline", "AssociationName": "nightly-patch",
                                 "AssociationId": "a1b2c3d4-1111-2222-3333-444455556666"},
                                {"Name": "AWS-GatherSoftwareInventory",
                                 "AssociationId": "a1b2c3d4-1111-2222-3333-777788889999"}]}
NO_WINDOWS = {"WindowIdentities": []}


def _serve(*answers: tuple[str, dict]):
    def prepare(target) -> None:
        stub = Stubber(target.collector.client("ssm", "us-east-1"))
        for operation, response in answers:
            stub.add_response(operation, response)
        stub.activate()
    return prepare


def _association(operation: str) -> dict:
    return {"AssociationDescription": {"Name": "AWS-RunPatchBaseline", "ScheduleExpression": "cron(0 2 ? * SUN *)",
                                       "Parameters": {"Operation": [operation]}}}


def test_install_association_passes(aws, scan):
    (finding,) = scan([CHECK], prepare=_serve(("describe_instance_information", NODES),
                                              ("list_associations", PATCH_ASSOC),
                                              ("describe_association", _association("Install")),
                                              ("describe_maintenance_windows", NO_WINDOWS))).findings
    assert finding.status == "pass" and "nightly-patch (association)" in finding.message


def test_scan_only_association_fails(aws, scan):
    (finding,) = scan([CHECK], prepare=_serve(("describe_instance_information", NODES),
                                              ("list_associations", PATCH_ASSOC),
                                              ("describe_association", _association("Scan")),
                                              ("describe_maintenance_windows", NO_WINDOWS))).findings
    assert finding.status == "fail" and "only scans" in finding.message
    assert finding.evidence.observed["patch_schedules"][0]["operation"] == "Scan"


def test_maintenance_window_patch_task_passes_and_nothing_fails(aws, scan):
    window = {"WindowIdentities": [{"WindowId": "mw-0123456789abcdef0", "Name": "sunday", "Enabled": True,
                                    "Schedule": "cron(0 3 ? * SUN *)"}]}
    tasks = {"Tasks": [{"WindowId": "mw-0123456789abcdef0", "TaskArn": "AWS-RunPatchBaseline", "Type": "RUN_COMMAND",
                        "TaskParameters": {"Operation": {"Values": ["Install"]}}}]}
    (passed,) = scan([CHECK], prepare=_serve(("describe_instance_information", NODES),
                                             ("list_associations", {"Associations": []}),
                                             ("describe_maintenance_windows", window),
                                             ("describe_maintenance_window_tasks", tasks))).findings
    assert passed.status == "pass" and "sunday (maintenance window)" in passed.message
    (failed,) = scan([CHECK], prepare=_serve(("describe_instance_information", NODES),
                                             ("list_associations", {"Associations": []}),
                                             ("describe_maintenance_windows", NO_WINDOWS))).findings
    assert failed.status == "fail" and "No association or maintenance window" in failed.message


def test_no_managed_nodes_gives_no_finding(aws, scan):
    assert not scan([CHECK], prepare=_serve(("describe_instance_information",
                                             {"InstanceInformationList": []}))).findings


def test_denied_is_not_assessed(aws, scan):
    result = scan([CHECK], prepare=deny("ssm", "list_associations",
                                        before=[("describe_instance_information", NODES)]))
    assert len(result.findings) == 1
    assert_denied(result, "ssm:ListAssociations")
