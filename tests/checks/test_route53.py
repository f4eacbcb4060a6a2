"""route53.health_checks_exist: moto emulates health checks, hosted zones and record sets."""

from __future__ import annotations

from botocore.stub import Stubber

from tests.helpers import by_resource

CHECK = "route53.health_checks_exist"


def _zone(r53, name: str, records: list[dict]) -> str:
    zone = r53.create_hosted_zone(Name=name, CallerReference=name)["HostedZone"]["Id"].rsplit("/", 1)[-1]
    if records:
        r53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch={"Changes": [
            {"Action": "CREATE", "ResourceRecordSet": r} for r in records]})
    return zone


def test_health_checked_zone_passes_plain_zone_fails(aws, scan):
    r53 = aws.client("route53")
    check_id = r53.create_health_check(CallerReference="api", HealthCheckConfig={
        "Type": "HTTPS", "FullyQualifiedDomainName": "api.example.com", "Port": 443,
        "ResourcePath": "/health"})["HealthCheck"]["Id"]
    failover = _zone(r53, "example.com", [
        {"Name": "api.example.com", "Type": "A", "SetIdentifier": "primary", "Failover": "PRIMARY",
         "TTL": 60, "HealthCheckId": check_id, "ResourceRecords": [{"Value": "192.0.2.10"}]},
        {"Name": "api.example.com", "Type": "A", "SetIdentifier": "secondary", "Failover": "SECONDARY",
         "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.20"}]}])
    plain = _zone(r53, "example.net", [{"Name": "www.example.net", "Type": "A", "TTL": 300,
                                        "ResourceRecords": [{"Value": "192.0.2.30"}]}])
    empty = _zone(r53, "example.org", [])

    result = scan([CHECK])

    account = by_resource(result, "route53::123456789012:account")
    assert account.status == "pass" and account.evidence.observed["enabled"] == 1
    good = by_resource(result, f"hostedzone/{failover}")
    assert good.status == "pass" and good.evidence.observed["health_aware_records"] == ["api.example.com."]
    bad = by_resource(result, f"hostedzone/{plain}")
    assert bad.status == "fail" and bad.evidence.observed["routing_records"] == 1
    assert not [f for f in result.findings if empty in f.resource]
    assert {f.region for f in result.findings} == {"global"}


def test_no_health_check_fails(aws, scan):
    result = scan([CHECK])

    [finding] = result.findings
    assert finding.status == "fail" and finding.message == "The account has no Route 53 health check"


def test_denied_records_are_not_assessed(aws, scan):
    def prepare(target):
        stub = Stubber(target.collector.client("route53", "us-east-1"))
        stub.add_response("list_health_checks", {"HealthChecks": [], "Marker": "", "IsTruncated": False,
                                                 "MaxItems": "100"})
        stub.add_response("list_hosted_zones", {"HostedZones": [
            {"Id": "/hostedzone/Z1", "Name": "example.com.", "CallerReference": "x"}],
            "Marker": "", "IsTruncated": False, "MaxItems": "100"})
        stub.add_client_error("list_resource_record_sets", "AccessDenied", "denied", 403,
                              expected_params={"HostedZoneId": "Z1"})
        stub.activate()

    result = scan([CHECK], prepare=prepare)

    zone = by_resource(result, "hostedzone/Z1")
    assert zone.status == "not_assessed" and zone.missing_permission == "route53:ListResourceRecordSets"
