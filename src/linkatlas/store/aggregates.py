"""Report aggregates: each target's backlinks counted per snapshot, so reports need not scan them.

A report in ``domain`` mode (the default) counts a target's backlinks in one snapshot: per
referring domain, per anchor, per linked page. For a target with 100k backlinks that is a
scan and a hash aggregation of 100k link rows per statement. The aggregate tables (migrations
4 to 6) hold those counts, one row per (snapshot, target domain, referring domain) in
``refdomain_stats``, per (..., anchor key, referring domain) in ``anchor_stats``, per
(..., anchor key) in ``anchor_totals`` and per (..., linked page) in ``page_stats``;
``linkatlas.store.stats_queries`` and ``linkatlas.store.history_queries`` read them. The
*anchor key* numbers a target's distinct (anchor, image) pairs in a snapshot from 1, in that
order (``anchor_totals`` holds the text): reports map keys to categories with a list, without
joining anchor strings. ``anchor_sets`` groups a target's referring domains by the set of
anchor keys they link with (few sets for many domains), so the categories of each referring
domain are computed once per set.
``history_stats`` holds a target's row per snapshot: its profile's counts (backlinks,
referring domains and pages, followed, nofollow, sponsored, ugc, image backlinks), and the
referring domains new and lost versus the snapshot before (lost: gone, and a page through
which it linked was captured again); ``refdomain_changes`` the referring domains whose
backlinks differ from the snapshot before (``links_hash``), and ``link_changes`` those
backlinks, new, gone or unfollowed, which ``changes`` of consecutive snapshots lists. As these
depend on the snapshot before, rebuilding a snapshot's targets rebuilds their rows in the next
snapshot too (in the same transaction); and a page captured for the first time in a snapshot
marks the targets it linked to in the snapshot before (it can turn a domain gone into a lost
one).
``refdomain_stats.links_hash`` combines (xor) a 64-bit hash of each backlink's id and followed
flag (a link id is unique in a snapshot): where it is equal in two snapshots, the domain's
backlinks are the same, equally followed (but for a 2^-64 chance), so ``changes`` compares
links only for the domains where it differs.
Other modes (host, exact, prefix) select a part of a domain's links and scan the links.

Never stale. ``aggregate_snapshots`` lists the snapshots whose aggregates were built (and by
which :data:`AGGREGATE_VERSION`); ``aggregate_dirty`` lists the (snapshot, target domain)
pairs whose links changed since. Ingest writes those pairs in the same transaction as the
links (:func:`mark_changed`), so a crash after a batch leaves them marked, never silently
wrong; :func:`refresh_aggregates` rebuilds what is marked (a snapshot never built, in full),
one snapshot per transaction, at the end of every ingest; :func:`rebuild_aggregates` builds
everything again (``linkatlas optimize``, and ingest when it re-clusters the links). A report
uses the aggregates of a target only when every snapshot is built and none is marked for it
(:func:`is_current`); otherwise it scans the links, with the same results. Code that writes
links other than through ingest marks what it changes, or rebuilds (a store it writes from
nothing has no snapshot built: its reports scan the links until it is).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import duckdb

from linkatlas.store.queries import CHANGE_COLUMNS, CHANGED_LINKS, FOLLOWED, NOT_BACKLINK_KINDS
from linkatlas.store.sql import fetch_one

log = logging.getLogger(__name__)

AGGREGATE_VERSION = 3
"""The definition of the aggregates below; a snapshot built by another is built again."""

TABLES = ("refdomain_stats", "anchor_stats", "anchor_totals", "anchor_sets", "page_stats")
"""The aggregate tables. Each is written ordered by target domain, then snapshot, so that zone
maps find a target's rows as in ``links`` (``linkatlas.store.layout``): a snapshot built in
full is one sorted run; the targets rebuilt later are appended after it, in runs of their own
(:func:`rebuild_aggregates` sorts everything again)."""

_BACKLINK = f"l.source_domain_id <> l.target_domain_id AND l.kind NOT IN ({NOT_BACKLINK_KINDS})"

_SELECTS: dict[str, str] = {
    "refdomain_stats": f"""
        WITH per AS (
            SELECT l.snapshot_id, l.target_domain_id, l.source_domain_id, count(*) AS backlinks,
                   count(*) FILTER (WHERE {FOLLOWED}), count(*) FILTER (WHERE l.nofollow),
                   count(*) FILTER (WHERE l.sponsored), count(*) FILTER (WHERE l.ugc),
                   count(*) FILTER (WHERE l.image), count(DISTINCT l.source_url_id),
                   min(l.captured_at) AS first_captured_at,
                   max(l.captured_at) AS last_captured_at,
                   bit_xor(hash(l.link_id, {FOLLOWED}))
            FROM links l WHERE {{scope}} AND {_BACKLINK}
            GROUP BY l.snapshot_id, l.target_domain_id, l.source_domain_id
        )
        SELECT p.*, row_number() OVER (
            PARTITION BY p.snapshot_id, p.target_domain_id ORDER BY p.backlinks DESC, d.domain
        ), p.first_captured_at, p.last_captured_at -- first and last seen: set by _SEEN
        FROM per p LEFT JOIN domains d ON d.domain_id = p.source_domain_id
        ORDER BY p.target_domain_id, p.snapshot_id, p.source_domain_id""",
    # from the temp table anchor_rows (_ANCHOR_ROWS), built just before: it holds the rows
    # being rebuilt alone ("snapshot_id = $sid" only names the parameter every one is given)
    "anchor_stats": """
        SELECT snapshot_id, target_domain_id, source_domain_id, backlinks, anchor_key
        FROM anchor_rows WHERE snapshot_id = $sid
        ORDER BY target_domain_id, snapshot_id, anchor_key, source_domain_id""",
    "anchor_totals": """
        WITH per_key AS (
            SELECT snapshot_id, target_domain_id, anchor_key, any_value(anchor) AS anchor,
                   any_value(image) AS image, sum(backlinks) AS backlinks,
                   count(*) AS referring_domains
            FROM anchor_rows WHERE snapshot_id = $sid
            GROUP BY snapshot_id, target_domain_id, anchor_key
        ),
        per_text AS (
            SELECT snapshot_id, target_domain_id, anchor,
                   count(DISTINCT source_domain_id) AS anchor_referring_domains
            FROM anchor_rows WHERE snapshot_id = $sid
            GROUP BY snapshot_id, target_domain_id, anchor
        )
        SELECT k.snapshot_id, k.target_domain_id, k.anchor, k.image, k.backlinks,
               k.referring_domains, t.anchor_referring_domains, k.anchor_key
        FROM per_key k JOIN per_text t USING (snapshot_id, target_domain_id, anchor)
        ORDER BY k.target_domain_id, k.snapshot_id, k.anchor_key""",
    "anchor_sets": """
        WITH per_domain AS (
            SELECT snapshot_id, target_domain_id,
                   list(anchor_key ORDER BY anchor_key) AS anchor_keys
            FROM anchor_rows WHERE snapshot_id = $sid
            GROUP BY snapshot_id, target_domain_id, source_domain_id
        ),
        sets AS (
            SELECT snapshot_id, target_domain_id, anchor_keys, count(*) AS domains,
                   row_number() OVER (
                       PARTITION BY snapshot_id, target_domain_id ORDER BY anchor_keys
                   )::INTEGER AS set_id
            FROM per_domain GROUP BY snapshot_id, target_domain_id, anchor_keys
        )
        SELECT snapshot_id, target_domain_id, set_id, anchor_key, domains FROM (
            SELECT snapshot_id, target_domain_id, set_id, unnest(anchor_keys) AS anchor_key,
                   domains
            FROM sets
        ) ORDER BY target_domain_id, snapshot_id, set_id, anchor_key""",
    "page_stats": f"""
        SELECT l.snapshot_id, l.target_domain_id, l.target_url_id, count(*),
               count(DISTINCT l.source_domain_id)
        FROM links l WHERE {{scope}} AND {_BACKLINK}
        GROUP BY l.snapshot_id, l.target_domain_id, l.target_url_id
        ORDER BY l.target_domain_id, l.snapshot_id, l.target_url_id""",
}
assert tuple(_SELECTS) == TABLES

_SEEN = """
    UPDATE refdomain_stats r SET first_seen = s.first_seen, last_seen = s.last_seen
    FROM (
        SELECT target_domain_id, source_domain_id, min(first_captured_at) AS first_seen,
               max(last_captured_at) AS last_seen
        FROM refdomain_stats WHERE {targets}
        GROUP BY target_domain_id, source_domain_id
    ) s
    WHERE r.target_domain_id = s.target_domain_id AND r.source_domain_id = s.source_domain_id
      AND (r.first_seen <> s.first_seen OR r.last_seen <> s.last_seen)"""
"""``refdomain_stats.first_seen`` and ``last_seen`` of the ``{targets}`` (a condition on
``target_domain_id``) in every snapshot, from their rows of every snapshot: after a snapshot's
rows are rebuilt, those of the others may change too."""

_ANCHOR_ROWS = f"""
    SELECT l.snapshot_id, l.target_domain_id, l.anchor, l.image, l.source_domain_id,
           count(*) AS backlinks,
           dense_rank() OVER (
               PARTITION BY l.snapshot_id, l.target_domain_id ORDER BY l.anchor, l.image
           )::INTEGER AS anchor_key
    FROM links l WHERE {{scope}} AND {_BACKLINK}
    GROUP BY l.snapshot_id, l.target_domain_id, l.anchor, l.image, l.source_domain_id"""
"""The backlinks per (anchor, image, referring domain) of the targets rebuilt, with the key of
the (anchor, image) pair: what ``anchor_stats`` and ``anchor_totals`` are built from (as the temp
table ``anchor_rows``)."""

ORDERED_SNAPSHOTS = """
    SELECT snapshot_id, name, date, row_number() OVER (ORDER BY date, created_at) AS n
    FROM snapshots
"""
"""Every snapshot with its place ``n`` in time (1: the oldest)."""

_NEIGHBOUR = """(
    SELECT x.snapshot_id FROM ({ordered}) x
    WHERE x.n = (SELECT o.n FROM ({ordered}) o WHERE o.snapshot_id = $sid) {step}
)"""
PREVIOUS = _NEIGHBOUR.format(ordered=ORDERED_SNAPSHOTS, step="- 1")
"""SQL: the id of the snapshot before ``$sid`` (NULL for the oldest)."""
NEXT = _NEIGHBOUR.format(ordered=ORDERED_SNAPSHOTS, step="+ 1")
"""SQL: the id of the snapshot after ``$sid`` (NULL for the newest)."""

_HISTORY = f"""
    WITH cur AS (
        SELECT r.target_domain_id AS t, r.source_domain_id AS d, r.backlinks, r.followed,
               r.pages, r.nofollow, r.sponsored, r.ugc, r.image
        FROM refdomain_stats r WHERE r.snapshot_id = $sid AND {{scope}}
    ),
    prev AS MATERIALIZED (
        SELECT r.target_domain_id AS t, r.source_domain_id AS d
        FROM refdomain_stats r WHERE r.snapshot_id = $prev AND {{scope}}
    ),
    counts AS (
        SELECT t, sum(backlinks) AS backlinks, count(*) AS rd, sum(followed) AS followed,
               sum(pages) AS pages, sum(nofollow) AS nofollow, sum(sponsored) AS sponsored,
               sum(ugc) AS ugc, sum(image) AS image
        FROM cur GROUP BY t
    ),
    gained AS (SELECT t, count(*) AS c FROM cur ANTI JOIN prev USING (t, d) GROUP BY t),
    gone AS MATERIALIZED (SELECT t, d FROM prev ANTI JOIN cur USING (t, d)),
    -- a referring domain gone is lost only if a page through which it linked was captured
    -- again in this snapshot
    lost AS (
        SELECT x.t, count(*) AS c FROM (
            SELECT DISTINCT l.target_domain_id AS t, l.source_domain_id AS d
            FROM links l
            SEMI JOIN gone g ON g.t = l.target_domain_id AND g.d = l.source_domain_id
            SEMI JOIN (SELECT url_id FROM pages WHERE snapshot_id = $sid) p
              ON p.url_id = l.source_url_id
            WHERE l.snapshot_id = $prev AND {_BACKLINK}
        ) x GROUP BY x.t
    )
    SELECT $sid, x.t, coalesce(c.backlinks, 0), coalesce(c.rd, 0), coalesce(c.followed, 0),
           coalesce(g.c, 0), coalesce(lo.c, 0), coalesce(c.pages, 0), coalesce(c.nofollow, 0),
           coalesce(c.sponsored, 0), coalesce(c.ugc, 0), coalesce(c.image, 0)
    FROM (SELECT t FROM counts UNION SELECT t FROM prev) x
    LEFT JOIN counts c USING (t)
    LEFT JOIN gained g USING (t)
    LEFT JOIN lost lo USING (t)
    ORDER BY x.t"""
"""``history_stats`` of snapshot ``$sid`` (after ``$prev``), from ``refdomain_stats`` of both
(built before) and, for the referring domains gone, the links and pages; for the targets with
backlinks in either snapshot."""

_CHANGES = """
    SELECT $sid, coalesce(c.t, p.t) AS t, coalesce(c.d, p.d) AS d
    FROM (
        SELECT r.target_domain_id AS t, r.source_domain_id AS d, r.links_hash AS h
        FROM refdomain_stats r WHERE r.snapshot_id = $sid AND {scope}
    ) c
    FULL JOIN (
        SELECT r.target_domain_id AS t, r.source_domain_id AS d, r.links_hash AS h
        FROM refdomain_stats r WHERE r.snapshot_id = $prev AND {scope}
    ) p ON p.t = c.t AND p.d = c.d
    WHERE c.d IS NULL OR p.d IS NULL OR c.h <> p.h
    ORDER BY t, d"""
"""``refdomain_changes`` of snapshot ``$sid`` (after ``$prev``)."""

_LINK_CHANGES = f"""
    WITH pairs AS (
        SELECT r.target_domain_id, r.source_domain_id
        FROM refdomain_changes r WHERE r.snapshot_id = $sid AND {{scope}}
    ),
    a AS (
        SELECT {CHANGE_COLUMNS.format(x="a")} FROM links a
        SEMI JOIN pairs p
          ON p.target_domain_id = a.target_domain_id AND p.source_domain_id = a.source_domain_id
        WHERE a.snapshot_id = $prev AND a.kind NOT IN ({NOT_BACKLINK_KINDS})
    ),
    b AS (
        SELECT {CHANGE_COLUMNS.format(x="b")} FROM links b
        SEMI JOIN pairs p
          ON p.target_domain_id = b.target_domain_id AND p.source_domain_id = b.source_domain_id
        WHERE b.snapshot_id = $sid AND b.kind NOT IN ({NOT_BACKLINK_KINDS})
    )
    SELECT $sid, c.target_domain_id, c.change, c.source_url_id, c.target_url_id, c.anchor,
           c.ordinal
    FROM ({CHANGED_LINKS}) c
    ORDER BY c.target_domain_id, c.change, c.source_url_id, c.ordinal"""
"""``link_changes`` of snapshot ``$sid`` (after ``$prev``): the links of the referring domains
in its ``refdomain_changes`` (built just before), compared."""

_DIRTY_TARGETS = "SELECT target_domain_id FROM aggregate_dirty WHERE snapshot_id = $sid"


@dataclass(frozen=True, slots=True)
class RefreshResult:
    """What :func:`refresh_aggregates` rebuilt."""

    snapshots_built: int
    """Snapshots built in full (new ones, or built by another version)."""
    targets_rebuilt: int
    """(snapshot, target domain) pairs rebuilt in snapshots built before."""
    seconds: float


def is_built(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> bool:
    """Whether the snapshot's aggregates were built by this version."""
    row = fetch_one(
        con,
        "SELECT count(*) FROM aggregate_snapshots WHERE snapshot_id = ? AND version = ?",
        [snapshot_id, AGGREGATE_VERSION],
    )
    return bool(row and row[0])


def mark_changed(con: duckdb.DuckDBPyConnection, snapshot_id: int, links: str) -> None:
    """Mark the targets of some links of a snapshot as changed (in the caller's transaction).

    ``links`` is a query (or table name) with ``source_domain_id`` and ``target_domain_id``
    columns: the links written or about to be deleted. Internal links count in no aggregate and
    mark nothing; neither does a snapshot never built (it is built in full).
    """
    if not is_built(con, snapshot_id):
        return
    con.execute(
        f"""INSERT INTO aggregate_dirty
            SELECT DISTINCT $sid, x.target_domain_id FROM ({links}) x
            WHERE x.source_domain_id <> x.target_domain_id
              AND x.target_domain_id NOT IN ({_DIRTY_TARGETS})""",
        {"sid": snapshot_id},
    )


CURRENT = """(
    (SELECT count(*) FROM aggregate_snapshots WHERE version = $aggregate_version)
    = (SELECT count(*) FROM snapshots)
    AND (SELECT count(*) FROM aggregate_dirty WHERE target_domain_id = $domain_id) = 0
)"""
"""SQL condition: the aggregates of the target domain ``$domain_id`` are up to date in every
snapshot (parameters: :func:`current_params`). ``aggregate_snapshots`` holds one row per
built snapshot, so counting its rows tells whether every snapshot is built."""


def current_params(domain_id: int) -> dict[str, int]:
    return {"domain_id": domain_id, "aggregate_version": AGGREGATE_VERSION}


def is_current(con: duckdb.DuckDBPyConnection, domain_id: int) -> bool:
    """Whether the aggregates of a target domain are up to date in every snapshot."""
    row = fetch_one(con, f"SELECT {CURRENT}", current_params(domain_id))
    return bool(row and row[0])


def _rebuild_history(con: duckdb.DuckDBPyConnection, snapshot_id: int, *, full: bool) -> None:
    """Rebuild one snapshot's ``history_stats``, ``refdomain_changes`` and ``link_changes``
    (all targets, or those in the temp table ``rebuilt_targets``), from its ``refdomain_stats``
    and the previous snapshot's (and, for the changed referring domains, the links of both).
    The oldest snapshot has no changes (nothing to compare with)."""
    params = {"sid": snapshot_id}
    marked = "target_domain_id IN (SELECT target_domain_id FROM rebuilt_targets)"
    rows = "snapshot_id = $sid" if full else f"snapshot_id = $sid AND {marked}"
    scope = "TRUE" if full else f"r.{marked}"
    row = fetch_one(con, f"SELECT {PREVIOUS}", params)
    prev = None if row is None or row[0] is None else int(row[0])
    con.execute(f"DELETE FROM history_stats WHERE {rows}", params)
    con.execute(
        f"INSERT INTO history_stats {_HISTORY.format(scope=scope)}", {**params, "prev": prev}
    )
    con.execute(f"DELETE FROM refdomain_changes WHERE {rows}", params)
    con.execute(f"DELETE FROM link_changes WHERE {rows}", params)
    if prev is not None:
        for table, select in (("refdomain_changes", _CHANGES), ("link_changes", _LINK_CHANGES)):
            con.execute(
                f"INSERT INTO {table} {select.format(scope=scope)}", {**params, "prev": prev}
            )


def _rebuild(
    con: duckdb.DuckDBPyConnection, snapshot_id: int, *, full: bool, next_full: bool
) -> int:
    """Rebuild one snapshot's aggregates (all of them, or the marked targets'); the targets
    rebuilt. Inside the caller's transaction.

    The ``history_stats``, ``refdomain_changes`` and ``link_changes`` rows of the next snapshot
    depend on this one's: they are rebuilt too, for the same targets, in the same transaction,
    unless the next snapshot is built in full anyway (``next_full``)."""
    params = {"sid": snapshot_id}
    targets = 0
    if not full:
        row = fetch_one(con, f"SELECT count(*) FROM ({_DIRTY_TARGETS})", params)
        targets = int(row[0]) if row else 0
        if not targets:
            return 0
        con.execute(f"CREATE OR REPLACE TEMP TABLE rebuilt_targets AS {_DIRTY_TARGETS}", params)
    marked = f"target_domain_id IN ({_DIRTY_TARGETS})"
    rows = "snapshot_id = $sid" if full else f"snapshot_id = $sid AND {marked}"
    links = "l.snapshot_id = $sid" if full else f"l.snapshot_id = $sid AND l.{marked}"
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE anchor_rows AS {_ANCHOR_ROWS.format(scope=links)}", params
    )
    for table in TABLES:
        con.execute(f"DELETE FROM {table} WHERE {rows}", params)
        con.execute(f"INSERT INTO {table} {_SELECTS[table].format(scope=links)}", params)
    con.execute("DROP TABLE anchor_rows")
    if full:
        con.execute(_SEEN.format(targets="TRUE"))
    else:
        con.execute(_SEEN.format(targets=marked), params)
    _rebuild_history(con, snapshot_id, full=full)
    row = fetch_one(con, f"SELECT {NEXT}", params)
    if row is not None and row[0] is not None and not next_full:
        _rebuild_history(con, int(row[0]), full=full)
    if not full:
        con.execute("DROP TABLE rebuilt_targets")
    con.execute("DELETE FROM aggregate_dirty WHERE snapshot_id = $sid", params)
    if full:
        con.execute("DELETE FROM aggregate_snapshots WHERE snapshot_id = $sid", params)
        con.execute(
            "INSERT INTO aggregate_snapshots VALUES ($sid, $v, now())",
            {**params, "v": AGGREGATE_VERSION},
        )
    return targets


def refresh_aggregates(con: duckdb.DuckDBPyConnection) -> RefreshResult:
    """Bring every snapshot's aggregates up to date; each snapshot in one transaction.

    A snapshot never built (or built by another version) is built in full; in the others
    the targets marked changed are rebuilt. Nothing to do costs two small queries.
    """
    started = time.perf_counter()
    rows = con.execute(
        """SELECT s.snapshot_id, a.snapshot_id IS NOT NULL,
                  EXISTS (SELECT 1 FROM aggregate_dirty d WHERE d.snapshot_id = s.snapshot_id)
           FROM snapshots s
           LEFT JOIN aggregate_snapshots a
             ON a.snapshot_id = s.snapshot_id AND a.version = $v
           ORDER BY s.date, s.created_at""",
        {"v": AGGREGATE_VERSION},
    ).fetchall()
    built = targets = 0
    for i, (snapshot_id, was_built, dirty) in enumerate(rows):
        if was_built and not dirty:
            continue
        next_full = i + 1 < len(rows) and not rows[i + 1][1]
        con.execute("BEGIN TRANSACTION")
        try:
            targets += _rebuild(con, int(snapshot_id), full=not was_built, next_full=next_full)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        built += 0 if was_built else 1
    seconds = time.perf_counter() - started
    if built or targets:
        log.info(
            "aggregates: %d snapshots built, %d targets rebuilt in %.1f s", built, targets, seconds
        )
    return RefreshResult(built, targets, seconds)


def rebuild_aggregates(con: duckdb.DuckDBPyConnection) -> RefreshResult:
    """Build every snapshot's aggregates again, in full: each snapshot one sorted run again,
    where rebuilds of a few targets each appended a run of their own. Ingest does it when it
    re-clusters the links (``linkatlas.store.layout``), ``linkatlas optimize`` always."""
    con.execute("DELETE FROM aggregate_snapshots")
    return refresh_aggregates(con)
