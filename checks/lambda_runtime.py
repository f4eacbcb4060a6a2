"""Lambda functions run on a runtime that AWS still supports with security updates."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

from scanner.api import CheckContext, Finding, check

# Runtime identifier -> the date AWS deprecates it (stops security patches and technical support), past and
# upcoming. Source: the AWS Lambda Developer Guide, "Lambda runtimes", tables "Supported runtimes" (projected
# deprecation dates) and "Deprecated runtimes" (docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html),
# as published in August 2026. The Amazon Linux 2 based runtimes keep their own dates past Amazon Linux 2's
# end of life (June 30, 2026): provided.al2 July 31, 2026, python3.10 October 31, 2026, and java8.al2,
# java11, java17 and python3.11 June 30, 2027. Upcoming dates are projections AWS may move; days_ahead turns
# them into warnings. Add identifiers the table does not know yet with the extra_deprecated option.
DEPRECATED: dict[str, date] = {
    # Node.js
    "nodejs": date(2016, 8, 30),
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
    "nodejs22.x": date(2027, 4, 30),
    "nodejs24.x": date(2028, 4, 30),
    # Python
    "python2.7": date(2021, 7, 15),
    "python3.6": date(2022, 7, 18),
    "python3.7": date(2023, 12, 4),
    "python3.8": date(2024, 10, 14),
    "python3.9": date(2025, 12, 15),
    "python3.10": date(2026, 10, 31),
    "python3.11": date(2027, 6, 30),
    "python3.12": date(2028, 10, 31),
    "python3.13": date(2029, 6, 30),
    "python3.14": date(2029, 6, 30),
    # Java
    "java8": date(2024, 1, 8),
    "java8.al2": date(2027, 6, 30),
    "java11": date(2027, 6, 30),
    "java17": date(2027, 6, 30),
    "java21": date(2029, 6, 30),
    "java25": date(2029, 6, 30),
    # .NET
    "dotnetcore1.0": date(2019, 6, 27),
    "dotnetcore2.0": date(2019, 5, 30),
    "dotnetcore2.1": date(2022, 1, 5),
    "dotnetcore3.1": date(2023, 4, 3),
    "dotnet5.0": date(2022, 5, 10),
    "dotnet6": date(2024, 12, 20),
    "dotnet7": date(2024, 5, 14),
    "dotnet8": date(2026, 11, 10),
    "dotnet10": date(2028, 11, 14),
    # Ruby
    "ruby2.5": date(2021, 7, 30),
    "ruby2.7": date(2023, 12, 7),
    "ruby3.2": date(2026, 3, 31),
    "ruby3.3": date(2027, 3, 31),
    "ruby3.4": date(2028, 3, 31),
    # OS-only runtimes
    "go1.x": date(2024, 1, 8),
    "provided": date(2024, 1, 8),
    "provided.al2": date(2026, 7, 31),
    "provided.al2023": date(2029, 6, 30),
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
    effort="medium",
    description="""No Lambda function (packaged as a .zip archive) runs on a runtime that AWS has deprecated
        and no longer patches, from a dated table of every runtime's deprecation date, past and projected
        (the Lambda Developer Guide's runtime tables). With option days_ahead above 0, a runtime AWS
        deprecates within that many days fails too, naming the date, so the upgrade can be planned.
        Functions built from container images carry their runtime in the image and are not assessed.""",
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
    for fn in ctx.call("lambda", "ListFunctions", required=("Functions",)).get("Functions", []):
        runtime = fn.get("Runtime")
        if not runtime:
            continue
        name = fn["FunctionName"]
        when = deprecation(runtime, today, days_ahead, extra)
        observed = {"function": name, "runtime": runtime,
                    "deprecated_on": when.isoformat() if when and runtime not in extra else None,
                    "scheduled_deprecation": DEPRECATED[runtime].isoformat() if runtime in DEPRECATED else None,
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
