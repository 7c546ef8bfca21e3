"""A deterministic sample web (a few dozen sites, a few thousand pages) as a ``.warc.gz`` file.

Two layers, so that a later time axis (monthly snapshots gaining and losing links) can change
the plan without touching the HTML:

* **plan** — :func:`plan_web` draws the sites once (domains, hosts, IPs, popularity,
  partners, blogrolls, special pages); :func:`plan_page` draws one page's links from its
  own ``random.Random`` seeded with the seed and the page URL, so a page's plan does not
  depend on the pages written before it.
* **render** — :func:`render_html` and :func:`render_response` turn a :class:`PagePlan`
  into HTTP bytes; :func:`generate_sample_web` streams one gzip member per WARC record.

Every ``<a href>``/``<area href>`` written comes from exactly one :class:`LinkPlan`, so
``SampleWebSummary.links`` is exact (``javascript:``/``mailto:``/``tel:`` hrefs and the
"here" link of redirect bodies included). Some links point to sites outside the sample
(social networks, blog platforms).
"""

from __future__ import annotations

import bisect
import gzip
import io
import itertools
import logging
import random
import re
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from http import HTTPStatus
from pathlib import Path
from typing import BinaryIO, Literal
from urllib.parse import urlsplit

from fastwarc.warc import WarcRecord, WarcRecordType

from linkatlas.errors import InputError

__all__ = [
    "LinkPlan",
    "PagePlan",
    "SampleWebSummary",
    "Site",
    "Web",
    "generate_sample_web",
    "page_url",
    "plan_page",
    "plan_web",
    "render_html",
    "render_response",
]

log = logging.getLogger(__name__)

SiteKind = Literal["normal", "blog", "money", "farm"]
Special = Literal[
    "redirect_www", "redirect_old", "redirect_go", "missing", "robots_nofollow", "canonical"
]
Section = Literal["header", "nav", "main", "figure", "map", "comment", "aside", "footer"]

# topic: (brand nouns, keywords "|"-separated, filler words)
_TOPICS: dict[str, tuple[str, str, str]] = {
    "gardening": (
        "garden seed leaf bloom root meadow",
        "organic gardening|raised bed kits|companion planting|compost bins|heirloom tomato seeds",
        "plants soil beds mulch spring harvest water sunlight shade pruning weeds seedlings",
    ),
    "cooking": (
        "kitchen spoon pantry skillet recipe oven",
        "easy weeknight recipes|sourdough starter|cast iron skillet care|meal prep ideas|"
        "homemade pasta",
        "flour butter garlic onion simmer roast dough salt pepper herbs oven sauce",
    ),
    "travel": (
        "trail passport compass nomad voyage atlas",
        "cheap flights to europe|travel insurance tips|backpacking southeast asia|packing list|"
        "city break ideas",
        "flights hostel train city beach luggage itinerary museum border map local",
    ),
    "programming": (
        "code stack byte commit kernel loop",
        "python tutorial|rust async runtime|docker compose examples|git rebase workflow|"
        "web scraping with python",
        "function compiler tests deploy server query cache thread module debug release",
    ),
    "photography": (
        "lens pixel frame shutter focus light",
        "best mirrorless camera|portrait lighting setup|lightroom presets|"
        "street photography tips|prime lens review",
        "aperture exposure iso tripod sensor shot colour contrast edit studio",
    ),
    "cycling": (
        "wheel pedal spoke chain saddle gear",
        "gravel bike review|bike maintenance checklist|indoor trainer plans|cycling shoes|"
        "tubeless tyres setup",
        "ride climb route tyre brake frame cadence miles road helmet",
    ),
    "finance": (
        "coin ledger budget penny vault wallet",
        "index fund investing|how to budget|high yield savings account|retirement planning|"
        "credit score tips",
        "savings income fees stocks bonds pension tax account interest debt",
    ),
    "home": (
        "nest hearth brick beam attic porch",
        "diy home improvement|bathroom renovation cost|paint colour ideas|"
        "smart thermostat review|flooring options",
        "wall tiles timber drill paint kitchen room floor window budget tools",
    ),
    "coffee": (
        "bean brew roast grind crema mug",
        "pour over coffee guide|espresso machine review|cold brew recipe|"
        "burr grinder comparison|specialty coffee beans",
        "roast water grind extraction filter milk aroma acidity beans cup",
    ),
}
_MONEY: dict[str, tuple[str, str]] = {
    "insurance": (
        "cover insure shield policy",
        "cheap car insurance|car insurance quotes|best car insurance deals|compare car insurance",
    ),
    "loans": (
        "loan cash credit lender",
        "payday loans online|fast personal loans|bad credit loans|instant cash loans",
    ),
}
_MONEY_FILLER = "quote price cover policy apply rate money fast online save approval offer"
_COMMON = "the a of and to in is for with on that this it as are you your we our can more how when"
_ADJECTIVES = [
    "bright",
    "green",
    "little",
    "urban",
    "happy",
    "smart",
    "clever",
    "quiet",
    "wild",
    "golden",
    "blue",
    "red",
    "silver",
    "daily",
    "modern",
    "simple",
    "true",
    "fresh",
    "open",
    "north",
    "south",
    "honest",
    "rusty",
    "lazy",
    "busy",
    "tiny",
    "grand",
    "humble",
    "brave",
    "sunny",
]
_EXTRAS = ("", "", "", "hub", "lab", "daily", "times", "journal", "works", "studio", "notes", "co")
_SUFFIXES = ("com", "org", "net", "co.uk", "de", "io", "fr", "com.au", "nl", "ca")
_SUFFIX_WEIGHTS = (45, 12, 6, 10, 8, 7, 3, 4, 3, 2)
_FARM_SUFFIXES = ("info", "xyz", "biz", "top", "online", "site", "club")
_FARM_WORDS = ("reviews", "guide", "tips", "deals", "best", "top", "2025", "online", "now")
_NAMES = [
    "anna",
    "ben",
    "carla",
    "dev",
    "elena",
    "farid",
    "greta",
    "hugo",
    "ines",
    "jonas",
    "kai",
    "lena",
    "maria",
    "nils",
    "olga",
    "pablo",
    "quinn",
    "rosa",
    "sam",
    "tara",
    "ugo",
    "vera",
    "wim",
    "yusuf",
    "zoe",
]
_GENERIC = ("click here", "read more", "website", "here", "this site", "source", "learn more")
_PARTIAL = ("a guide to {kw}", "more on {kw}", "{kw} tips", "the best {kw}", "this {kw} review")
_ANCHOR_KINDS = ("brand", "exact", "partial", "naked", "generic", "image")
_ANCHOR_WEIGHTS = (30, 10, 18, 14, 16, 12)
_EDITORIAL_RELS = ("", "noopener noreferrer", "NoFollow", "nofollow noopener", "external")
_EDITORIAL_REL_WEIGHTS = (75, 12, 5, 4, 4)
_COMMENT_RELS = ("ugc nofollow", "nofollow", "external nofollow ugc", "ugc", "NoFollow")
_SPONSORED_RELS = ("sponsored", "sponsored noopener", "Sponsored nofollow")
_TITLES = (
    "A beginner's guide to {kw}",
    "{Kw}: what we learned",
    "Ten things about {kw}",
    "Why {kw} matters",
    "{Kw} explained",
    "Our notes on {kw}",
)
_FORCED_SPECIALS: tuple[Special, ...] = (
    "redirect_www",
    "redirect_old",
    "redirect_go",
    "missing",
    "missing",
    "robots_nofollow",
    "canonical",
)
_REDIRECTS = ("redirect_www", "redirect_old", "redirect_go")
_RESERVED_FIRST_OCTETS = frozenset((10, 100, 127, 169, 172, 185, 192, 198, 203))
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True, slots=True)
class SampleWebSummary:
    """What :func:`generate_sample_web` wrote."""

    path: Path
    sites: tuple[str, ...]
    pages: int
    links: int
    featured_site: str
    link_farm: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Site:
    """One generated site: identity (drawn once) and its sitewide link policy."""

    index: int
    domain: str
    brand: str
    kind: SiteKind
    keywords: tuple[str, ...]
    vocab: tuple[str, ...]
    host: str
    scheme: str
    blog_host: str | None = None
    ip: str = ""
    blog_ip: str = ""
    pages: int = 1
    specials: Mapping[int, Special] = field(default_factory=dict)
    partner: int | None = None
    blogroll: tuple[int, ...] = ()
    nofollow_external: bool = False
    social: bool = False
    image_map: bool = False


@dataclass(frozen=True, slots=True)
class Web:
    """All sites; ``cum_weights`` is the popularity (power law) used to pick link targets."""

    seed: int
    sites: tuple[Site, ...]
    cum_weights: tuple[float, ...]
    money: tuple[int, ...]
    farm: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class LinkPlan:
    """One ``<a href>`` to write (an ``<area href>`` when ``section`` is ``map``)."""

    href: str
    text: str
    section: Section
    rel: str = ""
    image: bool = False  # <a><img alt="text"></a>
    new_tab: bool = False


@dataclass(frozen=True, slots=True)
class PagePlan:
    """One response record: status, links and page-level flags."""

    url: str
    status: int
    title: str
    links: tuple[LinkPlan, ...]
    location: str | None = None
    robots_nofollow: bool = False
    canonical: str | None = None
    post: bool = False


# ---------------------------------------------------------------- plan: sites


def plan_web(*, seed: int, sites: int, pages_per_site: int) -> Web:
    """Draw every site: ranks by popularity, then money sites, then the link farm."""
    rng = random.Random(seed)
    farm_n = min(rng.randint(5, 8), sites // 4)
    money_n = min(2 if sites >= 30 else 1, farm_n)
    normal_n = sites - farm_n - money_n
    kinds: list[SiteKind] = ["normal"] * normal_n + ["money"] * money_n + ["farm"] * farm_n
    weights = [1.0 / (rank + 1) ** 1.1 for rank in range(normal_n)]
    weights += [0.5 / normal_n**1.1] * money_n + [0.0] * farm_n
    cum = tuple(itertools.accumulate(weights))
    money = tuple(range(normal_n, normal_n + money_n))
    private_n = 0 if normal_n < 10 else max(2, normal_n // 20)
    private = rng.sample(range(normal_n // 3, normal_n), private_n)
    specials = _plan_specials(rng, normal_n, pages_per_site, set(private))
    used_domains: set[str] = set()
    used_prefixes: set[str] = set()
    farm_prefix = _draw_prefix(rng, used_prefixes)
    farm_octets = rng.sample(range(2, 254), farm_n)
    shared_n = max(farm_n - 2, min(farm_n, 3))
    drawn: list[Site] = []
    for index, kind in enumerate(kinds):
        suffix = ("github.io", "blogspot.com")[private.index(index) % 2] if index in private else ""
        site = _draw_identity(rng, index=index, kind=kind, private_suffix=suffix, used=used_domains)
        prefix = _draw_prefix(rng, used_prefixes)
        if kind == "farm" and index - normal_n - money_n < shared_n:
            prefix = farm_prefix
        last = farm_octets[index - normal_n - money_n] if kind == "farm" else rng.randint(2, 250)
        site = replace(
            site,
            ip=f"{prefix}.{last}",
            blog_ip=f"{prefix}.{last + 1}",
            pages=pages_per_site,
            specials=specials.get(index, {}),
        )
        drawn.append(_draw_policy(rng, site, cum=cum, money=money))
    farm = tuple(range(normal_n + money_n, sites))
    return Web(seed=seed, sites=tuple(drawn), cum_weights=cum, money=money, farm=farm)


def _plan_specials(
    rng: random.Random, normal_n: int, pages: int, private: set[int]
) -> dict[int, dict[int, Special]]:
    """Redirects, 404s and the one robots-nofollow and one canonical page, by site index."""
    out: dict[int, dict[int, Special]] = {}
    if pages < 6:
        return out
    candidates = [i for i in range(1, normal_n) if i not in private]
    for index, special in zip(candidates, _FORCED_SPECIALS, strict=False):
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


def _draw_identity(
    rng: random.Random, *, index: int, kind: SiteKind, private_suffix: str, used: set[str]
) -> Site:
    """Domain, brand, topic words, hosts and scheme of one site."""
    if kind in ("money", "farm"):
        nouns, keywords = _MONEY[rng.choice(sorted(_MONEY))]
        filler = _MONEY_FILLER
    else:
        topic = "programming" if private_suffix == "github.io" else rng.choice(sorted(_TOPICS))
        nouns, keywords, filler = _TOPICS[topic]
    keyword_list = tuple(keywords.split("|"))
    domain, brand = _draw_name(
        rng,
        kind=kind,
        nouns=nouns.split(),
        keywords=keyword_list,
        private_suffix=private_suffix,
        featured=index == 0,
        used=used,
    )
    bare = bool(private_suffix) or (index > 0 and rng.random() < 0.15)
    has_blog = index == 0 or (kind == "normal" and not private_suffix and rng.random() < 0.3)
    blog = private_suffix or (index > 0 and kind == "normal" and rng.random() < 0.25)
    site_kind: SiteKind = "blog" if blog else kind
    return Site(
        index=index,
        domain=domain,
        brand=brand,
        kind=site_kind,
        keywords=keyword_list,
        vocab=tuple(filler.split() + _COMMON.split()),
        host=domain if bare else f"www.{domain}",
        scheme="https" if index == 0 or rng.random() < 0.8 else "http",
        blog_host=f"blog.{domain}" if has_blog and site_kind != "blog" else None,
    )


def _draw_name(
    rng: random.Random,
    *,
    kind: SiteKind,
    nouns: Sequence[str],
    keywords: Sequence[str],
    private_suffix: str,
    featured: bool,
    used: set[str],
) -> tuple[str, str]:
    """A registrable domain no other site has, and the brand name it stands for."""
    for attempt in itertools.count():
        if kind == "farm":
            words = [*rng.choice(keywords).split()[:2], rng.choice(_FARM_WORDS)]
            label, brand = "-".join(words), " ".join(w.title() for w in words)
            suffix = rng.choice(_FARM_SUFFIXES)
        elif private_suffix:
            name, noun = rng.choice(_NAMES), rng.choice(nouns)
            label, brand = f"{name}-{noun}s", f"{name.title()}'s {noun.title()} Notes"
            suffix = private_suffix
        else:
            words = [rng.choice(_ADJECTIVES), rng.choice(nouns), rng.choice(_EXTRAS)]
            words = [w for w in words if w]
            brand = " ".join(w.title() for w in words)
            label = ("-" if rng.random() < 0.2 else "").join(words)
            suffix = "com" if featured or kind == "money" else _draw_suffix(rng)
        domain = f"{label}{attempt // 20 or ''}.{suffix}"
        if domain not in used:
            used.add(domain)
            return domain, brand
    raise AssertionError("unreachable")


def _draw_suffix(rng: random.Random) -> str:
    return rng.choices(_SUFFIXES, _SUFFIX_WEIGHTS)[0]


def _draw_policy(
    rng: random.Random, site: Site, *, cum: Sequence[float], money: Sequence[int]
) -> Site:
    """Sitewide choices: partner footer link, blogroll, external-link rel policy."""
    if site.kind == "farm":
        return replace(site, partner=money[0] if money else None)
    partner = None
    if site.index > 0 and rng.random() < 0.2:
        use_money = money and rng.random() < 0.5
        partner = rng.choice(money) if use_money else _pick_site(rng, cum, exclude=site.index)
    blogroll: list[int] = []
    if rng.random() < 0.3:
        for _ in range(rng.randint(4, 7)):
            pick = _pick_site(rng, cum, exclude=site.index)
            if pick is not None and pick not in blogroll:
                blogroll.append(pick)
    return replace(
        site,
        partner=partner,
        blogroll=tuple(blogroll),
        nofollow_external=site.index > 0 and rng.random() < 0.1,
        social=site.index == 0 or rng.random() < 0.5,
        image_map=rng.random() < 0.2,
    )


def _pick_site(rng: random.Random, cum: Sequence[float], *, exclude: int) -> int | None:
    """A site index drawn by popularity (farm sites have weight 0), never ``exclude``."""
    for _ in range(8):
        index = bisect.bisect_right(cum, rng.random() * cum[-1])
        if index != exclude and index < len(cum):
            return index
    return None


# ---------------------------------------------------------------- plan: pages


def page_url(site: Site, slot: int) -> str:
    """The URL of page ``slot`` (0 home, 1 about, then articles or posts) of ``site``."""
    base = f"{site.scheme}://{site.host}"
    special = site.specials.get(slot)
    slug = f"{_slug(site.keywords[slot % len(site.keywords)])}-{slot}"
    if special == "redirect_www":
        return f"http://{'www.' + site.domain if site.host == site.domain else site.domain}/"
    if special == "redirect_old":
        return f"{base}/index.php?p={slot * 37}"
    if special == "redirect_go":
        return f"{base}/go/{slot}/"
    if special == "canonical":
        return f"{page_url(site, 2)}amp/"
    if slot < 2:
        return f"{base}/about/" if slot else f"{base}/"
    if site.kind == "farm":
        return f"{base}/{slug}.html"
    year, month = 2025 - slot // 12 % 6, 12 - slot % 12
    if site.blog_host is not None and slot % 2:
        return f"{site.scheme}://{site.blog_host}/{year}/{month:02d}/{slug}/"
    if site.kind == "blog":
        end = ".html" if site.domain.endswith(".blogspot.com") else "/"
        return f"{base}/{year}/{month:02d}/{slug}{end}"
    return f"{base}/articles/{slot}-{slug}/"


def page_title(site: Site, slot: int) -> str:
    keyword = site.keywords[slot % len(site.keywords)]
    return _TITLES[slot % len(_TITLES)].format(kw=keyword, Kw=keyword.capitalize())


def plan_page(web: Web, site: Site, slot: int) -> PagePlan:
    """Every link of one page, drawn from a ``random.Random`` of the seed and the page URL."""
    url = page_url(site, slot)
    rng = random.Random(f"{web.seed}:{url}")
    special = site.specials.get(slot)
    if special in _REDIRECTS:
        return _plan_redirect(web, site, slot, url, rng)
    if special == "missing":
        home = LinkPlan("/", "Return to the homepage", "main")
        return PagePlan(url=url, status=404, title="Page not found", links=(home,))
    post = slot >= 2 and (site.kind == "blog" or (site.blog_host is not None and slot % 2 == 1))
    links = [
        *_chrome_links(site, url),
        *_body_links(web, site, slot, url, rng),
        *(_comment_links(web, rng) if post else ()),
        *_aside_links(web, site, url, rng),
        *_footer_links(web, site, url),
    ]
    canonical = page_url(site, 2) if special == "canonical" else None
    return PagePlan(
        url=url,
        status=200,
        title=page_title(site, 2 if canonical else slot),
        links=tuple(links),
        robots_nofollow=special == "robots_nofollow",
        canonical=canonical,
        post=post,
    )


def _plan_redirect(web: Web, site: Site, slot: int, url: str, rng: random.Random) -> PagePlan:
    """301 to the canonical host, 301 (relative Location) from an old URL, 302 affiliate hop."""
    special = site.specials[slot]
    status = 301
    if special == "redirect_www":
        location = f"{site.scheme}://{site.host}/"
    elif special == "redirect_old":
        location = urlsplit(page_url(site, 2)).path
    else:
        status = 302
        target = (
            site.partner
            if site.partner is not None
            else _pick_site(rng, web.cum_weights, exclude=site.index)
        )
        target_site = web.sites[target if target is not None else site.index]
        location = f"{page_url(target_site, 0)}?ref={site.domain}"
    title = HTTPStatus(status).phrase
    here = LinkPlan(location, "here", "main")
    return PagePlan(url=url, status=status, title=title, links=(here,), location=location)


def _local(site: Site, url: str, path: str) -> str:
    """``path`` on the site's main host, root-relative when ``url`` is on that host."""
    base = f"{site.scheme}://{site.host}"
    return path if url.startswith(base + "/") else base + path


def _chrome_links(site: Site, url: str) -> list[LinkPlan]:
    """The logo link in ``<header>`` and the ``<nav>`` menu."""
    links = [LinkPlan(_local(site, url, "/"), site.brand, "header", image=True)]
    menu = [("Home", "/"), ("About", "/about/")]
    if site.kind == "farm":
        menu.append(("Reviews", "/reviews/"))
    else:
        menu.append(("Articles", "/articles/"))
        menu += [(kw.title(), f"/topics/{_slug(kw)}/") for kw in site.keywords[:2]]
    menu.append(("Contact", "/contact/"))
    links += [LinkPlan(_local(site, url, path), text, "nav") for text, path in menu]
    if site.blog_host is not None:
        links.append(LinkPlan(f"{site.scheme}://{site.blog_host}/", "Blog", "nav"))
    return links


def _body_links(web: Web, site: Site, slot: int, url: str, rng: random.Random) -> list[LinkPlan]:
    """Editorial links of ``<main>``: internal, external, sponsored, image, area, non-HTTP."""
    if site.kind == "farm":
        return _farm_body_links(web, site, rng)
    links = [_internal_link(site, url, rng) for _ in range(6 if slot == 0 else rng.randint(1, 4))]
    for _ in range(rng.choice((0, 1, 1, 2, 2, 3, 4))):
        target = _pick_site(rng, web.cum_weights, exclude=site.index)
        if target is not None:
            links.append(_external_link(site, web.sites[target], rng))
    if slot == 1:
        links.append(LinkPlan(f"mailto:hello@{site.domain}", f"hello@{site.domain}", "main"))
        links.append(LinkPlan("tel:+442079460123", "+44 20 7946 0123", "main"))
    elif rng.random() < 0.15:
        links.append(LinkPlan("javascript:window.print()", "Print this page", "main"))
    if web.money and rng.random() < 0.08:
        paid = web.sites[rng.choice(web.money)]
        href = page_url(paid, rng.randrange(paid.pages))
        links.append(
            LinkPlan(href, rng.choice(paid.keywords), "main", rel=rng.choice(_SPONSORED_RELS))
        )
    if slot == 0 and site.image_map:
        links.append(LinkPlan(_local(site, url, "/about/"), "About us", "map"))
        target = _pick_site(rng, web.cum_weights, exclude=site.index)
        if target is not None:
            other = web.sites[target]
            links.append(LinkPlan(page_url(other, 0), other.brand, "map"))
    return links


def _internal_link(site: Site, url: str, rng: random.Random) -> LinkPlan:
    slot = rng.randrange(site.pages)
    target = page_url(site, slot)
    href = target
    if rng.random() < 0.6 and urlsplit(target).netloc == urlsplit(url).netloc:
        href = urlsplit(target).path or "/"
        here = urlsplit(url).path
        if href.startswith("/articles/") and _is_article_path(here) and rng.random() < 0.3:
            href = "../" + href.removeprefix("/articles/")
    text = rng.choice(
        (page_title(site, slot), "read more", site.keywords[slot % len(site.keywords)])
    )
    return LinkPlan(href, text, "main")


def _is_article_path(path: str) -> bool:
    return path.startswith("/articles/") and path.count("/") == 3


def _external_href(target: Site, rng: random.Random) -> str:
    """A URL on ``target``: home or deep page, sometimes http, tracked, fragment, no scheme."""
    href = page_url(target, 0 if rng.random() < 0.4 else rng.randrange(target.pages))
    roll = rng.random()
    if roll < 0.08:
        return href.replace("https://", "http://", 1)
    if roll < 0.13:
        return f"{href}?utm_source=partner&utm_medium=referral"
    if roll < 0.17:
        return f"{href}#comments"
    if roll < 0.2:
        return "//" + href.split("://", 1)[1]
    return href


def _external_link(site: Site, target: Site, rng: random.Random) -> LinkPlan:
    href = _external_href(target, rng)
    kind = rng.choices(_ANCHOR_KINDS, _ANCHOR_WEIGHTS)[0]
    keyword = rng.choice(target.keywords)
    texts = {
        "brand": target.brand,
        "exact": keyword,
        "partial": rng.choice(_PARTIAL).format(kw=keyword),
        "naked": rng.choice((href, target.host, target.domain, f"{target.scheme}://{target.host}")),
        "generic": rng.choice(_GENERIC),
        "image": rng.choice((target.brand, f"{target.brand} logo", "")),
    }
    if site.nofollow_external:
        rel = rng.choice(("nofollow", "nofollow noopener", "NoFollow"))
    else:
        rel = rng.choices(_EDITORIAL_RELS, _EDITORIAL_REL_WEIGHTS)[0]
    section: Section = "figure" if kind == "image" else "main"
    return LinkPlan(href, texts[kind], section, rel, kind == "image", "noopener" in rel)


def _farm_body_links(web: Web, site: Site, rng: random.Random) -> list[LinkPlan]:
    """Thin pages: exact-match commercial anchors to the money sites and other farm sites."""
    links = []
    for _ in range(rng.randint(2, 4)):
        paid = web.sites[rng.choice(web.money)]
        href = page_url(paid, 0 if rng.random() < 0.5 else rng.randrange(paid.pages))
        links.append(LinkPlan(href, rng.choice(paid.keywords), "main"))
    others = [i for i in web.farm if i != site.index]
    for index in rng.sample(others, min(2, len(others))):
        links.append(LinkPlan(page_url(web.sites[index], 0), rng.choice(site.keywords), "main"))
    return links


def _comment_links(web: Web, rng: random.Random) -> list[LinkPlan]:
    """Commenters' website links (ugc/nofollow), some of them comment spam."""
    links = []
    open_sites = len(web.sites) - len(web.farm)
    for _ in range(rng.randint(0, 5)):
        rel = rng.choice(_COMMENT_RELS)
        if web.farm and rng.random() < 0.2:
            spammer = web.sites[rng.choice(web.farm + web.money)]
            links.append(
                LinkPlan(page_url(spammer, 0), rng.choice(spammer.keywords), "comment", rel)
            )
        elif rng.random() < 0.8:
            author = web.sites[rng.randrange(open_sites)]
            links.append(LinkPlan(page_url(author, 0), rng.choice(_NAMES).title(), "comment", rel))
    return links


def _aside_links(web: Web, site: Site, url: str, rng: random.Random) -> list[LinkPlan]:
    """Sidebar: blogroll (sitewide), popular posts, the odd sponsored banner with empty alt."""
    if site.kind == "farm":
        others = [web.sites[i] for i in web.farm if i != site.index]
        return [LinkPlan(page_url(other, 0), other.brand, "aside") for other in others]
    links = [
        LinkPlan(page_url(web.sites[i], 0), web.sites[i].brand, "aside") for i in site.blogroll
    ]
    if site.blogroll:
        for slot in range(2, min(5, site.pages)):
            links.append(
                LinkPlan(
                    _local(site, url, urlsplit(page_url(site, slot)).path),
                    page_title(site, slot),
                    "aside",
                )
            )
    if web.money and rng.random() < 0.1:
        banner = web.sites[rng.choice(web.money)]
        links.append(LinkPlan(page_url(banner, 0), "", "aside", "sponsored", image=True))
    return links


def _footer_links(web: Web, site: Site, url: str) -> list[LinkPlan]:
    """Sitewide footer: legal pages, the partner link, social profiles, the platform."""
    links = [
        LinkPlan(_local(site, url, "/privacy/"), "Privacy", "footer"),
        LinkPlan(_local(site, url, "/terms/"), "Terms", "footer"),
    ]
    if site.partner is not None:
        partner = web.sites[site.partner]
        text = partner.keywords[0] if site.kind == "farm" else partner.brand
        links.append(LinkPlan(page_url(partner, 0), text, "footer"))
    if site.social:
        handle = _slug(site.brand).replace("-", "")
        links.append(LinkPlan(f"https://twitter.com/{handle}", "Twitter", "footer", new_tab=True))
        links.append(LinkPlan(f"https://www.facebook.com/{handle}", "Facebook", "footer"))
    if site.domain.endswith(".blogspot.com"):
        links.append(LinkPlan("https://www.blogger.com/", "Powered by Blogger", "footer"))
    elif site.domain.endswith(".github.io"):
        links.append(LinkPlan("https://pages.github.com/", "Hosted on GitHub Pages", "footer"))
    elif site.kind == "blog":
        links.append(LinkPlan("https://wordpress.org/", "Proudly powered by WordPress", "footer"))
    return links


def _slug(text: str) -> str:
    return _NOT_SLUG.sub("-", text.lower()).strip("-")


# ---------------------------------------------------------------- render


def _anchor(link: LinkPlan) -> str:
    attrs = f' href="{escape(link.href)}"'
    if link.rel:
        attrs += f' rel="{link.rel}"'
    if link.new_tab:
        attrs += ' target="_blank"'
    if link.image:
        src = f"/img/{_slug(link.text) or 'banner'}.png"
        return f'<a{attrs}><img src="{src}" alt="{escape(link.text)}" width="160" height="90"></a>'
    return f"<a{attrs}>{escape(link.text)}</a>"


def _words(rng: random.Random, vocab: Sequence[str], low: int, high: int) -> str:
    return " ".join(rng.choices(vocab, k=rng.randint(low, high)))


def _sentence(rng: random.Random, vocab: Sequence[str]) -> str:
    return _words(rng, vocab, 8, 16).capitalize() + "."


def _paragraph(rng: random.Random, vocab: Sequence[str]) -> str:
    return "<p>" + " ".join(_sentence(rng, vocab) for _ in range(rng.randint(2, 4))) + "</p>"


def _article_body(
    groups: Mapping[str, list[LinkPlan]], rng: random.Random, vocab: Sequence[str]
) -> list[str]:
    out = [_paragraph(rng, vocab)]
    for link in groups.get("main", ()):
        if "sponsored" in link.rel.lower():
            out.append(f'<p class="disclosure">Sponsored: {_anchor(link)}</p>')
            continue
        before, after = _sentence(rng, vocab), _words(rng, vocab, 3, 9)
        out.append(f"<p>{before} {_anchor(link)} {after}.</p>")
        if rng.random() < 0.4:
            out.append(_paragraph(rng, vocab))
    for link in groups.get("figure", ()):
        out.append(
            f"<figure>{_anchor(link)}<figcaption>{_sentence(rng, vocab)}</figcaption></figure>"
        )
    if areas := groups.get("map"):
        out.append(
            '<img src="/img/overview.png" usemap="#overview" alt="" width="600" height="200">'
        )
        shapes = (
            f'<area shape="rect" coords="{i * 200},0,{i * 200 + 199},199" '
            f'href="{escape(a.href)}" alt="{escape(a.text)}">'
            for i, a in enumerate(areas)
        )
        out.append('<map name="overview">' + "".join(shapes) + "</map>")
    return out


def _comments(links: Sequence[LinkPlan], rng: random.Random, vocab: Sequence[str]) -> list[str]:
    items = [
        f'<li class="comment"><p class="comment-author">{_anchor(link)} says:</p>'
        f"<p>{_sentence(rng, vocab)}</p></li>"
        for link in links
    ]
    for _ in range(rng.randint(0, 2)):
        name = rng.choice(_NAMES).title()
        items.append(
            f'<li class="comment"><p class="comment-author">{name} says:</p>'
            f"<p>{_sentence(rng, vocab)}</p></li>"
        )
    return [
        f'<section id="comments" class="comments"><h2>{len(items)} comments</h2>',
        '<ol class="comment-list">',
        *items,
        "</ol></section>",
    ]


def render_html(web: Web, site: Site, page: PagePlan) -> str:
    """The HTML5 document of a 200 or 404 page: one element per planned link."""
    rng = random.Random(f"{web.seed}:{page.url}:text")
    groups: dict[str, list[LinkPlan]] = {}
    for link in page.links:
        groups.setdefault(link.section, []).append(link)
    head = [
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(page.title)} | {escape(site.brand)}</title>",
        f'<meta name="description" content="{escape(_sentence(rng, site.vocab))}">',
    ]
    if page.robots_nofollow:
        head.append('<meta name="robots" content="nofollow">')
    if page.canonical:
        head.append(f'<link rel="canonical" href="{escape(page.canonical)}">')
    head.append('<link rel="stylesheet" href="/assets/site.css">\n</head>\n<body>')
    body = ["<header>", *map(_anchor, groups.get("header", ())), f"<p>{escape(site.brand)}</p>"]
    body.append("</header>")
    if nav := groups.get("nav"):
        body.append("<nav><ul>" + "".join(f"<li>{_anchor(a)}</li>" for a in nav) + "</ul></nav>")
    body += ["<main>", "<article>", f"<h1>{escape(page.title)}</h1>"]
    body += [*_article_body(groups, rng, site.vocab), "</article>"]
    if page.post:
        body += _comments(groups.get("comment", ()), rng, site.vocab)
    body.append("</main>")
    if aside := groups.get("aside"):
        items = "".join(f"<li>{_anchor(a)}</li>" for a in aside)
        body.append(f"<aside><h3>Elsewhere</h3><ul>{items}</ul></aside>")
    items = "".join(f"<li>{_anchor(a)}</li>" for a in groups.get("footer", ()))
    body.append(f"<footer><p>&copy; 2025 {escape(site.brand)}</p><ul>{items}</ul></footer>")
    return "\n".join([*head, *body, "</body>\n</html>\n"])


def _redirect_html(page: PagePlan) -> str:
    title = f"{page.status} {page.title}"
    link = _anchor(page.links[0])
    return (
        '<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n'
        f"<html><head><title>{title}</title></head><body>\n<h1>{page.title}</h1>\n"
        f"<p>The document has moved {link}.</p>\n</body></html>\n"
    )


def render_response(web: Web, site: Site, page: PagePlan, *, date: datetime) -> bytes:
    """The HTTP/1.1 response (status line, headers, HTML body) of one page."""
    html = _redirect_html(page) if page.location else render_html(web, site, page)
    body = html.encode("utf-8")
    lines = [
        f"HTTP/1.1 {page.status} {HTTPStatus(page.status).phrase}",
        f"Date: {format_datetime(date, usegmt=True)}",
        "Server: nginx",
        "Content-Type: text/html; charset=utf-8",
        f"Content-Length: {len(body)}",
    ]
    if page.location:
        lines.append(f"Location: {page.location}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii") + body


# ---------------------------------------------------------------- write


def _record_id(seed: int, name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"linkatlas-sample-web:{seed}:{name}"))


def _write_record(
    out: BinaryIO,
    record_type: object,
    record_id: str,
    headers: Sequence[tuple[str, str]],
    block: bytes,
) -> None:
    """One WARC record as its own gzip member (mtime 0, so the bytes are reproducible)."""
    record = WarcRecord()
    record.init_headers(record_type, record_urn=f"uuid:{record_id}".encode("ascii"))
    for name, value in headers:
        record.headers[name] = value
    record.set_bytes_content(block)
    buffer = io.BytesIO()
    record.write(buffer, checksum_data=True)
    out.write(gzip.compress(buffer.getvalue(), compresslevel=6, mtime=0))


def _warc_date(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def generate_sample_web(
    path: Path,
    *,
    seed: int = 7,
    sites: int = 40,
    pages_per_site: int = 50,
    captured_at: datetime = datetime(2026, 1, 15, tzinfo=UTC),
) -> SampleWebSummary:
    """Write a sample web of ``sites * pages_per_site`` response records to ``path``.

    The same arguments give a byte-identical file. The crawl spans one day from
    ``captured_at`` (naive times are taken as UTC). Site 0 is the featured site.
    """
    if sites < 1 or pages_per_site < 1:
        raise InputError(f"sites={sites}, pages_per_site={pages_per_site}: both must be >= 1")
    if not path.parent.is_dir():
        raise InputError(f"{path}: folder {path.parent} does not exist; create it first")
    started = time.perf_counter()
    start = captured_at.replace(tzinfo=UTC) if captured_at.tzinfo is None else captured_at
    start = start.astimezone(UTC)
    web = plan_web(seed=seed, sites=sites, pages_per_site=pages_per_site)
    info_id = _record_id(seed, "warcinfo")
    pages = links = 0
    with path.open("wb") as out:
        _write_warcinfo(out, info_id, start, seed=seed, sites=sites, pages=pages_per_site)
        for position, site in enumerate(web.sites):
            site_start = start + timedelta(seconds=position * 86_400 // sites)
            for slot in range(site.pages):
                page = plan_page(web, site, slot)
                date = site_start + timedelta(seconds=slot * 3)
                on_blog = urlsplit(page.url).hostname == site.blog_host
                ip = site.blog_ip if on_blog else site.ip
                headers = (
                    ("WARC-Date", _warc_date(date)),
                    ("WARC-Target-URI", page.url),
                    ("WARC-IP-Address", ip),
                    ("WARC-Warcinfo-ID", f"<urn:uuid:{info_id}>"),
                    ("Content-Type", "application/http; msgtype=response"),
                )
                block = render_response(web, site, page, date=date)
                record_id = _record_id(seed, page.url)
                _write_record(out, WarcRecordType.response, record_id, headers, block)
                pages += 1
                links += len(page.links)
    elapsed = time.perf_counter() - started
    log.info(
        "sample web: %d sites, %d pages, %d links to %s in %.2fs (%.0f pages/s)",
        sites,
        pages,
        links,
        path,
        elapsed,
        pages / max(elapsed, 1e-9),
    )
    return SampleWebSummary(
        path=path,
        sites=tuple(site.domain for site in web.sites),
        pages=pages,
        links=links,
        featured_site=web.sites[0].domain,
        link_farm=tuple(web.sites[i].domain for i in web.farm),
    )


def _write_warcinfo(
    out: BinaryIO, info_id: str, start: datetime, *, seed: int, sites: int, pages: int
) -> None:
    fields = (
        "software: linkatlas sample_web\r\n"
        "format: WARC File Format 1.1\r\n"
        "conformsTo: https://iipc.github.io/warc-specifications/specifications/warc-format/"
        "warc-1.1/\r\n"
        f"description: LinkAtlas sample web (seed={seed}, sites={sites}, "
        f"pages_per_site={pages})\r\n"
    )
    headers = (("WARC-Date", _warc_date(start)), ("Content-Type", "application/warc-fields"))
    _write_record(out, WarcRecordType.warcinfo, info_id, headers, fields.encode("utf-8"))
