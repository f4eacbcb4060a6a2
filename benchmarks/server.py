"""Server benchmark: moto in its own process with latency added in the server, the scanner in another.

``scale.py --server`` uses this module. The moto server is a plain WSGI app behind a middleware that
sleeps before answering, so calls in flight overlap as they would on a network. The account is seeded
through the AWS API (no moto internals). The scan runs in a process of its own, reaching the server
through ``AWS_ENDPOINT_URL`` exactly as it would reach AWS, so the CPU time and peak RSS it reports
are the scanner's alone.

    python benchmarks/server.py serve PORT          # the moto server (started by scale.py --server)
    python benchmarks/server.py scan CONFIG_JSON     # one scan, figures as JSON on the last stdout line
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
# Paths the middleware answers itself: the benchmark switches latency on once seeding is done, and asks
# the server for its own CPU time (the emulator's work, to tell its limits from the scanner's).
LATENCY_PATH = "/__bench/latency/"
CPU_PATH = "/__bench/cpu"
PER_SERVICE_LIMIT = 8  # the collector's default concurrency per (service, region) (scanner.session.open_target)
FAKE_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                    "AWS_SESSION_TOKEN": "testing", "AWS_DEFAULT_REGION": "us-east-1"}


# -- the server process ------------------------------------------------------------------------------

def serve(port: int) -> None:
    """Run moto's WSGI app on 127.0.0.1:``port``, one thread per request, with a settable delay."""
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
    from werkzeug.serving import make_server

    app = DomainDispatcherApplication(create_backend_app)
    # moto imports a service's backend on its first request (seconds each on a busy machine): import them
    # all now, so the scan's first call to a service measures the scanner, not the emulator's start-up.
    from moto.backends import get_backend, list_of_moto_modules

    for name in list_of_moto_modules():
        with contextlib.suppress(Exception):
            get_backend(name)
    delay = {"s": 0.0}

    def with_latency(environ: dict[str, Any], start_response: Any) -> Any:
        path = environ.get("PATH_INFO", "")
        if path.startswith(LATENCY_PATH):
            delay["s"] = float(path[len(LATENCY_PATH):] or 0) / 1000
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"ok"]
        if path == CPU_PATH:
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [str(time.process_time()).encode()]
        if delay["s"]:
            time.sleep(delay["s"])  # this request's thread only: concurrent requests overlap
        return app(environ, start_response)

    server = make_server("127.0.0.1", port, with_latency, threaded=True, request_handler=MotoRequestHandler)
    server.serve_forever()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def moto_server() -> Iterator[str]:
    """A moto server process for the duration of the block; yields its endpoint URL."""
    port = _free_port()
    env = {**os.environ, **FAKE_CREDENTIALS, "MOTO_EC2_LOAD_DEFAULT_AMIS": "false"}
    proc = subprocess.Popen([sys.executable, __file__, "serve", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                urllib.request.urlopen(url + LATENCY_PATH + "0", timeout=2).read()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the moto server did not start") from None
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def set_latency(url: str, latency_ms: float) -> None:
    """Make the server wait ``latency_ms`` before every answer from now on."""
    urllib.request.urlopen(f"{url}{LATENCY_PATH}{latency_ms:g}", timeout=5).read()


def server_cpu_s(url: str) -> float:
    """The CPU time the server process has used so far (user + system, all its threads)."""
    return float(urllib.request.urlopen(url + CPU_PATH, timeout=5).read())


# -- the scanner process -----------------------------------------------------------------------------

def scan(config: dict[str, Any]) -> dict[str, Any]:
    """One scan through the normal code path against ``AWS_ENDPOINT_URL``; the figures of this process."""
    t_start = time.monotonic()
    from benchmarks.scale import CallLedger
    from scanner.registry import discover
    from scanner.runner import run_checks, select_checks
    from scanner.scan import ScanOptions, build_document, write_outputs
    from scanner.session import make_session, open_target

    opts = ScanOptions(regions=config["regions"], plugins=False, quiet=True, record=False)
    session = make_session(None)
    ledger = CallLedger(0)  # observes only: the latency is the server's
    # Phases run one after the other (the check and I/O threads only during the scan), so the process's
    # CPU time at each phase's end splits the total exactly.
    rss, cpu_at = {"imports": _peak_rss_mb()}, {"imports": time.process_time()}  # the peak so far at each phase's end
    start = time.monotonic()
    target = open_target(session, opts.regions, after_guard=ledger.install)
    checks = select_checks(discover(plugins=False))
    cpu_at["identity_and_checks"] = time.process_time()
    result = run_checks(target, checks)
    scanned = time.monotonic()
    rss["scan"], cpu_at["scan"] = _peak_rss_mb(), time.process_time()
    doc = build_document(result, opts)
    built = time.monotonic()
    rss["suggestions"], cpu_at["suggestions"] = _peak_rss_mb(), time.process_time()
    from reports import DEFAULT_FORMATS

    with contextlib.ExitStack() as stack:
        out = config.get("out") or stack.enter_context(tempfile.TemporaryDirectory())
        write_outputs(doc, Path(out), tuple(["json", *DEFAULT_FORMATS]))
    end = time.monotonic()
    rss["reports"], cpu_at["reports"] = _peak_rss_mb(), time.process_time()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    calls = doc["api_calls"]["total"]
    cpu = usage.ru_utime + usage.ru_stime
    statuses: dict[str, int] = {}
    for f in doc["findings"]:
        statuses[f["status"]] = statuses.get(f["status"], 0) + 1
    return {
        "wall_s": round(end - start, 2),
        "scan_s": round(scanned - start, 2),
        "suggest_s": round(built - scanned, 2),
        "render_s": round(end - built, 2),
        "process_s": round(end - t_start, 2),
        "cpu_s": round(cpu, 2),
        "cpu_ms_per_call": round(1000 * cpu / calls, 2) if calls else None,
        "peak_rss_mb": _peak_rss_mb(),
        "peak_rss_by_phase_mb": rss,
        "cpu_by_phase_s": _phases(cpu_at),
        "cpu_user_s": round(usage.ru_utime, 2), "cpu_system_s": round(usage.ru_stime, 2),
        "api_calls": calls,
        "lower_bound": ledger.lower_bound(),
        "retry_wait_s": round(target.collector.retry_wait_s, 2),
        "retries": dict(target.collector.retry_budget.retries),
        "retries_given_up": dict(target.collector.retry_budget.given_up),
        "longest_chain": ledger.longest_chain(),
        "busiest_service": _busiest(ledger.pages_by_service_region()),
        "checks": len(checks),
        "findings": len(doc["findings"]),
        "statuses": statuses,
        "not_assessed_reasons": _reasons(doc),
        "by_operation": doc["api_calls"]["by_operation"],
    }


def _busiest(pages: dict[tuple[str, str], int]) -> dict[str, Any]:
    """The (service, region) whose calls take longest through its concurrency limit (the collector's)."""
    from scanner.collect import SERVICE_LIMITS

    def slots(key: tuple[str, str]) -> float:
        return pages[key] / SERVICE_LIMITS.get(key[0], PER_SERVICE_LIMIT)

    if not pages:
        return {"service": None, "region": None, "calls": 0, "limit": PER_SERVICE_LIMIT, "rounds": 0.0}
    (service, region) = max(pages, key=slots)
    return {"service": service, "region": region, "calls": pages[(service, region)],
            "limit": SERVICE_LIMITS.get(service, PER_SERVICE_LIMIT), "rounds": round(slots((service, region)), 1)}


def _phases(ends: dict[str, float]) -> dict[str, float]:
    """CPU seconds per phase from the process's CPU time at each phase's end (the first from process start)."""
    out, before = {}, 0.0
    for phase, end in ends.items():
        out[phase], before = round(end - before, 2), end
    return out


def _peak_rss_mb() -> float:
    """This process's peak resident memory. On Linux from /proc (VmHWM): ``ru_maxrss`` survives exec, so a
    process started from a large parent (the benchmark, with its seeding) starts at the parent's size."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _reasons(doc: dict[str, Any]) -> dict[str, int]:
    out: dict[str, int] = {}
    for f in doc["findings"]:
        if f["status"] == "not_assessed":
            key = str(f.get("reason"))
            out[key] = out.get(key, 0) + 1
    return out


def run_server(size: dict[str, int], regions: list[str], latency_ms: float, concurrency: int,
               profile: Path | None = None, *, out: Path | None = None, py_spy: Path | None = None
               ) -> dict[str, Any]:
    """Seed a moto server through the API, then scan it from a separate process; the figures.

    ``profile``: a cProfile of the scan process (every thread, by its CPU time); ``py_spy``: py-spy's samples of
    every thread of the scan process, in its raw (collapsed stack) format; ``out``: keep scan.json and
    the reports there."""
    from benchmarks.scale import seed

    with moto_server() as url:
        env = {**FAKE_CREDENTIALS, "AWS_ENDPOINT_URL": url}
        os.environ.update(env)
        t0 = time.monotonic()
        created = _seed_concurrently(seed, size, regions)
        seed_s = time.monotonic() - t0
        set_latency(url, latency_ms)
        server_cpu_before = server_cpu_s(url)
        child_env = {**os.environ, **env, "WA_SCAN_NO_PLUGINS": "1"}
        child_env.pop("AWS_PROFILE", None)
        config = {"regions": regions, "profile": str(profile) if profile else None,
                  "out": str(out) if out else None}
        # py-spy samples the scan process from outside: every thread, on CPU only (waiting is not sampled).
        sampler = ["py-spy", "record", "--format", "raw", "-o", str(py_spy), "--"] if py_spy else []
        done = subprocess.run([*sampler, sys.executable, __file__, "scan", json.dumps(config)],
                              env=child_env, capture_output=True, text=True, check=False)
        # The figures are the last JSON line (py-spy, when sampling, prints its own lines after it, and
        # exits 0 whatever the scan did).
        found = [line for line in done.stdout.splitlines() if line.startswith("{")]
        if done.returncode != 0 or not found:
            raise RuntimeError("the scan process failed:\n" + done.stderr[-4000:])
        figures = json.loads(found[-1])
        figures["server_cpu_s"] = round(server_cpu_s(url) - server_cpu_before, 2)
    calls = figures["api_calls"]
    # The ideal: every call's latency spread over the scan's concurrent slots, or the busiest service's calls
    # through its own limit if that takes longer, plus the chain of calls that must follow one another.
    rounds = max(calls / concurrency, figures["busiest_service"]["rounds"])
    ideal = (rounds + figures["longest_chain"]) * latency_ms / 1000
    figures.update({
        "mode": "server", "account": {**created, "regions": regions}, "latency_ms": latency_ms,
        "seed_s": round(seed_s, 2), "ideal_wall_s": round(ideal, 2),
        "wall_over_ideal": round(figures["wall_s"] / ideal, 2) if ideal else None,
        "scan_over_ideal": round(figures["scan_s"] / ideal, 2) if ideal else None,
        "calls_over_bound": round(calls / figures["lower_bound"], 3) if figures["lower_bound"] else None,
    })
    return figures


def _seed_concurrently(seed_fn: Any, size: dict[str, int], regions: list[str], slices: int = 4) -> dict[str, int]:
    """Seed in a few slices at once (the server is threaded), one boto3 session per slice (sessions are not
    thread-safe); returns what was created."""
    import boto3

    parts = [{k: (v if k == "regions" else v // slices + (1 if i < v % slices else 0)) for k, v in size.items()}
             for i in range(slices)]
    sessions = [boto3.Session(region_name="us-east-1") for _ in range(slices)]
    errors: list[BaseException] = []

    def one(i: int) -> None:
        try:
            seed_fn(sessions[i], None, parts[i], regions, prefix=f"bench{i}")
        except BaseException as exc:  # reported after the join
            errors.append(exc)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(slices)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return dict(size)


def _profiled(func: Any, config: dict[str, Any], path: Path) -> dict[str, Any]:
    """``func(config)`` under cProfile in every thread, timed by each thread's own CPU clock (so a thread
    waiting on the network or a lock costs nothing), merged into one pstats file at ``path``."""
    import cProfile
    import pstats

    profilers: list[cProfile.Profile] = []
    lock = threading.Lock()

    def start_in_thread(*_: Any) -> None:
        sys.setprofile(None)  # this hook, in this thread; cProfile takes over
        profiler = cProfile.Profile(time.thread_time)
        with lock:
            profilers.append(profiler)
        profiler.enable()  # this thread only

    main_profiler = cProfile.Profile(time.thread_time)
    threading.setprofile(start_in_thread)  # runs first in every thread started from now on
    try:
        figures = main_profiler.runcall(func, config)
    finally:
        threading.setprofile(None)

    class _Snapshot:
        """A thread's profile as pstats reads it, without disabling it from another thread."""

        def __init__(self, profiler: cProfile.Profile) -> None:
            self.profiler = profiler

        def create_stats(self) -> None:
            self.profiler.snapshot_stats()
            self.stats = self.profiler.stats

    stats = pstats.Stats(main_profiler)
    for profiler in list(profilers):
        stats.add(_Snapshot(profiler))
    stats.dump_stats(str(path))
    return figures


def main(argv: list[str]) -> int:
    """``serve PORT`` or ``scan CONFIG_JSON`` (see the module docstring)."""
    if argv[:1] == ["serve"]:
        serve(int(argv[1]))
        return 0
    if argv[:1] == ["scan"]:
        from scanner.memory import tune_collector

        tune_collector()  # as the wa-scan command does
        config = json.loads(argv[1])
        if config.get("profile"):
            figures = _profiled(scan, config, Path(config["profile"]))
        else:
            figures = scan(config)
        print(json.dumps(figures))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
