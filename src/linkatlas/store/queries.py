"""Read queries of the reports. Every SQL the analyze stage needs lives here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb

from linkatlas.analyze.reports import Target
from linkatlas.errors import StoreError, UnknownTargetError
from linkatlas.ids import stable_id
from linkatlas.records import BACKLINK_KINDS, LINK_KINDS
from linkatlas.store.sql import fetch_one

# The backlink kinds, written as the complement within LINK_KINDS (the only kinds a link row
# holds): DuckDB evaluates "<>" inside the scan, on the compressed column, but an IN list only
# after it, which doubles the cost of reading a target's links (layout.py).
NOT_BACKLINK_KINDS = ", ".join(f"'{kind}'" for kind in LINK_KINDS if kind not in BACKLINK_KINDS)
assert NOT_BACKLINK_KINDS
FOLLOWED = "NOT (l.nofollow OR l.sponsored OR l.ugc)"

CHANGE_COLUMNS = """{x}.link_id, {x}.target_domain_id, {x}.source_url_id, {x}.target_url_id,
    {x}.anchor, {x}.ordinal, NOT ({x}.nofollow OR {x}.sponsored OR {x}.ugc) AS followed"""
"""The columns of a ``links`` alias ``{x}`` that :data:`CHANGED_LINKS` compares."""

CHANGED_LINKS = """
    SELECT CASE WHEN a.link_id IS NULL THEN 'new'
                WHEN b.link_id IS NULL THEN 'gone'
                ELSE 'unfollowed' END AS change,
           coalesce(a.target_domain_id, b.target_domain_id) AS target_domain_id,
           coalesce(a.source_url_id, b.source_url_id) AS source_url_id,
           coalesce(a.target_url_id, b.target_url_id) AS target_url_id,
           coalesce(b.anchor, a.anchor) AS anchor,
           coalesce(a.ordinal, b.ordinal) AS ordinal
    FROM a FULL JOIN b ON b.link_id = a.link_id
    WHERE a.link_id IS NULL OR b.link_id IS NULL OR (a.followed AND NOT b.followed)"""
"""The backlinks that differ between two snapshots, given CTEs ``a`` (the earlier snapshot's
backlinks) and ``b`` (the later's) of :data:`CHANGE_COLUMNS`: ``new`` (only in ``b``),
``gone`` (only in ``a``) or ``unfollowed`` (in both, followed before and not after). One full
join by link id (unique in a snapshot) finds all three."""


@dataclass(frozen=True, slots=True)
class SnapshotRow:
    snapshot_id: int
    name: str
    date: date


def select_snapshot(con: duckdb.DuckDBPyConnection, name: str | None) -> SnapshotRow:
    """The named snapshot, or the latest one (by date, then creation)."""
    if name is None:
        row = fetch_one(
            con,
            "SELECT snapshot_id, name, date FROM snapshots ORDER BY date DESC, created_at DESC "
            "LIMIT 1",
        )
        if row is None:
            raise StoreError("the store is empty: ingest a WARC file first (linkatlas ingest warc)")
    else:
        row = fetch_one(con, "SELECT snapshot_id, name, date FROM snapshots WHERE name = ?", [name])
        if row is None:
            names = [
                r[0] for r in con.execute("SELECT name FROM snapshots ORDER BY date").fetchall()
            ]
            raise StoreError(f"no snapshot {name!r}; the store has: {', '.join(names) or 'none'}")
    return SnapshotRow(int(row[0]), str(row[1]), row[2])


def check_target(con: duckdb.DuckDBPyConnection, target: Target) -> None:
    """UnknownTargetError unless the target's domain appears in the store."""
    row = fetch_one(
        con, "SELECT count(*) FROM domains WHERE domain_id = ?", [stable_id(target.domain)]
    )
    if not row or row[0] == 0:
        raise unknown_target(target)


def unknown_target(target: Target) -> UnknownTargetError:
    return UnknownTargetError(
        f"{target.domain} is not in the store: no captured page is on it or links to it"
    )


def target_filter(target: Target, alias: str = "l") -> tuple[str, dict[str, Any]]:
    """SQL condition on a ``links`` alias selecting backlinks of the target, in any snapshot."""
    a = alias
    params: dict[str, Any] = {"domain_id": stable_id(target.domain)}
    clauses = [
        f"{a}.target_domain_id = $domain_id",
        # source_domain_id <> target_domain_id, given the clause above; as a comparison with a
        # constant, DuckDB evaluates it inside the scan
        f"{a}.source_domain_id <> $domain_id",
        f"{a}.kind NOT IN ({NOT_BACKLINK_KINDS})",
    ]
    if target.mode == "host" and target.host is not None:
        params["host_id"] = stable_id(target.host)
        clauses.append(f"{a}.target_host_id = $host_id")
    elif target.mode == "exact":
        params["url_ids"] = [stable_id(url) for url in target.urls]
        clauses.append(f"list_contains($url_ids, {a}.target_url_id)")
    elif target.mode == "prefix":
        params["prefixes"] = list(target.urls)
        clauses.append(
            f"{a}.target_url_id IN (SELECT u.url_id FROM urls u WHERE u.domain_id = $domain_id "
            "AND list_bool_or([starts_with(u.url, p) FOR p IN $prefixes]))"
        )
    return " AND ".join(clauses), params


def backlink_filter(target: Target, snapshot_id: int) -> tuple[str, dict[str, Any]]:
    """SQL condition on ``links l`` selecting the target's backlinks in a snapshot."""
    where, params = target_filter(target)
    return f"l.snapshot_id = $sid AND {where}", {**params, "sid": snapshot_id}


def _rows(
    con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any]
) -> list[tuple[Any, ...]]:
    return con.execute(sql, params).fetchall()


def _one(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any]) -> tuple[Any, ...]:
    row = fetch_one(con, sql, params)
    assert row is not None  # aggregate queries always return a row
    return row


def count_summary(
    con: duckdb.DuckDBPyConnection, where: str, params: dict[str, Any]
) -> tuple[Any, ...]:
    """Counts: backlinks, referring domains and pages, followed, nofollow, sponsored, ugc, image."""
    return _one(
        con,
        f"""SELECT count(*), count(DISTINCT l.source_domain_id), count(DISTINCT l.source_url_id),
                   count(*) FILTER (WHERE {FOLLOWED}), count(*) FILTER (WHERE l.nofollow),
                   count(*) FILTER (WHERE l.sponsored), count(*) FILTER (WHERE l.ugc),
                   count(*) FILTER (WHERE l.image)
            FROM links l WHERE {where}""",
        params,
    )


def backlink_rows(
    con: duckdb.DuckDBPyConnection, where: str, params: dict[str, Any], *, limit: int | None
) -> list[tuple[Any, ...]]:
    """One row per backlink: followed first, then by referring domain, source URL, order on page."""
    limit_sql = "" if limit is None else f"LIMIT {int(limit)}"
    return _rows(
        con,
        f"""WITH hits AS (
                SELECT l.*, d.domain AS source_domain, su.url AS source_url
                FROM links l
                JOIN domains d ON d.domain_id = l.source_domain_id
                JOIN urls su ON su.url_id = l.source_url_id
                WHERE {where}
                ORDER BY {FOLLOWED} DESC, d.domain, su.url, l.ordinal {limit_sql}
            ),
            seen AS (
                SELECT a.link_id, min(a.captured_at) AS first_seen, max(a.captured_at) AS last_seen
                FROM links a SEMI JOIN hits h ON h.link_id = a.link_id GROUP BY a.link_id
            )
            SELECT h.source_url, tu.url, h.anchor, h.kind, h.rel, h.nofollow, h.sponsored, h.ugc,
                   h.image, h.position, h.source_domain, s.first_seen, s.last_seen
            FROM hits h
            JOIN urls tu ON tu.url_id = h.target_url_id
            JOIN seen s ON s.link_id = h.link_id
            ORDER BY NOT (h.nofollow OR h.sponsored OR h.ugc) DESC, h.source_domain, h.source_url,
                     h.ordinal""",
        params,
    )


def candidates(table: str, value: str, limit: int | None) -> str:
    """SQL of the rows of ``table`` whose ``value`` is at least the ``limit``-th largest.

    Rows ordered by that value (descending), then by a name, and cut to ``limit`` are among
    them: looking the names up for these rows alone spares joining every row to its name.
    """
    if limit is None:
        return f"SELECT * FROM {table}"
    return (
        f"SELECT * FROM {table} WHERE {value} >= (SELECT min({value}) FROM "
        f"(SELECT {value} FROM {table} ORDER BY {value} DESC LIMIT {int(limit)}))"
    )


def refdomain_rows(
    con: duckdb.DuckDBPyConnection, where: str, params: dict[str, Any], *, limit: int | None
) -> list[tuple[Any, ...]]:
    """One row per referring domain: backlinks, followed backlinks, first and last seen."""
    limit_sql = "" if limit is None else f"LIMIT {int(limit)}"
    return _rows(
        con,
        f"""WITH per_domain AS (
                SELECT l.source_domain_id, count(*) AS backlinks,
                       count(*) FILTER (WHERE {FOLLOWED}) AS followed
                FROM links l WHERE {where} GROUP BY l.source_domain_id
            ),
            candidates AS MATERIALIZED ({candidates("per_domain", "backlinks", limit)}),
            top AS (
                SELECT p.*, d.domain FROM candidates p
                JOIN domains d ON d.domain_id = p.source_domain_id
                ORDER BY p.backlinks DESC, d.domain {limit_sql}
            ),
            seen AS (
                SELECT a.source_domain_id, min(a.captured_at) AS first_seen,
                       max(a.captured_at) AS last_seen
                FROM links a SEMI JOIN top t ON t.source_domain_id = a.source_domain_id
                WHERE a.target_domain_id = $domain_id AND a.kind NOT IN ({NOT_BACKLINK_KINDS})
                GROUP BY a.source_domain_id
            )
            SELECT t.domain, t.backlinks, t.followed, s.first_seen, s.last_seen
            FROM top t JOIN seen s USING (source_domain_id)
            ORDER BY t.backlinks DESC, t.domain""",
        params,
    )


def count_refdomains(con: duckdb.DuckDBPyConnection, where: str, params: dict[str, Any]) -> int:
    return int(
        _one(con, f"SELECT count(DISTINCT l.source_domain_id) FROM links l WHERE {where}", params)[
            0
        ]
    )


def top_anchor_rows(
    con: duckdb.DuckDBPyConnection, where: str, params: dict[str, Any], *, limit: int
) -> list[tuple[Any, ...]]:
    """Anchors by referring domains, then backlinks."""
    return _rows(
        con,
        f"""SELECT l.anchor, count(*) AS backlinks, count(DISTINCT l.source_domain_id) AS rd
            FROM links l WHERE {where} GROUP BY l.anchor
            ORDER BY rd DESC, backlinks DESC, l.anchor LIMIT {int(limit)}""",
        params,
    )


def top_page_rows(
    con: duckdb.DuckDBPyConnection, where: str, params: dict[str, Any], *, limit: int
) -> list[tuple[Any, ...]]:
    """The target's pages by referring domains, then backlinks."""
    return _rows(
        con,
        f"""WITH per_page AS (
                SELECT l.target_url_id, count(*) AS backlinks,
                       count(DISTINCT l.source_domain_id) AS rd
                FROM links l WHERE {where} GROUP BY l.target_url_id
            )
            SELECT u.url, p.backlinks, p.rd
            FROM per_page p JOIN urls u ON u.url_id = p.target_url_id
            ORDER BY p.rd DESC, p.backlinks DESC, u.url LIMIT {int(limit)}""",
        params,
    )
