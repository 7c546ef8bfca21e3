"""Report records: what every report returns. JSON keys are these field names."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import ClassVar, Literal

TargetMode = Literal["exact", "prefix", "host", "domain"]
TARGET_MODES: tuple[TargetMode, ...] = ("exact", "prefix", "host", "domain")


@dataclass(frozen=True, slots=True)
class Target:
    """What a report is about, parsed for its mode."""

    text: str
    """The target as shown in reports: a URL, URL prefix, host or registrable domain."""
    mode: TargetMode
    domain: str
    host: str | None = None
    urls: tuple[str, ...] = ()
    """Exact URLs (mode ``exact``) or URL prefixes (mode ``prefix``); both schemes if none given."""


@dataclass(frozen=True, slots=True)
class SnapshotInfo:
    name: str
    date: str


@dataclass(frozen=True, slots=True)
class Backlink:
    source_url: str
    target_url: str
    anchor: str
    kind: str
    rel: list[str]
    nofollow: bool
    sponsored: bool
    ugc: bool
    image: bool
    position: str
    source_domain: str
    first_seen: datetime
    last_seen: datetime


@dataclass(frozen=True, slots=True)
class BacklinksReport:
    target: str
    mode: TargetMode
    snapshot: str
    total: int
    items: list[Backlink]


@dataclass(frozen=True, slots=True)
class RefDomain:
    domain: str
    backlinks: int
    followed_backlinks: int
    first_seen: datetime
    last_seen: datetime
    dr: float | None = None
    """Domain Rating of the referring domain; None until the snapshot is ranked."""


@dataclass(frozen=True, slots=True)
class RefDomainsReport:
    target: str
    mode: TargetMode
    snapshot: str
    total: int
    items: list[RefDomain]


@dataclass(frozen=True, slots=True)
class AnchorCount:
    anchor: str
    backlinks: int
    referring_domains: int


@dataclass(frozen=True, slots=True)
class PageCount:
    url: str
    backlinks: int
    referring_domains: int
    ur: float | None = None
    """URL Rating of the page; None until the snapshot is ranked."""


@dataclass(frozen=True, slots=True)
class ProfileReport:
    target: str
    mode: TargetMode
    snapshot: str
    backlinks: int
    referring_domains: int
    referring_pages: int
    followed_backlinks: int
    nofollow: int
    sponsored: int
    ugc: int
    image: int
    top_anchors: list[AnchorCount]
    top_referring_domains: list[RefDomain]
    top_pages: list[PageCount]
    dr: float | None = None
    """Domain Rating of the target's domain; None until the snapshot is ranked."""


# -- anchors, competitors and opportunities, disavow (analyze/anchors.py, opportunities.py) --

AnchorCategory = Literal[
    "branded", "exact", "partial", "naked_url", "generic", "image", "empty", "other"
]
ANCHOR_CATEGORIES: tuple[AnchorCategory, ...] = (
    "branded", "exact", "partial", "naked_url", "generic", "image", "empty", "other",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class CategoryCount:
    category: AnchorCategory
    backlinks: int
    referring_domains: int
    share: float
    """Share of the target's referring domains linking with an anchor of this category."""


@dataclass(frozen=True, slots=True)
class AnchorItem:
    anchor: str
    category: AnchorCategory
    backlinks: int
    referring_domains: int


@dataclass(frozen=True, slots=True)
class ExactMatchDomain:
    """A referring domain linking with exact-match anchors: evidence of over-optimisation."""

    domain: str
    dr: float | None
    backlinks: int
    anchors: list[str]


@dataclass(frozen=True, slots=True)
class AnchorsReport:
    target: str
    mode: TargetMode
    snapshot: str
    brands: list[str]
    keywords: list[str]
    backlinks: int
    referring_domains: int
    categories: list[CategoryCount]
    total: int
    items: list[AnchorItem]
    exact_share: float
    exact_share_threshold: float
    over_optimized: bool
    exact_match_anchors: list[AnchorCount]
    exact_match_domains: list[ExactMatchDomain]


@dataclass(frozen=True, slots=True)
class CompetitorLinks:
    competitor: str
    backlinks: int
    linked_pages: int
    pages: list[str]
    """The competitor's pages the domain links to (the first ones, by URL)."""


@dataclass(frozen=True, slots=True)
class IntersectDomain:
    domain: str
    dr: float | None
    backlinks: int
    links_to: list[CompetitorLinks]


@dataclass(frozen=True, slots=True)
class IntersectReport:
    target: str | None
    competitors: list[str]
    mode: TargetMode
    snapshot: str
    min_competitors: int
    total: int
    items: list[IntersectDomain]


@dataclass(frozen=True, slots=True)
class BrokenBacklink:
    source_url: str
    source_domain: str
    dr: float | None
    target_url: str
    anchor: str
    followed: bool
    status: int
    """The HTTP status that makes the link broken (of ``final_url``)."""
    final_url: str
    """The URL that answered ``status``: ``target_url`` itself, or where its redirects lead."""
    redirects: int


@dataclass(frozen=True, slots=True)
class BrokenReport:
    target: str
    mode: TargetMode
    snapshot: str
    total: int
    referring_domains: int
    broken_pages: int
    items: list[BrokenBacklink]


@dataclass(frozen=True, slots=True)
class LinkedPage:
    url: str
    ur: float | None
    backlinks: int
    referring_domains: int
    followed_backlinks: int
    first_seen: datetime


@dataclass(frozen=True, slots=True)
class PagesReport:
    target: str
    mode: TargetMode
    snapshot: str
    total: int
    items: list[LinkedPage]


@dataclass(frozen=True, slots=True)
class OutlinkDomain:
    domain: str
    dr: float | None
    links: int
    followed_links: int
    linking_pages: int
    linked_pages: int


@dataclass(frozen=True, slots=True)
class OutlinksReport:
    source: str
    mode: TargetMode
    snapshot: str
    links: int
    followed_links: int
    total: int
    items: list[OutlinkDomain]


@dataclass(frozen=True, slots=True)
class DisavowEntry:
    """One ``domain:`` line of a disavow file and why it is there (written as comments)."""

    domain: str
    reasons: list[str]


@dataclass(frozen=True, slots=True)
class DisavowReport:
    target: str
    snapshot: str
    out: str | None
    total: int
    items: list[DisavowEntry]


@dataclass(frozen=True, slots=True)
class DisavowProblem:
    line: int
    """1-based line number; 0 for a problem of the whole file (name, size, line count)."""
    problem: str


@dataclass(frozen=True, slots=True)
class DisavowCheckReport:
    file: str
    valid: bool
    encoding: str | None
    """``ascii``, ``utf-8``, or None when the file is neither."""
    bytes: int
    lines: int
    domains: int
    urls: int
    comments: int
    blank_lines: int
    problems: list[DisavowProblem]


@dataclass(frozen=True, slots=True)
class HistoryPoint:
    snapshot: str
    date: date
    backlinks: int
    referring_domains: int
    followed_share: float
    """Followed backlinks / backlinks (0 when there are none)."""
    dr: float | None
    """Domain Rating of the target's domain in that snapshot, when ranked (domain mode)."""
    new_referring_domains: int
    lost_referring_domains: int


@dataclass(frozen=True, slots=True)
class HistoryReport:
    target: str
    mode: TargetMode
    items: list[HistoryPoint]


LostReason = Literal["link_removed", "page_gone", "page_redirected", "became_nofollow"]


@dataclass(frozen=True, slots=True)
class LinkChange:
    source_url: str
    target_url: str
    anchor: str
    reason: str | None = None
    """Why a lost link is lost (see ``LostReason``); None for new and not-observed links."""


@dataclass(frozen=True, slots=True)
class ChangesReport:
    JSON_NAMES: ClassVar[dict[str, str]] = {"from_snapshot": "from", "to_snapshot": "to"}
    """JSON keys that differ from the field names (``from`` is a Python keyword)."""

    target: str
    mode: TargetMode
    from_snapshot: str
    to_snapshot: str
    new_total: int
    lost_total: int
    not_observed_total: int
    lost_by_reason: dict[str, int]
    new: list[LinkChange]
    lost: list[LinkChange]
    not_observed: list[LinkChange]


# --- authority: rank, top, explain (issue 4) ---


@dataclass(frozen=True, slots=True)
class RankReport:
    """What ``linkatlas rank`` computed for one snapshot, and how long each step took."""

    snapshot: str
    formula_version: int
    formula: str
    pages: int
    """Nodes of the page graph: every URL of the snapshot, captured or linked to."""
    page_links: int
    """Edges of the page graph: distinct followed page→page links."""
    domains: int
    domain_links: int
    """Edges of the domain graph: distinct followed domain→domain pairs."""
    iterations: dict[str, int]
    """Power iterations of ``ur``, ``dr`` and (with seeds) ``trust``."""
    seconds: dict[str, float]
    trust_seeds: list[str] | None
    """The seed domains found in the snapshot; None when no seeds were given."""
    trust_seeds_missing: list[str]
    ur_histogram: list[int]
    """URLs per band of 10 UR points: [0, 10), [10, 20), … [90, 100]."""
    dr_histogram: list[int]


@dataclass(frozen=True, slots=True)
class TopDomain:
    domain: str
    pagerank: float
    dr: float
    trustrank: float | None
    trust: float | None
    trust_gap: bool | None
    """DR at least ``TRUST_GAP`` points above trust; None without trust seeds."""
    referring_domains: int
    """Distinct domains linking to it with a followed link."""


@dataclass(frozen=True, slots=True)
class TopDomainsReport:
    snapshot: str
    formula_version: int
    trust_seeds: list[str] | None
    total: int
    items: list[TopDomain]


@dataclass(frozen=True, slots=True)
class TopPage:
    url: str
    pagerank: float
    ur: float
    inlinks: int
    """Distinct pages (internal ones included) linking to it with a followed link."""


@dataclass(frozen=True, slots=True)
class TopPagesReport:
    snapshot: str
    formula_version: int
    total: int
    items: list[TopPage]


@dataclass(frozen=True, slots=True)
class Contribution:
    source: str
    """A referring domain (DR) or referring page (UR)."""
    pagerank: float
    rating: float
    """The source's own DR or UR."""
    outlinks: int
    """Distinct domains (DR) or pages (UR) the source passes equity to."""
    share: float
    """Part of the target's PageRank this source brings: damping · pagerank / outlinks / whole."""


@dataclass(frozen=True, slots=True)
class ExplainReport:
    target: str
    mode: TargetMode
    snapshot: str
    score: Literal["dr", "ur"]
    pagerank: float
    rating: float
    formula_version: int
    formula: str
    trust: float | None
    trust_gap: bool | None
    base_share: float
    """Part every node gets without links (teleport and redistributed dangling mass)."""
    other_share: float
    """Part brought by the contributors beyond ``--limit``; shares + base + other = 1."""
    total: int
    items: list[Contribution]


# --- risk: link-scheme signals with evidence (issue 5; analyze/risk.py) ---

RiskSignalName = Literal[
    "sitewide",
    "reciprocal",
    "link_farm",
    "commercial_anchor_low_dr",
    "many_outlinks",
    "shared_ip",
    "dr_trust_gap",
]
RISK_SIGNALS: tuple[RiskSignalName, ...] = (
    "sitewide", "reciprocal", "link_farm", "commercial_anchor_low_dr", "many_outlinks",
    "shared_ip", "dr_trust_gap",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class RiskSignal:
    """One link-scheme signal of a referring domain, and the pages that show it."""

    signal: RiskSignalName
    detail: str
    """What was seen, in words, with the numbers behind it."""
    evidence: list[str]
    """The domain's pages linking to the target that show the signal (the first ones)."""


@dataclass(frozen=True, slots=True)
class RiskDomain:
    domain: str
    dr: float | None
    backlinks: int
    followed_backlinks: int
    signals: list[RiskSignal]


@dataclass(frozen=True, slots=True)
class RiskReport:
    target: str
    mode: TargetMode
    snapshot: str
    ranked: bool
    """The snapshot has DR scores; without them DR is not part of any signal."""
    trust: bool
    """The snapshot has trust scores (ranked with seeds); without them no ``dr_trust_gap``."""
    brands: list[str]
    keywords: list[str]
    referring_domains: int
    total: int
    """Referring domains showing at least one signal."""
    items: list[RiskDomain]
    signal_counts: dict[str, int | None]
    """Domains per signal, every signal named; None for a signal that was not checked."""
    notes: list[str]
    """What the report could not look at, and why."""
