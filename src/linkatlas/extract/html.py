"""Links of one HTML page: ``<a href>``, ``<area href>``, canonical, refresh and redirects.

Pure: bytes or text plus the page URL in, records out. The pipeline, the CLI and the Spark
path all call :func:`extract_page`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from linkatlas.extract.domains import DomainResolver, default_resolver
from linkatlas.extract.encoding import decode_page
from linkatlas.extract.position import link_position
from linkatlas.extract.urls import WEB_SCHEMES, host_of, resolve_url, scheme_of, skip_reason
from linkatlas.records import ExtractedPage, ExtractStats, Link, LinkKind, PageInfo, Position

LINK_SELECTOR = "a[href], area[href]"
FOLLOW_FLAGS = ("nofollow", "sponsored", "ugc")
Headers = Mapping[str, str] | Iterable[tuple[str, str]]


def normalize_space(text: str) -> str:
    """Whitespace runs collapsed to one space, ends stripped."""
    return " ".join(text.split())


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

    def add(
        self,
        href: str,
        *,
        kind: LinkKind,
        anchor: str = "",
        rel: tuple[str, ...] = (),
        image: bool = False,
        position: Position = "main",
        base: str | None = None,
    ) -> Link | None:
        if base is None:
            resolved = self._resolved.get(href)
            if resolved is None:
                resolved = self._resolve(href, self.base, self.encoding)
                self._resolved[href] = resolved
        else:
            resolved = self._resolve(href, base, None)
        if isinstance(resolved, str):
            self.stats.drop(resolved)
            return None
        target, host, domain = resolved
        link = Link(
            url=target,
            anchor=anchor,
            rel=rel,
            nofollow=self.nofollow_all or "nofollow" in rel,
            sponsored="sponsored" in rel,
            ugc="ugc" in rel,
            kind=kind,
            image=image,
            position=position,
            internal=domain == self.page_domain,
            host=host,
            domain=domain,
        )
        self.links.append(link)
        self.stats.links_kept += 1
        return link


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
    (``X-Robots-Tag``, ``Content-Type`` charset and ``Location`` are read from them).
    ``location`` adds a redirect link (a 3xx answer's ``Location``).
    """
    resolver = resolver or default_resolver()
    page_host = host_of(url)
    page_domain = resolver.registrable_domain(page_host)
    codec: str | None = None
    if isinstance(html, bytes):
        if max_bytes is not None and len(html) > max_bytes:
            html = html[:max_bytes]
        if charset is None:
            for value in _header_values(headers, "content-type"):
                _, _, params = value.partition("charset=")
                if params:
                    charset = params.split(";")[0].strip()
        text, codec = decode_page(html, charset)
    else:
        text = html[:max_bytes] if max_bytes is not None else html
    tree = LexborHTMLParser(text)

    robots_nofollow = robots_noindex = False
    for value in _header_values(headers, "x-robots-tag"):
        nofollow, noindex = robots_flags(value)
        robots_nofollow |= nofollow
        robots_noindex |= noindex
    for meta in tree.css("meta[name]"):
        name = (meta.attributes.get("name") or "").strip().lower()
        if name in ("robots", "googlebot"):
            nofollow, noindex = robots_flags(meta.attributes.get("content"))
            robots_nofollow |= nofollow
            robots_noindex |= noindex

    base = url
    base_node = tree.css_first("base[href]")
    if base_node is not None:
        resolved_base = resolve_url(base_node.attributes.get("href") or "", url, codec)
        if resolved_base is not None:
            base = resolved_base

    title_node = tree.css_first("title")
    title = normalize_space(title_node.text()) if title_node is not None else None

    collector = _PageLinks(
        base=base,
        page_domain=page_domain,
        resolver=resolver,
        nofollow_all=robots_nofollow,
        encoding=codec,
    )
    with_image = {node.mem_id for node in tree.css("a[href]:has(img)")}
    positions: dict[int, Position] = {}
    for node in tree.css(LINK_SELECTOR):
        attrs = node.attributes
        href = attrs.get("href")
        if href is None:
            continue
        image = node.mem_id in with_image
        collector.add(
            href,
            kind="a" if node.tag == "a" else "area",
            anchor=_anchor_of(node, attrs, image),
            rel=rel_tokens(attrs.get("rel")),
            image=image,
            position=link_position(node, positions),
        )

    canonical_url = None
    for node in tree.css("link[rel][href]"):
        if "canonical" in rel_tokens(node.attributes.get("rel")):
            canonical = collector.add(node.attributes.get("href") or "", kind="canonical")
            canonical_url = canonical.url if canonical else None
            break
    for node in tree.css("meta[http-equiv]"):
        if (node.attributes.get("http-equiv") or "").strip().lower() == "refresh":
            target = _meta_refresh_url(node.attributes.get("content") or "")
            if target:
                collector.add(target, kind="refresh")
            break
    if location:
        collector.add(location, kind="redirect", base=url)

    page = PageInfo(
        url=url,
        host=page_host,
        domain=page_domain,
        title=title,
        canonical_url=canonical_url,
        robots_nofollow=robots_nofollow,
        robots_noindex=robots_noindex,
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
