"""Many accounts: Organizations listing, assumed roles, failures per account, workloads, Dask."""

from __future__ import annotations

import json

import boto3
import botocore.handlers
import pytest

from scanner import interrupts
from scanner.accounts.fanout import merge_workload
from scanner.cli import main
from scanner.history import open_history
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


def test_a_bad_history_database_stops_before_any_account_is_scanned(org, tmp_path, capsys, monkeypatch):
    import scanner.accounts.scan_many as many

    monkeypatch.setattr(many, "run_accounts", lambda *a, **k: pytest.fail("accounts were scanned"))
    db = tmp_path / "history.db"
    db.write_bytes(b"this is not sqlite" * 100)
    code = main(["--region", "us-east-1", "--checks", "guardduty.enabled", "--out", str(tmp_path / "org"), "-q",
                 "--db", str(db), "--org", "--role-name", "WaScanReadOnly"])
    assert code == 2
    err = capsys.readouterr().err
    assert "history.db" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


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


def _guardduty_specs(org: dict[str, str]) -> list:
    from scanner.accounts.targets import AccountSpec

    return [AccountSpec(account_id=org[name], role_name="R", regions=("us-east-1",)) for name in ("prod", "staging")]


def test_every_account_runs_the_check_set_settled_before_the_fan_out(org, monkeypatch):
    """A check module that appears mid-scan (or on one worker) must not give one account more checks."""
    import scanner.accounts.fanout as fanout
    from scanner.registry import discover

    real = discover(plugins=False)
    calls = {"n": 0}

    def growing(plugins: bool = True) -> dict:
        calls["n"] += 1
        # the first listing has GuardDuty's check only; every later one has two more
        keep = ("guardduty.enabled",) if calls["n"] == 1 else ("guardduty.enabled", "iam.root_mfa_enabled",
                                                                "iam.password_policy")
        return {k: v for k, v in real.items() if k in keep}

    monkeypatch.setattr(fanout, "discover", growing)
    opts = ScanOptions(regions=["us-east-1"], plugins=False, quiet=True, record=False)
    outcomes = list(fanout.run_accounts(_guardduty_specs(org), opts, max_parallel=1))
    assert calls["n"] >= 3  # settled once, then listed again by each account
    assert [[c["id"] for c in o["doc"]["checks"]] for o in outcomes] == [["guardduty.enabled"]] * 2


def test_a_worker_lacking_a_settled_check_is_not_assessed_with_the_reason(org):
    from scanner.accounts.fanout import scan_one_account

    spec = _guardduty_specs(org)[0]
    opts = ScanOptions(regions=["us-east-1"], plugins=False, quiet=True, record=False)
    outcome = scan_one_account(spec, opts, ("guardduty.enabled", "plugin.not_installed_here"))
    assert outcome["status"] == "not_assessed" and outcome["doc"] is None and outcome["exit"] == 3
    assert outcome["reason"] == ("this worker lacks 1 of the scan's 2 checks (plugin.not_installed_here): install "
                                 "the same wa-scan and plugins on every worker")


def test_unknown_check_id_is_one_usage_error_before_any_account(org):
    from scanner.accounts.fanout import run_accounts
    from scanner.errors import UsageError

    opts = ScanOptions(regions=["us-east-1"], plugins=False, check_ids=["no.such_check"])
    with pytest.raises(UsageError, match="unknown check id 'no.such_check'"):
        list(run_accounts(_guardduty_specs(org), opts))


class _FakeFuture:
    def __init__(self, value):
        self.value = value

    def result(self):
        return self.value


class _FakeClient:
    """Stands in for distributed.Client: records how the cluster was asked for and runs tasks inline."""

    made: list[dict] = []

    def __init__(self, *args, **kwargs):
        _FakeClient.made.append({"args": args, **kwargs})
        self.closed = False

    def map(self, func, items, **kwargs):
        kwargs.pop("pure")
        return [_FakeFuture({"account": spec.account_id, "opts": kwargs["opts"], "checks": kwargs["check_ids"]})
                for spec in items]

    def close(self):
        _FakeClient.made[-1]["closed"] = True


@pytest.mark.parametrize(("executor", "expected", "io_workers"), [
    ("dask-processes", {"processes": True, "n_workers": 3, "threads_per_worker": 1, "memory_limit": 0}, 64),
    ("dask", {"processes": False, "n_workers": 1, "threads_per_worker": 3}, 64 // 3),
    ("dask://scheduler:8786", {"args": ("scheduler:8786",)}, 64),
])
def test_dask_executors_start_the_cluster_asked_for(monkeypatch, executor, expected, io_workers):
    distributed = pytest.importorskip("distributed")
    from scanner.accounts.fanout import run_accounts
    from scanner.accounts.targets import AccountSpec

    _FakeClient.made = []
    monkeypatch.setattr(distributed, "Client", _FakeClient)
    monkeypatch.setattr(distributed, "as_completed", iter)
    specs = [AccountSpec(account_id=f"10000000000{i}", role_name="R") for i in range(3)]
    opts = ScanOptions(regions=["us-east-1"], plugins=False, check_ids=["guardduty.enabled"])
    outcomes = list(run_accounts(specs, opts, executor=executor, max_parallel=3))
    (made,) = _FakeClient.made
    assert {k: made[k] for k in expected} == expected and made["closed"]
    assert [o["account"] for o in outcomes] == [s.account_id for s in specs]
    # one interpreter shares its threads between the accounts it runs; a worker process keeps its own
    assert {o["opts"].io_workers for o in outcomes} == {io_workers}
    assert {o["checks"] for o in outcomes} == {("guardduty.enabled",)}


def test_unknown_executor_is_a_usage_error():
    from scanner.accounts.fanout import run_accounts
    from scanner.errors import UsageError

    with pytest.raises(UsageError, match="use local, dask, dask-processes or dask://HOST:PORT"):
        list(run_accounts([], ScanOptions(plugins=False), executor="ray"))


def test_scan_options_travel_to_worker_processes():
    import pickle

    from scanner.accounts.fanout import settled_check_ids
    from scanner.accounts.targets import AccountSpec

    opts = ScanOptions(regions=["us-east-1"], plugins=False, check_options={"x.y": {"days": 3}})
    spec = AccountSpec(account_id="100000000001", role_name="R", regions=("us-east-1",))
    assert pickle.loads(pickle.dumps((spec, opts, settled_check_ids(opts)))) == (spec, opts,
                                                                                  settled_check_ids(opts))


def test_an_interrupt_keeps_the_accounts_done_and_accounts_for_every_other(org, tmp_path, monkeypatch, capsys):
    # One account at a time; the signal arrives as the second account starts its checks. The first is kept
    # whole, the second keeps what it gathered (its reads stop), the third is reported as not scanned.
    import _thread
    import time

    import scanner.accounts.fanout as fanout

    real, started = fanout.run_checks, []

    def run_checks(target, *args, **kwargs):
        started.append(target.account)
        if len(started) == 2:
            _thread.interrupt_main()  # SIGINT's handler, run by the main thread as for a real Ctrl-C
            time.sleep(0.5)
        return real(target, *args, **kwargs)

    monkeypatch.setattr(fanout, "run_checks", run_checks)
    # The signal count outlives an in-process main(); it is put back for the tests after this one.
    monkeypatch.setattr(interrupts, "_received", 0)
    code = main(["--region", "us-east-1", "--checks", "guardduty.enabled", "--out", str(tmp_path / "org"), "-q",
                 "--db", str(tmp_path / "h.db"), "--org", "--role-name", "WaScanReadOnly",
                 "--max-parallel-accounts", "1"])
    assert code == 3
    assert "Traceback" not in capsys.readouterr().err
    root = tmp_path / "org"
    summary = json.loads((root / "org.json").read_text())
    first, second = started
    assert {a["account"] for a in summary["accounts"]} == {first, second}
    [third] = {CALLER, org["prod"], org["staging"]} - {first, second}
    assert [(n["account"], n["reason"]) for n in summary["not_scanned"]] == [
        (third, "the scan was interrupted before this account was scanned")]
    whole = json.loads((root / first / "scan.json").read_text())
    assert whole["complete"] is True and (root / first / "report.html").exists()
    cut = json.loads((root / second / "scan.json").read_text())
    assert cut["complete"] is False and cut["partial"] is True
    assert {f["reason"] for f in cut["findings"]} == {"interrupted"}
    assert not (root / second / "report.html").exists()  # left for 'wa-scan report', as for one account
    with open_history(tmp_path / "h.db") as history:
        assert len(history.scans()) == 2
