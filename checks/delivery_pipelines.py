"""What delivery pipelines do: take code from a repository, build it and deploy it without a person in between."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from checks._dates import as_datetime
from scanner.api import CheckContext, Finding, NotAssessed, check

# Source providers that read a version-control repository (CodePipeline action reference: CodeCommit,
# CodeStarSourceConnection for GitHub, GitHub Enterprise Server, Bitbucket and GitLab, and the older
# GitHub version 1 action). S3 and ECR sources deliver an object or an image, not a repository.
VERSION_CONTROL = frozenset({"CodeCommit", "CodeStarSourceConnection", "GitHub"})
READS = ["codepipeline:ListPipelines", "codepipeline:GetPipeline"]


@dataclass
class Pipeline:
    """The parts of a GetPipeline answer these checks look at."""

    name: str
    arn: str
    # (stage name, action name, category, provider) in the order the pipeline runs them
    actions: list[tuple[str, str, str, str]] = field(default_factory=list)

    def providers(self, category: str) -> list[str]:
        """Providers of the pipeline's actions of ``category``, without repeats, in pipeline order."""
        return list(dict.fromkeys(a[3] for a in self.actions if a[2] == category))

    def stages_with(self, category: str) -> list[str]:
        """Names of the stages holding an action of ``category``, in pipeline order."""
        return list(dict.fromkeys(a[0] for a in self.actions if a[2] == category))

    def observed(self) -> dict[str, Any]:
        """What every finding about this pipeline records."""
        return {"pipeline": self.name, "source_providers": self.providers("Source"),
                "build_providers": self.providers("Build"), "test_providers": self.providers("Test"),
                "deploy_providers": self.providers("Deploy"), "deploy_stages": self.stages_with("Deploy"),
                "approval_actions": [a[1] for a in self.actions if a[2] == "Approval"]}


def pipelines(ctx: CheckContext) -> list[Pipeline | tuple[str, NotAssessed]]:
    """Every pipeline of the region (one GetPipeline per pipeline, concurrently; the answers are shared)."""
    names = [p["name"] for p in ctx.call("codepipeline", "ListPipelines", required=("pipelines",)).get("pipelines", [])]

    def one(name: str) -> Pipeline | tuple[str, NotAssessed]:
        try:
            detail = ctx.call("codepipeline", "GetPipeline", name=name)
        except NotAssessed as exc:
            return ctx.arn("codepipeline", name), exc
        arn = (detail.get("metadata") or {}).get("pipelineArn") or ctx.arn("codepipeline", name)
        stages = (detail.get("pipeline") or {}).get("stages") or []
        actions = [(stage.get("name", ""), action.get("name", ""),
                    str((action.get("actionTypeId") or {}).get("category", "")),
                    str((action.get("actionTypeId") or {}).get("provider", "")))
                   for stage in stages for action in stage.get("actions") or []]
        return Pipeline(name, arn, actions)

    return ctx.map(one, names)


def _each(ctx: CheckContext) -> Iterator[Pipeline | Finding]:
    """The region's readable pipelines; an unreadable one comes out as its not-assessed finding."""
    for item in pipelines(ctx):
        yield ctx.not_assessed(*item) if isinstance(item, tuple) else item


@check(
    id="codepipeline.source_in_version_control",
    title="Pipelines start from a version-control repository",
    service="codepipeline",
    severity="medium",
    effort="medium",
    description="""Every CodePipeline pipeline of the region takes its source from a repository: a CodeCommit,
        GitHub, GitHub Enterprise Server, Bitbucket or GitLab source action (CodeStarSourceConnection or the
        GitHub action). A pipeline whose only sources are S3 objects or ECR images fails: what it deploys may
        come from a repository upstream, but the pipeline cannot show which commit it is. One finding per
        pipeline; the source providers are listed.""",
    remediation="""Make the repository the pipeline's source (a CodeStarSourceConnection action to GitHub,
        GitLab or Bitbucket, or CodeCommit) so every run is tied to a commit; keep S3 and ECR sources for
        artifacts that a repository's own build produced.""",
    reads=READS,
)
def source_in_version_control(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per pipeline."""
    for item in _each(ctx):
        if isinstance(item, Finding):
            yield item
            continue
        sources = item.providers("Source")
        repositories = [p for p in sources if p in VERSION_CONTROL]
        if repositories:
            yield ctx.passed(item.arn, f"Pipeline {item.name} starts from a repository ({', '.join(repositories)})",
                             item.observed())
        else:
            yield ctx.failed(item.arn, f"Pipeline {item.name} takes its source from "
                             f"{', '.join(sources) or 'no source action'}, not from a repository", item.observed())


@check(
    id="codepipeline.deploys_through_actions",
    title="Pipelines deploy through deploy actions",
    service="codepipeline",
    severity="medium",
    effort="medium",
    description="""Every CodePipeline pipeline of the region has at least one deploy action (CloudFormation,
        CodeDeploy, Amazon ECS, Elastic Beanstalk, S3, AppConfig, EKS, ...), so the change is applied by the
        pipeline rather than by a person. A pipeline that only builds and tests fails: it may hand over to a
        deployment elsewhere (a build step that runs a deploy command is not recognised). One finding per
        pipeline; the deploy providers and stages are listed.""",
    remediation="""Add a deploy action for each environment the pipeline delivers to (CloudFormation or CDK
        stacks, CodeDeploy, ECS), so that changes reach every environment through the pipeline.""",
    reads=READS,
)
def deploys_through_actions(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per pipeline."""
    for item in _each(ctx):
        if isinstance(item, Finding):
            yield item
            continue
        deploys = item.providers("Deploy")
        if deploys:
            yield ctx.passed(item.arn, f"Pipeline {item.name} deploys with {', '.join(deploys)} in "
                             f"{len(item.stages_with('Deploy'))} stage(s)", item.observed())
        else:
            yield ctx.failed(item.arn, f"Pipeline {item.name} has no deploy action", item.observed())


@check(
    id="codepipeline.builds_and_deploys",
    title="Pipelines build and deploy",
    service="codepipeline",
    severity="low",
    effort="medium",
    description="""Every CodePipeline pipeline of the region both builds (a Build action: CodeBuild, Jenkins,
        ECR build and publish, ...) and deploys (a Deploy action), so one build and deployment system carries a
        change from source to the environment. One finding per pipeline; the build and deploy providers are
        listed. Build and deployment systems outside CodePipeline are not visible to this check.""",
    remediation="""Give each pipeline a build stage (CodeBuild) that produces the artifact once, and deploy
        stages that deploy that same artifact to each environment.""",
    reads=READS,
)
def builds_and_deploys(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per pipeline."""
    for item in _each(ctx):
        if isinstance(item, Finding):
            yield item
            continue
        builds, deploys = item.providers("Build"), item.providers("Deploy")
        if builds and deploys:
            yield ctx.passed(item.arn, f"Pipeline {item.name} builds with {', '.join(builds)} and deploys with "
                             f"{', '.join(deploys)}", item.observed())
        else:
            missing = " and ".join(w for w, found in (("build", builds), ("deploy", deploys)) if not found)
            yield ctx.failed(item.arn, f"Pipeline {item.name} has no {missing} action", item.observed())


@check(
    id="codepipeline.fully_automated",
    title="Pipelines run from source to deployment without a manual step",
    service="codepipeline",
    severity="low",
    effort="high",
    description="""Every CodePipeline pipeline of the region goes from its source through a build to a deploy
        action with no manual approval action on the way, so integration and deployment are fully automated.
        A pipeline with a manual approval fails and names it (a deliberate gate before production is a
        choice the reviewer can confirm); a pipeline without a build or a deploy action fails too. Whether a
        change starts the pipeline by itself (events or polling) is not judged. One finding per pipeline.""",
    remediation="""Replace manual approvals with automated gates (tests, alarms watched during a bake time,
        canary analysis) and let each change flow from commit to production.""",
    reads=READS,
)
def fully_automated(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per pipeline."""
    for item in _each(ctx):
        if isinstance(item, Finding):
            yield item
            continue
        approvals = [f"{a[0]}/{a[1]}" for a in item.actions if a[2] == "Approval"]
        missing = [w for w, c in (("source", "Source"), ("build", "Build"), ("deploy", "Deploy"))
                   if not item.providers(c)]
        if missing:
            yield ctx.failed(item.arn, f"Pipeline {item.name} has no {' or '.join(missing)} action", item.observed())
        elif approvals:
            yield ctx.failed(item.arn, f"Pipeline {item.name} waits for manual approval at {', '.join(approvals)}",
                             item.observed())
        else:
            yield ctx.passed(item.arn, f"Pipeline {item.name} builds and deploys with no manual step",
                             item.observed())


@check(
    id="codepipeline.staged_environments",
    title="Pipelines deploy to more than one stage",
    service="codepipeline",
    severity="low",
    effort="medium",
    description="""Every CodePipeline pipeline of the region with deploy actions deploys in at least two
        stages (for example staging, then production), so a change runs in an earlier environment before the
        last one. The deploy stages are listed; whether they are really separate environments (accounts,
        regions, stacks) is for the reviewer to confirm. Pipelines without deploy actions get no finding.""",
    remediation="""Deploy each change to a pre-production environment first (its own stage, ideally its own
        account) and promote the same artifact to production after it passes there.""",
    reads=READS,
)
def staged_environments(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per pipeline that deploys."""
    for item in _each(ctx):
        if isinstance(item, Finding):
            yield item
            continue
        stages = item.stages_with("Deploy")
        if len(stages) >= 2:
            yield ctx.passed(item.arn, f"Pipeline {item.name} deploys in {len(stages)} stages: {', '.join(stages)}",
                             item.observed())
        elif stages:
            yield ctx.failed(item.arn, f"Pipeline {item.name} deploys in one stage only ({stages[0]})",
                             item.observed())


# One page of the most recent executions (newest first) is enough to count a month of changes.
RECENT = {"MaxItems": 100, "PageSize": 100}


@check(
    id="codepipeline.changes_frequent",
    title="Pipelines deliver changes often",
    service="codepipeline",
    severity="low",
    effort="high",
    description="""Every CodePipeline pipeline of the region with deploy actions ran successfully at least
        `min_runs` times in the last `days` days (ListPipelineExecutions, the 100 most recent executions per
        pipeline), so changes go out often and each carries little. The successful, failed and stopped runs
        are counted. How big each change is, and whether it can be reversed, are not visible here (the
        CodeDeploy and ECS rollback checks look at that). One finding per deploying pipeline.""",
    remediation="""Merge and release small changes often (daily to weekly) through the pipeline instead of
        batching them into large, rare releases.""",
    reads=["codepipeline:ListPipelines", "codepipeline:GetPipeline", "codepipeline:ListPipelineExecutions"],
    options={"days": 30, "min_runs": 4},
)
def changes_frequent(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per pipeline that deploys."""
    days, least = int(ctx.option("days")), int(ctx.option("min_runs"))
    since = datetime.now(UTC) - timedelta(days=days)
    deploying = [p for p in _each(ctx) if isinstance(p, Finding) or p.providers("Deploy")]

    def one(item: Pipeline | Finding) -> Finding:
        if isinstance(item, Finding):
            return item
        try:
            runs = ctx.call("codepipeline", "ListPipelineExecutions", pipelineName=item.name,
                            PaginationConfig=RECENT).get("pipelineExecutionSummaries", [])
        except NotAssessed as exc:
            return ctx.not_assessed(item.arn, exc)
        recent = [r for r in runs if (as_datetime(r.get("startTime")) or since) >= since]
        counts: dict[str, int] = {}
        for run in recent:
            counts[str(run.get("status"))] = counts.get(str(run.get("status")), 0) + 1
        observed = {**item.observed(), "days": days, "runs": dict(sorted(counts.items())), "min_runs": least}
        succeeded = counts.get("Succeeded", 0)
        if succeeded >= least:
            return ctx.passed(item.arn, f"Pipeline {item.name} delivered {succeeded} change(s) in {days} days",
                              observed)
        return ctx.failed(item.arn, f"Pipeline {item.name} delivered {succeeded} change(s) in {days} days "
                          f"(fewer than {least})", observed)

    yield from ctx.map(one, deploying)
