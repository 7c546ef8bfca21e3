"""Who links to a target: the profile, the backlinks and the referring domains."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import duckdb

from linkatlas.analyze.reports import (
    AnchorCount,
    Backlink,
    BacklinksReport,
    PageCount,
    ProfileReport,
    RefDomain,
    RefDomainsReport,
)
from linkatlas.analyze.targets import report_scope, row_limit
from linkatlas.extract.domains import DomainResolver
from linkatlas.store import queries, scores, stats_queries


def backlinks(
    con: duckdb.DuckDBPyConnection,
    target: str,
    *,
    resolver: DomainResolver,
    mode: str = "domain",
    snapshot: str | None = None,
    limit: int = 100,
) -> BacklinksReport:
    """Every backlink of the target in a snapshot (one row per link occurrence)."""
    scope = report_scope(con, target, mode, snapshot, resolver)
    parsed, snap, where, params = scope.target, scope.snapshot, scope.where, scope.params
    total = stats_queries.count_summary(con, scope)[0]
    rows = queries.backlink_rows(con, where, params, limit=row_limit(limit))
    items = [
        Backlink(
            source_url=r[0],
            target_url=r[1],
            anchor=r[2],
            kind=r[3],
            rel=r[4].split() if r[4] else [],
            nofollow=r[5],
            sponsored=r[6],
            ugc=r[7],
            image=r[8],
            position=r[9],
            source_domain=r[10],
            first_seen=r[11],
            last_seen=r[12],
        )
        for r in rows
    ]
    return BacklinksReport(
        target=parsed.text, mode=parsed.mode, snapshot=snap.name, total=total, items=items
    )


def _refdomain_items(rows: list[tuple[Any, ...]]) -> list[RefDomain]:
    return [
        RefDomain(
            domain=r[0], backlinks=r[1], followed_backlinks=r[2], first_seen=r[3], last_seen=r[4]
        )
        for r in rows
    ]


def refdomains(
    con: duckdb.DuckDBPyConnection,
    target: str,
    *,
    resolver: DomainResolver,
    mode: str = "domain",
    snapshot: str | None = None,
    limit: int = 100,
) -> RefDomainsReport:
    """The referring domains of the target, by backlinks."""
    scope = report_scope(con, target, mode, snapshot, resolver)
    parsed, snap = scope.target, scope.snapshot
    return RefDomainsReport(
        target=parsed.text,
        mode=parsed.mode,
        snapshot=snap.name,
        total=stats_queries.count_refdomains(con, scope),
        items=_with_dr(
            con,
            snap.snapshot_id,
            _refdomain_items(stats_queries.refdomain_rows(con, scope, limit=row_limit(limit))),
        ),
    )


def profile(
    con: duckdb.DuckDBPyConnection,
    target: str,
    *,
    resolver: DomainResolver,
    mode: str = "domain",
    snapshot: str | None = None,
    top: int = 10,
) -> ProfileReport:
    """The KPIs of a target: counts by link type, top anchors, domains and pages."""
    scope = report_scope(con, target, mode, snapshot, resolver)
    parsed, snap = scope.target, scope.snapshot
    rows = stats_queries.profile_rows(con, scope, top=top)
    total, rd, pages, followed, nofollow, sponsored, ugc, image = rows.summary
    anchors = [
        AnchorCount(anchor=r[0], backlinks=r[1], referring_domains=r[2]) for r in rows.anchors
    ]
    top_pages = [PageCount(url=r[0], backlinks=r[1], referring_domains=r[2]) for r in rows.pages]
    top_domains = _refdomain_items(rows.refdomains)
    domain_ratings, url_ratings = scores.ratings(
        con,
        snap.snapshot_id,
        domains=[parsed.domain, *(item.domain for item in top_domains)],
        urls=[page.url for page in top_pages],
    )
    return ProfileReport(
        target=parsed.text,
        mode=parsed.mode,
        snapshot=snap.name,
        backlinks=total,
        referring_domains=rd,
        referring_pages=pages,
        followed_backlinks=followed,
        nofollow=nofollow,
        sponsored=sponsored,
        ugc=ugc,
        image=image,
        top_anchors=anchors,
        top_referring_domains=[
            replace(item, dr=domain_ratings.get(item.domain)) for item in top_domains
        ],
        top_pages=[replace(page, ur=url_ratings.get(page.url)) for page in top_pages],
        dr=domain_ratings.get(parsed.domain),
    )


# -- DR and UR columns (issue 4): the snapshot's stored scores, None until it is ranked --


def _with_dr(
    con: duckdb.DuckDBPyConnection, snapshot_id: int, items: list[RefDomain]
) -> list[RefDomain]:
    ratings = scores.ratings_by_domain(con, snapshot_id, [item.domain for item in items])
    return [replace(item, dr=ratings.get(item.domain)) for item in items]
