"""TLS certificates do not lapse: ACM certificates in use are far from expiry or renew on their own."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from checks._dates import as_datetime, iso
from scanner.api import CheckContext, Finding, check


@check(
    id="acm.certificates_renewable",
    title="Certificates in use renew before they expire",
    service="acm",
    severity="high",
    effort="medium",
    description="""Every ACM certificate attached to a resource (InUse) either is AWS-issued and eligible for
        managed renewal, or expires more than `days` days from now. Imported certificates never renew in ACM,
        so they pass only while far from expiry; an expired certificate in use always fails. The list is one
        paginated read per region (ListCertificates returns expiry, type and renewal eligibility).""",
    remediation="""Replace imported certificates with ACM-issued ones where the domain allows DNS validation
        (which renews without anyone acting), keep the validation CNAME records in place, and alarm on the
        ACM DaysToExpiry metric for the certificates that must stay imported.""",
    reads=["acm:ListCertificates"],
    options={"days": 30},
)
def certificates_renewable(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per certificate in use."""
    days = int(ctx.option("days"))
    now = datetime.now(UTC)
    # Every key type, not only the RSA_2048 default filter of ListCertificates.
    listed = ctx.call("acm", "ListCertificates", Includes={"keyTypes": [
        "RSA_1024", "RSA_2048", "RSA_3072", "RSA_4096", "EC_prime256v1", "EC_secp384r1", "EC_secp521r1"]},
        required=("CertificateSummaryList",))["CertificateSummaryList"]
    for cert in listed:
        if not cert.get("InUse"):
            continue
        arn, domain = cert["CertificateArn"], cert.get("DomainName", cert["CertificateArn"])
        expires = as_datetime(cert.get("NotAfter"))
        left = (expires - now).days if expires else None
        kind, eligible = cert.get("Type"), cert.get("RenewalEligibility") == "ELIGIBLE"
        observed = {"domain": domain, "type": kind, "status": cert.get("Status"), "expires": iso(expires),
                    "days_left": left, "renewal_eligibility": cert.get("RenewalEligibility"), "days": days}
        if left is not None and left < 0:
            yield ctx.failed(arn, f"Certificate for {domain} expired {-left} day(s) ago and is still in use", observed)
        elif kind == "AMAZON_ISSUED" and eligible:
            yield ctx.passed(arn, f"Certificate for {domain} is ACM-issued and renews on its own", observed)
        elif left is not None and left > days:
            yield ctx.passed(arn, f"Certificate for {domain} ({kind}) expires in {left} days", observed)
        else:
            why = "imported, so ACM cannot renew it" if kind == "IMPORTED" else "not eligible for managed renewal"
            yield ctx.failed(arn, f"Certificate for {domain} expires in {left} days and is {why}", observed)
