"""The collector: the one way checks read AWS.

Each (service, region, operation, parameters) is called at most once per scan and the answer is
shared by every check that asks; pagination is merged; clients are built once per (service, region);
concurrent calls to one service and region are bounded so a scan stays under AWS rate limits.
Errors are kept like answers, so a denied read is attempted once and every reader hears why.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

import boto3
from botocore import xform_name
from botocore.client import BaseClient
from botocore.config import Config
from botocore.exceptions import ClientError

from scanner.answers import DamagedAnswer, check_parsed, check_raw, missing
from scanner.availability import not_offered
from scanner.errors import DAMAGE_ERRORS, NotAssessed, classify
from scanner.interrupts import block_in_worker
from scanner.model import Reason
from scanner.retry_budget import RetryBudget

# Concurrent calls per (service, region). S3's bucket-configuration reads scale per bucket and are served
# far above these rates; the control planes of IAM, EC2 and most other services throttle much earlier.
SERVICE_LIMITS = {"s3": 32}
# A damaged answer (cut short, not JSON, an HTML page) is asked for again this many times in all, after a
# short pause; botocore's own retries do not see it, because it arrives as a success.
DAMAGED_ATTEMPTS = 3
DAMAGED_PAUSE = 0.2

T = TypeVar("T")
R = TypeVar("R")


def utcnow_iso() -> str:
    """The current UTC time as an ISO 8601 string with a ``Z`` suffix."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class _Slot:
    """One cached answer: filled once, waited on by every concurrent reader of the same key."""

    ready: threading.Event
    value: Any = None
    error: BaseException | None = None
    collected_at: str = ""
    verified: tuple[str, ...] = ()  # the members every page of ``value`` was seen to have


class Collector:
    """Memoised, paginated, thread-safe, bounded access to AWS read APIs."""

    def __init__(
        self,
        session: boto3.Session,
        *,
        max_attempts: int = 10,
        per_service_limit: int = 8,
        service_limits: dict[str, int] | None = None,
        connect_timeout: float = 10,
        read_timeout: float = 30,
        io_workers: int = 64,
    ) -> None:
        self.session = session
        self._config = Config(
            retries={"mode": "adaptive", "max_attempts": max_attempts},
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            max_pool_connections=max([per_service_limit, 10, *SERVICE_LIMITS.values()]),
            user_agent_extra="wa-scan",
        )
        self._per_service_limit = per_service_limit
        self._service_limits = {**SERVICE_LIMITS, **(service_limits or {})}
        self._lock = threading.Lock()
        self._clients: dict[tuple[str, str], BaseClient] = {}
        self._limits: dict[tuple[str, str], threading.BoundedSemaphore] = {}
        self._slots: dict[tuple[str, ...], _Slot] = {}
        # Per-resource reads of one check fan out here; separate from the runner's pool so a check
        # waiting on its reads never starves them.
        self._io = ThreadPoolExecutor(max_workers=io_workers, thread_name_prefix="wa-scan-io",
                                      initializer=block_in_worker)
        self._io_threads: set[int] = set()
        # Set by ``stop()``: no new call starts and a pause before asking again ends at once.
        self._stopping = threading.Event()
        # The members the read this thread is making must have (see ``call``'s ``required``).
        self._required = threading.local()
        # Throttling is retried patiently, a failing endpoint briefly, nothing once stopping (scanner.retry_budget).
        self.retry_budget = RetryBudget(max_attempts, stopping=self._stopping)

    # -- clients ---------------------------------------------------------------------------------------

    def client(self, service: str, region: str) -> BaseClient:
        """The scan's client for ``service`` in ``region``; built once, shared by threads."""
        key = (service, region)
        with self._lock:
            found = self._clients.get(key)
            if found is None:
                # boto3 sessions are not thread-safe, so client creation stays under the lock.
                found = self.session.client(service, region_name=region, config=self._config)
                # Last, so a fault or stub registered on the session is judged like a real answer.
                found.meta.events.register_last("before-parse", _judge_raw_answer, unique_id="wa-scan-answer")
                found.meta.events.register_last("after-call", self._judge_whole, unique_id="wa-scan-whole")
                # Once the scan is stopping, botocore's own retries end too (False: do not retry).
                found.meta.events.register_first("needs-retry", self._retry_unless_stopping,
                                                 unique_id="wa-scan-stop")
                # On the service's own event, first: botocore's retry handler sits there and would answer first.
                found.meta.events.register_first(f"needs-retry.{found.meta.service_model.service_id.hyphenize()}",
                                                 self.retry_budget, unique_id="wa-scan-retry-budget")
                self._clients[key] = found
                limit = self._service_limits.get(service, self._per_service_limit)
                self._limits[key] = threading.BoundedSemaphore(limit)
            return found

    # -- reads -----------------------------------------------------------------------------------------

    def call(
        self,
        service: str,
        operation: str,
        region: str,
        *,
        absent: Iterable[str] = (),
        required: Iterable[str] = (),
        **params: Any,
    ) -> Any:
        """The full answer of ``operation`` (all pages merged), or ``None`` when AWS answers with one of
        the ``absent`` error codes (e.g. ``NoSuchBucketPolicy``: the thing does not exist).

        ``required`` names members (dotted paths) a whole answer always has, such as ``("Owner",)`` for
        an ACL or ``("Buckets",)`` for a bucket list: the positive evidence that an empty-looking answer
        really is empty. An answer without one is asked for again, then not assessed.

        Raises ``NotAssessed`` when the read cannot be made.
        """
        value, _ = self.call_with_time(service, operation, region, absent=absent, required=required, **params)
        return value

    def call_with_time(
        self,
        service: str,
        operation: str,
        region: str,
        *,
        absent: Iterable[str] = (),
        required: Iterable[str] = (),
        **params: Any,
    ) -> tuple[Any, str]:
        """Like ``call``, and also when the answer was collected."""
        need = tuple(required)
        key = ("call", service, region, operation, json.dumps(params, sort_keys=True, default=str))
        slot = self._slot(key, lambda: self._fetch(service, operation, region, params, need), need)
        if slot.error is None and need and not set(need) <= set(slot.verified) and missing(slot.value, need):
            # Cached by a reader that asked less of it: ask again, this time for the whole answer.
            slot = self._slot((*key, "required", *need), lambda: self._fetch(service, operation, region, params, need),
                              need)
        if slot.error is not None:
            err = slot.error
            if isinstance(err, ClientError) and err.response.get("Error", {}).get("Code") in set(absent):
                return None, slot.collected_at
            if isinstance(err, NotAssessed):
                raise err
            raise classify(err, service, operation, region) from err
        return slot.value, slot.collected_at

    def map(self, func: Callable[[T], R], items: Iterable[T]) -> list[R]:
        """``[func(item) for item in items]``, run concurrently on the collector's I/O pool, in order.

        The first exception raised by ``func`` is re-raised after every item has finished. Called from
        inside an I/O task it runs inline, so nested use cannot deadlock the pool.
        """
        work = list(items)
        if len(work) < 2 or threading.get_ident() in self._io_threads:
            return [func(item) for item in work]

        def run(item: T) -> R:
            self._io_threads.add(threading.get_ident())
            return func(item)

        futures = [self._io.submit(run, item) for item in work]
        wait(futures)
        return [f.result() for f in futures]

    def close(self) -> None:
        """Stop the I/O pool (pending per-resource reads are dropped)."""
        self._io.shutdown(wait=False, cancel_futures=True)

    def memo(self, name: str, build: Callable[[], Any]) -> Any:
        """A value derived from reads (a parsed report, a joined table), built once per scan.

        ``build`` may raise ``NotAssessed``; every later caller gets the same error.
        """
        slot = self._slot(("memo", name), build)
        if slot.error is not None:
            raise slot.error
        return slot.value

    def _slot(self, key: tuple[str, ...], produce: Callable[[], Any], verified: tuple[str, ...] = ()) -> _Slot:
        with self._lock:
            slot = self._slots.get(key)
            owner = slot is None
            if owner:
                slot = self._slots[key] = _Slot(threading.Event())
        assert slot is not None
        if not owner:
            slot.ready.wait()
            return slot
        try:
            slot.value = produce()
            slot.verified = verified
        except Exception as exc:  # kept and re-raised to every reader, classified per reader
            slot.error = exc
        finally:
            slot.collected_at = utcnow_iso()
            slot.ready.set()
        return slot

    @property
    def retry_wait_s(self) -> float:
        """Seconds the scan's reads have spent in retry backoff so far."""
        return self.retry_budget.wait_s

    def _judge_whole(self, http_response: Any = None, parsed: Any = None, **_: Any) -> None:
        """botocore ``after-call`` hook: a page without a member its reader requires is damaged."""
        need = getattr(self._required, "need", ())
        if not need or http_response is None or getattr(http_response, "status_code", 200) >= 300:
            return
        absent_member = missing(parsed, need)
        if absent_member:
            raise DamagedAnswer(f"the answer has no {absent_member}, so an empty answer cannot be told from a "
                                "damaged one")

    def _retry_unless_stopping(self, **_: Any) -> bool | None:
        return False if self._stopping.is_set() else None

    def stop(self) -> None:
        """Start no new call from now on; a pause before asking again for a damaged answer ends at once."""
        self._stopping.set()

    def _fetch(self, service: str, operation: str, region: str, params: dict[str, Any],
               required: tuple[str, ...] = ()) -> Any:
        """One whole answer: a damaged one is asked for again, then raised as ``DamagedAnswer``."""
        if not_offered(self.session, service, region):
            # Known from botocore's endpoint data: calling would only wait on an endpoint that is not there.
            raise NotAssessed(Reason.NOT_ENABLED, f"{service} is not available in {region} (AWS does not offer "
                              "it there)", code="ServiceNotInRegion", operation=f"{service}:{operation}")
        attempt = 1
        while True:
            if self._stopping.is_set():
                raise NotAssessed(Reason.INTERRUPTED, "the scan was interrupted before this read",
                                  operation=f"{service}:{operation}")
            # Each page is held to ``required`` as it arrives (``_judge_whole``): merging pages drops members.
            self._required.need = required
            try:
                result = self._fetch_once(service, operation, region, params)
                check_parsed(self.client(service, region).meta.service_model.operation_model(operation), result)
                return result
            except DAMAGE_ERRORS:
                if attempt >= DAMAGED_ATTEMPTS or self._stopping.is_set():
                    raise
            finally:
                self._required.need = ()
            # Sleep on the stop event, so an interrupt does not wait for the pause to end.
            self._stopping.wait(DAMAGED_PAUSE * attempt)
            attempt += 1

    def _fetch_once(self, service: str, operation: str, region: str, params: dict[str, Any]) -> Any:
        client = self.client(service, region)
        py_name = xform_name(operation)
        if not hasattr(client, py_name):
            raise ValueError(f"{service} has no operation {operation}")
        with self._limits[(service, region)]:
            if client.can_paginate(py_name):
                result = client.get_paginator(py_name).paginate(**params).build_full_result()
            else:
                result = getattr(client, py_name)(**params)
        if isinstance(result, dict):
            result.pop("ResponseMetadata", None)
        return result


def _judge_raw_answer(operation_model: Any, response_dict: dict[str, Any], **_: Any) -> None:
    """botocore ``before-parse`` hook: a damaged body never reaches the parser's lenient fallbacks."""
    check_raw(operation_model, response_dict)
