"""Build projects keep secrets out of their definitions and do not run builds as root on the host."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from scanner.api import CheckContext, Finding, check

# Variable names that announce a credential; only names are read, a value is never looked at or kept.
SECRET_NAME = re.compile(r"(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIAL)", re.I)
BATCH = 100  # BatchGetProjects takes at most 100 names


def projects(ctx: CheckContext) -> list[dict[str, Any]]:
    """Every CodeBuild project of the region: one ListProjects, then BatchGetProjects per 100 names."""
    names = ctx.call("codebuild", "ListProjects", required=("projects",))["projects"]
    out: list[dict[str, Any]] = []
    for start in range(0, len(names), BATCH):
        out += ctx.call("codebuild", "BatchGetProjects", names=names[start:start + BATCH]).get("projects", [])
    return out


@check(
    id="codebuild.no_plaintext_secrets",
    title="Build projects take secrets from a secret store",
    service="codebuild",
    severity="high",
    effort="medium",
    description="""No CodeBuild project defines a PLAINTEXT environment variable whose name announces a
        credential (password, secret, token, API key, private or access key); such values are visible to
        anyone who can read the project. Only variable names and types are read and reported, never values.""",
    remediation="""Move the value to AWS Secrets Manager or a SecureString parameter and reference it with an
        environment variable of type SECRETS_MANAGER or PARAMETER_STORE; rotate the value that was exposed.""",
    reads=["codebuild:ListProjects", "codebuild:BatchGetProjects"],
)
def no_plaintext_secrets(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per project."""
    for project in projects(ctx):
        arn, name = project["arn"], project["name"]
        variables = (project.get("environment") or {}).get("environmentVariables", [])
        exposed = sorted(v["name"] for v in variables
                         if v.get("type", "PLAINTEXT") == "PLAINTEXT" and SECRET_NAME.search(v.get("name", "")))
        observed = {"project": name, "plaintext_secret_names": exposed,
                    "secret_references": sorted(v["name"] for v in variables if v.get("type") != "PLAINTEXT")}
        if exposed:
            yield ctx.failed(arn, f"Build project {name} keeps {', '.join(exposed)} as plaintext environment "
                             "variables", observed)
        else:
            yield ctx.passed(arn, f"Build project {name} has no plaintext credential variable", observed)


@check(
    id="codebuild.privileged_mode_off",
    title="Build projects do not run in privileged mode",
    service="codebuild",
    severity="medium",
    effort="low",
    description="""No CodeBuild project runs its build container in privileged mode (which image builds with
        the Docker daemon need): privileged mode gives build commands root access to the build host's Docker
        daemon, so a compromised dependency in the build can do far more.""",
    remediation="""Turn privileged mode off (codebuild update-project --environment privilegedMode=false); build
        images with a daemonless builder or in a dedicated project with a minimal role.""",
    reads=["codebuild:ListProjects", "codebuild:BatchGetProjects"],
)
def privileged_mode_off(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per project."""
    for project in projects(ctx):
        arn, name = project["arn"], project["name"]
        privileged = bool((project.get("environment") or {}).get("privilegedMode"))
        observed = {"project": name, "privileged_mode": privileged,
                    "image": (project.get("environment") or {}).get("image")}
        if privileged:
            yield ctx.failed(arn, f"Build project {name} runs in privileged mode", observed)
        else:
            yield ctx.passed(arn, f"Build project {name} runs unprivileged", observed)
