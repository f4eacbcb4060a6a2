"""lambda.code_signing_enforced: moto functions; the code signing listings, which moto lacks, answered here."""

from __future__ import annotations

import io
import zipfile

from tests.checks.answers import answering
from tests.conftest import ACCOUNT
from tests.helpers import assert_denied, by_resource, deny

CHECK = "lambda.code_signing_enforced"
ENFORCE = f"arn:aws:lambda:us-east-1:{ACCOUNT}:code-signing-config:csc-enforce"
WARN = f"arn:aws:lambda:us-east-1:{ACCOUNT}:code-signing-config:csc-warn"
PROFILE = f"arn:aws:signer:us-east-1:{ACCOUNT}:/signing-profiles/pipeline/abc123"


def _functions(aws, *names: str) -> dict[str, str]:
    role = aws.client("iam").create_role(RoleName="fn", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("handler.py", "def handler(event, context):\n    return 1\n")
    lam = aws.client("lambda", region_name="us-east-1")
    return {name: lam.create_function(FunctionName=name, Runtime="python3.12", Role=role, Handler="handler.handler",
                                      Code={"ZipFile": buf.getvalue()})["FunctionArn"] for name in names}


def _config(arn: str, policy: str) -> dict:
    return {"CodeSigningConfigId": arn.rsplit(":", 1)[1], "CodeSigningConfigArn": arn,
            "AllowedPublishers": {"SigningProfileVersionArns": [PROFILE]},
            "CodeSigningPolicies": {"UntrustedArtifactOnDeployment": policy}, "LastModified": "2026-11-01T00:00:00Z"}


def test_enforced_warned_and_unsigned_functions(aws, scan):
    arns = _functions(aws, "signed", "warned", "unsigned")
    members = {ENFORCE: [arns["signed"] + ":$LATEST"], WARN: [arns["warned"]]}
    asked: list[str] = []

    def by_config(params: dict) -> dict:
        asked.append(params["CodeSigningConfigArn"])
        return {"FunctionArns": members[params["CodeSigningConfigArn"]]}

    result = scan([CHECK], prepare=answering(
        ("lambda", "ListCodeSigningConfigs",
         lambda _: {"CodeSigningConfigs": [_config(ENFORCE, "Enforce"), _config(WARN, "Warn")]}),
        ("lambda", "ListFunctionsByCodeSigningConfig", by_config)))

    signed = by_resource(result, "function:signed")
    assert signed.status == "pass" and signed.evidence.observed["signing_profiles"] == [PROFILE]
    warned = by_resource(result, "function:warned")
    assert warned.status == "fail" and "only warns" in warned.message
    unsigned = by_resource(result, "function:unsigned")
    assert unsigned.status == "fail" and unsigned.evidence.observed["code_signing_config"] is None
    assert sorted(asked) == sorted(members)


def test_no_configuration_at_all_fails_every_function(aws, scan):
    _functions(aws, "lonely")
    none = answering(("lambda", "ListCodeSigningConfigs", lambda _: {"CodeSigningConfigs": []}))
    result = scan([CHECK], prepare=none)
    assert by_resource(result, "function:lonely").status == "fail"


def test_denied_configuration_listing_is_not_assessed(aws, scan):
    _functions(aws, "a", "b")
    listing = aws.client("lambda", region_name="us-east-1").list_functions()
    listing.pop("ResponseMetadata")
    result = scan([CHECK], prepare=deny("lambda", "list_code_signing_configs", before=[("list_functions", listing)]))
    assert len(result.findings) == 2
    assert_denied(result, "lambda:ListCodeSigningConfigs")
