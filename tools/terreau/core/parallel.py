"""Two processor cores for work that splits: a forked child takes half, where forking is safe.

Forking is used only on Linux and only while the process runs a single thread (``mkdocs
serve`` runs several: forking there could deadlock). Elsewhere the work runs here, with
the same results.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def can_fork() -> bool:
    return sys.platform.startswith("linux") and threading.active_count() == 1


def map_halves(fn: Callable[[T], R], items: Sequence[T], at_least: int = 500) -> list[R]:
    """[fn(item) for item in items], in order; with ``at_least`` items or more, a forked
    child computes the second half (results come back pickled). If the child fails, its
    half is computed here."""
    if len(items) < at_least or not can_fork():
        return [fn(item) for item in items]
    half = len(items) // 2
    fork = multiprocessing.get_context("fork")
    receiver, sender = fork.Pipe(duplex=False)
    child = fork.Process(target=_second_half, args=(fn, items[half:], sender), daemon=True)
    child.start()
    sender.close()
    first = [fn(item) for item in items[:half]]
    try:
        second: Any = receiver.recv()
    except EOFError:  # the child died before answering
        second = None
    child.join()
    receiver.close()
    if child.exitcode != 0 or second is None:
        second = [fn(item) for item in items[half:]]
    return first + list(second)


def leave_interruptions_to_parent() -> None:
    """In a child: Ctrl+C stops the build, which ends its children (no second traceback)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def run_in_background() -> None:
    """In a helper beside the page build: interruptions are the build's, and the processor
    goes to the pages (the longer task) when both want it."""
    leave_interruptions_to_parent()
    if hasattr(os, "nice"):
        os.nice(10)


def _second_half(fn: Callable[[T], R], items: Sequence[T], sender: Any) -> None:
    leave_interruptions_to_parent()
    sender.send([fn(item) for item in items])
    sender.close()
