"""The demo: a generated sample web crawled monthly, ingested as one snapshot per month.

Everything the demo shows comes from the same library functions the CLI offers; this module
only builds the store.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from linkatlas.analyze import authority
from linkatlas.extract.domains import DomainResolver
from linkatlas.sources.sample_web import generate_sample_web
from linkatlas.store.connection import open_store
from linkatlas.store.ingest import IngestStats, Progress, ingest_warc_files

log = logging.getLogger(__name__)

FULL_SIZE = (40, 60)
"""Sites and pages per site of the demo web."""
QUICK_SIZE = (12, 15)
MONTHS = 3


@dataclass(frozen=True, slots=True)
class DemoStore:
    db: Path
    warcs: tuple[Path, ...]
    featured_site: str
    snapshots: tuple[str, ...]
    pages: int
    sites: int
    ingest: tuple[IngestStats, ...]


def build_demo_store(
    out: Path,
    *,
    seed: int = 7,
    quick: bool = False,
    months: int = MONTHS,
    progress: Progress | None = None,
) -> DemoStore:
    """Generate ``months`` monthly crawls of the sample web into ``out``, ingest each as a
    snapshot named ``YYYY-MM`` into a new ``out/atlas.duckdb`` and rank it (UR, DR, and
    trust seeded with the three most popular sites after the featured one)."""
    out.mkdir(parents=True, exist_ok=True)
    sites, pages_per_site = QUICK_SIZE if quick else FULL_SIZE
    db = out / "atlas.duckdb"
    db.unlink(missing_ok=True)
    resolver = DomainResolver()
    warcs: list[Path] = []
    names: list[str] = []
    stats: list[IngestStats] = []
    featured = ""
    pages = 0
    with open_store(db, create=True) as con:
        for month in range(months):
            warc = out / f"sample-web-month{month}.warc.gz"
            summary = generate_sample_web(
                warc, seed=seed, sites=sites, pages_per_site=pages_per_site, month=month
            )
            day = summary.captured_at.date()
            name = day.strftime("%Y-%m")
            log.info("month %d: %d pages into %s", month, summary.pages, warc)
            ingested = ingest_warc_files(
                con, [warc], resolver=resolver, snapshot=name, snapshot_date=day, progress=progress
            )
            stats.append(ingested)
            # Trust seeds: the most popular sites after the featured one (never the farm).
            seeds = summary.sites[1:4]
            authority.rank(con, resolver=resolver, snapshot=name, seeds=seeds)
            featured = summary.featured_site
            pages += summary.pages
            warcs.append(warc)
            names.append(name)
    return DemoStore(
        db=db,
        warcs=tuple(warcs),
        featured_site=featured,
        snapshots=tuple(names),
        pages=pages,
        sites=sites,
        ingest=tuple(stats),
    )
