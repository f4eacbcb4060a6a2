"""A scan scoped to the workload: tags, ARN globs and scope files, through scan.json, reports, history and drift."""

from __future__ import annotations

import json

import boto3
import pytest
from moto import mock_aws

from reports.drift import render_drift
from scanner.cli import main
from scanner.document import load_document
from scanner.drift import compare
from scanner.errors import UsageError
from scanner.history import open_history
from scanner.registry import discover
from scanner.runner import run_checks, select_checks
from scanner.scope import Scope, apply_scope, load_scope_file, read_tags, scope_from_options
from scanner.session import open_target
from tests.helpers import deny

CHECKS = ["s3.bucket_not_public", "guardduty.enabled"]
SHOP = [{"Key": "app", "Value": "shop"}]


def _seed(session: boto3.Session) -> None:
    """A shop bucket, a public sandbox bucket, an untagged legacy bucket and an account-level setting."""
    s3 = session.client("s3")
    s3.create_bucket(Bucket="shop-orders")
    s3.put_bucket_tagging(Bucket="shop-orders", Tagging={"TagSet": SHOP})
    s3.create_bucket(Bucket="sandbox-site", ACL="public-read")
    s3.put_bucket_tagging(Bucket="sandbox-site", Tagging={"TagSet": [*SHOP, {"Key": "env", "Value": "sandbox"}]})
    s3.create_bucket(Bucket="legacy-exports")


def _scan(tmp_path, name: str, *extra: str) -> dict:
    out = tmp_path / name
    code = main(["scan", "--checks", *CHECKS, "--region", "us-east-1", "--out", str(out), "--db",
                 str(tmp_path / "h.db"), "-q", "--format", "json,md,html", *extra])
    assert code in (0, 1)
    return load_document(out / "scan.json")


def _resources(doc: dict, check: str = "s3.bucket_not_public") -> set[str]:
    return {f["resource"].rpartition(":")[2] for f in doc["findings"] if f["check"] == check}


def test_include_and_exclude_tags_keep_the_workload_and_say_what_was_left_out(aws, tmp_path):
    _seed(aws)
    doc = _scan(tmp_path, "scoped", "--include-tag", "app=shop", "--exclude-tag", "env=sandbox")
    assert _resources(doc) == {"shop-orders"}
    # The account-level setting counts whatever the scope.
    assert [f["check"] for f in doc["findings"] if f["resource"].endswith(":account")] == ["guardduty.enabled"]
    scope = doc["scope"]
    assert scope["rules"] == {"include_tags": ["app=shop"], "exclude_tags": ["env=sandbox"], "exclude_arns": []}
    reasons = {e["resource"]: e["reason"] for e in scope["excluded"]["list"]}
    assert reasons == {"arn:aws:s3:::legacy-exports": "not tagged app=shop (--include-tag)",
                       "arn:aws:s3:::sandbox-site": "tagged env=sandbox (--exclude-tag)"}
    assert scope["excluded"]["resources"] == 2 and scope["unread"] == {}
    # The checks' counts are those of the findings kept.
    counts = {c["id"]: c["counts"] for c in doc["checks"]}
    assert sum(counts["s3.bucket_not_public"].values()) == 1
    # One bulk tag read for the region, counted with the scan's calls.
    assert doc["api_calls"]["by_operation"]["resourcegroupstaggingapi:GetResources"] == 1
    md = (tmp_path / "scoped" / "report.md").read_text()
    html = (tmp_path / "scoped" / "report.html").read_text()
    for text in (md, html):
        assert "Scoped to the workload" in text and "legacy-exports" in text and "tagged env=sandbox" in text
    with open_history(tmp_path / "h.db") as h:
        assert h.load(h.resolve("latest"))["scope"] == scope


def test_exclude_arn_glob_needs_no_tag_read(aws, tmp_path):
    _seed(aws)
    doc = _scan(tmp_path, "globbed", "--exclude-arn", "arn:aws:s3:::legacy-*")
    assert _resources(doc) == {"shop-orders", "sandbox-site"}
    assert [e["reason"] for e in doc["scope"]["excluded"]["list"]] == ["matches --exclude-arn arn:aws:s3:::legacy-*"]
    assert "GetResources" not in json.dumps(doc["api_calls"])


def test_an_unscoped_scan_has_no_scope(aws, tmp_path):
    _seed(aws)
    doc = _scan(tmp_path, "all")
    assert "scope" not in doc and _resources(doc) == {"shop-orders", "sandbox-site", "legacy-exports"}


def test_scope_file_is_remembered_per_workload(aws, tmp_path):
    _seed(aws)
    path = tmp_path / "scope.yaml"
    path.write_text("workload: shop\ninclude_tags: {app: shop}\nexclude_arns:\n  - 'arn:aws:s3:::sandbox-*'\n")
    first = _scan(tmp_path, "first", "--scope", str(path))
    assert first["scope"]["workload"] == "shop" and first["scope"]["source"] == str(path)
    assert _resources(first) == {"shop-orders"}
    # The next scan names the workload; the history gives back its rules, and options add to them.
    second = _scan(tmp_path, "second", "--scope", "shop", "--exclude-tag", "env=prod")
    assert second["scope"]["rules"] == {"include_tags": ["app=shop"], "exclude_tags": ["env=prod"],
                                        "exclude_arns": ["arn:aws:s3:::sandbox-*"]}
    assert second["scope"]["source"] == f"history: scan {first['scan_id']}"
    assert _resources(second) == {"shop-orders"}


@pytest.mark.parametrize("text, error", [
    ("include_tags: [app]\n", "expected KEY=VALUE"),
    ("include: [app=shop]\n", "unknown key 'include'"),
    ("- app=shop\n", "expected a mapping"),
    ("include_tags: [app=shop\n", "not valid YAML"),
    ("exclude_arns: arn:aws:s3:::x\n", "exclude_arns must be a list"),
])
def test_bad_scope_file_is_a_one_line_error(tmp_path, text, error):
    path = tmp_path / "scope.yaml"
    path.write_text(text)
    with pytest.raises(UsageError, match=error):
        load_scope_file(path)


def test_bad_scope_options_are_usage_errors(tmp_path, capsys):
    with pytest.raises(UsageError, match="--include-tag 'app': expected KEY=VALUE"):
        scope_from_options(["app"], [], [])
    assert main(["scan", "--scope", "no-such-workload", "--db", str(tmp_path / "h.db")]) == 2
    assert "no such file, and no scan of a workload 'no-such-workload'" in capsys.readouterr().err


def test_unreadable_tags_keep_the_resources_and_say_so(aws):
    _seed(aws)
    target = open_target(boto3.Session(region_name="us-east-1"), ["us-east-1"], max_attempts=2)
    deny("resourcegroupstaggingapi", "get_resources")(target)
    index = read_tags(target.collector, ["us-east-1"])
    assert "tag:GetResources" in index.unread["us-east-1"]
    result = run_checks(target, select_checks(discover(plugins=False), ["s3.bucket_not_public"]), workers=2)
    scoped = apply_scope(result, Scope(include_tags=(("app", "shop"),), exclude_arns=("arn:aws:s3:::legacy-*",)),
                         index, target.home_region)
    kept = {f.resource.rpartition(":")[2] for f in scoped.findings}
    # Tags unknown: not judged by tag (kept); the ARN glob still applies.
    assert kept == {"shop-orders", "sandbox-site"}
    assert scoped.extra["scope"]["unread"] == {"us-east-1": index.unread["us-east-1"]}


def test_drift_compares_like_with_like(tmp_path):
    with mock_aws():
        _seed(boto3.Session(region_name="us-east-1"))
        before = _scan(tmp_path, "before")
        after = _scan(tmp_path, "after", "--exclude-tag", "env=sandbox")
    old_fail = {f["resource"] for f in before["findings"] if f["status"] == "fail"}
    assert "arn:aws:s3:::sandbox-site" in old_fail  # the public sandbox bucket fails when in scope
    report = compare(before, after)
    # Left out by the new scope, it is not "resolved" and not "gone".
    assert "arn:aws:s3:::sandbox-site" not in {f["resource"] for f in report["resolved_failures"]}
    assert "arn:aws:s3:::sandbox-site" not in {r["resource"] for r in report["resources_gone"]}
    moved = report["scope"]["failures_out_of_scope"]
    assert {f["resource"] for f in moved} == {"arn:aws:s3:::sandbox-site"}
    assert moved[0]["reason"] == "tagged env=sandbox (--exclude-tag)"
    assert report["summary"]["scope_differs"] is True
    assert report["scope"]["old_text"] == "every resource"
    assert report["scope"]["new_text"] == "--exclude-tag env=sandbox"
    for fmt in ("md", "html"):
        text = render_drift(report, fmt)
        assert "different scopes" in text and "sandbox-site" in text
    # The other way round: a resource the old scope left out is not a new failure.
    back = compare(after, before)
    assert "arn:aws:s3:::sandbox-site" not in {f["resource"] for f in back["new_failures"]}
    assert "arn:aws:s3:::sandbox-site" not in {r["resource"] for r in back["resources_appeared"]}
    # Same scope both times: nothing said about scopes.
    same = compare(after, after)
    assert same["summary"]["scope_differs"] is False and "different scopes" not in render_drift(same, "md")


def test_many_accounts_scan_applies_the_scope_per_account_and_to_the_workload(aws, tmp_path):
    _seed(aws)
    root = tmp_path / "many"
    assert main(["--region", "us-east-1", "--checks", "s3.bucket_not_public", "--accounts", "123456789012",
                 "--workload", "shop", "--out", str(root), "-q", "--no-history", "--format", "json",
                 "--include-tag", "app=shop"]) in (0, 1)
    docs = [load_document(p) for p in sorted(root.rglob("scan.json"))]
    assert len(docs) == 2 and all("scope" in d for d in docs)  # the account's and the workload's
    for doc in docs:
        assert _resources(doc) == {"shop-orders", "sandbox-site"}
        assert [e["resource"] for e in doc["scope"]["excluded"]["list"]] == ["arn:aws:s3:::legacy-exports"]


def test_a_share_of_tagged_resources_counts_only_the_workloads(aws, tmp_path):
    # Two shop buckets with owner and cost-centre tags, three untagged buckets of other teams: 40% of the
    # account, 100% of the workload.
    s3 = aws.client("s3")
    owned = [*SHOP, {"Key": "owner", "Value": "shop-team"}, {"Key": "cost-center", "Value": "cc-42"}]
    for name in ("shop-orders", "shop-images"):
        s3.create_bucket(Bucket=name)
        s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": owned})
    for name in ("data-lake", "ml-scratch", "legacy-exports"):
        s3.create_bucket(Bucket=name)
        s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [{"Key": "env", "Value": "dev"}]})

    def share(*extra: str) -> dict:
        out = tmp_path / f"o{len(extra)}"
        assert main(["scan", "--checks", "tagging.owner_and_cost_centre", "--region", "us-east-1", "--out",
                     str(out), "--no-history", "-q", "--format", "json", *extra]) in (0, 1)
        [finding] = load_document(out / "scan.json")["findings"]
        return finding

    account = share()
    assert account["status"] == "fail" and account["evidence"]["observed"]["resources"] == 5
    workload = share("--include-tag", "app=shop")
    assert workload["status"] == "pass", workload["message"]
    assert workload["evidence"]["observed"]["resources"] == 2
