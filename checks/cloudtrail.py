"""CloudTrail: API activity of every region is recorded, and the log files can be proven untampered.

Trails are read per region with ``DescribeTrails(includeShadowTrails=True)``: that answer holds every
multi-region trail (wherever its home region is), the organization trails the account belongs to, and
the single-region trails of that region. ``ListTrails`` is not used: it is not a reliable list of the
trails that cover another region. A trail's logging status is read once, in its home region.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scanner.api import CheckContext, Finding, check

# What GetTrailStatus answers in a member account for an organization trail it cannot inspect.
_FOREIGN_TRAIL_CODES = ("TrailNotFoundException", "CloudTrailARNInvalidException")


def trails(ctx: CheckContext, region: str | None = None) -> list[dict[str, Any]]:
    """The trails that DescribeTrails shows in ``region`` (the context's region by default)."""
    answer = ctx.call("cloudtrail", "DescribeTrails", region=region or ctx.region, includeShadowTrails=True,
                      required=("trailList",))
    return list(answer.get("trailList", []))


def owner_account(trail: dict[str, Any]) -> str:
    """The account that owns a trail, from its ARN (an organization trail belongs to the management account)."""
    parts = trail.get("TrailARN", "").split(":")
    return parts[4] if len(parts) > 4 else ""


def _covers(trail: dict[str, Any], region: str) -> bool:
    return bool(trail.get("IsMultiRegionTrail")) or trail.get("HomeRegion") == region


@check(
    id="cloudtrail.logging_all_regions",
    title="CloudTrail records API activity in every region",
    service="cloudtrail",
    severity="high",
    effort="low",
    description="""In each region, a trail that is logging covers the region: a multi-region trail (the
        account's own or its organization's) or a single-region trail homed there. A region where no
        trail logs has no record of who did what, which is the first thing an investigation needs. A
        member account cannot read the status of an organization trail managed by another account; such
        a trail counts as covering the region and the finding says so.""",
    remediation="""Create one multi-region trail (cloudtrail create-trail --is-multi-region-trail
        --enable-log-file-validation, then start-logging), or an organization trail from the management
        account, delivering to a central, access-restricted S3 bucket. A multi-region trail also covers
        regions enabled later.""",
    reads=["cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus"],
)
def logging_all_regions(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per region: covered by a logging trail or not."""
    covering = [t for t in trails(ctx) if _covers(t, ctx.region)]
    seen: list[dict[str, Any]] = []
    for trail in covering:
        logging = is_logging(ctx, trail)
        seen.append({"name": trail.get("Name"), "arn": trail.get("TrailARN"),
                     "home_region": trail.get("HomeRegion"), "multi_region": bool(trail.get("IsMultiRegionTrail")),
                     "organization_trail": bool(trail.get("IsOrganizationTrail")), "is_logging": logging})
    observed = {"trails": seen}
    resource = ctx.account_resource()
    logging_trails = [t for t in seen if t["is_logging"]]
    foreign = [t for t in seen if t["is_logging"] is None]
    if logging_trails:
        best = sorted(logging_trails, key=lambda t: (not t["multi_region"], t["name"] or ""))[0]
        kind = "multi-region trail" if best["multi_region"] else "single-region trail"
        yield ctx.passed(resource, f"API activity in {ctx.region} is recorded by {kind} {best['name']}", observed)
    elif foreign:
        owner = owner_account({"TrailARN": foreign[0]["arn"]})
        yield ctx.passed(resource, f"{ctx.region} is covered by organization trail {foreign[0]['name']} "
                         f"managed by account {owner}; its logging status can only be read there", observed)
    elif seen:
        names = ", ".join(sorted(t["name"] or "?" for t in seen))
        yield ctx.failed(resource, f"No trail is logging in {ctx.region}: {names} exist(s) but is stopped",
                         observed)
    else:
        yield ctx.failed(resource, f"No CloudTrail trail covers {ctx.region}", observed)


def is_logging(ctx: CheckContext, trail: dict[str, Any]) -> bool | None:
    """Whether the trail is logging; ``None`` for an organization trail managed by another account, whose
    status this account may not read. Read in the trail's home region, so a multi-region trail costs one
    call per scan whichever region asks."""
    where = trail.get("HomeRegion") or ctx.region
    status = ctx.call("cloudtrail", "GetTrailStatus", region=where, Name=trail["TrailARN"],
                      absent=_FOREIGN_TRAIL_CODES, required=("IsLogging",))
    if status is not None:
        return bool(status.get("IsLogging"))
    if owner_account(trail) != ctx.account:
        return None
    # An own trail that cannot be found is an error, never a stopped trail: asking again without
    # ``absent`` re-raises the cached error as NotAssessed.
    return bool(ctx.call("cloudtrail", "GetTrailStatus", region=where, Name=trail["TrailARN"]).get("IsLogging"))


@check(
    id="cloudtrail.log_file_validation",
    title="CloudTrail log file validation is on",
    service="cloudtrail",
    severity="medium",
    effort="low",
    description="""Each trail of the account has log file integrity validation turned on, so CloudTrail
        writes signed digest files and an investigator can prove the log files were not altered or
        deleted after delivery. Each trail is assessed once, in its home region (a trail homed in a
        region outside the scan is assessed with the first scanned region); organization trails managed
        by another account are assessed in that account.""",
    remediation="""cloudtrail update-trail --name TRAIL --enable-log-file-validation; verify digests with
        cloudtrail validate-logs during an investigation.""",
    reads=["cloudtrail:DescribeTrails"],
)
def log_file_validation(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per trail owned by this account and homed in (or assigned to) this region."""
    first = ctx.regions[0] if ctx.regions else ctx.region
    for trail in trails(ctx):
        home = trail.get("HomeRegion") or ctx.region
        mine = home == ctx.region or (home not in ctx.regions and ctx.region == first)
        if not mine or owner_account(trail) != ctx.account:
            continue
        name, arn = trail.get("Name"), trail["TrailARN"]
        observed = {"trail": name, "home_region": home, "multi_region": bool(trail.get("IsMultiRegionTrail")),
                    "log_file_validation": bool(trail.get("LogFileValidationEnabled")),
                    "s3_bucket": trail.get("S3BucketName")}
        if trail.get("LogFileValidationEnabled"):
            yield ctx.passed(arn, f"Trail {name} has log file validation on", observed)
        else:
            yield ctx.failed(arn, f"Trail {name} has log file validation off: its logs cannot be proven intact",
                             observed)
