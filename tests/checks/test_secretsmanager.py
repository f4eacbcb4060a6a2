"""secretsmanager.rotation_enabled against moto's Secrets Manager."""

from __future__ import annotations

from tests.helpers import by_resource, deny

CHECK = "secretsmanager.rotation_enabled"


def test_rotating_static_and_slow_secrets(aws, scan):
    sm = aws.client("secretsmanager", region_name="us-east-1")
    for name in ("db-main", "api-token", "slow"):
        sm.create_secret(Name=name, SecretString="not-a-real-value")
    # Rotation rules without a rotation function: moto turns rotation on without invoking Lambda.
    sm.rotate_secret(SecretId="db-main", RotationRules={"AutomaticallyAfterDays": 30})
    sm.rotate_secret(SecretId="slow", RotationRules={"AutomaticallyAfterDays": 365})
    aws.client("secretsmanager", region_name="eu-west-1").create_secret(Name="eu-static", SecretString="x")

    result = scan([CHECK], regions=("us-east-1", "eu-west-1"))
    lenient = scan([CHECK], options={CHECK: {"max_rotation_days": 400}})

    main = by_resource(result, ":secret:db-main")
    assert main.status == "pass" and main.evidence.observed["rotation_days"] == 30
    assert by_resource(result, ":secret:api-token").status == "fail"
    assert by_resource(result, ":secret:slow").status == "fail"
    eu = by_resource(result, ":secret:eu-static")
    assert eu.status == "fail" and eu.region == "eu-west-1"
    assert by_resource(lenient, ":secret:slow").status == "pass"
    assert "not-a-real-value" not in str([f.to_dict() for f in result.findings])


def test_denied_is_not_assessed(aws, scan):
    prepare = deny("secretsmanager", "list_secrets")

    result = scan([CHECK], prepare=prepare)
    assert [f.status.value for f in result.findings] == ["not_assessed"]
    assert result.findings[0].missing_permission == "secretsmanager:ListSecrets"
