"""The risk signals as pure functions over rows: each rule at its thresholds, no store needed."""

from __future__ import annotations

from itertools import combinations

import pytest

from linkatlas.analyze.anchors import anchor_rules
from linkatlas.analyze.risk import (
    EVIDENCE_URLS,
    commercial_anchor_signals,
    find_link_farms,
    has_money_word,
    ip_network,
    is_commercial_anchor,
    link_farm_signals,
    many_outlinks_signals,
    reciprocal_signals,
    shared_ip_signals,
    sitewide_signals,
    trust_gap_signals,
    trust_gaps,
)
from linkatlas.store.risk_queries import (
    AnchorUseRow,
    BoilerplateRow,
    IpRow,
    OutlinkRow,
    ReturnLinkRow,
)


def urls(domain: str, n: int) -> list[str]:
    return [f"https://{domain}/{i:02d}" for i in range(n)]


def clique(*nodes: int) -> list[tuple[int, int]]:
    return list(combinations(nodes, 2))


# -- sitewide ------------------------------------------------------------------------------


def test_sitewide_needs_five_pages_and_half_of_the_site() -> None:
    rows = [
        BoilerplateRow(1, 5, 10, ["footer"], urls("a.org", 5)),  # 5 pages, 50 %: yes
        BoilerplateRow(2, 4, 4, ["nav"], urls("b.org", 4)),  # 4 pages: no
        BoilerplateRow(3, 5, 11, ["aside"], urls("c.org", 5)),  # 45 %: no
        BoilerplateRow(4, 30, 30, ["aside", "footer"], urls("d.org", 30)),
    ]
    found = sitewide_signals(rows)
    assert sorted(found) == [1, 4]
    assert found[1].detail == "links from the footer of 5 of its 10 captured pages (50%)"
    assert found[4].detail == "links from the aside/footer of 30 of its 30 captured pages (100%)"
    assert found[4].evidence == urls("d.org", EVIDENCE_URLS)
    assert {s.signal for s in found.values()} == {"sitewide"}


# -- reciprocal ----------------------------------------------------------------------------


def test_reciprocal_names_the_pages_linking_back() -> None:
    rows = [
        ReturnLinkRow(1, 2, ["https://t.com/", "https://t.com/partners"]),
        ReturnLinkRow(2, 1, []),
    ]
    found = reciprocal_signals(rows, {1: ["https://a.org/x"]}, target_domain="t.com")
    assert list(found) == [1]  # no followed backlink of 2 to show: no signal
    assert found[1].detail == (
        "t.com links back from 2 pages (https://t.com/, https://t.com/partners)"
    )
    assert found[1].evidence == ["https://a.org/x"]


# -- link farms ----------------------------------------------------------------------------


def test_a_clique_of_four_or_more_is_a_farm() -> None:
    assert find_link_farms(clique(1, 2, 3, 4, 5)) == [[1, 2, 3, 4, 5]]
    assert find_link_farms(clique(7, 8, 9, 10)) == [[7, 8, 9, 10]]


def test_too_small_or_too_sparse_groups_are_no_farm() -> None:
    assert find_link_farms(clique(1, 2, 3)) == []  # three domains
    assert find_link_farms([(1, 2), (2, 3), (3, 4), (4, 5)]) == []  # a chain
    assert find_link_farms([(0, n) for n in range(1, 9)]) == []  # a hub and its spokes
    ring = [(n, (n + 1) % 8) for n in range(8)]
    assert find_link_farms(ring) == []  # each has 2 partners of 7


def test_each_member_needs_two_thirds_of_the_others() -> None:
    square = [(1, 2), (2, 3), (3, 4), (4, 1)]  # each linked with 2 of 3 others
    assert find_link_farms(square) == [[1, 2, 3, 4]]
    # six domains, each with 3 of 5 others (a triangular prism): below two thirds
    prism = [(1, 2), (2, 3), (1, 3), (4, 5), (5, 6), (4, 6), (1, 4), (2, 5), (3, 6)]
    assert find_link_farms(prism) == []


def test_hangers_on_are_peeled_off_and_two_farms_are_two_groups() -> None:
    pairs = clique(1, 2, 3, 4, 5) + clique(10, 11, 12, 13)
    pairs += [(5, 10), (1, 20), (2, 20), (20, 21)]  # a bridge and loosely attached domains
    assert find_link_farms(pairs) == [[1, 2, 3, 4, 5], [10, 11, 12, 13]]
    assert find_link_farms([*pairs, (1, 1)]) == find_link_farms(pairs)


def test_a_farm_inside_a_sparse_crowd_is_found() -> None:
    crowd = [(n, n + 1) for n in range(100, 160)] + [(n, n + 2) for n in range(100, 160, 3)]
    pairs = crowd + clique(1, 2, 3, 4, 5, 6) + [(1, 100), (2, 101), (3, 130), (6, 159)]
    assert find_link_farms(pairs) == [[1, 2, 3, 4, 5, 6]]


def test_link_farm_signal_names_the_group() -> None:
    names = {1: "d.biz", 2: "a.biz", 3: "c.biz", 4: "b.biz"}
    evidence = {d: [f"https://{names[d]}/"] for d in (1, 2, 3)}
    found = link_farm_signals([[1, 2, 3, 4]], names, evidence)
    assert sorted(found) == [1, 2, 3]  # 4 has no followed backlink to show
    assert found[1].detail == "4 domains link each other (a.biz, b.biz, c.biz, d.biz)"
    many = {n: f"farm{n:02d}.biz" for n in range(12)}
    big = link_farm_signals([list(many)], many, {0: ["https://farm00.biz/"]})
    assert big[0].detail.endswith("farm09.biz and 2 more)")


# -- commercial anchors --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("anchor", "money"),
    [
        ("Cheap car insurance", True),
        ("payday-loans online", True),
        ("Versicherung günstig vergleichen", True),
        ("Günstige Kredite", True),  # non-ASCII words match inside the anchor
        ("купить диван", True),
        ("网上贷款", True),
        ("insurer", False),
        ("buyers guide", False),
        ("photo credit", False),
        ("a quiet walk in Lisbon", False),
    ],
)
def test_money_words(anchor: str, money: bool) -> None:
    assert has_money_word(anchor) is money


def test_commercial_means_exact_match_with_keywords_and_money_words_without() -> None:
    plain = anchor_rules(["example"], [])
    assert is_commercial_anchor("cheap car insurance", plain)
    assert not is_commercial_anchor("Example cheap insurance", plain)  # branded
    assert not is_commercial_anchor("cheap-insurance.com", plain)  # naked URL
    assert not is_commercial_anchor("lisbon travel guide", plain)
    keyed = anchor_rules(["example"], ["car insurance"])
    assert is_commercial_anchor("Car-Insurance", keyed)
    assert not is_commercial_anchor("cheap car insurance", keyed)  # partial match
    assert not is_commercial_anchor("buy now", keyed)


def test_commercial_anchors_count_from_half_of_the_links_and_below_dr_20() -> None:
    rows = [
        AnchorUseRow(1, 2, ['"cheap" loans', "payday loans"], urls("a.org", 2)),
        AnchorUseRow(2, 1, ["cheap loans"], urls("b.org", 1)),  # 1 of 3: not half
        AnchorUseRow(3, 4, ["cheap loans"], urls("c.org", 4)),
        AnchorUseRow(4, 1, ["cheap loans"], urls("d.org", 1)),
    ]
    followed = {1: 4, 2: 3, 3: 4, 4: 1}
    unranked = commercial_anchor_signals(rows, followed, None, exact=False)
    assert sorted(unranked) == [1, 3, 4]
    assert unranked[1].detail == (
        '2 of its 4 followed backlinks with commercial anchors (""cheap" loans", '
        '"payday loans"), DR unknown (the snapshot is not ranked)'
    )
    ratings = {1: 19.99, 3: 20.0}  # 4 has no DR in a ranked snapshot: not flagged
    ranked = commercial_anchor_signals(rows, followed, ratings, exact=True)
    assert list(ranked) == [1]
    assert ranked[1].detail.startswith("2 of its 4 followed backlinks with exact-match anchors")
    assert ranked[1].detail.endswith("DR 19.99, below 20")


# -- many outlinks, shared IP, trust gap -----------------------------------------------------


def test_many_outlinks_from_300() -> None:
    rows = [OutlinkRow(1, 2, 300, urls("a.org", 2)), OutlinkRow(2, 1, 299, urls("b.org", 1))]
    found = many_outlinks_signals(rows)
    assert list(found) == [1]
    assert found[1].detail == "2 linking pages with 300 or more external outlinks (up to 300)"


@pytest.mark.parametrize(
    ("ip", "network"),
    [
        ("203.0.113.77", "203.0.113.0/24"),
        (" 198.51.100.1 ", "198.51.100.0/24"),
        ("2001:db8:1:2::5", "2001:db8:1::/48"),
        ("[2001:db8:abcd:1::1]", "2001:db8:abcd::/48"),
        ("::ffff:203.0.113.9", "203.0.113.0/24"),
        ("not an ip", None),
        ("", None),
    ],
)
def test_ip_networks(ip: str, network: str | None) -> None:
    assert ip_network(ip) == network


def test_shared_ip_needs_three_domains_on_one_network() -> None:
    names = {n: f"d{n}.org" for n in range(1, 9)}
    rows = [
        IpRow(1, "203.0.113.10", ["https://d1.org/"]),
        IpRow(2, "203.0.113.20", ["https://d2.org/"]),
        IpRow(3, "203.0.113.30", ["https://d3.org/b", "https://d3.org/a"]),
        IpRow(3, "198.18.0.1", ["https://d3.org/c"]),
        IpRow(4, "198.51.100.7", ["https://d4.org/"]),  # two domains on one IP: no
        IpRow(5, "198.51.100.7", ["https://d5.org/"]),
        IpRow(6, "2001:db8:1::1", ["https://d6.org/"]),  # three on one IP
        IpRow(7, "2001:db8:1::1", ["https://d7.org/"]),
        IpRow(8, "2001:db8:1::1", ["https://d8.org/"]),
        IpRow(8, "bogus", ["https://d8.org/x"]),
    ]
    found = shared_ip_signals(rows, names)
    assert sorted(found) == [1, 2, 3, 6, 7, 8]
    assert found[1].detail == "3 referring domains on 203.0.113.0/24 (d1.org, d2.org, d3.org)"
    assert found[3].evidence == ["https://d3.org/a", "https://d3.org/b"]
    assert (
        found[6].detail == "3 referring domains on one IP, 2001:db8:1::1 (d6.org, d7.org, d8.org)"
    )


def test_trust_gap_from_30_points() -> None:
    gaps = trust_gaps({1: (60.0, 30.0), 2: (60.0, 30.01), 3: (10.0, 0.0), 4: (45.5, 3.25)})
    assert sorted(gaps) == [1, 4]
    found = trust_gap_signals(gaps, {4: ["https://d.org/"]})
    assert list(found) == [4]
    assert found[4].detail == "DR 45.5 but trust 3.25: 42.25 points apart (flagged from 30)"
