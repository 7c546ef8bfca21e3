"""History and changes on two hand-built monthly snapshots where every answer is known."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from linkatlas.analyze.history import changes, history
from linkatlas.errors import StoreError
from linkatlas.extract.domains import DomainResolver
from linkatlas.store.connection import open_store
from linkatlas.store.ingest import ingest_warc_files
from tests.warcs import Response, write_warc

T = "https://target.com/"
JAN = "2026-01-10T00:00:00Z"
FEB = "2026-02-10T00:00:00Z"

MONTH_1 = [
    Response("https://a.org/1", f'<a href="{T}">kept</a><a href="{T}x">removed</a>', date=JAN),
    Response("https://b.org/1", f'<a href="{T}">gone</a>', date=JAN),
    Response("https://c.org/1", f'<a href="{T}">moved</a>', date=JAN),
    Response("https://d.org/1", f'<a href="{T}">nf</a>', date=JAN),
    Response("https://e.org/1", f'<a href="{T}">unseen</a>', date=JAN),
    Response("https://g.org/1", f'<a href="{T}" rel="nofollow">was nofollow</a>', date=JAN),
]
MONTH_2 = [
    Response("https://a.org/1", f'<a href="{T}">kept</a><a href="{T}new">fresh</a>', date=FEB),
    Response("https://b.org/1", "Not found", status=404, date=FEB),
    Response("https://c.org/1", "", status=301, headers={"Location": "/2"}, date=FEB),
    Response("https://d.org/1", f'<a href="{T}" rel="ugc">nf</a>', date=FEB),
    Response("https://f.org/1", f'<a href="{T}">newdomain</a>', date=FEB),
    Response("https://g.org/1", f'<a href="{T}" rel="sponsored">was nofollow</a>', date=FEB),
]


@pytest.fixture()
def con(tmp_path: Path, resolver: DomainResolver) -> duckdb.DuckDBPyConnection:
    db = open_store(tmp_path / "h.duckdb", create=True)
    for name, month in (("2026-01", MONTH_1), ("2026-02", MONTH_2)):
        warc = write_warc(tmp_path / f"{name}.warc.gz", month)
        ingest_warc_files(db, [warc], resolver=resolver, snapshot=name)
    return db


def test_each_lost_reason_new_links_and_not_observed(
    con: duckdb.DuckDBPyConnection, resolver: DomainResolver
) -> None:
    report = changes(con, "target.com", resolver=resolver)
    assert (report.from_snapshot, report.to_snapshot) == ("2026-01", "2026-02")
    assert {(c.source_url, c.anchor) for c in report.new} == {
        ("https://a.org/1", "fresh"),
        ("https://f.org/1", "newdomain"),
    }
    assert {(c.source_url, c.reason) for c in report.lost} == {
        ("https://a.org/1", "link_removed"),
        ("https://b.org/1", "page_gone"),
        ("https://c.org/1", "page_redirected"),
        ("https://d.org/1", "became_nofollow"),
    }
    assert [c.source_url for c in report.not_observed] == ["https://e.org/1"]
    assert report.lost_by_reason == {
        "became_nofollow": 1,
        "link_removed": 1,
        "page_gone": 1,
        "page_redirected": 1,
    }
    assert (report.new_total, report.lost_total, report.not_observed_total) == (2, 4, 1)


def test_changes_backwards_and_by_name(
    con: duckdb.DuckDBPyConnection, resolver: DomainResolver
) -> None:
    back = changes(con, "target.com", resolver=resolver, before="2026-02", after="2026-01")
    assert {c.source_url for c in back.new} == {
        "https://a.org/1",
        "https://b.org/1",
        "https://c.org/1",
        "https://e.org/1",
    }
    assert {c.source_url for c in back.not_observed} == {"https://f.org/1"}
    limited = changes(con, "target.com", resolver=resolver, limit=1)
    assert len(limited.lost) == 1 and limited.lost_total == 4
    with pytest.raises(StoreError):
        changes(con, "target.com", resolver=resolver, before="2026-01", after="2026-01")
    with pytest.raises(StoreError):
        changes(con, "target.com", resolver=resolver, before="2025-12")


def test_history_series(con: duckdb.DuckDBPyConnection, resolver: DomainResolver) -> None:
    report = history(con, "target.com", resolver=resolver)
    first, second = report.items
    assert (first.snapshot, first.backlinks, first.referring_domains) == ("2026-01", 7, 6)
    assert first.followed_share == round(6 / 7, 4)
    assert (first.new_referring_domains, first.lost_referring_domains) == (6, 0)
    # February: a.org (2), d.org (ugc), f.org, g.org (sponsored); b.org and c.org are lost,
    # e.org was not captured again, so it is not counted as lost.
    assert (second.snapshot, second.backlinks, second.referring_domains) == ("2026-02", 5, 4)
    assert second.followed_share == round(3 / 5, 4)
    assert (second.new_referring_domains, second.lost_referring_domains) == (1, 2)
    assert first.dr is None


def test_first_and_last_seen_span_snapshots(
    con: duckdb.DuckDBPyConnection, resolver: DomainResolver
) -> None:
    from linkatlas.analyze.backlinks import backlinks

    report = backlinks(con, "target.com", resolver=resolver, limit=0)
    kept = next(b for b in report.items if b.anchor == "kept")
    assert kept.first_seen.month == 1 and kept.last_seen.month == 2
    fresh = next(b for b in report.items if b.anchor == "fresh")
    assert fresh.first_seen.month == 2
