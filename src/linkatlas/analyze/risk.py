"""Link-scheme signals with evidence: which referring domains look like a link scheme, and why.

Google ignores most spammy links and has no "toxic score", so LinkAtlas gives no score: it
names the patterns of Google's link-spam policy it sees, each with the pages that show it.
Only *followed* backlinks count (a nofollow, sponsored or ugc link is already what Google
asks for). Each signal lists at most :data:`EVIDENCE_URLS` URLs: the referring domain's
pages that link to the target and show the signal. The rules:

- ``sitewide``: the domain links to the target from boilerplate positions (``nav``,
  ``header``, ``footer``, ``aside``) of at least :data:`SITEWIDE_MIN_PAGES` (5) of its pages,
  and those are at least :data:`SITEWIDE_MIN_SHARE` (50 %) of its pages captured in the snapshot.
- ``reciprocal``: the target's registrable domain links back to the domain (a link exchange).
- ``link_farm``: the domain belongs to a group of at least :data:`FARM_MIN_DOMAINS` (4) of the
  target's referring domains in which every member links to, and is linked from, at least
  :data:`FARM_MIN_SHARE` (two thirds) of the other members (followed cross-domain links, both
  ways). Found by peeling: domains with too few mutual partners are removed one by one until
  every one left has enough; what was peeled off is searched again for another group. Only
  the :data:`FARM_MAX_DOMAINS` referring domains with most followed backlinks are looked at.
- ``commercial_anchor_low_dr``: at least :data:`COMMERCIAL_MIN_SHARE` (half) of the domain's
  followed backlinks to the target have commercial anchors, and its DR is below :data:`LOW_DR`
  (20). With ``keywords``, commercial means exact match (the ``exact`` category of
  ``linkatlas.analyze.anchors``); without, an anchor of the ``other`` category holding a word
  of :data:`MONEY_WORDS`. When the snapshot is not ranked, DR is unknown: the anchors alone
  raise the signal and the detail says so (the report has ``ranked: false``).
- ``many_outlinks``: a linking page has at least :data:`MANY_OUTLINKS` (300) external outlinks:
  links to other sites (of the kinds a backlink can be), as in Google's "pages with hundreds of
  outlinks"; a page's links within its own site (menus, archives) don't count.
- ``shared_ip``: at least :data:`SHARED_IP_MIN_DOMAINS` (3) referring domains have linking pages
  served from one network: an IPv4 /24 or an IPv6 /48 (``WARC-IP-Address`` of the capture).
- ``dr_trust_gap``: DR stands at least ``TRUST_GAP`` (30) points above trust, as in
  ``linkatlas top domains``. Checked only when the snapshot was ranked with trust seeds.
"""

from __future__ import annotations

import heapq
import ipaddress
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from math import ceil

import duckdb

from linkatlas.analyze.anchors import (
    AnchorRules,
    anchor_rules,
    brand_from_domain,
    categorize_anchor,
    words,
)
from linkatlas.analyze.reports import (
    RISK_SIGNALS,
    RiskDomain,
    RiskReport,
    RiskSignal,
    RiskSignalName,
)
from linkatlas.analyze.targets import report_scope, row_limit
from linkatlas.extract.domains import DomainResolver
from linkatlas.rank.scale import TRUST_GAP, has_trust_gap
from linkatlas.store import report_queries, risk_queries
from linkatlas.store.report_queries import Scope
from linkatlas.store.risk_queries import (
    AnchorUseRow,
    BoilerplateRow,
    IpRow,
    OutlinkRow,
    ReferringDomainRow,
    ReturnLinkRow,
)

EVIDENCE_URLS = 10
"""URLs listed at most per signal."""
NAMES_SHOWN = 10
"""Domains (or anchors) named at most in a signal's detail."""
SITEWIDE_POSITIONS = ("aside", "footer", "header", "nav")
SITEWIDE_MIN_PAGES = 5
SITEWIDE_MIN_SHARE = 0.5
FARM_MIN_DOMAINS = 4
FARM_MIN_SHARE = 2 / 3
FARM_MAX_DOMAINS = 10_000
LOW_DR = 20.0
"""DR below which a domain linking with commercial anchors is flagged."""
COMMERCIAL_MIN_SHARE = 0.5
"""Share of a domain's followed backlinks with commercial anchors from which it is flagged:
one commercial anchor among many natural ones is no pattern."""
MANY_OUTLINKS = 300
SHARED_IP_MIN_DOMAINS = 3
IPV4_PREFIX = 24
IPV6_PREFIX = 48

MONEY_WORDS: tuple[str, ...] = (
    # English
    "buy", "cheap", "cheapest", "discount", "discounts", "coupon", "coupons", "promo", "deals",
    "insurance", "loan", "loans", "payday", "mortgage", "mortgages", "casino", "casinos",
    "betting", "poker", "slots", "viagra", "cialis", "pharmacy", "replica", "forex",
    # German, Spanish, Portuguese, Italian, Polish
    "kaufen", "günstig", "billig", "versicherung", "kredit", "comprar", "barato", "barata",
    "préstamo", "préstamos", "empréstimo", "empréstimos", "prestito", "prestiti",
    "assicurazione", "sconto", "kasyno", "pożyczka", "pożyczki",
    # Russian, Chinese, Japanese
    "купить", "дешево", "займ", "займы", "казино", "购买", "贷款", "赌场", "博彩", "激安",
    "格安", "通販", "カジノ",
)  # fmt: skip
"""Words that make an anchor commercial when no ``--keyword`` is given: whole words in any case;
words outside ASCII match anywhere in the anchor, as brands and keywords do in anchors.py."""

_MONEY_WORDS = frozenset(w.casefold() for w in MONEY_WORDS if w.isascii())
_MONEY_PARTS = tuple(w.casefold() for w in MONEY_WORDS if not w.isascii())


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def _names(names: Sequence[str], shown: int = NAMES_SHOWN) -> str:
    """``a, b, c`` — the first ``shown``, then how many more."""
    head = ", ".join(names[:shown])
    return head if len(names) <= shown else f"{head} and {len(names) - shown:,} more"


# -- the signals: pure functions over the rows of ``linkatlas.store.risk_queries`` ----------

Found = dict[int, RiskSignal]
"""Signals of one kind, by referring domain id."""


def sitewide_signals(
    rows: Iterable[BoilerplateRow],
    *,
    min_pages: int = SITEWIDE_MIN_PAGES,
    min_share: float = SITEWIDE_MIN_SHARE,
) -> Found:
    """Domains linking from boilerplate positions of many of their captured pages."""
    found: Found = {}
    for row in rows:
        share = row.linking_pages / row.captured_pages if row.captured_pages else 0.0
        if row.linking_pages < min_pages or share < min_share:
            continue
        detail = (
            f"links from the {'/'.join(row.positions)} of {row.linking_pages:,} of its "
            f"{_plural(row.captured_pages, 'captured page')} ({share:.0%})"
        )
        found[row.domain_id] = RiskSignal("sitewide", detail, row.urls[:EVIDENCE_URLS])
    return found


def reciprocal_signals(
    rows: Iterable[ReturnLinkRow], evidence: Mapping[int, list[str]], *, target_domain: str
) -> Found:
    """Domains the target's domain links back to."""
    found: Found = {}
    for row in rows:
        pages = evidence.get(row.domain_id, [])
        if not pages:
            continue
        detail = (
            f"{target_domain} links back from {_plural(row.pages, 'page')} ({_names(row.urls, 3)})"
        )
        found[row.domain_id] = RiskSignal("reciprocal", detail, pages[:EVIDENCE_URLS])
    return found


def _needed(size: int, share: float) -> int:
    """Mutual partners a member of a group of ``size`` needs: ``share`` of the others."""
    return ceil(share * (size - 1) - 1e-9)


def _core(adjacent: Mapping[int, set[int]], nodes: set[int], degree: int) -> set[int]:
    """The nodes left after removing, again and again, those with fewer than ``degree``
    neighbours among the nodes left."""
    alive = set(nodes)
    low = [n for n in alive if len(adjacent[n] & alive) < degree]
    while low:
        alive.difference_update(low)
        touched = {m for n in low for m in adjacent[n] & alive}
        low = [m for m in touched if len(adjacent[m] & alive) < degree]
    return alive


def _components(adjacent: Mapping[int, set[int]], nodes: set[int]) -> list[set[int]]:
    left, parts = set(nodes), []
    while left:
        start = min(left)
        part, todo = {start}, [start]
        while todo:
            for m in adjacent[todo.pop()] & left:
                if m not in part:
                    part.add(m)
                    todo.append(m)
        left -= part
        parts.append(part)
    return parts


def _peel(
    adjacent: Mapping[int, set[int]], part: set[int], min_size: int, share: float
) -> tuple[set[int], set[int]]:
    """Remove the member with fewest partners until every member left has enough.

    Returns (the group, the members removed), or (empty set, part) when too few are left.
    """
    alive = set(part)
    degree = {n: len(adjacent[n] & alive) for n in alive}
    heap = [(d, n) for n, d in degree.items()]
    heapq.heapify(heap)
    removed: set[int] = set()
    while len(alive) >= min_size:
        d, n = heap[0]
        if n not in alive or d != degree[n]:
            heapq.heappop(heap)  # a stale entry
            continue
        if d >= _needed(len(alive), share):
            return alive, removed
        heapq.heappop(heap)
        alive.remove(n)
        removed.add(n)
        for m in adjacent[n] & alive:
            degree[m] -= 1
            heapq.heappush(heap, (degree[m], m))
    return set(), set(part)


def find_link_farms(
    pairs: Iterable[tuple[int, int]],
    *,
    min_size: int = FARM_MIN_DOMAINS,
    share: float = FARM_MIN_SHARE,
) -> list[list[int]]:
    """Groups of at least ``min_size`` nodes, each linked both ways with at least ``share`` of
    the others; ``pairs`` are the nodes that link each other. Largest groups first."""
    adjacent: dict[int, set[int]] = defaultdict(set)
    for a, b in pairs:
        if a != b:
            adjacent[a].add(b)
            adjacent[b].add(a)
    floor = _needed(min_size, share)
    work = _components(adjacent, _core(adjacent, set(adjacent), floor))
    groups: list[list[int]] = []
    while work:
        part = work.pop()
        if len(part) < min_size:
            continue
        group, rest = _peel(adjacent, part, min_size, share)
        if group:
            groups.append(sorted(group))
            work.extend(_components(adjacent, _core(adjacent, rest, floor)))
    return sorted(groups, key=lambda g: (-len(g), g))


def link_farm_signals(
    groups: Iterable[Sequence[int]], names: Mapping[int, str], evidence: Mapping[int, list[str]]
) -> Found:
    """Every member of a link farm, with the group named in the detail."""
    found: Found = {}
    for group in groups:
        members = sorted(names.get(d, str(d)) for d in group)
        detail = f"{len(members):,} domains link each other ({_names(members)})"
        for domain_id in group:
            pages = evidence.get(domain_id, [])
            if pages and domain_id not in found:
                found[domain_id] = RiskSignal("link_farm", detail, pages[:EVIDENCE_URLS])
    return found


def has_money_word(anchor: str) -> bool:
    """The anchor holds a word of :data:`MONEY_WORDS`."""
    anchor_words = words(anchor)
    if _MONEY_WORDS.intersection(anchor_words):
        return True
    glued = "".join(anchor_words)
    return any(part in glued for part in _MONEY_PARTS)


def is_commercial_anchor(anchor: str, rules: AnchorRules) -> bool:
    """Exact match of a keyword; without keywords, an ``other`` anchor with a money word."""
    category = categorize_anchor(anchor, image=False, rules=rules)
    if rules.keywords:
        return category == "exact"
    return category == "other" and has_money_word(anchor)


def commercial_anchor_signals(
    rows: Iterable[AnchorUseRow],
    followed: Mapping[int, int],
    ratings: Mapping[int, float] | None,
    *,
    exact: bool,
    low_dr: float = LOW_DR,
    min_share: float = COMMERCIAL_MIN_SHARE,
) -> Found:
    """Domains whose followed backlinks (``followed``, by domain) have commercial anchors in
    ``min_share`` of cases or more, and whose DR is below ``low_dr``.

    ``ratings`` None means the snapshot is not ranked: DR is left out of the rule.
    """
    found: Found = {}
    kind = "exact-match" if exact else "commercial"
    for row in rows:
        total = followed.get(row.domain_id, 0)
        if not total or row.backlinks / total < min_share:
            continue
        if ratings is None:
            dr_text = "DR unknown (the snapshot is not ranked)"
        else:
            dr = ratings.get(row.domain_id)
            if dr is None or dr >= low_dr:
                continue
            dr_text = f"DR {dr:g}, below {low_dr:g}"
        quoted = [f'"{anchor}"' for anchor in row.anchors]
        detail = (
            f"{row.backlinks:,} of its {_plural(total, 'followed backlink')} with {kind} "
            f"anchors ({_names(quoted, 5)}), {dr_text}"
        )
        found[row.domain_id] = RiskSignal(
            "commercial_anchor_low_dr", detail, row.urls[:EVIDENCE_URLS]
        )
    return found


def many_outlinks_signals(
    rows: Iterable[OutlinkRow], *, min_outlinks: int = MANY_OUTLINKS
) -> Found:
    """Domains with linking pages of ``min_outlinks`` external outlinks or more."""
    found: Found = {}
    for row in rows:
        if row.max_outlinks < min_outlinks:
            continue
        detail = (
            f"{_plural(row.pages, 'linking page')} with {min_outlinks:,} or more external outlinks "
            f"(up to {row.max_outlinks:,})"
        )
        found[row.domain_id] = RiskSignal("many_outlinks", detail, row.urls[:EVIDENCE_URLS])
    return found


def ip_network(ip: str) -> str | None:
    """The /24 (IPv4) or /48 (IPv6) network of an address; None when it is not one."""
    try:
        address = ipaddress.ip_address(ip.strip().strip("[]"))
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    prefix = IPV4_PREFIX if address.version == 4 else IPV6_PREFIX
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


@dataclass(slots=True)
class _Network:
    ips: set[str]
    urls: dict[int, list[str]]
    """Linking pages by referring domain."""


def shared_ip_signals(
    rows: Iterable[IpRow],
    names: Mapping[int, str],
    *,
    min_domains: int = SHARED_IP_MIN_DOMAINS,
) -> Found:
    """Domains sharing a /24 (or /48) with at least ``min_domains - 1`` other referring domains."""
    networks: dict[str, _Network] = {}
    for row in rows:
        network = ip_network(row.ip)
        if network is not None:
            entry = networks.setdefault(network, _Network(set(), {}))
            entry.ips.add(row.ip)
            entry.urls.setdefault(row.domain_id, []).extend(row.urls)
    crowded = sorted(
        ((network, entry) for network, entry in networks.items() if len(entry.urls) >= min_domains),
        key=lambda item: (-len(item[1].urls), item[0]),
    )
    found: Found = {}
    for network, entry in crowded:
        members = sorted(names.get(d, str(d)) for d in entry.urls)
        place = f"one IP, {next(iter(entry.ips))}" if len(entry.ips) == 1 else network
        detail = f"{len(members):,} referring domains on {place} ({_names(members)})"
        for domain_id, urls in entry.urls.items():
            if domain_id not in found:
                evidence = sorted(set(urls))[:EVIDENCE_URLS]
                found[domain_id] = RiskSignal("shared_ip", detail, evidence)
    return found


def trust_gaps(scores: Mapping[int, tuple[float, float]]) -> dict[int, tuple[float, float]]:
    """The (DR, trust) of the domains whose DR stands ``TRUST_GAP`` points above trust."""
    return {d: (dr, trust) for d, (dr, trust) in scores.items() if has_trust_gap(dr, trust)}


def trust_gap_signals(
    gaps: Mapping[int, tuple[float, float]], evidence: Mapping[int, list[str]]
) -> Found:
    found: Found = {}
    for domain_id, (dr, trust) in gaps.items():
        pages = evidence.get(domain_id, [])
        if pages:
            detail = (
                f"DR {dr:g} but trust {trust:g}: {round(dr - trust, 2):g} points apart "
                f"(flagged from {TRUST_GAP:g})"
            )
            found[domain_id] = RiskSignal("dr_trust_gap", detail, pages[:EVIDENCE_URLS])
    return found


# -- the report ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Assessment:
    """Every referring domain of a target showing a signal (most signals first), and what
    could be checked."""

    scope: Scope
    ranked: bool
    trust: bool
    brands: list[str]
    keywords: list[str]
    referring_domains: int
    domains: list[RiskDomain]
    signal_counts: dict[str, int | None]
    notes: list[str]


def _reciprocal(con: duckdb.DuckDBPyConnection, scope: Scope) -> Found:
    rows = risk_queries.return_links(con, scope.where, scope.params, cap=EVIDENCE_URLS)
    evidence = risk_queries.linking_pages(
        con, scope.where, scope.params, [r.domain_id for r in rows], cap=EVIDENCE_URLS
    )
    return reciprocal_signals(rows, evidence, target_domain=scope.target.domain)


def _link_farm(con: duckdb.DuckDBPyConnection, scope: Scope, names: Mapping[int, str]) -> Found:
    pairs = risk_queries.mutual_link_pairs(
        con, scope.where, scope.params, max_domains=FARM_MAX_DOMAINS
    )
    groups = find_link_farms(pairs)
    members = sorted({d for group in groups for d in group})
    evidence = risk_queries.linking_pages(
        con, scope.where, scope.params, members, cap=EVIDENCE_URLS
    )
    return link_farm_signals(groups, names, evidence)


def _commercial(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    refs: Sequence[ReferringDomainRow],
    rules: AnchorRules,
    ranked: bool,
) -> Found:
    pairs = risk_queries.followed_anchor_groups(con, scope.where, scope.params)
    chosen = sorted({a for a, image in pairs if not image and is_commercial_anchor(a, rules)})
    rows = risk_queries.anchor_uses(con, scope.where, scope.params, chosen, cap=EVIDENCE_URLS)
    ratings = (
        report_queries.domain_ratings(con, [r.domain_id for r in rows], scope.snapshot.snapshot_id)
        if ranked
        else None
    )
    followed = {r.domain_id: r.followed_backlinks for r in refs}
    return commercial_anchor_signals(rows, followed, ratings, exact=bool(rules.keywords))


def _trust_gap(
    con: duckdb.DuckDBPyConnection, scope: Scope, refs: Sequence[ReferringDomainRow]
) -> Found:
    followed = [r.domain_id for r in refs if r.followed_backlinks]
    gaps = trust_gaps(risk_queries.trust_scores(con, followed, scope.snapshot.snapshot_id))
    evidence = risk_queries.linking_pages(
        con, scope.where, scope.params, sorted(gaps), cap=EVIDENCE_URLS
    )
    return trust_gap_signals(gaps, evidence)


def _signals(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    refs: Sequence[ReferringDomainRow],
    rules: AnchorRules,
    scores: tuple[bool, bool],
) -> dict[RiskSignalName, Found]:
    where, params = scope.where, scope.params
    names = {r.domain_id: r.domain for r in refs}
    ranked, trust = scores
    found: dict[RiskSignalName, Found] = {
        "sitewide": sitewide_signals(
            risk_queries.boilerplate_links(
                con,
                where,
                params,
                positions=SITEWIDE_POSITIONS,
                min_pages=SITEWIDE_MIN_PAGES,
                cap=EVIDENCE_URLS,
            )
        ),
        "reciprocal": _reciprocal(con, scope),
        "link_farm": _link_farm(con, scope, names),
        "commercial_anchor_low_dr": _commercial(con, scope, refs, rules, ranked),
        "many_outlinks": many_outlinks_signals(
            risk_queries.crowded_pages(
                con, where, params, min_outlinks=MANY_OUTLINKS, cap=EVIDENCE_URLS
            )
        ),
        "shared_ip": shared_ip_signals(
            risk_queries.linking_page_ips(con, where, params, cap=EVIDENCE_URLS), names
        ),
    }
    if trust:
        found["dr_trust_gap"] = _trust_gap(con, scope, refs)
    return found


def _notes(
    scope: Scope, ranked: bool, trust: bool, keywords: Sequence[str], followed: int
) -> list[str]:
    notes = []
    if not ranked:
        notes.append(
            f"snapshot {scope.snapshot.name} is not ranked: DR is unknown, so "
            "commercial_anchor_low_dr flags commercial anchors from any domain (run linkatlas rank)"
        )
    if not trust:
        notes.append(
            "trust is not computed: dr_trust_gap was not checked "
            "(run linkatlas rank --seeds TRUSTED_DOMAIN,...)"
        )
    if not keywords:
        notes.append(
            "no --keyword given: commercial anchors are those with money words "
            f"({_names(MONEY_WORDS, 8)})"
        )
    if followed > FARM_MAX_DOMAINS:
        notes.append(
            f"link_farm looked at the {FARM_MAX_DOMAINS:,} referring domains with most "
            f"followed backlinks, of {followed:,}"
        )
    return notes


def assess(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    *,
    brands: Sequence[str] = (),
    keywords: Sequence[str] = (),
) -> Assessment:
    """Every signal of every referring domain of the scope's target (see the module doc)."""
    refs = risk_queries.referring_domains(con, scope.where, scope.params)
    default_brand = brand_from_domain(scope.target.domain)
    brand_terms = list(brands) or ([default_brand] if default_brand else [])
    rules = anchor_rules(brand_terms, keywords)
    ranked, trust = risk_queries.score_status(con, scope.snapshot.snapshot_id)
    found = _signals(con, scope, refs, rules, (ranked, trust))
    flagged = {d for signals in found.values() for d in signals}
    ratings = report_queries.domain_ratings(con, sorted(flagged), scope.snapshot.snapshot_id)
    domains = [
        RiskDomain(
            domain=ref.domain,
            dr=ratings.get(ref.domain_id),
            backlinks=ref.backlinks,
            followed_backlinks=ref.followed_backlinks,
            signals=[
                found[name][ref.domain_id]
                for name in RISK_SIGNALS
                if ref.domain_id in found.get(name, {})
            ],
        )
        for ref in refs
        if ref.domain_id in flagged
    ]
    domains.sort(key=lambda d: (-len(d.signals), -d.followed_backlinks, d.domain))
    followed = sum(1 for r in refs if r.followed_backlinks)
    return Assessment(
        scope=scope,
        ranked=ranked,
        trust=trust,
        brands=brand_terms,
        keywords=list(keywords),
        referring_domains=len(refs),
        domains=domains,
        signal_counts={n: len(found[n]) if n in found else None for n in RISK_SIGNALS},
        notes=_notes(scope, ranked, trust, keywords, followed),
    )


def risk(
    con: duckdb.DuckDBPyConnection,
    target: str,
    *,
    resolver: DomainResolver,
    mode: str = "domain",
    snapshot: str | None = None,
    brands: Sequence[str] = (),
    keywords: Sequence[str] = (),
    limit: int = 100,
) -> RiskReport:
    """The target's referring domains showing link-scheme signals, with the URLs behind each."""
    scope = report_scope(con, target, mode, snapshot, resolver)
    parsed = scope.target
    found = assess(con, scope, brands=brands, keywords=keywords)
    rows = row_limit(limit)
    return RiskReport(
        target=parsed.text,
        mode=parsed.mode,
        snapshot=scope.snapshot.name,
        ranked=found.ranked,
        trust=found.trust,
        brands=found.brands,
        keywords=found.keywords,
        referring_domains=found.referring_domains,
        total=len(found.domains),
        items=found.domains if rows is None else found.domains[:rows],
        signal_counts=found.signal_counts,
        notes=found.notes,
    )
