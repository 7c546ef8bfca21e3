"""Registrable domains by the Public Suffix List (private section included), never fetched.

The list is the snapshot bundled with tldextract; nothing is downloaded at run time.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

import tldextract

ResolvedHref = tuple[str, str, str] | str
"""A raw href's (target URL, host, registrable domain), or why it is not a link."""


class DomainResolver:
    """Maps hosts to registrable domains, caching the answer per host (and, for the
    extractor, the resolution of hrefs across pages, see :meth:`absolute_hrefs`).

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
        self._absolute: dict[str, ResolvedHref] = {}
        self._relative: dict[str, dict[str, ResolvedHref]] = {}
        self._hrefs = 0

    def absolute_hrefs(self) -> dict[str, ResolvedHref]:
        """The run's resolutions of absolute hrefs, by raw href.

        An absolute href resolves the same on every page, and sitewide links repeat on every
        page of a site, so the pipeline resolves each once per run. The extractor looks hrefs
        up in this dict directly (one dict lookup per link) and stores through
        :meth:`remember_href`, which bounds the caches."""
        return self._absolute

    def relative_hrefs(self, directory: str) -> dict[str, ResolvedHref]:
        """The run's resolutions of relative hrefs against a base in ``directory`` (a base URL
        up to the last ``/`` of its path), by raw href; which hrefs belong here is the
        extractor's business (see :meth:`absolute_hrefs`)."""
        cache = self._relative.get(directory)
        if cache is None:
            if len(self._relative) >= self._max_cache:  # pages whose hrefs are all absolute
                self._clear_hrefs()  # add directories but no entries: bound them too
            cache = self._relative[directory] = {}
        return cache

    def remember_href(
        self, cache: dict[str, ResolvedHref], href: str, resolved: ResolvedHref
    ) -> None:
        """Store a resolution in one of the dicts above, all of which are emptied once they
        hold ``max_cache`` entries together."""
        if self._hrefs >= self._max_cache:
            self._clear_hrefs()
        cache[href] = resolved
        self._hrefs += 1

    def _clear_hrefs(self) -> None:
        self._absolute.clear()
        for directory in self._relative.values():
            directory.clear()
        self._relative.clear()
        self._hrefs = 0

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
