"""Code is reviewed before it merges: CodeCommit approval rule templates require approvals on pull requests."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from scanner.api import CheckContext, Finding, NotAssessed, check


def approvals_needed(content: str) -> int:
    """The largest NumberOfApprovalsNeeded of an approval rule template's content (0 when unreadable)."""
    try:
        rule = json.loads(content or "{}")
    except ValueError:
        return 0
    statements = rule.get("Statements") if isinstance(rule, dict) else None
    return max((int(s.get("NumberOfApprovalsNeeded") or 0) for s in statements or [] if isinstance(s, dict)),
               default=0)


def _templates(ctx: CheckContext) -> dict[str, dict[str, Any]]:
    """Repository name -> the template requiring the most approvals among those associated with it."""
    names = ctx.call("codecommit", "ListApprovalRuleTemplates",
                     required=("approvalRuleTemplateNames",)).get("approvalRuleTemplateNames", [])

    def one(name: str) -> tuple[str, int, list[str]]:
        template = ctx.call("codecommit", "GetApprovalRuleTemplate",
                            approvalRuleTemplateName=name)["approvalRuleTemplate"]
        repos = ctx.call("codecommit", "ListRepositoriesForApprovalRuleTemplate",
                         approvalRuleTemplateName=name).get("repositoryNames", [])
        return name, approvals_needed(template.get("approvalRuleTemplateContent", "")), repos

    best: dict[str, dict[str, Any]] = {}
    for name, needed, repos in ctx.map(one, names):
        for repo in repos:
            if needed > best.get(repo, {}).get("approvals", -1):
                best[repo] = {"template": name, "approvals": needed}
    return best


@check(
    id="codecommit.pull_requests_need_approval",
    title="CodeCommit repositories require approvals on pull requests",
    service="codecommit",
    severity="medium",
    effort="low",
    description="""Every CodeCommit repository of the region is associated with an approval rule template that
        needs at least one approval, so a pull request is reviewed by someone other than its author before
        it merges. One finding per repository, with the template and the number of approvals. Approval rules
        added to single pull requests, branch protection in GitHub, GitLab or Bitbucket, and reviews done
        without an enforced rule are not visible to this check.""",
    remediation="""Create an approval rule template (codecommit create-approval-rule-template) that needs at
        least one approval from the team's reviewers for the main branches, and associate it with every
        repository (associate-approval-rule-template-with-repository).""",
    reads=["codecommit:ListRepositories", "codecommit:ListApprovalRuleTemplates",
           "codecommit:GetApprovalRuleTemplate", "codecommit:ListRepositoriesForApprovalRuleTemplate"],
)
def pull_requests_need_approval(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per repository."""
    repos = ctx.call("codecommit", "ListRepositories", required=("repositories",)).get("repositories", [])
    if not repos:
        return
    try:
        rules = _templates(ctx)
    except NotAssessed as exc:
        for repo in repos:
            yield ctx.not_assessed(ctx.arn("codecommit", repo["repositoryName"]), exc)
        return
    for repo in repos:
        name = repo["repositoryName"]
        arn = ctx.arn("codecommit", name)
        rule = rules.get(name)
        observed = {"repository": name, "template": (rule or {}).get("template"),
                    "approvals_needed": (rule or {}).get("approvals", 0)}
        if rule and rule["approvals"] > 0:
            yield ctx.passed(arn, f"Pull requests to {name} need {rule['approvals']} approval(s) "
                             f"({rule['template']})", observed)
        else:
            yield ctx.failed(arn, f"Pull requests to {name} can merge without an approval", observed)
