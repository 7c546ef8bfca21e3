"""Registrable domains by the Public Suffix List (private section included), never fetched.

The list is the snapshot bundled with tldextract; nothing is downloaded at run time.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

import tldextract


class DomainResolver:
    """Maps hosts to registrable domains, caching the answer per host.

    Hosts that are IP addresses are their own site; a host that is itself a public suffix
    (``github.io``) or has no known suffix (``localhost``) is its own domain too.
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
        name = host.strip().rstrip(".").lower()
        if not name:
            return ""
        if name.startswith("[") or _is_ip(name):
            return name
        result = self._extract(name)
        registrable: str = result.top_domain_under_public_suffix
        return registrable or name


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


@lru_cache(maxsize=1)
def default_resolver() -> DomainResolver:
    """A shared resolver for callers that do not build their own (loads the list once)."""
    return DomainResolver()
