"""Many accounts: Organizations listing, assumed roles, failures per account, workloads, Dask."""

from __future__ import annotations

import json

import boto3
import botocore.handlers
import pytest

from scanner.accounts.fanout import merge_workload
from scanner.cli import main
from scanner.scan import ScanOptions

CALLER = "123456789012"


def _in_account(account: str) -> boto3.Session:
    creds = boto3.client("sts").assume_role(RoleArn=f"arn:aws:iam::{account}:role/Seed",
                                            RoleSessionName="seeding")["Credentials"]
    return boto3.Session(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                         aws_session_token=creds["SessionToken"], region_name="us-east-1")


@pytest.fixture
def org(aws):
    """An organization with prod (GuardDuty on), staging (off) and a suspended account."""
    client = aws.client("organizations")
    client.create_organization(FeatureSet="ALL")
    ids = {}
    for name in ("prod", "staging", "old"):
        ids[name] = client.create_account(Email=f"{name}@example.com", AccountName=name)["CreateAccountStatus"][
            "AccountId"]
    client.close_account(AccountId=ids["old"])
    _in_account(ids["prod"]).client("guardduty").create_detector(Enable=True)
    return ids


def _deny_assume_role_into(monkeypatch, account: str) -> None:
    def deny(params, **_):
        if f":{account}:" in params.get("body", {}).get("RoleArn", ""):
            from botocore.awsrequest import AWSResponse

            return AWSResponse("https://sts.invalid", 403, {}, None), {
                "Error": {"Code": "AccessDenied", "Message": "not authorized to perform sts:AssumeRole"},
                "ResponseMetadata": {"HTTPStatusCode": 403}}
        return None

    monkeypatch.setattr(botocore.handlers, "BUILTIN_HANDLERS",
                        [*botocore.handlers.BUILTIN_HANDLERS, ("before-call.sts.AssumeRole", deny)])


def _scan(tmp_path, *args: str) -> int:
    return main(["--region", "us-east-1", "--checks", "guardduty.enabled", "--out", str(tmp_path / "org"), "-q",
                 "--no-history", *args])


def test_org_scan_covers_active_accounts_and_lists_suspended(org, tmp_path):
    assert _scan(tmp_path, "--org", "--role-name", "WaScanReadOnly") == 0
    root = tmp_path / "org"
    summary = json.loads((root / "org.json").read_text())
    scanned = {a["account"] for a in summary["accounts"]}
    assert scanned == {CALLER, org["prod"], org["staging"]}
    assert [s["id"] for s in summary["skipped"]] == [org["old"]]
    prod = json.loads((root / org["prod"] / "scan.json").read_text())
    assert prod["account"] == org["prod"]
    assert [f["status"] for f in prod["findings"]] == ["pass"]
    staging = json.loads((root / org["staging"] / "scan.json").read_text())
    assert [f["status"] for f in staging["findings"]] == ["fail"]
    failing = {c["check"]: c for c in summary["checks_failing_in_most"]}
    assert failing["guardduty.enabled"]["accounts_failing"] == 2
    assert "org-report.html" in {p.name for p in root.iterdir()}


def test_assume_role_denied_is_not_assessed_and_others_go_on(org, tmp_path, monkeypatch, capsys):
    _deny_assume_role_into(monkeypatch, org["staging"])
    code = _scan(tmp_path, "--accounts", f"{org['prod']},{org['staging']}", "--role-name", "WaScanReadOnly")
    assert code == 3
    summary = json.loads((tmp_path / "org" / "org.json").read_text())
    assert [a["account"] for a in summary["accounts"]] == [org["prod"]]
    (missing,) = summary["not_scanned"]
    assert missing["account"] == org["staging"] and "AssumeRole denied" in missing["reason"]
    html = (tmp_path / "org" / "org-report.html").read_text()
    assert org["staging"] in html and "AssumeRole denied" in html


def test_accounts_file_with_comments_and_workload_union(org, tmp_path):
    listing = tmp_path / "accounts.txt"
    listing.write_text(f"# payments workload\n{org['prod']}  # prod\n\n{org['staging']}\n")
    assert _scan(tmp_path, "--accounts-file", str(listing), "--role-name", "R", "--workload", "payments") == 0
    merged = json.loads((tmp_path / "org" / "workload-payments" / "scan.json").read_text())
    assert merged["workload"] == "payments" and set(merged["accounts"]) == {org["prod"], org["staging"]}
    assert {f["account"] for f in merged["findings"]} == {org["prod"], org["staging"]}


def test_bad_accounts_file_names_the_line(tmp_path, capsys):
    listing = tmp_path / "accounts.txt"
    listing.write_text("111111111111\nnot-an-account\n")
    assert main(["--accounts-file", str(listing), "--role-name", "R", "--out", str(tmp_path / "o")]) == 2
    assert f"{listing}:2: 'not-an-account'" in capsys.readouterr().err


def test_other_accounts_need_a_role(org, tmp_path, capsys):
    assert _scan(tmp_path, "--accounts", org["prod"]) == 2
    assert "--role-name" in capsys.readouterr().err


def _doc(account: str, status: str) -> dict:
    finding = {"id": f"f-{account}", "check": "iam.root_mfa_enabled", "status": status, "severity": "critical",
               "account": account, "region": "global", "resource": f"arn:aws:iam::{account}:root",
               "message": "m", "evidence": {"observed": {}, "source": ["iam:GetAccountSummary"],
                                            "collected_at": "2026-01-01T00:00:00Z"}}
    return {"tool": {"name": "wa-scan", "version": "t"}, "account": account, "caller_arn": "arn",
            "regions": ["us-east-1"],
            "started_at": "a", "finished_at": "b", "complete": True, "partial": False,
            "api_calls": {"total": 1, "by_operation": {"iam:GetAccountSummary": 1}},
            "checks": [{"id": "iam.root_mfa_enabled", "title": "t", "service": "iam", "severity": "critical",
                        "scope": "global", "counts": {"pass": int(status == "pass"), "fail": int(status == "fail"),
                                                        "not_assessed": 0}}],
            "findings": [finding]}


def _choice(doc: dict, choice: str) -> dict:
    return next(c for s in doc["suggestions"] for c in s["choices"] if c["choice"] == choice)


def test_workload_union_rule():
    choice = "sec_securely_operate_aws_account"
    both_pass = merge_workload("w", [_doc("111111111111", "pass"), _doc("222222222222", "pass")], ScanOptions())
    one_fails = merge_workload("w", [_doc("111111111111", "pass"), _doc("222222222222", "fail")], ScanOptions())
    # other checks informing this choice did not run here, so "every account passes" is at most partial
    assert _choice(both_pass, choice)["suggestion"] in ("supported", "partial")
    assert set(_choice(both_pass, choice)["findings"]) == {"f-111111111111", "f-222222222222"}
    assert _choice(one_fails, choice)["suggestion"] == "contradicted"
    assert _choice(one_fails, choice)["findings"] == ["f-222222222222"] or \
        "f-222222222222" in _choice(one_fails, choice)["findings"]


def test_dask_executor_runs_the_same_function(org, tmp_path):
    pytest.importorskip("distributed")
    code = _scan(tmp_path, "--accounts", f"{org['prod']},{org['staging']}", "--role-name", "R",
                 "--executor", "dask")
    assert code == 0
    summary = json.loads((tmp_path / "org" / "org.json").read_text())
    assert {a["account"] for a in summary["accounts"]} == {org["prod"], org["staging"]}
