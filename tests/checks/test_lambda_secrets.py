"""lambda.no_secrets_in_env against moto's Lambda: names are judged and recorded, values never."""

from __future__ import annotations

import io
import json
import zipfile

from tests.helpers import by_resource, deny

CHECK = "lambda.no_secrets_in_env"
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
VALUE = "hunter2-do-not-record"


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("index.py", "def handler(event, context):\n    return event\n")
    return buf.getvalue()


def _functions(aws, specs: dict[str, dict[str, str]]) -> None:
    role = aws.client("iam").create_role(RoleName="fn", AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
    lam = aws.client("lambda", region_name="us-east-1")
    for name, env in specs.items():
        kwargs = {"Environment": {"Variables": env}} if env else {}
        lam.create_function(FunctionName=name, Runtime="python3.12", Role=role, Handler="index.handler",
                            Code={"ZipFile": _zip()}, **kwargs)


def test_secret_like_names_are_flagged_by_name_only(aws, scan):
    _functions(aws, {
        "webhook": {"DB_SECRET_ARN": "arn:aws:secretsmanager:...", "LOG_LEVEL": "info", "TOKEN_URL": "https://x"},
        "legacy-export": {"DB_PASSWORD": VALUE, "StripeApiKey": VALUE, "REGION": "eu-west-1"},
        "plain": {},
    })

    result = scan([CHECK])
    custom = scan([CHECK], options={CHECK: {"name_pattern": "(?i)level"}})

    assert by_resource(result, "function:webhook").status == "pass"
    legacy = by_resource(result, "function:legacy-export")
    assert legacy.status == "fail"
    assert legacy.evidence.observed["secret_like_names"] == ["DB_PASSWORD", "StripeApiKey"]
    assert by_resource(result, "function:plain").status == "pass"
    assert VALUE not in json.dumps([f.to_dict() for f in result.findings])
    assert by_resource(custom, "function:webhook").status == "fail"
    assert by_resource(custom, "function:legacy-export").status == "pass"


def test_denied_is_not_assessed(aws, scan):
    prepare = deny("lambda", "list_functions", status=403)

    result = scan([CHECK], prepare=prepare)
    assert [f.status.value for f in result.findings] == ["not_assessed"]
    assert result.findings[0].missing_permission == "lambda:ListFunctions"
