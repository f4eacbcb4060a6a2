"""Right-sizing data: the account is enrolled in AWS Compute Optimizer."""

from __future__ import annotations

from collections.abc import Iterator

from scanner.context import CheckContext
from scanner.model import Finding
from scanner.registry import check


@check(
    id="computeoptimizer.enrolled",
    title="Compute Optimizer is enabled",
    service="compute-optimizer",
    scope="global",
    severity="low",
    description="""The account is opted in to AWS Compute Optimizer (status Active), which analyses the
        utilisation of EC2 instances, Auto Scaling groups, EBS volumes, Lambda functions, ECS services and
        RDS databases and recommends types and sizes. Without it, sizing decisions rest on guesses.""",
    remediation="""Opt in (compute-optimizer update-enrollment-status --status Active, with
        --include-member-accounts from the management account), and review its recommendations on a
        schedule; enable enhanced infrastructure metrics for workloads with monthly cycles.""",
    reads=["compute-optimizer:GetEnrollmentStatus"],
)
def enrolled(ctx: CheckContext) -> Iterator[Finding]:
    """One account-level finding with the enrollment status."""
    answer = ctx.call("compute-optimizer", "GetEnrollmentStatus")
    status = answer.get("status", "Inactive")
    observed = {"status": status, "status_reason": answer.get("statusReason"),
                "member_accounts_enrolled": answer.get("memberAccountsEnrolled")}
    if status == "Active":
        yield ctx.passed(ctx.account_resource(), "Compute Optimizer is active for the account", observed)
    else:
        yield ctx.failed(ctx.account_resource(), f"Compute Optimizer is {status} for the account", observed)
