"""One page of the sample web: word tables, plan records, what a page links to, its bytes.

:func:`plan_page` draws the links of one page from its own ``random.Random`` (seed and URL),
independent of the pages before it; :func:`render_response` turns a :class:`PagePlan` into
HTTP bytes and :func:`write_record` into a gzipped WARC record. Every ``<a href>`` and
``<area href>`` written comes from one :class:`LinkPlan`, so link counts are exact
(``javascript:``/``mailto:``/``tel:`` hrefs and the "here" of redirect bodies included).
"""

from __future__ import annotations

import bisect
import gzip
import io
import random
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime
from functools import cache
from html import escape
from http import HTTPStatus
from typing import BinaryIO, Literal
from urllib.parse import urlsplit

from fastwarc.warc import WarcRecord, WarcRecordType

SiteKind = Literal["normal", "blog", "money", "farm"]
Section = Literal["header", "nav", "main", "figure", "map", "comment", "aside", "footer"]

# "name: words" (space-separated) or "name: phrases" ("|"-separated).
_WORDS = """\
adjectives: bright green little urban happy smart clever quiet wild golden blue red silver modern
extras: hub lab daily times journal works studio notes co
names: anna ben carla dev elena farid greta hugo ines jonas kai lena maria nils olga pablo rosa zoe
common: the a of and to in is for with on that this it as are you your we our can more how when
farm_words: reviews guide tips deals best top 2025 online now
farm_suffixes: info xyz biz top online site club
generic: click here|read more|website|here|this site|source|learn more
partial: a guide to {kw}|more on {kw}|{kw} tips|the best {kw}|this {kw} review
titles: A guide to {kw}|{Kw}: what we learned|Ten things about {kw}|Why {kw} matters|{Kw} explained
comment_rels: ugc nofollow|nofollow|external nofollow ugc|ugc|NoFollow
sponsored_rels: sponsored|sponsored noopener|Sponsored nofollow
specials: redirect_www redirect_old redirect_go missing missing robots_nofollow canonical
"""
# "topic: brand nouns / filler words", then the topic's keywords; "$" marks a money niche.
_TOPICS = """\
gardening: garden seed leaf bloom root meadow / plants soil beds mulch harvest water pruning weeds
  organic gardening|raised bed kits|companion planting|compost bins|heirloom tomato seeds
cooking: kitchen spoon pantry skillet recipe oven / flour butter garlic onion simmer roast dough
  easy weeknight recipes|sourdough starter|cast iron skillet care|meal prep ideas|homemade pasta
travel: trail passport compass nomad voyage atlas / flights hostel train city beach luggage museum
  cheap flights to europe|travel insurance tips|backpacking southeast asia|city break ideas
programming: code stack byte commit kernel loop / function compiler tests deploy server query cache
  python tutorial|rust async runtime|docker compose examples|git rebase workflow
photography: lens pixel frame shutter focus light / aperture exposure iso tripod sensor shot edit
  best mirrorless camera|portrait lighting setup|lightroom presets|street photography tips
cycling: wheel pedal spoke chain saddle gear / ride climb route tyre brake frame cadence miles road
  gravel bike review|bike maintenance checklist|indoor trainer plans|tubeless tyres setup
finance: coin ledger budget penny vault wallet / savings income fees stocks bonds pension tax debt
  index fund investing|how to budget|high yield savings account|retirement planning
home: nest hearth brick beam attic porch / wall tiles timber drill paint kitchen room floor window
  diy home improvement|bathroom renovation cost|paint colour ideas|smart thermostat review
coffee: bean brew roast grind crema mug / water extraction filter milk aroma acidity beans cup
  pour over coffee guide|espresso machine review|cold brew recipe|burr grinder comparison
$insurance: cover insure shield policy / quote price cover policy apply rate save offer cheap
  cheap car insurance|car insurance quotes|best car insurance deals|compare car insurance
$loans: loan cash credit lender / money fast online apply rate approval offer lender instant
  payday loans online|fast personal loans|bad credit loans|instant cash loans
"""
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_ANCHOR_KINDS = ("brand", "exact", "partial", "naked", "generic", "image")
_ANCHOR_WEIGHTS = (30, 10, 18, 14, 16, 12)
_EDITORIAL_RELS = ("", "noopener noreferrer", "NoFollow", "nofollow noopener", "external")
_EDITORIAL_REL_WEIGHTS = (75, 12, 5, 4, 4)
_REDIRECTS = ("redirect_www", "redirect_old", "redirect_go")

Topic = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]  # nouns, keywords, vocabulary


@cache
def words(name: str) -> tuple[str, ...]:
    """One list of :data:`_WORDS`."""
    values = dict(line.split(": ", 1) for line in _WORDS.splitlines())[name]
    return tuple(values.split("|") if "|" in values else values.split())


@cache
def topics(money: bool) -> tuple[Topic, ...]:
    """The topics (or money niches) of :data:`_TOPICS`, in table order."""
    lines = _TOPICS.splitlines()
    out = []
    for head, keywords in zip(lines[::2], lines[1::2], strict=True):
        name, _, rest = head.partition(": ")
        nouns, _, filler = rest.partition(" / ")
        if name.startswith("$") == money:
            vocabulary = tuple(filler.split()) + words("common")
            out.append((tuple(nouns.split()), tuple(keywords.strip().split("|")), vocabulary))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class Site:
    """One generated site: identity and sitewide link policy, drawn once."""

    index: int
    domain: str
    brand: str
    kind: SiteKind
    keywords: tuple[str, ...]
    vocab: tuple[str, ...]
    host: str
    scheme: str
    blog_host: str | None
    ip: str = ""
    pages: int = 1
    specials: Mapping[int, str] = field(default_factory=dict)
    partner: int | None = None
    friends: tuple[int, ...] = ()  # the sites it links to most (its outbound neighbourhood)
    blogroll: tuple[int, ...] = ()
    nofollow_external: bool = False
    sells_links: bool = False
    social: bool = False

    def ip_of(self, url: str) -> str:
        """The blog host answers from the next address of the same /24."""
        if self.blog_host is None or urlsplit(url).hostname != self.blog_host:
            return self.ip
        prefix, _, last = self.ip.rpartition(".")
        return f"{prefix}.{int(last) + 1}"


@dataclass(frozen=True, slots=True)
class Web:
    """All sites; ``cum_weights`` is the popularity (a power law) link targets are drawn by."""

    seed: int
    sites: tuple[Site, ...]
    cum_weights: tuple[float, ...]
    money: tuple[int, ...]
    farm: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class LinkPlan:
    """One ``<a href>`` to write (an ``<area href>`` when ``section`` is ``map``)."""

    href: str
    text: str  # the anchor text, or the alt text of an image link
    section: Section
    rel: str = ""
    image: bool = False
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


def slug(text: str) -> str:
    return _NOT_SLUG.sub("-", text.lower()).strip("-")


def pick_site(rng: random.Random, cum: Sequence[float], *, exclude: int) -> int | None:
    """A site index drawn by popularity (farm sites weigh 0), never ``exclude``."""
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
    stem = f"{slug(site.keywords[slot % len(site.keywords)])}-{slot}"
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
        return f"{base}/{stem}.html"
    year, month = 2025 - slot // 12 % 6, 12 - slot % 12
    if site.blog_host is not None and slot % 2:
        return f"{site.scheme}://{site.blog_host}/{year}/{month:02d}/{stem}/"
    if site.kind == "blog":
        end = ".html" if site.domain.endswith(".blogspot.com") else "/"
        return f"{base}/{year}/{month:02d}/{stem}{end}"
    return f"{base}/articles/{slot}-{stem}/"


def page_title(site: Site, slot: int) -> str:
    keyword = site.keywords[slot % len(site.keywords)]
    if slot < 2:
        return f"About {site.brand}" if slot else f"{site.brand}: {keyword}"
    titles = words("titles")
    return titles[slot % len(titles)].format(kw=keyword, Kw=keyword.capitalize())


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
        *(_comment_links(web, site, rng) if post else ()),
        *_aside_links(web, site, url, rng),
        *_footer_links(web, site, url),
    ]
    canonical = page_url(site, 2) if special == "canonical" else None
    title = page_title(site, 2 if canonical else slot)
    nofollow = special == "robots_nofollow"
    return PagePlan(url, 200, title, tuple(links), None, nofollow, canonical, post)


def _plan_redirect(web: Web, site: Site, slot: int, url: str, rng: random.Random) -> PagePlan:
    """301 to the main host, 301 with a relative Location from an old URL, 302 affiliate hop."""
    special, status = site.specials[slot], 301
    if special == "redirect_www":
        location = f"{site.scheme}://{site.host}/"
    elif special == "redirect_old":
        location = urlsplit(page_url(site, 2)).path
    else:
        status = 302
        target = site.partner
        if target is None:
            target = pick_site(rng, web.cum_weights, exclude=site.index)
        location = f"{page_url(web.sites[target or 0], 0)}?ref={site.domain}"
    here = LinkPlan(location, "here", "main")
    return PagePlan(url, status, HTTPStatus(status).phrase, (here,), location=location)


def _href(url: str, target: str) -> str:
    """``target`` root-relative when it is on the host of ``url``, else absolute."""
    return urlsplit(target).path if urlsplit(target).netloc == urlsplit(url).netloc else target


def _local(site: Site, url: str, path: str) -> str:
    return _href(url, f"{site.scheme}://{site.host}{path}")


def _chrome_links(site: Site, url: str) -> list[LinkPlan]:
    """The logo link in ``<header>`` and the ``<nav>`` menu."""
    links = [LinkPlan(_local(site, url, "/"), site.brand, "header", image=True)]
    menu = [("Home", "/"), ("About", "/about/")]
    if site.kind == "farm":
        menu.append(("Reviews", "/reviews/"))
    else:
        menu.append(("Articles", "/articles/"))
        menu += [(kw.title(), f"/topics/{slug(kw)}/") for kw in site.keywords[:2]]
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
        target = pick_site(rng, web.cum_weights, exclude=site.index)
        if site.friends and rng.random() < 0.85:
            target = rng.choice(site.friends)
        if target is not None:
            links.append(external_link(site, web.sites[target], rng))
    if slot == 1:
        links.append(LinkPlan(f"mailto:hello@{site.domain}", f"hello@{site.domain}", "main"))
        links.append(LinkPlan("tel:+442079460123", "+44 20 7946 0123", "main"))
    elif rng.random() < 0.15:
        links.append(LinkPlan("javascript:window.print()", "Print this page", "main"))
    if site.sells_links and rng.random() < 0.3:
        paid = web.sites[rng.choice(web.money)]
        href = page_url(paid, rng.randrange(paid.pages))
        rel = rng.choice(words("sponsored_rels"))
        links.append(LinkPlan(href, rng.choice(paid.keywords), "main", rel))
    if slot == 0 and rng.random() < 0.2:
        links.append(LinkPlan(_local(site, url, "/about/"), "About us", "map"))
        target = pick_site(rng, web.cum_weights, exclude=site.index)
        if target is not None:
            links.append(LinkPlan(page_url(web.sites[target], 0), web.sites[target].brand, "map"))
    return links


def _internal_link(site: Site, url: str, rng: random.Random) -> LinkPlan:
    slot = rng.randrange(site.pages)
    href = target = page_url(site, slot)
    if rng.random() < 0.6:
        href = _href(url, target)
        here = urlsplit(url).path
        if href.startswith("/articles/") and here.count("/") == 3 and rng.random() < 0.3:
            href = "../" + href.removeprefix("/articles/")  # from /articles/x/ to a sibling
    keyword = site.keywords[slot % len(site.keywords)]
    return LinkPlan(href, rng.choice((page_title(site, slot), "read more", keyword)), "main")


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
    return "//" + href.split("://", 1)[1] if roll < 0.2 else href


def external_link(site: Site, target: Site, rng: random.Random) -> LinkPlan:
    """An editorial link to another site, with varied anchor text and rel."""
    href = _external_href(target, rng)
    kind = rng.choices(_ANCHOR_KINDS, _ANCHOR_WEIGHTS)[0]
    keyword = rng.choice(target.keywords)
    if kind == "partial":
        text = rng.choice(words("partial")).format(kw=keyword)
    elif kind == "naked":
        text = rng.choice((href, target.host, target.domain, f"{target.scheme}://{target.host}"))
    elif kind == "generic":
        text = rng.choice(words("generic"))
    elif kind == "image":
        text = rng.choice((target.brand, f"{target.brand} logo", ""))
    else:
        text = target.brand if kind == "brand" else keyword
    if site.nofollow_external:
        rel = rng.choice(("nofollow", "nofollow noopener", "NoFollow"))
    else:
        rel = rng.choices(_EDITORIAL_RELS, _EDITORIAL_REL_WEIGHTS)[0]
    section: Section = "figure" if kind == "image" else "main"
    return LinkPlan(href, text, section, rel, image=kind == "image", new_tab="noopener" in rel)


def _farm_body_links(web: Web, site: Site, rng: random.Random) -> list[LinkPlan]:
    """Thin pages: exact-match commercial anchors to the money sites and to other farm sites."""
    links = []
    for _ in range(rng.randint(2, 4)):
        paid = web.sites[rng.choice(web.money)]
        href = page_url(paid, 0 if rng.random() < 0.5 else rng.randrange(paid.pages))
        links.append(LinkPlan(href, rng.choice(paid.keywords), "main"))
    others = [i for i in web.farm if i != site.index]
    for index in rng.sample(others, min(2, len(others))):
        links.append(LinkPlan(page_url(web.sites[index], 0), rng.choice(site.keywords), "main"))
    return links


def _comment_links(web: Web, site: Site, rng: random.Random) -> list[LinkPlan]:
    """Commenters' website links (ugc/nofollow): the blog's circle, and some comment spam."""
    links = []
    for _ in range(rng.randint(0, 5)):
        rel = rng.choice(words("comment_rels"))
        if web.farm and rng.random() < 0.1:
            author = web.sites[rng.choice(web.farm)]
            text = rng.choice(author.keywords)
        elif site.friends and rng.random() < 0.8:
            author = web.sites[rng.choice(site.friends)]
            text = rng.choice(words("names")).title()
        else:
            continue  # a commenter without a website
        links.append(LinkPlan(page_url(author, 0), text, "comment", rel))
    return links


def _aside_links(web: Web, site: Site, url: str, rng: random.Random) -> list[LinkPlan]:
    """Sidebar: blogroll and popular posts, a sitewide sponsored banner (empty alt) if sold."""
    if site.kind == "farm":
        others = [web.sites[i] for i in web.farm if i != site.index]
        return [LinkPlan(page_url(other, 0), other.brand, "aside") for other in others]
    roll = [web.sites[i] for i in site.blogroll]
    links = [LinkPlan(page_url(other, 0), other.brand, "aside") for other in roll]
    for slot in range(2, min(5, site.pages)) if roll else ():
        links.append(LinkPlan(_href(url, page_url(site, slot)), page_title(site, slot), "aside"))
    if site.sells_links:
        banner = web.sites[web.money[site.index % len(web.money)]]
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
        handle = slug(site.brand).replace("-", "")
        links.append(LinkPlan(f"https://twitter.com/{handle}", "Twitter", "footer", new_tab=True))
        links.append(LinkPlan(f"https://www.facebook.com/{handle}", "Facebook", "footer"))
    if site.domain.endswith(".blogspot.com"):
        links.append(LinkPlan("https://www.blogger.com/", "Powered by Blogger", "footer"))
    elif site.domain.endswith(".github.io"):
        links.append(LinkPlan("https://pages.github.com/", "Hosted on GitHub Pages", "footer"))
    elif site.kind == "blog":
        links.append(LinkPlan("https://wordpress.org/", "Proudly powered by WordPress", "footer"))
    return links


# ---------------------------------------------------------------- render


def _anchor(link: LinkPlan) -> str:
    attrs = f' href="{escape(link.href)}"'
    attrs += f' rel="{link.rel}"' if link.rel else ""
    attrs += ' target="_blank"' if link.new_tab else ""
    if link.image:
        src = f"/img/{slug(link.text) or 'banner'}.png"
        return f'<a{attrs}><img src="{src}" alt="{escape(link.text)}" width="160" height="90"></a>'
    return f"<a{attrs}>{escape(link.text)}</a>"


def _sentence(rng: random.Random, vocab: Sequence[str], low: int = 8, high: int = 16) -> str:
    return " ".join(rng.choices(vocab, k=rng.randint(low, high))).capitalize() + "."


def _paragraph(rng: random.Random, vocab: Sequence[str]) -> str:
    return "<p>" + " ".join(_sentence(rng, vocab) for _ in range(rng.randint(2, 4))) + "</p>"


def _article(groups: Mapping[str, list[LinkPlan]], rng: random.Random, vocab: Sequence[str]) -> str:
    """Paragraphs with the editorial links in running text, figures, an image map."""
    out = [_paragraph(rng, vocab)]
    for link in groups.get("main", ()):
        if "sponsored" in link.rel.lower():
            out.append(f'<p class="disclosure">Sponsored: {_anchor(link)}</p>')
            continue
        out.append(
            f"<p>{_sentence(rng, vocab)} {_anchor(link)} {_sentence(rng, vocab, 3, 9).lower()}</p>"
        )
        if rng.random() < 0.4:
            out.append(_paragraph(rng, vocab))
    for link in groups.get("figure", ()):
        out.append(f"<figure>{_anchor(link)}<figcaption>{_sentence(rng, vocab)}</figcaption>")
        out.append("</figure>")
    if areas := groups.get("map"):
        out.append('<img src="/img/map.png" usemap="#overview" alt="" width="600" height="200">')
        out.append('<map name="overview">')
        for i, area in enumerate(areas):
            coords = f"{i * 200},0,{i * 200 + 199},199"
            href, alt = escape(area.href), escape(area.text)
            out.append(f'<area shape="rect" coords="{coords}" href="{href}" alt="{alt}">')
        out.append("</map>")
    return "\n".join(out)


def _comments(links: Sequence[LinkPlan], rng: random.Random, vocab: Sequence[str]) -> str:
    """The comment list: commenters with a website link, and a few without."""
    authors = [_anchor(link) for link in links]
    authors += [rng.choice(words("names")).title() for _ in range(rng.randint(0, 2))]
    items = "\n".join(
        f'<li class="comment"><p class="comment-author">{author} says:</p>'
        f"<p>{_sentence(rng, vocab)}</p></li>"
        for author in authors
    )
    return (
        f'<section id="comments" class="comments"><h2>{len(authors)} comments</h2>\n'
        f'<ol class="comment-list">\n{items}\n</ol></section>'
    )


def _items(links: Sequence[LinkPlan]) -> str:
    return "".join(f"<li>{_anchor(link)}</li>" for link in links)


def render_html(web: Web, site: Site, page: PagePlan) -> str:
    """The HTML5 document of a 200 or 404 page: one element per planned link."""
    rng = random.Random(f"{web.seed}:{page.url}:text")
    groups: dict[str, list[LinkPlan]] = {}
    for link in page.links:
        groups.setdefault(link.section, []).append(link)
    title, brand = escape(page.title), escape(site.brand)
    out = [
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{title} | {brand}</title>",
        f'<meta name="description" content="{escape(_sentence(rng, site.vocab))}">',
    ]
    if page.robots_nofollow:
        out.append('<meta name="robots" content="nofollow">')
    if page.canonical:
        out.append(f'<link rel="canonical" href="{escape(page.canonical)}">')
    out.append('<link rel="stylesheet" href="/assets/site.css">\n</head>\n<body>')
    logo = "".join(map(_anchor, groups.get("header", ())))
    out.append(f'<header>{logo}<p class="site-title">{brand}</p></header>')
    if nav := groups.get("nav"):
        out.append(f"<nav><ul>{_items(nav)}</ul></nav>")
    out += ["<main>\n<article>", f"<h1>{title}</h1>", _article(groups, rng, site.vocab)]
    out.append("</article>")
    if page.post:
        out.append(_comments(groups.get("comment", ()), rng, site.vocab))
    out.append("</main>")
    if aside := groups.get("aside"):
        out.append(f"<aside><h3>Elsewhere</h3><ul>{_items(aside)}</ul></aside>")
    footer = _items(groups.get("footer", ()))
    out.append(f"<footer><p>&copy; 2025 {brand}</p><ul>{footer}</ul></footer>")
    return "\n".join([*out, "</body>\n</html>\n"])


def _redirect_html(page: PagePlan) -> str:
    return (
        '<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n'
        f"<html><head><title>{page.status} {page.title}</title></head><body>\n"
        f"<h1>{page.title}</h1>\n<p>The document has moved {_anchor(page.links[0])}.</p>\n"
        "</body></html>\n"
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
    lines += [f"Location: {page.location}"] if page.location else []
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii") + body


# ---------------------------------------------------------------- write


def record_id(seed: int, name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"linkatlas-sample-web:{seed}:{name}"))


def write_record(
    out: BinaryIO, kind: WarcRecordType, record_id: str, headers: Sequence[tuple[str, str]],
    block: bytes,
) -> None:  # fmt: skip
    """One WARC record as its own gzip member (mtime 0, so the bytes are reproducible)."""
    record = WarcRecord()
    record.init_headers(kind, record_urn=f"uuid:{record_id}".encode("ascii"))
    for name, value in headers:
        record.headers[name] = value
    record.set_bytes_content(block)
    buffer = io.BytesIO()
    record.write(buffer, checksum_data=True)
    out.write(gzip.compress(buffer.getvalue(), compresslevel=6, mtime=0))


def warc_date(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def write_warcinfo(out: BinaryIO, info_id: str, start: datetime, description: str) -> None:
    fields = (
        "software: linkatlas sample_web\r\nformat: WARC File Format 1.1\r\n"
        "conformsTo: https://iipc.github.io/warc-specifications/specifications/warc-format/"
        f"warc-1.1/\r\ndescription: LinkAtlas sample web ({description})\r\n"
    )
    headers = (("WARC-Date", warc_date(start)), ("Content-Type", "application/warc-fields"))
    write_record(out, WarcRecordType.warcinfo, info_id, headers, fields.encode("utf-8"))
