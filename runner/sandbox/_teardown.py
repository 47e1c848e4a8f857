"""What this process tears down when it exits or is told to stop: one registry for it.

Everything the harness starts that could outlive it registers a stop callback here (the Docker
sandboxes and one-shot containers do; _docker.py adds a sweep for containers carrying this
process's owner label that were never registered, e.g. one whose create raced a signal).
`stop_all_owned()` runs at exit and on SIGTERM/SIGINT, which also mark the process as
interrupted: no new container starts, and work that was running reports `Interrupted` instead
of a result.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import uuid
from collections.abc import Callable
from types import FrameType
from typing import Any

from runner.sandbox._base import Interrupted

_NONCE = uuid.uuid4().hex[:8]
_stoppers: dict[str, Callable[[], object]] = {}
_sweeps: list[Callable[[], int]] = []
# Reentrant: the signal handler runs on the main thread, possibly while it holds the lock.
_lock = threading.RLock()
_interrupted = threading.Event()
_handlers_installed = False
_atexit_registered = False


def owner_label() -> str:
    """Identity of this process's containers: host pid plus a per-process nonce."""
    return f"{os.getpid()}-{_NONCE}"


def register(key: str, stop: Callable[[], object]) -> None:
    """Have `stop` called when this process is torn down (unless unregistered first)."""
    with _lock:
        _stoppers[key] = stop


def unregister(key: str) -> None:
    with _lock:
        _stoppers.pop(key, None)


def add_sweep(sweep: Callable[[], int]) -> None:
    """A last pass after the registered stops (returns how many things it removed)."""
    with _lock:
        if sweep not in _sweeps:
            _sweeps.append(sweep)


def interrupted() -> bool:
    """True once this process got SIGTERM/SIGINT (see install_signal_handlers)."""
    return _interrupted.is_set()


def raise_if_interrupted() -> None:
    if _interrupted.is_set():
        raise Interrupted("interrupted by a signal")


def sleep_unless_interrupted(seconds: float) -> None:
    """Sleep (a retry's backoff), cut short and raising Interrupted when a signal comes."""
    if _interrupted.wait(seconds):
        raise Interrupted("interrupted by a signal")


def stop_all_owned() -> int:
    """Stop everything registered, then run the sweeps. Never raises; returns the count."""
    with _lock:
        stoppers = list(_stoppers.items())
        sweeps = list(_sweeps)
    for key, stop in stoppers:
        with contextlib.suppress(Exception):
            stop()
        unregister(key)
    removed = len(stoppers)
    for sweep in sweeps:
        with contextlib.suppress(Exception):
            removed += sweep()
    return removed


def install_signal_handlers() -> None:
    """On SIGTERM/SIGINT: mark the process interrupted, stop what it owns, then unwind the
    main thread (KeyboardInterrupt for SIGINT, SystemExit(128 + n) for SIGTERM) so that `with`
    blocks stop what they started (the proxy runs in its own session and would outlive us).
    A second signal while unwinding acts as the default one: the process dies at once.

    Signal handlers can only be set from the main thread: call this there before starting
    worker threads (shard_context does); from another thread it only registers the atexit hook.
    """
    global _handlers_installed, _atexit_registered
    with _lock:
        if not _atexit_registered:
            import atexit

            atexit.register(stop_all_owned)
            _atexit_registered = True
        if _handlers_installed or threading.current_thread() is not threading.main_thread():
            return
        _handlers_installed = True
    for signum in (signal.SIGTERM, signal.SIGINT):
        previous = signal.getsignal(signum)
        if previous == signal.SIG_IGN:
            continue  # whoever started us chose to ignore it (e.g. a background job's SIGINT)
        signal.signal(signum, _handler(previous))


def _handler(previous: Any) -> Callable[[int, FrameType | None], None]:
    def handler(num: int, frame: FrameType | None) -> None:
        if _interrupted.is_set():
            signal.signal(num, signal.SIG_DFL)
            os.kill(os.getpid(), num)
            return
        _interrupted.set()
        stop_all_owned()
        if callable(previous) and previous is not signal.default_int_handler:
            previous(num, frame)
        if num == signal.SIGINT:
            raise KeyboardInterrupt
        raise SystemExit(128 + num)

    return handler
