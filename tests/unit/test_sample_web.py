"""The sample web: deterministic, valid WARC/HTTP/HTML, and as realistic as the tests need."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from fastwarc.warc import ArchiveIterator, WarcRecordType
from selectolax.lexbor import LexborHTMLParser

from linkatlas.errors import InputError
from linkatlas.sources.sample_web import SampleWebSummary, generate_sample_web


@dataclass(frozen=True)
class Anchor:
    href: str  # absolute, resolved against the page URL
    rel: str
    tag: str


@dataclass(frozen=True)
class Response:
    url: str
    status: int
    location: str | None
    ip: str
    date: str
    content_length: int
    body: bytes
    anchors: tuple[Anchor, ...]


def required(value: str | int | None) -> str:
    """A header every record must have."""
    assert value is not None
    return str(value)


def read_responses(path: Path) -> tuple[list[str], list[Response]]:
    """Record types in file order, and every response parsed with FastWARC and Lexbor."""
    types: list[str] = []
    responses: list[Response] = []
    for record in ArchiveIterator(str(path), parse_http=True):
        types.append(required(record.headers.get("WARC-Type")))
        if record.record_type != WarcRecordType.response:
            continue
        url = required(record.headers.get("WARC-Target-URI"))
        body = record.reader.read()
        anchors = tuple(
            Anchor(urljoin(url, required(n.attributes["href"])), n.attributes.get("rel") or "",
                   required(n.tag))
            for n in LexborHTMLParser(body.decode("utf-8")).css("a[href], area[href]")
        )  # fmt: skip
        http = record.http_headers
        responses.append(
            Response(
                url=url,
                status=int(required(http.status_code)),
                location=http.get("Location"),
                ip=required(record.headers.get("WARC-IP-Address")),
                date=required(record.headers.get("WARC-Date")),
                content_length=int(required(http.get("Content-Length"))),
                body=body,
                anchors=anchors,
            )
        )
    return types, responses


def site_of(host: str | None, sites: tuple[str, ...]) -> str | None:
    """The generated site a host belongs to (its domain, or a subdomain of it)."""
    if not host:
        return None
    return next((s for s in sites if host == s or host.endswith("." + s)), None)


@pytest.fixture(scope="module")
def default_web(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[SampleWebSummary, list[Response]]:
    path = tmp_path_factory.mktemp("sample") / "web.warc.gz"
    summary = generate_sample_web(path)
    types, responses = read_responses(path)
    assert types[0] == "warcinfo" and types.count("warcinfo") == 1
    return summary, responses


def test_same_seed_gives_identical_bytes_and_another_seed_another_file(tmp_path: Path) -> None:
    paths = [tmp_path / name for name in ("a.warc.gz", "b.warc.gz", "c.warc.gz")]
    first = generate_sample_web(paths[0], seed=3, sites=12, pages_per_site=8)
    second = generate_sample_web(paths[1], seed=3, sites=12, pages_per_site=8)
    other = generate_sample_web(paths[2], seed=4, sites=12, pages_per_site=8)
    assert paths[0].read_bytes() == paths[1].read_bytes()
    assert paths[0].read_bytes() != paths[2].read_bytes()
    assert (first.sites, first.links) == (second.sites, second.links)
    assert first.sites != other.sites


def test_every_record_parses_and_the_counts_are_exact(
    default_web: tuple[SampleWebSummary, list[Response]],
) -> None:
    summary, responses = default_web
    assert summary.pages == len(responses) == 40 * 50
    assert len(set(summary.sites)) == len(summary.sites) == 40
    assert sum(len(r.anchors) for r in responses) == summary.links
    assert len({r.url for r in responses}) == len(responses)
    for response in responses:
        assert response.content_length == len(response.body)
        assert response.body.lstrip().lower().startswith(b"<!doctype html")
        assert response.ip.count(".") == 3
        assert response.date.startswith("2026-01-1") and response.date.endswith("Z")
    hosts = {urlsplit(r.url).hostname or "" for r in responses}
    assert any(h.startswith("blog.") for h in hosts) and any(h.startswith("www.") for h in hosts)
    assert {urlsplit(r.url).scheme for r in responses} == {"http", "https"}


def test_suffixes_include_country_codes_and_private_sections(
    default_web: tuple[SampleWebSummary, list[Response]],
) -> None:
    summary, _ = default_web
    endings = {domain.split(".", 1)[1] for domain in summary.sites}
    assert {"com", "github.io", "blogspot.com"} <= endings
    assert len(endings - {"com", "github.io", "blogspot.com"}) >= 4


def test_redirects_have_a_location_and_some_pages_are_missing(
    default_web: tuple[SampleWebSummary, list[Response]],
) -> None:
    _, responses = default_web
    statuses = Counter(r.status for r in responses)
    assert statuses[301] >= 2 and statuses[302] >= 1 and statuses[404] >= 2
    redirects = [r for r in responses if r.status in (301, 302)]
    assert all(r.location for r in redirects)
    assert any(r.location and r.location.startswith("/") for r in redirects)
    assert any(r.location and "://" in r.location for r in redirects)
    assert all(r.location is None for r in responses if r.status not in (301, 302))


def test_rel_values_cover_ugc_nofollow_sponsored_and_mixed_case(
    default_web: tuple[SampleWebSummary, list[Response]],
) -> None:
    _, responses = default_web
    rels = Counter(a.rel for r in responses for a in r.anchors if a.rel)
    tokens = {token for rel in rels for token in rel.lower().split()}
    assert {"ugc", "nofollow", "sponsored", "noopener", "noreferrer"} <= tokens
    assert "NoFollow" in rels
    hrefs = [a.href for r in responses for a in r.anchors]
    for scheme in ("javascript:", "mailto:", "tel:"):
        assert any(href.startswith(scheme) for href in hrefs)
    assert any(a.tag == "area" for r in responses for a in r.anchors)


def test_page_level_robots_and_canonical(
    default_web: tuple[SampleWebSummary, list[Response]],
) -> None:
    _, responses = default_web
    robots = [r for r in responses if b'<meta name="robots" content="nofollow">' in r.body]
    canonical = [r for r in responses if b'<link rel="canonical"' in r.body]
    assert len(robots) == 1 and len(canonical) == 1


def test_featured_site_has_many_referring_domains_by_a_power_law(
    default_web: tuple[SampleWebSummary, list[Response]],
) -> None:
    summary, responses = default_web
    referring: dict[str, set[str]] = defaultdict(set)
    for response in responses:
        source = site_of(urlsplit(response.url).hostname, summary.sites)
        for anchor in response.anchors:
            target = site_of(urlsplit(anchor.href).hostname, summary.sites)
            if source and target and target != source:
                referring[target].add(source)
    counts = sorted((len(v) for v in referring.values()), reverse=True)
    assert len(referring[summary.featured_site]) >= 15
    assert len(referring[summary.featured_site]) == counts[0]
    assert counts[len(counts) // 2] < counts[0] / 2  # most sites get far fewer


def test_link_farm_links_to_itself_and_shares_a_slash_24(
    default_web: tuple[SampleWebSummary, list[Response]],
) -> None:
    summary, responses = default_web
    farm = set(summary.link_farm)
    assert 5 <= len(farm) <= 8 and farm <= set(summary.sites)
    assert summary.featured_site not in farm
    links_to: dict[str, set[str]] = defaultdict(set)
    prefixes: dict[str, set[str]] = defaultdict(set)
    for response in responses:
        source = site_of(urlsplit(response.url).hostname, summary.sites)
        if source in farm:
            prefixes[response.ip.rsplit(".", 1)[0]].add(source)
            for anchor in response.anchors:
                links_to[source].add(site_of(urlsplit(anchor.href).hostname, summary.sites) or "")
    for domain in farm:
        assert farm - {domain} <= links_to[domain]
    assert max(len(domains) for domains in prefixes.values()) >= 3


def test_dates_derive_from_captured_at(tmp_path: Path) -> None:
    captured = datetime(2025, 6, 1, 12, tzinfo=UTC)
    generate_sample_web(tmp_path / "w.warc.gz", sites=6, pages_per_site=3, captured_at=captured)
    _, responses = read_responses(tmp_path / "w.warc.gz")
    dates = [datetime.strptime(r.date, "%Y-%m-%dT%H:%M:%S%z") for r in responses]
    assert min(dates) == captured and max(dates) < captured + timedelta(days=1)


def test_scaling_arguments(tmp_path: Path) -> None:
    summary = generate_sample_web(tmp_path / "big.warc.gz", sites=100, pages_per_site=10)
    _, responses = read_responses(tmp_path / "big.warc.gz")
    assert summary.pages == len(responses) == 1000
    assert len(set(summary.sites)) == 100
    assert sum(len(r.anchors) for r in responses) == summary.links
    tiny = generate_sample_web(tmp_path / "tiny.warc.gz", sites=1, pages_per_site=1)
    assert (tiny.pages, tiny.link_farm) == (1, ())


@pytest.mark.parametrize(("sites", "pages"), [(0, 5), (5, 0)])
def test_bad_arguments_are_refused(tmp_path: Path, sites: int, pages: int) -> None:
    with pytest.raises(InputError):
        generate_sample_web(tmp_path / "x.warc.gz", sites=sites, pages_per_site=pages)
