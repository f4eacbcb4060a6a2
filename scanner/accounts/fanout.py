"""Many accounts: the per-account scan as a plain function, mapped over accounts on a local pool or Dask,
and the roll-ups computed from the per-account results (never inside them)."""

from __future__ import annotations

import concurrent.futures as cf
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from mappings.errors import MappingError
from scanner import interrupts
from scanner.accounts.targets import AccountAccessError, AccountSpec, assume_role_session
from scanner.collect import utcnow_iso
from scanner.document import SCHEMA_VERSION
from scanner.errors import UsageError, WaScanError
from scanner.registry import discover
from scanner.runner import run_checks, select_checks
from scanner.scan import ScanOptions, build_document, exit_code, installed_checks
from scanner.scope import apply_scope, merged_scope, tags_for_scope
from scanner.session import make_session, open_target

# The Dask clusters wa-scan starts itself on this machine (threads of this process, or worker processes).
LOCAL_DASK = ("dask", "dask-processes")


class CheckSetMismatch(Exception):
    """The process scanning an account lacks some of the checks the multi-account scan settled on."""


def settled_check_ids(opts: ScanOptions) -> tuple[str, ...]:
    """The checks every account of one multi-account scan runs, settled once before the fan-out.

    Each account resolving ``--checks``/``--services`` on its own would let accounts of one scan run
    different checks: a check module added to the tree mid-scan, or a Dask worker with another wa-scan
    or other plugins installed. The roll-ups compare accounts, so they must answer the same questions.
    """
    return tuple(c.meta.id for c in select_checks(discover(plugins=opts.plugins), opts.check_ids, opts.services))


def _checks_to_run(opts: ScanOptions, check_ids: tuple[str, ...] | None) -> list[Any]:
    available = discover(plugins=opts.plugins)
    if check_ids is None:
        return select_checks(available, opts.check_ids, opts.services)
    missing = [c for c in check_ids if c not in available]
    if missing:
        raise CheckSetMismatch(f"this worker lacks {len(missing)} of the scan's {len(check_ids)} checks "
                               f"({', '.join(missing[:3])}{', ...' if len(missing) > 3 else ''}): install the "
                               "same wa-scan and plugins on every worker")
    return [available[c] for c in check_ids]


def scan_one_account(spec: AccountSpec, opts: ScanOptions, check_ids: tuple[str, ...] | None = None
                     ) -> dict[str, Any]:
    """Scan one account and return ``{"account", "name", "status", "reason", "doc", "exit"}``.

    A plain function of (account, role, options) -> result: the local pool and a Dask worker run the
    same code. It writes nothing; the caller writes outputs and history. ``check_ids`` is the exact set
    of checks to run (``settled_check_ids``); without it ``opts`` selects them here.
    """
    outcome: dict[str, Any] = {"account": spec.account_id, "name": spec.name, "status": "scanned",
                               "reason": None, "doc": None, "exit": 0}
    if interrupts.received():  # started just as the signal came: nothing to gather
        return _interrupted(spec)
    try:
        chosen = _checks_to_run(opts, check_ids)
        base = make_session(spec.profile)
        if spec.use_caller_credentials:
            session = base
        else:
            partition = (base.get_partition_for_region(base.region_name) if base.region_name else "aws")
            session = assume_role_session(base, spec, partition)
        target = open_target(session, list(spec.regions) or None, max_attempts=opts.max_attempts,
                             io_workers=opts.io_workers)
        if target.account != spec.account_id:
            raise AccountAccessError(f"credentials are for account {target.account}, not {spec.account_id}")
        # The first Ctrl-C or SIGTERM stops this account's reads too (the signal reaches the main thread only).
        with interrupts.stopping(target.collector.stop):
            tags = tags_for_scope(opts.scope, target)
            result = run_checks(target, chosen, options=opts.check_options, workers=opts.workers,
                                scope=opts.scope)
        if interrupts.received():
            result.complete = False
        if opts.scope is not None:
            result = apply_scope(result, opts.scope, tags, target.home_region)
        doc = build_document(result, opts)
        doc["account_name"] = spec.name
        outcome.update(doc=doc, exit=exit_code(result, opts.fail_on))
    except (AccountAccessError, CheckSetMismatch) as exc:
        outcome.update(status="not_assessed", reason=str(exc), exit=3)
    except (WaScanError, MappingError) as exc:
        outcome.update(status="not_assessed", reason=str(exc), exit=3)
    return outcome


def run_accounts(
    specs: list[AccountSpec],
    opts: ScanOptions,
    *,
    executor: str = "local",
    max_parallel: int = 4,
    progress: Callable[[int, int, str], None] | None = None,
) -> Iterator[dict[str, Any]]:
    """Yield each account's outcome as it finishes; one slow or failing account never stalls the rest.

    Accounts scanned side by side in one interpreter (the local pool, ``dask``) divide its thread budget
    between them, since more threads than that only queue for the interpreter; a worker process of
    ``dask-processes`` or a remote cluster scans one account per thread with the budget it was given.
    """
    check_ids = settled_check_ids(opts)
    share = max(1, max_parallel)
    if executor in ("local", "dask"):
        opts = replace(opts, workers=max(8, opts.workers // share), io_workers=max(8, opts.io_workers // share))
    if executor == "local":
        with cf.ThreadPoolExecutor(max_workers=max(1, max_parallel), thread_name_prefix="wa-scan-acct",
                                   initializer=interrupts.block_in_worker) as pool:
            futures = {pool.submit(scan_one_account, spec, opts, check_ids): spec for spec in specs}
            for done, outcome in enumerate(_until_interrupted(futures), start=1):
                if progress:
                    progress(done, len(specs), outcome["account"])
                yield outcome
        return
    if not executor.startswith("dask://") and executor not in LOCAL_DASK:
        raise UsageError(f"--executor {executor!r}: use local, dask, dask-processes or dask://HOST:PORT")
    try:
        from distributed import as_completed
    except ImportError:
        raise UsageError(f"--executor {executor} needs Dask: pip install 'wa-scan[dask]'") from None
    client = _dask_client(executor, max_parallel)
    try:
        futures = client.map(scan_one_account, specs, opts=opts, check_ids=check_ids, pure=False)
        waiting = dict(zip(futures, specs, strict=True))
        try:
            for done, fut in enumerate(as_completed(futures), start=1):
                del waiting[fut]
                outcome = fut.result()
                if progress:
                    progress(done, len(specs), outcome["account"])
                yield outcome
                if interrupts.received():
                    break
        except KeyboardInterrupt:
            pass
        # After a signal: workers elsewhere cannot be told to stop their reads, so what finished is kept
        # and the rest is cancelled and reported as not scanned.
        for fut, spec in waiting.items():
            if fut.status == "finished":
                yield fut.result()
            else:
                fut.cancel()
                yield _interrupted(spec)
    finally:
        client.close()


def _until_interrupted(futures: dict[cf.Future, AccountSpec]) -> Iterator[dict[str, Any]]:
    """Each account's outcome as it finishes. After the first signal the accounts under way end within
    seconds with what they gathered (their reads stop, see ``scan_one_account``) and are still yielded;
    accounts not started yet are yielded as not scanned, so every account is accounted for."""
    pending = dict(futures)
    try:
        for fut in cf.as_completed(list(pending)):
            del pending[fut]
            yield fut.result()
            if interrupts.received():  # the signal came while the caller was writing that account
                break
    except KeyboardInterrupt:
        pass
    started = {}
    for fut, spec in pending.items():
        if fut.cancel():
            yield _interrupted(spec)
        else:
            started[fut] = spec
    for fut in cf.as_completed(list(started)):
        yield fut.result()


def _interrupted(spec: AccountSpec) -> dict[str, Any]:
    return {"account": spec.account_id, "name": spec.name, "status": "not_assessed",
            "reason": "the scan was interrupted before this account was scanned", "doc": None, "exit": 3}


def _dask_client(executor: str, max_parallel: int) -> Any:
    """A client for ``dask://HOST:PORT``, or a LocalCluster started here.

    ``dask`` runs accounts as threads of this process (one interpreter, like the local pool);
    ``dask-processes`` starts ``max_parallel`` worker processes of one thread each, so accounts scanned
    at once use as many cores. No dashboard and no memory limit: the cluster lives for one scan.
    """
    from distributed import Client

    if executor.startswith("dask://"):
        return Client(executor[len("dask://"):])
    parallel = max(1, max_parallel)
    if executor == "dask-processes":
        return Client(processes=True, n_workers=parallel, threads_per_worker=1, dashboard_address=None,
                      memory_limit=0)
    return Client(processes=False, n_workers=1, threads_per_worker=parallel, dashboard_address=None)


def merge_workload(name: str, docs: list[dict[str, Any]], opts: ScanOptions) -> dict[str, Any]:
    """One scan document for a workload whose evidence spans accounts.

    The findings of every account are pooled, so a choice is contradicted when any account contradicts
    it and supported only when every account with evidence supports it; each finding keeps its account.
    """
    from mappings.suggest import add_suggestions

    if not docs:
        raise UsageError(f"workload {name!r}: no account could be scanned")
    checks: dict[str, dict[str, Any]] = {}
    for doc in docs:
        for c in doc["checks"]:
            entry = checks.setdefault(c["id"], {**c, "counts": Counter()})
            entry["counts"].update(c["counts"])
    by_op: Counter[str] = Counter()
    for doc in docs:
        by_op.update(doc["api_calls"]["by_operation"])
    merged: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "tool": docs[0]["tool"],
        "workload": name,
        "account": ",".join(d["account"] for d in docs),
        "accounts": [d["account"] for d in docs],
        "caller_arn": docs[0]["caller_arn"],
        "partition": docs[0].get("partition", "aws"),
        "regions": sorted({r for d in docs for r in d["regions"]}),
        "disabled_regions": sorted({r for d in docs for r in d.get("disabled_regions", [])}),
        "started_at": min(d["started_at"] for d in docs),
        "finished_at": max(d["finished_at"] for d in docs),
        "complete": all(d["complete"] for d in docs),
        "partial": any(d["partial"] for d in docs),
        "api_calls": {"total": sum(by_op.values()), "by_operation": dict(sorted(by_op.items()))},
        "checks": [{**c, "counts": dict(c["counts"])} for c in checks.values()],
        "findings": [f for d in docs for f in d["findings"]],
    }
    if merged_scope(docs) is not None:
        merged["scope"] = merged_scope(docs)
    add_suggestions(merged, lens_path=opts.lens, mapping_path=opts.mapping, checks=installed_checks(opts.plugins))
    return merged


def rollup(outcomes: list[dict[str, Any]], skipped: Iterable[dict[str, str]] = ()) -> dict[str, Any]:
    """``org.json``: accounts x pillars, the questions High in most accounts, the checks failing in most
    accounts, and the accounts that could not be scanned."""
    scanned = [o for o in outcomes if o["doc"] is not None]
    rows = []
    high_in: dict[str, set[str]] = defaultdict(set)
    failing_in: dict[str, set[str]] = defaultdict(set)
    questions: dict[str, dict[str, str]] = {}
    titles: dict[str, str] = {}
    pillar_order: dict[str, None] = {}
    for o in sorted(scanned, key=lambda o: o["account"]):
        doc = o["doc"]
        pillars: dict[str, Counter[str]] = defaultdict(Counter)
        for s in doc.get("suggestions", []):
            pillars[s["pillar"]][s["risk"]] += 1
            pillar_order.setdefault(s["pillar"])
            questions[s["question"]] = {"label": s["label"], "title": s["title"], "pillar": s["pillar"]}
            if s["risk"] == "HIGH":
                high_in[s["question"]].add(o["account"])
        for c in doc["checks"]:
            titles[c["id"]] = c["title"]
            if c["counts"].get("fail"):
                failing_in[c["id"]].add(o["account"])
        rows.append({
            "account": o["account"], "name": o["name"], "status": "scanned", "partial": doc["partial"],
            "failures": sum(1 for f in doc["findings"] if f["status"] == "fail"),
            "pillars": {p: {"HIGH": n.get("HIGH", 0), "MEDIUM": n.get("MEDIUM", 0)} for p, n in pillars.items()},
            "scan_dir": o.get("scan_dir"),
        })
    total = len(scanned)
    return {
        "schema_version": SCHEMA_VERSION,
        "generated_at": utcnow_iso(),
        "pillars": list(pillar_order),
        "accounts": rows,
        "not_scanned": [{"account": o["account"], "name": o["name"], "reason": o["reason"]}
                        for o in outcomes if o["doc"] is None],
        "skipped": [dict(s) for s in skipped],
        "questions_high_in_most": [
            {"question": q, **questions[q], "accounts_high": len(accts), "of": total}
            for q, accts in sorted(high_in.items(), key=lambda kv: (-len(kv[1]), questions[kv[0]]["label"]))
        ],
        "checks_failing_in_most": [
            {"check": c, "title": titles.get(c, c), "accounts_failing": len(accts), "of": total}
            for c, accts in sorted(failing_in.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        ],
    }


def specs_for(account_ids: list[str], caller_account: str, opts: ScanOptions, *, role_name: str | None,
              external_id: str | None, session_name: str, names: dict[str, str] | None = None,
              skip_caller: bool = False) -> list[AccountSpec]:
    """The account specs to scan: the caller's own account with its own credentials (unless skipped)."""
    names = names or {}
    base = AccountSpec(account_id="", role_name=role_name, external_id=external_id, session_name=session_name,
                       profile=opts.profile, regions=tuple(opts.regions))
    specs = []
    for acct in account_ids:
        if acct == caller_account:
            if skip_caller:
                continue
            specs.append(replace(base, account_id=acct, name=names.get(acct, ""), use_caller_credentials=True))
        else:
            specs.append(replace(base, account_id=acct, name=names.get(acct, "")))
    return specs


def account_out_dir(root: Path, account: str) -> Path:
    """Where one account's results go inside a multi-account output directory."""
    return root / account
