"""ECR repositories scan images for vulnerabilities when they are pushed."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from scanner.api import CheckContext, Finding, check

_SCANS = {"SCAN_ON_PUSH", "CONTINUOUS_SCAN"}


def filter_matches(pattern: str, repository: str) -> bool:
    """ECR repository filter semantics: with ``*`` a wildcard match of the whole name, without it a substring."""
    if "*" not in pattern:
        return pattern in repository
    return re.fullmatch(".*".join(re.escape(part) for part in pattern.split("*")), repository) is not None


def registry_rule(config: dict[str, Any], repository: str) -> dict[str, str] | None:
    """The first registry scanning rule that scans ``repository`` on push or continuously, if any."""
    for rule in config.get("rules") or []:
        if rule.get("scanFrequency") not in _SCANS:
            continue
        for repo_filter in rule.get("repositoryFilters") or []:
            if filter_matches(repo_filter.get("filter", ""), repository):
                return {"scan_frequency": rule["scanFrequency"], "filter": repo_filter.get("filter", "")}
    return None


@check(
    id="ecr.scan_on_push",
    title="ECR repositories scan images on push",
    service="ecr",
    severity="medium",
    effort="low",
    description="""Every private ECR repository has its images scanned for vulnerabilities when they are
        pushed (or continuously): through a registry scanning rule whose filter matches the repository, or,
        with basic scanning, through the repository's own scan-on-push setting. With enhanced scanning
        (Amazon Inspector) only the registry rules count.""",
    remediation="""Set a registry scanning configuration (ecr put-registry-scanning-configuration) whose
        rules match every repository, preferably enhanced scanning with continuous scans; with basic
        scanning a rule with the filter '*' and SCAN_ON_PUSH covers all repositories.""",
    reads=["ecr:DescribeRepositories", "ecr:GetRegistryScanningConfiguration"],
)
def scan_on_push(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per repository of the region."""
    repositories = ctx.call("ecr", "DescribeRepositories", required=("repositories",)).get("repositories", [])
    if not repositories:
        return
    config = ctx.call("ecr", "GetRegistryScanningConfiguration").get("scanningConfiguration") or {}
    scan_type = config.get("scanType", "BASIC")
    for repo in repositories:
        name = repo["repositoryName"]
        own = bool((repo.get("imageScanningConfiguration") or {}).get("scanOnPush"))
        rule = registry_rule(config, name)
        observed = {"repository": name, "registry_scan_type": scan_type, "repository_scan_on_push": own,
                    "registry_rule": rule}
        if rule is not None:
            yield ctx.passed(repo["repositoryArn"], f"Repository {name} is scanned ({scan_type} "
                             f"{rule['scan_frequency']}, registry filter '{rule['filter']}')", observed)
        elif own and scan_type != "ENHANCED":
            yield ctx.passed(repo["repositoryArn"], f"Repository {name} scans images on push", observed)
        elif own:
            yield ctx.failed(repo["repositoryArn"], f"Repository {name} matches no enhanced-scanning rule of "
                             "the registry (its own scan-on-push setting does not apply)", observed)
        else:
            yield ctx.failed(repo["repositoryArn"], f"Repository {name} does not scan images on push", observed)
