"""SQL of the time reports: a target's KPIs per snapshot, and the changes between two."""

from __future__ import annotations

from typing import Any

import duckdb

from linkatlas.analyze.reports import Target
from linkatlas.store.aggregates import ORDERED_SNAPSHOTS
from linkatlas.store.queries import CHANGE_COLUMNS, CHANGED_LINKS, FOLLOWED, target_filter


def history_rows(
    con: duckdb.DuckDBPyConnection, target: Target, *, aggregated: bool = False
) -> list[tuple[Any, ...]]:
    """Per snapshot, oldest first: name, date, backlinks, referring domains, followed backlinks,
    new referring domains and lost referring domains (versus the snapshot before), snapshot
    id, and the DR of the target's domain (NULL where it was not ranked; in this statement, as
    a statement of its own costs more).

    A referring domain counts as lost only if at least one page through which it linked was
    captured again in the later snapshot; otherwise it was not observed, not lost. With
    ``aggregated`` (domain mode, aggregates current) the rows are read from ``history_stats``
    (``linkatlas.store.aggregates``), built by the same rules, instead of counted from the
    links.
    """
    where, params = target_filter(target)
    dr = """LEFT JOIN (
                SELECT snapshot_id, max(dr) AS dr FROM domain_scores
                WHERE domain_id = $domain_id GROUP BY snapshot_id
            ) dr ON dr.snapshot_id = o.snapshot_id"""
    if aggregated:  # one row per snapshot, built with the aggregates
        return con.execute(
            f"""SELECT o.name, o.date, coalesce(h.backlinks, 0), coalesce(h.referring_domains, 0),
                       coalesce(h.followed, 0), coalesce(h.new_domains, 0),
                       coalesce(h.lost_domains, 0), o.snapshot_id, dr.dr
                FROM ({ORDERED_SNAPSHOTS}) o
                LEFT JOIN history_stats h
                  ON h.snapshot_id = o.snapshot_id AND h.target_domain_id = $domain_id
                {dr}
                ORDER BY o.n""",
            {"domain_id": params["domain_id"]},
        ).fetchall()
    per_domain = f"""SELECT l.snapshot_id, l.source_domain_id AS d, count(*) AS backlinks,
                            count(*) FILTER (WHERE {FOLLOWED}) AS followed
                     FROM links l WHERE {where}
                     GROUP BY l.snapshot_id, l.source_domain_id"""
    # One pass over the target's links gives every snapshot's referring
    # domains with their counts; the links are read again only for the domains gone in the
    # next snapshot, to see whether a page of theirs was captured there (few rows, so few page
    # lookups).
    return con.execute(
        f"""WITH ord AS ({ORDERED_SNAPSHOTS}),
            per AS MATERIALIZED (
                SELECT o.n, x.* FROM ({per_domain}) x JOIN ord o USING (snapshot_id)
            ),
            counts AS (
                SELECT n, sum(backlinks) AS backlinks, count(*) AS rd, sum(followed) AS followed
                FROM per GROUP BY n
            ),
            -- each snapshot's referring domains beside the next snapshot's (a: every
            -- snapshot but the last, b: every one but the first): one side is missing for a
            -- domain gained (in b, not in a) or gone (in a, not in b)
            unpaired AS MATERIALIZED (
                SELECT a.n AS a_n, a.snapshot_id AS a_sid, a.d AS a_d, b.n AS b_n
                FROM (SELECT * FROM per p SEMI JOIN ord next ON next.n = p.n + 1) a
                FULL JOIN (SELECT * FROM per WHERE n > 1) b ON b.n = a.n + 1 AND b.d = a.d
                WHERE a.d IS NULL OR b.d IS NULL
            ),
            gained AS (  -- every referring domain of the first snapshot is new
                SELECT b_n AS n, count(*) AS c FROM unpaired WHERE a_d IS NULL GROUP BY b_n
                UNION ALL
                SELECT 1, count(*) FROM per WHERE n = 1
            ),
            gone AS MATERIALIZED (
                SELECT a_n AS n, a_sid AS snapshot_id, a_d AS d FROM unpaired WHERE b_n IS NULL
            ),
            gone_pages AS (
                SELECT DISTINCT l.snapshot_id, l.source_domain_id AS d, l.source_url_id AS u
                FROM links l
                SEMI JOIN gone g ON g.snapshot_id = l.snapshot_id AND g.d = l.source_domain_id
                WHERE {where}
            ),
            lost AS (
                SELECT r.n + 1 AS n, count(*) AS c FROM (
                    SELECT DISTINCT o.n, x.d FROM gone_pages x
                    JOIN ord o ON o.snapshot_id = x.snapshot_id
                    JOIN ord next ON next.n = o.n + 1
                    JOIN pages p ON p.snapshot_id = next.snapshot_id AND p.url_id = x.u
                ) r GROUP BY r.n
            )
            SELECT o.name, o.date, coalesce(c.backlinks, 0), coalesce(c.rd, 0),
                   coalesce(c.followed, 0), coalesce(g.c, 0), coalesce(lo.c, 0), o.snapshot_id,
                   dr.dr
            FROM ord o
            LEFT JOIN counts c USING (n)
            LEFT JOIN gained g USING (n)
            LEFT JOIN lost lo USING (n)
            {dr}
            ORDER BY o.n""",
        params,
    ).fetchall()


_TOUCHED = """touched AS MATERIALIZED (
    SELECT r.source_domain_id AS d FROM refdomain_stats r
    WHERE r.target_domain_id = $domain_id AND r.snapshot_id IN ($before, $after)
    GROUP BY r.source_domain_id
    HAVING count(*) = 1 OR bit_xor(r.links_hash) <> 0
),"""
"""The referring domains whose backlinks differ between the two snapshots: linking in one of
them only, or with other links (``links_hash``, ``linkatlas.store.aggregates``)."""

_LISTED = """
    SELECT c.change, su.url, tu.url, c.anchor, p.status
    FROM changed c
    JOIN urls su ON su.url_id = c.source_url_id
    JOIN urls tu ON tu.url_id = c.target_url_id
    LEFT JOIN pages p ON p.snapshot_id = $after AND p.url_id = c.source_url_id
    ORDER BY c.change, su.url, c.ordinal"""
"""The rows of :func:`change_rows`, from a CTE ``changed`` of ``CHANGED_LINKS``' columns."""


def change_rows(
    con: duckdb.DuckDBPyConnection,
    target: Target,
    before: int,
    after: int,
    *,
    aggregated: bool = False,
    consecutive: bool = False,
) -> list[tuple[Any, ...]]:
    """Backlinks that differ between two snapshots, one row each:
    (change, source URL, target URL, anchor, status of the source page in ``after``).

    ``change`` is ``new`` (only in ``after``), ``gone`` (only in ``before``) or
    ``unfollowed`` (in both, followed before and not after). The status is None when the
    source page was not captured in ``after``. With ``aggregated`` (domain mode, aggregates
    current) the changed links are read from ``link_changes`` when ``before`` is the snapshot
    just before ``after`` (``consecutive``); otherwise only the links of the referring domains
    whose backlinks differ (found in ``refdomain_stats``) are compared.
    """
    where_a, params = target_filter(target, "a")
    where_b, _ = target_filter(target, "b")
    params = {**params, "before": before, "after": after}
    if aggregated and consecutive:  # built with the aggregates (linkatlas.store.aggregates)
        return con.execute(
            f"""WITH changed AS (
                    SELECT * FROM link_changes
                    WHERE target_domain_id = $domain_id AND snapshot_id = $after
                )
                {_LISTED}""",
            {"domain_id": params["domain_id"], "after": after},
        ).fetchall()
    touched, of_touched_a, of_touched_b = "", "", ""
    if aggregated:
        touched = _TOUCHED
        of_touched_a = "AND a.source_domain_id IN (SELECT d FROM touched)"
        of_touched_b = "AND b.source_domain_id IN (SELECT d FROM touched)"
    return con.execute(
        f"""WITH {touched}
            a AS (
                SELECT {CHANGE_COLUMNS.format(x="a")}
                FROM links a WHERE a.snapshot_id = $before AND {where_a} {of_touched_a}
            ),
            b AS (
                SELECT {CHANGE_COLUMNS.format(x="b")}
                FROM links b WHERE b.snapshot_id = $after AND {where_b} {of_touched_b}
            ),
            changed AS MATERIALIZED ({CHANGED_LINKS})
            {_LISTED}""",
        params,
    ).fetchall()
