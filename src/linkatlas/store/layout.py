"""Physical layout of ``links``: rows clustered by target, so that a report reads few of them.

DuckDB keeps the minimum and maximum of every column per row group (122,880 rows) and skips
the row groups whose range cannot hold a filter's value (zone maps). Every report selects a
target's links (``target_domain_id = ?``, then a snapshot); ingest writes links page after
page, so every row group holds links to every target and each report reads the whole table.
:func:`cluster_links` rewrites ``links`` ordered by :data:`LINK_KEY`, so that a target's links,
all snapshots together, fill one contiguous run of row groups: a small target's links share
one row group, a target with 100k links per snapshot two (DESIGN.md, "Store";
measured by ``bench/queries.py``, figures in BENCHMARKS.md).

Ingest appends after the clustered rows. ``store_layout`` (migration 3) records how many rows
were clustered and the ``rowid`` of the last one; the rows after it are the unclustered tail,
which every query still scans in full. :func:`maybe_cluster_links`, called at the end of each
ingest, re-clusters only when that tail reaches :data:`RECLUSTER_SHARE` of the table, so a
large store is not rewritten for a small ingest; ``linkatlas optimize`` clusters whatever the
tail.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime

import duckdb

from linkatlas.errors import StoreError
from linkatlas.store.sql import fetch_one

log = logging.getLogger(__name__)

LINK_KEY = ("target_domain_id", "snapshot_id", "source_domain_id", "source_url_id", "ordinal")
"""The order of ``links``; (snapshot, source URL, ordinal) is unique, so the order is total."""
KEYS: dict[str, tuple[str, ...]] = {"links": LINK_KEY}
"""The clustered tables and their sort keys."""
RECLUSTER_SHARE = 0.10
"""Re-cluster when the unclustered tail holds at least this share of the links."""


@dataclass(frozen=True, slots=True)
class LayoutState:
    """How one table is laid out now."""

    table: str
    rows: int
    tail: int  # rows appended since the last clustering (all of them if never clustered)
    clustered_at: datetime | None


@dataclass(frozen=True, slots=True)
class ClusterResult:
    """What :func:`cluster_links` did."""

    rows: int
    seconds: float


def _key(table: str) -> str:
    return ", ".join(KEYS[table])


def layout_state(con: duckdb.DuckDBPyConnection, table: str = "links") -> LayoutState:
    """The rows of ``table`` and how many of them lie after the clustered ones."""
    done = fetch_one(
        con,
        "SELECT clustered_rows, last_rowid, clustered_at, sort_key FROM store_layout "
        "WHERE table_name = ?",
        [table],
    )
    if done is None or done[3] != _key(table):  # never clustered, or by another key
        row = fetch_one(con, f"SELECT count(*) FROM {table}")
        rows = int(row[0]) if row else 0
        return LayoutState(table, rows, rows, None)
    clustered, last_rowid, clustered_at, _ = done
    row = fetch_one(
        con,
        f"SELECT count(*), count(*) FILTER (WHERE rowid > $last) FROM {table}",
        {"last": last_rowid},
    )
    rows, after = (int(row[0]), int(row[1])) if row else (0, 0)
    # Appended rows get rowids above the clustered ones; the count also catches growth should
    # DuckDB ever renumber rowids.
    tail = min(rows, max(after, rows - int(clustered)))
    return LayoutState(table, rows, tail, clustered_at)


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    rows = con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
        "ORDER BY ordinal_position",
        [table],
    ).fetchall()
    return [str(r[0]) for r in rows]


def _fingerprint(con: duckdb.DuckDBPyConnection, table: str, checksum: str) -> tuple[int, int]:
    """(rows, sum of the row hashes): equal before and after a rewrite that keeps every row."""
    row = fetch_one(con, f"SELECT count(*), coalesce(sum({checksum}), 0) FROM {table}")
    assert row is not None
    return int(row[0]), int(row[1])


def _rewrite(con: duckdb.DuckDBPyConnection, table: str) -> int:
    """Rewrite ``table`` in its key's order (inside the caller's transaction); its rows."""
    checksum = f"hash({', '.join(_columns(con, table))})::HUGEINT"
    before = _fingerprint(con, table, checksum)
    last = fetch_one(con, f"SELECT max(rowid) FROM {table}")
    if before[0] and last is not None:
        # The copies get rowids above every existing row; then the originals go.
        con.execute(f"INSERT INTO {table} SELECT * FROM {table} ORDER BY {_key(table)}")
        con.execute(f"DELETE FROM {table} WHERE rowid <= $last", {"last": last[0]})
    after = _fingerprint(con, table, checksum)
    if after != before:
        raise StoreError(
            f"clustering {table} would change it ({before[0]} rows before, {after[0]} after, "
            "or different contents); nothing was changed"
        )
    con.execute("DELETE FROM store_layout WHERE table_name = ?", [table])
    con.execute(
        "INSERT INTO store_layout VALUES (?, ?, ?, -1, now(), 0)", [table, _key(table), before[0]]
    )
    return before[0]


def cluster_links(con: duckdb.DuckDBPyConnection) -> ClusterResult:
    """Rewrite ``links`` in :data:`LINK_KEY` order, in one transaction.

    Every row is kept as it is: the rows are copied in order after the existing ones, the
    originals deleted, and the row count and the sum of every row's hash (all columns)
    compared before committing; any difference rolls it all back (StoreError). Clustering a
    clustered table gives the same order again.
    """
    started = time.perf_counter()
    con.execute("BEGIN TRANSACTION")
    try:
        rows = sum(_rewrite(con, table) for table in KEYS)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    seconds = time.perf_counter() - started
    # The rowids of committed rows are known only now: the tail begins after the last one.
    for table in KEYS:
        con.execute(
            f"""UPDATE store_layout
                SET last_rowid = (SELECT coalesce(max(rowid), -1) FROM {table}), seconds = ?
                WHERE table_name = ?""",
            [seconds, table],
        )
    con.execute("CHECKPOINT")  # drops the deleted originals from the file
    log.info("clustered %d links in %.1f s", rows, seconds)
    return ClusterResult(rows, time.perf_counter() - started)


def maybe_cluster_links(
    con: duckdb.DuckDBPyConnection, *, share: float = RECLUSTER_SHARE
) -> ClusterResult | None:
    """Cluster when the unclustered tail of ``links`` is at least ``share`` of it; else None."""
    state = layout_state(con)
    if state.tail == 0 or state.tail < share * state.rows:
        return None
    return cluster_links(con)
