"""Access follows data sensitivity: IAM policies decide on the resource's data-classification tag."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checks._iam import authorization_details, default_version_document, statements
from scanner.api import GLOBAL, CheckContext, Finding, check

# Condition keys that test a tag on the resource being accessed (not on the caller, not on a new request).
RESOURCE_TAG_KEYS = ("aws:resourcetag/", "s3:existingobjecttag/")


def _tag_keys(option: Any) -> set[str]:
    return {k.strip().lower() for k in str(option or "").split(",") if k.strip()}


def conditions_on(document: Any, tag_keys: set[str]) -> list[str]:
    """The resource-tag condition keys of ``document`` that test one of ``tag_keys`` (lower case)."""
    found = []
    for stmt in statements(document):
        for operators in (stmt.get("Condition") or {}).values():
            for key in (operators or {}) if isinstance(operators, dict) else ():
                lowered = str(key).lower()
                prefix = next((p for p in RESOURCE_TAG_KEYS if lowered.startswith(p)), None)
                if prefix and lowered[len(prefix):] in tag_keys and key not in found:
                    found.append(str(key))
    return found


def _policies(details: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """(label, document) for every customer managed policy's default version and every inline policy."""
    for policy in details.get("Policies", []):
        name = policy.get("PolicyName") or str(policy.get("Arn", "")).rsplit("/", 1)[-1]
        yield f"policy {name}", default_version_document(policy)
    for kind, list_key, policies_key, name_key in (("user", "UserDetailList", "UserPolicyList", "UserName"),
                                                    ("group", "GroupDetailList", "GroupPolicyList", "GroupName"),
                                                    ("role", "RoleDetailList", "RolePolicyList", "RoleName")):
        for entity in details.get(list_key, []):
            for inline in entity.get(policies_key, []):
                yield f"{kind} {entity.get(name_key)} inline {inline.get('PolicyName')}", inline.get("PolicyDocument")


@check(
    id="iam.classification_based_access",
    title="IAM policies grant access by data classification",
    service="iam",
    scope="global",
    severity="medium",
    effort="high",
    description="""At least one customer managed or inline IAM policy makes its decision on the data
        classification tag of the resource it protects (a Condition on aws:ResourceTag/<key> or
        s3:ExistingObjectTag/<key>, option tag_key, default data-classification; several keys may be given
        comma-separated): attribute-based access that gives sensitive data stricter access than the rest.
        Read from GetAccountAuthorizationDetails, which the IAM checks already make. Separation by account,
        SCPs and key policies, other ways to tie controls to sensitivity, are not read.""",
    remediation="""Tag data stores with their classification, then write the access rules on the tag: allow
        restricted data only to the roles that need it (Condition StringEquals aws:ResourceTag/data-classification
        restricted) and deny it elsewhere; protect the tag itself with a tag policy and by denying
        tag changes to everyone but the data owners.""",
    reads=["iam:GetAccountAuthorizationDetails"],
    options={"tag_key": "data-classification"},
)
def classification_based_access(ctx: CheckContext) -> Iterator[Finding]:
    """One finding for the account."""
    keys = _tag_keys(ctx.option("tag_key"))
    details = authorization_details(ctx)
    using = {label: found for label, document in _policies(details) if (found := conditions_on(document, keys))}
    observed = {"tag_keys": sorted(keys), "policies": dict(sorted(using.items())[:20]), "count": len(using)}
    resource = ctx.account_resource(region=GLOBAL)
    if using:
        yield ctx.passed(resource, f"{len(using)} IAM polic{'y' if len(using) == 1 else 'ies'} decide access on the "
                         f"data classification tag ({', '.join(sorted(using)[:3])})", observed)
    else:
        yield ctx.failed(resource, "No IAM policy decides access on the data classification tag "
                         f"({', '.join(sorted(keys))}) of the resource", observed)
