"""Many-accounts server benchmark: N accounts in one moto server, scanned through assumed roles from another process.

``scale.py --server --accounts N`` uses this module. It starts the moto server of ``benchmarks/server.py``
(latency added in the server, so calls in flight overlap as on a network), enters each account with
``sts:AssumeRole`` (moto keys its state by the account the credentials belong to, as AWS does) and seeds
it through the AWS API. After one unmeasured warm-up scan, for each executor and parallelism asked for, a
fresh scanner process runs the multi-account fan-out (``scanner.accounts.fanout.run_accounts``) against the
same server and reports its own wall time, CPU (user + system, its Dask worker processes included), peak RSS
(the process and its workers together), API calls per account and per operation, the reasons reads were not
assessed, and the moto server's CPU meanwhile.

    python benchmarks/scale.py --server --accounts 8 --users 100 --buckets 20 --instances 20 --volumes 20 \\
        --latency-ms 50 --parallel-accounts 1,4,8 --executor local,dask-processes --json many.json
    python benchmarks/many_server.py scan CONFIG_JSON    # one fan-out, figures as JSON on the last stdout line
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
ROLE_NAME = "WaScanReadOnly"


def account_ids(accounts: int) -> list[str]:
    """The benchmark's member accounts (distinct from moto's default caller account)."""
    return [f"{100000000000 + i:012d}" for i in range(1, accounts + 1)]


def _session_in(account: str) -> Any:
    """A boto3 session with credentials assumed into ``account`` (moto answers AssumeRole into any id)."""
    import boto3

    sts = boto3.Session(region_name="us-east-1").client("sts")
    creds = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/Seed", RoleSessionName="seeding")["Credentials"]
    return boto3.Session(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                         aws_session_token=creds["SessionToken"], region_name="us-east-1")


def seed_accounts(ids: list[str], size: dict[str, int], regions: list[str]) -> None:
    """Seed every account through the API, a few at once (the server is threaded, sessions are per thread)."""
    from benchmarks.scale import seed

    errors: list[BaseException] = []
    slots = threading.Semaphore(4)

    def one(account: str) -> None:
        with slots:
            try:
                seed(_session_in(account), None, size, regions, prefix=f"bench{account[-4:]}")
            except BaseException as exc:  # reported after the join
                errors.append(exc)

    threads = [threading.Thread(target=one, args=(a,)) for a in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


def _check_isolation(ids: list[str], size: dict[str, int]) -> None:
    """Each account sees its own users only: the server keys state by account, not one shared account."""
    if len(ids) < 2 or not size["users"]:
        return
    first = _session_in(ids[0]).client("iam").list_users(MaxItems=1000)["Users"]
    prefix = f"bench{ids[0][-4:]}-"
    if len(first) != size["users"] or any(not u["UserName"].startswith(prefix) for u in first):
        raise RuntimeError(f"account {ids[0]} does not hold exactly its own {size['users']} users")


# -- the scanner process -----------------------------------------------------------------------------

class TreeSampler:
    """Peak resident memory of this process plus its children (Dask worker processes), sampled.

    Needs psutil (Dask installs it); without it only this process's own peak is known."""

    def __init__(self, every_s: float = 0.2) -> None:
        self.every = every_s
        self.peak_mb = 0.0
        self.peak_children = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        try:
            import psutil
        except ImportError:
            return
        self.process = psutil.Process()
        while not self._stop.is_set():
            total = 0
            children = self.process.children(recursive=True)
            for proc in [self.process, *children]:
                try:
                    total += proc.memory_info().rss
                except psutil.Error:  # a worker that just ended
                    pass
            self.peak_mb = max(self.peak_mb, total / 2**20)
            self.peak_children = max(self.peak_children, len(children))
            self._stop.wait(self.every)

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *_: Any) -> None:
        self._stop.set()
        self._thread.join()


def scan(config: dict[str, Any]) -> dict[str, Any]:
    """Scan every account through the fan-out; the figures of this process and its workers."""
    t_start = time.monotonic()
    from scanner.accounts.fanout import run_accounts
    from scanner.accounts.targets import AccountSpec
    from scanner.scan import ScanOptions

    regions = config["regions"]
    specs = [AccountSpec(account_id=a, role_name=ROLE_NAME, regions=tuple(regions)) for a in config["ids"]]
    opts = ScanOptions(regions=regions, plugins=False, quiet=True, record=False)
    with TreeSampler() as sampler:
        before = resource.getrusage(resource.RUSAGE_SELF)
        start = time.monotonic()
        outcomes = list(run_accounts(specs, opts, executor=config["executor"], max_parallel=config["parallel"]))
        wall = time.monotonic() - start
    own = resource.getrusage(resource.RUSAGE_SELF)
    # Dask's worker processes have ended (and been waited for) when run_accounts returns: their CPU is here.
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    scanned = [o for o in outcomes if o["doc"] is not None]
    by_op: Counter[str] = Counter()
    for o in scanned:
        by_op.update(o["doc"]["api_calls"]["by_operation"])
    calls = sum(by_op.values())
    cpu = own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime
    # the fan-out's own CPU (start-up and imports aside) over its wall time: the cores it kept busy
    fan_out_cpu = cpu - before.ru_utime - before.ru_stime
    return {
        "executor": config["executor"], "parallel": config["parallel"],
        "scanned": len(scanned), "not_scanned": {o["account"]: o["reason"] for o in outcomes if o["doc"] is None},
        "wall_s": round(wall, 2), "process_s": round(time.monotonic() - t_start, 2),
        "cpu_s": round(cpu, 2), "worker_cpu_s": round(workers.ru_utime + workers.ru_stime, 2),
        "cpu_ms_per_call": round(1000 * cpu / calls, 2) if calls else None,
        "cores_busy": round(fan_out_cpu / wall, 2) if wall else None,
        "peak_rss_mb": round(max(sampler.peak_mb, own.ru_maxrss / 1024), 1),
        "child_processes": sampler.peak_children,
        "api_calls": calls,
        "calls_per_account": {o["account"]: o["doc"]["api_calls"]["total"] for o in scanned},
        "findings": sum(len(o["doc"]["findings"]) for o in scanned),
        # why reads failed (a failed read also skips the reads that would have followed it)
        "not_assessed_per_account": {o["account"]: _not_assessed(o["doc"]) for o in scanned},
        "not_assessed_reasons": dict(sum((_reasons(o["doc"]) for o in scanned), Counter()).most_common()),
        "by_operation": dict(sorted(by_op.items())),
    }


def _not_assessed(doc: dict[str, Any]) -> int:
    return sum(1 for f in doc["findings"] if f["status"] == "not_assessed")


def _reasons(doc: dict[str, Any]) -> Counter[str]:
    """Not-assessed findings by reason and the start of their detail (resource names cut off)."""
    return Counter(f"{f.get('reason')}: {f.get('message', '').removeprefix('Not assessed: ')[:80]}"
                   for f in doc["findings"] if f["status"] == "not_assessed")


def _load_average() -> list[float]:
    return [round(x, 1) for x in os.getloadavg()]


def _server_cpu_s() -> float | None:
    """CPU seconds the moto server process (a child of this one) has used so far: the emulator's share."""
    try:
        import psutil
    except ImportError:
        return None
    for child in psutil.Process().children():
        try:
            if "serve" in child.cmdline():
                times = child.cpu_times()
                return times.user + times.system
        except psutil.Error:
            continue
    return None


def run_many_server(accounts: int, size: dict[str, int], regions: list[str], latency_ms: float,
                    executors: list[str], parallels: list[int]) -> dict[str, Any]:
    """Seed N accounts in one moto server, then one scanner process per (executor, parallelism)."""
    from benchmarks.server import FAKE_CREDENTIALS, moto_server, set_latency

    ids = account_ids(accounts)
    runs: list[dict[str, Any]] = []
    warm_up: list[dict[str, Any]] = []
    with moto_server() as url:
        env = {**FAKE_CREDENTIALS, "AWS_ENDPOINT_URL": url}
        os.environ.update(env)
        t0 = time.monotonic()
        seed_accounts(ids, size, regions)
        _check_isolation(ids, size)
        seed_s = time.monotonic() - t0
        set_latency(url, latency_ms)
        child_env = {**os.environ, **env, "WA_SCAN_NO_PLUGINS": "1"}
        child_env.pop("AWS_PROFILE", None)
        # One unmeasured scan first: the emulator's first touch of each account and service (and IAM's
        # credential report, generated once and then reused for hours, as on AWS) would otherwise count
        # against whichever configuration runs first.
        plan = [("local", max(parallels), False)] + [(e, p, True) for e in executors for p in parallels]
        for executor, parallel, measured in plan:
            config = {"ids": ids, "regions": regions, "executor": executor, "parallel": parallel}
            load_before, server_before = _load_average(), _server_cpu_s()
            done = subprocess.run([sys.executable, __file__, "scan", json.dumps(config)], env=child_env,
                                  capture_output=True, text=True, check=False)
            if done.returncode != 0:
                raise RuntimeError("the scan process failed:\n" + done.stderr[-4000:])
            figures = json.loads(done.stdout.strip().splitlines()[-1])
            server_after = _server_cpu_s()
            figures.update(load_before=load_before, load_after=_load_average(),
                           server_cpu_s=round(server_after - server_before, 2)
                           if server_before is not None and server_after is not None else None)
            figures["warm_up"] = not measured
            print(json.dumps({k: v for k, v in figures.items() if k != "by_operation"}), file=sys.stderr)
            (runs if measured else warm_up).append(figures)
    return {"mode": "server", "accounts": accounts, "per_account": {**size, "regions": regions},
            "latency_ms": latency_ms, "seed_s": round(seed_s, 2), "cpus": os.cpu_count(), "runs": runs,
            "warm_up": warm_up}


def main(argv: list[str]) -> int:
    """``scan CONFIG_JSON`` (see the module docstring)."""
    if argv[:1] == ["scan"]:
        from scanner.memory import tune_collector

        tune_collector()  # as the wa-scan command does
        print(json.dumps(scan(json.loads(argv[1]))))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
