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
