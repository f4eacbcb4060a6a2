"""lambda.runtime_supported."""

from __future__ import annotations

import io
import zipfile
from datetime import date

from botocore.stub import Stubber

from tests.helpers import by_resource

CHECK = "lambda.runtime_supported"


def _functions(aws, *runtimes: str) -> None:
    role = aws.client("iam").create_role(RoleName="fn", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("handler.py", "def handler(event, context):\n    return 1\n")
    lam = aws.client("lambda", region_name="us-east-1")
    for runtime in runtimes:
        lam.create_function(FunctionName=f"fn-{runtime.replace('.', '-')}", Runtime=runtime, Role=role,
                            Handler="handler.handler", Code={"ZipFile": buf.getvalue()})


def test_deprecated_and_current_runtimes(aws, scan):
    _functions(aws, "python3.8", "nodejs16.x", "python3.13")

    result = scan([CHECK])

    old = by_resource(result, "fn-python3-8")
    assert old.status.value == "fail" and old.evidence.observed["deprecated_on"] == "2024-10-14"
    assert old.resource == "arn:aws:lambda:us-east-1:123456789012:function:fn-python3-8"
    assert by_resource(result, "fn-nodejs16-x").status.value == "fail"
    current = by_resource(result, "fn-python3-13")
    assert current.status.value == "pass" and current.evidence.observed["deprecated_on"] is None


def test_extra_deprecated_option(aws, scan):
    _functions(aws, "python3.13")

    result = scan([CHECK], options={CHECK: {"extra_deprecated": "python3.12, python3.13"}})

    assert [f.status.value for f in result.findings] == ["fail"]


def test_deprecation_dates_and_lookahead():
    from checks.lambda_runtime import deprecation

    assert deprecation("python3.9", date(2025, 12, 14)) is None
    assert deprecation("python3.9", date(2025, 12, 15)) == date(2025, 12, 15)
    assert deprecation("python3.9", date(2025, 11, 1), days_ahead=60) == date(2025, 12, 15)
    assert deprecation("python3.13", date(2026, 1, 1)) is None
    assert deprecation("custom", date(2026, 1, 1), extra=("custom",)) == date(2026, 1, 1)


def test_denied_is_not_assessed(aws, scan):
    def prepare(target):
        stub = Stubber(target.collector.client("lambda", "us-east-1"))
        stub.add_client_error("list_functions", "AccessDeniedException", "denied", 403)
        stub.activate()

    result = scan([CHECK], prepare=prepare)

    assert [f.status.value for f in result.findings] == ["not_assessed"]
    assert result.findings[0].missing_permission == "lambda:ListFunctions"
