"""The SQL of the rank stage: edge lists out of the store, scores into it and back.

What passes equity (issue 4): a *followed* link (no nofollow, sponsored or ugc; a page's
robots nofollow is already folded into ``nofollow`` at extraction) of kind ``a``, ``area``,
``redirect`` or ``canonical``; several links of one pair count once; a link to itself does
not count. Page nodes are numbered by (domain, host, url) id so that a site's pages sit
together in the matrix; the edges come sorted by target, the order the matrix is built in.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from linkatlas.ids import stable_id
from linkatlas.rank.graph import EQUITY_KINDS
from linkatlas.store.sql import fetch_one

_KINDS = ", ".join(f"'{kind}'" for kind in EQUITY_KINDS)
PASSES_EQUITY = f"NOT (l.nofollow OR l.sponsored OR l.ugc) AND l.kind IN ({_KINDS})"


@dataclass(frozen=True, slots=True)
class EdgeList:
    node_ids: NDArray[np.int64]
    sources: NDArray[np.int32]
    targets: NDArray[np.int32]


@dataclass(frozen=True, slots=True)
class ScoreColumns:
    """Scores of one graph, by node; ``trust*`` only for domains with seeds."""

    node_ids: NDArray[np.int64]
    pagerank: NDArray[np.float64]
    rating: NDArray[np.float64]
    in_degree: NDArray[np.int64]
    out_degree: NDArray[np.int64]
    trustrank: NDArray[np.float64] | None = None
    trust: NDArray[np.float64] | None = None


@dataclass(frozen=True, slots=True)
class RankRun:
    """What one ranking of a snapshot was made from (a row of ``rank_runs``)."""

    snapshot_id: int
    formula_version: int
    computed_at: datetime
    damping: float
    tol: float
    links: int
    page_nodes: int
    page_edges: int
    page_iterations: int
    page_base: float
    domain_nodes: int
    domain_edges: int
    domain_iterations: int
    domain_base: float
    trust_seeds: list[str] | None
    trust_iterations: int | None


@contextmanager
def _registered(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> Iterator[None]:
    con.register(name, table)
    try:
        yield
    finally:
        con.unregister(name)


def count_links(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> int:
    row = fetch_one(con, "SELECT count(*) FROM links WHERE snapshot_id = ?", [snapshot_id])
    return int(row[0]) if row else 0


def _edges(
    con: duckdb.DuckDBPyConnection, node_ids: NDArray[np.int64], pairs_sql: str, sid: int
) -> EdgeList:
    """Number the distinct pairs of ``pairs_sql`` (columns s, t) by the node order."""
    nodes = pa.table({"id": node_ids, "idx": np.arange(node_ids.size, dtype=np.int32)})
    with _registered(con, "rank_nodes", nodes):
        found = con.execute(
            f"""SELECT a.idx AS source, b.idx AS target
                FROM ({pairs_sql}) e
                JOIN rank_nodes a ON a.id = e.s
                JOIN rank_nodes b ON b.id = e.t
                ORDER BY b.idx, a.idx""",
            {"sid": sid},
        ).fetchnumpy()
    return EdgeList(
        node_ids,
        np.asarray(found["source"], dtype=np.int32),
        np.asarray(found["target"], dtype=np.int32),
    )


def read_page_graph(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> EdgeList:
    """Every URL of the snapshot (captured or linked to) and the followed page→page edges."""
    ids = con.execute(
        """SELECT url_id FROM (
               SELECT url_id, domain_id, host_id FROM pages WHERE snapshot_id = $sid
               UNION
               SELECT target_url_id, target_domain_id, target_host_id FROM links
               WHERE snapshot_id = $sid
           ) ORDER BY domain_id, host_id, url_id""",
        {"sid": snapshot_id},
    ).fetchnumpy()["url_id"]
    pairs = f"""SELECT DISTINCT l.source_url_id AS s, l.target_url_id AS t FROM links l
                WHERE l.snapshot_id = $sid AND {PASSES_EQUITY}
                  AND l.source_url_id <> l.target_url_id"""
    return _edges(con, np.asarray(ids, dtype=np.int64), pairs, snapshot_id)


def read_domain_graph(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> EdgeList:
    """Every registrable domain of the snapshot and one edge per followed domain→domain pair."""
    ids = con.execute(
        """SELECT domain_id FROM (
               SELECT domain_id FROM pages WHERE snapshot_id = $sid
               UNION
               SELECT target_domain_id FROM links WHERE snapshot_id = $sid
           ) ORDER BY domain_id""",
        {"sid": snapshot_id},
    ).fetchnumpy()["domain_id"]
    pairs = f"""SELECT DISTINCT l.source_domain_id AS s, l.target_domain_id AS t FROM links l
                WHERE l.snapshot_id = $sid AND {PASSES_EQUITY}
                  AND l.source_domain_id <> l.target_domain_id"""
    return _edges(con, np.asarray(ids, dtype=np.int64), pairs, snapshot_id)


def _score_table(snapshot_id: int, formula_version: int, scores: ScoreColumns) -> pa.Table:
    n = scores.node_ids.size
    columns: dict[str, Any] = {
        "snapshot_id": np.full(n, snapshot_id, dtype=np.int64),
        "node_id": scores.node_ids,
        "pagerank": scores.pagerank,
        "rating": scores.rating,
        "in_degree": scores.in_degree.astype(np.int32),
        "out_degree": scores.out_degree.astype(np.int32),
        "formula_version": np.full(n, formula_version, dtype=np.int32),
    }
    if scores.trust is not None and scores.trustrank is not None:
        columns["trustrank"] = scores.trustrank
        columns["trust"] = scores.trust
    else:
        columns["trustrank"] = pa.nulls(n, pa.float64())
        columns["trust"] = pa.nulls(n, pa.float64())
    return pa.table(columns)


def write_scores(
    con: duckdb.DuckDBPyConnection, run: RankRun, pages: ScoreColumns, domains: ScoreColumns
) -> None:
    """Replace the snapshot's scores and run record, in one transaction."""
    sid = run.snapshot_id
    page_table = _score_table(sid, run.formula_version, pages)
    domain_table = _score_table(sid, run.formula_version, domains)
    with (
        _registered(con, "new_page_scores", page_table),
        _registered(con, "new_domain_scores", domain_table),
    ):
        con.execute("BEGIN TRANSACTION")
        try:
            for table in ("page_scores", "domain_scores", "rank_runs"):
                con.execute(f"DELETE FROM {table} WHERE snapshot_id = ?", [sid])
            con.execute(
                """INSERT INTO page_scores SELECT snapshot_id, node_id, pagerank, rating,
                       in_degree, out_degree, formula_version
                   FROM new_page_scores ORDER BY node_id"""
            )
            con.execute(
                """INSERT INTO domain_scores SELECT snapshot_id, node_id, pagerank, rating,
                       trustrank, trust, in_degree, out_degree, formula_version
                   FROM new_domain_scores ORDER BY node_id"""
            )
            _insert_run(con, run)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise


_RUN_COLUMNS = tuple(RankRun.__dataclass_fields__)


def _insert_run(con: duckdb.DuckDBPyConnection, run: RankRun) -> None:
    names = ", ".join(_RUN_COLUMNS)
    marks = ", ".join("?" for _ in _RUN_COLUMNS)
    con.execute(
        f"INSERT INTO rank_runs ({names}) VALUES ({marks})",
        [getattr(run, name) for name in _RUN_COLUMNS],
    )


def load_run(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> RankRun | None:
    """The ranking of a snapshot, or None when it has not been ranked."""
    row = fetch_one(
        con,
        f"SELECT {', '.join(_RUN_COLUMNS)} FROM rank_runs WHERE snapshot_id = ?",
        [snapshot_id],
    )
    if row is None:
        return None
    values = dict(zip(_RUN_COLUMNS, row, strict=True))
    return RankRun(**values)


def top_domain_rows(
    con: duckdb.DuckDBPyConnection, snapshot_id: int, *, limit: int | None
) -> list[tuple[Any, ...]]:
    """Domains by PageRank: domain, pagerank, dr, trustrank, trust, referring domains."""
    limit_sql = "" if limit is None else f"LIMIT {int(limit)}"
    return con.execute(
        f"""SELECT d.domain, s.pagerank, s.dr, s.trustrank, s.trust, s.in_degree
            FROM domain_scores s JOIN domains d USING (domain_id)
            WHERE s.snapshot_id = ? ORDER BY s.pagerank DESC, d.domain {limit_sql}""",
        [snapshot_id],
    ).fetchall()


def top_page_rows(
    con: duckdb.DuckDBPyConnection, snapshot_id: int, *, limit: int | None
) -> list[tuple[Any, ...]]:
    """Pages by PageRank: url, pagerank, ur, pages linking in."""
    limit_sql = "" if limit is None else f"LIMIT {int(limit)}"
    return con.execute(
        f"""SELECT u.url, s.pagerank, s.ur, s.in_degree
            FROM page_scores s JOIN urls u USING (url_id)
            WHERE s.snapshot_id = ? ORDER BY s.pagerank DESC, u.url {limit_sql}""",
        [snapshot_id],
    ).fetchall()


def count_scores(con: duckdb.DuckDBPyConnection, table: str, snapshot_id: int) -> int:
    if table not in ("page_scores", "domain_scores"):
        raise ValueError(table)
    row = fetch_one(con, f"SELECT count(*) FROM {table} WHERE snapshot_id = ?", [snapshot_id])
    return int(row[0]) if row else 0


def domain_score_row(
    con: duckdb.DuckDBPyConnection, snapshot_id: int, domain: str
) -> tuple[Any, ...] | None:
    """pagerank, dr, trustrank, trust, in_degree of one domain."""
    return fetch_one(
        con,
        """SELECT pagerank, dr, trustrank, trust, in_degree FROM domain_scores
           WHERE snapshot_id = ? AND domain_id = ?""",
        [snapshot_id, stable_id(domain)],
    )


def page_score_row(
    con: duckdb.DuckDBPyConnection, snapshot_id: int, urls: Sequence[str]
) -> tuple[Any, ...] | None:
    """url, pagerank, ur, in_degree of the first of ``urls`` that has a score."""
    for url in urls:
        row = fetch_one(
            con,
            """SELECT pagerank, ur, in_degree FROM page_scores
               WHERE snapshot_id = ? AND url_id = ?""",
            [snapshot_id, stable_id(url)],
        )
        if row is not None:
            return (url, *row)
    return None


def domain_contributor_rows(
    con: duckdb.DuckDBPyConnection, snapshot_id: int, domain: str
) -> list[tuple[Any, ...]]:
    """The followed referring domains of a domain: domain, pagerank, dr, out_degree."""
    return con.execute(
        f"""WITH refs AS (
                SELECT DISTINCT l.source_domain_id AS domain_id FROM links l
                WHERE l.snapshot_id = $sid AND l.target_domain_id = $id
                  AND l.source_domain_id <> l.target_domain_id AND {PASSES_EQUITY}
            )
            SELECT d.domain, s.pagerank, s.dr, s.out_degree
            FROM refs r JOIN domain_scores s ON s.domain_id = r.domain_id
                                            AND s.snapshot_id = $sid
            JOIN domains d ON d.domain_id = r.domain_id""",
        {"sid": snapshot_id, "id": stable_id(domain)},
    ).fetchall()


def page_contributor_rows(
    con: duckdb.DuckDBPyConnection, snapshot_id: int, url: str
) -> list[tuple[Any, ...]]:
    """The pages linking to a URL with a followed link: url, pagerank, ur, out_degree."""
    return con.execute(
        f"""WITH refs AS (
                SELECT DISTINCT l.source_url_id AS url_id FROM links l
                WHERE l.snapshot_id = $sid AND l.target_url_id = $id
                  AND l.source_url_id <> l.target_url_id AND {PASSES_EQUITY}
            )
            SELECT u.url, s.pagerank, s.ur, s.out_degree
            FROM refs r JOIN page_scores s ON s.url_id = r.url_id AND s.snapshot_id = $sid
            JOIN urls u ON u.url_id = r.url_id""",
        {"sid": snapshot_id, "id": stable_id(url)},
    ).fetchall()


def ratings_by_domain(
    con: duckdb.DuckDBPyConnection, snapshot_id: int, domains: Sequence[str]
) -> dict[str, float]:
    """DR of the given domains in the snapshot (absent ones are left out)."""
    if not domains:
        return {}
    ids = {stable_id(domain): domain for domain in domains}
    rows = con.execute(
        "SELECT domain_id, dr FROM domain_scores WHERE snapshot_id = ? AND "
        "list_contains(?, domain_id)",
        [snapshot_id, list(ids)],
    ).fetchall()
    return {ids[int(domain_id)]: float(dr) for domain_id, dr in rows}


def ratings_by_url(
    con: duckdb.DuckDBPyConnection, snapshot_id: int, urls: Sequence[str]
) -> dict[str, float]:
    """UR of the given URLs in the snapshot (absent ones are left out)."""
    if not urls:
        return {}
    ids = {stable_id(url): url for url in urls}
    rows = con.execute(  # a semi join: list_contains on every row of the snapshot costs more
        "SELECT url_id, ur FROM page_scores WHERE snapshot_id = ? "
        "AND url_id IN (SELECT unnest(?::BIGINT[]))",
        [snapshot_id, list(ids)],
    ).fetchall()
    return {ids[int(url_id)]: float(ur) for url_id, ur in rows}


def ratings(
    con: duckdb.DuckDBPyConnection,
    snapshot_id: int,
    *,
    domains: Sequence[str],
    urls: Sequence[str],
) -> tuple[dict[str, float], dict[str, float]]:
    """:func:`ratings_by_domain` and :func:`ratings_by_url` in one statement (a report that
    shows both saves one)."""
    domain_ids = {stable_id(domain): domain for domain in domains}
    url_ids = {stable_id(url): url for url in urls}
    if not domain_ids or not url_ids:
        return ratings_by_domain(con, snapshot_id, domains), ratings_by_url(con, snapshot_id, urls)
    rows = con.execute(
        """SELECT 0, domain_id, dr FROM domain_scores
           WHERE snapshot_id = $sid AND list_contains($domain_ids, domain_id)
           UNION ALL
           SELECT 1, url_id, ur FROM page_scores
           WHERE snapshot_id = $sid AND url_id IN (SELECT unnest($url_ids::BIGINT[]))""",
        {"sid": snapshot_id, "domain_ids": list(domain_ids), "url_ids": list(url_ids)},
    ).fetchall()
    by_domain = {domain_ids[int(i)]: float(r) for kind, i, r in rows if kind == 0}
    by_url = {url_ids[int(i)]: float(r) for kind, i, r in rows if kind == 1}
    return by_domain, by_url


def rating_history(con: duckdb.DuckDBPyConnection, domain: str) -> list[tuple[Any, ...]]:
    """DR growth over time: (snapshot name, date, dr, pagerank) per ranked snapshot."""
    return con.execute(
        """SELECT sn.name, sn.date, s.dr, s.pagerank FROM domain_scores s
           JOIN snapshots sn USING (snapshot_id)
           WHERE s.domain_id = ? ORDER BY sn.date, sn.created_at""",
        [stable_id(domain)],
    ).fetchall()
