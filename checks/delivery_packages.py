"""Packages come through a central repository: CodeArtifact repositories that proxy public registries."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scanner.api import CheckContext, Finding, NotAssessed, check


@check(
    id="codeartifact.repositories_proxy_public_packages",
    title="CodeArtifact repositories proxy public package registries",
    service="codeartifact",
    severity="low",
    effort="medium",
    description="""Every CodeArtifact repository of the region has an external connection to a public
        registry (npm, PyPI, Maven Central, NuGet, crates.io, ...) or an upstream repository that leads to one,
        so builds fetch third-party packages through one place that keeps the versions used and can be
        controlled, instead of straight from the internet. A repository with neither serves only packages
        published to it and fails (public packages are then fetched some other way). One finding per
        repository, with its connections and upstreams (DescribeRepository per repository). Other package
        managers (Artifactory, Nexus) are not visible to this check.""",
    remediation="""Create a CodeArtifact repository with an external connection per public registry, make it
        the upstream of the repositories builds use, and point package managers (npm, pip, Maven) at them;
        block direct access to public registries from build environments.""",
    reads=["codeartifact:ListRepositories", "codeartifact:DescribeRepository"],
)
def repositories_proxy_public_packages(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per repository."""
    listed = ctx.call("codeartifact", "ListRepositories", required=("repositories",)).get("repositories", [])

    def one(summary: dict[str, Any]) -> Finding:
        name, domain = summary["name"], summary["domainName"]
        arn = summary.get("arn") or ctx.arn("codeartifact", f"repository/{domain}/{name}")
        try:
            repo = ctx.call("codeartifact", "DescribeRepository", domain=domain, repository=name,
                            domainOwner=summary.get("domainOwner") or ctx.account)["repository"]
        except NotAssessed as exc:
            return ctx.not_assessed(arn, exc)
        external = sorted(str(c.get("externalConnectionName")) for c in repo.get("externalConnections") or [])
        upstreams = [str(u.get("repositoryName")) for u in repo.get("upstreams") or []]
        observed = {"repository": name, "domain": domain, "external_connections": external, "upstreams": upstreams}
        if external or upstreams:
            via = ", ".join(external + [f"upstream {u}" for u in upstreams])
            return ctx.passed(arn, f"CodeArtifact repository {domain}/{name} serves public packages through {via}",
                              observed)
        return ctx.failed(arn, f"CodeArtifact repository {domain}/{name} has no external connection or upstream",
                          observed)

    yield from ctx.map(one, listed)
