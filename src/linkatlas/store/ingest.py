"""Writing pages and links into the store: batched (Arrow), idempotent and resumable.

Idempotent: a page is keyed by (snapshot, URL); a capture already stored, or older than the
stored one, adds nothing; a newer capture replaces the page and its links. Resumable: each
batch commits with the file's progress (records read), so an interrupted ingest re-run
skips what was committed and nothing is lost or doubled.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from linkatlas.extract.domains import DomainResolver
from linkatlas.extract.html import extract_page
from linkatlas.extract.urls import host_of, normalize_url, resolve_url
from linkatlas.ids import link_id, snapshot_id, stable_id
from linkatlas.records import ExtractedPage, ExtractStats, FetchedPage, Link
from linkatlas.sources.warc import WarcStats, iter_warc_pages
from linkatlas.store import aggregates, layout
from linkatlas.store.sql import fetch_one

log = logging.getLogger(__name__)

Progress = Callable[[Path, int], None]
"""Called with a file and how many of its bytes have been read so far."""


@dataclass(slots=True)
class IngestStats:
    """Every outcome of an ingest, for the caller to show."""

    snapshot: str = ""
    files: int = 0
    files_already_done: int = 0
    files_resumed: int = 0
    pages_read: int = 0
    pages_written: int = 0
    pages_unchanged: int = 0
    links_written: int = 0
    errors: int = 0
    seconds: float = 0.0
    warc: WarcStats = field(default_factory=WarcStats)
    extract: ExtractStats = field(default_factory=ExtractStats)

    def as_dict(self) -> dict[str, object]:
        return {
            "snapshot": self.snapshot,
            "files": self.files,
            "files_already_done": self.files_already_done,
            "files_resumed": self.files_resumed,
            "records": self.warc.records,
            "records_skipped": self.warc.as_dict()["skipped"],
            "pages_read": self.pages_read,
            "pages_written": self.pages_written,
            "pages_unchanged": self.pages_unchanged,
            "links_written": self.links_written,
            "links_kept": self.extract.links_kept,
            "links_dropped": self.extract.as_dict()["dropped"],
            "truncated_pages": self.warc.truncated,
            "capped_pages": self.extract.capped,
            "errors": self.errors,
            "seconds": round(self.seconds, 3),
            "pages_per_second": round(self.pages_read / self.seconds, 1) if self.seconds else None,
        }


def naive_utc(moment: datetime) -> datetime:
    """The store keeps TIMESTAMP columns in UTC without a zone."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def utc_now() -> datetime:
    return naive_utc(datetime.now(UTC))


@dataclass(frozen=True, slots=True)
class _PageLinks:
    """The links of one buffered page, with what their rows need from the page."""

    url: str
    url_id: int
    host_id: int
    domain_id: int
    captured_at: datetime
    links: Sequence[Link]


LINK_COLUMNS = (
    "snapshot_id", "link_id", "source_url_id", "source_host_id", "source_domain_id",
    "target_url_id", "target_host_id", "target_domain_id", "captured_at", "ordinal", "kind",
    "anchor", "rel", "nofollow", "sponsored", "ugc", "image", "position", "internal",
)  # fmt: skip


class PageBatch:
    """Pages and links buffered for one transaction, and the URLs, hosts, domains they name.

    :meth:`add` takes a fetched page and what extraction made of it; :meth:`tables` gives the
    rows ingest writes, as Arrow tables named after the store's tables (``b_pages``,
    ``b_links``, ...), with every column the store holds. Ingest merges them into the store
    (:func:`write_batch`); the benchmark store builder (``bench/stores.py``) appends them.
    """

    def __init__(self, snapshot: int, resolver: DomainResolver) -> None:
        self.snapshot = snapshot
        self.resolver = resolver
        self.pages: dict[int, dict[str, Any]] = {}
        self.links: dict[int, _PageLinks] = {}
        self.urls: dict[int, tuple[str, int, int]] = {}
        self.hosts: dict[int, tuple[str, int]] = {}
        self.domains: dict[int, str] = {}

    def __len__(self) -> int:
        return len(self.pages)

    def note_url(self, url: str, host: str | None = None, domain: str | None = None) -> int:
        url_id = stable_id(url)
        if url_id not in self.urls:
            host = host if host is not None else host_of(url)
            domain = domain if domain is not None else self.resolver.registrable_domain(host)
            host_id, domain_id = stable_id(host), stable_id(domain)
            self.urls[url_id] = (url, host_id, domain_id)
            self.hosts.setdefault(host_id, (host, domain_id))
            self.domains.setdefault(domain_id, domain)
        return url_id

    def add(
        self, fetched: FetchedPage, url: str, extracted: ExtractedPage | None, source: str
    ) -> bool:
        """Buffer one page; False if the batch already holds a newer capture of it."""
        captured_at = naive_utc(fetched.captured_at)
        url_id = self.note_url(url)
        previous = self.pages.get(url_id)
        if previous is not None and previous["captured_at"] >= captured_at:
            return False
        _, host_id, domain_id = self.urls[url_id]
        links = extracted.links if extracted else ()
        page = extracted.page if extracted else None
        redirect = next((lk.url for lk in links if lk.kind == "redirect"), None)
        if redirect is None and fetched.location:
            redirect = resolve_url(fetched.location, url)
        self.pages[url_id] = {
            "snapshot_id": self.snapshot,
            "url_id": url_id,
            "host_id": host_id,
            "domain_id": domain_id,
            "captured_at": captured_at,
            "status": fetched.status,
            "content_type": fetched.content_type,
            "redirect_url_id": self.note_url(redirect) if redirect else None,
            "canonical_url_id": (
                self.note_url(page.canonical_url) if page and page.canonical_url else None
            ),
            "robots_nofollow": bool(page and page.robots_nofollow),
            "robots_noindex": bool(page and page.robots_noindex),
            "title": page.title if page else None,
            "outlinks": len(links),
            "ip": fetched.ip,
            "source_file": source,
        }
        for lk in links:
            self.note_url(lk.url, lk.host, lk.domain)
        self.links[url_id] = _PageLinks(url, url_id, host_id, domain_id, captured_at, links)
        return True

    def _link_columns(self) -> dict[str, Sequence[Any]]:
        rows: list[tuple[Any, ...]] = []
        sid = self.snapshot
        urls = self.urls
        for page in self.links.values():
            seen: dict[tuple[str, str], int] = {}
            for ordinal, lk in enumerate(page.links):
                key = (lk.url, lk.kind)
                occurrence = seen.get(key, 0)
                seen[key] = occurrence + 1
                target_id = stable_id(lk.url)
                _, target_host, target_domain = urls[target_id]
                rows.append((
                    sid, link_id(page.url, lk.url, lk.kind, occurrence), page.url_id,
                    page.host_id, page.domain_id, target_id, target_host, target_domain,
                    page.captured_at, ordinal, lk.kind, lk.anchor, " ".join(lk.rel),
                    lk.nofollow, lk.sponsored, lk.ugc, lk.image, lk.position, lk.internal,
                ))  # fmt: skip
        if not rows:
            return {name: [] for name in LINK_COLUMNS}
        return dict(zip(LINK_COLUMNS, zip(*rows, strict=True), strict=True))

    def tables(self) -> dict[str, pa.Table | None]:
        link_columns = self._link_columns()
        dimensions = dimension_tables(self.urls, self.hosts, self.domains)
        return {
            "b_pages": pa.Table.from_pylist(list(self.pages.values())),
            "b_links": pa.table(link_columns) if link_columns["link_id"] else None,
            **{f"b_{name}": table for name, table in dimensions.items()},
        }


def dimension_tables(
    urls: dict[int, tuple[str, int, int]],
    hosts: dict[int, tuple[str, int]],
    domains: dict[int, str],
) -> dict[str, pa.Table]:
    """The rows of the ``urls``, ``hosts`` and ``domains`` tables, as Arrow tables named after
    them, from :class:`PageBatch`'s dicts (id → (url, host id, domain id), id → (host,
    domain id), id → domain)."""
    return {
        "urls": pa.table(
            {
                "url_id": pa.array(list(urls), pa.int64()),
                "url": [v[0] for v in urls.values()],
                "host_id": pa.array([v[1] for v in urls.values()], pa.int64()),
                "domain_id": pa.array([v[2] for v in urls.values()], pa.int64()),
            }
        ),
        "hosts": pa.table(
            {
                "host_id": pa.array(list(hosts), pa.int64()),
                "host": [v[0] for v in hosts.values()],
                "domain_id": pa.array([v[1] for v in hosts.values()], pa.int64()),
            }
        ),
        "domains": pa.table(
            {"domain_id": pa.array(list(domains), pa.int64()), "domain": list(domains.values())}
        ),
    }


def ensure_snapshot(con: duckdb.DuckDBPyConnection, name: str, day: date) -> int:
    """The id of snapshot ``name``, created (dated ``day``) if it does not exist yet."""
    sid = snapshot_id(name)
    row = fetch_one(con, "SELECT count(*) FROM snapshots WHERE snapshot_id = ?", [sid])
    if not row or row[0] == 0:
        con.execute("INSERT INTO snapshots VALUES (?, ?, ?, ?)", [sid, name, day, utc_now()])
    return sid


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """How far into one input file the data of a batch reaches."""

    file_key: str
    path: str
    size: int
    records_done: int
    completed: bool


def write_batch(
    con: duckdb.DuckDBPyConnection, batch: PageBatch, checkpoint: Checkpoint
) -> tuple[int, int, int]:
    """Write one batch and the file's progress in one transaction.

    Returns (pages written, pages unchanged, links written).
    """
    tables = batch.tables() if len(batch) else {}  # the last batch of a file may be empty
    for name, table in tables.items():
        if table is not None:
            con.register(name, table)
    try:
        con.execute("BEGIN TRANSACTION")
        result = (0, 0, 0)
        if tables:
            result = _merge(con, batch.snapshot, has_links=tables["b_links"] is not None)
        _save_checkpoint(con, batch.snapshot, checkpoint)
        con.execute("COMMIT")
        return result
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        for name, table in tables.items():
            if table is not None:
                con.unregister(name)


def _save_checkpoint(con: duckdb.DuckDBPyConnection, snapshot: int, cp: Checkpoint) -> None:
    con.execute(
        "DELETE FROM ingested_files WHERE snapshot_id = ? AND file_key = ?", [snapshot, cp.file_key]
    )
    con.execute(
        "INSERT INTO ingested_files VALUES (?, ?, ?, ?, ?, ?, ?)",
        [snapshot, cp.file_key, cp.path, cp.size, cp.records_done, cp.completed, utc_now()],
    )


def file_progress(con: duckdb.DuckDBPyConnection, snapshot: int, file_key: str) -> tuple[int, bool]:
    """(records already committed, whether the file is complete) for one input file."""
    row = fetch_one(
        con,
        "SELECT records_done, completed FROM ingested_files WHERE snapshot_id = ? AND file_key = ?",
        [snapshot, file_key],
    )
    return (int(row[0]), bool(row[1])) if row else (0, False)


def _merge(
    con: duckdb.DuckDBPyConnection, snapshot: int, *, has_links: bool
) -> tuple[int, int, int]:
    con.execute(
        "INSERT INTO domains SELECT b.domain_id, b.domain FROM b_domains b "
        "ANTI JOIN domains d ON d.domain_id = b.domain_id"
    )
    con.execute(
        "INSERT INTO hosts SELECT b.host_id, b.host, b.domain_id FROM b_hosts b "
        "ANTI JOIN hosts h ON h.host_id = b.host_id"
    )
    con.execute(
        "INSERT INTO urls SELECT b.url_id, b.url, b.host_id, b.domain_id FROM b_urls b "
        "ANTI JOIN urls u ON u.url_id = b.url_id"
    )
    con.execute(
        """CREATE OR REPLACE TEMP TABLE fresh AS
           SELECT b.url_id, p.url_id IS NOT NULL AS replaces
           FROM b_pages b
           LEFT JOIN (SELECT url_id, captured_at FROM pages WHERE snapshot_id = $sid) p
             ON p.url_id = b.url_id
           WHERE p.url_id IS NULL OR p.captured_at < b.captured_at""",
        {"sid": snapshot},
    )
    counts = fetch_one(con, "SELECT count(*), count(*) FILTER (WHERE replaces) FROM fresh")
    fresh, replaced = (int(counts[0]), int(counts[1])) if counts else (0, 0)
    total_row = fetch_one(con, "SELECT count(*) FROM b_pages")
    total = int(total_row[0]) if total_row else 0
    if replaced:
        aggregates.mark_changed(
            con,
            snapshot,
            "SELECT source_domain_id, target_domain_id FROM links WHERE snapshot_id = $sid "
            "AND source_url_id IN (SELECT url_id FROM fresh WHERE replaces)",
        )
        con.execute(
            "DELETE FROM links WHERE snapshot_id = $sid AND source_url_id IN "
            "(SELECT url_id FROM fresh WHERE replaces)",
            {"sid": snapshot},
        )
        con.execute(
            "DELETE FROM pages WHERE snapshot_id = $sid AND url_id IN "
            "(SELECT url_id FROM fresh WHERE replaces)",
            {"sid": snapshot},
        )
    if fresh > replaced:
        # A page captured for the first time in this snapshot can turn a referring domain
        # gone since the snapshot before into a lost one (``history_stats``): mark the targets
        # it linked to there.
        aggregates.mark_changed(
            con,
            snapshot,
            "SELECT source_domain_id, target_domain_id FROM links "
            f"WHERE snapshot_id = {aggregates.PREVIOUS} "
            "AND source_url_id IN (SELECT url_id FROM fresh WHERE NOT replaces)",
        )
    con.execute(
        "INSERT INTO pages BY NAME SELECT b.* FROM b_pages b SEMI JOIN fresh USING (url_id)"
    )
    links = 0
    if has_links:
        con.execute(
            "INSERT INTO links BY NAME SELECT b.* FROM b_links b "
            "SEMI JOIN fresh f ON f.url_id = b.source_url_id"
        )
        row = fetch_one(
            con, "SELECT count(*) FROM b_links b SEMI JOIN fresh f ON f.url_id = b.source_url_id"
        )
        links = int(row[0]) if row else 0
        aggregates.mark_changed(
            con,
            snapshot,
            "SELECT b.source_domain_id, b.target_domain_id FROM b_links b "
            "SEMI JOIN fresh f ON f.url_id = b.source_url_id",
        )
    return fresh, total - fresh, links


def file_key(path: Path) -> str:
    """What identifies an input file across runs: its absolute path and size."""
    resolved = path.resolve()
    return f"{resolved}:{resolved.stat().st_size}"


def extract_fetched(
    fetched: FetchedPage, url: str, *, resolver: DomainResolver, max_bytes: int
) -> ExtractedPage | None:
    """Links of a fetched page: the body's for 2xx, the ``Location`` for 3xx, none otherwise."""
    if 200 <= fetched.status < 300:
        return extract_page(
            fetched.body,
            url,
            headers=fetched.headers,
            resolver=resolver,
            charset=fetched.charset,
            max_bytes=max_bytes,
        )
    if 300 <= fetched.status < 400 and fetched.location:
        return extract_page(b"", url, resolver=resolver, location=fetched.location)
    return None


def first_capture_date(paths: Iterable[Path]) -> date | None:
    """The capture date of the first HTML response in the files, for a default snapshot name."""
    for path in paths:
        for page in iter_warc_pages(path, max_bytes=1024):
            return page.captured_at.astimezone(UTC).date()
    return None


def ingest_warc_files(
    con: duckdb.DuckDBPyConnection,
    paths: Sequence[Path],
    *,
    resolver: DomainResolver,
    snapshot: str | None = None,
    snapshot_date: date | None = None,
    batch_pages: int = 2000,
    max_page_bytes: int = 5 * 1024 * 1024,
    progress: Progress | None = None,
) -> IngestStats:
    """Read WARC files into one snapshot of the store; every outcome counted in the result.

    ``snapshot`` defaults to the capture date (YYYY-MM-DD) of the first HTML response;
    ``snapshot_date`` to the same date.
    """
    started = time.perf_counter()
    stats = IngestStats(files=len(paths))
    first = first_capture_date(paths) if snapshot is None or snapshot_date is None else None
    day = snapshot_date or first or datetime.now(UTC).date()
    name = snapshot or day.isoformat()
    stats.snapshot = name
    sid = ensure_snapshot(con, name, day)
    for path in paths:
        _ingest_one(
            con,
            path,
            sid=sid,
            stats=stats,
            resolver=resolver,
            batch_pages=batch_pages,
            max_page_bytes=max_page_bytes,
            progress=progress,
        )
    # Speed (issue 5): the links clustered by target again once the rows appended since the
    # last clustering are a large share of them (linkatlas.store.layout), and the report
    # aggregates of the targets whose links changed rebuilt (linkatlas.store.aggregates; all
    # of them, sorted again, when the links were re-clustered).
    if layout.maybe_cluster_links(con) is None:
        aggregates.refresh_aggregates(con)
    else:
        aggregates.rebuild_aggregates(con)
    stats.seconds = time.perf_counter() - started
    return stats


def _ingest_one(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    *,
    sid: int,
    stats: IngestStats,
    resolver: DomainResolver,
    batch_pages: int,
    max_page_bytes: int,
    progress: Progress | None,
) -> None:
    key = file_key(path)
    size = path.stat().st_size
    done, completed = file_progress(con, sid, key)
    if completed:
        log.info("%s: already ingested into this snapshot, skipped", path)
        stats.files_already_done += 1
        if progress:
            progress(path, size)
        return
    if done:
        log.info("%s: resuming after record %d", path, done)
        stats.files_resumed += 1
    position = {"records": done}

    def on_record(records: int, bytes_read: int) -> None:
        position["records"] = records
        if progress:
            progress(path, bytes_read)

    batch = PageBatch(sid, resolver)
    source = str(path)
    for fetched in iter_warc_pages(
        path,
        stats=stats.warc,
        max_bytes=max_page_bytes,
        skip_records=done,
        on_record=on_record,
    ):
        stats.pages_read += 1
        url = normalize_url(fetched.url)
        if url is None:
            stats.warc.skip("bad_target_uri")
            continue
        try:
            extracted = extract_fetched(fetched, url, resolver=resolver, max_bytes=max_page_bytes)
        except (ValueError, UnicodeError, RuntimeError) as exc:
            log.warning("%s: %s: extraction failed: %s", path, fetched.url, exc)
            stats.errors += 1
            continue
        if extracted is not None:
            stats.extract.merge(extracted.stats)
        if not batch.add(fetched, url, extracted, source):
            stats.pages_unchanged += 1
        if len(batch) >= batch_pages:
            _flush(con, batch, stats, Checkpoint(key, source, size, position["records"], False))
            batch = PageBatch(sid, resolver)
    _flush(con, batch, stats, Checkpoint(key, source, size, position["records"], True))


def _flush(
    con: duckdb.DuckDBPyConnection, batch: PageBatch, stats: IngestStats, checkpoint: Checkpoint
) -> None:
    written, unchanged, links = write_batch(con, batch, checkpoint)
    stats.pages_written += written
    stats.pages_unchanged += unchanged
    stats.links_written += links
