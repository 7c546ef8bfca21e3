"""Typed, frozen records: the contract between the pipeline stages.

sources → :class:`FetchedPage` → extract → :class:`Link` + :class:`PageInfo` → store.
Report records live in ``linkatlas.analyze.reports``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

import msgspec

LinkKind = Literal["a", "area", "redirect", "canonical", "refresh"]
Position = Literal["main", "nav", "header", "footer", "aside"]

LINK_KINDS: tuple[LinkKind, ...] = ("a", "area", "redirect", "canonical", "refresh")
POSITIONS: tuple[Position, ...] = ("main", "nav", "header", "footer", "aside")
BACKLINK_KINDS: tuple[LinkKind, ...] = ("a", "area", "redirect", "refresh")
"""Kinds that count as backlinks in reports (a canonical hint is a link, not a backlink)."""


@dataclass(frozen=True, slots=True)
class FetchedPage:
    """One HTTP response as a source delivers it, before extraction."""

    url: str
    captured_at: datetime
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    content_type: str | None = None
    charset: str | None = None
    ip: str | None = None
    location: str | None = None

    def header(self, name: str) -> str | None:
        """The first value of an HTTP header, matched case-insensitively."""
        lowered = name.lower()
        for key, value in self.headers:
            if key.lower() == lowered:
                return value
        return None


class Link(msgspec.Struct, frozen=True, gc=False):
    """One hyperlink occurrence on a page (see DESIGN.md, "Records").

    A msgspec Struct rather than a dataclass: extraction builds one per link, tens of
    thousands per second, and a Struct is built several times faster, still frozen and typed.
    """

    url: str
    """The resolved, absolute target URL, fragment dropped."""
    anchor: str
    rel: tuple[str, ...]
    nofollow: bool
    sponsored: bool
    ugc: bool
    kind: LinkKind
    image: bool
    position: Position
    internal: bool
    host: str
    domain: str
    """Registrable domain of the target."""

    @property
    def followed(self) -> bool:
        return not (self.nofollow or self.sponsored or self.ugc)


@dataclass(frozen=True, slots=True)
class PageInfo:
    """What extraction learns about the page itself."""

    url: str
    host: str
    domain: str
    title: str | None
    canonical_url: str | None
    robots_nofollow: bool
    robots_noindex: bool
    base_url: str


@dataclass(slots=True)
class ExtractStats:
    """Counts of one or many extractions: links kept and dropped, by reason."""

    pages: int = 0
    links_kept: int = 0
    dropped: dict[str, int] = field(default_factory=dict)
    capped: int = 0
    """Pages cut short because their elements nest too deep (see ``extract.guards``)."""

    def drop(self, reason: str, count: int = 1) -> None:
        self.dropped[reason] = self.dropped.get(reason, 0) + count

    def merge(self, other: ExtractStats) -> None:
        self.pages += other.pages
        self.links_kept += other.links_kept
        self.capped += other.capped
        for reason, count in other.dropped.items():
            self.drop(reason, count)

    @property
    def links_dropped(self) -> int:
        return sum(self.dropped.values())

    def as_dict(self) -> dict[str, object]:
        return {
            "pages": self.pages,
            "links_kept": self.links_kept,
            "links_dropped": self.links_dropped,
            "dropped": dict(sorted(self.dropped.items())),
            "capped": self.capped,
        }


@dataclass(frozen=True, slots=True)
class ExtractedPage:
    """The result of extracting one page: its facts, its links and the counts."""

    page: PageInfo
    links: tuple[Link, ...]
    stats: ExtractStats
