"""A deterministic sample web (a few dozen sites, a few thousand pages) as a ``.warc.gz`` file.

:func:`plan_web` draws the sites once (domains, hosts, IPs, popularity, partners, blogrolls,
special pages); :mod:`linkatlas.sources.sample_pages` plans and renders each page. Month k >= 1
is the same web k calendar months later: :func:`plan_timeline` draws each month's changes from
the seed and the month number (links gained on existing and new pages; links removed, pages
gone, redirected or not recrawled, links turned nofollow/sponsored/ugc; two sites gaining
referring domains, one losing some) and applies them on top of the month-0 plans, so a link
that did not change keeps its href, kind and order on its page (the store's backlink identity).
"""

from __future__ import annotations

import calendar
import itertools
import logging
import random
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from pathlib import Path
from typing import Literal, get_args
from urllib.parse import urljoin

from fastwarc.warc import WarcRecordType

from linkatlas.errors import InputError
from linkatlas.sources.sample_pages import (
    LinkPlan,
    PagePlan,
    Site,
    SiteKind,
    Web,
    external_link,
    page_url,
    pick_site,
    plan_page,
    record_id,
    render_response,
    topics,
    warc_date,
    words,
    write_record,
    write_warcinfo,
)

__all__ = [
    "CHANGE_KINDS", "ChangeKind", "PlannedChange", "SampleWebSummary", "add_months",
    "generate_sample_web",
]  # fmt: skip

log = logging.getLogger(__name__)

_SUFFIXES = ("com", "org", "net", "co.uk", "de", "io", "fr", "com.au", "nl", "ca")
_SUFFIX_WEIGHTS = (45, 12, 6, 10, 8, 7, 3, 4, 3, 2)
_RESERVED_FIRST_OCTETS = frozenset((10, 100, 127, 169, 172, 185, 192, 198, 203))
_DEFAULT_CAPTURE = datetime(2026, 1, 15, tzinfo=UTC)

ChangeKind = Literal[
    "gained", "link_removed", "page_gone", "page_redirected", "became_nofollow", "not_recrawled"
]
CHANGE_KINDS: tuple[ChangeKind, ...] = get_args(ChangeKind)
_LOST = CHANGE_KINDS[1:]
_UNFOLLOW = frozenset(("nofollow", "sponsored", "ugc"))
_TRIES = 60  # pages drawn to find one that fits a case
# Cases a month (lost of each kind, gained on old pages, new pages) by (featured, small web).
_COUNTS = {
    (True, False): ((2, 3), (4, 7), (2, 3)), (True, True): ((1, 1), (2, 4), (1, 2)),
    (False, False): ((1, 2), (1, 3), (0, 2)), (False, True): ((0, 1), (0, 2), (0, 1)),
}  # fmt: skip
_REL_OK = frozenset(("main", "figure", "aside", "footer"))  # rel written (not area, not comment)


@dataclass(frozen=True, slots=True)
class PlannedChange:
    """A backlink to the featured site that changed since the previous month.

    ``target_url`` is the link's href resolved against ``source_url``, fragment dropped.
    ``not_recrawled`` means the page is missing from the month's WARC (not observed, not lost).
    """

    kind: ChangeKind
    source_url: str
    target_url: str


@dataclass(frozen=True, slots=True)
class SampleWebSummary:
    """What :func:`generate_sample_web` wrote."""

    path: Path
    sites: tuple[str, ...]
    pages: int
    links: int
    featured_site: str
    link_farm: tuple[str, ...]
    changes: tuple[PlannedChange, ...] = ()  # versus the previous month, featured site only
    month: int = 0
    captured_at: datetime = _DEFAULT_CAPTURE  # when the month's crawl started (UTC)


# ---------------------------------------------------------------- plan: sites


def plan_web(*, seed: int, sites: int, pages_per_site: int) -> Web:
    """Draw every site: normal ones by popularity rank (0 is featured), money sites, the farm."""
    rng = random.Random(seed)
    farm_n = min(rng.randint(5, 8), sites // 4)
    money_n = min(2 if sites >= 30 else 1, farm_n)
    normal_n = sites - farm_n - money_n
    weights = [1 / (rank + 1) ** 1.1 for rank in range(normal_n)] + [0.5 / normal_n**1.1] * money_n
    cum = tuple(itertools.accumulate(weights + [0.0] * farm_n))
    money = tuple(range(normal_n, normal_n + money_n))
    private_n = 0 if normal_n < 10 else max(2, normal_n // 20)
    private = rng.sample(range(normal_n // 3, normal_n), private_n)
    specials = _plan_specials(rng, normal_n, pages_per_site, private)
    used_domains: set[str] = set()
    used_prefixes: set[str] = set()
    farm_ips = _farm_ips(rng, farm_n, used_prefixes)
    drawn: list[Site] = []
    for index in range(sites):
        kind: SiteKind = "normal" if index < normal_n else "money" if index in money else "farm"
        suffix = ("github.io", "blogspot.com")[private.index(index) % 2] if index in private else ""
        site = _draw_site(rng, index, kind, private_suffix=suffix, used=used_domains)
        site = _draw_policy(rng, site, cum=cum, money=money)
        ip = f"{_draw_prefix(rng, used_prefixes)}.{rng.randint(2, 250)}"
        if kind == "farm":
            ip = farm_ips[index - normal_n - money_n]
        site = replace(site, ip=ip, pages=pages_per_site, specials=specials.get(index, {}))
        drawn.append(site)
    farm = tuple(range(normal_n + money_n, sites))
    return Web(seed=seed, sites=tuple(drawn), cum_weights=cum, money=money, farm=farm)


def _plan_specials(
    rng: random.Random, normal_n: int, pages: int, private: Sequence[int]
) -> dict[int, dict[int, str]]:
    """Redirects, 404s and the one robots-nofollow and one canonical page, by site index."""
    out: dict[int, dict[int, str]] = {}
    candidates = [i for i in range(1, normal_n) if i not in private] if pages >= 6 else []
    for index, special in zip(candidates, words("specials"), strict=False):
        out[index] = {pages - 1: special}
    for index in candidates if pages >= 10 else ():
        if rng.random() < 0.12:
            out.setdefault(index, {})[pages - 2] = rng.choice(("redirect_old", "redirect_go"))
        if rng.random() < 0.08:
            out.setdefault(index, {})[pages - 3] = "missing"
    return out


def _draw_prefix(rng: random.Random, used: set[str]) -> str:
    """A /24 (``a.b.c``) no other site uses."""
    while True:
        first = rng.randint(23, 216)
        prefix = f"{first}.{rng.randint(0, 255)}.{rng.randint(0, 255)}"
        if first not in _RESERVED_FIRST_OCTETS and prefix not in used:
            used.add(prefix)
            return prefix


def _farm_ips(rng: random.Random, farm_n: int, used: set[str]) -> list[str]:
    """All but two farm sites (at least three) share one /24; the others have their own."""
    shared, lasts = _draw_prefix(rng, used), rng.sample(range(2, 250), farm_n)
    own = [_draw_prefix(rng, used) for _ in range(farm_n)]
    shared_n = max(farm_n - 2, min(farm_n, 3))
    return [f"{shared if i < shared_n else own[i]}.{last}" for i, last in enumerate(lasts)]


def _draw_site(
    rng: random.Random, index: int, kind: SiteKind, *, private_suffix: str, used: set[str]
) -> Site:
    """Domain, brand, topic words, hosts and scheme of one site."""
    table = topics(kind in ("money", "farm"))
    github = private_suffix == "github.io"  # topic 3 is programming
    nouns, keywords, vocab = table[3 if github else rng.randrange(len(table))]
    for attempt in itertools.count():
        domain, brand = _draw_name(rng, kind, nouns, keywords, private_suffix, index == 0)
        if attempt >= 10:  # a crowded name space: number the label
            label, _, suffix = domain.partition(".")
            domain = f"{label}{attempt}.{suffix}"
        if domain not in used:
            used.add(domain)
            break
    bare = bool(private_suffix) or (index > 0 and rng.random() < 0.15)
    blog = bool(private_suffix) or (index > 0 and kind == "normal" and rng.random() < 0.25)
    blog_host = index == 0 or (kind == "normal" and not blog and rng.random() < 0.3)
    host, blog_name = domain if bare else f"www.{domain}", f"blog.{domain}" if blog_host else None
    scheme = "https" if index == 0 or rng.random() < 0.8 else "http"
    final_kind: SiteKind = "blog" if blog else kind
    return Site(index, domain, brand, final_kind, keywords, vocab, host, scheme, blog_name)


def _draw_name(
    rng: random.Random, kind: SiteKind, nouns: Sequence[str], keywords: Sequence[str],
    private_suffix: str, featured: bool,
) -> tuple[str, str]:  # fmt: skip
    """A registrable domain and the brand name it stands for."""
    if kind == "farm":
        parts = [*rng.choice(keywords).split()[:2], rng.choice(words("farm_words"))]
        brand = " ".join(word.title() for word in parts)
        return f"{'-'.join(parts)}.{rng.choice(words('farm_suffixes'))}", brand
    if private_suffix:
        name, noun = rng.choice(words("names")), rng.choice(nouns)
        return f"{name}-{noun}s.{private_suffix}", f"{name.title()}'s {noun.title()} Notes"
    parts = [rng.choice(words("adjectives")), rng.choice(nouns)]
    if rng.random() < 0.6:
        parts.append(rng.choice(words("extras")))
    label = ("-" if rng.random() < 0.2 else "").join(parts)
    suffix = "com" if featured or kind == "money" else rng.choices(_SUFFIXES, _SUFFIX_WEIGHTS)[0]
    return f"{label}.{suffix}", " ".join(word.title() for word in parts)


def _draw_policy(
    rng: random.Random, site: Site, *, cum: Sequence[float], money: Sequence[int]
) -> Site:
    """Sitewide choices: friends (by popularity), partner, blogroll, rel policy, link selling."""
    if site.kind == "farm":
        return replace(site, partner=money[0] if money else None)
    picks = (pick_site(rng, cum, exclude=site.index) for _ in range(rng.randint(3, 12)))
    friends = tuple(dict.fromkeys(pick for pick in picks if pick is not None))
    partner = None
    if site.index > 0 and friends and rng.random() < 0.2:
        partner = rng.choice(money) if money and rng.random() < 0.5 else friends[0]
    return replace(
        site,
        friends=friends,
        partner=partner,
        blogroll=friends[: rng.randint(4, 7)] if rng.random() < 0.3 else (),
        nofollow_external=site.index > 0 and rng.random() < 0.1,
        sells_links=site.index > 0 and bool(money) and rng.random() < 0.15,
        social=site.index == 0 or rng.random() < 0.5,
    )


# ---------------------------------------------------------------- time: monthly changes


@dataclass(frozen=True, slots=True)
class _Edit:
    """One change to one page in ``month``, applied on top of what :func:`plan_page` draws."""

    month: int
    op: Literal["absent", "status", "moved", "add", "remove", "rel"]
    index: int = -1  # add, remove, rel: the link's index (the page's own links, then added ones)
    link: LinkPlan | None = None  # add
    value: str | int = ""  # status: the code; moved: the Location; rel: the new rel


@dataclass(slots=True)
class Timeline:
    """The changes of months 1 to ``month``, each drawn from the seed and its month number."""

    web: Web
    hosts: dict[str, int]  # every host of the web: its site index
    edits: dict[str, list[_Edit]] = field(default_factory=dict)  # by page URL, in month order
    touched: set[str] = field(default_factory=set)  # pages a case was drawn on (once per page)
    changed: dict[int, list[tuple[int, int]]] = field(default_factory=dict)  # month: site, slot
    new_pages: dict[int, list[tuple[int, PagePlan]]] = field(default_factory=dict)  # month, page
    drops: dict[int, list[tuple[int, int]]] = field(default_factory=dict)  # month, unlinked site
    risen: dict[int, set[int]] = field(default_factory=dict)  # rising site: its new linkers
    plans: dict[tuple[int, int], PagePlan] = field(default_factory=dict)  # plan_page cache

    def base(self, site: Site, slot: int) -> PagePlan:
        """The page as :func:`plan_page` draws it (a page added in some month: as added)."""
        if slot >= site.pages:
            return self.new_pages[site.index][slot - site.pages][1]
        if (page := self.plans.get((site.index, slot))) is None:
            page = self.plans[site.index, slot] = plan_page(self.web, site, slot)
        return page

    def site_of(self, href: str) -> int | None:
        """The site an absolute or scheme-relative ``href`` points to (None: relative, other)."""
        if href.startswith("//"):
            rest = href[2:]
        elif href.startswith(("http://", "https://")):
            rest = href.partition("://")[2]
        else:
            return None
        return self.hosts.get(rest.partition("/")[0])


def add_months(moment: datetime, months: int) -> datetime:
    """``moment`` moved by whole calendar months (the day clamped to the month's last day)."""
    year, month = divmod(moment.year * 12 + moment.month - 1 + months, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def _resolve(url: str, href: str) -> str:
    return urljoin(url, href).partition("#")[0]


def _followed(link: LinkPlan, page: PagePlan) -> bool:
    return not page.robots_nofollow and not _UNFOLLOW.intersection(link.rel.lower().split())


def plan_timeline(web: Web, month: int) -> Timeline:
    """Months 1 to ``month``: cases for the featured site (a handful of each kind) and the two
    next sites (one or two of each), two sites gaining referring domains and one losing some."""
    hosts: dict[str, int] = {}
    for site in web.sites:
        names = (site.domain, f"www.{site.domain}", site.host, site.blog_host)
        hosts.update((name, site.index) for name in names if name)
    timeline = Timeline(web, hosts)
    normal = [s.index for s in web.sites if s.index not in web.money and s.index not in web.farm]
    rising = random.Random(f"{web.seed}:drift").sample(normal[4:], min(2, len(normal[4:])))
    for current in range(1, month + 1):
        rng = random.Random(f"{web.seed}:month:{current}")
        for target in normal[:3]:
            _plan_cases(timeline, rng, target, current)
        for target in rising:
            _plan_rise(timeline, rng, target, current)
        if len(normal) > 3:
            _plan_fall(timeline, rng, normal[3], current)
    return timeline


def page_at(
    timeline: Timeline, site: Site, slot: int, month: int, base: PagePlan | None = None
) -> tuple[PagePlan | None, dict[int, LinkPlan]]:
    """The page of ``site`` in ``slot`` as captured in ``month`` (None: not captured), and its
    links by index: the base page (``base``, else the timeline's) with the timeline's edits up
    to that month applied (links added, removed, re-rel'd; the page gone, erroring or moved;
    linked sites dropped). :func:`generate_sample_web` renders what this returns; the benchmark
    store builder (``bench/stores.py``) uses it to write the same pages without WARC files."""
    page = base or timeline.base(site, slot)
    links = dict(enumerate(page.links))
    for edit in timeline.edits.get(page.url, ()):
        if edit.month > month:
            break
        if edit.op == "absent":
            return None, {}
        if edit.op == "status":
            home, status = LinkPlan("/", "Return to the homepage", "main"), int(edit.value)
            return PagePlan(page.url, status, HTTPStatus(status).phrase, (home,)), {}
        if edit.op == "moved":
            here, title = LinkPlan(str(edit.value), "here", "main"), "Moved Permanently"
            return PagePlan(page.url, 301, title, (here,), location=str(edit.value)), {}
        if edit.op == "add" and edit.link is not None:
            links[edit.index] = edit.link
        elif edit.op == "remove":
            del links[edit.index]
        elif edit.op == "rel":
            links[edit.index] = replace(links[edit.index], rel=str(edit.value))
    gone = {target for when, target in timeline.drops.get(site.index, ()) if when <= month}
    if gone:
        links = {i: link for i, link in links.items() if timeline.site_of(link.href) not in gone}
    return replace(page, links=tuple(links.values())), links


def _fresh_page(
    timeline: Timeline, site: Site, slot: int, month: int
) -> tuple[PagePlan | None, dict[int, LinkPlan]]:
    """A page no case was drawn on yet, as captured last month if it answered 200."""
    if site.kind == "farm" or page_url(site, slot) in timeline.touched:
        return None, {}
    page, links = page_at(timeline, site, slot, month - 1)
    if page is None or page.status != 200 or page.robots_nofollow:
        return None, {}
    return page, links


def _distinct(
    timeline: Timeline, page: PagePlan, links: Mapping[int, LinkPlan], target: int
) -> bool:
    """No two links to the featured site or ``target`` resolve to one URL (one backlink each)."""
    hrefs = [x.href for x in links.values() if timeline.site_of(x.href) in (0, target)]
    return len(hrefs) == len({_resolve(page.url, href) for href in hrefs})


def _record(timeline: Timeline, site: Site, slot: int, url: str, edit: _Edit) -> None:
    """Apply a case: ``url`` changes in ``edit.month`` and takes no other case."""
    timeline.edits.setdefault(url, []).append(edit)
    timeline.touched.add(url)
    timeline.changed.setdefault(edit.month, []).append((site.index, slot))


def _plan_cases(timeline: Timeline, rng: random.Random, target: int, month: int) -> None:
    """Lost links of each kind, links gained on existing pages, new pages linking."""
    sites = timeline.web.sites
    small = len(sites) * sites[0].pages < 1000  # fewer cases, or a small web runs out of pages
    lost, gained, added = _COUNTS[target == 0, small]
    others = [s.index for s in sites if s.index not in (0, target) and s.kind != "farm"]
    linkers = _linkers(timeline.web, target) or others
    for kind in _LOST if linkers else ():
        for _ in range(rng.randint(*lost)):
            if (found := _draw_case(timeline, rng, linkers, target, month, kind)) is None:
                break
            site, slot, link, index = found
            if kind == "link_removed":
                edit = _Edit(month, "remove", index)
            elif kind == "became_nofollow":
                rel = f"{rng.choice(('nofollow', 'sponsored', 'ugc'))} {link.rel}".strip()
                edit = _Edit(month, "rel", index, value=rel)
            elif kind == "page_gone":
                edit = _Edit(month, "status", value=rng.choice((404, 410, 500)))
            elif kind == "page_redirected":
                edit = _Edit(month, "moved", value=page_url(site, 0))
            else:
                edit = _Edit(month, "absent")
            _record(timeline, site, slot, page_url(site, slot), edit)
    for _ in range(rng.randint(*gained) if others else 0):
        _add_link(timeline, rng, others, target, month, touch=True)
    for _ in range(rng.randint(*added) if others else 0):
        _add_page(timeline, rng, sites[rng.choice(others)], target, month)


def _linkers(web: Web, target: int) -> list[int]:
    """Sites (not the farm, not featured) linking to ``target`` often: friend, blogroll, partner."""
    return [
        s.index
        for s in web.sites
        if s.index not in (0, target)
        and s.kind != "farm"
        and (target in s.friends or target in s.blogroll or s.partner == target)
    ]


def _draw_case(
    timeline: Timeline, rng: random.Random, pool: Sequence[int], target: int, month: int,
    kind: ChangeKind,
) -> tuple[Site, int, LinkPlan, int] | None:  # fmt: skip
    """A fresh page of a site in ``pool`` linking to ``target``, and one such link."""
    for _ in range(_TRIES):
        site = timeline.web.sites[rng.choice(pool)]
        slot = rng.randrange(site.pages)
        page, links = _fresh_page(timeline, site, slot, month)
        if page is None or (kind == "page_redirected" and slot == 0):
            continue
        hits = [
            i
            for i, link in links.items()
            if timeline.site_of(link.href) == target
            and (kind != "became_nofollow" or (_followed(link, page) and link.section in _REL_OK))
        ]
        if hits and _distinct(timeline, page, links, target):
            index = rng.choice(hits)
            return site, slot, links[index], index
    return None


def _add_link(
    timeline: Timeline, rng: random.Random, pool: Sequence[int], target: int, month: int,
    *, touch: bool,
) -> bool:  # fmt: skip
    """A new editorial link to ``target`` at the end of the main text of a fresh page."""
    sites = timeline.web.sites
    for _ in range(_TRIES):
        site = sites[rng.choice(pool)]
        slot = rng.randrange(site.pages)
        page, links = _fresh_page(timeline, site, slot, month)
        if page is None or not _distinct(timeline, page, links, target):
            continue
        link = external_link(site, sites[target], rng)
        url = _resolve(page.url, link.href)
        if any(_resolve(page.url, x.href) == url for x in links.values()):
            continue
        edits = timeline.edits.get(page.url, ())
        index = len(timeline.base(site, slot).links) + sum(e.op == "add" for e in edits)
        edit = _Edit(month, "add", index, link)
        if touch:
            _record(timeline, site, slot, page.url, edit)
        else:
            timeline.edits.setdefault(page.url, []).append(edit)
        return True
    return False


def _add_page(timeline: Timeline, rng: random.Random, site: Site, target: int, month: int) -> None:
    """A new page of ``site`` (after its others) with one link to ``target``."""
    added = timeline.new_pages.setdefault(site.index, [])
    page = plan_page(timeline.web, site, site.pages + len(added))
    kept = [x for x in page.links if timeline.site_of(x.href) not in (0, target)]
    link = external_link(site, timeline.web.sites[target], rng)
    added.append((month, replace(page, links=(*kept, link))))


def _plan_rise(timeline: Timeline, rng: random.Random, target: int, month: int) -> None:
    """Three to five sites that did not link to ``target`` link to it from one page each."""
    risen = timeline.risen.setdefault(target, set())
    linked = {target, *_linkers(timeline.web, target), *risen}
    pool = [s.index for s in timeline.web.sites if s.kind != "farm" and s.index not in linked]
    for source in rng.sample(pool, min(len(pool), rng.randint(3, 5))):
        if _add_link(timeline, rng, [source], target, month, touch=False):
            risen.add(source)


def _plan_fall(timeline: Timeline, rng: random.Random, target: int, month: int) -> None:
    """Two sites that linked to ``target`` remove every link to it."""
    gone = {site for site, drops in timeline.drops.items() if any(t == target for _, t in drops)}
    pool = [index for index in _linkers(timeline.web, target) if index not in gone]
    for source in rng.sample(pool, min(len(pool), 2)):
        timeline.drops.setdefault(source, []).append((month, target))


def _featured_changes(timeline: Timeline, month: int) -> tuple[PlannedChange, ...]:
    """What changed in ``month`` for backlinks to the featured site, one entry per backlink."""
    out: list[PlannedChange] = []

    def featured(link: LinkPlan) -> bool:
        return timeline.site_of(link.href) == 0

    for index, slot in timeline.changed.get(month, ()):
        site = timeline.web.sites[index]  # never the featured site: its links are internal
        before, old = page_at(timeline, site, slot, month - 1)
        after, new = page_at(timeline, site, slot, month)
        assert before is not None  # cases are drawn on captured pages
        kind: ChangeKind
        for i, link in old.items():
            if not featured(link):
                continue
            if after is None:
                kind = "not_recrawled"
            elif after.status >= 400:
                kind = "page_gone"
            elif after.location:
                kind = "page_redirected"
            elif i not in new:
                kind = "link_removed"
            elif _followed(link, before) and not _followed(new[i], after):
                kind = "became_nofollow"
            else:
                continue
            out.append(PlannedChange(kind, before.url, _resolve(before.url, link.href)))
        for i, link in new.items():
            if i not in old and featured(link):
                out.append(PlannedChange("gained", before.url, _resolve(before.url, link.href)))
    for pages in timeline.new_pages.values():
        for when, page in pages:
            gained = (x for x in page.links if when == month and featured(x))
            out += [PlannedChange("gained", page.url, _resolve(page.url, x.href)) for x in gained]
    out.sort(key=lambda c: (CHANGE_KINDS.index(c.kind), c.source_url, c.target_url))
    return tuple(out)


# ---------------------------------------------------------------- write


def generate_sample_web(
    path: Path,
    *,
    seed: int = 7,
    sites: int = 40,
    pages_per_site: int = 50,
    captured_at: datetime = _DEFAULT_CAPTURE,
    month: int = 0,
) -> SampleWebSummary:
    """Write a sample web of ``sites * pages_per_site`` response records to ``path``.

    The same arguments give a byte-identical file. The crawl spans one day from
    ``captured_at`` (a naive time is taken as UTC); the featured site is written first.
    ``month`` k >= 1 is the same web k calendar months later: the changes of months 1 to k
    (drawn from the seed and each month's number) applied, pages added in those months
    written after their site's others, and ``changes`` the featured site's changes of month k.
    """
    if sites < 1 or pages_per_site < 1:
        raise InputError(f"sites={sites}, pages_per_site={pages_per_site}: both must be >= 1")
    if month < 0:
        raise InputError(f"month={month}: must be >= 0")
    if not path.parent.is_dir():
        raise InputError(f"{path}: folder {path.parent} does not exist; create it first")
    started = time.perf_counter()
    start = captured_at if captured_at.tzinfo else captured_at.replace(tzinfo=UTC)
    start = add_months(start.astimezone(UTC), month)
    web = plan_web(seed=seed, sites=sites, pages_per_site=pages_per_site)
    timeline = plan_timeline(web, month) if month else None
    prefix = f"{month}:" if month else ""  # record IDs unique across the months' files
    info_id = record_id(seed, f"{prefix}warcinfo")
    pages = links = 0
    with path.open("wb") as out:
        description = f"seed={seed}, sites={sites}, pages_per_site={pages_per_site}"
        write_warcinfo(out, info_id, start, description + (f", month={month}" if month else ""))
        for position, site in enumerate(web.sites):
            site_start = start + timedelta(seconds=position * 86_400 // sites)
            added = timeline.new_pages.get(site.index, []) if timeline else []
            count = site.pages + sum(when <= month for when, _ in added)
            for slot in range(count):
                page: PagePlan | None = plan_page(web, site, slot) if slot < site.pages else None
                if timeline is not None:
                    base = page or timeline.base(site, slot)
                    edited = base.url in timeline.edits or site.index in timeline.drops
                    page = page_at(timeline, site, slot, month, base)[0] if edited else base
                if page is None:
                    continue  # not recrawled this month
                date = site_start + timedelta(seconds=slot * 3)
                headers = (
                    ("WARC-Date", warc_date(date)),
                    ("WARC-Target-URI", page.url),
                    ("WARC-IP-Address", site.ip_of(page.url)),
                    ("WARC-Warcinfo-ID", f"<urn:uuid:{info_id}>"),
                    ("Content-Type", "application/http; msgtype=response"),
                )
                block = render_response(web, site, page, date=date)
                page_id = record_id(seed, prefix + page.url)
                write_record(out, WarcRecordType.response, page_id, headers, block)
                pages, links = pages + 1, links + len(page.links)
    elapsed = time.perf_counter() - started
    log.info("sample web: %d sites, %d pages, %d links to %s in %.2fs (%.0f pages/s)",
             sites, pages, links, path, elapsed, pages / max(elapsed, 1e-9))  # fmt: skip
    farm = tuple(web.sites[i].domain for i in web.farm)
    domains = tuple(site.domain for site in web.sites)
    changes = _featured_changes(timeline, month) if timeline else ()
    featured = web.sites[0].domain
    return SampleWebSummary(path, domains, pages, links, featured, farm, changes, month, start)
