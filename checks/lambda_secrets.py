"""Lambda functions that seem to keep secrets in environment variables (judged by names, never values)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from scanner.api import CheckContext, Finding, check

SECRET_NAMES = (r"(?i)(secret|passw(or)?d|passwd|pwd|token|api_?key|private_?key|access_?key|credential"
                r"|conn(ection)?_?str(ing)?)")
# Names that point at a secret kept elsewhere (an ARN, a parameter name) rather than holding one.
REFERENCE_NAMES = r"(?i)(_arn|_name|_id|_path|_param|_parameter|_ssm|_ref|_region|_endpoint|_url|_file|_ttl)$"


@check(
    id="lambda.no_secrets_in_env",
    title="Lambda functions keep no secrets in environment variables",
    service="lambda",
    severity="high",
    effort="medium",
    description="""Lambda functions whose environment variable NAMES look like secrets (name_pattern: secret,
        password, token, api key, private or access key, credential, connection string), unless the name
        says it refers to a secret stored elsewhere (reference_pattern: ..._ARN, ..._NAME, ..._PARAMETER and
        the like). Anyone allowed lambda:GetFunctionConfiguration reads such values in clear text. Only
        variable names are recorded, never values.""",
    remediation="""Move the values to Secrets Manager or SSM Parameter Store (SecureString), give the
        function's role read access to that one secret, and pass only its ARN or name in the environment
        (or use the Parameters and Secrets Lambda extension); then rotate the exposed values.""",
    reads=["lambda:ListFunctions"],
    options={"name_pattern": SECRET_NAMES, "reference_pattern": REFERENCE_NAMES},
)
def no_secrets_in_env(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per function in the region."""
    secret_like = re.compile(str(ctx.option("name_pattern")))
    reference = re.compile(str(ctx.option("reference_pattern")))
    for function in ctx.call("lambda", "ListFunctions", required=("Functions",)).get("Functions", []):
        variables = (function.get("Environment") or {}).get("Variables") or {}
        names = sorted(variables)  # the values are never looked at beyond this point
        flagged = [n for n in names if secret_like.search(n) and not reference.search(n)]
        observed = {"function": function["FunctionName"], "variable_names": names, "secret_like_names": flagged,
                    "customer_kms_key": bool(function.get("KMSKeyArn"))}
        name = function["FunctionName"]
        if flagged:
            yield ctx.failed(function["FunctionArn"], f"Lambda function {name} has secret-like environment "
                                                      f"variables: {', '.join(flagged)}", observed)
        else:
            yield ctx.passed(function["FunctionArn"], f"Lambda function {name}: no secret-like environment "
                                                      f"variable among {len(names)}", observed)
