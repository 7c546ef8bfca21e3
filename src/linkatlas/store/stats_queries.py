"""A report scope's counts: from the aggregates when they are current, else from the links.

Each function takes a :class:`~linkatlas.store.report_queries.Scope`. When
``scope.aggregated`` (domain mode, aggregates up to date: ``linkatlas.store.aggregates``) it
reads ``history_stats``, ``refdomain_stats``, ``anchor_totals``, ``anchor_sets``,
``anchor_stats`` or ``page_stats``; otherwise it runs the query of the same name on ``links``
(``linkatlas.store.queries``, ``linkatlas.store.report_queries``). Both give the same rows;
tests compare them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import duckdb

from linkatlas.store import queries, report_queries
from linkatlas.store.report_queries import Scope
from linkatlas.store.sql import fetch_one

_TOTALS = "anchor_totals a WHERE a.target_domain_id = $domain_id AND a.snapshot_id = $sid"
_TARGET_ROW = "history_stats h WHERE h.target_domain_id = $domain_id AND h.snapshot_id = $sid"
"""The target's one row of the snapshot (none: no backlinks in it, nor in the one before)."""
_TOP_ANCHORS = f"""
    SELECT a.anchor, sum(a.backlinks)::BIGINT AS backlinks, max(a.anchor_referring_domains) AS rd
    FROM {_TOTALS} GROUP BY a.anchor
    ORDER BY rd DESC, backlinks DESC, a.anchor LIMIT {{limit}}"""
_TOP_PAGES = """
    SELECT u.url, p.backlinks, p.referring_domains AS rd
    FROM page_stats p JOIN urls u ON u.url_id = p.target_url_id
    WHERE p.target_domain_id = $domain_id AND p.snapshot_id = $sid
    ORDER BY p.referring_domains DESC, p.backlinks DESC, u.url LIMIT {limit}"""
_TOP_REFDOMAINS = """
    SELECT d.domain, r.backlinks, r.followed, r.first_seen, r.last_seen, r.backlinks_rank
    FROM refdomain_stats r JOIN domains d ON d.domain_id = r.source_domain_id
    WHERE r.target_domain_id = $domain_id AND r.snapshot_id = $sid {top}"""


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
        f"""SELECT h.backlinks, h.referring_domains, h.pages, h.followed, h.nofollow,
                   h.sponsored, h.ugc, h.image
            FROM {_TARGET_ROW}""",
        _params(scope),
    )
    return tuple(int(v) for v in row) if row else (0,) * 8


def count_refdomains(con: duckdb.DuckDBPyConnection, scope: Scope) -> int:
    if not scope.aggregated:
        return queries.count_refdomains(con, scope.where, scope.params)
    row = fetch_one(con, f"SELECT h.referring_domains FROM {_TARGET_ROW}", _params(scope))
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
        f"SELECT domain, backlinks, followed, first_seen, last_seen FROM "
        f"({_TOP_REFDOMAINS.format(top=top)}) ORDER BY backlinks_rank",
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
        _TOP_ANCHORS.format(limit=int(limit)),
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
        _TOP_PAGES.format(limit=int(limit)),
        _params(scope),
    )


@dataclass(frozen=True, slots=True)
class ProfileRows:
    """The rows of a profile: :func:`count_summary`, then the first ``top`` rows of
    :func:`top_anchor_rows`, :func:`top_page_rows` and :func:`refdomain_rows`."""

    summary: tuple[int, ...]
    anchors: list[tuple[Any, ...]]
    pages: list[tuple[Any, ...]]
    refdomains: list[tuple[Any, ...]]


def profile_rows(con: duckdb.DuckDBPyConnection, scope: Scope, *, top: int) -> ProfileRows:
    """:class:`ProfileRows`; from the aggregates in one statement (each statement costs a
    report about a millisecond): one ``UNION ALL`` of the four, each row tagged with its
    part and its place in it, in columns wide enough for any of them."""
    if not scope.aggregated:
        return ProfileRows(
            count_summary(con, scope),
            top_anchor_rows(con, scope, limit=top),
            top_page_rows(con, scope, limit=top),
            refdomain_rows(con, scope, limit=top),
        )
    limit = int(top)
    rows = _rows(
        con,
        f"""SELECT 0 AS part, 1 AS place, NULL AS text, h.backlinks AS n1,
                   h.referring_domains AS n2, h.pages AS n3, h.followed AS n4,
                   h.nofollow AS n5, h.sponsored AS n6, h.ugc AS n7, h.image AS n8,
                   NULL::TIMESTAMP AS t1, NULL::TIMESTAMP AS t2
            FROM {_TARGET_ROW}
            UNION ALL
            SELECT 1, row_number() OVER (ORDER BY rd DESC, backlinks DESC, anchor), anchor,
                   backlinks, rd, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
            FROM ({_TOP_ANCHORS.format(limit=limit)})
            UNION ALL
            SELECT 2, row_number() OVER (ORDER BY rd DESC, backlinks DESC, url), url,
                   backlinks, rd, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
            FROM ({_TOP_PAGES.format(limit=limit)})
            UNION ALL
            SELECT 3, backlinks_rank, domain, backlinks, followed, NULL, NULL, NULL, NULL,
                   NULL, NULL, first_seen, last_seen
            FROM ({_TOP_REFDOMAINS.format(top=f"AND r.backlinks_rank <= {limit}")})
            ORDER BY part, place""",
        _params(scope),
    )
    parts: dict[int, list[tuple[Any, ...]]] = {0: [], 1: [], 2: [], 3: []}
    for row in rows:
        parts[row[0]].append(row[2:])
    summary = parts[0][0][1:9] if parts[0] else (0,) * 8
    return ProfileRows(
        tuple(int(v) for v in summary),
        [r[:3] for r in parts[1]],
        [r[:3] for r in parts[2]],
        [(r[0], r[1], r[2], r[9], r[10]) for r in parts[3]],
    )


def anchor_groups(con: duckdb.DuckDBPyConnection, scope: Scope) -> list[tuple[str, bool, int, int]]:
    """Every distinct (anchor, image) of the backlinks: backlinks and referring domains.

    From the aggregates, in the order of their ``anchor_key`` (the n-th has key n), which
    :func:`anchor_categories` relies on.
    """
    if not scope.aggregated:
        return report_queries.anchor_groups(con, scope.where, scope.params)
    rows = _rows(
        con,
        f"""SELECT a.anchor, a.image, a.backlinks, a.referring_domains FROM {_TOTALS}
            ORDER BY a.anchor_key""",
        _params(scope),
    )
    return [(str(r[0]), bool(r[1]), int(r[2]), int(r[3])) for r in rows]


@dataclass(frozen=True, slots=True)
class AnchorCategories:
    """What :func:`anchor_categories` counts."""

    counts: dict[str, tuple[int, int]]
    """Backlinks and referring domains per category."""
    exact_domains: list[tuple[str, int, int, list[str]]]
    """The referring domains linking with anchors of the exact category, by backlinks:
    domain, domain id, backlinks with those anchors, the distinct anchors used."""
    referring_domains: int
    """The target's referring domains (whatever the category)."""


def anchor_categories(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    groups: Sequence[tuple[str, bool, int, int]],
    mapping: Sequence[tuple[str, bool, str]],
    *,
    exact: str,
    limit: int | None,
) -> AnchorCategories:
    """Backlinks and referring domains per category, the referring domains linking with
    anchors of category ``exact``, and the target's referring domains; ``groups`` are
    :func:`anchor_groups` and ``mapping`` their categories, in the same order.

    From the aggregates, a category's backlinks are the sum of its groups' (no statement);
    the rest is one statement over the target's ``anchor_sets`` and ``anchor_stats`` rows,
    which name each (anchor, image) by its key: the n-th group's category is the n-th element
    of a list parameter, so no anchor text is read or joined. The categories of a set of keys
    (of the referring domains linking with exactly those) make a bit mask, and a category's
    referring domains are those of the masks holding its bit (a distinct count per category
    would hash every (category, domain) pair); each referring domain has one set, so the
    domains of the sets add up to the target's.
    """
    if not mapping:  # no anchor, so no backlink
        return AnchorCategories({}, [], 0)
    if not scope.aggregated:
        pairs = [(anchor, image) for anchor, image, category in mapping if category == exact]
        where, params = scope.where, scope.params
        return AnchorCategories(
            report_queries.category_counts(con, where, params, mapping),
            report_queries.domains_using_anchors(con, where, params, pairs, limit=limit),
            queries.count_refdomains(con, where, params),
        )
    names = sorted({category for _, _, category in mapping})
    bits = {name: 1 << i for i, name in enumerate(names)}
    backlinks = {name: 0 for name in names}
    for (_, _, group_backlinks, _), (_, _, category) in zip(groups, mapping, strict=True):
        backlinks[category] += group_backlinks
    # Kind 0: the referring domains (n) per mask. Kind 1: the exact category's rows, per
    # referring domain their backlinks (n), the first domains by backlinks, then by name, and
    # the keys they use.
    rows = _rows(
        con,
        f"""WITH masks AS (
                SELECT bit_or($bits[s.anchor_key]) AS mask, any_value(s.domains) AS domains
                FROM anchor_sets s
                WHERE s.target_domain_id = $domain_id AND s.snapshot_id = $sid
                GROUP BY s.set_id
            ),
            used AS MATERIALIZED (
                SELECT a.source_domain_id, a.anchor_key, a.backlinks
                FROM anchor_stats a
                WHERE a.target_domain_id = $domain_id AND a.snapshot_id = $sid
                  AND $bits[a.anchor_key] = $exact_bit
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
            SELECT 0 AS kind, mask, sum(domains) AS n, NULL AS domain, NULL AS domain_id,
                   NULL AS anchor_key
            FROM masks GROUP BY mask
            UNION ALL
            SELECT 1, NULL, t.backlinks, t.domain, t.source_domain_id, u.anchor_key
            FROM top t JOIN used u ON u.source_domain_id = t.source_domain_id""",
        {
            **_params(scope),
            "bits": [bits[category] for _, _, category in mapping],
            "exact_bit": bits.get(exact, 0),
        },
    )
    domains = {name: 0 for name in names}
    per: dict[str, tuple[int, int, set[str]]] = {}
    for kind, mask, n, domain, domain_id, key in rows:
        if kind == 0:
            for name, bit in bits.items():
                if mask & bit:
                    domains[name] += int(n)
        else:
            per.setdefault(domain, (int(domain_id), int(n), set()))[2].add(groups[key - 1][0])
    found = [(d, e[0], e[1], sorted(e[2])) for d, e in per.items()]
    found.sort(key=lambda r: (-r[2], r[0]))
    total = sum(int(n) for kind, _, n, _, _, _ in rows if kind == 0)
    return AnchorCategories(
        {name: (backlinks[name], domains[name]) for name in names}, found, total
    )
