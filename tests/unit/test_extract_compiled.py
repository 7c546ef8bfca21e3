"""The compiled body-link walk gives the very records of the Python walk.

Every page of the WARC test data, a generated sample web and hand-made edge cases run through
both walks (``extract_page(..., compiled=False)`` is the Python one); the records and the
drop counts must be equal. The compiled walk must be built and in use: extraction speed
depends on it.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from linkatlas.extract import compiled
from linkatlas.extract.domains import DomainResolver
from linkatlas.extract.html import compiled_walk, extract_page, normalize_space, rel_info
from linkatlas.extract.position import tag_ids
from linkatlas.records import ExtractedPage, FetchedPage
from linkatlas.sources.sample_web import generate_sample_web
from linkatlas.sources.warc import iter_warc_pages
from tests.conftest import SHARED_DATA

URL = "https://www.example.com/dir/page.html"


RESOLVERS = {True: DomainResolver(), False: DomainResolver()}
"""One resolver per walk, kept across pages as a run keeps it (its caches are exact)."""


def both(html: bytes | str, url: str = URL, **kwargs: object) -> tuple[ExtractedPage, ...]:
    """The page extracted by the compiled walk and by the Python walk."""
    return tuple(
        extract_page(html, url, resolver=RESOLVERS[flag], compiled=flag, **kwargs)  # type: ignore[arg-type]
        for flag in (True, False)
    )


def assert_same(fast: ExtractedPage, reference: ExtractedPage) -> None:
    assert fast.links == reference.links
    assert fast.stats.dropped == reference.stats.dropped
    assert fast == reference


def test_the_compiled_walk_is_built_and_used() -> None:
    walk = compiled_walk()
    assert walk is not None, "the extension linkatlas.extract._lexbor_links was not built"
    page = extract_page('<p><a href="/x">x</a></p>', URL, compiled=True)
    assert [link.url for link in page.links] == ["https://www.example.com/x"]


def _fetched(paths: list[Path]) -> list[FetchedPage]:
    pages: list[FetchedPage] = []
    for path in paths:
        pages.extend(iter_warc_pages(path))
    return pages


def test_same_records_on_every_page_of_the_warc_test_data() -> None:
    paths = sorted(
        path
        for path in (SHARED_DATA / "warc").glob("*.warc*")
        if not path.name.endswith((".wat.gz", ".wet.gz"))
    )
    if not paths:
        pytest.skip(f"shared test data absent: {SHARED_DATA / 'warc'}")
    pages = _fetched(paths)
    assert len(pages) > 400
    links = 0
    for page in pages:
        fast, reference = both(page.body, page.url, headers=page.headers, location=page.location)
        assert_same(fast, reference)
        links += len(fast.links)
    assert links > 70_000


def test_same_records_on_the_link_extractor_fixtures() -> None:
    folder = SHARED_DATA / "links"
    files = sorted(folder.glob("*.html"))
    if not files:
        pytest.skip(f"shared test data absent: {folder}")
    for path in files:
        for url in (f"http://example.com/{path.name}", "https://Example.COM", "http://u:p@h.org"):
            assert_same(*both(path.read_bytes(), url))


def test_same_records_on_a_generated_sample_web(tmp_path: Path) -> None:
    path = tmp_path / "sample.warc.gz"
    generate_sample_web(path, seed=11, sites=12, pages_per_site=10)
    pages = _fetched([path])
    assert len(pages) > 100
    for page in pages:
        assert_same(*both(page.body, page.url, headers=page.headers, location=page.location))


EDGE_CASES = {
    "text in several nodes": '<a href="/a">one<b>two</b> <i> three </i>\n four</a>',
    "wide whitespace": "<a href=/a>\u00a0caf\u00e9\u3000bar\u2028 \u2003x\u0085y\x1cz\x1f</a>",
    "no-break only": "<a href=/a title=' t\u00a0 i '>\u00a0\u2009</a>",
    "image alt": '<a href=/a><img alt=""><img alt=" first  alt "><img alt=second></a>',
    "image no alt": '<a href=/a><img src=x.png></a><a href=/b title=T><img alt=" "></a>',
    "image and text": "<a href=/a>text<img alt=alt></a>",
    "area": '<map><area href=/m alt=" Map  A "><area href=/n title=T><area href=/o></map>',
    "valueless and empty": "<a href>v</a><a href=''>e</a><a href=#f>f</a><a href=?q>q</a>",
    "svg": '<svg><a xlink:href="/s">s</a><a href="/h" xlink:href="/x">h</a><use href=/u /></svg>',
    "svg valueless": "<svg><a href xlink:href='/x'>x</a><a xlink:href>y</a></svg>",
    "html xlink": "<a href xlink:href='/x'>x</a><a xlink:href='/y'>y</a><a href='/z' xlink:href>",
    "dropped": "<a href='javascript:void(0)'>j</a><a href='mailto:a@b.c'>m</a><a href='http://[x'>",
    "rel": '<a href=/a rel="NoFollow  UGC">a</a><a href=/b rel="">b</a><a href=/c rel="sponsored">',
    "positions": (
        "<header><a href=/h>h</a></header><nav><ul><li><a href=/n>n</a></li></ul></nav>"
        '<div id="site-footer"><p><span><a href=/f>f</a></span></p></div>'
        '<div role=" Complementary "><a href=/s>s</a></div>'
        '<div class="Main_Menu"><a href=/m>m</a></div>'
        '<section class="widget area"><div><a href=/w>w</a></div></section>'
        "<table><tr><td class=sidebar><a href=/t>t</a></td></tr></table>"
        "<article><a href=/r>r</a></article>"
        "<my-widget role=navigation><a href=/c>c</a></my-widget>"
        "<li role=navigation><a href=/l>l</a></li>"
        '<div class="navégation nav\u00a0x"><a href=/u>u</a></div>'
        '<div role="NAVIGATİON"><a href=/v>v</a></div>'
        '<div id="" class=""><a href=/e>e</a></div>'
        "<div data-very-long-attribute-name-here=1 class=menu><a href=/d>d</a></div>"
        "<aside><div class=header><a href=/x>x</a></div></aside>"
    ),
    "nested links": (
        "<svg><a href=/o><a href=/i><text>in</text></a>out</a></svg><a href=/p>p<a href=/q>q</a>"
    ),
    "template and script": (
        "<template><a href=/t>t</a></template><a href=/s><script>x</script>s</a>"
    ),
    "base": '<head><base href="/base/"></head><a href="rel">r</a><a href="../up">u</a>',
    "robots": '<head><meta name="robots" content="nofollow"></head><a href=/a>a</a>',
    "entities": "<a href='/a?x=1&amp;y=2'>a&nbsp;&amp;&#x2003;b</a><a href='/\u00e9'>\u00e9</a>",
    "upper case": "<A HREF='/A' REL=NOFOLLOW TITLE=T></A><AREA HREF=/B ALT=B>",
    "foreign names": (
        '<svg viewBox="0 0 1 1"><a href=/s xlink:title=t xml:lang=en viewBox=v>s</a></svg>'
        "<math definitionURL=u><mi><a href=/m>m</a></mi></math>"
    ),
}


@pytest.mark.parametrize("html", EDGE_CASES.values(), ids=EDGE_CASES.keys())
def test_same_records_on_edge_cases(html: str) -> None:
    fast, reference = both(f"<html><body>{html}</body></html>")
    assert_same(fast, reference)
    encoded = both(f"<html><body>{html}</body></html>".encode(), charset="utf-8")
    assert_same(*encoded)


TAGS = (
    *("a", "a", "a", "area", "img", "div", "ul", "li", "section", "td", "table", "tr", "form"),
    *("nav", "footer", "header", "aside", "main", "article", "span", "p", "b", "i", "svg"),
    *("use", "text", "foreignObject", "math", "mi", "template", "script", "noscript"),
    *("my-widget", "select", "option", "button", "map", "body", "image", "title"),
)
HREFS = (
    *("/a", "b/c", "../d", "https://x.example/e", "HTTP://X.EXAMPLE/F", "//cdn.example/g"),
    *("?q=1", "#frag", "", " /spaced ", "javascript:go()", "mailto:a@b.c", "http://[bad"),
    *("/caf\u00e9", "https://\u00e9x.example/", "/a\tb", "tel:+1", "data:text/html,x"),
)
WORDS = (
    *("nav", "Main_Menu", "site-footer", "widget", "header", "masthead", "breadcrumbs"),
    *("navigation", "banner", "complementary", "contentinfo", "main", "article", "x"),
    *("nav\u00e9", "N\u00c0V", " ", "", "menubar sidebar", "FOOTER"),
)
ATTRIBUTES = (
    *("class", "id", "role", "rel", "title", "alt", "href", "HREF", "xlink:href"),
    *("viewBox", "definitionURL", "xml:lang", "data-long-attribute-name-x", "Role"),
)
TEXTS = ("one", " two ", "\u00a0", "\u3000x", "&amp;", "&nbsp;", "\t\n", "\u00e9t\u00e9", "")


def random_document(rng: random.Random, depth: int = 0) -> str:
    """A random fragment: elements of many kinds (foreign content, templates, tables, links
    in links), attributes the walk reads, unclosed and stray tags, text of every spacing."""
    parts: list[str] = []
    for _ in range(rng.randrange(1, 5)):
        roll = rng.random()
        if roll < 0.3:
            parts.append(rng.choice(TEXTS))
            continue
        if roll < 0.35:
            parts.append(f"</{rng.choice(TAGS)}>")
            continue
        tag = rng.choice(TAGS)
        attrs = []
        for _ in range(rng.randrange(0, 4)):
            name = rng.choice(ATTRIBUTES)
            if rng.random() < 0.1:
                attrs.append(name)
                continue
            value = rng.choice(HREFS if "href" in name.lower() else WORDS)
            attrs.append(f'{name}="{value}"')
        if tag == "a" and rng.random() < 0.8:
            attrs.append(f'href="{rng.choice(HREFS)}"')
        inner = random_document(rng, depth + 1) if depth < 5 and rng.random() < 0.7 else ""
        close = f"</{tag}>" if rng.random() < 0.85 else ""
        parts.append(f"<{' '.join([tag, *attrs])}>{inner}{close}")
    return "".join(parts)


HEAD_ELEMENTS = (
    '<meta name="robots" content="nofollow">',
    '<meta name=" GoogleBot " content="noindex, none">',
    '<meta name="norobots" content="nofollow">',
    "<meta http-equiv=Refresh content=\"0; URL='/moved'\">",
    '<meta http-equiv="refresh" content="5">',
    '<base href="/base/dir/">',
    "<base>",
    "<base href=https://other.example/>",
    "<title> A  title </title>",
    '<link rel="Canonical alternate" href="/canon">',
    '<link rel="canonical">',
    "<noscript><link rel=canonical href=/ns></noscript>",
)


def random_head(rng: random.Random) -> str:
    """A head of random elements, some of which matter (robots, refresh, base, canonical)."""
    return (
        "<head>" + "".join(rng.choice(HEAD_ELEMENTS) for _ in range(rng.randrange(4))) + "</head>"
    )


def test_same_records_on_random_documents() -> None:
    rng = random.Random(9)
    links = 0
    for _ in range(400):
        html = (random_head(rng) if rng.random() < 0.5 else "") + random_document(rng)
        fast, reference = both(html)
        assert_same(fast, reference)
        links += len(fast.links)
    assert links > 200


def test_invalid_utf8_text_takes_the_python_route_and_agrees() -> None:
    body = b"<a href=/a>caf\xc3 \xff\xfe x\xe2\x80 y\xed\xa0\x80 z\xf4\x90\x80\x80</a>"
    fast, reference = both(body, charset="utf-8")
    assert_same(fast, reference)
    assert fast.links[0].anchor == reference.links[0].anchor


def test_random_texts_are_normalised_as_python_does() -> None:
    rng = random.Random(5)
    alphabet = [
        *"ab \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f",
        *"\u00a0\u0085\u1680\u2000\u200a\u200b\u2028\u2029\u202f\u205f\u3000\u00e9\u4e2d",
        "\U0001f600",
        "<b>",
        "</b>",
        "&nbsp;",
    ]
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 24)))
        title = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 6)))
        html = f'<a href="/a" title="{title}">{text}</a><a href=/b><img alt="{text}"></a>'
        assert_same(*both(html))


def test_the_layout_check_fails_on_wrong_ids() -> None:
    module = pytest.importorskip("linkatlas.extract._lexbor_links")
    attrs = compiled._attribute_ids(module)
    assert attrs is not None
    text = LexborHTMLParser("<p>x</p>").css_first("p")
    assert text is not None and text.child is not None
    tags = {**tag_ids({"a", "area", "img"}), "#text": module.name_id(text.child.mem_id)}
    good = compiled.make_layout(module, tags, attrs)
    assert compiled._layout_matches(module, good)
    swapped = {**attrs, "href": attrs["rel"], "rel": attrs["href"]}
    bad = compiled.make_layout(module, tags, swapped)
    assert not compiled._layout_matches(module, bad)


def test_load_walk_gives_a_working_walk() -> None:
    walk = compiled.load_walk(rel_info, normalize_space)
    assert walk is not None
    fast, reference = both('<div class="nav"><a href="/x" rel="ugc">x</a></div>')
    assert fast.links[0].position == reference.links[0].position == "nav"
    assert fast.links[0].ugc
