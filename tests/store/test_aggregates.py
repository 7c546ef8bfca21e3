"""The report aggregates give the answers of the link scans, and are never stale.

Each report runs twice: on the aggregates, and with them set aside (every target marked
changed, so the reports count the links, as they do for a store whose aggregates are out of
date); the two reports must be equal. Stores: the demo's (three monthly snapshots, ranked),
and hand-built ones where a second ingest changes a snapshot, or an ingest stops before the
aggregates are brought up to date.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from linkatlas.analyze.anchors import anchors
from linkatlas.analyze.backlinks import profile, refdomains
from linkatlas.analyze.history import changes, history
from linkatlas.analyze.reports import Target
from linkatlas.demo import build_demo_store
from linkatlas.extract.domains import DomainResolver
from linkatlas.store import aggregates, ingest, report_queries
from linkatlas.store.connection import open_store
from linkatlas.store.ingest import ingest_warc_files
from linkatlas.store.schema import LATEST_VERSION, MIGRATIONS
from tests.warcs import Response, write_warc

T = "https://target.com/"
JAN = "2026-01-10T00:00:00Z"
FEB = "2026-02-10T00:00:00Z"


def reports(con: duckdb.DuckDBPyConnection, site: str, resolver: DomainResolver) -> list[Any]:
    """Every report the aggregates serve, with options that list everything."""
    summary = profile(con, site, resolver=resolver)
    # the most used anchors as keywords: exact-match anchors and domains to list
    common = [a.anchor for a in summary.top_anchors]
    return [
        summary,
        refdomains(con, site, resolver=resolver, limit=0),
        refdomains(con, site, resolver=resolver, limit=3),
        anchors(con, site, resolver=resolver, keywords=["nomad", "travel gear"], limit=0),
        anchors(con, site, resolver=resolver, keywords=common, limit=0),
        anchors(con, site, resolver=resolver, keywords=common, limit=2),
        anchors(con, site, resolver=resolver),
        history(con, site, resolver=resolver),
        changes(con, site, resolver=resolver, limit=0),
    ]


def is_aggregated(con: duckdb.DuckDBPyConnection, domain: str) -> bool:
    return report_queries.checked_target(con, Target(text=domain, mode="domain", domain=domain))


def set_aside(con: duckdb.DuckDBPyConnection) -> None:
    """Mark every target of every snapshot changed: reports count the links."""
    con.execute(
        "INSERT INTO aggregate_dirty SELECT DISTINCT snapshot_id, target_domain_id FROM links"
    )


def assert_same_as_scans(
    con: duckdb.DuckDBPyConnection, sites: list[str], resolver: DomainResolver
) -> None:
    for site in sites:
        assert is_aggregated(con, site), site
    from_aggregates = {site: reports(con, site, resolver) for site in sites}
    set_aside(con)
    for site in sites:
        assert not is_aggregated(con, site), site
        assert reports(con, site, resolver) == from_aggregates[site], site
    assert aggregates.refresh_aggregates(con).targets_rebuilt > 0
    for site in sites:
        assert is_aggregated(con, site), site


# -- the demo store ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo_store(tmp_path_factory.mktemp("demo"), quick=True).db


@pytest.fixture()
def demo_con(demo_db: Path, tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    copy = tmp_path / "demo.duckdb"
    copy.write_bytes(demo_db.read_bytes())
    with open_store(copy) as con:
        yield con


def popular_sites(con: duckdb.DuckDBPyConnection, n: int) -> list[str]:
    rows = con.execute(
        """SELECT d.domain FROM refdomain_stats r JOIN domains d ON d.domain_id = r.target_domain_id
           GROUP BY d.domain ORDER BY sum(r.backlinks) DESC, d.domain LIMIT ?""",
        [n],
    ).fetchall()
    return [str(r[0]) for r in rows]


def test_demo_reports_equal_the_link_scans(
    demo_con: duckdb.DuckDBPyConnection, resolver: DomainResolver
) -> None:
    sites = popular_sites(demo_con, 6)
    assert len(sites) == 6
    assert_same_as_scans(demo_con, sites, resolver)


def test_reports_read_the_aggregates(
    demo_con: duckdb.DuckDBPyConnection, resolver: DomainResolver
) -> None:
    """A count changed in the aggregates shows in the report: they are what it reads."""
    (site,) = popular_sites(demo_con, 1)
    before = profile(demo_con, site, resolver=resolver)
    words = anchors(demo_con, site, resolver=resolver, limit=0)
    demo_con.execute("UPDATE history_stats SET backlinks = backlinks + 1")
    demo_con.execute("UPDATE refdomain_stats SET backlinks = backlinks + 1")
    demo_con.execute("UPDATE anchor_totals SET backlinks = backlinks + 1")
    demo_con.execute("UPDATE refdomain_stats SET last_seen = last_seen + INTERVAL 1 DAY")
    after = profile(demo_con, site, resolver=resolver)
    assert after.backlinks == before.backlinks + 1
    assert [d.backlinks for d in after.top_referring_domains] == [
        d.backlinks + 1 for d in before.top_referring_domains
    ]
    assert [d.last_seen for d in after.top_referring_domains] == [
        d.last_seen + timedelta(days=1) for d in before.top_referring_domains if d.last_seen
    ]
    changed = anchors(demo_con, site, resolver=resolver, limit=0)
    assert [i.backlinks for i in changed.items] == [i.backlinks + 1 for i in words.items]
    differences = changes(demo_con, site, resolver=resolver)
    assert differences.new_total + differences.lost_total + differences.not_observed_total
    demo_con.execute("DELETE FROM link_changes")
    nothing = changes(demo_con, site, resolver=resolver)
    assert nothing.new_total + nothing.lost_total + nothing.not_observed_total == 0


def test_other_modes_count_the_links(
    demo_con: duckdb.DuckDBPyConnection, resolver: DomainResolver
) -> None:
    (site,) = popular_sites(demo_con, 1)
    assert is_aggregated(demo_con, site)
    host = Target(text=site, mode="host", domain=site, host=site)
    assert not report_queries.checked_target(demo_con, host)


# -- hand-built stores ---------------------------------------------------------------------


def a(href: str, text: str = "link", rel: str = "") -> str:
    rel_attr = f' rel="{rel}"' if rel else ""
    return f'<a href="{href}"{rel_attr}>{text}</a>'


FIRST = [
    Response("https://a.org/1", a(T, "travel gear") + a(f"{T}x", "Target") + a(T), date=JAN),
    Response("https://a.org/2", a(T, "travel gear", "nofollow"), date=JAN),
    Response("https://b.org/1", a(T, "https://target.com") + a("https://other.net/"), date=JAN),
    Response("https://c.org/1", a(f"{T}x", "click here") + a("https://other.net/", "o"), date=JAN),
    Response("https://target.com/", a("https://a.org/1", "back") + a(f"{T}x", "self"), date=JAN),
]
SECOND = [
    Response("https://a.org/1", a(T, "travel gear") + a(f"{T}y", "new page"), date=FEB),
    Response("https://b.org/1", "gone", status=404, date=FEB),
    Response("https://d.org/1", a(T, "best travel gear", "sponsored"), date=FEB),
    Response("https://c.org/1", a(f"{T}x", "click here", "ugc"), date=FEB),
]
"""Month 2: a.org/1 loses and gains links, b.org/1 is gone, d.org is new, c.org turns ugc."""
LATER = [
    Response("https://a.org/1", a(T, "travel gear") + a(T, "again"), date="2026-02-20T00:00:00Z"),
    Response("https://e.org/1", a(T, "nomad"), date="2026-02-20T00:00:00Z"),
]
"""A second ingest into month 2: a newer capture of a.org/1, and a new referring domain."""
SITES = ["target.com", "a.org", "other.net"]


def ingest_into(
    con: duckdb.DuckDBPyConnection,
    folder: Path,
    name: str,
    responses: list[Response],
    resolver: DomainResolver,
) -> None:
    warc = write_warc(folder / f"{name}-{len(list(folder.iterdir()))}.warc.gz", responses)
    ingest_warc_files(con, [warc], resolver=resolver, snapshot=name)


@pytest.fixture()
def two_months(tmp_path: Path, resolver: DomainResolver) -> Iterator[duckdb.DuckDBPyConnection]:
    with open_store(tmp_path / "t.duckdb", create=True) as con:
        ingest_into(con, tmp_path, "2026-01", FIRST, resolver)
        ingest_into(con, tmp_path, "2026-02", SECOND, resolver)
        yield con


def test_hand_built_reports_equal_the_link_scans(
    two_months: duckdb.DuckDBPyConnection, resolver: DomainResolver
) -> None:
    report = profile(two_months, "target.com", resolver=resolver)
    assert (report.backlinks, report.referring_domains, report.nofollow) == (4, 3, 0)
    assert (report.sponsored, report.ugc) == (1, 1)
    assert_same_as_scans(two_months, SITES, resolver)


@pytest.mark.parametrize("reclustered", [False, True])
def test_a_second_ingest_into_a_snapshot_rebuilds_its_targets(
    two_months: duckdb.DuckDBPyConnection,
    tmp_path: Path,
    resolver: DomainResolver,
    monkeypatch: pytest.MonkeyPatch,
    reclustered: bool,
) -> None:
    """Without re-clustering (a small ingest into a large store) only the changed targets are
    rebuilt; with it, everything."""
    refreshed: list[aggregates.RefreshResult] = []
    refresh = aggregates.refresh_aggregates

    def spy(con: duckdb.DuckDBPyConnection) -> aggregates.RefreshResult:
        refreshed.append(refresh(con))
        return refreshed[-1]

    monkeypatch.setattr(ingest.aggregates, "refresh_aggregates", spy)
    if not reclustered:
        monkeypatch.setattr(ingest.layout, "maybe_cluster_links", lambda con: None)
    ingest_into(two_months, tmp_path, "2026-02", LATER, resolver)
    monkeypatch.undo()
    if reclustered:
        assert [r.snapshots_built for r in refreshed] == [2]
    else:  # target.com and a.org (which target.com/ links to) are not touched: not rebuilt
        assert [(r.snapshots_built, r.targets_rebuilt) for r in refreshed] == [(0, 1)]
    assert two_months.execute("SELECT count(*) FROM aggregate_dirty").fetchall() == [(0,)]
    report = refdomains(two_months, "target.com", resolver=resolver)
    assert {(d.domain, d.backlinks) for d in report.items} == {
        ("a.org", 2),
        ("c.org", 1),
        ("d.org", 1),
        ("e.org", 1),
    }
    assert_same_as_scans(two_months, SITES, resolver)


def test_the_same_file_again_rebuilds_nothing(tmp_path: Path, resolver: DomainResolver) -> None:
    warc = write_warc(tmp_path / "one.warc.gz", FIRST)
    with open_store(tmp_path / "t.duckdb", create=True) as con:
        ingest_warc_files(con, [warc], resolver=resolver, snapshot="2026-01")
        before = con.execute("SELECT * FROM refdomain_stats ORDER BY ALL").fetchall()
        ingest_warc_files(con, [warc], resolver=resolver, snapshot="2026-01")
        after = con.execute("SELECT * FROM refdomain_stats ORDER BY ALL").fetchall()
        assert after == before
        assert con.execute("SELECT count(*) FROM aggregate_dirty").fetchall() == [(0,)]


def test_an_interrupted_ingest_is_detected_and_repaired(
    two_months: duckdb.DuckDBPyConnection,
    tmp_path: Path,
    resolver: DomainResolver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Links committed, aggregates not rebuilt (the process died in between): the changed
    targets are marked, their reports count the links; the next ingest repairs them."""
    expected = reports(two_months, "target.com", resolver)

    def die(_: duckdb.DuckDBPyConnection) -> aggregates.RefreshResult:
        raise KeyboardInterrupt

    monkeypatch.setattr(ingest.aggregates, "refresh_aggregates", die)
    monkeypatch.setattr(ingest.layout, "maybe_cluster_links", lambda con: None)  # a small ingest
    with pytest.raises(KeyboardInterrupt):
        ingest_into(two_months, tmp_path, "2026-02", LATER, resolver)
    monkeypatch.undo()
    assert not is_aggregated(two_months, "target.com")
    assert is_aggregated(two_months, "other.net")  # its links did not change
    now = reports(two_months, "target.com", resolver)
    assert now != expected  # the reports show the new links at once
    ingest_into(two_months, tmp_path, "2026-02", LATER, resolver)  # nothing new, but repairs
    assert is_aggregated(two_months, "target.com")
    assert reports(two_months, "target.com", resolver) == now
    assert_same_as_scans(two_months, SITES, resolver)


def test_a_store_of_the_previous_layout_is_upgraded(
    tmp_path: Path, resolver: DomainResolver
) -> None:
    db = tmp_path / "old.duckdb"
    with open_store(db, create=True) as con:
        ingest_into(con, tmp_path, "2026-01", FIRST, resolver)
        expected = reports_of_one_snapshot(con, resolver)
        added = ("history_stats", "refdomain_changes", "link_changes")
        for table in (*aggregates.TABLES, *added, "aggregate_snapshots", "aggregate_dirty"):
            con.execute(f"DROP TABLE {table}")
        con.execute("DROP INDEX domains_domain_id")
        con.execute("DELETE FROM schema_migrations WHERE version >= 4")
    with open_store(db) as con:
        version = con.execute("SELECT max(version) FROM schema_migrations").fetchall()
        assert version == [(LATEST_VERSION,)]
        assert not is_aggregated(con, "target.com")  # not built yet: the links are counted
        assert reports_of_one_snapshot(con, resolver) == expected
        assert aggregates.refresh_aggregates(con).snapshots_built == 1
        assert is_aggregated(con, "target.com")
        assert reports_of_one_snapshot(con, resolver) == expected


def test_aggregates_of_the_previous_version_are_built_again(
    tmp_path: Path, resolver: DomainResolver
) -> None:
    """A store of migration 5 (no first and last seen in ``refdomain_stats``, anchors
    aggregated by their text, no summary counts in ``history_stats``, no ``anchor_sets`` nor
    ``link_changes``: aggregates version 2): migration 6 replaces and adds those tables, the
    aggregates are not current until built again."""
    db = tmp_path / "v5.duckdb"
    replaced = ("refdomain_stats", "anchor_stats", "anchor_totals", "history_stats")
    with open_store(db, create=True) as con:
        ingest_into(con, tmp_path, "2026-01", FIRST, resolver)
        ingest_into(con, tmp_path, "2026-02", SECOND, resolver)
        expected = reports(con, "target.com", resolver)
        for table in (*replaced, "anchor_sets", "link_changes"):
            con.execute(f"DROP TABLE {table}")
        for migration in MIGRATIONS:
            if migration.version in (4, 5):
                for statement in migration.statements:
                    if statement.startswith(tuple(f"CREATE TABLE {t} (" for t in replaced)):
                        con.execute(statement)
        con.execute("DELETE FROM schema_migrations WHERE version = 6")
        con.execute("UPDATE aggregate_snapshots SET version = 2")
    with open_store(db) as con:
        assert not is_aggregated(con, "target.com")
        assert reports(con, "target.com", resolver) == expected
        assert aggregates.refresh_aggregates(con).snapshots_built == 2
        assert is_aggregated(con, "target.com")
        assert reports(con, "target.com", resolver) == expected
        assert_same_as_scans(con, SITES, resolver)


EARLIER = [
    Response("https://d.org/0", a(T, "travel gear"), date="2026-01-20T00:00:00Z"),
    Response("https://f.org/1", a(T, "nomad"), date="2026-01-20T00:00:00Z"),
]
"""A second ingest into month 1: d.org (new in month 2 until now) links already, and f.org
links, whose page month 2 did not capture (f.org is gone in month 2, not lost)."""
F_AGAIN = [Response("https://f.org/1", "no links now", date="2026-02-25T00:00:00Z")]
"""Month 2 captures f.org/1, without its link: f.org is lost in month 2."""


def feb(con: duckdb.DuckDBPyConnection, resolver: DomainResolver) -> tuple[int, int, int]:
    report = history(con, "target.com", resolver=resolver)
    assert [p.snapshot for p in report.items] == ["2026-01", "2026-02"]
    point = report.items[1]
    return point.referring_domains, point.new_referring_domains, point.lost_referring_domains


def test_history_follows_changes_of_the_snapshot_before(
    two_months: duckdb.DuckDBPyConnection,
    tmp_path: Path,
    resolver: DomainResolver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """New and lost referring domains of a snapshot depend on the snapshot before: a change
    there (links of the target marked in month 1 only) and a page captured in month 2 without
    a link to the target (marking nothing by its links) rebuild month 2's history row."""
    monkeypatch.setattr(ingest.layout, "maybe_cluster_links", lambda con: None)  # small ingests
    assert feb(two_months, resolver) == (3, 1, 1)  # d.org new; b.org lost (404)
    ingest_into(two_months, tmp_path, "2026-01", EARLIER, resolver)
    assert two_months.execute("SELECT count(*) FROM aggregate_dirty").fetchall() == [(0,)]
    assert is_aggregated(two_months, "target.com")
    assert feb(two_months, resolver) == (3, 0, 1)  # d.org no longer new; f.org not observed
    assert_same_as_scans(two_months, SITES, resolver)
    ingest_into(two_months, tmp_path, "2026-02", F_AGAIN, resolver)
    assert is_aggregated(two_months, "target.com")
    assert feb(two_months, resolver) == (3, 0, 2)  # f.org/1 captured without the link: lost
    assert_same_as_scans(two_months, SITES, resolver)


def test_a_snapshot_between_two_rebuilds_the_history_after_it(
    two_months: duckdb.DuckDBPyConnection, tmp_path: Path, resolver: DomainResolver
) -> None:
    """A snapshot dated between two others changes what the later one is compared with."""
    mid = [Response("https://d.org/1", a(T, "early"), date="2026-01-25T00:00:00Z")]
    ingest_into(two_months, tmp_path, "2026-01b", mid, resolver)
    report = history(two_months, "target.com", resolver=resolver)
    assert [p.snapshot for p in report.items] == ["2026-01", "2026-01b", "2026-02"]
    assert is_aggregated(two_months, "target.com")
    pairs = [("2026-01", "2026-02"), ("2026-02", "2026-01"), ("2026-01", "2026-01b")]

    def compared() -> list[Any]:  # consecutive or not, either way round
        return [
            changes(two_months, site, resolver=resolver, before=x, after=y, limit=0)
            for site in SITES
            for x, y in pairs
        ]

    from_aggregates = compared()
    assert_same_as_scans(two_months, SITES, resolver)
    set_aside(two_months)
    assert compared() == from_aggregates


def reports_of_one_snapshot(con: duckdb.DuckDBPyConnection, resolver: DomainResolver) -> list[Any]:
    run: list[Callable[[], Any]] = [
        lambda: profile(con, "target.com", resolver=resolver),
        lambda: refdomains(con, "target.com", resolver=resolver, limit=0),
        lambda: anchors(con, "target.com", resolver=resolver, keywords=["travel gear"]),
        lambda: history(con, "target.com", resolver=resolver),
    ]
    return [r() for r in run]
