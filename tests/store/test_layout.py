"""Layout: clustering links by target keeps every row, is idempotent, and ingest still works."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from linkatlas.analyze import anchors, backlinks, history, opportunities
from linkatlas.cli.app import main
from linkatlas.errors import StoreError
from linkatlas.extract.domains import DomainResolver
from linkatlas.sources.sample_web import SampleWebSummary, generate_sample_web
from linkatlas.store import layout
from linkatlas.store.connection import open_store
from linkatlas.store.ingest import ingest_warc_files
from tests.store.test_ingest import Interrupt, table_contents
from tests.warcs import Response, write_warc

KEY = ", ".join(layout.LINK_KEY)


@pytest.fixture(scope="module")
def months(tmp_path_factory: pytest.TempPathFactory) -> list[SampleWebSummary]:
    """Three monthly crawls of a sample web of 30 sites (links gained, lost, pages gone)."""
    folder = tmp_path_factory.mktemp("web")
    return [
        generate_sample_web(
            folder / f"month{m}.warc.gz", seed=11, sites=30, pages_per_site=12, month=m
        )
        for m in range(3)
    ]


@pytest.fixture()
def no_clustering(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ingest leaves links in ingest order (page after page), as before clustering existed."""
    monkeypatch.setattr(layout, "maybe_cluster_links", lambda con, **_: None)


def ingest_month(
    con: duckdb.DuckDBPyConnection, summary: SampleWebSummary, resolver: DomainResolver, **kw: Any
) -> None:
    name = summary.captured_at.strftime("%Y-%m")
    day = summary.captured_at.date()
    ingest_warc_files(
        con, [summary.path], resolver=resolver, snapshot=name, snapshot_date=day, **kw
    )


def physical(con: duckdb.DuckDBPyConnection) -> list[tuple[Any, ...]]:
    """The links in storage order."""
    return con.execute("SELECT * FROM links ORDER BY rowid").fetchall()


def in_key_order(con: duckdb.DuckDBPyConnection) -> bool:
    row = con.execute(
        f"""SELECT count(*) FROM (
                SELECT rowid AS r, row_number() OVER (ORDER BY {KEY}) AS k,
                       row_number() OVER (ORDER BY rowid) AS p
                FROM links
            ) WHERE k <> p"""
    ).fetchone()
    return row is not None and row[0] == 0


@pytest.fixture()
def unclustered(
    tmp_path: Path,
    months: list[SampleWebSummary],
    resolver: DomainResolver,
    no_clustering: None,
) -> Iterator[duckdb.DuckDBPyConnection]:
    with open_store(tmp_path / "atlas.duckdb", create=True) as con:
        for summary in months[:2]:
            ingest_month(con, summary, resolver)
        yield con


def test_clustering_keeps_every_row_and_orders_them_by_target(
    unclustered: duckdb.DuckDBPyConnection,
) -> None:
    con = unclustered
    before = table_contents(con)
    assert not in_key_order(con)  # ingest order: page after page
    assert layout.layout_state(con).tail == len(before["links"]) > 10_000

    result = layout.cluster_links(con)

    assert result.rows == len(before["links"])
    assert table_contents(con) == before  # every table, row for row
    assert in_key_order(con)
    state = layout.layout_state(con)
    assert (state.rows, state.tail) == (len(before["links"]), 0)


def test_clustering_twice_gives_the_same_store(unclustered: duckdb.DuckDBPyConnection) -> None:
    con = unclustered
    layout.cluster_links(con)
    once = physical(con)
    layout.cluster_links(con)
    assert physical(con) == once
    rows = con.execute("SELECT table_name, sort_key, clustered_rows FROM store_layout").fetchall()
    assert rows == [("links", KEY, len(once))]
    assert layout.maybe_cluster_links(con) is None  # nothing appended since


def test_reports_are_the_same_after_clustering(
    unclustered: duckdb.DuckDBPyConnection, months: list[SampleWebSummary], resolver: DomainResolver
) -> None:
    con, site = unclustered, months[0].featured_site
    others = [s for s in months[0].sites[1:6] if s not in months[0].link_farm]

    def reports() -> list[Any]:
        return [
            backlinks.profile(con, site, resolver=resolver),
            backlinks.refdomains(con, site, resolver=resolver, limit=0),
            backlinks.backlinks(con, site, resolver=resolver, limit=0),
            anchors.anchors(con, site, resolver=resolver, limit=0),
            history.history(con, site, resolver=resolver),
            history.changes(con, site, resolver=resolver, limit=0),
            opportunities.intersect(con, others, resolver=resolver, target=site, limit=0),
        ]

    before = reports()
    assert before[5].new_total + before[5].lost_total > 0  # the month has changes
    layout.cluster_links(con)
    assert reports() == before


def test_ingest_into_a_clustered_store_gives_the_same_contents(
    tmp_path: Path,
    months: list[SampleWebSummary],
    resolver: DomainResolver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with open_store(tmp_path / "clustered.duckdb", create=True) as con:
        for summary in months:
            ingest_month(con, summary, resolver)  # ingest clusters by itself
        assert layout.layout_state(con).tail == 0
        assert in_key_order(con)
        clustered = table_contents(con)
        ingest_month(con, months[2], resolver)  # idempotent: adds nothing
        ingest_month(con, months[1], resolver)
        assert table_contents(con) == clustered
    monkeypatch.setattr(layout, "maybe_cluster_links", lambda con, **_: None)
    with open_store(tmp_path / "plain.duckdb", create=True) as con:
        for summary in months:
            ingest_month(con, summary, resolver)
        assert table_contents(con) == clustered


def test_ingest_reclusters_only_when_the_tail_is_large(
    tmp_path: Path, months: list[SampleWebSummary], resolver: DomainResolver
) -> None:
    small = write_warc(
        tmp_path / "small.warc.gz",
        [Response("https://late.example/", '<a href="https://target.example/">t</a>')],
    )
    with open_store(tmp_path / "atlas.duckdb", create=True) as con:
        ingest_month(con, months[0], resolver)
        rows = layout.layout_state(con).rows
        assert layout.layout_state(con).tail == 0
        ingest_warc_files(con, [small], resolver=resolver, snapshot="late")
        state = layout.layout_state(con)
        assert (state.rows, state.tail) == (rows + 1, 1)  # 1 row: not worth a rewrite
        assert layout.maybe_cluster_links(con, share=0.0) is not None
        assert layout.layout_state(con).tail == 0
        ingest_month(con, months[1], resolver)  # doubles the table: clustered again
        assert layout.layout_state(con).tail == 0
        assert in_key_order(con)


def test_deleted_rows_leave_the_order_and_count_nothing_as_tail(
    tmp_path: Path, months: list[SampleWebSummary], resolver: DomainResolver
) -> None:
    with open_store(tmp_path / "atlas.duckdb", create=True) as con:
        ingest_month(con, months[0], resolver)
        rows = layout.layout_state(con).rows
        row = con.execute(
            "SELECT u.url, p.outlinks FROM pages p JOIN urls u USING (url_id) "
            "WHERE p.outlinks > 5 ORDER BY u.url LIMIT 1"
        ).fetchone()
        assert row is not None
        # A newer capture of the page, without links, replaces it: ingest deletes its links.
        later = Response(row[0], "no links any more", date="2026-01-25T00:00:00Z")
        warc = write_warc(tmp_path / "later.warc.gz", [later])
        ingest_warc_files(con, [warc], resolver=resolver, snapshot="2026-01")
        state = layout.layout_state(con)
        assert (state.rows, state.tail) == (rows - row[1], 0)
        assert in_key_order(con)


def test_interrupted_ingest_of_a_clustered_store_resumes(
    tmp_path: Path, months: list[SampleWebSummary], resolver: DomainResolver
) -> None:
    with open_store(tmp_path / "clean.duckdb", create=True) as con:
        for summary in months[:2]:
            ingest_month(con, summary, resolver)
        expected = table_contents(con)
    calls = {"n": 0}

    def crash_midway(path: Path, done: int) -> None:
        calls["n"] += 1
        if calls["n"] == 200:
            raise Interrupt

    with open_store(tmp_path / "crashed.duckdb", create=True) as con:
        ingest_month(con, months[0], resolver)
        with pytest.raises(Interrupt):
            ingest_month(con, months[1], resolver, batch_pages=50, progress=crash_midway)
        assert layout.layout_state(con).tail > 0  # the committed batches, not yet clustered
        ingest_month(con, months[1], resolver)
        assert table_contents(con) == expected
        assert layout.layout_state(con).tail == 0
        assert in_key_order(con)


def test_a_failed_check_rolls_the_rewrite_back(
    unclustered: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    con = unclustered
    before = physical(con)
    real = layout._fingerprint
    calls = {"n": 0}

    def wrong_after_rewrite(con: duckdb.DuckDBPyConnection, table: str, sql: str) -> Any:
        calls["n"] += 1
        rows, checksum = real(con, table, sql)
        return (rows, checksum + 1) if calls["n"] == 2 else (rows, checksum)

    monkeypatch.setattr(layout, "_fingerprint", wrong_after_rewrite)
    with pytest.raises(StoreError, match="nothing was changed"):
        layout.cluster_links(con)
    assert physical(con) == before
    assert con.execute("SELECT count(*) FROM store_layout").fetchone() == (0,)


def test_an_empty_store_clusters(tmp_path: Path) -> None:
    with open_store(tmp_path / "empty.duckdb", create=True) as con:
        assert layout.cluster_links(con).rows == 0
        assert layout.layout_state(con).tail == 0
        assert layout.maybe_cluster_links(con) is None


def test_optimize_command(
    unclustered: duckdb.DuckDBPyConnection, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = layout.layout_state(unclustered).rows
    unclustered.close()
    main(["optimize", "--db", str(tmp_path / "atlas.duckdb"), "--json"])
    report = json.loads(capsys.readouterr().out)
    assert report["links"] == report["unclustered_before"] == rows
    assert report["sort_key"] == list(layout.LINK_KEY)
    with open_store(tmp_path / "atlas.duckdb") as con:
        assert layout.layout_state(con).tail == 0 and in_key_order(con)
