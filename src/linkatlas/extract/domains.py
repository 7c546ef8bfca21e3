"""Registrable domains by the Public Suffix List (private section included), never fetched.

The list is the snapshot bundled with tldextract; nothing is downloaded at run time.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

import tldextract


class DomainResolver:
    """Maps hosts to registrable domains, caching the answer per host (and, for the
    extractor, the resolution of absolute hrefs, see :meth:`cached_href`).

    The Public Suffix List algorithm, private section included: a host under a listed suffix
    maps to that suffix plus one label; a host under an unlisted TLD falls under the list's
    default rule ``*`` (``a.b.example`` → ``b.example``). Where the list gives no registrable
    domain the host is its own site: IP addresses, a host that is itself a public suffix
    (``github.io``), a single label (``localhost``) and a name with an empty label
    (``.example.com``, ``a..example.com``, ``example.com..``).

    Hosts are expected as the URL parser serialises them (lower-case, IDNA ASCII); a Unicode
    host is matched too and keeps its Unicode form (no IDNA conversion on this hot path).
    """

    def __init__(self, *, max_cache: int = 1_000_000) -> None:
        self._extract = tldextract.TLDExtract(
            suffix_list_urls=(),
            include_psl_private_domains=True,
            cache_dir=None,
            fallback_to_snapshot=True,
        )
        self._cache: dict[str, str] = {}
        self._max_cache = max_cache
        self._hrefs: dict[str, tuple[str, str, str] | str] = {}

    def cached_href(self, href: str) -> tuple[str, str, str] | str | None:
        """What :meth:`remember_href` stored for an absolute href: (url, host, domain) or a
        drop reason. Absolute hrefs resolve the same on every page, and sitewide links repeat
        on every page of a site, so the pipeline resolves each once per run."""
        return self._hrefs.get(href)

    def remember_href(self, href: str, resolved: tuple[str, str, str] | str) -> None:
        if len(self._hrefs) >= self._max_cache:
            self._hrefs.clear()
        self._hrefs[href] = resolved

    def registrable_domain(self, host: str) -> str:
        """The registrable domain ("site") of a host, lower-cased, without a trailing dot."""
        cached = self._cache.get(host)
        if cached is not None:
            return cached
        domain = self._compute(host)
        if len(self._cache) >= self._max_cache:
            self._cache.clear()
        self._cache[host] = domain
        return domain

    def _compute(self, host: str) -> str:
        name = host.strip().lower()
        if name.endswith("."):  # the DNS root label: "example.com." is "example.com"
            name = name[:-1]
        if not name:
            return ""
        if name.startswith(("[", ".")) or name.endswith(".") or ".." in name or _is_ip(name):
            return name  # an IP, or a name with an empty label: its own site
        result = self._extract(name)
        if not result.suffix:
            # No rule matched: the PSL default rule "*" makes the last label the suffix.
            return ".".join(name.rsplit(".", 2)[-2:])
        registrable: str = result.top_domain_under_public_suffix
        return registrable or name


def _is_ip(name: str) -> bool:
    # IPv4 ends in a digit and IPv6 has a colon; skip the costly parse for everything else.
    if not (name[-1].isdigit() or ":" in name):
        return False
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


@lru_cache(maxsize=1)
def default_resolver() -> DomainResolver:
    """A shared resolver for callers that do not build their own (loads the list once)."""
    return DomainResolver()
