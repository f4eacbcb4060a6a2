"""S3 buckets are not public through bucket ACLs, object ACLs or bucket policies."""

from __future__ import annotations

import json
from collections.abc import Iterator

from checks._s3 import account_public_access_block, bucket_object_ownership, bucket_public_access_block, buckets
from scanner.api import CheckContext, Finding, NotAssessed, Severity, check

PUBLIC_GRANTEES = {
    "http://acs.amazonaws.com/groups/global/AllUsers": "AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers": "AuthenticatedUsers",
}


# Condition keys that, with a fixed value, make a statement non-public: "The meaning of 'public'" in the
# Amazon S3 User Guide (docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html)
# and the same list in the S3 API reference for PublicAccessBlockConfiguration, read December 2026, with
# aws:PrincipalOrgID and aws:PrincipalAccount (a fixed organization or account is trusted). aws:SourceIp
# counts when it names CIDRs narrower than the whole address space. Keys not listed count as restricting
# nothing, so a doubt reads as public.
RESTRICTING_KEYS = frozenset({
    "aws:sourcearn", "aws:sourcevpc", "aws:sourcevpce", "aws:sourceowner", "aws:sourceaccount",
    "aws:principalorgid", "aws:principalaccount", "aws:userid",
    "s3:x-amz-server-side-encryption-aws-kms-key-id", "s3:dataaccesspointarn", "s3:dataaccesspointaccount",
})
# Operators that pin a key to the listed values; negated and ...IfExists operators do not.
_FIXED_OPERATORS = frozenset({"stringequals", "stringequalsignorecase", "arnequals", "arnlike", "stringlike"})
_EVERYWHERE = ("0.0.0.0/0", "::/0")


def _restricts(condition: object) -> bool:
    """True when a statement's Condition limits it to a fixed set of sources or principals."""
    if not isinstance(condition, dict):
        return False
    for operator, tests in condition.items():
        if not isinstance(tests, dict):
            continue
        op = str(operator).lower()
        for key, value in tests.items():
            values = [str(v) for v in _as_list(value)]
            if not values:
                continue
            name = str(key).lower()
            if name == "aws:sourceip" and op == "ipaddress":
                if not any(v.strip() in _EVERYWHERE for v in values):
                    return True
            elif name in RESTRICTING_KEYS and op in _FIXED_OPERATORS:
                if name == "aws:userid" and any(v.endswith(":*") for v in values):
                    continue  # "AROLEID:*" is every session of a role, which AWS treats as public
                if not any("*" in v or "?" in v for v in values):
                    return True
    return False


def _grants_everyone(statement: dict) -> bool:
    """An Allow whose principal is everyone: ``*``, ``{"AWS": "*"}``, or any NotPrincipal (all but a few)."""
    if statement.get("Effect") != "Allow":
        return False
    if "NotPrincipal" in statement:
        return True
    principal = statement.get("Principal")
    if principal == "*":
        return True
    return isinstance(principal, dict) and any("*" in _as_list(principal.get(kind))
                                                   for kind in ("AWS", "CanonicalUser"))


def policy_allows_everyone(document: str) -> bool:
    """True when a bucket policy lets everyone in: an Allow for every principal (or with NotPrincipal) whose
    conditions, if any, restrict nothing (``aws:SecureTransport`` alone, a wildcard, a negated operator).

    Used only where GetBucketPolicyStatus gives no verdict; it follows AWS's own rule for "public".
    """
    try:
        statements = json.loads(document).get("Statement", [])
    except (ValueError, AttributeError):
        return False
    if isinstance(statements, dict):
        statements = [statements]
    return any(isinstance(st, dict) and _grants_everyone(st) and not _restricts(st.get("Condition"))
               for st in statements)


def _as_list(value: object) -> list:
    return value if isinstance(value, list) else [value]


@check(
    id="s3.bucket_not_public",
    title="S3 buckets are not public",
    service="s3",
    scope="global",
    severity="critical",
    effort="low",
    description="""No bucket grants access to everyone (AllUsers) or to any AWS account (AuthenticatedUsers)
        through its ACL, or to everyone through its bucket policy, once the bucket's and the account's
        Block Public Access settings are taken into account; the policy verdict is S3's own
        (GetBucketPolicyStatus IsPublic). Objects can carry public ACLs of their own, which this check
        does not read one by one: unless IgnorePublicAcls is on or Object Ownership is
        BucketOwnerEnforced (ACLs disabled, GetBucketOwnershipControls), the bucket fails with medium
        severity because its objects can be public. Where an endpoint answers without IsPublic, the
        policy document is judged by AWS's rule: an Allow for everyone (or with NotPrincipal) is public
        unless a condition pins it to fixed values of a restricting key (aws:SourceIp, aws:SourceVpc,
        aws:SourceVpce, aws:SourceArn, aws:SourceAccount, aws:PrincipalOrgID, aws:PrincipalAccount and the
        others AWS lists).""",
    remediation="""Turn on S3 Block Public Access for the account (s3control put-public-access-block) and set
        Object Ownership to BucketOwnerEnforced to disable ACLs; serve public content through CloudFront
        with origin access control instead of a public bucket.""",
    reads=["s3control:GetPublicAccessBlock", "s3:ListBuckets", "s3:GetBucketLocation",
           "s3:GetPublicAccessBlock", "s3:GetBucketOwnershipControls", "s3:GetBucketPolicyStatus",
           "s3:GetBucketAcl", "s3:GetBucketPolicy"],
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


def _policy_is_public(ctx: CheckContext, bucket: dict, sources: list[str]) -> bool:
    """Whether the bucket policy lets everyone in, by S3's own verdict (GetBucketPolicyStatus IsPublic).

    The policy document is read first: s3.tls_required reads it anyway (the answer is shared), and a
    bucket without a policy cannot be public through one, so S3's verdict is asked only for a bucket that has
    a policy. Where the endpoint answers without the verdict, the document is judged by AWS's rule.
    """
    name, region = bucket["Name"], bucket["Region"]
    try:
        policy = ctx.call("s3", "GetBucketPolicy", region=region, Bucket=name, absent=("NoSuchBucketPolicy",),
                          required=("Policy",))
        sources.append("s3:GetBucketPolicy")
        if policy is None:
            return False
    except NotAssessed:
        policy = None  # unknown: S3's verdict alone decides, as it would have without the document
    status = ctx.call("s3", "GetBucketPolicyStatus", region=region, Bucket=name, absent=("NoSuchBucketPolicy",))
    sources.append("s3:GetBucketPolicyStatus")
    policy_status = (status or {}).get("PolicyStatus", {})
    if status is None or "IsPublic" in policy_status:
        return bool(policy_status.get("IsPublic"))
    # Some endpoints answer without the verdict; judge the policy document itself (raises when unreadable).
    if policy is None:
        policy = ctx.call("s3", "GetBucketPolicy", region=region, Bucket=name, absent=("NoSuchBucketPolicy",),
                          required=("Policy",))
        if "s3:GetBucketPolicy" not in sources:
            sources.append("s3:GetBucketPolicy")
    return policy_allows_everyone((policy or {}).get("Policy", "{}"))


def _assess(ctx: CheckContext, bucket: dict, account_bpa: dict[str, bool]) -> Finding:
    name, region = bucket["Name"], bucket["Region"]
    bucket_bpa = bucket_public_access_block(ctx, bucket)
    ignore_acls = account_bpa["IgnorePublicAcls"] or bucket_bpa["IgnorePublicAcls"]
    restrict_policy = account_bpa["RestrictPublicBuckets"] or bucket_bpa["RestrictPublicBuckets"]
    sources = ["s3control:GetPublicAccessBlock", "s3:ListBuckets", "s3:GetPublicAccessBlock"]
    public_grants: list[str] = []
    ownership = None
    if not ignore_acls:
        # With ACLs disabled (BucketOwnerEnforced) S3 ignores bucket and object ACLs: no ACL read needed.
        ownership = bucket_object_ownership(ctx, bucket)
        sources.append("s3:GetBucketOwnershipControls")
    acls_apply = not ignore_acls and ownership != "BucketOwnerEnforced"
    if acls_apply:
        acl = ctx.call("s3", "GetBucketAcl", region=region, Bucket=name, required=("Owner",))
        sources.append("s3:GetBucketAcl")
        for grant in acl.get("Grants", []):
            who = PUBLIC_GRANTEES.get(grant.get("Grantee", {}).get("URI", ""))
            if who:
                public_grants.append(f"{who}:{grant.get('Permission')}")
    policy_public = False if restrict_policy else _policy_is_public(ctx, bucket, sources)
    observed = {
        "bucket": name,
        "region": region,
        "public_acl_grants": public_grants,
        "policy_is_public": policy_public,
        "object_ownership": ownership,
        "object_acls_can_be_public": acls_apply,
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
    if acls_apply:
        return ctx.failed(bucket["Arn"], f"Bucket {name} is not public itself, but object ACLs can make its "
                          "objects public: ACLs are enabled (Object Ownership "
                          f"{ownership or 'not set'}) and IgnorePublicAcls is off", observed,
                          severity=Severity.MEDIUM, source=sources)
    return ctx.passed(bucket["Arn"], f"Bucket {name} is not public", observed, source=sources)
