"""Scan benchmark: a synthetic account of a chosen size in moto, scanned by the normal scanner code.

Reports wall time, API calls (total and per operation), calls per resource, the lower bound of calls
for the account's contents, and peak memory. ``--latency-ms`` adds a delay to every AWS call to model
a real network (a botocore event hook installed here only, never in the scanner).

    python benchmarks/scale.py --size medium --latency-ms 50 --json medium-50.json

``--server`` measures the scanner rather than the emulator: moto runs as a server process on 127.0.0.1
with the latency added in the server (calls in flight overlap as on a network), the account is seeded
through the AWS API, and the scan runs in its own process through ``AWS_ENDPOINT_URL``; its wall time,
CPU (user + system) and CPU per call, peak RSS, retry wait and report rendering time are its own.

    python benchmarks/scale.py --server --size medium --latency-ms 50 --json medium-50.json

``--accounts N`` scans N accounts of the chosen size through assumed roles with the multi-account code;
with ``--server`` they live in one moto server and each executor and parallelism listed runs in turn
(``benchmarks/many_server.py``):

    python benchmarks/scale.py --server --accounts 8 --users 100 --buckets 20 --instances 20 --volumes 20 \
        --latency-ms 50 --parallel-accounts 1,4,8 --executor local,dask-processes

The lower bound counts, for every operation the scan needed, each distinct logical read once (same
region and parameters, pagination tokens aside) and the fewest pages its items need at the largest
page size the API allows. It cannot be beaten without skipping a read, so ``calls / lower bound``
measures duplicated reads and small pages.
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import os
import resource
import sys
import threading
import time
import tracemalloc
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SIZES: dict[str, dict[str, int]] = {
    "small": {"users": 0, "roles": 0, "buckets": 0, "instances": 0, "volumes": 0, "log_groups": 0, "regions": 2},
    "medium": {"users": 1000, "roles": 0, "buckets": 500, "instances": 300, "volumes": 300, "log_groups": 0,
               "regions": 2},
    "large": {"users": 5000, "roles": 2000, "buckets": 2000, "instances": 1000, "volumes": 1000,
              "log_groups": 10000, "regions": 4},
}
REGIONS = ("us-east-1", "eu-west-1", "us-west-2", "ap-southeast-2", "eu-central-1", "ap-northeast-1")
TOKEN_KEYS = {"NextToken", "nextToken", "Marker", "ContinuationToken", "StartingToken", "PaginationToken",
              "ExclusiveStartTableName", "NextMarker", "KeyMarker", "position"}


def _split(total: int, parts: int) -> list[int]:
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def seed(session: Any, demo: Any, size: dict[str, int], regions: list[str], prefix: str = "bench") -> dict[str, int]:
    """Add the synthetic resources on top of the demo workload; returns what was created."""
    iam = session.client("iam")
    for i in range(size["users"]):
        iam.create_user(UserName=f"{prefix}-user-{i:05d}")
        if i % 2 == 0:
            iam.create_access_key(UserName=f"{prefix}-user-{i:05d}")
    trust = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
    for i in range(size["roles"]):
        iam.create_role(RoleName=f"{prefix}-role-{i:05d}", AssumeRolePolicyDocument=trust)
    for region, count in zip(regions, _split(size["buckets"], len(regions)), strict=True):
        s3 = session.client("s3", region_name=region)
        extra = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
        for i in range(count):
            # As AWS creates a bucket since April 2023: ACLs disabled (moto does not apply that default itself).
            s3.create_bucket(Bucket=f"{prefix}-{region}-{i:05d}", ObjectOwnership="BucketOwnerEnforced", **extra)
    for region, count in zip(regions, _split(size["instances"], len(regions)), strict=True):
        if not count:
            continue
        ec2 = session.client("ec2", region_name=region)
        image = ec2.register_image(Name=f"{prefix}-{region}", RootDeviceName="/dev/xvda")["ImageId"]
        left = count
        while left:
            batch = min(left, 100)
            ec2.run_instances(ImageId=image, MinCount=batch, MaxCount=batch, InstanceType="m5.large")
            left -= batch
    for region, count in zip(regions, _split(size["volumes"], len(regions)), strict=True):
        ec2 = session.client("ec2", region_name=region)
        for _ in range(count):
            ec2.create_volume(AvailabilityZone=f"{region}a", Size=8, VolumeType="gp3", Encrypted=True)
    for region, count in zip(regions, _split(size["log_groups"], len(regions)), strict=True):
        logs = session.client("logs", region_name=region)
        for i in range(count):
            logs.create_log_group(logGroupName=f"/{prefix}/{region}/{i:05d}")
    return dict(size)


class CallLedger:
    """Records every call (one per page) to compute the lower bound and to add latency."""

    def __init__(self, latency_ms: float) -> None:
        self.latency = latency_ms / 1000
        self.lock = threading.Lock()
        self.reads: dict[tuple[str, str, str], dict[str, int]] = defaultdict(lambda: {"pages": 0, "items": 0})
        self.max_page: dict[str, int | None] = {}

    def install(self, session: Any) -> None:
        session.events.register("provide-client-params", self.remember_params)
        session.events.register("before-call", self.before_call)
        session.events.register("after-call", self.after_call)

    def remember_params(self, params: dict[str, Any], context: dict[str, Any], model: Any, **_: Any) -> None:
        # The caller's parameters, pagination tokens aside, name the logical read.
        logical = {k: v for k, v in params.items() if k not in TOKEN_KEYS and k != "PaginationConfig"}
        context["bench_key"] = (f"{model.service_model.service_name}:{model.name}", context.get("client_region") or "",
                                json.dumps(logical, sort_keys=True, default=str))

    def before_call(self, **_: Any) -> None:
        if self.latency:
            time.sleep(self.latency)

    def after_call(self, model: Any, parsed: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        key = context.get("bench_key")
        if key is None:
            return
        op = key[0]
        items = _item_count(model, parsed)
        with self.lock:
            entry = self.reads[key]
            entry["pages"] += 1
            entry["items"] += items
            if op not in self.max_page:
                self.max_page[op] = _max_page(model)

    def longest_chain(self) -> int:
        """An estimate of the longest chain of calls that must follow one another: identity and regions
        first, then the read with the most pages (pages follow each other), then the deepest per-resource
        sequence (a bucket: list, Block Public Access, ownership, ACL, policy status, policy)."""
        with self.lock:
            pages = max((entry["pages"] for entry in self.reads.values()), default=0)
        return 2 + pages + 6

    def pages_by_service_region(self) -> dict[tuple[str, str], int]:
        """Calls made per (service, region): each pair has its own concurrency limit in the collector."""
        out: dict[tuple[str, str], int] = defaultdict(int)
        with self.lock:
            for (op, region, _), entry in self.reads.items():
                out[(op.split(":", 1)[0], region)] += entry["pages"]
        return dict(out)

    def lower_bound(self) -> int:
        """Distinct logical reads, each at the fewest pages its items need."""
        total = 0
        for (op, _, _), entry in self.reads.items():
            biggest = self.max_page.get(op)
            total += max(1, math.ceil(entry["items"] / biggest)) if biggest else 1
        return total


def _paginator_config(model: Any) -> dict[str, Any] | None:
    return _paginators(model.service_model.service_name, model.service_model.api_version).get(model.name)


@functools.cache
def _loader() -> Any:
    from scanner.session import botocore_session

    # The scan's own loader: the paginator models are the ones its paginated reads loaded already, so the
    # ledger costs the measured process no second copy. Built once: a botocore session costs tens of ms
    # (its built-in handlers), and one per service was a tenth of the scan's measured CPU.
    return botocore_session().get_component("data_loader")


@functools.cache
def _paginators(service: str, api_version: str) -> dict[str, Any]:
    loader = _loader()
    try:
        return loader.load_service_model(service, "paginators-1", api_version).get("pagination", {})
    except Exception:  # a service without paginators
        return {}


def _item_count(model: Any, parsed: dict[str, Any]) -> int:
    config = _paginator_config(model)
    if not config:
        return 0
    keys = config.get("result_key")
    keys = keys if isinstance(keys, list) else [keys]
    count = 0
    for key in keys:
        value: Any = parsed
        for part in str(key).split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if isinstance(value, list):
            count = max(count, len(value))
    return count


def _max_page(model: Any) -> int | None:
    config = _paginator_config(model)
    if not config or not config.get("limit_key"):
        return None
    member = model.input_shape.members.get(config["limit_key"]) if model.input_shape else None
    return member.metadata.get("max") if member is not None else None


def run(size_name: str, overrides: dict[str, int], latency_ms: float, trace_memory: bool = False) -> dict[str, Any]:
    """Seed, scan, measure."""
    from scanner.demo import install_fill_ins, prepare_environment, seed_account

    prepare_environment()
    import boto3
    from moto import mock_aws

    from mappings.suggest import add_suggestions
    from scanner.registry import discover
    from scanner.runner import run_checks, select_checks
    from scanner.session import open_target

    size = {**SIZES[size_name], **{k: v for k, v in overrides.items() if v is not None}}
    regions = list(REGIONS[: size["regions"]])
    with mock_aws():
        seeding = boto3.Session(region_name="us-east-1")
        t0 = time.monotonic()
        demo = seed_account(seeding)
        created = seed(seeding, demo, size, regions)
        seed_s = time.monotonic() - t0
        rss_before_scan = _rss_mb()
        session = boto3.Session(region_name="us-east-1")
        ledger = CallLedger(latency_ms)
        if trace_memory:
            # Python allocations made during the scan only: moto's seeded account is not counted, its
            # transient response building is.
            tracemalloc.start()
        start = time.monotonic()
        target = open_target(session, regions, after_guard=lambda s: (install_fill_ins(s, demo), ledger.install(s)))
        checks = select_checks(discover(plugins=False))
        result = run_checks(target, checks)
        doc = result.to_dict()
        add_suggestions(doc)
        wall = time.monotonic() - start
        heap_peak = tracemalloc.get_traced_memory()[1] / 2**20 if trace_memory else None
        tracemalloc.stop()
    calls = doc["api_calls"]
    resources = (created["users"] + created["roles"] + created["buckets"] + created["instances"]
                 + created["volumes"] + created["log_groups"])
    bound = ledger.lower_bound()
    statuses = Counter(f["status"] for f in doc["findings"])
    return {
        "size": size_name,
        "account": {**created, "regions": regions},
        "latency_ms": latency_ms,
        "checks": len(checks),
        "findings": len(doc["findings"]),
        "statuses": dict(statuses),
        "wall_s": round(wall, 2),
        "seed_s": round(seed_s, 2),
        "api_calls": calls["total"],
        "lower_bound": bound,
        "calls_over_bound": round(calls["total"] / bound, 3) if bound else None,
        "calls_per_resource": round(calls["total"] / resources, 3) if resources else None,
        "peak_rss_mb": _rss_mb(),
        "rss_before_scan_mb": rss_before_scan,
        "scan_heap_peak_mb": round(heap_peak, 1) if heap_peak is not None else None,
        "by_operation": calls["by_operation"],
    }


def run_many(accounts: int, size: dict[str, int], latency_ms: float, parallel: int, executor: str
             ) -> dict[str, Any]:
    """Several accounts of ``size`` each, scanned through assumed roles by the multi-account code."""
    from scanner.demo import prepare_environment

    prepare_environment()
    import boto3
    import botocore.handlers
    from moto import mock_aws

    from scanner.accounts.fanout import run_accounts
    from scanner.accounts.targets import AccountSpec
    from scanner.scan import ScanOptions

    regions = list(REGIONS[: size["regions"]])
    ids = [f"{100000000000 + i:012d}" for i in range(1, accounts + 1)]
    sleeper = ("before-call", lambda **_: time.sleep(latency_ms / 1000))
    with mock_aws():
        sts = boto3.client("sts", region_name="us-east-1")
        t0 = time.monotonic()
        for acct in ids:
            creds = sts.assume_role(RoleArn=f"arn:aws:iam::{acct}:role/Seed", RoleSessionName="seeding")["Credentials"]
            session = boto3.Session(aws_access_key_id=creds["AccessKeyId"],
                                    aws_secret_access_key=creds["SecretAccessKey"],
                                    aws_session_token=creds["SessionToken"], region_name="us-east-1")
            seed(session, None, size, regions, prefix=f"bench{acct[-4:]}")
        seed_s = time.monotonic() - t0
        if latency_ms:
            botocore.handlers.BUILTIN_HANDLERS.append(sleeper)
        try:
            specs = [AccountSpec(account_id=a, role_name="WaScanReadOnly", regions=tuple(regions)) for a in ids]
            opts = ScanOptions(regions=regions, plugins=False, quiet=True, record=False)
            start = time.monotonic()
            outcomes = list(run_accounts(specs, opts, executor=executor, max_parallel=parallel))
            wall = time.monotonic() - start
        finally:
            if sleeper in botocore.handlers.BUILTIN_HANDLERS:
                botocore.handlers.BUILTIN_HANDLERS.remove(sleeper)
    scanned = [o for o in outcomes if o["doc"]]
    return {
        "accounts": accounts, "per_account": {**size, "regions": regions}, "latency_ms": latency_ms,
        "executor": executor, "parallel": parallel, "scanned": len(scanned), "wall_s": round(wall, 2),
        "seed_s": round(seed_s, 2), "api_calls": sum(o["doc"]["api_calls"]["total"] for o in scanned),
        "peak_rss_mb": _rss_mb(),
        "by_operation": dict(sum((Counter(o["doc"]["api_calls"]["by_operation"]) for o in scanned), Counter())),
        "per_account_calls": {o["account"]: o["doc"]["api_calls"]["total"] for o in scanned},
    }


def _concurrency() -> int:
    """How many calls a scan keeps in flight at best: the I/O pool that per-resource reads fan out on (the
    check tasks mostly wait on it); the ideal wall time divides the calls' latency by this."""
    from scanner.scan import ScanOptions

    return ScanOptions().io_workers


def _rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def main() -> int:
    """Command line of the benchmark."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--size", choices=sorted(SIZES), default="small", help="preset account size (default: small)")
    for name in ("users", "roles", "buckets", "instances", "volumes", "log-groups", "regions"):
        p.add_argument(f"--{name}", type=int, help=f"override the preset's number of {name.replace('-', ' ')}")
    p.add_argument("--latency-ms", type=float, default=0, help="added to every AWS call (default 0)")
    p.add_argument("--json", type=Path, metavar="FILE", help="write the figures to FILE")
    p.add_argument("--trace-memory", action="store_true",
                   help="also measure the scan's own Python heap peak (tracemalloc; slower)")
    p.add_argument("--accounts", type=int, metavar="N",
                   help="multi-account mode: N accounts of the chosen size, scanned through assumed roles")
    p.add_argument("--parallel-accounts", "--parallel", default="4", metavar="P[,P...]",
                   help="accounts at once (default 4); with --server a list runs each against the same server")
    p.add_argument("--executor", default="local", metavar="E[,E...]",
                   help="multi-account executor: local, dask (threads) or dask-processes (a LocalCluster of worker "
                        "processes); with --server a list runs each")
    p.add_argument("--server", action="store_true",
                   help="moto as a server process with the latency added in the server; the scan in a process "
                        "of its own, measured alone (CPU, peak RSS, retry wait, rendering)")
    p.add_argument("--profile", type=Path, metavar="FILE",
                   help="with --server: write a cProfile of the scan process to FILE (every thread, timed by its "
                        "own CPU clock; for pstats or snakeviz)")
    p.add_argument("--py-spy", type=Path, metavar="FILE",
                   help="with --server: sample every thread of the scan process with py-spy (installed separately) "
                        "into FILE, in its raw collapsed-stack format")
    p.add_argument("--out", type=Path, metavar="DIR",
                   help="with --server: keep the scan's scan.json and reports in DIR")
    args = p.parse_args()
    from scanner.memory import tune_collector

    tune_collector()  # as the wa-scan command does
    overrides = {k: getattr(args, k) for k in ("users", "roles", "buckets", "instances", "volumes", "regions")}
    overrides["log_groups"] = args.log_groups
    if (args.regions or 0) > len(REGIONS):
        p.error(f"--regions at most {len(REGIONS)}")
    os.environ.setdefault("WA_SCAN_NO_PLUGINS", "1")
    if args.accounts:
        size = {**SIZES[args.size], **{k: v for k, v in overrides.items() if v is not None}}
        try:
            parallels = [int(v) for v in args.parallel_accounts.split(",")]
        except ValueError:
            p.error("--parallel-accounts: whole numbers, comma-separated")
        executors = args.executor.split(",")
        if args.server:
            from benchmarks.many_server import run_many_server
            figures = run_many_server(args.accounts, size, list(REGIONS[: size["regions"]]), args.latency_ms,
                                      executors, parallels)
        elif len(parallels) > 1 or len(executors) > 1:
            p.error("one --parallel-accounts and one --executor without --server")
        else:
            figures = run_many(args.accounts, size, args.latency_ms, parallels[0], executors[0])
        print(json.dumps(figures, indent=2))
        if args.json:
            args.json.write_text(json.dumps(figures, indent=2) + "\n")
        return 0
    if args.server:
        from benchmarks.server import run_server
        size = {**SIZES[args.size], **{k: v for k, v in overrides.items() if v is not None}}
        figures = run_server(size, list(REGIONS[: size["regions"]]), args.latency_ms, _concurrency(),
                             args.profile, out=args.out, py_spy=args.py_spy)
        figures["size"] = args.size
    else:
        figures = run(args.size, overrides, args.latency_ms, args.trace_memory)
    summary = {k: v for k, v in figures.items() if k != "by_operation"}
    print(json.dumps(summary, indent=2))
    top = sorted(figures["by_operation"].items(), key=lambda kv: -kv[1])[:12]
    print("top operations: " + ", ".join(f"{op} {n}" for op, n in top))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
