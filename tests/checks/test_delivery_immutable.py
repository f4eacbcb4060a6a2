"""codedeploy.blue_green_servers against moto's CodeDeploy."""

from __future__ import annotations

from tests.conftest import ACCOUNT
from tests.helpers import assert_denied, by_resource, deny

CHECK = "codedeploy.blue_green_servers"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/codedeploy"


def test_blue_green_passes_in_place_fails_lambda_passes(aws, scan):
    cd = aws.client("codedeploy", region_name="us-east-1")
    cd.create_application(applicationName="web", computePlatform="Server")
    cd.create_deployment_group(applicationName="web", deploymentGroupName="prod", serviceRoleArn=ROLE,
                               deploymentStyle={"deploymentType": "BLUE_GREEN",
                                                "deploymentOption": "WITH_TRAFFIC_CONTROL"})
    cd.create_deployment_group(applicationName="web", deploymentGroupName="batch", serviceRoleArn=ROLE)
    cd.create_application(applicationName="fn", computePlatform="Lambda")
    cd.create_deployment_group(applicationName="fn", deploymentGroupName="live", serviceRoleArn=ROLE,
                               deploymentStyle={"deploymentType": "BLUE_GREEN",
                                                "deploymentOption": "WITH_TRAFFIC_CONTROL"})

    result = scan([CHECK])

    assert by_resource(result, "web/prod").status == "pass"
    batch = by_resource(result, "web/batch")
    assert batch.status == "fail" and batch.evidence.observed["deployment_type"] == "IN_PLACE"
    assert by_resource(result, "fn/live").status == "pass"


def test_no_applications_no_findings(aws, scan):
    assert scan([CHECK]).findings == []


def test_denied_is_not_assessed(aws, scan):
    assert_denied(scan([CHECK], prepare=deny("codedeploy", "list_applications")), "codedeploy:ListApplications")
