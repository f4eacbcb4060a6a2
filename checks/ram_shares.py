"""Resources shared through AWS RAM stay inside the organization: no share admits outside principals."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checks._dates import timestamp_text
from scanner.api import CheckContext, Finding, check

# Shares being created or removed say nothing about what is shared today.
LIVE = ("ACTIVE", "PENDING")


@check(
    id="ram.shares_within_organization",
    title="Resource shares stay within the organization",
    service="ram",
    severity="medium",
    effort="low",
    description="""Every AWS RAM resource share this account owns in the region is restricted to the
        organization: it does not allow external principals, and none of its principals is outside the
        organization (RAM marks each principal as external or not). Two regional reads for all shares
        (GetResourceShares and ListPrincipals, resourceOwner SELF). Sharing through resource policies (S3
        bucket or KMS key policies) is not read by this check.""",
    remediation="""Turn on sharing with AWS Organizations (ram enable-sharing-with-aws-organization from the
        management account), share with the organization or its OUs, and set allowExternalPrincipals to false
        on each share (ram update-resource-share --no-allow-external-principals); deny
        ram:RequestedAllowsExternalPrincipals true with an SCP.""",
    reads=["ram:GetResourceShares", "ram:ListPrincipals"],
)
def shares_within_organization(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per live resource share the account owns."""
    shares = [s for s in ctx.call("ram", "GetResourceShares", resourceOwner="SELF",
                                  required=("resourceShares",)).get("resourceShares", [])
              if s.get("status") in LIVE]
    if not shares:
        return
    principals: dict[str, list[dict[str, Any]]] = {}
    for principal in ctx.call("ram", "ListPrincipals", resourceOwner="SELF",
                              required=("principals",)).get("principals", []):
        principals.setdefault(principal.get("resourceShareArn", ""), []).append(principal)
    for share in shares:
        arn, name = share["resourceShareArn"], share.get("name") or share["resourceShareArn"]
        members = principals.get(arn, [])
        outside = sorted(str(p.get("id")) for p in members if p.get("external"))
        open_to_outside = bool(share.get("allowExternalPrincipals"))
        observed = {"share": name, "allow_external_principals": open_to_outside,
                    "principals": sorted(str(p.get("id")) for p in members), "external_principals": outside,
                    "status": share.get("status"), "created": timestamp_text(share.get("creationTime"))}
        if outside:
            yield ctx.failed(arn, f"Resource share {name} is shared with {len(outside)} principal(s) outside the "
                             f"organization: {', '.join(outside)}", observed)
        elif open_to_outside:
            yield ctx.failed(arn, f"Resource share {name} allows external principals: it can be shared outside "
                             "the organization", observed)
        else:
            yield ctx.passed(arn, f"Resource share {name} is restricted to principals in the organization", observed)
