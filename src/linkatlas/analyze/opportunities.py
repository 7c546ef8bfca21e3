"""Competitors and opportunities: link intersect, broken backlinks, linked pages, outlinks.

- :func:`intersect`: referring domains linking to at least ``min_competitors`` of the
  competitors but not to the target, with the competitors' pages they link to. The sites
  compared (competitors and target) are never listed themselves.
- :func:`broken`: backlinks whose target URL answered 4xx/5xx, or redirects (up to
  :data:`MAX_REDIRECTS` hops) to a URL that did: links to reclaim. A URL counts by its most
  recent capture in the report's snapshot or an earlier one; a target never captured is
  *unknown*, not broken, and is not listed (crawl the target site to know).
- :func:`pages`: the target's pages by referring domains, with first seen — which content
  earns links.
- :func:`outlinks`: the sites a site links to, followed or not.

DR and UR are filled in when the ranking stage has scored the snapshot; otherwise None.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb

from linkatlas.analyze.reports import (
    BrokenBacklink,
    BrokenReport,
    CompetitorLinks,
    IntersectDomain,
    IntersectReport,
    LinkedPage,
    OutlinkDomain,
    OutlinksReport,
    PagesReport,
    Target,
)
from linkatlas.analyze.targets import parse_target, report_scope, row_limit
from linkatlas.errors import InputError
from linkatlas.extract.domains import DomainResolver
from linkatlas.ids import stable_id
from linkatlas.store import queries, report_queries

MAX_REDIRECTS = 10
"""Redirect hops followed at most (as many as Googlebot follows)."""
PAGES_PER_COMPETITOR = 10
"""Competitor pages listed at most per referring domain in :func:`intersect`."""


# -- intersect -----------------------------------------------------------------------------


def _parse_sites(
    competitors: Sequence[str], target: str | None, mode: str, resolver: DomainResolver
) -> tuple[list[Target], Target | None]:
    parsed: dict[str, Target] = {}
    for text in competitors:
        site = parse_target(text, mode, resolver)
        parsed.setdefault(site.text, site)
    if not parsed:
        raise InputError("give at least one competitor")
    excluded = parse_target(target, mode, resolver) if target is not None else None
    if excluded is not None and excluded.text in parsed:
        raise InputError(f"{excluded.text} is both a competitor and the --not target")
    return list(parsed.values()), excluded


def intersect(
    con: duckdb.DuckDBPyConnection,
    competitors: Sequence[str],
    *,
    resolver: DomainResolver,
    target: str | None = None,
    mode: str = "domain",
    snapshot: str | None = None,
    min_competitors: int = 1,
    limit: int = 100,
) -> IntersectReport:
    """Referring domains of at least ``min_competitors`` competitors that skip ``target``."""
    sites, excluded = _parse_sites(competitors, target, mode, resolver)
    if not 1 <= min_competitors <= len(sites):
        raise InputError(
            f"--min {min_competitors}: give a number from 1 to {len(sites)} "
            f"(the number of competitors)"
        )
    snap = queries.select_snapshot(con, snapshot)
    for site in [*sites, *([excluded] if excluded else [])]:
        queries.check_target(con, site)
    own = {stable_id(site.domain) for site in [*sites, *([excluded] if excluded else [])]}
    total, rows = report_queries.intersect_rows(
        con,
        [queries.backlink_filter(site, snap.snapshot_id) for site in sites],
        exclude=queries.backlink_filter(excluded, snap.snapshot_id) if excluded else None,
        own_domain_ids=sorted(own),
        min_competitors=min_competitors,
        limit=row_limit(limit),
        pages_per_competitor=PAGES_PER_COMPETITOR,
    )
    ratings = report_queries.domain_ratings(con, [r[1] for r in rows], snap.snapshot_id)
    return IntersectReport(
        target=excluded.text if excluded else None,
        competitors=[site.text for site in sites],
        mode=sites[0].mode,
        snapshot=snap.name,
        min_competitors=min_competitors,
        total=total,
        items=[_intersect_item(row, sites, ratings) for row in rows],
    )


def _intersect_item(
    row: tuple[Any, ...], sites: list[Target], ratings: dict[int, float]
) -> IntersectDomain:
    domain, domain_id, backlinks, per_competitor = row
    return IntersectDomain(
        domain=domain,
        dr=ratings.get(domain_id),
        backlinks=backlinks,
        links_to=[
            CompetitorLinks(
                competitor=sites[p["c"]].text,
                backlinks=p["backlinks"],
                linked_pages=p["linked_pages"],
                pages=list(p["pages"]),
            )
            for p in per_competitor
        ],
    )


# -- broken --------------------------------------------------------------------------------


def follow_redirects(
    start: int, captures: dict[int, tuple[int, int | None]], *, max_hops: int = MAX_REDIRECTS
) -> tuple[int | None, int, int]:
    """Where a URL leads: (final status or None if unknown, final url id, hops).

    A 3xx capture with a redirect target is followed; a loop, a chain longer than
    ``max_hops`` or an uncaptured URL along the way gives an unknown (None) status.
    """
    current, hops, seen = start, 0, {start}
    while True:
        capture = captures.get(current)
        if capture is None:
            return None, current, hops
        status, redirect = capture
        if not (300 <= status < 400 and redirect is not None):
            return status, current, hops
        if hops >= max_hops or redirect in seen:
            return None, current, hops
        current, hops = redirect, hops + 1
        seen.add(current)


def _captures_along_chains(
    con: duckdb.DuckDBPyConnection, url_ids: list[int], snap: queries.SnapshotRow
) -> dict[int, tuple[int, int | None]]:
    """The latest captures of the URLs and of every URL their redirects lead to."""
    captures: dict[int, tuple[int, int | None]] = {}
    wanted = set(url_ids)
    for _ in range(MAX_REDIRECTS + 1):
        if not wanted:
            break
        found = report_queries.latest_captures(con, sorted(wanted), until=snap.date)
        captures.update(found)
        wanted = {
            redirect
            for status, redirect in found.values()
            if redirect is not None and 300 <= status < 400 and redirect not in captures
        }
    return captures


def broken(
    con: duckdb.DuckDBPyConnection,
    target: str,
    *,
    resolver: DomainResolver,
    mode: str = "domain",
    snapshot: str | None = None,
    limit: int = 100,
) -> BrokenReport:
    """Backlinks to target URLs that answered 4xx/5xx or redirect to one."""
    scope = report_scope(con, target, mode, snapshot, resolver)
    parsed = scope.target
    linked = report_queries.linked_url_ids(con, scope.where, scope.params)
    captures = _captures_along_chains(con, linked, scope.snapshot)
    outcome: dict[int, tuple[int, int, int]] = {}
    for url_id in linked:
        status, final, hops = follow_redirects(url_id, captures)
        if status is not None and 400 <= status < 600:
            outcome[url_id] = (status, final, hops)
    (total, domains), rows = report_queries.backlinks_to_urls(
        con, scope.where, scope.params, sorted(outcome), limit=row_limit(limit)
    )
    finals = report_queries.url_texts(con, sorted({final for _, final, _ in outcome.values()}))
    ratings = report_queries.domain_ratings(
        con, sorted({r[2] for r in rows}), scope.snapshot.snapshot_id
    )
    items = []
    for source_url, source_domain, domain_id, url_id, url, anchor, followed in rows:
        status, final, hops = outcome[url_id]
        items.append(
            BrokenBacklink(
                source_url=source_url,
                source_domain=source_domain,
                dr=ratings.get(domain_id),
                target_url=url,
                anchor=anchor,
                followed=followed,
                status=status,
                final_url=finals.get(final, url),
                redirects=hops,
            )
        )
    return BrokenReport(
        target=parsed.text,
        mode=parsed.mode,
        snapshot=scope.snapshot.name,
        total=total,
        referring_domains=domains,
        broken_pages=len(outcome),
        items=items,
    )


# -- pages ---------------------------------------------------------------------------------


def pages(
    con: duckdb.DuckDBPyConnection,
    target: str,
    *,
    resolver: DomainResolver,
    mode: str = "domain",
    snapshot: str | None = None,
    limit: int = 100,
) -> PagesReport:
    """The target's pages by referring domains: which content earns links."""
    scope = report_scope(con, target, mode, snapshot, resolver)
    parsed = scope.target
    total, rows = report_queries.page_rows(con, scope.where, scope.params, limit=row_limit(limit))
    ratings = report_queries.url_ratings(con, [r[1] for r in rows], scope.snapshot.snapshot_id)
    return PagesReport(
        target=parsed.text,
        mode=parsed.mode,
        snapshot=scope.snapshot.name,
        total=total,
        items=[
            LinkedPage(
                url=url,
                ur=ratings.get(url_id),
                backlinks=backlinks,
                referring_domains=domains,
                followed_backlinks=followed,
                first_seen=first_seen,
            )
            for url, url_id, backlinks, domains, followed, first_seen in rows
        ],
    )


# -- outlinks ------------------------------------------------------------------------------


def outlinks(
    con: duckdb.DuckDBPyConnection,
    source: str,
    *,
    resolver: DomainResolver,
    mode: str = "domain",
    snapshot: str | None = None,
    limit: int = 100,
) -> OutlinksReport:
    """The sites a site links to (links to its own registrable domain are left out)."""
    parsed = parse_target(source, mode, resolver)
    snap = queries.select_snapshot(con, snapshot)
    queries.check_target(con, parsed)
    where, params = report_queries.outlink_filter(parsed, snap.snapshot_id)
    links, followed, total = report_queries.outlink_summary(con, where, params)
    rows = report_queries.outlink_rows(con, where, params, limit=row_limit(limit))
    ratings = report_queries.domain_ratings(con, [r[1] for r in rows], snap.snapshot_id)
    return OutlinksReport(
        source=parsed.text,
        mode=parsed.mode,
        snapshot=snap.name,
        links=links,
        followed_links=followed,
        total=total,
        items=[
            OutlinkDomain(
                domain=domain,
                dr=ratings.get(domain_id),
                links=count,
                followed_links=followed_count,
                linking_pages=linking,
                linked_pages=linked,
            )
            for domain, domain_id, count, followed_count, linking, linked in rows
        ],
    )
