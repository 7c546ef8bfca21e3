"""Reports on the real pages agree with counts made independently, here, in plain Python."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import duckdb
import pytest

from linkatlas.analyze.backlinks import backlinks, profile, refdomains
from linkatlas.errors import BadTargetError, StoreError, UnknownTargetError
from linkatlas.extract.domains import DomainResolver
from linkatlas.extract.html import extract_page
from linkatlas.extract.urls import host_of, normalize_url
from linkatlas.records import BACKLINK_KINDS, Link
from linkatlas.sources.warc import iter_warc_pages

Occurrence = tuple[str, str, Link]  # (source url, source domain, link)


@pytest.fixture(scope="module")
def occurrences(real_pages_warc: Path, resolver: DomainResolver) -> list[Occurrence]:
    """Every link of every 2xx page, extracted straight from the WARC, without the store."""
    found: list[Occurrence] = []
    for page in iter_warc_pages(real_pages_warc):
        url = normalize_url(page.url)
        assert url is not None
        if not 200 <= page.status < 300:
            continue
        source_domain = resolver.registrable_domain(host_of(url))
        extracted = extract_page(page.body, url, headers=page.headers, resolver=resolver)
        found.extend((url, source_domain, link) for link in extracted.links)
    return found


def expected_backlinks(occurrences: list[Occurrence], domain: str) -> list[Occurrence]:
    return [
        (src, sd, lk)
        for src, sd, lk in occurrences
        if lk.domain == domain and sd != domain and lk.kind in BACKLINK_KINDS
    ]


def popular_targets(occurrences: list[Occurrence], n: int) -> list[str]:
    counts = Counter(lk.domain for _, sd, lk in occurrences if lk.domain != sd)
    return [domain for domain, _ in counts.most_common(n)]


def test_profile_counts_match_independent_count(
    real_pages_con: duckdb.DuckDBPyConnection,
    occurrences: list[Occurrence],
    resolver: DomainResolver,
) -> None:
    targets = popular_targets(occurrences, 8)
    assert len(targets) == 8
    for domain in targets:
        rows = expected_backlinks(occurrences, domain)
        report = profile(real_pages_con, domain, resolver=resolver)
        assert report.backlinks == len(rows), domain
        assert report.referring_domains == len({sd for _, sd, _ in rows}), domain
        assert report.referring_pages == len({src for src, _, _ in rows}), domain
        assert report.followed_backlinks == sum(lk.followed for *_, lk in rows), domain
        assert report.nofollow == sum(lk.nofollow for *_, lk in rows), domain
        assert report.sponsored == sum(lk.sponsored for *_, lk in rows), domain
        assert report.ugc == sum(lk.ugc for *_, lk in rows), domain
        anchors = Counter(lk.anchor for *_, lk in rows)
        for top in report.top_anchors:
            assert top.backlinks == anchors[top.anchor]


def test_backlinks_and_refdomains_list_every_row(
    real_pages_con: duckdb.DuckDBPyConnection,
    occurrences: list[Occurrence],
    resolver: DomainResolver,
) -> None:
    domain = popular_targets(occurrences, 3)[2]
    rows = expected_backlinks(occurrences, domain)
    report = backlinks(real_pages_con, domain, resolver=resolver, limit=0)
    assert report.total == len(report.items) == len(rows)
    assert Counter((b.source_url, b.target_url, b.anchor) for b in report.items) == Counter(
        (src, lk.url, lk.anchor) for src, _, lk in rows
    )
    limited = backlinks(real_pages_con, domain, resolver=resolver, limit=5)
    assert limited.total == len(rows) and len(limited.items) == 5

    per_domain = Counter(sd for _, sd, _ in rows)
    followed = Counter(sd for _, sd, lk in rows if lk.followed)
    ref = refdomains(real_pages_con, domain, resolver=resolver, limit=0)
    assert ref.total == len(per_domain)
    assert {d.domain: d.backlinks for d in ref.items} == dict(per_domain)
    assert {d.domain: d.followed_backlinks for d in ref.items} == {
        d: followed[d] for d in per_domain
    }
    assert [d.backlinks for d in ref.items] == sorted(
        (d.backlinks for d in ref.items), reverse=True
    )


def test_host_exact_and_prefix_modes(
    real_pages_con: duckdb.DuckDBPyConnection,
    occurrences: list[Occurrence],
    resolver: DomainResolver,
) -> None:
    domain = popular_targets(occurrences, 1)[0]
    rows = expected_backlinks(occurrences, domain)
    host = Counter(lk.host for *_, lk in rows).most_common(1)[0][0]
    url = Counter(lk.url for *_, lk in rows).most_common(1)[0][0]
    by_host = profile(real_pages_con, host, resolver=resolver, mode="host")
    assert by_host.backlinks == sum(lk.host == host for *_, lk in rows)
    exact = profile(real_pages_con, url, resolver=resolver, mode="exact")
    assert exact.backlinks == sum(lk.url == url for *_, lk in rows)
    prefix = url.rsplit("/", 1)[0] + "/"
    by_prefix = profile(real_pages_con, prefix, resolver=resolver, mode="prefix")
    assert by_prefix.backlinks == sum(lk.url.startswith(prefix) for *_, lk in rows)
    schemeless = profile(real_pages_con, host, resolver=resolver, mode="prefix")
    assert schemeless.backlinks == sum(
        lk.url.split("://", 1)[1].startswith(host) for *_, lk in rows
    )


def test_internal_links_are_never_backlinks(
    real_pages_con: duckdb.DuckDBPyConnection,
    occurrences: list[Occurrence],
    resolver: DomainResolver,
) -> None:
    own = Counter(sd for _, sd, lk in occurrences if lk.internal).most_common(1)[0][0]
    report = backlinks(real_pages_con, own, resolver=resolver, limit=0)
    assert all(b.source_domain != own for b in report.items)


def test_bad_and_unknown_targets(
    real_pages_con: duckdb.DuckDBPyConnection, resolver: DomainResolver
) -> None:
    with pytest.raises(UnknownTargetError):
        profile(real_pages_con, "no-such-site.example", resolver=resolver)
    with pytest.raises(BadTargetError):
        profile(real_pages_con, "ftp://x.com/", resolver=resolver)
    with pytest.raises(BadTargetError):
        profile(real_pages_con, "x.com", resolver=resolver, mode="fuzzy")
    with pytest.raises(StoreError):
        profile(real_pages_con, "x.com", resolver=resolver, snapshot="no-such-snapshot")
