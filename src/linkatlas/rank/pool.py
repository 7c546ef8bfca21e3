"""Threads for the PageRank loops (compiled, they release the GIL while they run)."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from linkatlas.errors import InputError

MIN_NNZ_PER_THREAD = 200_000
"""Below this many links per thread, a second thread costs more than it saves."""
MAX_THREADS = 8


class Pool:
    """Runs a function over items on ``threads`` threads: the caller's and ``threads - 1``
    workers, each taking the next item left (so a thread the machine holds back leaves its
    share to the others, and a pass wakes one thread less)."""

    def __init__(self, threads: int) -> None:
        self.threads = threads
        self.executor = ThreadPoolExecutor(max_workers=threads - 1) if threads > 1 else None

    def map(self, run: Callable[[Any], Any], items: Iterable[Any]) -> list[Any]:
        jobs = list(items)
        if self.executor is None or len(jobs) == 1:
            return [run(job) for job in jobs]
        results: list[Any] = [None] * len(jobs)
        order = itertools.count()  # next() on it is atomic: each index is taken once

        def take() -> None:
            while (index := next(order)) < len(jobs):
                results[index] = run(jobs[index])

        helpers = [self.executor.submit(take) for _ in range(min(self.threads, len(jobs)) - 1)]
        try:
            take()
        finally:
            for helper in helpers:
                helper.result()
        return results

    def close(self) -> None:
        if self.executor is not None:
            self.executor.shutdown()


def thread_count(threads: int | None, nnz: int) -> int:
    """``threads`` if given (at least 1), else the usable cores for ``nnz`` links."""
    if threads is not None:
        if threads < 1:
            raise InputError(f"threads={threads}: give at least 1")
        return threads
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cores or 1, MAX_THREADS, nnz // MIN_NNZ_PER_THREAD))
