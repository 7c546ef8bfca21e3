"""Report records: what every report returns. JSON keys are these field names."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

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
