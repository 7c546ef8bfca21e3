"""SQL of the time reports: a target's KPIs per snapshot, and the changes between two."""

from __future__ import annotations

from typing import Any

import duckdb

from linkatlas.analyze.reports import Target
from linkatlas.store.queries import FOLLOWED, target_filter

ORDERED_SNAPSHOTS = """
    SELECT snapshot_id, name, date, row_number() OVER (ORDER BY date, created_at) AS n
    FROM snapshots
"""


def history_rows(con: duckdb.DuckDBPyConnection, target: Target) -> list[tuple[Any, ...]]:
    """Per snapshot, oldest first: name, date, backlinks, referring domains, followed backlinks,
    new referring domains and lost referring domains (versus the snapshot before).

    A referring domain counts as lost only if at least one page through which it linked was
    captured again in the later snapshot; otherwise it was not observed, not lost.
    """
    where, params = target_filter(target)
    return con.execute(
        f"""WITH ord AS ({ORDERED_SNAPSHOTS}),
            bl AS (
                SELECT o.n, l.source_domain_id AS d, l.source_url_id AS u,
                       {FOLLOWED} AS followed
                FROM links l JOIN ord o USING (snapshot_id) WHERE {where}
            ),
            rd AS (SELECT DISTINCT n, d FROM bl),
            counts AS (
                SELECT n, count(*) AS backlinks, count(DISTINCT d) AS rd,
                       count(*) FILTER (WHERE followed) AS followed
                FROM bl GROUP BY n
            ),
            gained AS (
                SELECT a.n, count(*) AS c FROM rd a
                WHERE NOT EXISTS (SELECT 1 FROM rd b WHERE b.n = a.n - 1 AND b.d = a.d)
                GROUP BY a.n
            ),
            recaptured AS (
                SELECT DISTINCT x.n, x.d FROM bl x
                JOIN ord o ON o.n = x.n + 1
                JOIN pages p ON p.snapshot_id = o.snapshot_id AND p.url_id = x.u
            ),
            lost AS (
                SELECT a.n + 1 AS n, count(*) AS c FROM rd a
                SEMI JOIN recaptured r ON r.n = a.n AND r.d = a.d
                WHERE NOT EXISTS (SELECT 1 FROM rd b WHERE b.n = a.n + 1 AND b.d = a.d)
                GROUP BY a.n
            )
            SELECT o.name, o.date, coalesce(c.backlinks, 0), coalesce(c.rd, 0),
                   coalesce(c.followed, 0), coalesce(g.c, 0), coalesce(lo.c, 0), o.snapshot_id
            FROM ord o
            LEFT JOIN counts c USING (n)
            LEFT JOIN gained g USING (n)
            LEFT JOIN lost lo USING (n)
            ORDER BY o.n""",
        params,
    ).fetchall()


def change_rows(
    con: duckdb.DuckDBPyConnection, target: Target, before: int, after: int
) -> list[tuple[Any, ...]]:
    """Backlinks that differ between two snapshots, one row each:
    (change, source URL, target URL, anchor, status of the source page in ``after``).

    ``change`` is ``new`` (only in ``after``), ``gone`` (only in ``before``) or
    ``unfollowed`` (in both, followed before and not after). The status is None when the
    source page was not captured in ``after``.
    """
    where_a, params = target_filter(target, "a")
    where_b, _ = target_filter(target, "b")
    return con.execute(
        f"""WITH a AS (SELECT a.* FROM links a WHERE a.snapshot_id = $before AND {where_a}),
                 b AS (SELECT b.* FROM links b WHERE b.snapshot_id = $after AND {where_b}),
            changed AS (
                SELECT 'new' AS change, b.source_url_id, b.target_url_id, b.anchor,
                       b.source_domain_id, b.ordinal
                FROM b ANTI JOIN a USING (link_id)
                UNION ALL
                SELECT 'gone', a.source_url_id, a.target_url_id, a.anchor, a.source_domain_id,
                       a.ordinal
                FROM a ANTI JOIN b USING (link_id)
                UNION ALL
                SELECT 'unfollowed', a.source_url_id, a.target_url_id, b.anchor,
                       a.source_domain_id, a.ordinal
                FROM a JOIN b USING (link_id)
                WHERE NOT (a.nofollow OR a.sponsored OR a.ugc)
                  AND (b.nofollow OR b.sponsored OR b.ugc)
            )
            SELECT c.change, su.url, tu.url, c.anchor, p.status
            FROM changed c
            JOIN urls su ON su.url_id = c.source_url_id
            JOIN urls tu ON tu.url_id = c.target_url_id
            LEFT JOIN pages p ON p.snapshot_id = $after AND p.url_id = c.source_url_id
            ORDER BY c.change, su.url, c.ordinal""",
        {**params, "before": before, "after": after},
    ).fetchall()
