"""The retry budget: patient retries for throttling, a few quick ones for a failing endpoint, none beyond.

botocore's own policy retries every 5xx, connection error and timeout like throttling (up to
``max_attempts`` with backoff up to 20 s each), so an endpoint that is down, or a service missing from
an endpoint, holds a scan for minutes. This policy answers botocore's ``needs-retry`` event first:

* throttling keeps botocore's adaptive client-side rate limiting and up to ``max_attempts`` attempts with
  jittered exponential backoff;
* a 5xx, a connection error or a timeout gets ``TRANSIENT_ATTEMPTS`` attempts in all, a fraction of a
  second apart, then the read is *not assessed* with the reason;
* no read waits more than ``READ_BACKOFF_S`` in backoff, whatever the error;
* anything else (a redirect, a modelled retryable error) is left to botocore's own handlers;
* once the scan is stopping, nothing is retried.

The time spent waiting is counted, so a scan (and the benchmark) can say what retries cost.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from typing import Any

from scanner.errors import THROTTLING_CODES

TRANSIENT_ATTEMPTS = 3
TRANSIENT_BASE_S = 0.25
THROTTLE_BASE_S = 0.5
THROTTLE_CAP_S = 5.0
READ_BACKOFF_S = 10.0
# Error codes AWS uses for a request that may succeed at once if sent again (botocore's transient list).
TRANSIENT_CODES = frozenset({"RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete",
                             "InternalError", "InternalFailure", "ServiceUnavailable"})
_SPENT = "wa_scan_backoff_s"


class RetryBudget:
    """A ``needs-retry`` handler shared by a scan's clients; ``wait_s`` is the backoff slept so far."""

    def __init__(self, max_attempts: int, stopping: threading.Event | None = None) -> None:
        self.max_attempts = max(1, max_attempts)
        self._stopping = stopping or threading.Event()
        self.wait_s = 0.0
        self.retries: Counter[str] = Counter()  # "throttled" / "transient": retries granted
        self.given_up: Counter[str] = Counter()  # reads that ran out of budget, by kind
        self._lock = threading.Lock()

    def __call__(self, attempts: int, response: Any = None, caught_exception: BaseException | None = None,
                 request_dict: dict[str, Any] | None = None, **_: Any) -> float | bool | None:
        """botocore's ``needs-retry``: seconds to sleep before trying again, ``False`` for no retry, ``None``
        when the decision is botocore's."""
        kind = failure_kind(response, caught_exception)
        if kind is None:
            return None
        if self._stopping.is_set():
            return False  # the scan is stopping: what failed stays failed
        if kind == "throttled":
            limit = self.max_attempts
            delay = random.uniform(0, min(THROTTLE_CAP_S, THROTTLE_BASE_S * 2 ** (attempts - 1)))
        else:
            limit = min(TRANSIENT_ATTEMPTS, self.max_attempts)
            delay = TRANSIENT_BASE_S * 2 ** (attempts - 1) * random.uniform(0.5, 1.0)
        context = (request_dict or {}).get("context", {})
        spent = context.get(_SPENT, 0.0)
        delay = min(delay, READ_BACKOFF_S - spent)
        if attempts >= limit or delay <= 0:
            with self._lock:
                self.given_up[kind] += 1
            return False
        context[_SPENT] = spent + delay
        with self._lock:
            self.wait_s += delay
            self.retries[kind] += 1
        return delay


def failure_kind(response: Any, caught_exception: BaseException | None) -> str | None:
    """``"throttled"``, ``"transient"`` (5xx, connection error, timeout) or ``None`` for the rest."""
    if caught_exception is not None:
        return "transient"
    if not response:
        return None
    http, parsed = response
    status = getattr(http, "status_code", 0) or 0
    code = str(((parsed or {}).get("Error") or {}).get("Code") or "")
    if code in THROTTLING_CODES or status == 429:
        return "throttled"
    if status >= 500 or code in TRANSIENT_CODES:
        return "transient"
    return None
