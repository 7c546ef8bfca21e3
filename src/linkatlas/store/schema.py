"""All DDL of the store, as numbered migrations recorded in ``schema_migrations``.

Layout (DESIGN.md, "Store"): ids are stable 64-bit hashes (``linkatlas.ids``); ``links`` is
denormalised with the host and domain ids of both ends so reports filter on one table;
every page and link row belongs to one snapshot. No ``CREATE`` statement lives elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from linkatlas.store.sql import fetch_one


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    statements: tuple[str, ...]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "initial layout: snapshots, domains, hosts, urls, pages, links, ingested_files",
        (
            """CREATE TABLE snapshots (
                snapshot_id BIGINT NOT NULL,
                name VARCHAR NOT NULL,
                date DATE NOT NULL,
                created_at TIMESTAMP NOT NULL
            )""",
            """CREATE TABLE domains (
                domain_id BIGINT NOT NULL,
                domain VARCHAR NOT NULL
            )""",
            """CREATE TABLE hosts (
                host_id BIGINT NOT NULL,
                host VARCHAR NOT NULL,
                domain_id BIGINT NOT NULL
            )""",
            """CREATE TABLE urls (
                url_id BIGINT NOT NULL,
                url VARCHAR NOT NULL,
                host_id BIGINT NOT NULL,
                domain_id BIGINT NOT NULL
            )""",
            """CREATE TABLE pages (
                snapshot_id BIGINT NOT NULL,
                url_id BIGINT NOT NULL,
                host_id BIGINT NOT NULL,
                domain_id BIGINT NOT NULL,
                captured_at TIMESTAMP NOT NULL,
                status SMALLINT NOT NULL,
                content_type VARCHAR,
                redirect_url_id BIGINT,
                canonical_url_id BIGINT,
                robots_nofollow BOOLEAN NOT NULL,
                robots_noindex BOOLEAN NOT NULL,
                title VARCHAR,
                outlinks INTEGER NOT NULL,
                ip VARCHAR,
                source_file VARCHAR
            )""",
            """CREATE TABLE links (
                snapshot_id BIGINT NOT NULL,
                link_id BIGINT NOT NULL,
                source_url_id BIGINT NOT NULL,
                source_host_id BIGINT NOT NULL,
                source_domain_id BIGINT NOT NULL,
                target_url_id BIGINT NOT NULL,
                target_host_id BIGINT NOT NULL,
                target_domain_id BIGINT NOT NULL,
                captured_at TIMESTAMP NOT NULL,
                ordinal INTEGER NOT NULL,
                kind VARCHAR NOT NULL,
                anchor VARCHAR NOT NULL,
                rel VARCHAR NOT NULL,
                nofollow BOOLEAN NOT NULL,
                sponsored BOOLEAN NOT NULL,
                ugc BOOLEAN NOT NULL,
                image BOOLEAN NOT NULL,
                position VARCHAR NOT NULL,
                internal BOOLEAN NOT NULL
            )""",
            """CREATE TABLE ingested_files (
                snapshot_id BIGINT NOT NULL,
                file_key VARCHAR NOT NULL,
                path VARCHAR NOT NULL,
                size BIGINT NOT NULL,
                records_done BIGINT NOT NULL,
                completed BOOLEAN NOT NULL,
                updated_at TIMESTAMP NOT NULL
            )""",
        ),
    ),
    Migration(
        2,
        "authority scores per snapshot: rank_runs, page_scores (UR), domain_scores (DR, trust)",
        (
            # One row per ranked snapshot (a new `linkatlas rank` replaces it): what the scores
            # came from, so `explain` can decompose them. *_base is the share every node gets
            # without links: teleport plus the redistributed dangling mass.
            """CREATE TABLE rank_runs (
                snapshot_id BIGINT NOT NULL,
                formula_version INTEGER NOT NULL,
                computed_at TIMESTAMP NOT NULL,
                damping DOUBLE NOT NULL,
                tol DOUBLE NOT NULL,
                links BIGINT NOT NULL,
                page_nodes BIGINT NOT NULL,
                page_edges BIGINT NOT NULL,
                page_iterations INTEGER NOT NULL,
                page_base DOUBLE NOT NULL,
                domain_nodes BIGINT NOT NULL,
                domain_edges BIGINT NOT NULL,
                domain_iterations INTEGER NOT NULL,
                domain_base DOUBLE NOT NULL,
                trust_seeds VARCHAR[],
                trust_iterations INTEGER
            )""",
            # `rank` fills every column; only the keys and the rating are required, so that
            # ratings imported from elsewhere (or written by tests) need nothing else.
            """CREATE TABLE page_scores (
                snapshot_id BIGINT NOT NULL,
                url_id BIGINT NOT NULL,
                pagerank DOUBLE NOT NULL,
                ur DOUBLE NOT NULL,
                in_degree INTEGER NOT NULL,
                out_degree INTEGER NOT NULL,
                formula_version INTEGER NOT NULL
            )""",
            """CREATE TABLE domain_scores (
                snapshot_id BIGINT NOT NULL,
                domain_id BIGINT NOT NULL,
                pagerank DOUBLE NOT NULL,
                dr DOUBLE NOT NULL,
                trustrank DOUBLE,
                trust DOUBLE,
                in_degree INTEGER NOT NULL,
                out_degree INTEGER NOT NULL,
                formula_version INTEGER NOT NULL
            )""",
        ),
    ),
    Migration(
        3,
        "store_layout: how much of links is clustered by target (linkatlas.store.layout); "
        "an index of urls by url_id",
        (
            # One row per clustered table: its sort key, the rows clustered, and the rowid of
            # the last of them (rows after it are the unclustered tail ingest appended).
            """CREATE TABLE store_layout (
                table_name VARCHAR NOT NULL,
                sort_key VARCHAR NOT NULL,
                clustered_rows BIGINT NOT NULL,
                last_rowid BIGINT NOT NULL,
                clustered_at TIMESTAMP NOT NULL,
                seconds DOUBLE NOT NULL
            )""",
            # Reports show the URLs of a few links (the changed ones, the top pages): a join
            # with urls on 50 ids or fewer is then an index lookup (DuckDB pushes the ids
            # into the scan) instead of a scan of every URL.
            "CREATE INDEX urls_url_id ON urls (url_id)",
        ),
    ),
    Migration(
        4,
        "report aggregates per snapshot and target domain (linkatlas.store.aggregates): "
        "refdomain_stats, anchor_stats, anchor_totals, page_stats, aggregate_snapshots, "
        "aggregate_dirty; an index of domains by domain_id",
        (
            # A target's backlinks (links of a backlink kind from another registrable domain)
            # in one snapshot, counted per referring domain. Pages are distinct source URLs;
            # a URL belongs to one domain, so they add up across domains. backlinks_rank is the
            # domain's place in the target's list (by backlinks, then name; from 1).
            """CREATE TABLE refdomain_stats (
                snapshot_id BIGINT NOT NULL,
                target_domain_id BIGINT NOT NULL,
                source_domain_id BIGINT NOT NULL,
                backlinks BIGINT NOT NULL,
                followed BIGINT NOT NULL,
                nofollow BIGINT NOT NULL,
                sponsored BIGINT NOT NULL,
                ugc BIGINT NOT NULL,
                image BIGINT NOT NULL,
                pages BIGINT NOT NULL,
                first_captured_at TIMESTAMP NOT NULL,
                last_captured_at TIMESTAMP NOT NULL,
                links_hash UBIGINT NOT NULL,
                backlinks_rank BIGINT NOT NULL
            )""",
            # The same backlinks per (anchor, image flag) and referring domain.
            """CREATE TABLE anchor_stats (
                snapshot_id BIGINT NOT NULL,
                target_domain_id BIGINT NOT NULL,
                anchor VARCHAR NOT NULL,
                image BOOLEAN NOT NULL,
                source_domain_id BIGINT NOT NULL,
                backlinks BIGINT NOT NULL
            )""",
            # The same per (anchor, image flag), with the referring domains using the anchor
            # text whether on an image or not (what a list of anchors shows).
            """CREATE TABLE anchor_totals (
                snapshot_id BIGINT NOT NULL,
                target_domain_id BIGINT NOT NULL,
                anchor VARCHAR NOT NULL,
                image BOOLEAN NOT NULL,
                backlinks BIGINT NOT NULL,
                referring_domains BIGINT NOT NULL,
                anchor_referring_domains BIGINT NOT NULL
            )""",
            # The same backlinks per linked page of the target.
            """CREATE TABLE page_stats (
                snapshot_id BIGINT NOT NULL,
                target_domain_id BIGINT NOT NULL,
                target_url_id BIGINT NOT NULL,
                backlinks BIGINT NOT NULL,
                referring_domains BIGINT NOT NULL
            )""",
            # Snapshots whose aggregates were built (by that version of their definition)...
            """CREATE TABLE aggregate_snapshots (
                snapshot_id BIGINT NOT NULL,
                version INTEGER NOT NULL,
                built_at TIMESTAMP NOT NULL
            )""",
            # ...except for these targets, whose links changed since: written in the same
            # transaction as the links, removed when their aggregates are rebuilt.
            """CREATE TABLE aggregate_dirty (
                snapshot_id BIGINT NOT NULL,
                target_domain_id BIGINT NOT NULL
            )""",
            # Reports name a few domains (the top referring domains): an index lookup.
            "CREATE INDEX domains_domain_id ON domains (domain_id)",
        ),
    ),
    Migration(
        5,
        "history aggregates: history_stats, refdomain_changes",
        (
            # A target's history row per snapshot: its backlinks, referring domains, followed
            # backlinks, and referring domains new and lost versus the snapshot before
            # (``linkatlas.store.aggregates``). Stores built before rebuild their aggregates
            # (the aggregate version changed).
            """CREATE TABLE history_stats (
                snapshot_id BIGINT NOT NULL,
                target_domain_id BIGINT NOT NULL,
                backlinks BIGINT NOT NULL,
                referring_domains BIGINT NOT NULL,
                followed BIGINT NOT NULL,
                new_domains BIGINT NOT NULL,
                lost_domains BIGINT NOT NULL
            )""",
            # The referring domains whose backlinks to a target differ from the snapshot
            # before (linking in one of the two only, or with other links): what ``changes``
            # compares between consecutive snapshots.
            """CREATE TABLE refdomain_changes (
                snapshot_id BIGINT NOT NULL,
                target_domain_id BIGINT NOT NULL,
                source_domain_id BIGINT NOT NULL
            )""",
        ),
    ),
    Migration(
        6,
        "aggregates (version 3): refdomain_stats with first and last seen over every "
        "snapshot; anchors by key (anchor_totals numbers each (anchor, image) of a target, "
        "anchor_stats holds the number), anchor_sets; history_stats with a target's summary "
        "counts; link_changes",
        (
            # The rows of the previous version are built again anyway (the aggregate version
            # changed): they go first, so that the new columns can be NOT NULL.
            "DELETE FROM refdomain_stats",
            "DELETE FROM anchor_stats",
            "DELETE FROM anchor_totals",
            "DELETE FROM history_stats",
            # The first and last capture of the domain's backlinks to the target over every
            # snapshot (the same on its rows of every snapshot): a report of one snapshot
            # needs no other snapshot's rows.
            "ALTER TABLE refdomain_stats ADD COLUMN first_seen TIMESTAMP NOT NULL",
            "ALTER TABLE refdomain_stats ADD COLUMN last_seen TIMESTAMP NOT NULL",
            # anchor_key numbers a target's distinct (anchor, image) pairs in one snapshot
            # from 1, in (anchor, image) order; anchor_stats names the pair by it alone: a
            # report maps each pair to its category with a list indexed by the key, without
            # reading or joining anchor strings.
            "ALTER TABLE anchor_totals ADD COLUMN anchor_key INTEGER NOT NULL",
            "ALTER TABLE anchor_stats DROP COLUMN anchor",
            "ALTER TABLE anchor_stats DROP COLUMN image",
            "ALTER TABLE anchor_stats ADD COLUMN anchor_key INTEGER NOT NULL",
            # The referring domains of a target grouped by the set of anchor keys they link
            # with, one row per (set, key); ``domains`` (on each row of a set) counts the
            # domains with exactly that set. A report's categories per referring domain are
            # then found once per set (far fewer sets than domains).
            """CREATE TABLE anchor_sets (
                snapshot_id BIGINT NOT NULL,
                target_domain_id BIGINT NOT NULL,
                set_id INTEGER NOT NULL,
                anchor_key INTEGER NOT NULL,
                domains BIGINT NOT NULL
            )""",
            # A target's row per snapshot holds its profile's counts too: referring pages,
            # nofollow, sponsored, ugc and image backlinks.
            "ALTER TABLE history_stats ADD COLUMN pages BIGINT NOT NULL",
            "ALTER TABLE history_stats ADD COLUMN nofollow BIGINT NOT NULL",
            "ALTER TABLE history_stats ADD COLUMN sponsored BIGINT NOT NULL",
            "ALTER TABLE history_stats ADD COLUMN ugc BIGINT NOT NULL",
            "ALTER TABLE history_stats ADD COLUMN image BIGINT NOT NULL",
            # The backlinks of a target that differ from the snapshot before (those of the
            # referring domains in refdomain_changes): new (only in this snapshot), gone (only
            # in the one before) or unfollowed (followed before, not now); the anchor is the
            # latest one, the ordinal the first. What ``changes`` of consecutive snapshots lists.
            """CREATE TABLE link_changes (
                snapshot_id BIGINT NOT NULL,
                target_domain_id BIGINT NOT NULL,
                change VARCHAR NOT NULL,
                source_url_id BIGINT NOT NULL,
                target_url_id BIGINT NOT NULL,
                anchor VARCHAR NOT NULL,
                ordinal INTEGER NOT NULL
            )""",
        ),
    ),
)

LATEST_VERSION = MIGRATIONS[-1].version


def applied_version(con: duckdb.DuckDBPyConnection) -> int | None:
    """The newest migration applied to this database, or None if it is not a LinkAtlas store."""
    row = fetch_one(
        con, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'"
    )
    if not row or row[0] == 0:
        return None
    version = fetch_one(con, "SELECT max(version) FROM schema_migrations")
    return int(version[0]) if version and version[0] is not None else 0


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Apply every migration not yet applied, each in its own transaction; the new version."""
    current = applied_version(con)
    if current is None:
        con.execute(
            """CREATE TABLE schema_migrations (
                version INTEGER NOT NULL,
                name VARCHAR NOT NULL,
                applied_at TIMESTAMP NOT NULL DEFAULT now()
            )"""
        )
        current = 0
    for migration in MIGRATIONS:
        if migration.version <= current:
            continue
        con.execute("BEGIN TRANSACTION")
        for statement in migration.statements:
            con.execute(statement)
        con.execute(
            "INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
            [migration.version, migration.name],
        )
        con.execute("COMMIT")
        current = migration.version
    return current
