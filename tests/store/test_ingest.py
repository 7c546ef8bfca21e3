"""Ingest: idempotent, resumable, latest capture wins, stats add up."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from linkatlas.extract.domains import DomainResolver
from linkatlas.store.connection import open_store
from linkatlas.store.ingest import ingest_warc_files
from tests.conftest import shared_file
from tests.warcs import Response, write_warc

TABLES = ("snapshots", "domains", "hosts", "urls", "pages", "links")


def table_contents(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[object, ...]]]:
    contents = {}
    for table in TABLES:
        columns = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
        ignored = {"created_at"}
        kept = ", ".join(c for c in columns if c not in ignored)
        contents[table] = con.execute(f"SELECT {kept} FROM {table} ORDER BY ALL").fetchall()
    return contents


def test_real_pages_twice_give_the_same_store(
    tmp_path: Path, real_pages_warc: Path, resolver: DomainResolver
) -> None:
    with open_store(tmp_path / "a.duckdb", create=True) as con:
        first = ingest_warc_files(con, [real_pages_warc], resolver=resolver, snapshot="s1")
        before = table_contents(con)
        again = ingest_warc_files(con, [real_pages_warc], resolver=resolver, snapshot="s1")
        assert table_contents(con) == before
    assert first.pages_written == 468
    assert first.links_written == first.extract.links_kept > 60_000
    assert again.files_already_done == 1 and again.pages_written == 0


def test_same_pages_under_another_file_name_add_nothing(
    tmp_path: Path, real_pages_warc: Path, resolver: DomainResolver
) -> None:
    copy = tmp_path / "copy.warc.gz"
    copy.write_bytes(real_pages_warc.read_bytes())
    with open_store(tmp_path / "a.duckdb", create=True) as con:
        ingest_warc_files(con, [real_pages_warc], resolver=resolver, snapshot="s1")
        before = table_contents(con)
        stats = ingest_warc_files(con, [copy], resolver=resolver, snapshot="s1")
        assert stats.pages_unchanged == 468 and stats.pages_written == 0
        assert table_contents(con) == before


class Interrupt(Exception):
    pass


def test_interrupted_ingest_resumes_with_nothing_lost_or_doubled(
    tmp_path: Path, real_pages_warc: Path, resolver: DomainResolver
) -> None:
    with open_store(tmp_path / "clean.duckdb", create=True) as con:
        ingest_warc_files(con, [real_pages_warc], resolver=resolver, snapshot="s", batch_pages=50)
        expected = table_contents(con)

    calls = {"n": 0}

    def crash_midway(path: Path, done: int) -> None:
        calls["n"] += 1
        if calls["n"] == 230:
            raise Interrupt

    db = tmp_path / "crashed.duckdb"
    with open_store(db, create=True) as con, pytest.raises(Interrupt):
        ingest_warc_files(
            con,
            [real_pages_warc],
            resolver=resolver,
            snapshot="s",
            batch_pages=50,
            progress=crash_midway,
        )
    with open_store(db) as con:
        partial = con.execute("SELECT count(*) FROM pages").fetchone()
        assert partial is not None and 0 < partial[0] < 468
        stats = ingest_warc_files(con, [real_pages_warc], resolver=resolver, snapshot="s")
        assert stats.files_resumed == 1
        assert stats.pages_read < 468
        assert table_contents(con) == expected


def test_latest_capture_of_a_page_wins(tmp_path: Path, resolver: DomainResolver) -> None:
    old = Response(
        "https://a.com/p", '<a href="https://b.com/old">old</a>', date="2026-01-01T00:00:00Z"
    )
    new = Response(
        "https://a.com/p", '<a href="https://b.com/new">new</a>', date="2026-01-02T00:00:00Z"
    )
    with open_store(tmp_path / "a.duckdb", create=True) as con:
        ingest_warc_files(
            con, [write_warc(tmp_path / "1.warc.gz", [new])], resolver=resolver, snapshot="s"
        )
        ingest_warc_files(
            con, [write_warc(tmp_path / "2.warc.gz", [old])], resolver=resolver, snapshot="s"
        )
        anchors = con.execute("SELECT anchor FROM links").fetchall()
        assert anchors == [("new",)]
    with open_store(tmp_path / "b.duckdb", create=True) as con:
        ingest_warc_files(
            con, [write_warc(tmp_path / "3.warc.gz", [old, new])], resolver=resolver, snapshot="s"
        )
        assert con.execute("SELECT anchor FROM links").fetchall() == [("new",)]
        assert con.execute("SELECT count(*) FROM pages").fetchall() == [(1,)]


def test_redirects_and_error_pages_are_pages(tmp_path: Path, resolver: DomainResolver) -> None:
    warc = write_warc(
        tmp_path / "r.warc.gz",
        [
            Response("http://a.com/old", "", status=301, headers={"Location": "/new"}),
            Response("http://a.com/gone", '<a href="https://b.com/">b</a>', status=404),
        ],
        compress=False,
    )
    with open_store(tmp_path / "a.duckdb", create=True) as con:
        stats = ingest_warc_files(con, [warc], resolver=resolver, snapshot="s")
        rows = con.execute(
            "SELECT u.url, p.status, r.url FROM pages p JOIN urls u USING (url_id) "
            "LEFT JOIN urls r ON r.url_id = p.redirect_url_id ORDER BY u.url"
        ).fetchall()
        links = con.execute("SELECT kind FROM links").fetchall()
    assert stats.pages_written == 2
    assert rows == [("http://a.com/gone", 404, None), ("http://a.com/old", 301, "http://a.com/new")]
    assert links == [("redirect",)]


def test_default_snapshot_is_the_capture_date(resolver: DomainResolver, tmp_path: Path) -> None:
    excerpt = shared_file("warc/cc-main-2020-34-excerpt.warc.gz")
    with open_store(tmp_path / "a.duckdb", create=True) as con:
        stats = ingest_warc_files(con, [excerpt], resolver=resolver)
        assert stats.snapshot.startswith("2020-08-")
        assert con.execute("SELECT name, CAST(date AS VARCHAR) FROM snapshots").fetchall() == [
            (stats.snapshot, stats.snapshot)
        ]


def test_file_ending_on_a_full_batch(tmp_path: Path, resolver: DomainResolver) -> None:
    """The last batch of a file is empty when the page count is a multiple of the batch."""
    pages = [Response(f"https://a.com/{i}", f'<a href="https://b.com/{i}">b</a>') for i in range(4)]
    warc = write_warc(tmp_path / "even.warc.gz", pages)
    with open_store(tmp_path / "a.duckdb", create=True) as con:
        stats = ingest_warc_files(con, [warc], resolver=resolver, snapshot="s", batch_pages=2)
        assert (stats.pages_written, stats.links_written) == (4, 4)
        again = ingest_warc_files(con, [warc], resolver=resolver, snapshot="s")
        assert again.files_already_done == 1
