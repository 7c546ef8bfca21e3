"""Link extraction of one page, on small pages written here where the answer is known."""

from __future__ import annotations

from pathlib import Path

from linkatlas import extract_links
from linkatlas.extract.domains import DomainResolver, ResolvedHref
from linkatlas.extract.html import extract_page, rel_tokens, robots_flags
from linkatlas.sources.warc import iter_warc_pages

PAGE = "https://www.example.co.uk/blog/post"


def links_of(html: str | bytes, **kwargs: object) -> list:  # type: ignore[type-arg]
    return extract_links(html, PAGE, **kwargs)  # type: ignore[arg-type]


def test_targets_are_resolved_and_fragments_dropped() -> None:
    links = links_of('<a href="../about#team">About</a><a href="//cdn.example.org/x?q=1#f">x</a>')
    assert [lk.url for lk in links] == [
        "https://www.example.co.uk/about",
        "https://cdn.example.org/x?q=1",
    ]
    assert [lk.domain for lk in links] == ["example.co.uk", "example.org"]
    assert [lk.internal for lk in links] == [True, False]


def test_rel_tokens_are_case_insensitive_and_set_flags() -> None:
    html = (
        '<a href="/a" rel="NoFollow noopener">a</a>'
        '<a href="/b" rel="sponsored">b</a>'
        '<a href="/c" rel=" ugc  nofollow ">c</a>'
        '<a href="/d" rel="noreferrer">d</a>'
    )
    flags = [(lk.nofollow, lk.sponsored, lk.ugc) for lk in links_of(html)]
    assert flags == [(True, False, False), (False, True, False), (True, False, True), (False,) * 3]
    assert rel_tokens("NoFollow  NOOPENER nofollow") == ("nofollow", "noopener")


def test_meta_robots_and_x_robots_tag_make_every_link_nofollow() -> None:
    meta = '<meta name="ROBOTS" content="index, NoFollow"><a href="https://b.com/">b</a>'
    assert all(lk.nofollow for lk in links_of(meta))
    googlebot = '<meta name="googlebot" content="none"><a href="https://b.com/">b</a>'
    assert all(lk.nofollow for lk in links_of(googlebot))
    header = links_of('<a href="https://b.com/">b</a>', headers={"X-Robots-Tag": "nofollow"})
    assert header[0].nofollow
    plain = links_of('<meta name="robots" content="noindex"><a href="https://b.com/">b</a>')
    assert not plain[0].nofollow
    assert robots_flags("googlebot: noindex, nofollow") == (True, True)


def test_base_href_first_one_wins_and_may_be_relative() -> None:
    html = '<base href="/docs/"><base href="https://other.com/"><a href="page">p</a>'
    assert links_of(html)[0].url == "https://www.example.co.uk/docs/page"


def test_image_links_take_alt_and_empty_anchors_fall_back_to_title() -> None:
    html = (
        '<a href="/i"><img src="x.png" alt=" Our  logo "></a>'
        '<a href="/t" title="Read the guide"></a>'
        '<a href="/both">Text <img alt="ignored"></a>'
        "<map><area href=/m alt=Region></map>"
    )
    links = links_of(html)
    assert [(lk.anchor, lk.image, lk.kind) for lk in links] == [
        ("Our logo", True, "a"),
        ("Read the guide", False, "a"),
        ("Text", True, "a"),
        ("Region", False, "area"),
    ]


def test_image_flags_reach_every_enclosing_link_and_the_first_non_empty_alt_wins() -> None:
    html = (
        # HTML5 keeps an <a> opened inside a table cell nested in the outer one.
        '<a href="/outer"><table><tr><td><a href="/inner"><img alt="in"></a></td></tr></table></a>'
        '<a href="/two"><img alt=""><img alt="  second  one "></a>'
        '<a href="/deep"><span><picture><img alt="p"></picture></span> </a>'
        '<a href="/none"><img></a><a href="/text">plain</a>'
    )
    assert [(lk.url[-6:], lk.anchor, lk.image) for lk in links_of(html)] == [
        ("/outer", "in", True),
        ("/inner", "in", True),
        ("uk/two", "second one", True),
        ("k/deep", "p", True),
        ("k/none", "", True),
        ("k/text", "plain", False),
    ]


def test_head_directives_are_matched_exactly() -> None:
    loose = (
        '<meta name=" ROBOTS " content="nofollow"><link rel="alternate Canonical" href="/c">'
        '<meta http-equiv=" Refresh " content="0; url=/r">'
    )
    result = extract_page(loose + '<a href="/x">x</a>', PAGE)
    assert result.page.robots_nofollow
    assert [lk.kind for lk in result.links] == ["a", "canonical", "refresh"]
    near_misses = (
        '<meta name="norobots" content="nofollow"><meta name="robots-x" content="nofollow">'
        '<link rel="canonicalx" href="/c"><meta http-equiv="refresh-x" content="0; url=/r">'
    )
    other = extract_page(near_misses + '<a href="/x">x</a>', PAGE)
    assert not other.page.robots_nofollow
    assert [lk.kind for lk in other.links] == ["a"]


def test_valueless_href_links_to_the_page_itself() -> None:
    assert [lk.url for lk in links_of("<a href>self</a>")] == [PAGE]


def test_relative_hrefs_are_shared_only_between_pages_of_one_directory() -> None:
    resolver = DomainResolver()
    page = '<a href="foo">x</a><a href="a/b">y</a>'
    found = {
        url: [lk.url for lk in extract_page(page, url, resolver=resolver).links]
        for url in ("https://a.com", "https://b.com", "https://u@C.com?x", "http://a.com/d/e")
    }
    assert found == {
        "https://a.com": ["https://a.com/foo", "https://a.com/a/b"],
        "https://b.com": ["https://b.com/foo", "https://b.com/a/b"],
        "https://u@C.com?x": ["https://u@c.com/foo", "https://u@c.com/a/b"],
        "http://a.com/d/e": ["http://a.com/d/foo", "http://a.com/d/a/b"],
    }


def test_svg_links_take_xlink_href_and_href_wins_over_it() -> None:
    links = links_of(
        '<svg><a xlink:href="/logo-page"><text>Logo</text></a>'
        '<a href="/new" xlink:href="/old"><text>Both</text></a></svg>'
    )
    assert [(lk.url, lk.anchor) for lk in links] == [
        ("https://www.example.co.uk/logo-page", "Logo"),
        ("https://www.example.co.uk/new", "Both"),
    ]


def test_anchor_whitespace_is_normalised() -> None:
    assert (
        links_of('<a href="/x">  Best\n\t<b>shoes</b>   here </a>')[0].anchor == "Best shoes here"
    )


def test_non_links_are_dropped_and_counted() -> None:
    html = (
        '<a href="javascript:void(0)">j</a><a href=" JavaScript:x">j</a>'
        '<a href="mailto:a@b.c">m</a><a href="tel:+123">t</a>'
        '<a href="data:text/html,hi">d</a><a href="ftp://files.example.com/">f</a>'
        '<a href="http://[::1">bad</a><a name="anchor-only">n</a><a href="/ok">ok</a>'
    )
    result = extract_page(html, PAGE)
    assert [lk.url for lk in result.links] == ["https://www.example.co.uk/ok"]
    assert result.stats.dropped == {
        "javascript": 2,
        "mailto": 1,
        "tel": 1,
        "data": 1,
        "other_scheme": 1,
        "unparsable": 1,
    }


def test_canonical_refresh_and_redirect_are_links_of_their_own_kind() -> None:
    html = (
        '<link rel="Canonical" href="/blog/post?id=1">'
        '<meta http-equiv="refresh" content="5; URL=\'https://new.example.net/\'">'
    )
    result = extract_page(html, PAGE, location="/moved")
    kinds = {lk.kind: lk.url for lk in result.links}
    assert kinds == {
        "canonical": "https://www.example.co.uk/blog/post?id=1",
        "refresh": "https://new.example.net/",
        "redirect": "https://www.example.co.uk/moved",
    }
    assert result.page.canonical_url == "https://www.example.co.uk/blog/post?id=1"


def test_positions_from_html5_elements_and_conventions() -> None:
    html = """
      <header><a href="/logo">logo</a></header>
      <div role="navigation"><a href="/menu">menu</a></div>
      <main><p><a href="/body">body</a></p></main>
      <div id="sidebar"><a href="/side">side</a></div>
      <div class="site-footer"><a href="/foot">foot</a></div>
      <footer><nav><a href="/footnav">fn</a></nav></footer>
    """
    positions = {lk.anchor: lk.position for lk in links_of(html)}
    assert positions == {
        "logo": "header",
        "menu": "nav",
        "body": "main",
        "side": "aside",
        "foot": "footer",
        "fn": "nav",
    }


def test_position_looks_past_plain_parents_to_the_nearest_named_ancestor() -> None:
    html = """
      <ul class="Main-Menu"><li><a href="/m1">m1</a></li><li><b><a href="/m2">m2</a></b></li></ul>
      <footer><p><a href="/f">f</a> <a href="/f2">f2</a></p></footer>
      <nav><div class="content"><span><a href="/n">n</a></span></div>
        <article><p><a href="/in-article">a</a></p></article></nav>
      <div class="navy-blue"><p><a href="/plain">p</a></p></div>
      <td><a href="/cell">c</a></td><span role="navigation"><a href="/span">s</a></span>
    """
    positions = {lk.anchor: lk.position for lk in links_of(html)}
    assert positions == {
        "m1": "nav",
        "m2": "nav",
        "f": "footer",
        "f2": "footer",
        "n": "nav",
        "a": "main",
        "p": "main",
        "c": "main",
        "s": "main",  # role is read on block containers only, as id and class are
    }


def test_private_suffixes_are_their_own_sites() -> None:
    links = extract_links(
        '<a href="https://bob.github.io/">bob</a><a href="/me">me</a>', "https://alice.github.io/"
    )
    assert [(lk.domain, lk.internal) for lk in links] == [
        ("bob.github.io", False),
        ("alice.github.io", True),
    ]


def test_ip_hosts_are_their_own_site() -> None:
    resolver = DomainResolver()
    assert resolver.registrable_domain("192.168.0.1") == "192.168.0.1"
    links = extract_links('<a href="http://10.0.0.1:8080/x">x</a>', PAGE, resolver=resolver)
    assert (links[0].host, links[0].domain) == ("10.0.0.1", "10.0.0.1")


def test_encodings_from_header_meta_and_detection() -> None:
    text = "Привет мир"
    cp1251 = f'<a href="/x">{text}</a>'.encode("cp1251")
    assert (
        links_of(cp1251, headers={"Content-Type": "text/html; charset=windows-1251"})[0].anchor
        == text
    )
    meta = '<meta charset="shift_jis"><a href="/x">日本語のリンク</a>'.encode("shift_jis")
    assert links_of(meta)[0].anchor == "日本語のリンク"
    gb = '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
    gb += '<a href="/x">中文链接</a>'
    assert links_of(gb.encode("gb2312"))[0].anchor == "中文链接"
    prose = "<p>Les élèves étudient à l'école française; où est la bibliothèque?</p>" * 3
    latin = (prose + '<a href="/x">Café über naïve</a>').encode("latin-1")
    assert links_of(latin)[0].anchor == "Café über naïve"
    bom = b"\xef\xbb\xbf" + '<a href="/x">ünïcode</a>'.encode()
    assert links_of(bom)[0].anchor == "ünïcode"


def test_run_cache_gives_the_same_links_as_fresh_resolution(real_pages_warc: Path) -> None:
    """Cached resolution (absolute hrefs, and relative ones per base directory) is exact:
    every page of the real corpus, extracted after all the others with one shared resolver,
    gives the links a fresh resolver gives. A second base in each directory is tried too."""

    class Uncached(DomainResolver):
        def remember_href(
            self, cache: dict[str, ResolvedHref], href: str, resolved: ResolvedHref
        ) -> None:
            pass

    pages = list(iter_warc_pages(real_pages_warc))
    shared, uncached = DomainResolver(), Uncached()
    for page in pages:
        extract_page(page.body, page.url, headers=page.headers, resolver=shared)
    for page in pages:
        for url in (page.url, page.url.split("?")[0].rsplit("/", 1)[0] + "/other?q=1"):
            warm = extract_page(page.body, url, headers=page.headers, resolver=shared)
            cold = extract_page(page.body, url, headers=page.headers, resolver=uncached)
            assert warm.links == cold.links, url
            assert warm.stats.dropped == cold.stats.dropped, url
