"""Nothing secret reaches evidence, reports or the history: secret values are seeded where a careless
scanner would pick them up, a full scan runs, and every output file and the database are searched."""

from __future__ import annotations

import io
import json
import zipfile

import boto3

from scanner.scan import ScanOptions, scan_account

CANARIES = {
    "lambda": "canary-lambda-env-7f3a9c",
    "userdata": "canary-user-data-41bd02",
    "secret": "canary-secret-value-9e21aa",
    "parameter": "canary-ssm-securestring-c0ffee",
    "plain_parameter": "canary-ssm-string-5d5d5d",
}


def _seed(aws: boto3.Session) -> None:
    iam = aws.client("iam")
    role = iam.create_role(RoleName="fn", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                                                "Action": "sts:AssumeRole"}]}))["Role"]["Arn"]
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as z:
        z.writestr("handler.py", "def handler(event, context):\n    return 1\n")
    aws.client("lambda").create_function(
        FunctionName="payments", Runtime="python3.12", Role=role, Handler="handler.handler",
        Code={"ZipFile": code.getvalue()},
        Environment={"Variables": {"DB_PASSWORD": CANARIES["lambda"], "API_TOKEN": CANARIES["lambda"]}})
    ec2 = aws.client("ec2")
    image = ec2.register_image(Name="img", RootDeviceName="/dev/xvda")["ImageId"]
    ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, UserData=f"#!/bin/sh\nexport K={CANARIES['userdata']}\n")
    aws.client("secretsmanager").create_secret(Name="db", SecretString=CANARIES["secret"])
    ssm = aws.client("ssm")
    ssm.put_parameter(Name="/app/key", Value=CANARIES["parameter"], Type="SecureString")
    ssm.put_parameter(Name="/app/plain", Value=CANARIES["plain_parameter"], Type="String")


def test_no_secret_value_reaches_any_output_or_the_history(aws, tmp_path):
    _seed(aws)
    out, db = tmp_path / "out", tmp_path / "history.db"
    opts = ScanOptions(regions=["us-east-1"], out=out, db=db, quiet=True, plugins=False,
                       formats=("json", "html", "md", "csv"))
    assert scan_account(boto3.Session(region_name="us-east-1"), opts) in (0, 3)
    doc = json.loads((out / "scan.json").read_text())
    assert any(f["check"] == "lambda.no_secrets_in_env" and f["status"] == "fail" for f in doc["findings"]), \
        "the secret-looking variable names should be reported (by name)"
    files = [p for p in [*out.iterdir(), *tmp_path.glob("history.db*")] if p.is_file()]
    assert {p.name for p in files} >= {"scan.json", "report.html", "report.md", "findings.csv", "history.db"}
    for path in files:
        blob = path.read_bytes()
        for where, canary in CANARIES.items():
            assert canary.encode() not in blob, f"{where} secret found in {path.name}"
