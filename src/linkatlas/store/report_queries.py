"""Read queries of the anchor, competitor and opportunity reports (``linkatlas.analyze``).

Backlinks are selected as in ``linkatlas.store.queries``: one link occurrence of a backlink
kind on a page of another registrable domain, in one snapshot (:func:`queries.backlink_filter`).
Scores (DR, UR) are read only when the ranking stage has written its tables.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb

from linkatlas.analyze.reports import Target
from linkatlas.ids import stable_id
from linkatlas.records import BACKLINK_KINDS
from linkatlas.store import aggregates, queries
from linkatlas.store.queries import FOLLOWED, SnapshotRow
from linkatlas.store.sql import fetch_one

log = logging.getLogger(__name__)

_KINDS = ", ".join(f"'{kind}'" for kind in BACKLINK_KINDS)
_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")

Filter = tuple[str, dict[str, Any]]
"""An SQL condition on ``links l`` and its named parameters."""


@dataclass(frozen=True, slots=True)
class Scope:
    """A parsed target in one snapshot, and the condition selecting its backlinks."""

    target: Target
    snapshot: SnapshotRow
    where: str
    params: dict[str, Any]
    aggregated: bool = False
    """Whether the target's counts can be read from the aggregates (``linkatlas.store.
    aggregates``): domain mode, aggregates up to date. ``where`` selects its links anyway."""


def backlink_scope(con: duckdb.DuckDBPyConnection, target: Target, snapshot: str | None) -> Scope:
    """The snapshot (latest unless named), checked target and backlink condition of a report.

    One statement answers all three questions (each costs a report about a millisecond):
    the snapshot, whether the target's domain is in the store, whether its aggregates are
    current. Errors are those of :func:`queries.select_snapshot`, then of an unknown target.
    """
    domain_id = stable_id(target.domain)
    which = "" if snapshot is None else "WHERE s.name = $name"
    row = fetch_one(
        con,
        f"""SELECT s.snapshot_id, s.name, s.date,
                   (SELECT count(*) FROM domains WHERE domain_id = $domain_id),
                   {aggregates.CURRENT}
            FROM snapshots s {which} ORDER BY s.date DESC, s.created_at DESC LIMIT 1""",
        {
            **aggregates.current_params(domain_id),
            **({} if snapshot is None else {"name": snapshot}),
        },
    )
    if row is None:  # no such snapshot: select_snapshot raises the error that says why
        snap = queries.select_snapshot(con, snapshot)
        aggregated = checked_target(con, target)
    else:
        snap = SnapshotRow(int(row[0]), str(row[1]), row[2])
        aggregated = _aggregated(target, known=bool(row[3]), current=bool(row[4]))
    where, params = queries.backlink_filter(target, snap.snapshot_id)
    return Scope(target, snap, where, params, aggregated=aggregated)


def checked_target(con: duckdb.DuckDBPyConnection, target: Target) -> bool:
    """UnknownTargetError unless the target's domain appears in the store; else whether its
    reports can read the aggregates: in domain mode, when they are current."""
    domain_id = stable_id(target.domain)
    row = fetch_one(
        con,
        f"SELECT (SELECT count(*) FROM domains WHERE domain_id = $domain_id), {aggregates.CURRENT}",
        aggregates.current_params(domain_id),
    )
    assert row is not None
    return _aggregated(target, known=bool(row[0]), current=bool(row[1]))


def checked_snapshots(
    con: duckdb.DuckDBPyConnection, target: Target
) -> tuple[list[SnapshotRow], bool]:
    """Every snapshot, oldest first (by date, then creation), and :func:`checked_target`, in
    one statement."""
    domain_id = stable_id(target.domain)
    rows = _rows(
        con,
        f"""SELECT s.snapshot_id, s.name, s.date,
                   (SELECT count(*) FROM domains WHERE domain_id = $domain_id),
                   {aggregates.CURRENT}
            FROM snapshots s ORDER BY s.date, s.created_at""",
        aggregates.current_params(domain_id),
    )
    if not rows:  # an empty store: no snapshot, and the target unknown
        return [], checked_target(con, target)
    snapshots = [SnapshotRow(int(r[0]), str(r[1]), r[2]) for r in rows]
    return snapshots, _aggregated(target, known=bool(rows[0][3]), current=bool(rows[0][4]))


def _aggregated(target: Target, *, known: bool, current: bool) -> bool:
    if not known:
        raise queries.unknown_target(target)
    if target.mode != "domain":
        return False
    if not current:
        log.info("aggregates of %s are not up to date: counting its links", target.domain)
    return current


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: Any) -> list[tuple[Any, ...]]:
    return con.execute(sql, params).fetchall()


def _limit_sql(limit: int | None) -> str:
    return "" if limit is None else f"LIMIT {int(limit)}"


def renamed(condition: Filter, suffix: str) -> Filter:
    """The same condition with every ``$name`` parameter renamed ``$name_<suffix>``.

    Lets several targets' conditions share one statement.
    """
    where, params = condition
    return (
        _PARAM.sub(lambda m: f"${m.group(1)}_{suffix}", where),
        {f"{name}_{suffix}": value for name, value in params.items()},
    )


# -- anchors -------------------------------------------------------------------------------


def anchor_groups(
    con: duckdb.DuckDBPyConnection, where: str, params: dict[str, Any]
) -> list[tuple[str, bool, int, int]]:
    """Every distinct (anchor, image) of the backlinks: backlinks and referring domains."""
    rows = _rows(
        con,
        f"""SELECT l.anchor, l.image, count(*), count(DISTINCT l.source_domain_id)
            FROM links l WHERE {where} GROUP BY l.anchor, l.image""",
        params,
    )
    return [(str(r[0]), bool(r[1]), int(r[2]), int(r[3])) for r in rows]


CATEGORY_CTE = """cat AS (
    SELECT unnest($cat_anchor) AS anchor, unnest($cat_image) AS image,
           unnest($cat_name) AS category
)"""


def category_params(
    params: dict[str, Any], mapping: Sequence[tuple[str, bool, str]]
) -> dict[str, Any]:
    return {
        **params,
        "cat_anchor": [m[0] for m in mapping],
        "cat_image": [m[1] for m in mapping],
        "cat_name": [m[2] for m in mapping],
    }


def category_counts(
    con: duckdb.DuckDBPyConnection,
    where: str,
    params: dict[str, Any],
    mapping: Sequence[tuple[str, bool, str]],
) -> dict[str, tuple[int, int]]:
    """Backlinks and referring domains per category, given each (anchor, image)'s category."""
    if not mapping:
        return {}
    rows = _rows(
        con,
        f"""WITH {CATEGORY_CTE}
            SELECT c.category, count(*), count(DISTINCT l.source_domain_id)
            FROM links l JOIN cat c ON c.anchor = l.anchor AND c.image = l.image
            WHERE {where} GROUP BY c.category""",
        category_params(params, mapping),
    )
    return {str(r[0]): (int(r[1]), int(r[2])) for r in rows}


def domains_using_anchors(
    con: duckdb.DuckDBPyConnection,
    where: str,
    params: dict[str, Any],
    anchors: Sequence[tuple[str, bool]],
    *,
    limit: int | None,
) -> list[tuple[str, int, int, list[str]]]:
    """Referring domains linking with the given (anchor, image) pairs, by backlinks.

    Rows: domain, domain id, backlinks with those anchors, the distinct anchors used.
    """
    if not anchors:
        return []
    mapping = [(anchor, image, "x") for anchor, image in anchors]
    rows = _rows(
        con,
        f"""WITH {CATEGORY_CTE}
            SELECT d.domain, l.source_domain_id, count(*) AS backlinks,
                   list(DISTINCT l.anchor ORDER BY l.anchor)
            FROM links l
            JOIN cat c ON c.anchor = l.anchor AND c.image = l.image
            JOIN domains d ON d.domain_id = l.source_domain_id
            WHERE {where}
            GROUP BY d.domain, l.source_domain_id
            ORDER BY backlinks DESC, d.domain {_limit_sql(limit)}""",
        category_params(params, mapping),
    )
    return [(str(r[0]), int(r[1]), int(r[2]), list(r[3])) for r in rows]


# -- intersect -----------------------------------------------------------------------------


def intersect_rows(
    con: duckdb.DuckDBPyConnection,
    competitors: Sequence[Filter],
    *,
    exclude: Filter | None,
    own_domain_ids: Sequence[int],
    min_competitors: int,
    limit: int | None,
    pages_per_competitor: int,
) -> tuple[int, list[tuple[Any, ...]]]:
    """Referring domains linking to at least ``min_competitors`` of the competitors.

    Domains linking to anything ``exclude`` selects, and ``own_domain_ids`` (the sites
    compared), are left out. Returns the number of such domains and, by competitors linked
    then backlinks, rows of: domain, domain id, backlinks, and a list of structs
    ``{c, backlinks, linked_pages, pages}`` (``c`` the competitor's index).
    """
    parts, params = [], {"own": list(own_domain_ids), "min_c": min_competitors}
    for index, condition in enumerate(competitors):
        where, named = renamed(condition, f"c{index}")
        parts.append(
            f"SELECT {index} AS c, l.source_domain_id AS sd, l.target_url_id AS tu "
            f"FROM links l WHERE {where}"
        )
        params.update(named)
    excluded = "SELECT NULL::BIGINT AS sd WHERE false"
    if exclude is not None:
        where, named = renamed(exclude, "x")
        excluded = f"SELECT DISTINCT l.source_domain_id AS sd FROM links l WHERE {where}"
        params.update(named)
    rows = _rows(
        con,
        f"""WITH hits AS ({" UNION ALL ".join(parts)}),
            kept AS (
                SELECT h.* FROM hits h
                ANTI JOIN ({excluded}) x ON x.sd = h.sd
                WHERE NOT list_contains($own, h.sd)
            ),
            per_domain AS (
                SELECT sd, count(DISTINCT c) AS n, count(*) AS backlinks FROM kept
                GROUP BY sd HAVING count(DISTINCT c) >= $min_c
            ),
            top AS (
                SELECT p.*, d.domain, count(*) OVER () AS total
                FROM per_domain p JOIN domains d ON d.domain_id = p.sd
                ORDER BY p.n DESC, p.backlinks DESC, d.domain {_limit_sql(limit)}
            ),
            per_pair AS (
                SELECT k.sd, k.c, count(*) AS backlinks, count(DISTINCT k.tu) AS linked_pages,
                       list(DISTINCT u.url ORDER BY u.url)[1:{int(pages_per_competitor)}] AS pages
                FROM kept k SEMI JOIN top t ON t.sd = k.sd
                JOIN urls u ON u.url_id = k.tu
                GROUP BY k.sd, k.c
            )
            SELECT t.domain, t.sd, t.backlinks, t.total,
                   list({{'c': p.c, 'backlinks': p.backlinks, 'linked_pages': p.linked_pages,
                          'pages': p.pages}} ORDER BY p.c)
            FROM top t JOIN per_pair p ON p.sd = t.sd
            GROUP BY t.domain, t.sd, t.n, t.backlinks, t.total
            ORDER BY t.n DESC, t.backlinks DESC, t.domain""",
        params,
    )
    total = int(rows[0][3]) if rows else 0
    return total, [(r[0], r[1], r[2], r[4]) for r in rows]


# -- broken --------------------------------------------------------------------------------


def linked_url_ids(con: duckdb.DuckDBPyConnection, where: str, params: dict[str, Any]) -> list[int]:
    """The distinct target URLs of the backlinks."""
    rows = _rows(con, f"SELECT DISTINCT l.target_url_id FROM links l WHERE {where}", params)
    return [int(r[0]) for r in rows]


def latest_captures(
    con: duckdb.DuckDBPyConnection, url_ids: Sequence[int], *, until: date
) -> dict[int, tuple[int, int | None]]:
    """Each URL's most recent capture in a snapshot dated ``until`` or before it.

    Maps url id → (HTTP status, redirect target url id or None); uncaptured URLs are absent.
    """
    if not url_ids:
        return {}
    rows = _rows(
        con,
        """SELECT p.url_id, arg_max({'status': p.status, 'redirect': p.redirect_url_id},
                                    p.captured_at)
           FROM pages p JOIN snapshots s ON s.snapshot_id = p.snapshot_id
           WHERE s.date <= $until AND p.url_id IN (SELECT unnest($ids))
           GROUP BY p.url_id""",
        {"until": until, "ids": list(url_ids)},
    )
    return {int(r[0]): (int(r[1]["status"]), r[1]["redirect"]) for r in rows}


def url_texts(con: duckdb.DuckDBPyConnection, url_ids: Sequence[int]) -> dict[int, str]:
    if not url_ids:
        return {}
    rows = _rows(
        con,
        "SELECT url_id, url FROM urls WHERE url_id IN (SELECT unnest($ids))",
        {"ids": list(url_ids)},
    )
    return {int(r[0]): str(r[1]) for r in rows}


def backlinks_to_urls(
    con: duckdb.DuckDBPyConnection,
    where: str,
    params: dict[str, Any],
    url_ids: Sequence[int],
    *,
    limit: int | None,
) -> tuple[tuple[int, int], list[tuple[Any, ...]]]:
    """The backlinks whose target is one of ``url_ids``.

    Returns ((backlinks, referring domains), rows by target URL, referring domain, source URL)
    with rows of: source URL, source domain, source domain id, target url id, target URL,
    anchor, followed.
    """
    full = {**params, "broken_ids": list(url_ids)}
    condition = f"{where} AND list_contains($broken_ids, l.target_url_id)"
    counts = fetch_one(
        con,
        f"SELECT count(*), count(DISTINCT l.source_domain_id) FROM links l WHERE {condition}",
        full,
    )
    assert counts is not None
    rows = _rows(
        con,
        f"""SELECT su.url, d.domain, l.source_domain_id, l.target_url_id, tu.url, l.anchor,
                   {FOLLOWED}
            FROM links l
            JOIN urls su ON su.url_id = l.source_url_id
            JOIN urls tu ON tu.url_id = l.target_url_id
            JOIN domains d ON d.domain_id = l.source_domain_id
            WHERE {condition}
            ORDER BY tu.url, d.domain, su.url, l.ordinal {_limit_sql(limit)}""",
        full,
    )
    return (int(counts[0]), int(counts[1])), rows


# -- pages ---------------------------------------------------------------------------------


def page_rows(
    con: duckdb.DuckDBPyConnection, where: str, params: dict[str, Any], *, limit: int | None
) -> tuple[int, list[tuple[Any, ...]]]:
    """The target's linked pages by referring domains, then backlinks.

    Returns (number of pages, rows of: url, url id, backlinks, referring domains, followed
    backlinks, first seen). First seen is the earliest capture of any backlink to the page, over
    all snapshots.
    """
    rows = _rows(
        con,
        f"""WITH per_page AS (
                SELECT l.target_url_id, count(*) AS backlinks,
                       count(DISTINCT l.source_domain_id) AS rd,
                       count(*) FILTER (WHERE {FOLLOWED}) AS followed
                FROM links l WHERE {where} GROUP BY l.target_url_id
            ),
            top AS (
                SELECT p.*, u.url, count(*) OVER () AS total
                FROM per_page p JOIN urls u ON u.url_id = p.target_url_id
                ORDER BY p.rd DESC, p.backlinks DESC, u.url {_limit_sql(limit)}
            ),
            seen AS (
                SELECT a.target_url_id, min(a.captured_at) AS first_seen
                FROM links a SEMI JOIN top t ON t.target_url_id = a.target_url_id
                WHERE a.target_domain_id = $domain_id
                  AND a.source_domain_id <> a.target_domain_id AND a.kind IN ({_KINDS})
                GROUP BY a.target_url_id
            )
            SELECT t.url, t.target_url_id, t.backlinks, t.rd, t.followed, s.first_seen, t.total
            FROM top t JOIN seen s USING (target_url_id)
            ORDER BY t.rd DESC, t.backlinks DESC, t.url""",
        params,
    )
    total = int(rows[0][6]) if rows else 0
    return total, [r[:6] for r in rows]


# -- outlinks ------------------------------------------------------------------------------


def outlink_filter(source: Target, snapshot_id: int) -> Filter:
    """SQL condition on ``links l`` selecting the links from a site to other sites."""
    params: dict[str, Any] = {"sid": snapshot_id, "domain_id": stable_id(source.domain)}
    clauses = [
        "l.snapshot_id = $sid",
        "l.source_domain_id = $domain_id",
        "l.source_domain_id <> l.target_domain_id",
        f"l.kind IN ({_KINDS})",
    ]
    if source.mode == "host" and source.host is not None:
        params["host_id"] = stable_id(source.host)
        clauses.append("l.source_host_id = $host_id")
    elif source.mode == "exact":
        params["url_ids"] = [stable_id(url) for url in source.urls]
        clauses.append("list_contains($url_ids, l.source_url_id)")
    elif source.mode == "prefix":
        params["prefixes"] = list(source.urls)
        clauses.append(
            "l.source_url_id IN (SELECT u.url_id FROM urls u WHERE u.domain_id = $domain_id "
            "AND list_bool_or([starts_with(u.url, p) FOR p IN $prefixes]))"
        )
    return " AND ".join(clauses), params


def outlink_summary(
    con: duckdb.DuckDBPyConnection, where: str, params: dict[str, Any]
) -> tuple[int, int, int]:
    """Links, followed links and linked domains."""
    row = fetch_one(
        con,
        f"""SELECT count(*), count(*) FILTER (WHERE {FOLLOWED}), count(DISTINCT l.target_domain_id)
            FROM links l WHERE {where}""",
        params,
    )
    assert row is not None
    return int(row[0]), int(row[1]), int(row[2])


def outlink_rows(
    con: duckdb.DuckDBPyConnection, where: str, params: dict[str, Any], *, limit: int | None
) -> list[tuple[Any, ...]]:
    """Per linked domain, by links: domain, domain id, links, followed links, linking pages,
    linked pages."""
    return _rows(
        con,
        f"""SELECT d.domain, l.target_domain_id, count(*) AS links,
                   count(*) FILTER (WHERE {FOLLOWED}), count(DISTINCT l.source_url_id),
                   count(DISTINCT l.target_url_id)
            FROM links l JOIN domains d ON d.domain_id = l.target_domain_id
            WHERE {where}
            GROUP BY d.domain, l.target_domain_id
            ORDER BY links DESC, d.domain {_limit_sql(limit)}""",
        params,
    )


# -- disavow -------------------------------------------------------------------------------


def refdomain_counts(
    con: duckdb.DuckDBPyConnection, where: str, params: dict[str, Any], domain_ids: Sequence[int]
) -> dict[int, tuple[int, int]]:
    """(backlinks, followed backlinks) to the target from each of the given domains."""
    if not domain_ids:
        return {}
    rows = _rows(
        con,
        f"""SELECT l.source_domain_id, count(*), count(*) FILTER (WHERE {FOLLOWED})
            FROM links l WHERE {where} AND list_contains($pick, l.source_domain_id)
            GROUP BY l.source_domain_id""",
        {**params, "pick": list(domain_ids)},
    )
    return {int(r[0]): (int(r[1]), int(r[2])) for r in rows}


# -- scores (written by the ranking stage, when it has run) --------------------------------


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    try:  # pragma_table_info answers in a fraction of information_schema's time
        rows = _rows(con, "SELECT name FROM pragma_table_info(?)", [table])
    except duckdb.CatalogException:  # no such table
        return set()
    return {str(r[0]) for r in rows}


def _scores(
    con: duckdb.DuckDBPyConnection,
    *,
    table: str,
    key: str,
    score: str,
    ids: Sequence[int],
    snapshot_id: int,
) -> dict[int, float]:
    columns = _columns(con, table)
    if not ids or not {key, score} <= columns:
        return {}
    by_snapshot = "AND snapshot_id = $sid" if "snapshot_id" in columns else ""
    # One id (a report's own target): a comparison with a constant, which zone maps prune.
    wanted = f"{key} = $ids[1]" if len(ids) == 1 else f"{key} IN (SELECT unnest($ids))"
    rows = _rows(
        con,
        f"""SELECT {key}, max({score}) FROM {table}
            WHERE {wanted} {by_snapshot} GROUP BY {key}""",
        {"ids": list(ids), "sid": snapshot_id} if by_snapshot else {"ids": list(ids)},
    )
    return {int(r[0]): float(r[1]) for r in rows if r[1] is not None}


def domain_ratings(
    con: duckdb.DuckDBPyConnection, domain_ids: Sequence[int], snapshot_id: int
) -> dict[int, float]:
    """DR of the given domains in a snapshot; empty when the domains are not ranked."""
    return _scores(
        con, table="domain_scores", key="domain_id", score="dr", ids=domain_ids,
        snapshot_id=snapshot_id,
    )  # fmt: skip


def url_ratings(
    con: duckdb.DuckDBPyConnection, url_ids: Sequence[int], snapshot_id: int
) -> dict[int, float]:
    """UR of the given pages in a snapshot; empty when the pages are not ranked."""
    return _scores(
        con, table="page_scores", key="url_id", score="ur", ids=url_ids, snapshot_id=snapshot_id
    )
