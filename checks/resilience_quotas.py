"""Quota management beyond one account's usage: automatic management, the organization's quota request
template, and the history of quota increase requests."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from scanner.api import CheckContext, Finding, NotAssessed, Reason, check

NOT_OPTED_IN = "NoSuchResourceException"
NO_ORGANIZATION = "NoAvailableOrganizationException"
# The template needs trusted access for Service Quotas in the organization, and an association.
TEMPLATE_OFF = ("AWSServiceAccessNotEnabledException", "ServiceQuotaTemplateNotInUseException")
TEMPLATE_REGION = "us-east-1"  # the quota request template is kept in US East (N. Virginia) only


@check(
    id="servicequotas.automatic_management",
    title="Service Quotas Automatic Management watches quota usage",
    service="service-quotas",
    severity="low",
    effort="low",
    description="""Service Quotas Automatic Management is started in the region (OptInStatus ENABLED), so AWS
        tracks usage of the quotas that publish usage metrics and notifies the team at 80% and 95% of a quota,
        in NotifyOnly or NotifyAndAdjust mode (the latter requests increases itself). Quota automation built
        elsewhere (the Quota Monitor solution, own alarms on AWS/Usage metrics) is judged by
        servicequotas.usage_alarmed, not here.""",
    remediation="""Start Automatic Management (service-quotas start-auto-management --opt-in-level ACCOUNT
        --opt-in-type NotifyOnly) with a User Notifications configuration, or alarm on the AWS/Usage metrics of
        the quotas the workload relies on.""",
    reads=["service-quotas:GetAutoManagementConfiguration"],
)
def automatic_management(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per region."""
    config = ctx.call("service-quotas", "GetAutoManagementConfiguration", absent=(NOT_OPTED_IN,))
    resource = ctx.account_resource()
    if config is None:
        yield ctx.failed(resource, f"Service Quotas Automatic Management was never started in {ctx.region}",
                         {"opt_in_status": None})
        return
    observed = {"opt_in_status": config.get("OptInStatus"), "opt_in_type": config.get("OptInType"),
                "notifications": bool(config.get("NotificationArn")),
                "excluded_services": sorted((config.get("ExclusionList") or {}).keys())}
    if config.get("OptInStatus") == "ENABLED":
        yield ctx.passed(resource, f"Service Quotas Automatic Management ({config.get('OptInType')}) watches quota "
                         f"usage in {ctx.region}", observed)
    else:
        yield ctx.failed(resource, f"Service Quotas Automatic Management is {config.get('OptInStatus')} in "
                         f"{ctx.region}", observed)


@check(
    id="servicequotas.template_for_new_accounts",
    title="New accounts of the organization get the quotas the workloads need",
    service="service-quotas",
    scope="global",
    severity="low",
    effort="low",
    description="""The organization's Service Quotas request template is associated and holds at least one
        quota increase, so every account created in the organization asks for those quotas in the template's
        Regions from its first day. Readable only from the management account (or a delegated administrator);
        an account outside any organization is not assessed.""",
    remediation="""From the management account, enable trusted access for Service Quotas, add the quotas each
        workload account needs in each Region (service-quotas put-service-quota-increase-request-into-template)
        and associate the template (service-quotas associate-service-quota-template).""",
    reads=["service-quotas:GetAssociationForServiceQuotaTemplate",
           "service-quotas:ListServiceQuotaIncreaseRequestsInTemplate"],
)
def template_for_new_accounts(ctx: CheckContext) -> Iterator[Finding]:
    """One account-level finding."""
    resource = ctx.account_resource()
    region = TEMPLATE_REGION if ctx.partition == "aws" else ctx.api_region
    try:
        status = ctx.call("service-quotas", "GetAssociationForServiceQuotaTemplate", region=region).get(
            "ServiceQuotaTemplateAssociationStatus")
        requests = ctx.call("service-quotas", "ListServiceQuotaIncreaseRequestsInTemplate", region=region,
                            required=("ServiceQuotaIncreaseRequestInTemplateList",)).get(
            "ServiceQuotaIncreaseRequestInTemplateList", [])
    except NotAssessed as exc:
        if exc.code == NO_ORGANIZATION:
            yield ctx.not_assessed(resource, NotAssessed(
                Reason.NOT_ENABLED, "the account is not in an organization, so no quota request template applies",
                code=exc.code, operation=exc.operation))
        elif exc.code in TEMPLATE_OFF:
            yield ctx.failed(resource, "The organization's Service Quotas request template is not in use "
                             f"({exc.code})", {"association": None, "error_code": exc.code})
        else:
            yield ctx.not_assessed(resource, exc)
        return
    regions = sorted({r.get("AwsRegion", "") for r in requests} - {""})
    observed = {"association": status, "requests": len(requests), "regions": regions,
                "quotas": sorted({f"{r.get('ServiceCode')}/{r.get('QuotaName') or r.get('QuotaCode')}"
                                  for r in requests})[:20]}
    if status == "ASSOCIATED" and requests:
        yield ctx.passed(resource, f"The quota request template asks new accounts for {len(requests)} quota "
                         f"increase(s) in {len(regions)} Region(s)", observed)
    elif status == "ASSOCIATED":
        yield ctx.failed(resource, "The quota request template is associated but holds no quota increase", observed)
    else:
        yield ctx.failed(resource, f"The quota request template is {status or 'not associated'}", observed)


@check(
    id="servicequotas.increase_requests_made",
    title="Quota increases are requested through Service Quotas",
    service="service-quotas",
    severity="info",
    effort="low",
    description="""The region's quota increase request history (ListRequestedServiceQuotaChangeHistory) shows
        requests, so the team knows which quotas the workload outgrows and raises them ahead of need; denied
        or still-open requests are listed. A region without any request is reported for the team to confirm:
        the default quotas may be enough, or increases may go through support cases instead.""",
    remediation="""Review the quotas the workload uses against its peak and failover needs (Service Quotas
        console, Trusted Advisor service limits) and request increases in every Region it runs or fails over to.""",
    reads=["service-quotas:ListRequestedServiceQuotaChangeHistory"],
)
def increase_requests_made(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per region."""
    requests = ctx.call("service-quotas", "ListRequestedServiceQuotaChangeHistory",
                        required=("RequestedQuotas",)).get("RequestedQuotas", [])
    statuses = Counter(r.get("Status", "") for r in requests)
    observed = {"requests": len(requests), "statuses": dict(statuses),
                "open_or_denied": sorted({f"{r.get('ServiceCode')}/{r.get('QuotaName') or r.get('QuotaCode')}: "
                                          f"{r.get('Status')}" for r in requests
                                          if r.get("Status") in ("PENDING", "CASE_OPENED", "DENIED")})[:20]}
    resource = ctx.account_resource()
    if requests:
        yield ctx.passed(resource, f"{len(requests)} quota increase request(s) were made in {ctx.region} "
                         f"({', '.join(f'{n} {s}' for s, n in sorted(statuses.items()))})", observed)
    else:
        yield ctx.failed(resource, f"No quota increase has been requested through Service Quotas in {ctx.region}",
                         observed)
