"""Lambda functions run on a runtime that AWS still supports with security updates."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

from scanner.api import CheckContext, Finding, check

# Runtime identifier -> the date AWS deprecated it (stopped security patches). Source: the AWS Lambda
# Developer Guide, "Lambda runtimes", tables "Supported runtimes" and "Deprecated runtimes"
# (docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html), and AWS Health end-of-support notices for
# provided.al2 and python3.10. Only settled dates are listed: java8.al2, java11, java17 and python3.11
# outlive Amazon Linux 2 with patches until dates AWS had not fixed when this table was written. Add
# identifiers the table does not know yet with the extra_deprecated option.
DEPRECATED: dict[str, date] = {
    "nodejs": date(2016, 10, 31),
    "nodejs4.3": date(2020, 3, 5),
    "nodejs4.3-edge": date(2020, 3, 5),
    "nodejs6.10": date(2019, 8, 12),
    "nodejs8.10": date(2020, 3, 6),
    "nodejs10.x": date(2021, 7, 30),
    "nodejs12.x": date(2023, 3, 31),
    "nodejs14.x": date(2023, 12, 4),
    "nodejs16.x": date(2024, 6, 12),
    "nodejs18.x": date(2025, 9, 1),
    "nodejs20.x": date(2026, 4, 30),
    "python2.7": date(2021, 7, 15),
    "python3.6": date(2022, 7, 18),
    "python3.7": date(2023, 12, 4),
    "python3.8": date(2024, 10, 14),
    "python3.9": date(2025, 12, 15),
    "python3.10": date(2026, 10, 31),
    "java8": date(2024, 1, 8),
    "dotnetcore1.0": date(2019, 7, 27),
    "dotnetcore2.0": date(2019, 5, 30),
    "dotnetcore2.1": date(2022, 1, 5),
    "dotnetcore3.1": date(2023, 4, 3),
    "dotnet5.0": date(2022, 5, 10),
    "dotnet6": date(2024, 12, 20),
    "dotnet7": date(2024, 5, 14),
    "dotnet8": date(2026, 11, 10),
    "ruby2.5": date(2021, 7, 30),
    "ruby2.7": date(2023, 12, 7),
    "ruby3.2": date(2026, 3, 31),
    "go1.x": date(2024, 1, 8),
    "provided": date(2024, 1, 8),
    "provided.al2": date(2026, 7, 31),
}


def deprecation(runtime: str, today: date, days_ahead: int = 0, extra: tuple[str, ...] = ()) -> date | None:
    """The deprecation date of ``runtime`` if it is deprecated by ``today`` + ``days_ahead``.

    A runtime in ``extra`` counts as deprecated already (its date is unknown, so ``today`` stands in).
    """
    if runtime in extra:
        return today
    when = DEPRECATED.get(runtime)
    if when is not None and when <= today + timedelta(days=days_ahead):
        return when
    return None


def _names(value: Any) -> tuple[str, ...]:
    items = value.split(",") if isinstance(value, str) else list(value or ())
    return tuple(str(item).strip() for item in items if str(item).strip())


@check(
    id="lambda.runtime_supported",
    title="Lambda functions use a supported runtime",
    service="lambda",
    severity="medium",
    description="""No Lambda function (packaged as a .zip archive) runs on a runtime that AWS has deprecated
        and no longer patches. Functions built from container images carry their runtime in the image and
        are not assessed.""",
    remediation="""Move each function to a current runtime of its language (for example python3.13,
        nodejs22.x, java21) and test it; update the runtime in the infrastructure code so the change is not
        undone by the next deployment.""",
    reads=["lambda:ListFunctions"],
    options={"days_ahead": 0, "extra_deprecated": ""},
)
def runtime_supported(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per .zip-packaged function of the region."""
    today = datetime.now(UTC).date()
    days_ahead = int(ctx.option("days_ahead") or 0)
    extra = _names(ctx.option("extra_deprecated"))
    for fn in ctx.call("lambda", "ListFunctions").get("Functions", []):
        runtime = fn.get("Runtime")
        if not runtime:
            continue
        name = fn["FunctionName"]
        when = deprecation(runtime, today, days_ahead, extra)
        observed = {"function": name, "runtime": runtime,
                    "deprecated_on": when.isoformat() if when and runtime not in extra else None,
                    "last_modified": fn.get("LastModified")}
        if when is None:
            yield ctx.passed(fn["FunctionArn"], f"Function {name} uses runtime {runtime}", observed)
        elif when > today:
            yield ctx.failed(fn["FunctionArn"], f"Function {name} uses runtime {runtime}, which AWS deprecates "
                             f"on {when.isoformat()}", observed)
        else:
            since = f" since {when.isoformat()}" if runtime not in extra else ""
            yield ctx.failed(fn["FunctionArn"], f"Function {name} uses deprecated runtime {runtime}{since}",
                             observed)
