"""Link resolution against the WHATWG URL standard's own tests (web-platform-tests).

Data: ``url/urltestdata.json``, ``url/toascii.json`` and ``url/IdnaTestV2.json`` in the
shared test material (see ``MANIFEST.md``); every test skips when that folder is absent.

Our resolver drops fragments by design, so an expected ``href`` is compared without its
``#...``. Any case where ada-url (the parser under :func:`resolve_url`) disagrees with the
standard goes into a ``*_DEVIATIONS`` table below with its reason; those cases are strict
xfails, so they fail loudly the day ada starts agreeing. The tables are empty today: ada-url
passes every case.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from linkatlas.extract.urls import host_of, normalize_url, resolve_url, scheme_of, skip_reason


def shared_data() -> Path:
    """The shared test material: the repository root's parent / shared / data."""
    return Path(__file__).resolve().parents[2].parent / "shared" / "data"


URL_DATA = shared_data() / "url"
NO_DATA = f"shared test data not found at {URL_DATA} (see /work/shared/data/MANIFEST.md)"

# (input, base) -> why ada-url's answer differs from urltestdata.json. Empty: all pass.
URL_DEVIATIONS: dict[tuple[str, str | None], str] = {}
# input -> why ada-url's host differs from toascii.json / IdnaTestV2.json. Empty: all pass.
HOST_DEVIATIONS: dict[str, str] = {}


def _load(name: str) -> list[dict[str, Any]]:
    """The test objects of a WPT JSON file (its bare strings are comments)."""
    path = URL_DATA / name
    if not path.is_file():
        return []
    return [case for case in json.loads(path.read_text("utf-8")) if isinstance(case, dict)]


def _case_id(number: int, text: str) -> str:
    """A readable, selectable test id: the case number and a sanitised input prefix."""
    return f"{number:04d}-{re.sub(r'[^A-Za-z0-9._/-]+', '_', text)[:32]}"


def _without_fragment(href: str) -> str:
    cut = href.find("#")
    return href if cut < 0 else href[:cut]


def _url_deviation(case: dict[str, Any]) -> str | None:
    return URL_DEVIATIONS.get((case["input"], case.get("base")))


def _host_deviation(case: dict[str, Any]) -> str | None:
    return HOST_DEVIATIONS.get(case["input"])


def _params(
    cases: list[dict[str, Any]], deviation: Callable[[dict[str, Any]], str | None]
) -> list[Any]:
    """One test per case; a listed deviation makes the case a strict xfail with its reason."""
    if not cases:
        return [pytest.param(None, marks=pytest.mark.skip(reason=NO_DATA), id="no-data")]
    params = []
    for number, case in enumerate(cases):
        reason = deviation(case)
        marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
        params.append(pytest.param(case, marks=marks, id=_case_id(number, case["input"])))
    return params


URLTESTDATA = _load("urltestdata.json")
WITH_BASE = [case for case in URLTESTDATA if case.get("base") is not None]
WITHOUT_BASE = [case for case in URLTESTDATA if case.get("base") is None]
RELATIVE_ONLY = [case for case in WITHOUT_BASE if case.get("relativeTo")]
TOASCII = _load("toascii.json")
# The empty input makes "https:///", a URL without a host, not an IDNA question.
IDNA_V2 = [case for case in _load("IdnaTestV2.json") if case["input"]]


@pytest.mark.parametrize("case", _params(WITH_BASE, _url_deviation))
def test_resolve_against_base(case: dict[str, Any]) -> None:
    """Every urltestdata case with a base: href minus fragment, or None on failure.

    A case whose base is itself invalid is a failure case in the data, and resolve_url
    returns None for it too (ada cannot parse the base).
    """
    got = resolve_url(case["input"], case["base"])
    if case.get("failure"):
        assert got is None
    else:
        assert got == _without_fragment(case["href"])


@pytest.mark.parametrize("case", _params(WITHOUT_BASE, _url_deviation))
def test_normalize_absolute(case: dict[str, Any]) -> None:
    """The cases without a base are absolute-URL parses: normalize_url must agree."""
    got = normalize_url(case["input"])
    if case.get("failure"):
        assert got is None
    else:
        assert got == _without_fragment(case["href"])


@pytest.mark.parametrize("case", _params(RELATIVE_ONLY, _url_deviation))
def test_relative_only_inputs_resolve_against_a_base(case: dict[str, Any]) -> None:
    """``relativeTo`` marks inputs that fail alone but parse against such a base.

    An input naming a special scheme ("http:@/x") is relative only to a base of that scheme.
    """
    scheme = case["input"].partition(":")[0].lower()
    scheme = scheme if scheme in ("http", "https") else "https"
    base = "sc:opaque" if case["relativeTo"] == "any-base" else f"{scheme}://example.com/dir/a"
    assert resolve_url(case["input"], base) is not None


def _host_via_url(host_input: str) -> str | None:
    """The host a link to ``https://<input>/`` gets, or None when the URL fails to parse."""
    url = resolve_url(f"https://{host_input}/", "https://base.example/")
    return None if url is None else host_of(url)


@pytest.mark.parametrize("case", _params(TOASCII, _host_deviation))
def test_toascii_host_mapping(case: dict[str, Any]) -> None:
    """Hosts are mapped to their IDNA ASCII form; output null means the URL fails."""
    assert _host_via_url(case["input"]) == case["output"]


def test_idna_v2_host_mapping() -> None:
    """IdnaTestV2 (UTS 46 as the URL standard uses it): one test, mismatches listed."""
    if not IDNA_V2:
        pytest.skip(NO_DATA)
    mismatches = [
        (case["input"], case["output"], got)
        for case in IDNA_V2
        if case["input"] not in HOST_DEVIATIONS
        and (got := _host_via_url(case["input"])) != case["output"]
    ]
    assert mismatches == []
    assert len(IDNA_V2) > 2000


def test_data_counts() -> None:
    """The data is what MANIFEST.md describes (891 urltestdata cases)."""
    if not URLTESTDATA:
        pytest.skip(NO_DATA)
    assert len(URLTESTDATA) == 891
    assert len(WITH_BASE) + len(WITHOUT_BASE) == 891
    assert TOASCII


# Small focused tests of the string helpers (no shared data needed).


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://example.com/", "example.com"),
        ("https://example.com", "example.com"),
        ("https://example.com:8443/a", "example.com"),
        ("https://user:pw@example.com:8443/a", "example.com"),
        ("https://user:p@ss@example.com/", "example.com"),
        ("https://example.com?q=a/b", "example.com"),
        ("https://example.com/?q=a@b", "example.com"),
        ("https://example.com/path@x", "example.com"),
        ("https://[2001:db8::1]:8080/", "[2001:db8::1]"),
        ("https://[::1]/", "[::1]"),
        ("http://192.168.0.1/", "192.168.0.1"),
        ("https://xn--mnchen-3ya.de/", "xn--mnchen-3ya.de"),
        ("https://www.example.com./", "www.example.com."),
        ("mailto:someone@example.com", ""),
        ("", ""),
    ],
)
def test_host_of(url: str, host: str) -> None:
    assert host_of(url) == host


@pytest.mark.parametrize(
    ("raw", "url"),
    [
        ("https://user:pw@Example.COM:443/x", "https://user:pw@example.com/x"),
        ("https://a@b@example.com/x", "https://a%40b@example.com/x"),
        ("http://example.com?x=1#f", "http://example.com/?x=1"),
        ("https://[::FFFF:1.2.3.4]:81/", "https://[::ffff:102:304]:81/"),
    ],
)
def test_host_of_agrees_with_the_parser(raw: str, url: str) -> None:
    """On serialised URLs, host_of returns exactly the parser's host (userinfo and port cut)."""
    import ada_url

    normalized = normalize_url(raw)
    assert normalized == url
    assert host_of(normalized) == ada_url.URL(normalized).hostname


@pytest.mark.parametrize(
    ("href", "reason"),
    [
        ("javascript:void(0)", "javascript"),
        ("  JavaScript:alert(1)", "javascript"),
        ("java\tscript:alert(1)", "javascript"),
        ("java\nscript:alert(1)", "javascript"),
        ("MAILTO:a@example.com", "mailto"),
        ("tel:+1234", "tel"),
        ("data:text/html,hi", "data"),
        ("http://example.com/", None),
        ("/relative:path", None),
        ("page.html", None),
        (":nothing", None),
        ("", None),
        ("#top", None),
        ("ftp://example.com/", None),
    ],
)
def test_skip_reason(href: str, reason: str | None) -> None:
    assert skip_reason(href) == reason


@pytest.mark.parametrize(
    ("href", "base", "url"),
    [
        ("b#frag", "https://example.com/a/", "https://example.com/a/b"),
        ("#only", "https://example.com/a?x", "https://example.com/a?x"),
        ("//other.example/x", "https://example.com/", "https://other.example/x"),
        ("  spaced.html  ", "https://example.com/", "https://example.com/spaced.html"),
        ("http://[example.org/", "https://example.com/", None),
        ("x", "not a base", None),
        ("http://example.org:non-port", "https://example.com/", None),
    ],
)
def test_resolve_url(href: str, base: str, url: str | None) -> None:
    assert resolve_url(href, base) == url


@pytest.mark.parametrize(
    ("url", "scheme"),
    [("https://example.com/", "https"), ("mailto:x", "mailto"), ("no-scheme", "")],
)
def test_scheme_of(url: str, scheme: str) -> None:
    assert scheme_of(url) == scheme


@pytest.mark.parametrize(
    ("href", "encoding", "url"),
    [
        # The URL standard's encoding override: the query takes the page's encoding.
        ("s?q=\u00e9", "cp1252", "http://example.com/d/s?q=%E9"),
        ("s?q=\u20ac", "iso8859-15", "http://example.com/d/s?q=%A4"),
        ("s?q=\u20ac", "latin-1", "http://example.com/d/s?q=%26%238364%3B"),  # lacks the euro
        ("s?q=\u65e5\u672c", "shift_jis", "http://example.com/d/s?q=%93%FA%96{"),
        ("s?q=\u4eac", "gb18030", "http://example.com/d/s?q=%BE%A9"),
        ("s?q=\u00e9 x\u00e8", "cp1252", "http://example.com/d/s?q=%E9%20x%E8"),
        # Only the query: the path is UTF-8, and so is a '?' inside the fragment.
        ("\u00e9?q=\u00e9", "cp1252", "http://example.com/d/%C3%A9?q=%E9"),
        ("s#a?q=\u00e9", "cp1252", "http://example.com/d/s"),
        ("//other.example/?\u00e9", "cp1252", "http://other.example/?%E9"),
        # UTF-8 and UTF-16 pages, no encoding, non-special schemes: UTF-8.
        ("s?q=\u00e9", "utf-8", "http://example.com/d/s?q=%C3%A9"),
        ("s?q=\u00e9", "utf-16-le", "http://example.com/d/s?q=%C3%A9"),
        ("s?q=\u00e9", None, "http://example.com/d/s?q=%C3%A9"),
        ("s?q=\u00e9", "no-such-codec", "http://example.com/d/s?q=%C3%A9"),
        ("sc://host/?\u00e9", "cp1252", "sc://host/?%C3%A9"),
        ("ws://host/?\u00e9", "cp1252", "ws://host/?%C3%A9"),
        # ASCII hrefs never take the slow path.
        ("s?q=%E9", "cp1252", "http://example.com/d/s?q=%E9"),
    ],
)
def test_resolve_url_query_encoding(href: str, encoding: str | None, url: str) -> None:
    assert resolve_url(href, "http://example.com/d/page", encoding) == url
