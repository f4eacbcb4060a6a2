"""lambda.runtime_supported."""

from __future__ import annotations

import io
import zipfile
from datetime import date

from tests.helpers import assert_denied, by_resource, deny

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


def test_upcoming_deprecation_warns_within_days_ahead(aws, scan):
    _functions(aws, "nodejs22.x", "python3.12", "ruby3.3")

    today = scan([CHECK])
    ahead = scan([CHECK], options={CHECK: {"days_ahead": 36500}})

    assert {f.status.value for f in today.findings} == {"pass"}
    warned = by_resource(ahead, "fn-nodejs22-x")
    assert warned.status.value == "fail" and warned.evidence.observed["deprecated_on"] == "2027-04-30"
    assert "deprecates on 2027-04-30" in warned.message
    assert by_resource(ahead, "fn-python3-12").evidence.observed["deprecated_on"] == "2028-10-31"
    assert by_resource(ahead, "fn-ruby3-3").evidence.observed["deprecated_on"] == "2027-03-31"


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


def test_table_is_dated_and_amazon_linux_2_runtimes_are_consistent():
    from checks.lambda_runtime import DEPRECATED

    # Every Lambda runtime on Amazon Linux 2 has a date; none outlives the language's own end.
    al2 = ("python3.10", "python3.11", "java8.al2", "java11", "java17", "provided.al2")
    assert all(runtime in DEPRECATED for runtime in al2)
    assert DEPRECATED["java8.al2"] == DEPRECATED["java11"] == DEPRECATED["java17"] == DEPRECATED["python3.11"]
    assert DEPRECATED["python3.10"] == date(2026, 10, 31) and DEPRECATED["provided.al2"] == date(2026, 7, 31)
    # The deprecated-runtimes table: Ruby 2.7 and .NET 6.
    assert DEPRECATED["ruby2.7"] == date(2023, 12, 7) and DEPRECATED["dotnet6"] == date(2024, 12, 20)
    for upcoming in ("nodejs22.x", "nodejs24.x", "python3.12", "python3.13", "python3.14", "ruby3.3", "ruby3.4",
                     "java21", "provided.al2023", "dotnet8"):
        assert DEPRECATED[upcoming] > date(2026, 1, 1), upcoming


def test_denied_is_not_assessed(aws, scan):
    result = scan([CHECK], prepare=deny("lambda", "list_functions", status=403))

    assert len(result.findings) == 1
    assert_denied(result, "lambda:ListFunctions")
