"""Link extraction against Scrapy's LinkExtractor test expectations.

Data: ``links/expected_cases.json`` (34 Scrapy tests, 119 expected links) and the HTML
fixtures beside it (see ``MANIFEST.md``); every test skips when the folder is absent.

Each ``expect_links`` event of a case is one test. What is compared: resolved URLs, anchor
texts and nofollow flags, in order. Scrapy's extractor options that select or rewrite links
(allow/deny, domains, restrict_*, tags/attrs other than ``a``/``area`` ``href``, unique=True,
canonicalize, process_value, ...) have no counterpart in our extraction: those expectations are
skipped with the reason. Our documented differences are accounted for explicitly:

- link URLs drop the fragment (Scrapy keeps ``#foo`` in ``url``; its ``fragment`` field is
  always empty in the data), so an expected URL is compared without its fragment;
- anchors are whitespace-normalised; an image link without text takes the image's ``alt``,
  an ``<area>``'s anchor is its ``alt``, an empty anchor falls back to ``title``
  (``ANCHOR_DIFFERENCES``);
- we do not deduplicate: where ``LxmlLinkExtractor()`` (unique=True by default) drops repeats,
  the repeats we keep are listed in ``EXTRA_LINKS``;
- only http(s) targets are links for us (``MISSING_LINKS``);
- on a legacy-encoded page a non-ASCII query is percent-encoded in the page's encoding (URL
  standard, Scrapy): extract_page passes the page's codec to ``resolve_url``.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from linkatlas.extract.encoding import (
    codec_for_label,
    codec_for_python_name,
    decode_html,
    decode_page,
    sniff_encoding,
)
from linkatlas.extract.html import extract_page, normalize_space
from linkatlas.extract.urls import resolve_url
from linkatlas.records import ExtractedPage


def shared_data() -> Path:
    """The shared test material: the repository root's parent / shared / data."""
    return Path(__file__).resolve().parents[2].parent / "shared" / "data"


LINKS = shared_data() / "links"
CASES_FILE = LINKS / "expected_cases.json"
NO_DATA = f"shared test data not found at {LINKS} (see /work/shared/data/MANIFEST.md)"
needs_data = pytest.mark.skipif(not CASES_FILE.is_file(), reason=NO_DATA)

# Extractor keyword arguments with no counterpart in our extraction, and why.
SCRAPY_ONLY = {
    "allow": "allow/deny URL filters are a crawl policy, Scrapy-only",
    "deny": "allow/deny URL filters are a crawl policy, Scrapy-only",
    "allow_domains": "domain filters are a crawl policy, Scrapy-only",
    "deny_domains": "domain filters are a crawl policy, Scrapy-only",
    "deny_extensions": "extension filters are a crawl policy, Scrapy-only",
    "restrict_xpaths": "restricting extraction to page regions is Scrapy-only",
    "restrict_css": "restricting extraction to page regions is Scrapy-only",
    "restrict_text": "filtering by anchor text is Scrapy-only",
    "tags": "we extract a/area href only; other tag sets are Scrapy-only",
    "attrs": "we extract a/area href only; other attribute sets are Scrapy-only",
    "canonicalize": "URL canonicalisation (query sorting) is Scrapy-only; we keep WHATWG URLs",
    "process_value": "rewriting hrefs with a callback is Scrapy-only",
    "process": "rewriting hrefs with a callback is Scrapy-only",
    "strip": "the strip switch is Scrapy-only (we always strip hrefs)",
    "unique": "deduplication is Scrapy-only; we keep every link occurrence",
}
# Keyword arguments whose value is what we do anyway.
OUR_DEFAULTS = {("unique", "False"), ("attrs", '"href"')}
# Default options of LxmlLinkExtractor() that filter the expectation of these tests.
DEFAULT_FILTERED = {
    "test_ignored_extensions-0": (
        "LxmlLinkExtractor()'s default deny_extensions drops photo.jpg: a crawl policy, Scrapy-only"
    ),
}

# test id -> {position in our links: why Scrapy has no such link}.
DEDUP = "a repeat that LxmlLinkExtractor()'s default unique=True drops; we keep occurrences"
EXTRA_LINKS: dict[str, dict[int, str]] = {
    "test_extract_all_links-0": {3: DEDUP, 4: DEDUP},
    "test_attrs-0": {3: DEDUP, 4: DEDUP},
}
# test id -> {position in Scrapy's links: why we have no such link}.
MISSING_LINKS: dict[str, dict[int, str]] = {
    "test_ftp_links-0": {0: "only http(s) targets are links for us (ftp: dropped, counted)"},
}
# (test id, position in Scrapy's links) -> (our anchor, why).
AREA_ALT = "an <area>'s anchor is its alt text (Scrapy: the element's text, empty)"
ANCHOR_DIFFERENCES: dict[tuple[str, int], tuple[str, str]] = {
    ("test_extract_all_links-0", 0): ("sample1", AREA_ALT),
    ("test_attrs-0", 0): ("sample1", AREA_ALT),
}


@dataclass(frozen=True, slots=True)
class Response:
    url: str
    body: bytes
    charset: str | None


@dataclass(frozen=True, slots=True)
class Expectation:
    test_id: str
    call: str
    response: Response | None
    links: tuple[dict[str, Any], ...]


def _response(event: dict[str, Any]) -> Response | None:
    """The bytes and declared encoding of a 'response' event (None if built by code)."""
    encoding = event.get("encoding")
    if event.get("body_base64") is not None:
        body = base64.b64decode(event["body_base64"])
    elif event.get("body") is not None:
        body = event["body"].encode(encoding or "utf-8")
    else:
        return None  # body_source: a Python expression, only used by a Scrapy-only case
    # HtmlResponse(encoding=...) overrides everything, like an HTTP charset.
    return Response(url=event["url"], body=body, charset=encoding)


def _default_response(data: dict[str, Any]) -> Response:
    fixture = data["default_fixture"]
    return Response(url=fixture["url"], body=(LINKS / fixture["file"]).read_bytes(), charset=None)


def _expectations() -> list[Expectation]:
    if not CASES_FILE.is_file():
        return []
    data = json.loads(CASES_FILE.read_text("utf-8"))
    default = _default_response(data)
    found = []
    for case in data["cases"]:
        prefix = "parser-" if case["class"] == "TestLxmlParserLinkExtractor" else ""
        call = ""
        response: Response | None = None
        number = 0
        for event in case["events"]:
            if event["event"] == "extractor":
                call = event["call"]
            elif event["event"] == "response":
                response = _response(event)
            elif event["event"] == "expect_links":
                target = default if "self.response" in event["lhs"] else response
                test_id = f"{prefix}{case['test']}-{number}"
                found.append(Expectation(test_id, call, target, tuple(event["links"])))
                number += 1
    return found


EXPECTATIONS = _expectations()


def _skip_reason(expectation: Expectation) -> str | None:
    """Why an expectation depends on a Scrapy-only option, or None when it is comparable."""
    if expectation.test_id in DEFAULT_FILTERED:
        return DEFAULT_FILTERED[expectation.test_id]
    for name, value in re.findall(r"(\w+)\s*=\s*([^,)]+)", expectation.call):
        if (name, value.strip()) in OUR_DEFAULTS:
            continue
        return f"{name}=: {SCRAPY_ONLY.get(name, 'a Scrapy-only option')}"
    return None


def _params() -> list[Any]:
    if not EXPECTATIONS:
        return [pytest.param(None, marks=pytest.mark.skip(reason=NO_DATA), id="no-data")]
    params = []
    for expectation in EXPECTATIONS:
        reason = _skip_reason(expectation)
        marks = [pytest.mark.skip(reason=reason)] if reason else []
        params.append(pytest.param(expectation, marks=marks, id=expectation.test_id))
    return params


def _without_fragment(url: str) -> str:
    cut = url.find("#")
    return url if cut < 0 else url[:cut]


def _extract(response: Response) -> ExtractedPage:
    return extract_page(response.body, response.url, charset=response.charset)


@pytest.mark.parametrize("expectation", _params())
def test_scrapy_expectation(expectation: Expectation) -> None:
    assert expectation.response is not None
    page = _extract(expectation.response)
    test_id = expectation.test_id
    extra = EXTRA_LINKS.get(test_id, {})
    missing = MISSING_LINKS.get(test_id, {})
    ours = [
        (link.url, link.anchor, link.nofollow)
        for position, link in enumerate(page.links)
        if position not in extra
    ]
    theirs = []
    for position, link in enumerate(expectation.links):
        if position in missing:
            continue
        anchor = normalize_space(link["text"])
        if (test_id, position) in ANCHOR_DIFFERENCES:
            our_anchor, _reason = ANCHOR_DIFFERENCES[(test_id, position)]
            assert our_anchor != anchor
            anchor = our_anchor
        theirs.append((_without_fragment(link["url"]), anchor, link["nofollow"]))
    assert ours == theirs
    # The links we keep beyond Scrapy's are repeats of a URL already extracted.
    for position in extra:
        assert page.links[position].url in {link.url for link in page.links[:position]}
    assert all(link.kind in ("a", "area") for link in page.links)


def test_every_expectation_is_classified() -> None:
    """34 cases, 119 links; each table entry names a real, compared expectation."""
    if not EXPECTATIONS:
        pytest.skip(NO_DATA)
    assert len({e.test_id.rsplit("-", 1)[0] for e in EXPECTATIONS}) == 34
    assert sum(len(e.links) for e in EXPECTATIONS) == 119
    compared = {e.test_id for e in EXPECTATIONS if _skip_reason(e) is None}
    listed = set(EXTRA_LINKS) | set(MISSING_LINKS) | {key for key, _ in ANCHOR_DIFFERENCES}
    assert listed <= compared


@needs_data
def test_ftp_link_is_dropped_and_counted() -> None:
    page = extract_page(
        b'<div><a href="ftp://www.external.com/">An Item</a></div>', "http://www.example.com/"
    )
    assert page.links == ()
    assert page.stats.dropped == {"other_scheme": 1}


# --- encodings ----------------------------------------------------------------------------


def _fixture(name: str) -> bytes:
    return (LINKS / name).read_bytes()


def _anchors(page: ExtractedPage) -> list[tuple[str, str]]:
    return [(link.url, link.anchor) for link in page.links]


@needs_data
def test_noenc_fixture_utf8_without_declaration() -> None:
    """No declared encoding: the bytes are valid UTF-8, so they are read as UTF-8."""
    body = _fixture("linkextractor_noenc.html")
    assert sniff_encoding(body) == ("utf-8", "utf-8")
    page = extract_page(body, "http://example.com/noenc")
    assert _anchors(page) == [
        ("http://example.com/sample_%C3%B1.html", "sample2"),  # image link: the alt
        ("http://example.com/sample_%E2%82%AC.html", "sample \u20ac text"),
    ]
    assert [link.image for link in page.links] == [True, False]


@needs_data
def test_noenc_fixture_with_http_charset() -> None:
    page = extract_page(
        _fixture("linkextractor_noenc.html"),
        "http://example.com/utf8",
        headers={"Content-Type": "text/html; charset=utf-8"},
    )
    assert page.links[1].anchor == "sample \u20ac text"


# Scrapy's latin-1 expectations (test_extraction_encoding): paths are UTF-8 percent-encoded
# whatever the page's encoding, the query takes the page's encoding; the text is "sample á text".
LATIN1_SCRAPY = [
    ("http://example.com/sample_%C3%B1.html", "sample2"),  # image link: we take the alt
    ("http://example.com/sample_%C3%A1.html", "sample \xe1 text"),
    ("http://example.com/sample_%C3%B6.html?price=%A332&%B5=unit", "sample3"),
]
# The same links on a UTF-8 page: the query is UTF-8 too.
LATIN1_AS_UTF8 = [
    *LATIN1_SCRAPY[:2],
    ("http://example.com/sample_%C3%B6.html?price=%C2%A332&%C2%B5=unit", "sample3"),
]


@needs_data
def test_latin1_fixture_as_published() -> None:
    """The published copy of this fixture holds UTF-8 bytes under ``charset=latin-1``.

    ``latin-1`` is not a WHATWG encoding label (``latin1`` and ``iso-8859-1`` are), so, as in a
    browser, the declaration is ignored for valid UTF-8 and the page is read as UTF-8.
    """
    body = _fixture("linkextractor_latin1.html")
    assert b"charset=latin-1" in body
    assert sniff_encoding(body) == ("utf-8", "utf-8")
    assert _anchors(extract_page(body, "http://example.com/latin1")) == LATIN1_AS_UTF8


def _latin1_bytes(label: str) -> bytes:
    """The fixture as Scrapy ships it: ISO-8859-1 bytes (re-encoded here, in memory)."""
    text = _fixture("linkextractor_latin1.html").decode("utf-8")
    return text.replace("charset=latin-1", f"charset={label}").encode("latin-1")


@needs_data
@pytest.mark.parametrize(
    ("label", "source"), [("latin-1", "meta"), ("iso-8859-1", "meta"), ("latin1", "meta")]
)
def test_latin1_fixture_in_latin1_bytes(label: str, source: str) -> None:
    """Read as windows-1252 (the WHATWG meaning of every latin-1 label): anchors right.

    ``latin-1`` is only a Python alias; as the bytes are not UTF-8 it is still the best guide.
    """
    body = _latin1_bytes(label)
    assert sniff_encoding(body) == ("cp1252", source)
    page = extract_page(body, "http://example.com/latin1")
    assert [link.anchor for link in page.links] == [anchor for _, anchor in LATIN1_SCRAPY]
    assert [link.url for link in page.links[:2]] == [url for url, _ in LATIN1_SCRAPY[:2]]


@needs_data
def test_latin1_query_in_page_encoding() -> None:
    page = extract_page(_latin1_bytes("latin1"), "http://example.com/latin1")
    assert _anchors(page) == LATIN1_SCRAPY


@needs_data
def test_latin1_query_with_page_codec() -> None:
    """resolve_url with the page's codec encodes the query as the page does."""
    text, codec = decode_page(_latin1_bytes("latin1"))
    assert codec == "cp1252"
    href = "sample_\xf6.html?price=\xa332&\xb5=unit"
    assert href in text
    assert resolve_url(href, "http://example.com/", codec) == LATIN1_SCRAPY[2][0]


def _response_of(test: str) -> Response:
    data = json.loads(CASES_FILE.read_text("utf-8"))
    for case in data["cases"]:
        if case["test"] == test:
            for event in case["events"]:
                if event["event"] == "response":
                    response = _response(event)
                    assert response is not None
                    return response
    raise AssertionError(test)


@needs_data
@pytest.mark.parametrize(
    ("test", "url", "anchor"),
    [
        # restrict_xpaths is Scrapy-only, but the text of the restricted link is checkable.
        ("test_restrict_xpaths_encoding", "http://example.org/about.html", "About us\xa3"),
        ("test_restrict_xpaths_concat_in_handle_data", "http://example.org/foo", ">\u4eac<\u4e1c"),
        ("test_restrict_xpaths_with_html_entities", None, "text"),
    ],
)
def test_declared_encodings(test: str, url: str | None, anchor: str) -> None:
    """windows-1252, gb18030 and iso8859-15 bodies, the encoding given like an HTTP charset."""
    page = _extract(_response_of(test))
    anchors = {link.anchor: link.url for link in page.links}
    assert anchor in anchors
    if url is not None:
        assert anchors[anchor] == url


ENTITIES_SCRAPY_URL = "http://example.org/%E2%99%A5/you?c=%A4"


@needs_data
def test_entities_in_href_of_legacy_page() -> None:
    """``/&hearts;/you?c=&euro;`` on an iso8859-15 page: the path UTF-8 percent-encoded, the
    query in the page's encoding (the URL standard, and Scrapy: ``c=%A4``)."""
    page = _extract(_response_of("test_restrict_xpaths_with_html_entities"))
    assert [link.url for link in page.links] == [ENTITIES_SCRAPY_URL]


@needs_data
def test_entities_in_href_with_page_codec() -> None:
    response = _response_of("test_restrict_xpaths_with_html_entities")
    text, codec = decode_page(response.body, response.charset)
    assert codec == "iso8859-15"
    assert resolve_url("/\u2665/you?c=\u20ac", response.url, codec) == ENTITIES_SCRAPY_URL
    assert "/&hearts;/you?c=&euro;" in text


# --- encoding sniffing: focused cases -----------------------------------------------------


@pytest.mark.parametrize(
    ("name", "codec"),
    [
        ("latin_1", "cp1252"),  # charset_normalizer's name for ISO-8859-1: WHATWG windows-1252
        ("latin-1", "cp1252"),
        ("ISO8859_7", "iso8859-7"),
        ("euc_jp", "euc_jp"),
        ("cp949", "cp949"),  # no WHATWG name: the Python codec itself
        ("utf_16_be", "utf-16-be"),  # detection is not a declaration: UTF-16 stays UTF-16
        ("no-such-codec", None),
        (None, None),
    ],
)
def test_codec_for_python_name(name: str | None, codec: str | None) -> None:
    assert codec_for_python_name(name) == codec


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("latin1", "cp1252"),
        ("ISO-8859-1", "cp1252"),
        ("utf-16", "utf-8"),  # a declaration in ASCII-compatible bytes cannot be UTF-16
        ("latin-1", None),  # not a WHATWG label
        ("", None),
        (None, None),
    ],
)
def test_codec_for_label(label: str | None, codec: str | None) -> None:
    assert codec_for_label(label) == codec


CP1252_PAGE = "<p>\u201cquoted\u201d 5\u20ac caf\u00e9</p>"


def test_python_alias_declared_over_http() -> None:
    body = CP1252_PAGE.encode("cp1252")
    assert sniff_encoding(body, "latin-1") == ("cp1252", "http")
    assert decode_html(body, "latin-1") == CP1252_PAGE


def test_python_alias_ignored_for_utf8_bodies() -> None:
    body = ("<meta charset=latin-1>" + CP1252_PAGE).encode("utf-8")
    assert sniff_encoding(body) == ("utf-8", "utf-8")


@pytest.mark.parametrize(
    "text",
    [
        "<p>" + " ".join(["\u201cCaf\u00e9 cr\u00e8me\u201d co\u00fbte 5\u20ac."] * 20) + "</p>",
        "<p>Caf\u00e9 cr\u00e8me br\u00fbl\u00e9e, \u00e0 la fran\u00e7aise. Gr\u00fc\u00dfe"
        " aus M\u00fcnchen, \u00e9t\u00e9 \u00e0 Montr\u00e9al.</p>",
    ],
    ids=["smart-quotes-euro", "french-german"],
)
def test_undeclared_western_page_reads_as_windows_1252(text: str) -> None:
    """Detection ties cp1250 with cp1252 on Western text; cp1252 wins (never "crčme")."""
    body = text.encode("cp1252")
    assert sniff_encoding(body) == ("cp1252", "detected")
    assert decode_html(body) == text


def test_undeclared_cyrillic_page_is_detected() -> None:
    text = "<p>" + "Привет, мир! Это страница на русском языке, без объявленной кодировки. " * 5
    body = (text + "</p>").encode("cp1251")
    codec, source = sniff_encoding(body)
    assert source == "detected"
    assert body.decode(codec) == text + "</p>"


def test_bom_is_stripped_and_reported() -> None:
    text, codec = decode_page("\ufeff<a href=/>\u00e9</a>".encode("utf-8"))
    assert (text, codec) == ("<a href=/>\u00e9</a>", "utf-8")
