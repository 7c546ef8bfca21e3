"""Registrable domains ("sites") against published test data.

Data (see ``MANIFEST.md``): the Public Suffix List's own ``psl/tests.txt``, tldextract's test
cases and Common Crawl's host-graph → domain-graph folding cases. Every test skips when the
shared folder is absent.

Our conventions, where they differ from a source, are listed below with the reason, and our
own answer is asserted for those cases too:

- A host without a registrable domain is its own site: where ``tests.txt`` says ``null``
  (a bare public suffix, an empty label, a single label such as ``localhost``) we return the
  normalised host (lower case, one trailing root dot removed); an IP address is its own site.
- The PSL's private section counts (``foo.blogspot.com`` is a site); tldextract's default
  extractor and Common Crawl's default folding use the ICANN section only.
- No rule matching means the PSL default rule ``*`` (``a.b.example`` → ``b.example``), as
  ``tests.txt`` requires; tldextract and Common Crawl then report no domain.
- Hosts reach the resolver as the WHATWG URL parser serialises them (lower case, IDNA ASCII,
  IPv4 numbers canonical), so tldextract's URL-ish inputs go through our URL parser first.
  A Unicode host is still matched and keeps its Unicode form: the resolver does not IDNA-encode
  (that would be per-call work on a hot path for hosts that are ASCII already).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from linkatlas.extract.domains import DomainResolver, default_resolver
from linkatlas.extract.urls import host_of, normalize_url


def shared_data() -> Path:
    """The shared test material: the repository root's parent / shared / data."""
    return Path(__file__).resolve().parents[2].parent / "shared" / "data"


DATA = shared_data()
NO_DATA = f"shared test data not found at {DATA} (see /work/shared/data/MANIFEST.md)"


def _no_data(arguments: int = 1) -> list[Any]:
    """The one parameter set of a parametrised test when the shared data is absent: a skip."""
    values = (None,) * arguments
    return [pytest.param(*values, marks=pytest.mark.skip(reason=NO_DATA), id="no-data")]


@pytest.fixture(scope="module")
def resolver() -> DomainResolver:
    return DomainResolver()


def _normalised(host: str) -> str:
    """A host as the resolver normalises it: lower case, one trailing root dot removed."""
    name = host.strip().lower()
    return name[:-1] if name.endswith(".") else name


def _safe_id(text: str) -> str:
    """A test id from free text: ASCII letters, digits and ``._-`` only."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text)[:48] or "empty"


# --- psl/tests.txt ------------------------------------------------------------------------


def _psl_cases() -> list[Any]:
    path = DATA / "psl" / "tests.txt"
    if not path.is_file():
        return _no_data(2)
    params = []
    for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("//"):
            continue  # blank lines and comments, including commented-out cases ("//local")
        host, expected = line.split()
        params.append(pytest.param(host, expected, id=f"L{number:02d}-{host}"))
    return params


PSL_CASES = _psl_cases()


@pytest.mark.parametrize(("host", "expected"), PSL_CASES)
def test_psl_tests_txt(resolver: DomainResolver, host: str, expected: str) -> None:
    """Each line ``input expected|null``. ``null`` means "no registrable domain": for us the
    host is then its own site. The ``null`` *input* line is an absent host: the empty string.
    IDN lines are checked in the form given (Unicode in, Unicode out; punycode likewise)."""
    if host == "null":
        assert resolver.registrable_domain("") == ""
    elif expected == "null":
        assert resolver.registrable_domain(host) == _normalised(host)
    else:
        assert resolver.registrable_domain(host) == expected


def test_psl_tests_txt_has_78_cases() -> None:
    if not (DATA / "psl" / "tests.txt").is_file():
        pytest.skip(NO_DATA)
    assert len(PSL_CASES) == 78


@pytest.mark.parametrize(
    ("unicode_host", "ascii_host"),
    [
        ("食狮.公司.cn", "xn--85x722f.xn--55qx5d.cn"),
        ("www.食狮.中国", "www.xn--85x722f.xn--fiqs8s"),
        ("公司.cn", "xn--55qx5d.cn"),
    ],
)
def test_idn_forms_name_the_same_site(
    resolver: DomainResolver, unicode_host: str, ascii_host: str
) -> None:
    """A Unicode host and its punycode form get the same registrable domain (in their form);
    the URL parser gives the ASCII form, the one links carry."""
    unicode_domain = resolver.registrable_domain(unicode_host)
    ascii_domain = resolver.registrable_domain(ascii_host)
    assert unicode_domain.encode("idna").decode("ascii") == ascii_domain
    url = normalize_url(f"https://{unicode_host}/")
    assert url is not None
    assert host_of(url) == ascii_host


# --- domains/tldextract_cases.json --------------------------------------------------------

# Conventions that differ from tldextract's default (ICANN-only) extractor, with our answer.
TLDEXTRACT_BARE_SUFFIX = "a bare public suffix has no registrable domain: it is its own site"
TLDEXTRACT_DEFAULT_RULE = (
    "no PSL rule matches: the PSL default rule '*' applies (tldextract reports no suffix)"
)
TLDEXTRACT_IP = "an IP address is its own site (tldextract: no registrable domain)"
TLDEXTRACT_NOT_A_URL = (
    "tldextract parses this leniently; the WHATWG parser rejects it, so no link has this host"
)
TLDEXTRACT_DIFFERENCES: dict[str, tuple[str | None, str]] = {
    "com": ("com", TLDEXTRACT_BARE_SUFFIX),
    "co.uk": ("co.uk", TLDEXTRACT_BARE_SUFFIX),
    "example.ck": ("example.ck", TLDEXTRACT_BARE_SUFFIX + " (*.ck wildcard)"),
    "nes.buskerud.no": ("nes.buskerud.no", TLDEXTRACT_BARE_SUFFIX),
    "co.za": ("co.za", TLDEXTRACT_BARE_SUFFIX),
    "za": ("za", "a single unlisted label is its own site"),
    "http://internalunlikelyhostname/": (
        "internalunlikelyhostname",
        "a single unlisted label is its own site",
    ),
    "http://internalunlikelyhostname.bizarre": (
        "internalunlikelyhostname.bizarre",
        TLDEXTRACT_DEFAULT_RULE,
    ),
    "http://internalunlikelyhostname.information/": (
        "internalunlikelyhostname.information",
        TLDEXTRACT_DEFAULT_RULE,
    ),
    "example.za": ("example.za", TLDEXTRACT_DEFAULT_RULE + " ('za' itself is not listed)"),
    "1é": ("xn--1-bga", "the URL parser IDNA-encodes the host; one unlisted label"),
    "1.1.1.1\ncom": (
        "1.1com",
        "the URL parser strips the newline; '1com' is an unlisted TLD: default rule",
    ),
    "1.1.1.1\rcom": (
        "1.1com",
        "the URL parser strips the carriage return; '1com' is an unlisted TLD: default rule",
    ),
    "http://xN--h1alffa9f.xn--p1ai": (
        "xn--h1alffa9f.xn--p1ai",
        "hosts are lower-cased by the URL parser (tldextract keeps the case)",
    ),
    "http://XN--h1alffa9f.xn--p1ai": (
        "xn--h1alffa9f.xn--p1ai",
        "hosts are lower-cased by the URL parser (tldextract keeps the case)",
    ),
    "xn--ß\u200c꫶ᢥ.com": (None, TLDEXTRACT_NOT_A_URL + " (invalid A-label, not ASCII)"),
    "http://xn--zckzap6140b352by.blog.so-net.教育.hk": (
        None,
        TLDEXTRACT_NOT_A_URL + " (invalid punycode label beside a Unicode label: UTS 46"
        " ToASCII fails; the all-ASCII form of this host is accepted, see toascii.json 'xn--a')",
    ),
    "angelinablog。com.de": (
        "angelinablog.com.de",
        "com.de is in the PSL private section, which counts for us (tldextract: com.de)",
    ),
    "http://": (None, TLDEXTRACT_NOT_A_URL),
    "//": (None, TLDEXTRACT_NOT_A_URL),
    "://": (None, TLDEXTRACT_NOT_A_URL),
    "://example.com": (None, TLDEXTRACT_NOT_A_URL),
    "a@://example.com": (None, TLDEXTRACT_NOT_A_URL),
    "#//example.com": (None, TLDEXTRACT_NOT_A_URL + " (empty host)"),
    "a#//example.com": ("a", "the host is 'a' (the rest is a fragment): one label, its own site"),
    "https://apple:pass@127.0.0.1:50/a": ("127.0.0.1", TLDEXTRACT_IP),
    "https://apple:pass@[::]:50/a": ("[::]", TLDEXTRACT_IP),
    "https://apple:pass@[aBcD:ef01:2345:6789:aBcD:ef01:127.0.0.1]:50/a": (
        "[abcd:ef01:2345:6789:abcd:ef01:7f00:1]",
        TLDEXTRACT_IP + "; the URL parser serialises IPv6 canonically",
    ),
    "http://216.22.0.192/": ("216.22.0.192", TLDEXTRACT_IP),
    "http://127.0.0.1/foo/bar": ("127.0.0.1", TLDEXTRACT_IP),
    "http://127\u30020\uff0e0\uff611/foo/bar": ("127.0.0.1", TLDEXTRACT_IP),  # Unicode dots
    "http://127.0.0/foo/bar": (
        "127.0.0.0",
        "WHATWG IPv4 parsing reads '127.0.0' as the address 127.0.0.0: its own site",
    ),
    "http://127.0.0.0x1/foo/bar": (
        "127.0.0.1",
        "WHATWG IPv4 parsing reads hex parts: 127.0.0.1, its own site",
    ),
    "http://256.256.256.256/foo/bar": (None, "WHATWG: an out-of-range IPv4 address fails"),
    "http://127.0.0.1.9/foo/bar": (None, "WHATWG: a numeric last label must be an IPv4"),
}


def _host_from_input(text: str) -> str | None:
    """The host our pipeline sees for a tldextract input: URLs (and bare hosts, read as
    ``http://<input>``) go through the WHATWG parser; None when it rejects them."""
    if "://" in text:
        url = text
    elif text.startswith("//"):
        url = "http:" + text
    else:
        url = "http://" + text
    normalized = normalize_url(url)
    return None if normalized is None else host_of(normalized)


def _tldextract_cases() -> list[Any]:
    path = DATA / "domains" / "tldextract_cases.json"
    if not path.is_file():
        return _no_data(2)
    data = json.loads(path.read_text("utf-8"))
    params = []
    for number, case in enumerate(data["assert_extract_cases"]):
        if case["domain"] and case["suffix"]:
            expected: str | None = f"{case['domain']}.{case['suffix']}"
        else:
            expected = ""
        params.append(pytest.param(case["input"], expected, id=f"{number:02d}-{case['test']}"))
    for number, case in enumerate(data["extract_result_cases"]):
        # These run with include_psl_private_domains=True: our convention. The host is the
        # first string literal of the recorded call.
        found = re.search(r'"([^"]*)"', case["call"])
        assert found is not None, case["call"]
        host = found.group(1)
        result = case["expected_ExtractResult"]
        # No domain label: the host is itself a public suffix, so its own site for us.
        expected = f"{result['domain']}.{result['suffix']}" if result["domain"] else host
        params.append(pytest.param(host, expected, id=f"private-{number:02d}-{host}"))
    return params


@pytest.mark.parametrize(("text", "tldextract_answer"), _tldextract_cases())
def test_tldextract_cases(resolver: DomainResolver, text: str, tldextract_answer: str) -> None:
    host = _host_from_input(text)
    if text in TLDEXTRACT_DIFFERENCES:
        ours, reason = TLDEXTRACT_DIFFERENCES[text]
        assert ours != tldextract_answer, f"no longer a difference: {reason}"
        if ours is None:
            assert host is None, reason
        else:
            assert host is not None
            assert resolver.registrable_domain(host) == ours, reason
        return
    assert host is not None
    assert resolver.registrable_domain(host) == tldextract_answer


def test_tldextract_differences_are_all_used() -> None:
    path = DATA / "domains" / "tldextract_cases.json"
    if not path.is_file():
        pytest.skip(NO_DATA)
    inputs = {case["input"] for case in json.loads(path.read_text("utf-8"))["assert_extract_cases"]}
    assert set(TLDEXTRACT_DIFFERENCES) <= inputs


# --- domains/cc_host_to_domain_cases.json -------------------------------------------------

CC_PRIVATE = "Common Crawl folds by the ICANN section unless private_domains=true; we count it"
CC_SUFFIX_HOSTS = (
    "Common Crawl drops hosts that are themselves a public suffix unless "
    "multipart_suffixes_as_domains=true; for us such a host is its own site"
)
CC_STRIP_WWW = "strip_www is a Common Crawl folding option; we fold by the PSL only"
# Graph case name -> (our domain-graph vertices "reversed_domain<TAB>hosts folded", reason).
CC_GRAPH_DIFFERENCES: dict[str, tuple[list[str], str]] = {
    "hyphenated_domains": (
        [
            "ac.e\t1",
            "ac.e-bike\t1",
            "ac.e-bikes\t1",
            "ac.e-com\t1",
            "ac.eagle\t1",
            "ac.gov\t1",
            "ac.gov.ascension\t2",
            "ac.gov.ascension-island\t1",
            "ac.gov.conservation-ascension-island\t1",
            "ac.gov.postoffice\t1",
        ],
        CC_SUFFIX_HOSTS + " (gov.ac)",
    ),
    "duplicated_domains": (
        [
            "no.hordaland\t2",
            "no.hordaland-teater\t1",
            "no.hordaland.os\t1",
            "no.hordaland.os.bibliotek\t1",
            "no.hordalandfolkemusikklag\t1",
        ],
        CC_SUFFIX_HOSTS + " (os.hordaland.no)",
    ),
    "strip_www": (
        [
            "name.hiro\t3",
            "name.his\t2",
            "name.his.forgot.ben\t1",
            "name.his.forgot.never\t1",
            "name.hit\t1",
        ],
        CC_STRIP_WWW + " (adam.hiro.name and prz.his.name fold into their PSL site)",
    ),
}
CC_GRAPH_SKIPPED = {
    "input_not_sorted_must_fail": "input validation of Common Crawl's sorted-input tool",
}


def _reverse(name: str) -> str:
    return ".".join(reversed(name.split(".")))


def _cc_data() -> dict[str, Any] | None:
    path = DATA / "domains" / "cc_host_to_domain_cases.json"
    return json.loads(path.read_text("utf-8")) if path.is_file() else None


CC_DATA = _cc_data()


def _cc_graph_cases() -> list[Any]:
    if CC_DATA is None:
        return _no_data()
    params = []
    for case in CC_DATA["host_to_domain_graph"]["cases"]:
        name = case["name"]
        marks = []
        if name in CC_GRAPH_SKIPPED:
            marks.append(pytest.mark.skip(reason=CC_GRAPH_SKIPPED[name]))
        params.append(pytest.param(case, marks=marks, id=_safe_id(name.split(" ")[0])))
    return params


@pytest.mark.parametrize("case", _cc_graph_cases())
def test_cc_host_graph_folding(resolver: DomainResolver, case: dict[str, Any]) -> None:
    """Fold reversed host names into reversed registrable domains, counting hosts.

    The upstream inputs carry a stray trailing ',' on some names (verbatim from the Java
    test); it is not part of the host.
    """
    hosts = [vertex.split("\t")[1].rstrip(",") for vertex in case["hosts"]]
    folded = Counter(_reverse(resolver.registrable_domain(_reverse(host))) for host in hosts)
    ours = [f"{domain}\t{count}" for domain, count in sorted(folded.items())]
    theirs = [vertex.split("\t", 1)[1] for vertex in case["expected_domains"]]
    if case["name"] in CC_GRAPH_DIFFERENCES:
        expected, reason = CC_GRAPH_DIFFERENCES[case["name"]]
        assert ours != theirs, f"no longer a difference: {reason}"
        assert ours == expected, reason
        return
    # Options not ours (ICANN only, strip_www) that change nothing here: the same answer.
    assert ours == theirs


# hostname_cases: Common Crawl's HostName semantics, and IDNA normalisation of host names.
CC_HOSTNAME_DIFFERENCES = {
    "123.123.123.123": ("123.123.123.123", "an IP address is its own site (CC: null)"),
    "example.invalid": (
        "example.invalid",
        "'invalid' is not listed: the PSL default rule '*' applies (CC: null, ICANN only)",
    ),
}


def _cc_hostname_cases() -> list[Any]:
    if CC_DATA is None:
        return _no_data()
    params = []
    for number, case in enumerate(CC_DATA["hostname_cases"]["cases"]):
        params.append(pytest.param(case, id=f"{number:02d}"))
    return params


@pytest.mark.parametrize("case", _cc_hostname_cases())
def test_cc_hostname_cases(resolver: DomainResolver, case: dict[str, Any]) -> None:
    if "normalize_name" in case or "host_name_input" in case:
        # Host name normalisation is the URL parser's job: IDNA, lower case, %-decoding.
        name = case.get("normalize_name", case.get("host_name_input"))
        url = normalize_url(f"http://{name}/")
        assert url is not None
        assert host_of(url) == case["expected"]
        return
    host = case.get("input_host")
    if host is None:
        url = normalize_url(case["input_url"])
        assert url is not None
        host = host_of(url)
    if "host" in case:
        assert host == case["host"]
    if host in CC_HOSTNAME_DIFFERENCES:
        ours, reason = CC_HOSTNAME_DIFFERENCES[host]
        assert case["domain_under_registry_suffix"] is None
        assert resolver.registrable_domain(host) == ours, reason
        return
    # Our site is CC's private_domain_name (PSL private section included).
    assert resolver.registrable_domain(host) == case["private_domain_name"]


# --- our own edge cases -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "domain"),
    [
        ("www.example.com", "example.com"),
        ("WWW.Example.COM", "example.com"),
        ("www.example.com.", "example.com"),
        ("  www.example.com  ", "example.com"),
        ("alice.github.io", "alice.github.io"),
        ("github.io", "github.io"),
        ("example.uk.com", "example.uk.com"),
        ("a.b.example.example", "example.example"),
        ("x.y.internal", "y.internal"),
        ("localhost", "localhost"),
        ("LOCALHOST.", "localhost"),
        (".example.com", ".example.com"),
        ("a..example.com", "a..example.com"),
        ("example.com..", "example.com."),
        ("192.168.0.1", "192.168.0.1"),
        ("[2001:db8::1]", "[2001:db8::1]"),
        ("::1", "::1"),
        ("", ""),
        (".", ""),
    ],
)
def test_registrable_domain_edges(resolver: DomainResolver, host: str, domain: str) -> None:
    assert resolver.registrable_domain(host) == domain


def test_cache_is_bounded_and_consistent() -> None:
    small = DomainResolver(max_cache=2)
    hosts = ["a.example.com", "b.example.org", "c.example.net", "a.example.com"]
    assert [small.registrable_domain(h) for h in hosts] == [
        "example.com",
        "example.org",
        "example.net",
        "example.com",
    ]
    assert len(small._cache) <= 2


def test_default_resolver_is_shared() -> None:
    assert default_resolver() is default_resolver()


def test_href_caches_are_bounded_together() -> None:
    small = DomainResolver(max_cache=3)
    absolute = small.absolute_hrefs()
    relative = small.relative_hrefs("https://example.com/a/")
    small.remember_href(absolute, "https://example.com/", ("https://example.com/", "h", "d"))
    small.remember_href(relative, "b", "unparsable")
    small.remember_href(small.relative_hrefs("https://example.com/"), "c", "mailto")
    assert small.relative_hrefs("https://example.com/a/") is relative
    assert (len(absolute), len(relative)) == (1, 1)
    small.remember_href(absolute, "https://example.org/", "unparsable")
    assert absolute == {"https://example.org/": "unparsable"}
    assert relative == {}
    assert small.relative_hrefs("https://example.com/") == {}


def test_directories_without_hrefs_are_bounded_too() -> None:
    small = DomainResolver(max_cache=2)
    first = small.relative_hrefs("https://example.com/a/")
    small.remember_href(first, "b", "unparsable")
    small.relative_hrefs("https://example.com/c/")
    small.relative_hrefs("https://example.com/d/")  # a third directory: all are emptied
    assert first == {}
    assert small.relative_hrefs("https://example.com/a/") is not first
