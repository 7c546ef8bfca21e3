"""The WARC source on real files: record counts, HTML selection, metadata, bad input."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from linkatlas.errors import NotAWarcError, SourceNotFoundError
from linkatlas.sources.warc import WarcStats, is_html, iter_warc_pages
from tests.conftest import shared_file


def test_common_crawl_excerpt_walks_all_records_and_yields_html_responses() -> None:
    stats = WarcStats()
    pages = list(iter_warc_pages(shared_file("warc/cc-main-2020-34-excerpt.warc.gz"), stats=stats))
    assert stats.records == 50
    assert stats.responses == 16
    assert len(pages) == 16
    assert stats.skipped == {"metadata": 16, "request": 17, "warcinfo": 1}
    assert len({p.url for p in pages}) == 16
    assert all(p.ip for p in pages)
    assert all(p.captured_at.year == 2020 and p.captured_at.tzinfo is not None for p in pages)
    assert all(p.status == 200 for p in pages)


def test_real_pages_yield_every_response(real_pages_warc: Path) -> None:
    stats = WarcStats()
    pages = list(iter_warc_pages(real_pages_warc, stats=stats))
    assert len(pages) == stats.records == 468
    assert all(p.body for p in pages)


def test_chunked_transfer_is_decoded() -> None:
    pages = list(iter_warc_pages(shared_file("warc/example-iana.org-chunked.warc")))
    assert len(pages) == 1
    assert pages[0].body.lstrip().lower().startswith(b"<!doctype html")


def test_bodies_are_cut_at_the_cap() -> None:
    stats = WarcStats()
    pages = list(iter_warc_pages(shared_file("warc/cc.warc.gz"), stats=stats, max_bytes=1000))
    assert len(pages[0].body) == 1000
    assert stats.truncated == 1


def test_resume_skips_records() -> None:
    path = shared_file("warc/cc-main-2020-34-excerpt.warc.gz")
    all_urls = [p.url for p in iter_warc_pages(path)]
    later = [p.url for p in iter_warc_pages(path, skip_records=25)]
    assert later == all_urls[-len(later) :]
    assert 0 < len(later) < len(all_urls)


def test_missing_file_and_non_warc_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(SourceNotFoundError):
        list(iter_warc_pages(tmp_path / "nope.warc.gz"))
    text = tmp_path / "notes.txt"
    text.write_text("hello, not a WARC\n")
    with pytest.raises(NotAWarcError):
        list(iter_warc_pages(text))
    empty_gz = tmp_path / "empty.warc.gz"
    empty_gz.write_bytes(gzip.compress(b""))
    with pytest.raises(NotAWarcError):
        list(iter_warc_pages(empty_gz))


def test_html_by_type_or_sniffing() -> None:
    assert is_html("text/html; charset=utf-8", b"")
    assert is_html("application/xhtml+xml", b"")
    assert not is_html("image/png", b"<html>")
    assert is_html(None, b"  <!DOCTYPE html><html>")
    assert is_html("application/octet-stream", b"<html><body>")
    assert not is_html("text/plain", b"just text")
