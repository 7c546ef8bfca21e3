"""Anchors, intersect, broken, pages, outlinks and disavow entries on stores where the answer is
known: a small hand-built one, and the real pages checked against counts made here."""

from __future__ import annotations

import shutil
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest

from linkatlas.analyze import authority
from linkatlas.analyze.anchors import anchor_rules, anchors, brand_from_domain, categorize_anchor
from linkatlas.analyze.disavow import LISTED, disavow
from linkatlas.analyze.opportunities import (
    broken,
    follow_redirects,
    intersect,
    outlinks,
    pages,
)
from linkatlas.analyze.reports import ANCHOR_CATEGORIES
from linkatlas.errors import BadTargetError, InputError, UnknownTargetError
from linkatlas.extract.domains import DomainResolver
from linkatlas.extract.html import extract_page
from linkatlas.extract.urls import host_of, normalize_url
from linkatlas.records import BACKLINK_KINDS, Link
from linkatlas.sources.warc import iter_warc_pages
from linkatlas.store.connection import open_store
from linkatlas.store.ingest import ingest_warc_files
from tests.warcs import Response, write_warc

T = "https://quietnomaddaily.com"
TARGET = "quietnomaddaily.com"


def a(href: str, text: str = "", rel: str = "") -> str:
    rel_attr = f' rel="{rel}"' if rel else ""
    return f'<a href="{href}"{rel_attr}>{text}</a>'


def redirect(url: str, location: str, status: int = 301) -> Response:
    return Response(url, "", status=status, headers={"Location": location})


HAND_BUILT = [
    # referring domains of the target, one anchor category or broken-link kind each
    Response(
        "https://r1.org/a",
        a(f"{T}/", "Quiet Nomad Daily")
        + a(f"{T}/gear", "travel backpacks")
        + a("https://comp1.com/x", "c1")
        + a("https://comp2.com/y", "c2", "sponsored"),
    ),
    Response(
        "https://r2.org/a",
        a(f"{T}/gear", "Travel-Backpacks")
        + a(f"{T}/gear", "best travel backpacks for 2026")
        + a("https://comp1.com/x", "c1"),
    ),
    Response(
        "https://www.r3.net/a",
        a(f"{T}/gear", "travel backpacks", "nofollow") + a(f"{T}/", "quietnomaddaily.com"),
    ),
    Response(
        "https://r4.de/a", a(f"{T}/", "hier klicken") + f'<a href="{T}/err"><img alt="logo"></a>'
    ),
    Response("https://r5.io/a", a(f"{T}/old") + a(f"{T}/moved", "A trip to Lisbon")),
    Response(
        "https://r6.fr/a",
        a(f"{T}/chain", "en savoir plus")
        + a(f"{T}/fine", "fine")
        + a(f"{T}/loop1", "loop")
        + a(f"{T}/unknown", "unknown"),
    ),
    # the target's own pages: 404, 500, redirects (to a 404, a chain to a 410, to a 200, a loop)
    Response(f"{T}/gear", a("/old", "internal link, not a backlink")),
    Response(f"{T}/old", "gone", status=404),
    Response(f"{T}/err", "error", status=500),
    redirect(f"{T}/moved", f"{T}/old"),
    redirect(f"{T}/chain", f"{T}/hop"),
    redirect(f"{T}/hop", f"{T}/gone", 302),
    Response(f"{T}/gone", "gone for good", status=410),
    redirect(f"{T}/fine", f"{T}/gear"),
    redirect(f"{T}/loop1", f"{T}/loop2"),
    redirect(f"{T}/loop2", f"{T}/loop1"),
    # domains linking to competitors only
    Response(
        "https://i1.org/a",
        a("https://comp1.com/x") + a("https://comp2.com/y") + a("https://comp3.com/"),
    ),
    Response("https://i1.org/b", a("https://comp1.com/z")),
    Response("https://i2.com/a", a("https://comp2.com/y") + a("https://comp4.com/")),
    Response("https://i3.net/a", a("https://comp3.com/")),
    Response(
        "https://i4.org/a", a("https://comp1.com/x", "", "nofollow") + a("https://comp2.com/y")
    ),
    Response("https://comp1.com/", a("https://comp2.com/") + a("https://comp3.com/")),
]


@pytest.fixture(scope="module")
def hand_db(tmp_path_factory: pytest.TempPathFactory, resolver: DomainResolver) -> Path:
    folder = tmp_path_factory.mktemp("opportunities")
    warc = write_warc(folder / "hand.warc.gz", HAND_BUILT)
    db = folder / "atlas.duckdb"
    with open_store(db, create=True) as con:
        ingest_warc_files(con, [warc], resolver=resolver, snapshot="s1")
    return db


@pytest.fixture()
def con(hand_db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with open_store(hand_db) as connection:
        yield connection


# -- anchors -------------------------------------------------------------------------------


def test_each_anchor_category(con: duckdb.DuckDBPyConnection, resolver: DomainResolver) -> None:
    report = anchors(con, TARGET, resolver=resolver, keywords=["travel backpacks"], limit=0)
    assert report.brands == ["quietnomaddaily"] and report.keywords == ["travel backpacks"]
    assert (report.backlinks, report.referring_domains) == (14, 6)
    counts = {c.category: (c.backlinks, c.referring_domains) for c in report.categories}
    assert counts == {
        "branded": (1, 1), "exact": (3, 3), "partial": (1, 1), "naked_url": (1, 1),
        "generic": (2, 2), "image": (1, 1), "empty": (1, 1), "other": (4, 2),
    }  # fmt: skip
    assert [c.category for c in report.categories] == list(ANCHOR_CATEGORIES)
    assert {c.category: c.share for c in report.categories}["exact"] == 0.5
    items = {(i.anchor, i.category): (i.backlinks, i.referring_domains) for i in report.items}
    assert items[("travel backpacks", "exact")] == (2, 2)
    assert items[("Travel-Backpacks", "exact")] == (1, 1)
    assert items[("logo", "image")] == (1, 1)
    assert items[("", "empty")] == (1, 1)
    assert items[("quietnomaddaily.com", "naked_url")] == (1, 1)
    assert report.total == len(report.items) == 13
    assert report.items[0].anchor == "travel backpacks"  # most referring domains first
    limited = anchors(con, TARGET, resolver=resolver, keywords=["travel backpacks"], limit=3)
    assert limited.total == 13 and len(limited.items) == 3


def test_over_optimisation_flag_and_its_evidence(
    con: duckdb.DuckDBPyConnection, resolver: DomainResolver
) -> None:
    report = anchors(con, TARGET, resolver=resolver, keywords=["travel backpacks"])
    assert report.over_optimized and report.exact_share == 0.5
    assert report.exact_share_threshold == 0.10
    assert {(x.anchor, x.backlinks) for x in report.exact_match_anchors} == {
        ("travel backpacks", 2),
        ("Travel-Backpacks", 1),
    }
    assert [(d.domain, d.backlinks, d.anchors, d.dr) for d in report.exact_match_domains] == [
        ("r1.org", 1, ["travel backpacks"], None),
        ("r2.org", 1, ["Travel-Backpacks"], None),
        ("r3.net", 1, ["travel backpacks"], None),
    ]
    # below the threshold, no keyword, or too few domains behind the share: no flag
    relaxed = anchors(con, TARGET, resolver=resolver, keywords=["travel backpacks"], threshold=0.5)
    assert not relaxed.over_optimized
    assert not anchors(con, TARGET, resolver=resolver).over_optimized
    one_domain = anchors(con, TARGET, resolver=resolver, keywords=["A trip to Lisbon"])
    assert one_domain.exact_share == round(1 / 6, 4) and not one_domain.over_optimized
    with pytest.raises(InputError):
        anchors(con, TARGET, resolver=resolver, threshold=2.0)


def test_given_brands_replace_the_domain_name(
    con: duckdb.DuckDBPyConnection, resolver: DomainResolver
) -> None:
    report = anchors(con, TARGET, resolver=resolver, brands=["Lisbon"])
    assert report.brands == ["Lisbon"]
    counts = {c.category: c.backlinks for c in report.categories}
    assert counts["branded"] == 1  # "A trip to Lisbon"; "Quiet Nomad Daily" is other now
    items = {i.anchor: i.category for i in report.items}
    assert items["Quiet Nomad Daily"] == "other" and items["A trip to Lisbon"] == "branded"


# -- intersect -----------------------------------------------------------------------------

COMPETITORS = ["comp1.com", "comp2.com", "comp3.com", "comp4.com"]


def test_intersect_with_min(con: duckdb.DuckDBPyConnection, resolver: DomainResolver) -> None:
    report = intersect(con, COMPETITORS, resolver=resolver, target=TARGET, min_competitors=2)
    assert (report.target, report.competitors, report.min_competitors) == (TARGET, COMPETITORS, 2)
    assert report.total == 3
    assert [(d.domain, len(d.links_to), d.backlinks, d.dr) for d in report.items] == [
        ("i1.org", 3, 4, None),
        ("i2.com", 2, 2, None),
        ("i4.org", 2, 2, None),
    ]
    first = {c.competitor: c for c in report.items[0].links_to}
    assert set(first) == {"comp1.com", "comp2.com", "comp3.com"}
    assert (first["comp1.com"].backlinks, first["comp1.com"].linked_pages) == (2, 2)
    assert first["comp1.com"].pages == ["https://comp1.com/x", "https://comp1.com/z"]
    assert first["comp3.com"].pages == ["https://comp3.com/"]

    three = intersect(con, COMPETITORS, resolver=resolver, target=TARGET, min_competitors=3)
    assert [d.domain for d in three.items] == ["i1.org"] and three.total == 1
    anyone = intersect(con, COMPETITORS, resolver=resolver, target=TARGET, limit=2)
    assert anyone.total == 4 and len(anyone.items) == 2  # i3.net links to one competitor


def test_intersect_leaves_out_the_sites_compared(
    con: duckdb.DuckDBPyConnection, resolver: DomainResolver
) -> None:
    # without --not, r1.org (comp1 and comp2, and the target) is an opportunity too;
    # comp1.com links to comp2 and comp3 but is a competitor, never listed
    report = intersect(con, COMPETITORS, resolver=resolver, min_competitors=2)
    assert report.target is None
    assert [d.domain for d in report.items] == ["i1.org", "i2.com", "i4.org", "r1.org"]


def test_intersect_input_errors(con: duckdb.DuckDBPyConnection, resolver: DomainResolver) -> None:
    with pytest.raises(InputError, match="--min 5"):
        intersect(con, COMPETITORS, resolver=resolver, min_competitors=5)
    with pytest.raises(InputError, match="both"):
        intersect(con, COMPETITORS, resolver=resolver, target="comp1.com")
    with pytest.raises(UnknownTargetError):
        intersect(con, ["comp1.com", "nowhere.example"], resolver=resolver)
    with pytest.raises(BadTargetError):
        intersect(con, ["ftp://comp1.com/"], resolver=resolver)


# -- broken --------------------------------------------------------------------------------


def test_broken_targets_of_each_kind(
    con: duckdb.DuckDBPyConnection, resolver: DomainResolver
) -> None:
    report = broken(con, TARGET, resolver=resolver)
    assert (report.total, report.referring_domains, report.broken_pages) == (4, 3, 4)
    found = {
        (b.target_url, b.status, b.final_url, b.redirects, b.source_domain, b.anchor)
        for b in report.items
    }
    assert found == {
        (f"{T}/old", 404, f"{T}/old", 0, "r5.io", ""),
        (f"{T}/err", 500, f"{T}/err", 0, "r4.de", "logo"),
        (f"{T}/moved", 404, f"{T}/old", 1, "r5.io", "A trip to Lisbon"),
        (f"{T}/chain", 410, f"{T}/gone", 2, "r6.fr", "en savoir plus"),
    }
    # a redirect to a 200, a redirect loop and a URL never captured are not broken
    assert not {f"{T}/fine", f"{T}/loop1", f"{T}/unknown", f"{T}/gear"} & {
        b.target_url for b in report.items
    }
    assert [b.target_url for b in report.items] == sorted(b.target_url for b in report.items)
    limited = broken(con, TARGET, resolver=resolver, limit=1)
    assert limited.total == 4 and len(limited.items) == 1


def test_follow_redirects_is_bounded() -> None:
    chain = {i: (301, i + 1) for i in range(20)}
    chain[20] = (404, None)
    assert follow_redirects(15, chain) == (404, 20, 5)
    assert follow_redirects(0, chain)[0] is None  # 20 hops: more than followed
    assert follow_redirects(0, chain, max_hops=20) == (404, 20, 20)
    assert follow_redirects(1, {1: (301, 2), 2: (302, 1)})[0] is None
    assert follow_redirects(1, {1: (301, None)}) == (301, 1, 0)
    assert follow_redirects(7, {}) == (None, 7, 0)


def test_broken_reads_captures_up_to_the_snapshot(tmp_path: Path, resolver: DomainResolver) -> None:
    def ingest(name: str, day: str, responses: list[Response]) -> None:
        warc = write_warc(tmp_path / f"{name}.warc.gz", responses)
        with open_store(tmp_path / "t.duckdb", create=True) as db:
            ingest_warc_files(
                db, [warc], resolver=resolver, snapshot=name, snapshot_date=date.fromisoformat(day)
            )

    source = a(f"{T}/a", "a") + a(f"{T}/b", "b")
    ingest("s0", "2025-12-01", [Response(f"{T}/a", "", 404, date="2025-12-01T00:00:00Z")])
    ingest("s1", "2026-01-01", [Response("https://r.org/", source, date="2026-01-01T00:00:00Z")])
    ingest(
        "s2",
        "2026-02-01",
        [
            Response("https://r.org/", source, date="2026-02-01T00:00:00Z"),
            Response(f"{T}/a", "back again", date="2026-02-01T00:00:00Z"),
            Response(f"{T}/b", "", 404, date="2026-02-01T00:00:00Z"),
        ],
    )
    with open_store(tmp_path / "t.duckdb") as db:
        then = broken(db, TARGET, resolver=resolver, snapshot="s1")
        now = broken(db, TARGET, resolver=resolver)
    assert [b.target_url for b in then.items] == [f"{T}/a"]  # /b: not captured yet, unknown
    assert [b.target_url for b in now.items] == [f"{T}/b"]  # /a answers 200 again


# -- pages and outlinks --------------------------------------------------------------------


def test_pages_by_referring_domains(
    con: duckdb.DuckDBPyConnection, resolver: DomainResolver
) -> None:
    report = pages(con, TARGET, resolver=resolver, limit=0)
    assert report.total == len(report.items) == 9
    rows = [(p.url, p.referring_domains, p.backlinks, p.followed_backlinks) for p in report.items]
    assert rows[:2] == [(f"{T}/gear", 3, 4, 3), (f"{T}/", 3, 3, 3)]
    assert all(p.ur is None for p in report.items)
    assert report.items[0].first_seen.isoformat() == "2026-01-15T10:00:00"
    assert pages(con, TARGET, resolver=resolver, limit=2).total == 9
    host = pages(con, "https://quietnomaddaily.com/gear", resolver=resolver, mode="exact")
    assert [p.url for p in host.items] == [f"{T}/gear"]


def test_outlinks_followed_or_not(con: duckdb.DuckDBPyConnection, resolver: DomainResolver) -> None:
    report = outlinks(con, "r1.org", resolver=resolver)
    assert (report.source, report.links, report.followed_links, report.total) == (
        "r1.org", 4, 3, 3,
    )  # fmt: skip
    assert [(d.domain, d.links, d.followed_links, d.linked_pages) for d in report.items] == [
        (TARGET, 2, 2, 2),
        ("comp1.com", 1, 1, 1),
        ("comp2.com", 1, 0, 1),
    ]
    i1 = outlinks(con, "i1.org", resolver=resolver)
    assert {(d.domain, d.links, d.linking_pages) for d in i1.items} == {
        ("comp1.com", 2, 2),
        ("comp2.com", 1, 1),
        ("comp3.com", 1, 1),
    }
    page = outlinks(con, "https://i1.org/b", resolver=resolver, mode="exact")
    assert [(d.domain, d.links) for d in page.items] == [("comp1.com", 1)]
    assert outlinks(con, "www.r3.net", resolver=resolver, mode="host").links == 2


# -- disavow -------------------------------------------------------------------------------


def test_disavow_entries_carry_the_evidence(
    con: duckdb.DuckDBPyConnection, resolver: DomainResolver
) -> None:
    report = disavow(
        con, TARGET, domains=["r3.net", "https://www.r2.org/x", "i3.net", "r3.net"],
        resolver=resolver,
    )  # fmt: skip
    assert report.total == 3 and report.snapshot == "s1"
    assert [(e.domain, e.reasons) for e in report.items] == [
        ("i3.net", [LISTED, f"no backlinks to {TARGET} in snapshot s1"]),
        ("r2.org", [LISTED, f"2 backlinks (2 followed) to {TARGET} in snapshot s1"]),
        ("r3.net", [LISTED, f"2 backlinks (1 followed) to {TARGET} in snapshot s1"]),
    ]
    with pytest.raises(InputError):
        disavow(con, TARGET, domains=[], resolver=resolver)
    with pytest.raises(InputError, match="target itself"):
        disavow(con, TARGET, domains=["www.quietnomaddaily.com"], resolver=resolver)


def test_scores_fill_dr_and_ur_once_the_store_is_ranked(
    hand_db: Path, tmp_path: Path, resolver: DomainResolver
) -> None:
    """DR and UR come from the ranking stage's tables once `rank` has run."""
    db = tmp_path / "ranked.duckdb"
    shutil.copy(hand_db, db)
    with open_store(db) as ranked:
        assert intersect(ranked, COMPETITORS, resolver=resolver, target=TARGET).items[0].dr is None
        authority.rank(ranked, resolver=resolver)
        dr = dict(
            ranked.execute(
                "SELECT d.domain, s.dr FROM domain_scores s JOIN domains d USING (domain_id)"
            ).fetchall()
        )
        ur = dict(
            ranked.execute(
                "SELECT u.url, s.ur FROM page_scores s JOIN urls u USING (url_id)"
            ).fetchall()
        )
        found = intersect(ranked, COMPETITORS, resolver=resolver, target=TARGET, min_competitors=3)
        assert [(d.domain, d.dr) for d in found.items] == [("i1.org", dr["i1.org"])]
        linked = {p.url: p.ur for p in pages(ranked, TARGET, resolver=resolver).items}
        assert linked == {url: ur[url] for url in linked}
        assert {d.domain: d.dr for d in outlinks(ranked, "r1.org", resolver=resolver).items}[
            TARGET
        ] == dr[TARGET]
        evidence = anchors(ranked, TARGET, resolver=resolver, keywords=["travel backpacks"])
        assert [d.dr for d in evidence.exact_match_domains] == [
            dr[d.domain] for d in evidence.exact_match_domains
        ]
        assert evidence.exact_match_domains
        assert all(d.dr is not None for d in evidence.exact_match_domains)


# -- the real pages, against counts made here ----------------------------------------------

Occurrence = tuple[str, str, Link]  # (source url, source domain, link)


@pytest.fixture(scope="module")
def occurrences(real_pages_warc: Path, resolver: DomainResolver) -> list[Occurrence]:
    """Every backlink-kind link of every 2xx page between two sites, straight from the WARC."""
    found: list[Occurrence] = []
    for page in iter_warc_pages(real_pages_warc):
        url = normalize_url(page.url)
        assert url is not None
        if not 200 <= page.status < 300:
            continue
        source_domain = resolver.registrable_domain(host_of(url))
        extracted = extract_page(page.body, url, headers=page.headers, resolver=resolver)
        found.extend(
            (url, source_domain, lk)
            for lk in extracted.links
            if lk.domain != source_domain and lk.kind in BACKLINK_KINDS
        )
    return found


def popular(occurrences: list[Occurrence], n: int) -> list[str]:
    counts = Counter(lk.domain for _, _, lk in occurrences)
    return [domain for domain, _ in counts.most_common(n)]


def test_real_anchor_categories_match_an_independent_count(
    real_pages_con: duckdb.DuckDBPyConnection,
    occurrences: list[Occurrence],
    resolver: DomainResolver,
) -> None:
    for domain in popular(occurrences, 4):
        rows = [(sd, lk) for _, sd, lk in occurrences if lk.domain == domain]
        brand = brand_from_domain(domain)
        rules = anchor_rules([brand] if brand else [], [])
        backlinks: Counter[str] = Counter()
        domains: dict[str, set[str]] = defaultdict(set)
        for sd, lk in rows:
            category = categorize_anchor(lk.anchor, image=lk.image, rules=rules)
            backlinks[category] += 1
            domains[category].add(sd)
        report = anchors(real_pages_con, domain, resolver=resolver, limit=0)
        assert report.backlinks == len(rows) == sum(c.backlinks for c in report.categories)
        assert report.referring_domains == len({sd for sd, _ in rows})
        for c in report.categories:
            assert (c.backlinks, c.referring_domains) == (
                backlinks[c.category], len(domains[c.category]),
            ), (domain, c.category)  # fmt: skip
        assert sum(i.backlinks for i in report.items) == len(rows)


def test_real_intersect_matches_an_independent_count(
    real_pages_con: duckdb.DuckDBPyConnection,
    occurrences: list[Occurrence],
    resolver: DomainResolver,
) -> None:
    *competitors, target = popular(occurrences, 6)
    links_to: dict[str, Counter[str]] = defaultdict(Counter)
    for _, sd, lk in occurrences:
        if lk.domain in competitors:
            links_to[sd][lk.domain] += 1
    excluded = {sd for _, sd, lk in occurrences if lk.domain == target}
    excluded |= {*competitors, target}
    for minimum in (1, 2):
        expected = {
            sd: counts
            for sd, counts in links_to.items()
            if sd not in excluded and len(counts) >= minimum
        }
        report = intersect(
            real_pages_con, competitors, resolver=resolver, target=target,
            min_competitors=minimum, limit=0,
        )  # fmt: skip
        assert report.total == len(expected) == len(report.items)
        assert {
            d.domain: {c.competitor: c.backlinks for c in d.links_to} for d in report.items
        } == {sd: dict(counts) for sd, counts in expected.items()}
    assert report.total > 0


def test_real_pages_outlinks_and_broken_match_independent_counts(
    real_pages_con: duckdb.DuckDBPyConnection,
    real_pages_warc: Path,
    occurrences: list[Occurrence],
    resolver: DomainResolver,
) -> None:
    domain = popular(occurrences, 1)[0]
    rows = [(sd, lk) for _, sd, lk in occurrences if lk.domain == domain]
    per_url = Counter(lk.url for _, lk in rows)
    report = pages(real_pages_con, domain, resolver=resolver, limit=0)
    assert report.total == len(per_url)
    assert {p.url: p.backlinks for p in report.items} == dict(per_url)
    assert {p.url: p.referring_domains for p in report.items} == {
        url: len({sd for sd, lk in rows if lk.url == url}) for url in per_url
    }

    source = Counter(sd for _, sd, _ in occurrences).most_common(1)[0][0]
    out = [lk for _, sd, lk in occurrences if sd == source]
    report_out = outlinks(real_pages_con, source, resolver=resolver, limit=0)
    assert report_out.links == len(out)
    assert report_out.followed_links == sum(lk.followed for lk in out)
    assert {d.domain: d.links for d in report_out.items} == dict(Counter(lk.domain for lk in out))

    # every captured page of the real set answered 200: nothing is broken
    statuses = {normalize_url(p.url): p.status for p in iter_warc_pages(real_pages_warc)}
    expected = [lk for _, lk in rows if statuses.get(lk.url, 200) >= 400]
    assert broken(real_pages_con, domain, resolver=resolver).total == len(expected) == 0
