"""S3 buckets are not public through ACLs or bucket policies."""

from __future__ import annotations

import json
from collections.abc import Iterator

from checks._s3 import account_public_access_block, bucket_public_access_block, buckets
from scanner.api import CheckContext, Finding, NotAssessed, check

PUBLIC_GRANTEES = {
    "http://acs.amazonaws.com/groups/global/AllUsers": "AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers": "AuthenticatedUsers",
}


def policy_allows_everyone(document: str) -> bool:
    """True when a bucket policy has an unconditioned Allow for every principal."""
    try:
        statements = json.loads(document).get("Statement", [])
    except (ValueError, AttributeError):
        return False
    if isinstance(statements, dict):
        statements = [statements]
    for st in statements:
        principal = st.get("Principal")
        everyone = principal == "*" or (isinstance(principal, dict) and "*" in _as_list(principal.get("AWS")))
        if st.get("Effect") == "Allow" and everyone and not st.get("Condition"):
            return True
    return False


def _as_list(value: object) -> list:
    return value if isinstance(value, list) else [value]


@check(
    id="s3.bucket_not_public",
    title="S3 buckets are not public",
    service="s3",
    scope="global",
    severity="critical",
    description="""No bucket grants access to everyone (AllUsers) or to any AWS account (AuthenticatedUsers)
        through its ACL, or to everyone through its bucket policy, once the bucket's and the account's
        Block Public Access settings are taken into account.""",
    remediation="""Turn on S3 Block Public Access for the account (s3control put-public-access-block); serve
        public content through CloudFront with origin access control instead of a public bucket.""",
    reads=["s3control:GetPublicAccessBlock", "s3:ListBuckets", "s3:GetBucketLocation",
           "s3:GetPublicAccessBlock", "s3:GetBucketPolicyStatus", "s3:GetBucketAcl",
           "s3:GetBucketPolicy"],
)
def bucket_not_public(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per bucket; per-bucket reads are skipped when the account-level block settles it."""
    account_bpa = account_public_access_block(ctx)
    account_blocks_all = account_bpa["IgnorePublicAcls"] and account_bpa["RestrictPublicBuckets"]

    def one(bucket: dict) -> Finding:
        name, arn = bucket["Name"], bucket["Arn"]
        if account_blocks_all:
            return ctx.passed(arn, f"Bucket {name} cannot be public: account-level Block Public Access "
                              "ignores public ACLs and restricts public policies",
                              {"account_public_access_block": account_bpa},
                              source=["s3control:GetPublicAccessBlock", "s3:ListBuckets"])
        if bucket["region_error"] is not None:
            return ctx.not_assessed(arn, bucket["region_error"])
        try:
            return _assess(ctx, bucket, account_bpa)
        except NotAssessed as exc:
            return ctx.not_assessed(arn, exc)

    yield from ctx.map(one, buckets(ctx))


def _assess(ctx: CheckContext, bucket: dict, account_bpa: dict[str, bool]) -> Finding:
    name, region = bucket["Name"], bucket["Region"]
    bucket_bpa = bucket_public_access_block(ctx, bucket)
    ignore_acls = account_bpa["IgnorePublicAcls"] or bucket_bpa["IgnorePublicAcls"]
    restrict_policy = account_bpa["RestrictPublicBuckets"] or bucket_bpa["RestrictPublicBuckets"]
    sources = ["s3control:GetPublicAccessBlock", "s3:ListBuckets", "s3:GetPublicAccessBlock"]
    public_grants: list[str] = []
    if not ignore_acls:
        acl = ctx.call("s3", "GetBucketAcl", region=region, Bucket=name)
        sources.append("s3:GetBucketAcl")
        for grant in acl.get("Grants", []):
            who = PUBLIC_GRANTEES.get(grant.get("Grantee", {}).get("URI", ""))
            if who:
                public_grants.append(f"{who}:{grant.get('Permission')}")
    policy_public = False
    if not restrict_policy:
        status = ctx.call("s3", "GetBucketPolicyStatus", region=region, Bucket=name,
                          absent=("NoSuchBucketPolicy",))
        sources.append("s3:GetBucketPolicyStatus")
        policy_status = (status or {}).get("PolicyStatus", {})
        if status is not None and "IsPublic" not in policy_status:
            # Some endpoints answer without the verdict; judge the policy document itself.
            policy = ctx.call("s3", "GetBucketPolicy", region=region, Bucket=name, absent=("NoSuchBucketPolicy",))
            sources.append("s3:GetBucketPolicy")
            policy_public = policy_allows_everyone((policy or {}).get("Policy", "{}"))
        else:
            policy_public = bool(policy_status.get("IsPublic"))
    observed = {
        "bucket": name,
        "region": region,
        "public_acl_grants": public_grants,
        "policy_is_public": policy_public,
        "bucket_public_access_block": bucket_bpa,
        "account_public_access_block": account_bpa,
    }
    reasons = []
    if public_grants:
        reasons.append("its ACL grants " + ", ".join(public_grants))
    if policy_public:
        reasons.append("its bucket policy allows public access")
    if reasons:
        return ctx.failed(bucket["Arn"], f"Bucket {name} is public: " + " and ".join(reasons), observed,
                          source=sources)
    return ctx.passed(bucket["Arn"], f"Bucket {name} is not public", observed, source=sources)
