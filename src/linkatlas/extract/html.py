"""Links of one HTML page: ``<a href>``, ``<area href>``, canonical, refresh and redirects.

Pure: bytes or text plus the page URL in, records out. The pipeline, the CLI and the Spark
path all call :func:`extract_page`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from linkatlas.extract.domains import DomainResolver, default_resolver
from linkatlas.extract.encoding import parser_input
from linkatlas.extract.guards import cap_nesting
from linkatlas.extract.position import link_position
from linkatlas.extract.urls import WEB_SCHEMES, host_of, resolve_url, scheme_of, skip_reason
from linkatlas.records import ExtractedPage, ExtractStats, Link, LinkKind, PageInfo, Position

LINK_SELECTOR = "a[href], area[href]"
IMAGE_LINK_SELECTOR = "a[href]:has(img)"
HEAD_SELECTOR = "meta, base[href], title, link[rel][href]"
FOLLOW_FLAGS = ("nofollow", "sponsored", "ugc")
Headers = Mapping[str, str] | Iterable[tuple[str, str]]


def normalize_space(text: str) -> str:
    """Whitespace runs collapsed to one space, ends stripped."""
    return " ".join(text.split())


@lru_cache(maxsize=4096)
def rel_tokens(value: str | None) -> tuple[str, ...]:
    """The rel attribute as lower-case tokens (ASCII whitespace separated, duplicates kept once)."""
    if not value:
        return ()
    tokens: list[str] = []
    for token in value.lower().split():
        if token not in tokens:
            tokens.append(token)
    return tuple(tokens)


def robots_flags(content: str | None) -> tuple[bool, bool]:
    """(nofollow, noindex) from a robots directive string (meta content or X-Robots-Tag)."""
    if not content:
        return False, False
    nofollow = noindex = False
    for part in content.lower().replace(";", ",").split(","):
        directive = part.strip()
        # X-Robots-Tag may name a user agent first: "googlebot: nofollow".
        if ":" in directive:
            directive = directive.split(":", 1)[1].strip()
        if directive in ("nofollow", "none"):
            nofollow = True
        if directive in ("noindex", "none"):
            noindex = True
    return nofollow, noindex


def _header_values(headers: Headers | None, name: str) -> list[str]:
    if not headers:
        return []
    items = headers.items() if isinstance(headers, Mapping) else headers
    lowered = name.lower()
    return [value for key, value in items if key.lower() == lowered]


class _PageLinks:
    """Collects the links of one page, resolving and classifying each.

    Resolution is cached per raw href within the page: menus repeat the same links.
    """

    def __init__(
        self,
        *,
        base: str,
        page_domain: str,
        resolver: DomainResolver,
        nofollow_all: bool,
        encoding: str | None,
    ) -> None:
        self.base = base
        self.encoding = encoding
        self.page_domain = page_domain
        self.resolver = resolver
        self.nofollow_all = nofollow_all
        self.links: list[Link] = []
        self.stats = ExtractStats(pages=1)
        self._resolved: dict[str, tuple[str, str, str] | str] = {}
        self._base_dir = _directory_of(base)

    def _resolve(self, href: str, base: str, encoding: str | None) -> tuple[str, str, str] | str:
        """(target, host, domain), or the reason the href is not a link."""
        reason = skip_reason(href)
        if reason is not None:
            return reason
        target = resolve_url(href.strip(), base, encoding)
        if target is None:
            return "unparsable"
        if scheme_of(target) not in WEB_SCHEMES:
            return "other_scheme"
        host = host_of(target)
        return target, host, self.resolver.registrable_domain(host)

    def _resolve_cached(self, href: str) -> tuple[str, str, str] | str:
        """Resolve against the page base through the run's cache where that is exact.

        An absolute href resolves the same on every page; any other href (but an empty one,
        ``?query`` or ``#fragment``, which depend on the base's query) resolves the same
        against every base with the same directory. Only ASCII hrefs are cached: a non-ASCII
        query is encoded in the page's own encoding.
        """
        if not href.isascii():
            return self._resolve(href, self.base, self.encoding)
        if href.startswith(("http://", "https://")):
            key = href
        elif href and href[0] not in "?#" and not href[0].isspace():
            key = f"{self._base_dir}\x00{href}"
        else:
            return self._resolve(href, self.base, self.encoding)
        resolved = self.resolver.cached_href(key)
        if resolved is None:
            resolved = self._resolve(href, self.base, self.encoding)
            self.resolver.remember_href(key, resolved)
        return resolved

    def add(
        self,
        href: str,
        kind: LinkKind,
        anchor: str = "",
        rel: tuple[str, ...] = (),
        image: bool = False,
        position: Position = "main",
        base: str | None = None,
    ) -> Link | None:
        """Resolve and record one link (arguments positional in the hot loop)."""
        if base is None:
            resolved = self._resolved.get(href)
            if resolved is None:
                resolved = self._resolve_cached(href)
                self._resolved[href] = resolved
        else:
            resolved = self._resolve(href, base, None)
        if isinstance(resolved, str):
            self.stats.drop(resolved)
            return None
        target, host, domain = resolved
        link = Link(
            target,
            anchor,
            rel,
            self.nofollow_all or "nofollow" in rel,
            "sponsored" in rel,
            "ugc" in rel,
            kind,
            image,
            position,
            domain == self.page_domain,
            host,
            domain,
        )
        self.links.append(link)
        self.stats.links_kept += 1
        return link


def _directory_of(url: str) -> str:
    """The URL up to the last ``/`` of its path (query and fragment cut first)."""
    cut = min((i for i in (url.find("?"), url.find("#")) if i >= 0), default=len(url))
    head = url[:cut]
    return head[: head.rfind("/") + 1]


def _anchor_of(node: Any, attrs: dict[str, str | None], has_image: bool) -> str:
    """Anchor text of a link node: its text, else an image's alt, else its title."""
    if node.tag == "area":
        text = normalize_space(attrs.get("alt") or "")
    else:
        text = normalize_space(node.text(deep=True, separator=" ", strip=False))
        if not text and has_image:
            for img in node.css("img"):
                text = normalize_space(img.attributes.get("alt") or "")
                if text:
                    break
    if not text:
        text = normalize_space(attrs.get("title") or "")
    return text


def _meta_refresh_url(content: str) -> str | None:
    """The URL of a ``<meta http-equiv=refresh content="5; url=...">``, if any."""
    _, sep, rest = content.partition(";")
    if not sep:
        _, sep, rest = content.partition(",")
    rest = rest.strip()
    if not rest:
        return None
    if rest[:3].lower() == "url":
        rest = rest[3:].lstrip()
        if rest.startswith("="):
            rest = rest[1:].lstrip()
    if rest[:1] in ("'", '"'):
        quote = rest[0]
        rest = rest[1:]
        end = rest.find(quote)
        if end >= 0:
            rest = rest[:end]
    return rest.strip() or None


@dataclass(frozen=True, slots=True)
class _HeadFacts:
    """What the document head says: robots directives, base, title, canonical, refresh."""

    robots_nofollow: bool
    robots_noindex: bool
    base_href: str | None
    title: str | None
    canonical_href: str | None
    refresh_href: str | None


def _head_facts(tree: LexborHTMLParser, headers: Headers | None) -> _HeadFacts:
    """Read the head once. Search engines read robots, canonical and refresh only in the head;
    a ``<base>`` outside the head is ignored too (it is one more whole-document scan)."""
    nofollow = noindex = False
    for value in _header_values(headers, "x-robots-tag"):
        header_nofollow, header_noindex = robots_flags(value)
        nofollow |= header_nofollow
        noindex |= header_noindex
    base_href = title = canonical = refresh = None
    head = tree.head
    for node in head.css(HEAD_SELECTOR) if head is not None else ():
        attrs = node.attributes
        tag = node.tag
        if tag == "meta":
            name = (attrs.get("name") or "").strip().lower()
            if name in ("robots", "googlebot"):
                meta_nofollow, meta_noindex = robots_flags(attrs.get("content"))
                nofollow |= meta_nofollow
                noindex |= meta_noindex
            elif refresh is None and (attrs.get("http-equiv") or "").strip().lower() == "refresh":
                refresh = _meta_refresh_url(attrs.get("content") or "")
        elif tag == "base":
            base_href = base_href if base_href is not None else attrs.get("href")
        elif tag == "title":
            title = title if title is not None else normalize_space(node.text())
        elif canonical is None and "canonical" in rel_tokens(attrs.get("rel")):
            canonical = attrs.get("href")
    return _HeadFacts(nofollow, noindex, base_href, title, canonical, refresh)


def _decode(
    html: bytes | str, headers: Headers | None, charset: str | None, max_bytes: int | None
) -> tuple[bytes | str, str | None]:
    """The parser's input (cut at ``max_bytes``) and the page's codec (None for str input)."""
    if isinstance(html, str):
        return (html[:max_bytes] if max_bytes is not None else html), None
    if max_bytes is not None and len(html) > max_bytes:
        html = html[:max_bytes]
    if charset is None:
        for value in _header_values(headers, "content-type"):
            _, _, params = value.partition("charset=")
            if params:
                charset = params.split(";")[0].strip()
    return parser_input(html, charset)


def _add_body_links(tree: LexborHTMLParser, collector: _PageLinks) -> None:
    """Every ``<a href>`` and ``<area href>`` of the document, in document order."""
    with_image = {node.mem_id for node in tree.css(IMAGE_LINK_SELECTOR)}
    positions: dict[int, Position] = {}
    for node in tree.css(LINK_SELECTOR):
        attrs = node.attributes
        href = attrs.get("href") or ""  # a valueless href is the empty URL: the page itself
        image = node.mem_id in with_image
        collector.add(
            href,
            "a" if node.tag == "a" else "area",
            _anchor_of(node, attrs, image),
            rel_tokens(attrs.get("rel")),
            image,
            link_position(node, positions),
        )


def extract_page(
    html: bytes | str,
    url: str,
    *,
    headers: Headers | None = None,
    resolver: DomainResolver | None = None,
    charset: str | None = None,
    max_bytes: int | None = None,
    location: str | None = None,
) -> ExtractedPage:
    """Extract the facts and the links of one page.

    ``html`` is the body (bytes are decoded by HTTP charset, BOM, ``<meta charset>``, else
    detection); ``url`` the page's own address; ``headers`` its HTTP response headers
    (``X-Robots-Tag`` and the ``Content-Type`` charset are read from them).
    ``location`` adds a redirect link (a 3xx answer's ``Location``).
    """
    resolver = resolver or default_resolver()
    page_host = host_of(url)
    page_domain = resolver.registrable_domain(page_host)
    text, codec = _decode(html, headers, charset, max_bytes)
    text, capped = cap_nesting(text)
    tree = LexborHTMLParser(text)
    head = _head_facts(tree, headers)
    base = url
    if head.base_href is not None:
        base = resolve_url(head.base_href, url, codec) or url
    collector = _PageLinks(
        base=base,
        page_domain=page_domain,
        resolver=resolver,
        nofollow_all=head.robots_nofollow,
        encoding=codec,
    )
    _add_body_links(tree, collector)
    collector.stats.capped = int(capped)
    canonical_url = None
    if head.canonical_href is not None:
        canonical = collector.add(head.canonical_href, kind="canonical")
        canonical_url = canonical.url if canonical else None
    if head.refresh_href:
        collector.add(head.refresh_href, kind="refresh")
    if location:
        collector.add(location, kind="redirect", base=url)

    page = PageInfo(
        url=url,
        host=page_host,
        domain=page_domain,
        title=head.title,
        canonical_url=canonical_url,
        robots_nofollow=head.robots_nofollow,
        robots_noindex=head.robots_noindex,
        base_url=base,
    )
    return ExtractedPage(page=page, links=tuple(collector.links), stats=collector.stats)


def extract_links(
    html: bytes | str,
    url: str,
    *,
    headers: Headers | None = None,
    resolver: DomainResolver | None = None,
) -> list[Link]:
    """The Link records of one page (the function the pipeline and ``linkatlas extract`` use)."""
    return list(extract_page(html, url, headers=headers, resolver=resolver).links)
