"""Links of one HTML page: ``<a href>``, ``<area href>``, canonical, refresh and redirects.

Pure: bytes or text plus the page URL in, records out. The pipeline, the CLI and the Spark
path all call :func:`extract_page`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache

from selectolax.lexbor import LexborHTMLParser, LexborNode

from linkatlas.extract.compiled import BodyWalk, load_walk
from linkatlas.extract.domains import DomainResolver, ResolvedHref, default_resolver
from linkatlas.extract.encoding import parser_input
from linkatlas.extract.guards import cap_nesting
from linkatlas.extract.position import link_position, tag_ids
from linkatlas.extract.urls import host_of, normalize_url, resolve_href, resolve_url
from linkatlas.records import ExtractedPage, ExtractStats, Link, LinkKind, PageInfo, Position

LINK_SELECTOR = "[href], a img"
"""The links and the images inside links, in document order, in one pass of the selector
engine (a second whole-document query for ``a[href]:has(img)`` would cost as much).

Wider than the links: every element with an ``href`` (``<link>``, ``<base>``, SVG ``<use>``)
and every image in an ``<a>``, href or not. The code keeps ``<a>`` and ``<area>`` by tag id,
and an image counts only under an ``<a href>``. Lexbor runs this plain attribute test about a
third faster than ``a[href], area[href], a[href] img``, more than the few extra nodes cost."""
HEAD_SELECTOR = (
    "meta[name*=robots i], meta[name*=googlebot i], meta[http-equiv*=refresh i], "
    "base[href], title, link[rel*=canonical i][href]"
)
"""The head elements that can matter, narrowed by the selector engine (the code checks each
exactly: a ``name`` of `` Robots `` passes, one of ``norobots`` does not)."""
FOLLOW_FLAGS = ("nofollow", "sponsored", "ugc")
_IDS = tag_ids({"a", "area", "img"})
_A, _AREA, _IMG = _IDS["a"], _IDS["area"], _IDS["img"]
"""Lexbor tag ids of the :data:`LINK_SELECTOR` matches (``tag_id`` is far cheaper than ``tag``)."""
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


@lru_cache(maxsize=4096)
def rel_info(value: str | None) -> tuple[tuple[str, ...], bool, bool, bool]:
    """The rel tokens and the ``nofollow``, ``sponsored`` and ``ugc`` flags they set."""
    tokens = rel_tokens(value)
    return tokens, "nofollow" in tokens, "sponsored" in tokens, "ugc" in tokens


_NO_REL: tuple[tuple[str, ...], bool, bool, bool] = ((), False, False, False)


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

    Resolution is cached per run in the resolver where that is exact: an absolute href
    resolves the same on every page; any other href (but an empty one, ``?query`` or
    ``#fragment``, which depend on the base's query) resolves the same against every base
    with the same directory. Only ASCII hrefs go there: a non-ASCII query is encoded in the
    page's own encoding. The other hrefs are cached for the page alone (menus repeat links).
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
        self.absolute = resolver.absolute_hrefs()
        """The run's cache of absolute hrefs (see :meth:`resolve`)."""
        directory = _directory_of(normalize_url(base) or "")
        self.relative = (
            resolver.relative_hrefs(directory)
            if directory.startswith(("http://", "https://"))
            else {}
        )
        """The run's cache of relative hrefs against this page's base directory: that of the
        serialised base, whose path always holds a ``/`` (``https://a.com`` is
        ``https://a.com/``); a base that is no http(s) URL gets a cache of its own."""
        self.own: dict[str, ResolvedHref] = {}
        """The page's cache of the hrefs that depend on its whole base."""

    def _resolve(self, href: str, base: str, encoding: str | None) -> ResolvedHref:
        """(target, host, domain), or the reason the href is not a link."""
        target, reason = resolve_href(href, base, encoding)
        if reason is not None:
            return reason
        host = host_of(target)
        return target, host, self.resolver.registrable_domain(host)

    def lookup(self, href: str) -> ResolvedHref:
        """A raw href resolved against the page base, through the caches."""
        return (
            self.absolute.get(href)
            or self.relative.get(href)
            or self.own.get(href)
            or self.resolve(href)
        )

    def resolve(self, href: str) -> ResolvedHref:
        """Resolve a raw href against the page base and cache it (callers look in the
        caches first, see :meth:`lookup`)."""
        resolved = self._resolve(href, self.base, self.encoding)
        if href.isascii():
            if href.startswith(("http://", "https://")):
                self.resolver.remember_href(self.absolute, href, resolved)
                return resolved
            if href and href[0] not in "?#" and not href[0].isspace():
                self.resolver.remember_href(self.relative, href, resolved)
                return resolved
        self.own[href] = resolved
        return resolved

    def add(self, href: str, kind: LinkKind, *, base: str | None = None) -> Link | None:
        """Resolve and record one link of the page head or the HTTP answer (no anchor)."""
        resolved = self.lookup(href) if base is None else self._resolve(href, base, None)
        if isinstance(resolved, str):
            self.stats.drop(resolved)
            return None
        target, host, domain = resolved
        link = Link(
            target,
            "",
            (),
            self.nofollow_all,
            False,
            False,
            kind,
            False,
            "main",
            domain == self.page_domain,
            host,
            domain,
        )
        self.links.append(link)
        return link


def _directory_of(url: str) -> str:
    """The URL up to the last ``/`` of its path (query and fragment cut first)."""
    cut = min((i for i in (url.find("?"), url.find("#")) if i >= 0), default=len(url))
    head = url[:cut]
    return head[: head.rfind("/") + 1]


def _image_alt(images: list[LexborNode]) -> str:
    """The first non-empty alt text of a link's images, whitespace-normalised."""
    for img in images:
        text = normalize_space(img.attributes.get("alt") or "")
        if text:
            return text
    return ""


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


def _images_inside_links(nodes: list[LexborNode], tags: list[int]) -> dict[int, list[LexborNode]]:
    """The images inside each ``<a href>`` (by the link's ``mem_id``), in document order.

    ``nodes`` are the matches of :data:`LINK_SELECTOR` and ``tags`` their tag ids. An image's
    links are found by walking up its ancestors; each ancestor's answer is remembered, so a
    walk stops where an earlier one passed.
    """
    link_ids = {node.mem_id for node, tag in zip(nodes, tags, strict=True) if tag == _A}
    links_above: dict[int, tuple[int, ...]] = {}
    inside: dict[int, list[LexborNode]] = {}
    for img, tag in zip(nodes, tags, strict=True):
        if tag != _IMG:
            continue
        chain: list[int] = []
        found: tuple[int, ...] = ()
        current = img.parent
        while current is not None:
            key = current.mem_id
            known = links_above.get(key)
            if known is not None:
                found = known
                break
            chain.append(key)
            current = current.parent
        for key in reversed(chain):
            if key in link_ids:
                found = (key, *found)
            links_above[key] = found
        for key in found:
            inside.setdefault(key, []).append(img)
    return inside


@cache
def compiled_walk() -> BodyWalk | None:
    """The compiled walk of :func:`_add_body_links_python` (None where it is not built)."""
    return load_walk(rel_info, normalize_space)


def _add_body_links(tree: LexborHTMLParser, collector: _PageLinks, *, compiled: bool) -> None:
    """Every ``<a href>`` and ``<area href>`` of the document, in document order: by the
    compiled walk where it is built (``compiled``), else by the Python walk."""
    walk = compiled_walk() if compiled else None
    root = tree.root
    found = walk(root.mem_id, collector) if walk is not None and root is not None else None
    if found is None:
        _add_body_links_python(tree, collector)
        return
    links, dropped = found
    collector.links.extend(links)
    for reason in dropped:
        collector.stats.drop(reason)


def _add_body_links_python(tree: LexborHTMLParser, collector: _PageLinks) -> None:
    """Every ``<a href>`` and ``<area href>`` of the document, in document order.

    The hot loop of extraction, one pass per link: resolution first (a dropped href costs no
    more), then anchor text, rel flags and position.
    """
    nodes = tree.css(LINK_SELECTOR)
    tags = [node.tag_id for node in nodes]
    inside = _images_inside_links(nodes, tags) if _IMG in tags else {}
    absolute_get = collector.absolute.get
    relative_get = collector.relative.get
    own_get = collector.own.get
    resolve = collector.resolve
    page_domain = collector.page_domain
    nofollow_all = collector.nofollow_all
    positions: dict[int, Position] = {}
    records = collector.links
    dropped = collector.stats.drop
    for node, tag in zip(nodes, tags, strict=True):
        if tag != _A and tag != _AREA:
            continue
        attrs = node.attributes
        href = attrs.get("href")
        if href is None:
            # SVG's <a xlink:href> (SVG 2 prefers href, as browsers do); else a valueless
            # href, which is the empty URL: the page itself.
            href = attrs.get("xlink:href") or ""
        # _PageLinks.lookup, inlined: one dict lookup for a known absolute href.
        resolved = absolute_get(href) or relative_get(href) or own_get(href) or resolve(href)
        if isinstance(resolved, str):
            dropped(resolved)
            continue
        target, host, domain = resolved
        images = inside.get(node.mem_id) if inside else None
        if tag == _A:
            kind: LinkKind = "a"
            anchor = node.text(True, " ")
            # normalize_space, skipped when the text is already clean: every whitespace
            # character but the plain space is unprintable, so this test is exact (and
            # strip() returns the very string when there is nothing to strip).
            if not (anchor.isprintable() and "  " not in anchor and anchor.strip() == anchor):
                anchor = " ".join(anchor.split())
            if not anchor and images:
                anchor = _image_alt(images)
        else:
            kind = "area"
            anchor = normalize_space(attrs.get("alt") or "")
        if not anchor:
            anchor = normalize_space(attrs.get("title") or "")
        rel_value = attrs.get("rel")
        rel, nofollow, sponsored, ugc = rel_info(rel_value) if rel_value else _NO_REL
        records.append(
            Link(
                target,
                anchor,
                rel,
                nofollow_all or nofollow,
                sponsored,
                ugc,
                kind,
                images is not None,
                link_position(node, positions),
                domain == page_domain,
                host,
                domain,
            )
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
    compiled: bool = True,
) -> ExtractedPage:
    """Extract the facts and the links of one page.

    ``html`` is the body (bytes are decoded by HTTP charset, BOM, ``<meta charset>``, else
    detection); ``url`` the page's own address; ``headers`` its HTTP response headers
    (``X-Robots-Tag`` and the ``Content-Type`` charset are read from them).
    ``location`` adds a redirect link (a 3xx answer's ``Location``). ``compiled=False``
    keeps to the Python walk of the body links (the reference the compiled one is tested
    against; both give the same records).
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
    _add_body_links(tree, collector, compiled=compiled)
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
    collector.stats.links_kept = len(collector.links)
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
