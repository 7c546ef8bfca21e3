"""Read queries of the risk report (``linkatlas.analyze.risk``): the rows each signal is made of.

Every query takes the report's backlink condition (``where``/``params`` of
:func:`linkatlas.store.report_queries.backlink_scope`) and looks only at *followed* backlinks:
a link marked nofollow, sponsored or ugc is what Google asks for and is no link scheme.
Lists of URLs are cut at ``cap`` (the evidence the report shows), sorted so that runs repeat.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import duckdb

from linkatlas.records import BACKLINK_KINDS
from linkatlas.store.queries import FOLLOWED
from linkatlas.store.sql import fetch_one

_KINDS = ", ".join(f"'{kind}'" for kind in BACKLINK_KINDS)


@dataclass(frozen=True, slots=True)
class ReferringDomainRow:
    domain_id: int
    domain: str
    backlinks: int
    followed_backlinks: int


@dataclass(frozen=True, slots=True)
class BoilerplateRow:
    """A referring domain's followed backlinks from nav, header, footer or aside positions."""

    domain_id: int
    linking_pages: int
    """Its pages linking to the target from one of those positions."""
    captured_pages: int
    """Its pages captured in the snapshot, whatever they link to."""
    positions: list[str]
    urls: list[str]


@dataclass(frozen=True, slots=True)
class ReturnLinkRow:
    """Followed links from the target's domain back to one of its referring domains."""

    domain_id: int
    pages: int
    """The target domain's pages linking to the referring domain."""
    urls: list[str]


@dataclass(frozen=True, slots=True)
class AnchorUseRow:
    domain_id: int
    backlinks: int
    anchors: list[str]
    urls: list[str]


@dataclass(frozen=True, slots=True)
class OutlinkRow:
    """A referring domain's linking pages with many outlinks."""

    domain_id: int
    pages: int
    max_outlinks: int
    urls: list[str]
    """Most outlinks first."""


@dataclass(frozen=True, slots=True)
class IpRow:
    """The linking pages of a referring domain served from one IP address."""

    domain_id: int
    ip: str
    urls: list[str]


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: Any) -> list[tuple[Any, ...]]:
    return con.execute(sql, params).fetchall()


def referring_domains(
    con: duckdb.DuckDBPyConnection, where: str, params: dict[str, Any]
) -> list[ReferringDomainRow]:
    """Every referring domain: backlinks and followed backlinks, most followed first."""
    rows = _rows(
        con,
        f"""SELECT l.source_domain_id, d.domain, count(*) AS backlinks,
                   count(*) FILTER (WHERE {FOLLOWED}) AS followed
            FROM links l JOIN domains d ON d.domain_id = l.source_domain_id
            WHERE {where} GROUP BY l.source_domain_id, d.domain
            ORDER BY followed DESC, backlinks DESC, d.domain""",
        params,
    )
    return [ReferringDomainRow(int(r[0]), str(r[1]), int(r[2]), int(r[3])) for r in rows]


def linking_pages(
    con: duckdb.DuckDBPyConnection,
    where: str,
    params: dict[str, Any],
    domain_ids: Sequence[int],
    *,
    cap: int,
) -> dict[int, list[str]]:
    """The first ``cap`` pages (by URL) of each domain that link to the target, followed."""
    if not domain_ids:
        return {}
    rows = _rows(
        con,
        f"""SELECT l.source_domain_id, list(DISTINCT su.url ORDER BY su.url)[1:{int(cap)}]
            FROM links l JOIN urls su ON su.url_id = l.source_url_id
            WHERE {where} AND {FOLLOWED} AND list_contains($pick, l.source_domain_id)
            GROUP BY l.source_domain_id""",
        {**params, "pick": list(domain_ids)},
    )
    return {int(r[0]): list(r[1]) for r in rows}


def boilerplate_links(
    con: duckdb.DuckDBPyConnection,
    where: str,
    params: dict[str, Any],
    *,
    positions: Sequence[str],
    min_pages: int,
    cap: int,
) -> list[BoilerplateRow]:
    """Referring domains linking from ``positions`` of at least ``min_pages`` of their pages."""
    rows = _rows(
        con,
        f"""WITH hits AS (
                SELECT l.source_domain_id AS d, count(DISTINCT l.source_url_id) AS pages,
                       list(DISTINCT l.position ORDER BY l.position) AS positions,
                       list(DISTINCT su.url ORDER BY su.url)[1:{int(cap)}] AS urls
                FROM links l JOIN urls su ON su.url_id = l.source_url_id
                WHERE {where} AND {FOLLOWED} AND list_contains($positions, l.position)
                GROUP BY l.source_domain_id
                HAVING count(DISTINCT l.source_url_id) >= $min_pages
            ),
            captured AS (
                SELECT p.domain_id AS d, count(*) AS pages FROM pages p
                WHERE p.snapshot_id = $sid AND p.domain_id IN (SELECT d FROM hits)
                GROUP BY p.domain_id
            )
            SELECT h.d, h.pages, c.pages, h.positions, h.urls
            FROM hits h JOIN captured c USING (d) ORDER BY h.d""",
        {**params, "positions": list(positions), "min_pages": min_pages},
    )
    return [BoilerplateRow(int(r[0]), int(r[1]), int(r[2]), list(r[3]), list(r[4])) for r in rows]


def return_links(
    con: duckdb.DuckDBPyConnection, where: str, params: dict[str, Any], *, cap: int
) -> list[ReturnLinkRow]:
    """Followed links from the target's registrable domain to its followed referring domains."""
    rows = _rows(
        con,
        f"""WITH refs AS (
                SELECT DISTINCT l.source_domain_id AS d FROM links l WHERE {where} AND {FOLLOWED}
            )
            SELECT l.target_domain_id, count(DISTINCT l.source_url_id),
                   list(DISTINCT su.url ORDER BY su.url)[1:{int(cap)}]
            FROM links l JOIN urls su ON su.url_id = l.source_url_id
            WHERE l.snapshot_id = $sid AND l.source_domain_id = $domain_id
              AND l.target_domain_id IN (SELECT d FROM refs)
              AND l.kind IN ({_KINDS}) AND {FOLLOWED}
            GROUP BY l.target_domain_id ORDER BY l.target_domain_id""",
        params,
    )
    return [ReturnLinkRow(int(r[0]), int(r[1]), list(r[2])) for r in rows]


def mutual_link_pairs(
    con: duckdb.DuckDBPyConnection, where: str, params: dict[str, Any], *, max_domains: int
) -> list[tuple[int, int]]:
    """Pairs (a < b) of referring domains that link each other with followed links.

    Only the ``max_domains`` referring domains with most followed backlinks are looked at.
    """
    rows = _rows(
        con,
        f"""WITH cand AS (
                SELECT l.source_domain_id AS d FROM links l WHERE {where} AND {FOLLOWED}
                GROUP BY l.source_domain_id ORDER BY count(*) DESC, l.source_domain_id
                LIMIT {int(max_domains)}
            ),
            edges AS (
                SELECT DISTINCT l.source_domain_id AS s, l.target_domain_id AS t FROM links l
                WHERE l.snapshot_id = $sid AND l.source_domain_id <> l.target_domain_id
                  AND l.kind IN ({_KINDS}) AND {FOLLOWED}
                  AND l.source_domain_id IN (SELECT d FROM cand)
                  AND l.target_domain_id IN (SELECT d FROM cand)
            )
            SELECT a.s, a.t FROM edges a JOIN edges b ON a.s = b.t AND a.t = b.s
            WHERE a.s < a.t ORDER BY a.s, a.t""",
        params,
    )
    return [(int(r[0]), int(r[1])) for r in rows]


def followed_anchor_groups(
    con: duckdb.DuckDBPyConnection, where: str, params: dict[str, Any]
) -> list[tuple[str, bool]]:
    """Every distinct (anchor, image) of the followed backlinks."""
    rows = _rows(
        con,
        f"SELECT DISTINCT l.anchor, l.image FROM links l WHERE {where} AND {FOLLOWED}",
        params,
    )
    return [(str(r[0]), bool(r[1])) for r in rows]


def anchor_uses(
    con: duckdb.DuckDBPyConnection,
    where: str,
    params: dict[str, Any],
    anchors: Sequence[str],
    *,
    cap: int,
) -> list[AnchorUseRow]:
    """Per referring domain, its followed text (not image) backlinks with one of ``anchors``."""
    if not anchors:
        return []
    rows = _rows(
        con,
        f"""WITH picked AS (SELECT unnest($anchors) AS anchor)
            SELECT l.source_domain_id, count(*),
                   list(DISTINCT l.anchor ORDER BY l.anchor)[1:{int(cap)}],
                   list(DISTINCT su.url ORDER BY su.url)[1:{int(cap)}]
            FROM links l JOIN picked p ON p.anchor = l.anchor
            JOIN urls su ON su.url_id = l.source_url_id
            WHERE {where} AND {FOLLOWED} AND NOT l.image
            GROUP BY l.source_domain_id ORDER BY l.source_domain_id""",
        {**params, "anchors": list(dict.fromkeys(anchors))},
    )
    return [AnchorUseRow(int(r[0]), int(r[1]), list(r[2]), list(r[3])) for r in rows]


def crowded_pages(
    con: duckdb.DuckDBPyConnection,
    where: str,
    params: dict[str, Any],
    *,
    min_outlinks: int,
    cap: int,
) -> list[OutlinkRow]:
    """Per referring domain, its linking pages with at least ``min_outlinks`` external outlinks.

    An external outlink is a link of a backlink kind to another registrable domain: what the
    page's backlinks are, seen from the page. Only pages with ``min_outlinks`` links of any
    kind (``pages.outlinks``) can have that many, so only theirs are counted.
    """
    rows = _rows(
        con,
        f"""WITH hit AS MATERIALIZED (
                SELECT DISTINCT l.snapshot_id AS s, l.source_domain_id AS d, l.source_url_id AS u
                FROM links l JOIN pages p
                  ON p.snapshot_id = l.snapshot_id AND p.url_id = l.source_url_id
                WHERE {where} AND {FOLLOWED} AND p.outlinks >= $min_outlinks
            ),
            external AS (
                SELECT o.snapshot_id AS s, o.source_url_id AS u, count(*) AS n
                FROM links o SEMI JOIN hit h ON h.s = o.snapshot_id AND h.u = o.source_url_id
                WHERE NOT o.internal AND o.kind IN ({_KINDS})
                GROUP BY o.snapshot_id, o.source_url_id HAVING count(*) >= $min_outlinks
            )
            SELECT h.d, count(*), max(e.n), list(su.url ORDER BY e.n DESC, su.url)[1:{int(cap)}]
            FROM hit h JOIN external e ON e.s = h.s AND e.u = h.u
            JOIN urls su ON su.url_id = h.u GROUP BY h.d ORDER BY h.d""",
        {**params, "min_outlinks": min_outlinks},
    )
    return [OutlinkRow(int(r[0]), int(r[1]), int(r[2]), list(r[3])) for r in rows]


def linking_page_ips(
    con: duckdb.DuckDBPyConnection, where: str, params: dict[str, Any], *, cap: int
) -> list[IpRow]:
    """Per referring domain and IP address (``WARC-IP-Address``), its linking pages there."""
    rows = _rows(
        con,
        f"""WITH hit AS (
                SELECT DISTINCT l.source_domain_id AS d, l.source_url_id AS u, p.ip
                FROM links l JOIN pages p
                  ON p.snapshot_id = l.snapshot_id AND p.url_id = l.source_url_id
                WHERE {where} AND {FOLLOWED} AND p.ip IS NOT NULL AND p.ip <> ''
            )
            SELECT h.d, h.ip, list(su.url ORDER BY su.url)[1:{int(cap)}]
            FROM hit h JOIN urls su ON su.url_id = h.u GROUP BY h.d, h.ip ORDER BY h.d, h.ip""",
        params,
    )
    return [IpRow(int(r[0]), str(r[1]), list(r[2])) for r in rows]


# -- scores (written by ``linkatlas rank``) --------------------------------------------------


def _score_columns(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = _rows(
        con,
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'domain_scores'",
        None,
    )
    return {str(r[0]) for r in rows}


def score_status(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> tuple[bool, bool]:
    """Whether the snapshot has DR scores, and whether it has trust scores."""
    columns = _score_columns(con)
    if not {"snapshot_id", "domain_id", "dr"} <= columns:
        return False, False
    trust = "count(trust)" if "trust" in columns else "0"
    row = fetch_one(
        con,
        f"SELECT count(dr), {trust} FROM domain_scores WHERE snapshot_id = ?",
        [snapshot_id],
    )
    assert row is not None  # an aggregate always returns a row
    return int(row[0]) > 0, int(row[1]) > 0


def trust_scores(
    con: duckdb.DuckDBPyConnection, domain_ids: Sequence[int], snapshot_id: int
) -> dict[int, tuple[float, float]]:
    """(DR, trust) of the given domains that have both in the snapshot."""
    if not domain_ids or "trust" not in _score_columns(con):
        return {}
    rows = _rows(
        con,
        """SELECT domain_id, max(dr), max(trust) FROM domain_scores
           WHERE snapshot_id = $sid AND list_contains($ids, domain_id)
             AND dr IS NOT NULL AND trust IS NOT NULL
           GROUP BY domain_id""",
        {"sid": snapshot_id, "ids": list(domain_ids)},
    )
    return {int(r[0]): (float(r[1]), float(r[2])) for r in rows}
