"""Long-lived IAM access keys: rotation and use, from the credential report."""

from __future__ import annotations

from collections.abc import Iterator

from checks._iam import credential_report, days_since, parse_time
from scanner.api import CheckContext, Finding, check


@check(
    id="iam.access_keys_rotated",
    title="Active IAM access keys are rotated and in use",
    service="iam",
    scope="global",
    severity="high",
    effort="medium",
    description="""Active access keys older than the rotation limit (default 90 days), or active keys not used
        for the unused limit (default 45 days, counting keys never used since they were created that long
        ago). Thresholds of CIS AWS Foundations 1.12/1.14 and Security Hub IAM.3/IAM.22.""",
    remediation="""Replace long-lived keys with roles (instance profiles, IAM Roles Anywhere, OIDC federation).
        Where a key must stay, rotate it (create a second key, switch, deactivate and delete the old one);
        deactivate keys nobody uses.""",
    reads=["iam:GenerateCredentialReport", "iam:GetCredentialReport"],
    options={"max_age_days": 90, "unused_days": 45},
)
def access_keys_rotated(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per IAM user with an active access key; an account-level pass when there are none."""
    max_age = int(ctx.option("max_age_days"))
    unused = int(ctx.option("unused_days"))
    rows = credential_report(ctx)
    users_with_keys = 0
    for row in rows:
        if row.get("user") == "<root_account>":
            continue  # root keys are iam.root_no_access_keys' business
        keys = []
        problems = []
        for n in ("1", "2"):
            if row.get(f"access_key_{n}_active") != "true":
                continue
            rotated = parse_time(row.get(f"access_key_{n}_last_rotated"))
            used = parse_time(row.get(f"access_key_{n}_last_used_date"))
            age = days_since(rotated)
            idle = days_since(used) if used else age
            keys.append({
                "key": f"access_key_{n}",
                "last_rotated": row.get(f"access_key_{n}_last_rotated"),
                "age_days": age,
                "last_used": row.get(f"access_key_{n}_last_used_date"),
                "days_since_use": idle,
            })
            if age is not None and age > max_age:
                problems.append(f"key {n} is {age} days old (limit {max_age})")
            if idle is not None and idle >= unused:
                what = f"unused for {idle} days" if used else f"never used in the {idle} days since creation"
                problems.append(f"key {n} {what} (limit {unused})")
        if not keys:
            continue
        users_with_keys += 1
        observed = {"user": row.get("user"), "keys": keys, "max_age_days": max_age, "unused_days": unused}
        if problems:
            yield ctx.failed(row["arn"], f"IAM user {row.get('user')}: " + "; ".join(problems), observed)
        else:
            yield ctx.passed(row["arn"], f"IAM user {row.get('user')}: active keys rotated and in use",
                             observed)
    if users_with_keys == 0:
        yield ctx.passed(ctx.account_resource("iam"), "No IAM user has an active access key",
                         {"users_in_report": len(rows)})
