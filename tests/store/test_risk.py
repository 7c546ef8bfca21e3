"""The risk report and disavow-by-signal on stores where the answer is known: a hand-built one
where each signal shows in exactly the domains designed for it, the generated sample web and
its link farm, and the real pages."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from itertools import count
from pathlib import Path

import duckdb
import pytest

from linkatlas.analyze.authority import rank
from linkatlas.analyze.backlinks import backlinks
from linkatlas.analyze.disavow import LISTED, disavow
from linkatlas.analyze.reports import RISK_SIGNALS, RiskReport
from linkatlas.analyze.risk import risk
from linkatlas.errors import InputError, UnknownTargetError
from linkatlas.extract.domains import DomainResolver
from linkatlas.ids import stable_id
from linkatlas.rank.scale import has_trust_gap
from linkatlas.sources.sample_web import generate_sample_web, plan_web
from linkatlas.store.connection import open_store
from linkatlas.store.ingest import ingest_warc_files
from tests.warcs import Response, write_warc

TARGET = "money.com"
T = f"https://{TARGET}"


def a(href: str, text: str = "Money", rel: str = "") -> str:
    rel_attr = f' rel="{rel}"' if rel else ""
    return f'<a href="{href}"{rel_attr}>{text}</a>'


def footer(html: str) -> str:
    return f"<footer>{html}</footer>"


class Pages:
    """Responses with one IP per site, each on its own /24 unless an IP is given."""

    def __init__(self) -> None:
        self.responses: list[Response] = []
        self.ips: dict[str, str] = {}
        self.numbers = count(1)

    def add(self, url: str, body: str, *, ip: str | None = None) -> None:
        site = url.split("/")[2]
        if ip is None:
            ip = self.ips.setdefault(site, f"10.{next(self.numbers)}.0.1")
        self.responses.append(Response(url, body, ip=ip))


def hand_built() -> list[Response]:
    p = Pages()
    # the target links back to site-wide.org and recip.org (followed) and oneway.org (nofollow)
    p.add(f"{T}/", a("https://site-wide.org/", "partner") + a("https://recip.org/", "friend")
          + a("https://oneway.org/", "x", "nofollow"))  # fmt: skip
    # sitewide: a footer link on all 12 pages; 5 of 12 pages (too few); nofollow footers
    for i in range(12):
        p.add(f"https://site-wide.org/p{i:02d}", footer(a(f"{T}/")))
        p.add(f"https://part-footer.org/p{i:02d}", footer(a(f"{T}/")) if i < 5 else "text")
    for i in range(6):
        p.add(f"https://nofollow-footer.org/p{i}", footer(a(f"{T}/", "Money", "nofollow")))
    p.add("https://recip.org/", a(f"{T}/shop"))
    p.add("https://oneway.org/", a(f"{T}/"))
    # a link farm of five domains, and a ring of three (too small); they (and the IP groups
    # below) push hub.org up, where no trusted domain links: a high DR without trust, once ranked
    farm = [f"https://farm{i}.biz/" for i in range(1, 6)]
    ring = [f"https://ring-{x}.net/" for x in "abc"]
    for group in (farm, ring):
        for url in group:
            others = "".join(a(other, "friend") for other in group if other != url)
            p.add(url, others + a(f"{T}/") + a("https://hub.org/", "hub"))
    p.add("https://hub.org/", a(f"{T}/"))
    # commercial anchors: all links, one of three, a higher-DR domain, an exact match
    p.add("https://cheap-links.info/", a(f"{T}/", "[bold]cheap car insurance[/bold]"))
    p.add("https://news-site.org/", a(f"{T}/", "cheap flights") + a(f"{T}/a") + a(f"{T}/b"))
    p.add("https://highdr.org/", a(f"{T}/", "buy insurance now"))
    p.add("https://exact-anchor.org/", a(f"{T}/", "Car Insurance"))
    # a page with 300+ external outlinks, one with 299, one with 400 outlinks within its site
    many = "".join(a(f"https://listed-{i % 7}.org/e{i}", "entry") for i in range(305))
    p.add("https://directory.org/list", many + a(f"{T}/"))
    few = "".join(a(f"https://listed-{i % 7}.org/f{i}", "entry") for i in range(298))
    p.add("https://smalldir.org/list", few + a(f"{T}/"))
    menu = "".join(a(f"https://big-menu.org/p{i}", "entry") for i in range(400))
    p.add("https://big-menu.org/all", menu + a(f"{T}/"))
    # three domains on one /24, three on one IPv6 /48, two on one IP (too few)
    for site, ip in (("ipa.org", "203.0.113.10"), ("ipb.org", "203.0.113.20"),
                     ("ipc.org", "203.0.113.30"), ("ip6a.org", "2001:db8:1::10"),
                     ("ip6b.org", "2001:db8:1:ff::1"), ("ip6c.org", "2001:db8:1::10"),
                     ("pair-a.org", "198.51.100.7"), ("pair-b.org", "198.51.100.7")):  # fmt: skip
        p.add(f"https://{site}/", a(f"{T}/") + a("https://hub.org/", "hub"), ip=ip)
    # DR and trust come from score rows (test_scores_...): a gap for gap.org only
    p.add("https://gap.org/", a(f"{T}/"))
    p.add("https://trusted.org/", a(f"{T}/"))
    return p.responses


FARM = {f"farm{i}.biz" for i in range(1, 6)}
SHARED = ("ipa.org", "ipb.org", "ipc.org", "ip6a.org", "ip6b.org", "ip6c.org")
EXPECTED = {
    "site-wide.org": {"sitewide", "reciprocal"},
    "recip.org": {"reciprocal"},
    **{domain: {"link_farm"} for domain in FARM},
    "cheap-links.info": {"commercial_anchor_low_dr"},
    "highdr.org": {"commercial_anchor_low_dr"},
    "exact-anchor.org": {"commercial_anchor_low_dr"},
    "directory.org": {"many_outlinks"},
    **{domain: {"shared_ip"} for domain in SHARED},
}
"""Signals of the unranked store, without keywords."""
QUIET = {
    "part-footer.org", "nofollow-footer.org", "oneway.org", "ring-a.net", "ring-b.net",
    "ring-c.net", "hub.org", "news-site.org", "smalldir.org", "pair-a.org", "pair-b.org",
    "gap.org", "trusted.org", "big-menu.org",
}  # fmt: skip
"""Referring domains without a signal (unranked)."""


def signals_of(report: RiskReport) -> dict[str, set[str]]:
    return {item.domain: {s.signal for s in item.signals} for item in report.items}


@pytest.fixture(scope="module")
def hand_db(tmp_path_factory: pytest.TempPathFactory, resolver: DomainResolver) -> Path:
    folder = tmp_path_factory.mktemp("risk")
    warc = write_warc(folder / "hand.warc.gz", hand_built())
    db = folder / "atlas.duckdb"
    with open_store(db, create=True) as con:
        ingest_warc_files(con, [warc], resolver=resolver, snapshot="s1")
    return db


@pytest.fixture()
def con(hand_db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with open_store(hand_db) as connection:
        yield connection


def test_each_signal_shows_in_the_domains_designed_for_it(
    con: duckdb.DuckDBPyConnection, resolver: DomainResolver
) -> None:
    report = risk(con, TARGET, resolver=resolver, limit=0)
    assert (report.target, report.mode, report.snapshot) == (TARGET, "domain", "s1")
    assert (report.ranked, report.trust, report.keywords, report.brands) == (
        False, False, [], ["money"],
    )  # fmt: skip
    assert signals_of(report) == EXPECTED
    assert not QUIET & set(signals_of(report))
    assert report.total == len(report.items) == len(EXPECTED)
    assert report.referring_domains == len(EXPECTED) + len(QUIET)
    counts = {name: sum(name in s for s in EXPECTED.values()) for name in RISK_SIGNALS}
    assert report.signal_counts == {**counts, "dr_trust_gap": None}
    assert list(report.signal_counts) == list(RISK_SIGNALS)
    assert report.items[0].domain == "site-wide.org"  # most signals first
    assert len(report.notes) == 3 and "not ranked" in report.notes[0]
    assert "trust is not computed" in report.notes[1] and "money words" in report.notes[2]
    limited = risk(con, TARGET, resolver=resolver, limit=3)
    assert limited.total == len(EXPECTED) and len(limited.items) == 3


def test_details_and_evidence(con: duckdb.DuckDBPyConnection, resolver: DomainResolver) -> None:
    items = {i.domain: i for i in risk(con, TARGET, resolver=resolver, limit=0).items}
    sitewide, reciprocal = items["site-wide.org"].signals
    assert sitewide.detail == "links from the footer of 12 of its 12 captured pages (100%)"
    assert sitewide.evidence == [f"https://site-wide.org/p{i:02d}" for i in range(10)]  # capped
    assert reciprocal.detail == f"{TARGET} links back from 1 page ({T}/)"
    (farm,) = items["farm3.biz"].signals
    assert farm.detail == f"5 domains link each other ({', '.join(sorted(FARM))})"
    assert farm.evidence == ["https://farm3.biz/"]
    (anchor,) = items["cheap-links.info"].signals
    assert anchor.detail == (
        '1 of its 1 followed backlink with commercial anchors ("[bold]cheap car insurance'
        '[/bold]"), DR unknown (the snapshot is not ranked)'
    )
    (crowded,) = items["directory.org"].signals
    assert crowded.detail == "1 linking page with 300 or more external outlinks (up to 306)"
    assert crowded.evidence == ["https://directory.org/list"]
    (ip,) = items["ipb.org"].signals
    assert ip.detail == "3 referring domains on 203.0.113.0/24 (ipa.org, ipb.org, ipc.org)"
    (ip6,) = items["ip6a.org"].signals
    assert ip6.detail == "3 referring domains on 2001:db8:1::/48 (ip6a.org, ip6b.org, ip6c.org)"
    assert items["site-wide.org"].followed_backlinks == items["site-wide.org"].backlinks == 12


def test_keywords_make_commercial_mean_exact_match(
    con: duckdb.DuckDBPyConnection, resolver: DomainResolver
) -> None:
    report = risk(con, TARGET, resolver=resolver, keywords=["car insurance"], limit=0)
    commercial = {d for d, s in signals_of(report).items() if "commercial_anchor_low_dr" in s}
    assert commercial == {"exact-anchor.org"}
    assert report.keywords == ["car insurance"] and len(report.notes) == 2
    branded = risk(con, TARGET, resolver=resolver, brands=["cheap car"], limit=0)
    assert "cheap-links.info" not in signals_of(branded)  # a branded anchor is not commercial


def test_other_modes_look_at_their_backlinks_only(
    con: duckdb.DuckDBPyConnection, resolver: DomainResolver
) -> None:
    shop = risk(con, f"{T}/shop", resolver=resolver, mode="exact", limit=0)
    assert signals_of(shop) == {"recip.org": {"reciprocal"}}
    assert shop.referring_domains == 1
    with pytest.raises(UnknownTargetError):
        risk(con, "nowhere.example", resolver=resolver)


def insert_scores(
    con: duckdb.DuckDBPyConnection, snapshot_id: int, scores: dict[str, tuple[float, float | None]]
) -> None:
    """Stand-in rows of ``domain_scores``, whatever columns its migration defines."""
    columns = {
        str(r[0])
        for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'domain_scores'"
        ).fetchall()
    }
    filler = {"pagerank": 0.001, "trustrank": 0.0, "in_degree": 0, "out_degree": 0,
              "formula_version": 1}  # fmt: skip
    for domain, (dr, trust) in scores.items():
        values = {"snapshot_id": snapshot_id, "domain_id": stable_id(domain), "dr": dr,
                  "trust": trust, **filler}  # fmt: skip
        names = [name for name in values if name in columns]
        con.execute(
            f"INSERT INTO domain_scores ({', '.join(names)}) "
            f"VALUES ({', '.join('?' for _ in names)})",
            [values[name] for name in names],
        )


def test_scores_bring_the_dr_part_and_the_trust_gap(
    hand_db: Path, tmp_path: Path, resolver: DomainResolver
) -> None:
    db = tmp_path / "scored.duckdb"
    shutil.copy(hand_db, db)
    with open_store(db) as scored:
        sid = int(scored.execute("SELECT snapshot_id FROM snapshots").fetchall()[0][0])
        domains = [str(r[0]) for r in scored.execute("SELECT domain FROM domains").fetchall()]
        rows: dict[str, tuple[float, float | None]] = {d: (5.0, 5.0) for d in domains}
        rows.update({"highdr.org": (50.0, 45.0), "exact-anchor.org": (19.5, 19.5),
                     "gap.org": (60.0, 10.0), "trusted.org": (60.0, 40.0)})  # fmt: skip
        insert_scores(scored, sid, rows)
        report = risk(scored, TARGET, resolver=resolver, limit=0)
        assert (report.ranked, report.trust) == (True, True)
        assert len(report.notes) == 1 and "money words" in report.notes[0]
        found = signals_of(report)
        assert found == {**{d: s for d, s in EXPECTED.items() if d != "highdr.org"},
                         "gap.org": {"dr_trust_gap"}}  # fmt: skip
        items = {i.domain: i for i in report.items}
        assert items["gap.org"].dr == 60.0 and items["farm1.biz"].dr == 5.0
        assert items["gap.org"].signals[0].detail == (
            "DR 60 but trust 10: 50 points apart (flagged from 30)"
        )
        assert items["exact-anchor.org"].signals[0].detail.endswith("DR 19.5, below 20")
        assert report.signal_counts["dr_trust_gap"] == 1


def test_with_the_real_ranking(hand_db: Path, tmp_path: Path, resolver: DomainResolver) -> None:
    """After ``rank`` with seeds, DR and trust gaps agree with the stored scores."""
    db = tmp_path / "ranked.duckdb"
    shutil.copy(hand_db, db)
    with open_store(db) as ranked:
        rank(ranked, resolver=resolver, seeds=["recip.org"])
        report = risk(ranked, TARGET, resolver=resolver, limit=0)
        assert report.ranked and report.trust
        stored = {
            str(r[0]): (float(r[1]), r[2])
            for r in ranked.execute(
                "SELECT d.domain, s.dr, s.trust FROM domain_scores s JOIN domains d USING "
                "(domain_id)"
            ).fetchall()
        }
        found = signals_of(report)
        for item in report.items:
            assert item.dr == stored[item.domain][0]
        gaps = {d for d, s in found.items() if "dr_trust_gap" in s}
        followed = (EXPECTED.keys() | QUIET) - {"nofollow-footer.org"}
        assert gaps == {d for d in followed if has_trust_gap(stored[d][0], stored[d][1])}
        assert "hub.org" in gaps  # linked by the farm and the IP groups, by no trusted site
        for domain, signals in found.items():
            if "commercial_anchor_low_dr" in signals:
                assert stored[domain][0] < 20
            assert signals - {"dr_trust_gap", "commercial_anchor_low_dr"} == EXPECTED.get(
                domain, set()
            ) - {"commercial_anchor_low_dr"}


# -- disavow by signal ---------------------------------------------------------------------


def test_disavow_selects_domains_by_signal(
    con: duckdb.DuckDBPyConnection, resolver: DomainResolver
) -> None:
    report = disavow(con, TARGET, resolver=resolver, signals=["link_farm", "sitewide"])
    assert [e.domain for e in report.items] == sorted({*FARM, "site-wide.org"})
    farm1 = report.items[0]
    assert farm1.reasons == [
        f"link_farm: 5 domains link each other ({', '.join(sorted(FARM))}), "
        "e.g. https://farm1.biz/",
        f"1 backlinks (1 followed) to {TARGET} in snapshot s1",
    ]
    site = {e.domain: e for e in report.items}["site-wide.org"]
    assert site.reasons[0].startswith("sitewide: links from the footer of 12 of its 12")
    assert len(site.reasons) == 2  # its reciprocal signal was not asked for
    everything = disavow(con, TARGET, resolver=resolver, all_signals=True)
    assert {e.domain for e in everything.items} == set(EXPECTED)
    both = disavow(con, TARGET, resolver=resolver, domains=["farm2.biz", "oneway.org"],
                   signals=["link_farm"])  # fmt: skip
    reasons = {e.domain: e.reasons for e in both.items}
    assert reasons["farm2.biz"][0] == LISTED and reasons["farm2.biz"][1].startswith("link_farm")
    assert reasons["oneway.org"] == [LISTED, f"1 backlinks (1 followed) to {TARGET} in snapshot s1"]
    assert set(reasons) == FARM | {"oneway.org"}


def test_disavow_by_signal_errors(con: duckdb.DuckDBPyConnection, resolver: DomainResolver) -> None:
    with pytest.raises(InputError, match="unknown signal 'toxic'"):
        disavow(con, TARGET, resolver=resolver, signals=["toxic"])
    with pytest.raises(InputError, match="dr_trust_gap needs trust scores"):
        disavow(con, TARGET, resolver=resolver, signals=["dr_trust_gap"])
    with pytest.raises(InputError, match="--signal NAME"):
        disavow(con, TARGET, resolver=resolver)
    none = disavow(con, TARGET, resolver=resolver, signals=["many_outlinks"], keywords=["x"])
    assert [e.domain for e in none.items] == ["directory.org"]


# -- the generated sample web: its link farm -----------------------------------------------


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory, resolver: DomainResolver) -> Path:
    folder = tmp_path_factory.mktemp("sample")
    summary = generate_sample_web(folder / "web.warc.gz", sites=40, pages_per_site=20)
    assert len(summary.link_farm) >= 4
    db = folder / "atlas.duckdb"
    with open_store(db, create=True) as con:
        ingest_warc_files(con, [summary.path], resolver=resolver, snapshot="m0")
    return db


def test_the_sample_web_farm_is_found_for_its_money_sites(
    sample_db: Path, resolver: DomainResolver
) -> None:
    web = plan_web(seed=7, sites=40, pages_per_site=20)
    farm = {web.sites[i].domain for i in web.farm}
    with open_store(sample_db) as con:
        for index in web.money:
            report = risk(con, web.sites[index].domain, resolver=resolver, limit=0)
            found = signals_of(report)
            assert {d for d, s in found.items() if "link_farm" in s} == farm
            shared = {d for d, s in found.items() if "shared_ip" in s}
            assert len(shared) >= 3 and shared <= farm  # the farm's own /24
        featured = risk(con, web.sites[0].domain, resolver=resolver, limit=0)
        assert featured.signal_counts["link_farm"] == 0


# -- the real pages ------------------------------------------------------------------------


def test_real_pages_evidence_are_backlinks_of_the_target(
    real_pages_con: duckdb.DuckDBPyConnection, resolver: DomainResolver
) -> None:
    targets = [
        str(r[0])
        for r in real_pages_con.execute(
            """SELECT d.domain FROM links l JOIN domains d ON d.domain_id = l.target_domain_id
               WHERE l.source_domain_id <> l.target_domain_id
               GROUP BY d.domain ORDER BY count(DISTINCT l.source_domain_id) DESC, d.domain
               LIMIT 6"""
        ).fetchall()
    ]
    listed = 0
    for target in targets:
        report = risk(real_pages_con, target, resolver=resolver, limit=0)
        followed = {
            (b.source_domain, b.source_url)
            for b in backlinks(real_pages_con, target, resolver=resolver, limit=0).items
            if not (b.nofollow or b.sponsored or b.ugc)
        }
        assert report.total == len(report.items) <= report.referring_domains
        for item in report.items:
            assert item.signals and 0 < item.followed_backlinks <= item.backlinks
            for signal in item.signals:
                assert 0 < len(signal.evidence) <= 10
                assert {(item.domain, url) for url in signal.evidence} <= followed
        listed += report.total
    assert listed > 0
