"""servicequotas.automatic_management, .template_for_new_accounts and .increase_requests_made: moto lacks
these reads, so the scan's client answers from the caller's parameters (tests.checks.answers)."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.checks.answers import Refuse, answering
from tests.helpers import assert_denied

AUTO, TEMPLATE, HISTORY = ("servicequotas.automatic_management", "servicequotas.template_for_new_accounts",
                           "servicequotas.increase_requests_made")


def _refuse(code: str):
    def answer(params):
        raise Refuse(code)
    return answer


def test_automatic_management_enabled_disabled_and_never_started(aws, scan):
    for answer, status in (
            (lambda p: {"OptInLevel": "ACCOUNT", "OptInType": "NotifyOnly", "OptInStatus": "ENABLED"}, "pass"),
            (lambda p: {"OptInLevel": "ACCOUNT", "OptInType": "NotifyOnly", "OptInStatus": "DISABLED"}, "fail"),
            (_refuse("NoSuchResourceException"), "fail")):
        [finding] = scan([AUTO], prepare=answering(("service-quotas", "GetAutoManagementConfiguration", answer))
                         ).findings
        assert finding.status == status, finding.message
    assert "never started" in finding.message


def test_automatic_management_denied(aws, scan):
    result = scan([AUTO], prepare=answering(("service-quotas", "GetAutoManagementConfiguration",
                                             _refuse("AccessDeniedException"))))
    assert_denied(result, "servicequotas:GetAutoManagementConfiguration")


def _template(status: str | None, requests: list[dict] | None = None, error: str | None = None):
    association = _refuse(error) if error else (lambda p: {"ServiceQuotaTemplateAssociationStatus": status})
    return answering(
        ("service-quotas", "GetAssociationForServiceQuotaTemplate", association),
        ("service-quotas", "ListServiceQuotaIncreaseRequestsInTemplate",
         lambda p: {"ServiceQuotaIncreaseRequestInTemplateList": requests or []}))


def test_template_associated_empty_off_and_outside_an_organization(aws, scan):
    vcpus = [{"ServiceCode": "ec2", "QuotaCode": "L-1216C47A", "QuotaName": "Running On-Demand instances",
              "DesiredValue": 256.0, "AwsRegion": region} for region in ("us-east-1", "eu-west-1")]
    [ok] = scan([TEMPLATE], prepare=_template("ASSOCIATED", vcpus)).findings
    assert ok.status == "pass" and ok.evidence.observed["regions"] == ["eu-west-1", "us-east-1"]
    [empty] = scan([TEMPLATE], prepare=_template("ASSOCIATED")).findings
    assert empty.status == "fail" and "holds no quota increase" in empty.message
    [off] = scan([TEMPLATE], prepare=_template(None, error="ServiceQuotaTemplateNotInUseException")).findings
    assert off.status == "fail"
    [alone] = scan([TEMPLATE], prepare=_template(None, error="NoAvailableOrganizationException")).findings
    assert alone.status == "not_assessed" and alone.reason == "not_enabled"


def test_template_denied(aws, scan):
    result = scan([TEMPLATE], prepare=_template(None, error="AccessDeniedException"))
    assert_denied(result, "servicequotas:GetAssociationForServiceQuotaTemplate")


def test_request_history_with_and_without_requests(aws, scan):
    requests = [{"Id": "r1", "ServiceCode": "lambda", "QuotaCode": "L-B99A9384", "QuotaName": "Concurrent executions",
                 "Status": "DENIED", "DesiredValue": 5000.0, "Created": datetime(2026, 11, 1, tzinfo=UTC)},
                {"Id": "r2", "ServiceCode": "ec2", "QuotaCode": "L-1216C47A", "Status": "APPROVED",
                 "DesiredValue": 256.0}]
    [made] = scan([HISTORY], prepare=answering(("service-quotas", "ListRequestedServiceQuotaChangeHistory",
                                                lambda p: {"RequestedQuotas": requests}))).findings
    assert made.status == "pass" and "1 APPROVED, 1 DENIED" in made.message
    assert made.evidence.observed["open_or_denied"] == ["lambda/Concurrent executions: DENIED"]
    [none] = scan([HISTORY], prepare=answering(("service-quotas", "ListRequestedServiceQuotaChangeHistory",
                                                lambda p: {"RequestedQuotas": []}))).findings
    assert none.status == "fail"


def test_damaged_history_is_not_a_fail(aws, scan):
    # An answer without its RequestedQuotas member proves nothing: not assessed, never "no request".
    [finding] = scan([HISTORY], prepare=answering(("service-quotas", "ListRequestedServiceQuotaChangeHistory",
                                                   lambda p: {}))).findings
    assert finding.status == "not_assessed"


def test_request_history_denied(aws, scan):
    result = scan([HISTORY], prepare=answering(("service-quotas", "ListRequestedServiceQuotaChangeHistory",
                                                _refuse("AccessDeniedException"))))
    assert_denied(result, "servicequotas:ListRequestedServiceQuotaChangeHistory")
