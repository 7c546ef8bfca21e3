"""Opening a store: a DuckDB file with the LinkAtlas layout."""

from __future__ import annotations

from pathlib import Path

import duckdb

from linkatlas.errors import StoreError, StoreMissingError
from linkatlas.store.schema import LATEST_VERSION, applied_version, migrate
from linkatlas.store.sql import fetch_one

REPORT_THREADS = 1
"""DuckDB threads for reports: their statements read a few thousand rows of the aggregates or
one target's links, where a second thread costs more to coordinate than it saves
(``bench/queries.py``, BENCHMARKS.md)."""


def open_store(
    path: Path, *, create: bool = False, threads: int | None = None
) -> duckdb.DuckDBPyConnection:
    """A connection to the store at ``path``, migrated to the current layout.

    With ``create`` a missing file is created; without it a missing file is an error that
    says how to make one. ``threads`` sets DuckDB's worker threads (default: one per core;
    :data:`REPORT_THREADS` for reports).
    """
    if not path.exists() and not create:
        raise StoreMissingError(
            f"no store at {path}: ingest something first "
            f"(linkatlas ingest warc FILE.warc.gz --db {path}) or pass --db"
        )
    if path.exists() and path.is_dir():
        raise StoreError(f"{path} is a directory; --db takes a DuckDB file path")
    if create:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path))
    except duckdb.Error as exc:
        raise StoreError(f"cannot open {path} as a DuckDB store: {exc}") from exc
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SET enable_progress_bar = false")  # it writes to stdout, into --json output
    if threads is not None:
        con.execute(f"SET threads = {int(threads)}")
    version = applied_version(con)
    if version is None and not create:
        tables = fetch_one(con, "SELECT count(*) FROM information_schema.tables")
        if tables and tables[0]:
            con.close()
            raise StoreError(f"{path} is a DuckDB file but not a LinkAtlas store")
    if version is not None and version > LATEST_VERSION:
        con.close()
        raise StoreError(
            f"{path} was written by a newer LinkAtlas (layout {version}, this one knows "
            f"{LATEST_VERSION}); upgrade linkatlas"
        )
    migrate(con)
    return con
