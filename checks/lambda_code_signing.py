"""Lambda functions deploy only code signed by a trusted publisher (code signing configurations)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scanner.api import CheckContext, Finding, NotAssessed, check


def function_base_arn(arn: str) -> str:
    """A function ARN without its version or alias qualifier."""
    return ":".join(arn.split(":")[:7])


@check(
    id="lambda.code_signing_enforced",
    title="Lambda functions enforce code signing",
    service="lambda",
    severity="low",
    effort="medium",
    description="""Every Lambda function deployed as a .zip archive is attached to a code signing
        configuration whose policy for untrusted artifacts is Enforce, so Lambda refuses a package that was
        not signed by an allowed AWS Signer profile or was changed after signing. A configuration set to Warn
        logs the unsigned deployment and lets it run: it fails here. Container-image functions are left out
        (their images are verified in the registry, not by Lambda code signing). Configurations come from
        ListCodeSigningConfigs and their functions from ListFunctionsByCodeSigningConfig: one read per
        configuration, none per function.""",
    remediation="""Create an AWS Signer signing profile for the build pipeline, a code signing configuration
        that allows it with UntrustedArtifactOnDeployment=Enforce (aws lambda create-code-signing-config), and
        attach it to the function (aws lambda put-function-code-signing-config); sign packages in the
        pipeline with aws signer start-signing-job.""",
    reads=["lambda:ListFunctions", "lambda:ListCodeSigningConfigs", "lambda:ListFunctionsByCodeSigningConfig"],
)
def code_signing_enforced(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per .zip-packaged function."""
    functions = [fn for fn in ctx.call("lambda", "ListFunctions", required=("Functions",)).get("Functions", [])
                 if fn.get("PackageType", "Zip") == "Zip"]
    if not functions:
        return
    try:
        configs = ctx.call("lambda", "ListCodeSigningConfigs",
                           required=("CodeSigningConfigs",)).get("CodeSigningConfigs", [])

        def members(config: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
            arns = ctx.call("lambda", "ListFunctionsByCodeSigningConfig",
                            CodeSigningConfigArn=config["CodeSigningConfigArn"],
                            required=("FunctionArns",)).get("FunctionArns", [])
            return [(function_base_arn(arn), config) for arn in arns]

        attached = dict(pair for pairs in ctx.map(members, configs) for pair in pairs)
    except NotAssessed as exc:
        for fn in functions:
            yield ctx.not_assessed(fn["FunctionArn"], exc)
        return
    for fn in functions:
        arn, name = fn["FunctionArn"], fn["FunctionName"]
        config = attached.get(function_base_arn(arn))
        policy = ((config or {}).get("CodeSigningPolicies") or {}).get("UntrustedArtifactOnDeployment", "Warn")
        observed = {"function": name, "code_signing_config": (config or {}).get("CodeSigningConfigId"),
                    "untrusted_artifact_on_deployment": policy if config else None,
                    "signing_profiles": ((config or {}).get("AllowedPublishers") or {}).get(
                        "SigningProfileVersionArns", [])}
        if config is None:
            yield ctx.failed(arn, f"Function {name} has no code signing configuration: any package can be "
                             "deployed", observed)
        elif policy == "Enforce":
            yield ctx.passed(arn, f"Function {name} accepts only signed code (code signing configuration "
                             f"{config.get('CodeSigningConfigId')}, Enforce)", observed)
        else:
            yield ctx.failed(arn, f"Function {name}'s code signing configuration {config.get('CodeSigningConfigId')} "
                             "only warns: unsigned packages still deploy", observed)
