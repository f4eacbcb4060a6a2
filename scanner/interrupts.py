"""What Ctrl-C and SIGTERM do: the first stops the scan and keeps what it gathered; none ever costs a file.

* Starting up (imports, argument parsing): a signal ends the process quietly, exit 3, no traceback.
* Scanning: the first signal stops new AWS calls and the pauses before asking again (``stopping``), and
  raises ``KeyboardInterrupt`` in the main thread; the runner turns that into an incomplete result, which
  is written as usual.
* Saving (from the first signal until the command returns, and any ``writing`` block): a signal only says
  to wait; the atomic writes and the history row finish. A third signal ends the process at once; what is
  on disk stays as it is (every write is atomic).

Worker threads block these signals (``block_in_worker``), so the kernel hands them to the main thread,
which acts on them at once instead of at its next wake-up.

After an interrupt the process ends as soon as the command returns (``exit_if_interrupted``), without
waiting for reads still in flight on worker threads: their answers are no longer wanted.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

EXIT_INTERRUPTED = 3
_SIGNALS = (signal.SIGINT, signal.SIGTERM)

_lock = threading.Lock()
_received = 0
_writing = 0
_stop_hooks: list[Callable[[], None]] = []


def _say(text: str) -> None:
    try:
        sys.stderr.write(f"wa-scan: {text}\n")
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed or broken stderr must not turn an interrupt into a traceback
        pass


def _exit_now(code: int) -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)


def _while_starting(signum: int, frame: Any) -> None:
    _say("interrupted")
    _exit_now(EXIT_INTERRUPTED)


def _while_running(signum: int, frame: Any) -> None:
    global _received
    with _lock:
        _received += 1
        first = _received == 1
        hooks = list(_stop_hooks) if first else []
    for hook in hooks:
        try:
            hook()
        except Exception:  # stopping is best effort; the interrupt itself must go through
            pass
    if first and not _writing:
        raise KeyboardInterrupt
    if _received <= 2:
        _say("saving what was gathered; exiting when it is on disk (interrupt again to exit at once)")
        return
    _say("interrupted again: exiting now (files already written are kept)")
    _exit_now(EXIT_INTERRUPTED)


def _install(handler: Callable[[int, Any], None]) -> Callable[[], None]:
    """Set ``handler`` for SIGINT and SIGTERM; returns what puts the previous handlers back."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None  # embedded use off the main thread: signals are not ours to take
    previous = {sig: signal.signal(sig, handler) for sig in _SIGNALS}

    def restore() -> None:
        for sig, old in previous.items():
            signal.signal(sig, old if old is not None else signal.SIG_DFL)

    return restore


def quiet_start() -> Callable[[], None]:
    """Signals end the process quietly (start-up: nothing to keep yet); returns the restorer."""
    return _install(_while_starting)


def install() -> Callable[[], None]:
    """The running policy (see the module docstring), counting afresh; returns the restorer."""
    global _received
    with _lock:
        _received = 0
    return _install(_while_running)


def block_in_worker() -> None:
    """A thread pool ``initializer``: this thread never takes SIGINT or SIGTERM (the main thread does)."""
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)


def received() -> bool:
    """True once a signal arrived while the running policy was installed."""
    return _received > 0


@contextmanager
def stopping(stop: Callable[[], None]) -> Iterator[None]:
    """Call ``stop`` (e.g. ``Collector.stop``) on the first signal while inside this block."""
    with _lock:
        _stop_hooks.append(stop)
    try:
        yield
    finally:
        with _lock:
            _stop_hooks.remove(stop)


@contextmanager
def writing() -> Iterator[None]:
    """A block that a signal never breaks: results being written finish, then the process may end."""
    global _writing
    _writing += 1
    try:
        yield
    finally:
        _writing -= 1


def exit_if_interrupted(code: int) -> None:
    """End the process with ``code`` now if a signal arrived: reads in flight are no longer wanted, and
    waiting for their retries is what kept an interrupted scan alive for half a minute."""
    if received():
        _exit_now(code)
