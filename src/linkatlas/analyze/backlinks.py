"""Who links to a target: the profile, the backlinks and the referring domains."""

from __future__ import annotations

import duckdb

from linkatlas.analyze.reports import (
    AnchorCount,
    Backlink,
    BacklinksReport,
    PageCount,
    ProfileReport,
    RefDomain,
    RefDomainsReport,
    Target,
)
from linkatlas.analyze.targets import parse_target
from linkatlas.extract.domains import DomainResolver
from linkatlas.store import queries


def _scope(
    con: duckdb.DuckDBPyConnection,
    target: str,
    mode: str,
    snapshot: str | None,
    resolver: DomainResolver,
) -> tuple[Target, queries.SnapshotRow, str, dict[str, object]]:
    parsed = parse_target(target, mode, resolver)
    snap = queries.select_snapshot(con, snapshot)
    queries.check_target(con, parsed)
    where, params = queries.backlink_filter(parsed, snap.snapshot_id)
    return parsed, snap, where, params


def _limit(limit: int) -> int | None:
    """``--limit 0`` means all rows."""
    return None if limit <= 0 else limit


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
    parsed, snap, where, params = _scope(con, target, mode, snapshot, resolver)
    total = int(queries.count_summary(con, where, params)[0])
    rows = queries.backlink_rows(con, where, params, limit=_limit(limit))
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


def _refdomain_items(
    con: duckdb.DuckDBPyConnection, where: str, params: dict[str, object], limit: int | None
) -> list[RefDomain]:
    return [
        RefDomain(
            domain=r[0], backlinks=r[1], followed_backlinks=r[2], first_seen=r[3], last_seen=r[4]
        )
        for r in queries.refdomain_rows(con, where, params, limit=limit)
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
    parsed, snap, where, params = _scope(con, target, mode, snapshot, resolver)
    return RefDomainsReport(
        target=parsed.text,
        mode=parsed.mode,
        snapshot=snap.name,
        total=queries.count_refdomains(con, where, params),
        items=_refdomain_items(con, where, params, _limit(limit)),
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
    parsed, snap, where, params = _scope(con, target, mode, snapshot, resolver)
    total, rd, pages, followed, nofollow, sponsored, ugc, image = queries.count_summary(
        con, where, params
    )
    anchors = [
        AnchorCount(anchor=r[0], backlinks=r[1], referring_domains=r[2])
        for r in queries.top_anchor_rows(con, where, params, limit=top)
    ]
    top_pages = [
        PageCount(url=r[0], backlinks=r[1], referring_domains=r[2])
        for r in queries.top_page_rows(con, where, params, limit=top)
    ]
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
        top_referring_domains=_refdomain_items(con, where, params, top),
        top_pages=top_pages,
    )
