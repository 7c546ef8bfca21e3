"""A report scope's counts: from the aggregates when they are current, else from the links.

Each function takes a :class:`~linkatlas.store.report_queries.Scope`. When
``scope.aggregated`` (domain mode, aggregates up to date: ``linkatlas.store.aggregates``) it
reads ``refdomain_stats``, ``anchor_stats``, ``anchor_totals`` or ``page_stats``; otherwise
it runs the query of the same name on ``links`` (``linkatlas.store.queries``,
``linkatlas.store.report_queries``). Both give the same rows; tests compare them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb

from linkatlas.store import queries, report_queries
from linkatlas.store.report_queries import Scope
from linkatlas.store.sql import fetch_one

_REFDOMAINS = "refdomain_stats r WHERE r.target_domain_id = $domain_id AND r.snapshot_id = $sid"
_TOTALS = "anchor_totals a WHERE a.target_domain_id = $domain_id AND a.snapshot_id = $sid"


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: Any) -> list[tuple[Any, ...]]:
    return con.execute(sql, params).fetchall()


def _limit_sql(limit: int | None) -> str:
    return "" if limit is None else f"LIMIT {int(limit)}"


def _params(scope: Scope) -> dict[str, Any]:
    """The aggregates are keyed by the target's domain and the snapshot alone."""
    return {"domain_id": scope.params["domain_id"], "sid": scope.params["sid"]}


def count_summary(con: duckdb.DuckDBPyConnection, scope: Scope) -> tuple[int, ...]:
    """Backlinks, referring domains and pages, followed, nofollow, sponsored, ugc, image."""
    if not scope.aggregated:
        return tuple(int(v) for v in queries.count_summary(con, scope.where, scope.params))
    row = fetch_one(
        con,
        f"""SELECT sum(r.backlinks), count(*), sum(r.pages), sum(r.followed), sum(r.nofollow),
                   sum(r.sponsored), sum(r.ugc), sum(r.image)
            FROM {_REFDOMAINS}""",
        _params(scope),
    )
    assert row is not None
    return tuple(int(v or 0) for v in row)


def count_refdomains(con: duckdb.DuckDBPyConnection, scope: Scope) -> int:
    if not scope.aggregated:
        return queries.count_refdomains(con, scope.where, scope.params)
    row = fetch_one(con, f"SELECT count(*) FROM {_REFDOMAINS}", _params(scope))
    return int(row[0]) if row else 0


def refdomain_rows(
    con: duckdb.DuckDBPyConnection, scope: Scope, *, limit: int | None
) -> list[tuple[Any, ...]]:
    """One row per referring domain, by backlinks: domain, backlinks, followed backlinks, first
    and last seen (over every snapshot)."""
    if not scope.aggregated:
        return queries.refdomain_rows(con, scope.where, scope.params, limit=limit)
    top = f"AND r.backlinks_rank <= {int(limit)}" if limit is not None else ""
    return _rows(
        con,
        f"""WITH top AS (
                SELECT r.source_domain_id, r.backlinks, r.followed, r.backlinks_rank
                FROM {_REFDOMAINS} {top}
            ),
            seen AS (
                SELECT a.source_domain_id, min(a.first_captured_at) AS first_seen,
                       max(a.last_captured_at) AS last_seen
                FROM refdomain_stats a SEMI JOIN top t ON t.source_domain_id = a.source_domain_id
                WHERE a.target_domain_id = $domain_id
                GROUP BY a.source_domain_id
            )
            SELECT d.domain, t.backlinks, t.followed, s.first_seen, s.last_seen
            FROM top t
            JOIN domains d ON d.domain_id = t.source_domain_id
            JOIN seen s USING (source_domain_id)
            ORDER BY t.backlinks_rank""",
        _params(scope),
    )


def top_anchor_rows(
    con: duckdb.DuckDBPyConnection, scope: Scope, *, limit: int
) -> list[tuple[Any, ...]]:
    """Anchors by referring domains, then backlinks: anchor, backlinks, referring domains."""
    if not scope.aggregated:
        return queries.top_anchor_rows(con, scope.where, scope.params, limit=limit)
    return _rows(
        con,
        f"""SELECT a.anchor, sum(a.backlinks)::BIGINT AS backlinks,
                   max(a.anchor_referring_domains) AS rd
            FROM {_TOTALS} GROUP BY a.anchor
            ORDER BY rd DESC, backlinks DESC, a.anchor LIMIT {int(limit)}""",
        _params(scope),
    )


def top_page_rows(
    con: duckdb.DuckDBPyConnection, scope: Scope, *, limit: int
) -> list[tuple[Any, ...]]:
    """The target's pages by referring domains, then backlinks: URL, backlinks, domains."""
    if not scope.aggregated:
        return queries.top_page_rows(con, scope.where, scope.params, limit=limit)
    return _rows(
        con,
        f"""SELECT u.url, p.backlinks, p.referring_domains
            FROM page_stats p JOIN urls u ON u.url_id = p.target_url_id
            WHERE p.target_domain_id = $domain_id AND p.snapshot_id = $sid
            ORDER BY p.referring_domains DESC, p.backlinks DESC, u.url LIMIT {int(limit)}""",
        _params(scope),
    )


def anchor_groups(con: duckdb.DuckDBPyConnection, scope: Scope) -> list[tuple[str, bool, int, int]]:
    """Every distinct (anchor, image) of the backlinks: backlinks and referring domains."""
    if not scope.aggregated:
        return report_queries.anchor_groups(con, scope.where, scope.params)
    rows = _rows(
        con,
        f"SELECT a.anchor, a.image, a.backlinks, a.referring_domains FROM {_TOTALS}",
        _params(scope),
    )
    return [(str(r[0]), bool(r[1]), int(r[2]), int(r[3])) for r in rows]


def category_counts(
    con: duckdb.DuckDBPyConnection, scope: Scope, mapping: Sequence[tuple[str, bool, str]]
) -> dict[str, tuple[int, int]]:
    """Backlinks and referring domains per category, given each (anchor, image)'s category."""
    if not scope.aggregated:
        return report_queries.category_counts(con, scope.where, scope.params, mapping)
    if not mapping:
        return {}
    names = sorted({category for _, _, category in mapping})
    bits = {name: 1 << i for i, name in enumerate(names)}
    # Each referring domain's categories as a bit mask: the domains per mask are few rows,
    # and a category's referring domains are those of the masks holding its bit (a distinct
    # count per category would hash every (category, domain) pair).
    rows = _rows(
        con,
        """WITH cat AS (
                SELECT unnest($cat_anchor) AS anchor, unnest($cat_image) AS image,
                       unnest($cat_bit) AS bit
            ),
            masks AS (
                SELECT bit_or(c.bit) AS mask
                FROM anchor_stats a JOIN cat c ON c.anchor = a.anchor AND c.image = a.image
                WHERE a.target_domain_id = $domain_id AND a.snapshot_id = $sid
                GROUP BY a.source_domain_id
            )
            SELECT 'domains' AS what, mask AS bits, count(*) AS n FROM masks GROUP BY mask
            UNION ALL
            SELECT 'backlinks', c.bit, sum(t.backlinks)
            FROM anchor_totals t JOIN cat c ON c.anchor = t.anchor AND c.image = t.image
            WHERE t.target_domain_id = $domain_id AND t.snapshot_id = $sid
            GROUP BY c.bit""",
        {
            **_params(scope),
            "cat_anchor": [m[0] for m in mapping],
            "cat_image": [m[1] for m in mapping],
            "cat_bit": [bits[m[2]] for m in mapping],
        },
    )
    domains = {name: 0 for name in names}
    backlinks = dict(domains)
    for what, mask, n in rows:
        for name, bit in bits.items():
            if what == "domains" and mask & bit:
                domains[name] += int(n)
            elif what == "backlinks" and mask == bit:
                backlinks[name] = int(n)
    return {name: (backlinks[name], domains[name]) for name in names}


def anchor_categories(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    groups: Sequence[tuple[str, bool, int, int]],
    mapping: Sequence[tuple[str, bool, str]],
    *,
    exact: str,
    limit: int | None,
) -> tuple[dict[str, tuple[int, int]], list[tuple[str, int, int, list[str]]]]:
    """:func:`category_counts` and :func:`domains_using_anchors` of the (anchor, image) pairs
    of category ``exact``, together; ``groups`` are :func:`anchor_groups` and ``mapping``
    their categories, in the same order.

    From the aggregates, a category's backlinks are the sum of its groups' (no statement);
    its referring domains come from one grouping of ``anchor_stats`` by referring domain
    (as in :func:`category_counts`); the exact-match domains from that category's
    ``anchor_stats`` rows alone, their anchors gathered here: a list aggregate per domain in
    SQL costs more than the few rows it reads.
    """
    pairs = [(anchor, image) for anchor, image, category in mapping if category == exact]
    if not scope.aggregated or not mapping:
        return (
            category_counts(con, scope, mapping),
            domains_using_anchors(con, scope, pairs, limit=limit),
        )
    names = sorted({category for _, _, category in mapping})
    bits = {name: 1 << i for i, name in enumerate(names)}
    backlinks = {name: 0 for name in names}
    for (_, _, group_backlinks, _), (_, _, category) in zip(groups, mapping, strict=True):
        backlinks[category] += group_backlinks
    # One statement: each referring domain's categories as a bit mask (see category_counts),
    # and the domains per mask (kind 0); the exact category's rows, once; per referring domain
    # their backlinks; the first domains by backlinks, then by name, and their rows again, for
    # the anchors they use (kind 1).
    rows = _rows(
        con,
        f"""WITH cat AS (
                SELECT unnest($cat_anchor) AS anchor, unnest($cat_image) AS image,
                       unnest($cat_bit) AS bit
            ),
            masks AS (
                SELECT bit_or(c.bit) AS mask
                FROM anchor_stats a JOIN cat c ON c.anchor = a.anchor AND c.image = a.image
                WHERE a.target_domain_id = $domain_id AND a.snapshot_id = $sid
                GROUP BY a.source_domain_id
            ),
            used AS MATERIALIZED (
                SELECT a.source_domain_id, a.anchor, a.backlinks
                FROM anchor_stats a JOIN cat c ON c.anchor = a.anchor AND c.image = a.image
                WHERE a.target_domain_id = $domain_id AND a.snapshot_id = $sid
                  AND c.bit = $exact_bit
            ),
            per AS (
                SELECT source_domain_id, sum(backlinks) AS backlinks
                FROM used GROUP BY source_domain_id
            ),
            top AS (
                SELECT p.source_domain_id, p.backlinks, d.domain
                FROM per p JOIN domains d ON d.domain_id = p.source_domain_id
                ORDER BY p.backlinks DESC, d.domain {_limit_sql(limit)}
            )
            SELECT 0 AS kind, mask AS n, count(*) AS backlinks, NULL AS domain,
                   NULL AS domain_id, NULL AS anchor
            FROM masks GROUP BY mask
            UNION ALL
            SELECT 1, NULL, t.backlinks, t.domain, t.source_domain_id, u.anchor
            FROM top t JOIN used u ON u.source_domain_id = t.source_domain_id""",
        {
            **_params(scope),
            "cat_anchor": [m[0] for m in mapping],
            "cat_image": [m[1] for m in mapping],
            "cat_bit": [bits[m[2]] for m in mapping],
            "exact_bit": bits.get(exact, 0),
        },
    )
    domains = {name: 0 for name in names}
    per: dict[str, tuple[int, int, set[str]]] = {}
    for kind, mask, n, domain, domain_id, anchor in rows:
        if kind == 0:
            for name, bit in bits.items():
                if mask & bit:
                    domains[name] += int(n)
        else:
            per.setdefault(domain, (int(domain_id), int(n), set()))[2].add(anchor)
    found = [(d, e[0], e[1], sorted(e[2])) for d, e in per.items()]
    found.sort(key=lambda r: (-r[2], r[0]))
    return {name: (backlinks[name], domains[name]) for name in names}, found


def domains_using_anchors(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    anchors: Sequence[tuple[str, bool]],
    *,
    limit: int | None,
) -> list[tuple[str, int, int, list[str]]]:
    """Referring domains linking with the given (anchor, image) pairs, by backlinks: domain,
    domain id, backlinks with those anchors, the distinct anchors used."""
    if not scope.aggregated:
        return report_queries.domains_using_anchors(
            con, scope.where, scope.params, anchors, limit=limit
        )
    if not anchors:
        return []
    mapping = [(anchor, image, "x") for anchor, image in anchors]
    rows = _rows(
        con,
        f"""WITH {report_queries.CATEGORY_CTE}
            SELECT d.domain, a.source_domain_id, sum(a.backlinks) AS backlinks,
                   list(DISTINCT a.anchor ORDER BY a.anchor)
            FROM anchor_stats a
            JOIN cat c ON c.anchor = a.anchor AND c.image = a.image
            JOIN domains d ON d.domain_id = a.source_domain_id
            WHERE a.target_domain_id = $domain_id AND a.snapshot_id = $sid
            GROUP BY d.domain, a.source_domain_id
            ORDER BY backlinks DESC, d.domain {_limit_sql(limit)}""",
        report_queries.category_params(_params(scope), mapping),
    )
    return [(str(r[0]), int(r[1]), int(r[2]), list(r[3])) for r in rows]
