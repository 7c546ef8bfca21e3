"""The corpus and the link-count check of ``bench/extract.py``.

The pages of ``../shared/data/warc/real-pages-a.warc.gz``, read into memory, and the check
that LinkAtlas, BeautifulSoup and Scrapy find the same ``<a href>`` links on each page, with
every difference explained by category (a tokenizer count of the source tags, the trees of
the three parsers, and each side's per-href verdict).
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlparse

from selectolax.lexbor import LexborHTMLParser

from linkatlas.extract.domains import DomainResolver
from linkatlas.extract.encoding import decode_page
from linkatlas.extract.html import extract_page
from linkatlas.extract.urls import resolve_href, scheme_of
from linkatlas.sources.warc import iter_warc_pages

try:
    from bs4 import BeautifulSoup
    from lxml import etree
    from scrapy.http import HtmlResponse
    from scrapy.linkextractors import IGNORED_EXTENSIONS, LinkExtractor
    from scrapy.utils.response import get_base_url
    from w3lib.html import strip_html5_whitespace
    from w3lib.url import safe_url_string
except ImportError as exc:  # pragma: no cover - depends on the environment
    sys.exit(
        f"bench/extract.py needs the bench extras ({exc.name} is missing): "
        "run `make bench` or `.venv/bin/pip install -e '.[test,bench]'`"
    )

ROOT = Path(__file__).resolve().parent.parent
WARC = ROOT.parent / "shared" / "data" / "warc" / "real-pages-a.warc.gz"
# The schemes Scrapy's LinkExtractor keeps (scrapy.linkextractors._is_valid_url).
SCRAPY_SCHEMES = frozenset({"http", "https", "file", "ftp"})
SCRAPY_DENY_EXTENSIONS = tuple("." + ext for ext in IGNORED_EXTENSIONS)


@dataclass(frozen=True, slots=True)
class BenchPage:
    url: str
    body: bytes
    headers: tuple[tuple[str, str], ...]
    header_map: dict[str, str]
    charset: str | None


def load_pages(path: Path, limit: int | None) -> list[BenchPage]:
    """Every HTML page of the WARC, bodies decompressed into memory."""
    if not path.is_file():
        sys.exit(
            f"{path}: benchmark data not found; it is the shared corpus next to the "
            "repository (../shared/data/warc/real-pages-a.warc.gz)"
        )
    pages: list[BenchPage] = []
    for fetched in iter_warc_pages(path):
        if limit is not None and len(pages) >= limit:
            break
        pages.append(
            BenchPage(
                url=fetched.url,
                body=fetched.body,
                headers=fetched.headers,
                header_map=dict(fetched.headers),
                charset=fetched.charset,
            )
        )
    if not pages:
        sys.exit(f"{path}: no HTML pages in this WARC file")
    return pages


def scrapy_response(page: BenchPage) -> Any:
    return HtmlResponse(page.url, body=page.body, headers=page.header_map, encoding=page.charset)


def fresh_resolver() -> DomainResolver:
    resolver = DomainResolver()
    resolver.registrable_domain("example.com")  # loads the suffix list outside the timing
    return resolver


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- per-page link counts ---------------------------------------------------------------------

LINKATLAS_VS_BS4 = {
    "html5_reopened_a": "Lexbor (HTML5 tree builder, as browsers) re-opens an unclosed or "
    "misnested <a> in the following blocks (adoption agency, reconstruction of active "
    "formatting elements): one source tag, several <a> elements; libxml2 keeps one",
    "template": "<a href> inside <template>: inert in HTML5 (template content is a separate "
    "fragment, not in the document tree), so LinkAtlas skips it; libxml2 knows no <template>",
    "other_kind_drops": "LinkAtlas drops of area/canonical/refresh links, counted in "
    "stats.dropped (which is not split by kind)",
    "after_html_end": "<a href> after </html>: HTML5 moves it into the body, BeautifulSoup's "
    "lxml feed into a second <html>; the libxml2 tree Scrapy walks drops it",
    "tree_other": "other tree differences (not explained)",
}
LINKATLAS_VS_SCRAPY = {
    **LINKATLAS_VS_BS4,
    "scrapy_deny_extensions": "Scrapy's default deny_extensions drop links to files "
    "(IGNORED_EXTENSIONS: images, documents, archives, media, .css/.js/.rss/...)",
    "scrapy_scheme": "scheme Scrapy does not keep (it tests the URL text for http/https/ftp/file "
    "followed by '://')",
    "scrapy_other": "Scrapy rejects the URL for another reason",
    "linkatlas_other_scheme": "LinkAtlas keeps only http(s); Scrapy also keeps ftp:// and file://",
    "linkatlas_unparsable": "invalid URL by the WHATWG URL standard, dropped by LinkAtlas; "
    "Scrapy's urljoin accepts it",
    "linkatlas_other": "LinkAtlas drops it for another reason",
    "unexplained": "difference not reproduced by the per-href analysis",
}


class SourceTagCounter(HTMLParser):
    """Counts the href values of ``<a>`` start tags as written in the source (a tokenizer,
    no tree building: a tag is counted once whatever a tree builder does with it), and apart
    those after the first ``</html>``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: Counter[str] = Counter()
        self.after_html: Counter[str] = Counter()
        self._html_closed = False

    @classmethod
    def of(cls, text: str) -> SourceTagCounter:
        counter = cls()
        counter.feed(text)
        counter.close()
        return counter

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            for name, value in attrs:
                if name == "href":
                    self.hrefs[value or ""] += 1
                    if self._html_closed:
                        self.after_html[value or ""] += 1
                    break

    def handle_endtag(self, tag: str) -> None:
        if tag == "html":
            self._html_closed = True

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)


@dataclass(slots=True)
class Tree:
    """The raw ``<a href>`` values of one parsed page; those inside ``<template>`` apart."""

    hrefs: Counter[str] = field(default_factory=Counter)
    in_template: Counter[str] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.hrefs.values())


@dataclass(slots=True)
class CountReport:
    """Per-page agreement and the signed link differences (LinkAtlas - peer) by category."""

    pages: int = 0
    agree: Counter[str] = field(default_factory=Counter)
    totals: Counter[str] = field(default_factory=Counter)
    diffs: dict[str, Counter[str]] = field(default_factory=dict)
    diff_pages: dict[str, Counter[str]] = field(default_factory=dict)
    extensions: Counter[str] = field(default_factory=Counter)
    schemes: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)

    def add(self, comparison: str, category: str, links: int, example: str) -> None:
        if links == 0:
            return
        self.diffs.setdefault(comparison, Counter())[category] += links
        self.examples.setdefault(f"{comparison}:{category}", [])
        if len(self.examples[f"{comparison}:{category}"]) < 3:
            self.examples[f"{comparison}:{category}"].append(example[:160])

    def close_page(self, comparison: str, before: Counter[str]) -> None:
        for category, links in self.diffs.get(comparison, Counter()).items():
            if links != before.get(category, 0):
                self.diff_pages.setdefault(comparison, Counter())[category] += 1


def lexbor_tree(text: str) -> Tree:
    """The ``<a href>`` elements LinkAtlas sees (template content is not in the tree); a
    valueless ``href`` is the empty URL, as in LinkAtlas."""
    tree = Tree()
    for node in LexborHTMLParser(text).css("a[href]"):
        tree.hrefs[node.attributes.get("href") or ""] += 1
    return tree


def bs4_tree(body: bytes) -> Tree:
    tree = Tree()
    for a in BeautifulSoup(body, "lxml").find_all("a", href=True):
        href = str(a["href"])
        tree.hrefs[href] += 1
        if a.find_parent("template") is not None:
            tree.in_template[href] += 1
    return tree


def lxml_tree(root: Any) -> Tree:
    """What Scrapy's extractor walks: every ``a`` element of its lxml tree with an href."""
    tree = Tree()
    for element in root.iter(etree.Element):
        tag = element.tag
        if (
            not isinstance(tag, str)
            or tag.rsplit("}", 1)[-1] != "a"
            or "href" not in element.attrib
        ):
            continue
        href = str(element.attrib["href"])
        tree.hrefs[href] += 1
        if next(element.iterancestors("template"), None) is not None:
            tree.in_template[href] += 1
    return tree


def linkatlas_verdict(href: str, base: str, codec: str | None) -> str | None:
    """None if LinkAtlas keeps the href as a link, else why not (the scheme too for
    ``other_scheme``)."""
    target, reason = resolve_href(href, base, codec)
    return f"other_scheme:{scheme_of(target)}" if reason == "other_scheme" else reason


def scrapy_verdict(href: str, base: str, response: Any) -> str | None:
    """None if Scrapy's default LinkExtractor keeps the href, else why not (mirrors
    ``LxmlParserLinkExtractor._extract_links`` and ``LxmlLinkExtractor._link_allowed``)."""
    try:
        url = urljoin(base, strip_html5_whitespace(href))
        url = urljoin(response.url, safe_url_string(url, encoding=response.encoding))
    except ValueError:
        return "bad_url"
    scheme = url.split("://", 1)[0]
    if scheme not in SCRAPY_SCHEMES:
        return f"scheme:{scheme[:20]}"
    path = urlparse(url).path.lower()
    for ext in SCRAPY_DENY_EXTENSIONS:
        if path.endswith(ext):
            return f"ext:{ext}"
    return None


def tree_diff(
    report: CountReport,
    comparison: str,
    mine: Tree,
    theirs: Tree,
    *,
    source: Callable[[], SourceTagCounter],
    weight_mine: Callable[[str], int],
    weight_theirs: Callable[[str], int],
) -> None:
    """Classify the ``<a href>`` elements one tree has and the other has not."""
    src: SourceTagCounter | None = None
    for href, extra in (mine.hrefs - theirs.hrefs).items():
        if not weight_mine(href):
            continue
        if src is None:
            src = source()
        reopened = max(0, min(extra, mine.hrefs[href] - src.hrefs[href]))
        after_html = min(extra - reopened, src.after_html[href])
        report.add(comparison, "html5_reopened_a", reopened, href)
        report.add(comparison, "after_html_end", after_html, href)
        report.add(comparison, "tree_other", extra - reopened - after_html, href)
    for href, extra in (theirs.hrefs - mine.hrefs).items():
        if not weight_theirs(href):
            continue
        template = min(extra, theirs.in_template[href])
        report.add(comparison, "template", -template, href)
        report.add(comparison, "tree_other", -(extra - template), href)


class Verdicts:
    """Per-href verdicts of LinkAtlas and Scrapy on one page, cached: None means kept."""

    def __init__(self, *, base: str, codec: str | None, response: Any) -> None:
        self._base, self._codec, self._response = base, codec, response
        self._scrapy_base: str = get_base_url(response)
        self._linkatlas: dict[str, str | None] = {}
        self._scrapy: dict[str, str | None] = {}

    def linkatlas(self, href: str) -> str | None:
        if href not in self._linkatlas:
            self._linkatlas[href] = linkatlas_verdict(href, self._base, self._codec)
        return self._linkatlas[href]

    def scrapy(self, href: str) -> str | None:
        if href not in self._scrapy:
            self._scrapy[href] = scrapy_verdict(href, self._scrapy_base, self._response)
        return self._scrapy[href]


@dataclass(slots=True)
class PageLinks:
    """One page's ``<a href>`` links as each contender sees them."""

    kept_a: int
    """LinkAtlas links of kind ``a``."""
    linkatlas_all: int
    """LinkAtlas kept ``a`` links plus every dropped href."""
    lexbor: Tree
    bs4: Tree
    lxml: Tree
    scrapy_kept: int
    scrapy_no_deny_extensions: int
    text: str
    verdicts: Verdicts

    def source(self) -> SourceTagCounter:
        return SourceTagCounter.of(self.text)


def page_links(page: BenchPage, resolver: DomainResolver) -> PageLinks:
    extracted = extract_page(
        page.body, page.url, headers=page.headers, resolver=resolver, charset=page.charset
    )
    kept_a = sum(1 for link in extracted.links if link.kind == "a")
    text, codec = decode_page(page.body, page.charset)
    lexbor = lexbor_tree(text)
    response = scrapy_response(page)
    only_a = LinkExtractor(tags=("a",), unique=False)
    only_a_all = LinkExtractor(tags=("a",), unique=False, deny_extensions=())
    return PageLinks(
        kept_a=kept_a,
        linkatlas_all=kept_a + extracted.stats.links_dropped,
        lexbor=lexbor,
        bs4=bs4_tree(page.body),
        lxml=lxml_tree(response.selector.root),
        scrapy_kept=len(only_a.extract_links(response)),
        scrapy_no_deny_extensions=len(only_a_all.extract_links(response)),
        text=text,
        verdicts=Verdicts(base=extracted.page.base_url, codec=codec, response=response),
    )


def diff_bs4(report: CountReport, links: PageLinks, url: str) -> None:
    """Every ``<a href>``: LinkAtlas kept + dropped against BeautifulSoup's ``find_all``."""
    unaccounted = links.linkatlas_all - links.lexbor.total
    report.add("bs4", "other_kind_drops", unaccounted, url)
    tree_diff(
        report,
        "bs4",
        links.lexbor,
        links.bs4,
        source=links.source,
        weight_mine=lambda href: 1,
        weight_theirs=lambda href: 1,
    )


def diff_scrapy(report: CountReport, links: PageLinks, url: str) -> None:
    """Web links: LinkAtlas kept ``a`` against ``LinkExtractor(tags="a", unique=False)``."""
    verdicts = links.verdicts
    lexbor, lxml = links.lexbor.hrefs, links.lxml.hrefs
    tree_diff(
        report,
        "scrapy",
        links.lexbor,
        links.lxml,
        source=links.source,
        weight_mine=lambda href: int(verdicts.linkatlas(href) is None),
        weight_theirs=lambda href: int(verdicts.scrapy(href) is None),
    )
    explained = sum(n * (verdicts.linkatlas(h) is None) for h, n in (lexbor - lxml).items())
    explained -= sum(n * (verdicts.scrapy(h) is None) for h, n in (lxml - lexbor).items())
    for href, both in (lexbor & lxml).items():
        explained += classify_filters(report, href, both, verdicts)
    report.add("scrapy", "unexplained", links.kept_a - links.scrapy_kept - explained, url)


def classify_filters(report: CountReport, href: str, count: int, verdicts: Verdicts) -> int:
    """Record an href that both trees hold ``count`` times but only one side keeps; return
    its signed part of the difference (LinkAtlas - Scrapy)."""
    mine, theirs = verdicts.linkatlas(href), verdicts.scrapy(href)
    if (mine is None) == (theirs is None):
        return 0
    if theirs is not None:  # LinkAtlas keeps it, Scrapy does not
        kind, _, detail = theirs.partition(":")
        if kind == "ext":
            report.extensions[detail] += count
        category = {"ext": "scrapy_deny_extensions", "scheme": "scrapy_scheme"}.get(
            kind, "scrapy_other"
        )
        report.add("scrapy", category, count, href)
        return count
    assert mine is not None
    kind, _, detail = mine.partition(":")
    if kind == "other_scheme":
        report.schemes[detail] += count
    category = f"linkatlas_{kind}"
    if category not in LINKATLAS_VS_SCRAPY:
        category = "linkatlas_other"
    report.add("scrapy", category, -count, href)
    return -count


def compare_page(page: BenchPage, resolver: DomainResolver, report: CountReport) -> None:
    """Count the page's ``<a href>`` links in all three and classify every difference."""
    links = page_links(page, resolver)
    report.pages += 1
    report.totals.update(
        linkatlas_all=links.linkatlas_all,
        linkatlas_kept_a=links.kept_a,
        bs4=links.bs4.total,
        scrapy_tree=links.lxml.total,
        scrapy_kept=links.scrapy_kept,
        scrapy_no_deny_extensions=links.scrapy_no_deny_extensions,
    )
    every = links.linkatlas_all
    report.agree.update(
        linkatlas_bs4=every == links.bs4.total,
        linkatlas_scrapy_tree=every == links.lxml.total,
        all_three_trees=every == links.bs4.total == links.lxml.total,
        linkatlas_scrapy=links.kept_a == links.scrapy_kept,
        linkatlas_scrapy_no_deny_extensions=links.kept_a == links.scrapy_no_deny_extensions,
    )
    for comparison, diff in (("bs4", diff_bs4), ("scrapy", diff_scrapy)):
        before = Counter(report.diffs.get(comparison, Counter()))
        diff(report, links, page.url)
        report.close_page(comparison, before)


def check_counts(pages: list[BenchPage]) -> CountReport:
    resolver = fresh_resolver()
    report = CountReport()
    for number, page in enumerate(pages, 1):
        if number % 100 == 0:
            progress(f"link counts: {number}/{len(pages)} pages")
        compare_page(page, resolver, report)
    return report


def counts_summary(report: CountReport) -> dict[str, Any]:
    """The check's result as a JSON-ready document."""
    return {
        "pages": report.pages,
        "agree": dict(report.agree),
        "totals": dict(report.totals),
        "differences": {k: dict(v) for k, v in report.diffs.items()},
        "pages_with_difference": {k: dict(v) for k, v in report.diff_pages.items()},
        "scrapy_denied_extensions": dict(report.extensions.most_common()),
        "linkatlas_other_schemes": dict(report.schemes.most_common()),
        "examples": report.examples,
    }


def print_counts(counts: dict[str, Any]) -> None:
    pages, agree, totals = counts["pages"], counts["agree"], counts["totals"]
    print(f"<a href> links per page, {pages} pages (pages where the counts agree; links in all)")
    lines = [
        (
            "every <a href>: LinkAtlas kept 'a' + dropped = BeautifulSoup find_all",
            "linkatlas_bs4",
            f"{totals['linkatlas_all']} vs {totals['bs4']}",
        ),
        (
            "every <a href>: LinkAtlas = Scrapy's lxml tree (before its filters)",
            "linkatlas_scrapy_tree",
            f"{totals['linkatlas_all']} vs {totals['scrapy_tree']}",
        ),
        ("every <a href>: all three", "all_three_trees", ""),
        (
            "web links: LinkAtlas kept 'a' = Scrapy LinkExtractor(tags='a')",
            "linkatlas_scrapy",
            f"{totals['linkatlas_kept_a']} vs {totals['scrapy_kept']}",
        ),
        (
            "  same, Scrapy with deny_extensions=()",
            "linkatlas_scrapy_no_deny_extensions",
            f"{totals['linkatlas_kept_a']} vs {totals['scrapy_no_deny_extensions']}",
        ),
    ]
    for text, key, links in lines:
        print(f"  {text:<72} {agree.get(key, 0):>4}/{pages}  {links}")
    for comparison, title, descriptions in (
        ("bs4", "every <a href>, LinkAtlas - BeautifulSoup", LINKATLAS_VS_BS4),
        ("scrapy", "web links, LinkAtlas - Scrapy LinkExtractor", LINKATLAS_VS_SCRAPY),
    ):
        diffs = counts["differences"].get(comparison, {})
        diff_pages = counts["pages_with_difference"].get(comparison, {})
        print(f"  differences, {title}: {sum(diffs.values()):+d} links")
        for category, links in sorted(diffs.items(), key=lambda item: -abs(item[1])):
            print(
                f"    {links:+6d} links on {diff_pages.get(category, 0):>3} pages  "
                f"{category}: {descriptions[category]}"
            )
    if counts["scrapy_denied_extensions"]:
        top = ", ".join(f"{e} {n}" for e, n in counts["scrapy_denied_extensions"].items())
        print(f"  Scrapy deny_extensions hits: {top}")
    if counts["linkatlas_other_schemes"]:
        top = ", ".join(f"{s} {n}" for s, n in counts["linkatlas_other_schemes"].items())
        print(f"  kept by Scrapy, other_scheme for LinkAtlas: {top}")
