"""The sample web: deterministic, valid WARC/HTTP/HTML, and as realistic as the tests need."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from fastwarc.warc import ArchiveIterator, WarcRecordType
from selectolax.lexbor import LexborHTMLParser

from linkatlas.errors import InputError
from linkatlas.sources.sample_web import (
    CHANGE_KINDS,
    PlannedChange,
    SampleWebSummary,
    add_months,
    generate_sample_web,
)

UNFOLLOW = frozenset(("nofollow", "sponsored", "ugc"))


@dataclass(frozen=True)
class Anchor:
    href: str  # absolute, resolved against the page URL
    rel: str
    tag: str


@dataclass(frozen=True)
class Response:
    url: str
    record_id: str
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
                record_id=required(record.headers.get("WARC-Record-ID")),
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


@cache
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


# ---------------------------------------------------------------- time: monthly snapshots


Web = tuple[SampleWebSummary, list[Response]]
Backlink = tuple[str, str, str]  # href (fragment dropped), rel, tag


@pytest.fixture(scope="module")
def months(tmp_path_factory: pytest.TempPathFactory, default_web: Web) -> list[Web]:
    """Months 0 (the default web), 1 and 2 at the default size."""
    folder = tmp_path_factory.mktemp("months")
    webs = [default_web]
    for month in (1, 2):
        summary = generate_sample_web(folder / f"web-{month}.warc.gz", month=month)
        webs.append((summary, read_responses(summary.path)[1]))
    return webs


def featured_backlinks(web: Web) -> dict[str, list[Backlink]]:
    """By page (answering 200, of another site), its links to the featured site in page order."""
    summary, responses = web
    out: dict[str, list[Backlink]] = {}
    for response in responses:
        source = site_of(urlsplit(response.url).hostname, summary.sites)
        if response.status == 200 and source != summary.featured_site:
            out[response.url] = [
                (a.href.partition("#")[0], a.rel, a.tag)
                for a in response.anchors
                if site_of(urlsplit(a.href).hostname, summary.sites) == summary.featured_site
            ]
    return out


def followed(link: Backlink, response: Response) -> bool:
    robots = b'<meta name="robots" content="nofollow">' in response.body
    return not robots and not UNFOLLOW.intersection(link[1].lower().split())


def read_changes(before: Web, after: Web) -> Counter[PlannedChange]:
    """Backlinks to the featured site gained and lost between two months, read from the WARCs."""
    old, new = featured_backlinks(before), featured_backlinks(after)
    pages = {r.url: r for r in before[1]}
    later = {r.url: r for r in after[1]}
    found: Counter[PlannedChange] = Counter()
    for source, links in old.items():
        response = later.get(source)
        for link in links:
            if response is None:
                found[PlannedChange("not_recrawled", source, link[0])] += 1
            elif response.status >= 400:
                found[PlannedChange("page_gone", source, link[0])] += 1
            elif response.status in (301, 302):
                found[PlannedChange("page_redirected", source, link[0])] += 1
        if response is None or response.status != 200:
            continue
        for target in {link[0] for link in links} | {link[0] for link in new[source]}:
            was = [link for link in links if link[0] == target]
            now = [link for link in new[source] if link[0] == target]
            for link in was[len(now) :]:
                found[PlannedChange("link_removed", source, link[0])] += 1
            for link in now[len(was) :]:
                found[PlannedChange("gained", source, link[0])] += 1
            for a, b in zip(was, now, strict=False):
                if followed(a, pages[source]) and not followed(b, response):
                    found[PlannedChange("became_nofollow", source, target)] += 1
    for source in new.keys() - old.keys() - pages.keys():  # a page new this month
        found.update(PlannedChange("gained", source, link[0]) for link in new[source])
    return found


def test_add_months_keeps_the_time_and_clamps_the_day() -> None:
    moment = datetime(2026, 1, 31, 9, 30, tzinfo=UTC)
    assert add_months(moment, 0) == moment
    assert add_months(moment, 1) == datetime(2026, 2, 28, 9, 30, tzinfo=UTC)
    assert add_months(moment, 13) == datetime(2027, 2, 28, 9, 30, tzinfo=UTC)
    assert add_months(datetime(2025, 12, 15), 1) == datetime(2026, 1, 15)


def test_months_are_deterministic_and_differ(tmp_path: Path) -> None:
    made: dict[str, SampleWebSummary] = {}
    for name, month in (("m1", 1), ("m1-again", 1), ("m2", 2), ("m2-again", 2), ("m0", 0)):
        path = tmp_path / f"{name}.warc.gz"
        made[name] = generate_sample_web(path, seed=3, sites=12, pages_per_site=15, month=month)
    data = {name: summary.path.read_bytes() for name, summary in made.items()}
    assert data["m1"] == data["m1-again"] and data["m2"] == data["m2-again"]
    assert len({data["m0"], data["m1"], data["m2"]}) == 3
    assert made["m1"].changes == made["m1-again"].changes
    assert made["m1"].changes and made["m1"].changes != made["m2"].changes
    assert made["m0"].changes == () and (made["m0"].month, made["m2"].month) == (0, 2)
    with pytest.raises(InputError):
        generate_sample_web(tmp_path / "x.warc.gz", sites=5, pages_per_site=5, month=-1)


def test_month_dates_shift_and_record_ids_stay_unique(months: list[Web]) -> None:
    for month, (summary, responses) in enumerate(months):
        assert summary.month == month
        assert summary.captured_at == datetime(2026, 1 + month, 15, tzinfo=UTC)
        assert min(r.date for r in responses) == f"2026-0{1 + month}-15T00:00:00Z"
        assert summary.pages == len(responses) and summary.links == sum(
            len(r.anchors) for r in responses
        )
    ids = [{r.record_id for r in responses} for _, responses in months]
    assert not ids[0] & ids[1] and not ids[1] & ids[2]


@pytest.mark.parametrize("month", [1, 2])
def test_every_kind_of_change_happens_each_month(months: list[Web], month: int) -> None:
    summary = months[month][0]
    kinds = Counter(change.kind for change in summary.changes)
    assert set(kinds) == set(CHANGE_KINDS)
    assert kinds["gained"] >= 4 and kinds["not_recrawled"] >= 2
    featured = summary.featured_site
    for change in summary.changes:
        assert site_of(urlsplit(change.target_url).hostname, summary.sites) == featured
        assert site_of(urlsplit(change.source_url).hostname, summary.sites) != featured


@pytest.mark.parametrize("month", [1, 2])
def test_planned_changes_are_in_the_files(months: list[Web], month: int) -> None:
    (_, before), (summary, after) = months[month - 1], months[month]
    old, new = {r.url: r for r in before}, {r.url: r for r in after}

    def targets(response: Response) -> list[str]:
        return [a.href.partition("#")[0] for a in response.anchors]

    for change in summary.changes:
        source, target = change.source_url, change.target_url
        was, now = old.get(source), new.get(source)
        if change.kind == "gained":
            assert now is not None and target in targets(now)
            assert was is None or target not in targets(was)
            continue
        assert was is not None and was.status == 200 and target in targets(was)
        if change.kind == "not_recrawled":
            assert now is None
            continue
        assert now is not None
        if change.kind == "link_removed":
            assert now.status == 200 and target not in targets(now)
        elif change.kind == "page_gone":
            assert now.status in (404, 410, 500)
        elif change.kind == "page_redirected":
            assert now.status == 301 and now.location and now.location != source
        else:  # became_nofollow: the same hrefs in the same order, one of them now with a rel
            assert [a.href for a in now.anchors] == [a.href for a in was.anchors]
            rels = [a.rel for a in now.anchors if a.href.partition("#")[0] == target]
            assert any(UNFOLLOW.intersection(rel.lower().split()) for rel in rels)


@pytest.mark.parametrize("month", [1, 2])
def test_a_reader_finds_exactly_the_planned_changes(months: list[Web], month: int) -> None:
    before, after = months[month - 1], months[month]
    assert read_changes(before, after) == Counter(after[0].changes)
    sources = {change.source_url for change in after[0].changes}
    old, new = featured_backlinks(before), featured_backlinks(after)
    for source in old.keys() & new.keys() - sources:  # unchanged: same href, rel, kind, order
        assert old[source] == new[source]


def test_popularity_drifts(months: list[Web]) -> None:
    def referring(web: Web) -> Counter[str]:
        summary, responses = web
        pairs = set()
        for response in responses:
            source = site_of(urlsplit(response.url).hostname, summary.sites)
            for anchor in response.anchors:
                target = site_of(urlsplit(anchor.href).hostname, summary.sites)
                if source and target and target != source:
                    pairs.add((source, target))
        return Counter(target for _, target in pairs)

    first, last = referring(months[0]), referring(months[2])
    moves = sorted(last[site] - first[site] for site in months[0][0].sites)
    assert moves[-1] >= 6 and moves[-2] >= 4  # two sites rise
    assert moves[0] <= -3  # one falls
    assert last.most_common(1)[0][0] == months[0][0].featured_site
