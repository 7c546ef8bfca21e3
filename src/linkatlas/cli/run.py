"""The body every report command shares: open the store, call the library, print."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from linkatlas.cli import output
from linkatlas.extract.domains import DomainResolver
from linkatlas.store.connection import REPORT_THREADS, open_store

R = TypeVar("R")


def run_report(
    db: Path,
    build: Callable[..., R],
    *args: Any,
    json: bool,
    show: Callable[[R], None],
    **kwargs: Any,
) -> R:
    """Build one report with ``build(con, *args, resolver=..., **kwargs)`` and print it: one
    JSON document with ``json``, else ``show``'s tables. Returns the report."""
    with open_store(db, threads=REPORT_THREADS) as con:
        report = build(con, *args, resolver=DomainResolver(), **kwargs)
    if json:
        output.print_json(report)
    else:
        show(report)
    return report
