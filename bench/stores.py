"""Stores for the benchmarks: the sample web at scale, written straight into a LinkAtlas store.

:func:`build_sample_web_store` makes the store ``linkatlas ingest`` would make from the
sample-web generator's monthly WARC files (``linkatlas.sources.sample_web``), without writing
and re-reading the WARC files and without ingest's per-batch merge, which together would take
about 20 minutes for 10M links (540k pages; generation ~3,000 pages/s, ingest ~600 pages/s)
where this takes about 3 (month 1 is mostly copied, see 3.):

1. The web is the generator's: ``plan_web(seed, sites, pages_per_site)``; ``sites`` is chosen so
   that ``snapshots`` monthly crawls hold about ``links`` link rows together (the links per site
   are counted on a pilot web of 1,000 sites first).
2. Month 0: every page is planned (``plan_page``), rendered to its HTTP response bytes
   (``render_response``, as in the WARC record), and extracted by ingest's own code
   (``extract_fetched``, i.e. the real HTML parser); the rows are built by ingest's
   ``PageBatch``, the same class ``linkatlas ingest`` uses, so every column (ids, anchors, rel
   flags, positions, ``internal``, pages, redirects, canonicals) is what ingest writes. Capture
   times are the generator's (the crawl of a month spans one day, site after site). Rows are
   appended batch by batch with plain ``INSERT``: the store starts empty and every page is
   written once per snapshot, so ingest's de-duplicating merge would change nothing.
3. Month k >= 1: the generator's timeline (``plan_timeline``: links gained, removed, turned
   nofollow, pages gone, redirected, not recrawled, sites gaining and losing referring
   domains) is applied as ``generate_sample_web(month=k)`` applies it. Pages the timeline
   touches, and pages added that month, are rendered and extracted as in step 2; every other
   page is byte-identical to the month before except for its capture time, so its page and
   link rows are copied from the previous snapshot with the capture time moved by the same
   calendar months.
4. URLs, hosts and domains are written once at the end (each id once).

The result is one snapshot per month, named ``YYYY-MM`` like the demo's, in ingest order
(page after page): the layout an ingest leaves before any clustering.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa

from linkatlas.extract.domains import DomainResolver
from linkatlas.extract.urls import normalize_url
from linkatlas.ids import stable_id
from linkatlas.records import FetchedPage
from linkatlas.sources.sample_pages import (
    PagePlan,
    Site,
    Web,
    page_url,
    plan_page,
    render_response,
)
from linkatlas.sources.sample_web import (
    Timeline,
    add_months,
    page_at,
    plan_timeline,
    plan_web,
)
from linkatlas.store.connection import open_store
from linkatlas.store.ingest import PageBatch, dimension_tables, ensure_snapshot, extract_fetched

START = datetime(2026, 1, 15, tzinfo=UTC)
"""When month 0's crawl starts: the generator's default capture time."""
MAX_PAGE_BYTES = 5 * 1024 * 1024
PILOT_SITES = 1000
SKIPPED_HREFS = ("mailto:", "tel:", "javascript:")

Log = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class SampleWebStore:
    """What :func:`build_sample_web_store` wrote."""

    path: Path
    seed: int
    sites: int
    pages_per_site: int
    snapshots: tuple[str, ...]
    featured: str  # the generator's featured site (index 0, the most popular)
    competitors: tuple[str, ...]  # the next most popular normal sites, by popularity
    rising: tuple[str, ...]  # sites the timeline gives new referring domains every month
    keywords: dict[str, list[str]]  # the target keywords of those sites
    links: int
    pages: int
    urls: int
    domains: int
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "seed": self.seed,
            "sites": self.sites,
            "pages_per_site": self.pages_per_site,
            "snapshots": list(self.snapshots),
            "featured": self.featured,
            "competitors": list(self.competitors),
            "rising": list(self.rising),
            "keywords": self.keywords,
            "links": self.links,
            "pages": self.pages,
            "urls": self.urls,
            "domains": self.domains,
            "seconds": round(self.seconds, 1),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SampleWebStore:
        tuples = ("snapshots", "competitors", "rising")
        return cls(**{**data, "path": Path(data["path"])} | {k: tuple(data[k]) for k in tuples})


def links_per_site(seed: int, pages_per_site: int) -> float:
    """Link rows a site of the generator's web yields per crawl, on a pilot web."""
    web = plan_web(seed=seed, sites=PILOT_SITES, pages_per_site=pages_per_site)
    kept = 0
    for site in web.sites:
        for slot in range(site.pages):
            page = plan_page(web, site, slot)
            if page.status == 200:
                kept += sum(not x.href.startswith(SKIPPED_HREFS) for x in page.links)
                kept += page.canonical is not None
            elif page.location:
                kept += 1
    return kept / PILOT_SITES


def sites_for(links: int, snapshots: int, pages_per_site: int, seed: int) -> int:
    return max(50, round(links / snapshots / links_per_site(seed, pages_per_site)))


class _Writer:
    """Appends ingest's batches to the store; URLs, hosts and domains kept for the end."""

    def __init__(self, con: Any, sid: int, batch_pages: int) -> None:
        self.con, self.sid, self.batch_pages = con, sid, batch_pages
        self.resolver = DomainResolver()
        self.urls: dict[int, tuple[str, int, int]] = {}
        self.hosts: dict[int, tuple[str, int]] = {}
        self.domains: dict[int, str] = {}
        self.batch = PageBatch(sid, self.resolver)
        self.pages = 0

    def start(self, sid: int) -> None:
        self.flush()
        self.sid = sid
        self.batch = PageBatch(sid, self.resolver)

    def add(self, web: Web, site: Site, page: PagePlan, captured_at: datetime, source: str) -> None:
        """Ingest's path for one WARC response: render, extract, buffer."""
        block = render_response(web, site, page, date=captured_at)
        head, _, body = block.partition(b"\r\n\r\n")
        lines = head.decode("ascii").split("\r\n")
        headers = tuple((k, v) for k, _, v in (line.partition(": ") for line in lines[1:]))
        fetched = FetchedPage(
            url=page.url,
            captured_at=captured_at,
            status=page.status,
            headers=headers,
            body=body,
            content_type="text/html",
            charset="utf-8",
            ip=site.ip_of(page.url),
            location=page.location if 300 <= page.status < 400 else None,
        )
        url = normalize_url(fetched.url)
        assert url is not None
        extracted = extract_fetched(fetched, url, resolver=self.resolver, max_bytes=MAX_PAGE_BYTES)
        self.batch.add(fetched, url, extracted, source)
        self.pages += 1
        if len(self.batch) >= self.batch_pages:
            self.flush()

    def flush(self) -> None:
        batch = self.batch
        if not len(batch):
            return
        tables = batch.tables()
        self.urls.update(batch.urls)
        self.hosts.update(batch.hosts)
        self.domains.update(batch.domains)
        con = self.con
        con.register("b_pages", tables["b_pages"])
        con.execute("INSERT INTO pages BY NAME SELECT * FROM b_pages")
        con.unregister("b_pages")
        if tables["b_links"] is not None:
            con.register("b_links", tables["b_links"])
            con.execute("INSERT INTO links BY NAME SELECT * FROM b_links")
            con.unregister("b_links")
        self.batch = PageBatch(self.sid, self.resolver)

    def finish(self) -> None:
        self.flush()
        tables = dimension_tables(self.urls, self.hosts, self.domains)
        for name, table in tables.items():
            self.con.register(f"b_{name}", table)
            self.con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM b_{name}")
            self.con.unregister(f"b_{name}")


def _crawl_time(start: datetime, position: int, sites: int, slot: int) -> datetime:
    """When the generator captures page ``slot`` of the ``position``-th site of a month."""
    return start + timedelta(seconds=position * 86_400 // sites) + timedelta(seconds=slot * 3)


def _month_zero(web: Web, writer: _Writer, log: Log) -> None:
    sites = len(web.sites)
    for position, site in enumerate(web.sites):
        for slot in range(site.pages):
            when = _crawl_time(START, position, sites, slot)
            writer.add(web, site, plan_page(web, site, slot), when, "sample-web-month0")
        if position % 10_000 == 9_999:
            log(f"  month 0: {position + 1:,} of {sites:,} sites, {writer.pages:,} pages")


def _later_month(web: Web, timeline: Timeline, month: int, writer: _Writer) -> list[int]:
    """Render the pages month ``month`` changes or adds; the ids of the pages it replaces."""
    sites = len(web.sites)
    start = add_months(START, month)
    source = f"sample-web-month{month}"
    replaced: list[int] = []
    for position, site in enumerate(web.sites):
        added = timeline.new_pages.get(site.index, [])
        count = site.pages + sum(when <= month for when, _ in added)
        for slot in range(count):
            url = page_url(site, slot) if slot < site.pages else timeline.base(site, slot).url
            edited = url in timeline.edits or site.index in timeline.drops
            new = slot >= site.pages and added[slot - site.pages][0] == month
            if not edited and not new:
                continue  # unchanged: copied from the month before
            replaced.append(stable_id(normalize_url(url) or url))
            base = timeline.base(site, slot)
            page = page_at(timeline, site, slot, month, base)[0] if edited else base
            if page is not None:  # None: not recrawled this month
                when = _crawl_time(start, position, sites, slot)
                writer.add(web, site, page, when, source)
    return replaced


def _copy_unchanged(con: Any, prev: int, sid: int, months: int, replaced: list[int]) -> None:
    """Page and link rows of the pages a month left unchanged, from the month before."""
    shift = add_months(START, months) - add_months(START, months - 1)
    con.register("b_replaced", pa.table({"url_id": pa.array(replaced, pa.int64())}))
    params = {"prev": prev, "sid": sid, "shift": shift, "source": f"sample-web-month{months}"}
    con.execute(
        """INSERT INTO pages SELECT * REPLACE ($sid AS snapshot_id,
                  captured_at + $shift AS captured_at, $source AS source_file)
           FROM pages WHERE snapshot_id = $prev
             AND url_id NOT IN (SELECT url_id FROM b_replaced)""",
        params,
    )
    del params["source"]
    con.execute(
        """INSERT INTO links SELECT * REPLACE ($sid AS snapshot_id,
                  captured_at + $shift AS captured_at)
           FROM links WHERE snapshot_id = $prev
             AND source_url_id NOT IN (SELECT url_id FROM b_replaced)""",
        params,
    )
    con.unregister("b_replaced")


def build_sample_web_store(
    path: Path,
    *,
    links: int,
    snapshots: int = 2,
    pages_per_site: int = 3,
    seed: int = 7,
    batch_pages: int = 5000,
    log: Log = print,
) -> SampleWebStore:
    """Write the store described in the module docstring to ``path`` (a new file)."""
    began = time.perf_counter()
    sites = sites_for(links, snapshots, pages_per_site, seed)
    log(f"sample web: {sites:,} sites of {pages_per_site} pages, {snapshots} monthly crawls")
    web = plan_web(seed=seed, sites=sites, pages_per_site=pages_per_site)
    names: list[str] = []
    timeline: Timeline | None = None
    with open_store(path, create=True) as con:
        writer: _Writer | None = None
        previous = 0
        for month in range(snapshots):
            day = add_months(START, month).date()
            names.append(day.strftime("%Y-%m"))
            sid = ensure_snapshot(con, names[-1], day)
            if writer is None:
                writer = _Writer(con, sid, batch_pages)
                _month_zero(web, writer, log)
            else:
                writer.start(sid)
                timeline = plan_timeline(web, month)
                replaced = _later_month(web, timeline, month, writer)
                writer.flush()
                _copy_unchanged(con, previous, sid, month, replaced)
            writer.flush()
            previous = sid
            log(f"  {names[-1]}: written ({time.perf_counter() - began:.0f} s)")
        assert writer is not None
        writer.finish()
        con.execute("CHECKPOINT")
        counts = con.execute(
            "SELECT (SELECT count(*) FROM links), (SELECT count(*) FROM pages), "
            "(SELECT count(*) FROM urls), (SELECT count(*) FROM domains)"
        ).fetchall()[0]
    timeline = timeline or plan_timeline(web, 1)
    normal = [s for s in web.sites if s.index not in web.money and s.index not in web.farm]
    named = [*normal[:11], *(web.sites[i] for i in timeline.risen)]
    return SampleWebStore(
        path=path,
        seed=seed,
        sites=sites,
        pages_per_site=pages_per_site,
        snapshots=tuple(names),
        featured=web.sites[0].domain,
        competitors=tuple(s.domain for s in normal[1:11]),
        rising=tuple(web.sites[i].domain for i in timeline.risen),
        keywords={site.domain: list(site.keywords) for site in named},
        links=int(counts[0]),
        pages=int(counts[1]),
        urls=int(counts[2]),
        domains=int(counts[3]),
        seconds=time.perf_counter() - began,
    )


TABLES = {
    "links": "*",
    "pages": "* EXCLUDE (source_file)",  # ingest records the WARC file's path
    "urls": "*",
    "hosts": "*",
    "domains": "*",
    "snapshots": "* EXCLUDE (created_at)",
}


def compare_with_ingest(
    folder: Path, *, links: int, snapshots: int, seed: int = 7, pages_per_site: int = 3
) -> dict[str, tuple[int, int, int]]:
    """Build a small store here and with ``generate_sample_web`` + ingest; per table: (rows,
    rows only in the built store, rows only in the ingested one), duplicates counted."""
    from linkatlas.sources.sample_web import generate_sample_web
    from linkatlas.store.ingest import ingest_warc_files

    built, ingested = folder / "built.duckdb", folder / "ingested.duckdb"
    facts = build_sample_web_store(
        built, links=links, snapshots=snapshots, seed=seed, pages_per_site=pages_per_site,
        log=lambda _: None,
    )  # fmt: skip
    resolver = DomainResolver()
    with open_store(ingested, create=True) as con:
        for month in range(snapshots):
            warc = folder / f"sample-web-month{month}.warc.gz"
            summary = generate_sample_web(
                warc, seed=seed, sites=facts.sites, pages_per_site=pages_per_site, month=month
            )
            day = summary.captured_at.date()
            ingest_warc_files(
                con, [warc], resolver=resolver, snapshot=day.strftime("%Y-%m"), snapshot_date=day
            )
    out = {}
    with open_store(built) as con:
        con.execute(f"ATTACH '{ingested}' AS ingested (READ_ONLY)")
        for table, columns in TABLES.items():
            here = f"SELECT {columns} FROM main.{table}"
            there = f"SELECT {columns} FROM ingested.{table}"
            row = con.execute(
                f"""SELECT (SELECT count(*) FROM main.{table}),
                           (SELECT count(*) FROM ({here} EXCEPT ALL {there})),
                           (SELECT count(*) FROM ({there} EXCEPT ALL {here}))"""
            ).fetchall()[0]
            out[table] = (int(row[0]), int(row[1]), int(row[2]))
    return out
