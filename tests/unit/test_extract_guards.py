"""Guards: no page, however built, costs more than a bounded time."""

from __future__ import annotations

from linkatlas.extract.guards import GUARD_TAGS, MAX_NESTING, cap_nesting
from linkatlas.extract.html import extract_page

PAGE = "https://example.com/"


def test_deep_nesting_is_cut_at_the_depth_cap() -> None:
    depth = 3 * MAX_NESTING + GUARD_TAGS
    html = ("<div><b>x</b>" * depth + '<a href="/deep">deep</a>').encode()
    result = extract_page(b'<a href="/top">top</a>' + html, PAGE)
    assert result.stats.capped == 1
    assert [lk.url for lk in result.links] == ["https://example.com/top"]


def test_text_input_is_guarded_too() -> None:
    document, cut = cap_nesting("<span>" * (GUARD_TAGS + 10) + "end")
    assert cut and isinstance(document, str)
    assert document.count("<span>") == MAX_NESTING


def test_pages_with_few_tags_are_untouched() -> None:
    html = b"<div>" * 100 + b'<a href="/x">x</a>' + b"</div>" * 100
    assert cap_nesting(html) == (html, False)


def test_many_shallow_elements_are_not_cut() -> None:
    html = b"".join(b'<p><a href="/p%d">%d</a></p><div>t</div>' % (i, i) for i in range(30_000))
    document, cut = cap_nesting(html)
    assert not cut and document == html
    result = extract_page(html, PAGE)
    assert len(result.links) == 30_000 and result.stats.capped == 0


def test_a_million_links_are_bounded_by_the_byte_cap() -> None:
    html = b"".join(b'<a href="/p%d">l</a>' % i for i in range(1_000_000))
    result = extract_page(html, PAGE, max_bytes=1024 * 1024)
    assert 0 < len(result.links) < 60_000
