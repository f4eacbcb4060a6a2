"""Demo resources for the identity and permission checks: the root user, people and their passwords,
administrator grants, roles, Access Analyzer, an organization with SCPs, secrets and Lambda environments."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import UTC, datetime
from typing import Any

from scanner.demo import DemoAccount

ROOT_ROW = {"password_last_used_days": 150, "key_created_days": 900}


def seed(demo: DemoAccount) -> None:
    """Sound habits with typical gaps: MFA on root but an old root key, people as IAM users, stale roles."""
    _root(demo)
    _people(demo)
    _roles(demo)
    _access_analyzer(demo)
    _organization(demo)
    _secrets(demo)
    _functions(demo)


def _trust(principal: dict[str, str]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}]})


def _stamp(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def _root(demo: DemoAccount) -> None:
    """moto hard-codes the root flags to 0 and leaves the root row out of the credential report."""
    summary = demo.iam_backend().account_summary
    summary._account_mfa_enabled = 1
    summary._account_access_keys_present = 1
    iam = demo.client("iam")
    root = {
        "user": "<root_account>", "arn": f"arn:aws:iam::{demo.account}:root",
        "user_creation_time": _stamp(demo.days_ago(1500)), "password_enabled": "not_supported",
        "password_last_used": _stamp(demo.days_ago(ROOT_ROW["password_last_used_days"])),
        "password_last_changed": "not_supported", "password_next_rotation": "not_supported", "mfa_active": "true",
        "access_key_1_active": "true", "access_key_1_last_rotated": _stamp(demo.days_ago(ROOT_ROW["key_created_days"])),
        "access_key_1_last_used_date": "N/A", "access_key_1_last_used_region": "N/A",
        "access_key_1_last_used_service": "N/A", "access_key_2_active": "false",
    }

    def credential_report(params: dict[str, Any], region: str) -> dict[str, Any]:
        # moto's own report (the users as seeded), with the root row real AWS puts first.
        while iam.generate_credential_report()["State"] != "COMPLETE":
            pass
        content = iam.get_credential_report()["Content"].decode()
        rows = list(csv.DictReader(io.StringIO(content)))
        header = content.splitlines()[0].split(",")
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n", restval="N/A", extrasaction="ignore")
        writer.writeheader()
        writer.writerows([root, *rows])
        return {"Content": out.getvalue().encode(), "ReportFormat": "text/csv", "GeneratedTime": datetime.now(UTC)}

    demo.fill_in("iam", "GetCredentialReport", credential_report)


def _people(demo: DemoAccount) -> None:
    iam = demo.client("iam")
    backend = demo.iam_backend()
    iam.update_account_password_policy(MinimumPasswordLength=8, RequireNumbers=True)
    iam.create_saml_provider(Name="corp-idp", SAMLMetadataDocument="<EntityDescriptor>" + "x" * 1000)
    for name, mfa, created, used in (("carol", True, 700, 2), ("dave", False, 400, 120)):
        iam.create_user(UserName=name)
        iam.create_login_profile(UserName=name, Password="Demo-Passw0rd!x")
        backend.users[name].create_date = demo.days_ago(created)
        backend.users[name].password_last_used = demo.days_ago(used)
        if mfa:
            serial = iam.create_virtual_mfa_device(VirtualMFADeviceName=name)["VirtualMFADevice"]["SerialNumber"]
            iam.enable_mfa_device(UserName=name, SerialNumber=serial, AuthenticationCode1="123456",
                                  AuthenticationCode2="654321")
    admin = iam.create_policy(PolicyName="FullAdmin", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
    iam.create_group(GroupName="admins")
    iam.attach_group_policy(GroupName="admins", PolicyArn=admin["Policy"]["Arn"])
    iam.add_user_to_group(GroupName="admins", UserName="carol")
    demo.state["webhook_policy"] = iam.create_policy(PolicyName="payments-webhook-access", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
             "Resource": f"arn:aws:secretsmanager:us-east-1:{demo.account}:secret:payments/*"}]}))["Policy"]["Arn"]


def _roles(demo: DemoAccount) -> None:
    iam = demo.client("iam")
    backend = demo.iam_backend()
    iam.create_role(RoleName="legacy-reporting", AssumeRolePolicyDocument=_trust({"Service": "ec2.amazonaws.com"}))
    role = next(r for r in backend.roles.values() if r.name == "legacy-reporting")
    role.create_date = demo.days_ago(400)
    role.last_used = demo.days_ago(100)
    demo.state["function_role"] = iam.create_role(
        RoleName="payments-webhook-fn", AssumeRolePolicyDocument=_trust({"Service": "lambda.amazonaws.com"}),
    )["Role"]["Arn"]
    iam.attach_role_policy(RoleName="payments-webhook-fn", PolicyArn=demo.state["webhook_policy"])
    iam.put_role_policy(RoleName="payments-webhook-fn", PolicyName="logs", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["logs:CreateLogStream",
                                                                            "logs:PutLogEvents"], "Resource": "*"}]}))


def _access_analyzer(demo: DemoAccount) -> None:
    """moto has no Access Analyzer: us-east-1 has an account analyzer, eu-west-1 none."""
    analyzer = {"arn": f"arn:aws:access-analyzer:us-east-1:{demo.account}:analyzer/account-external-access",
                "name": "account-external-access", "type": "ACCOUNT", "status": "ACTIVE",
                "createdAt": demo.days_ago(300)}

    def list_analyzers(params: dict[str, Any], region: str) -> dict[str, Any]:
        return {"analyzers": [analyzer] if region == "us-east-1" else []}

    demo.fill_in("accessanalyzer", "ListAnalyzers", list_analyzers)


def _organization(demo: DemoAccount) -> None:
    """The demo account manages a small organization: production under a guardrail SCP, a sandbox not."""
    org = demo.client("organizations")
    try:
        org.describe_organization()
        return  # another seed module made the organization; leave its shape alone
    except org.exceptions.AWSOrganizationsNotInUseException:
        pass
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    org.enable_policy_type(RootId=root, PolicyType="SERVICE_CONTROL_POLICY")
    workloads = org.create_organizational_unit(ParentId=root, Name="workloads")["OrganizationalUnit"]["Id"]
    for name, parent in (("payments-prod", workloads), ("sandbox", root)):
        account = org.create_account(Email=f"{name}@example.com", AccountName=name)["CreateAccountStatus"]["AccountId"]
        if parent != root:
            org.move_account(AccountId=account, SourceParentId=root, DestinationParentId=parent)
    policy = org.create_policy(Name="baseline-guardrails", Description="deny leaving and disabling security",
                               Type="SERVICE_CONTROL_POLICY", Content=json.dumps({
                                   "Version": "2012-10-17", "Statement": [{
                                       "Effect": "Deny", "Resource": "*",
                                       "Action": ["organizations:LeaveOrganization", "cloudtrail:StopLogging",
                                                  "guardduty:DeleteDetector"]}]}))
    org.attach_policy(PolicyId=policy["Policy"]["PolicySummary"]["Id"], TargetId=workloads)


def _secrets(demo: DemoAccount) -> None:
    east = demo.client("secretsmanager", "us-east-1")
    # Placeholder values: the scan never reads them (GetSecretValue is refused by the guard).
    east.create_secret(Name="payments/db-credentials", SecretString="demo-placeholder")
    east.rotate_secret(SecretId="payments/db-credentials", RotationRules={"AutomaticallyAfterDays": 30})
    east.create_secret(Name="payments/card-processor-api-key", SecretString="demo-placeholder")
    demo.client("secretsmanager", "eu-west-1").create_secret(Name="legacy/ftp-password",
                                                             SecretString="demo-placeholder")


def _functions(demo: DemoAccount) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("index.py", "def handler(event, context):\n    return {'ok': True}\n")
    for region, name, env in (
        ("us-east-1", "payments-webhook", {"DB_SECRET_ARN": f"arn:aws:secretsmanager:us-east-1:{demo.account}:"
                                                            "secret:payments/db-credentials", "LOG_LEVEL": "info"}),
        ("eu-west-1", "legacy-export", {"FTP_PASSWORD": "demo-placeholder", "PARTNER_API_TOKEN": "demo-placeholder",
                                        "EXPORT_BUCKET": "demo-partner-exchange"}),
    ):
        demo.client("lambda", region).create_function(
            FunctionName=name, Runtime="python3.12", Role=demo.state["function_role"], Handler="index.handler",
            Code={"ZipFile": buf.getvalue()}, Environment={"Variables": env}, Timeout=10,
            TracingConfig={"Mode": "Active" if region == "us-east-1" else "PassThrough"},
        )
