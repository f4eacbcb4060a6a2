"""acm.certificates_renewable (certificate summaries served: moto does not report expiry and renewal
eligibility) and the CodeBuild project checks (moto keeps projects)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.checks.answers import answering
from tests.helpers import assert_denied, by_resource, deny, statuses

CERT = "arn:aws:acm:us-east-1:123456789012:certificate/{}"


def test_certificates(aws, scan):
    now = datetime.now(UTC)
    seen = {}

    def certificates(params):
        seen.update(params)
        rows = [("managed", "AMAZON_ISSUED", "ELIGIBLE", 20, True),
                ("imported-soon", "IMPORTED", "INELIGIBLE", 10, True),
                ("imported-later", "IMPORTED", "INELIGIBLE", 200, True),
                ("expired", "AMAZON_ISSUED", "ELIGIBLE", -3, True),
                ("unused", "IMPORTED", "INELIGIBLE", 5, False)]
        return {"CertificateSummaryList": [
            {"CertificateArn": CERT.format(n), "DomainName": f"{n}.example.com", "Type": t, "RenewalEligibility": r,
             "NotAfter": now + timedelta(days=d, hours=1), "InUse": used, "Status": "ISSUED"}
            for n, t, r, d, used in rows]}

    result = scan(["acm.certificates_renewable"], prepare=answering(("acm", "ListCertificates", certificates)))

    assert statuses(result) == {CERT.format("managed"): "pass", CERT.format("imported-soon"): "fail",
                                CERT.format("imported-later"): "pass", CERT.format("expired"): "fail"}
    assert "imported" in by_resource(result, "imported-soon").message
    assert "EC_prime256v1" in seen["Includes"]["keyTypes"]


def test_certificates_denied(aws, scan):
    result = scan(["acm.certificates_renewable"], prepare=deny("acm", "list_certificates"))
    assert_denied(result, "acm:ListCertificates")


def _project(aws, name, variables, privileged=False):
    role = "arn:aws:iam::123456789012:role/codebuild"
    aws.client("codebuild", region_name="us-east-1").create_project(
        name=name, source={"type": "S3", "location": "builds/source.zip"}, artifacts={"type": "NO_ARTIFACTS"},
        serviceRole=role, environment={"type": "LINUX_CONTAINER", "image": "aws/codebuild/standard:7.0",
                                       "computeType": "BUILD_GENERAL1_SMALL", "privilegedMode": privileged,
                                       "environmentVariables": variables})


def test_codebuild_secrets_and_privileged_mode(aws, scan):
    _project(aws, "leaky", [{"name": "DB_PASSWORD", "value": "canary-value-never-reported", "type": "PLAINTEXT"},
                            {"name": "STAGE", "value": "prod", "type": "PLAINTEXT"}], privileged=True)
    _project(aws, "tidy", [{"name": "API_TOKEN", "value": "prod/api-token", "type": "SECRETS_MANAGER"}])

    result = scan(["codebuild.no_plaintext_secrets", "codebuild.privileged_mode_off"])

    secrets = {f.resource.rsplit("/", 1)[-1]: f.status.value for f in result.findings
               if f.check == "codebuild.no_plaintext_secrets"}
    privileged = {f.resource.rsplit("/", 1)[-1]: f.status.value for f in result.findings
                  if f.check == "codebuild.privileged_mode_off"}
    assert secrets == {"leaky": "fail", "tidy": "pass"}
    assert privileged == {"leaky": "fail", "tidy": "pass"}
    leaky = by_resource(result, "project/leaky", check="codebuild.no_plaintext_secrets")
    assert leaky.evidence.observed["plaintext_secret_names"] == ["DB_PASSWORD"]
    assert "canary-value-never-reported" not in repr([f.evidence for f in result.findings] +
                                                     [f.message for f in result.findings])


def test_codebuild_denied(aws, scan):
    result = scan(["codebuild.no_plaintext_secrets", "codebuild.privileged_mode_off"],
                  prepare=deny("codebuild", "list_projects"))
    assert_denied(result, "codebuild:ListProjects")
