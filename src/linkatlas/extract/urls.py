"""URL resolution by the WHATWG URL standard (ada-url), and cheap URL string helpers."""

from __future__ import annotations

import ada_url

SKIPPED_SCHEMES: dict[str, str] = {
    "javascript": "javascript",
    "mailto": "mailto",
    "tel": "tel",
    "data": "data",
}
WEB_SCHEMES = ("http", "https")


def resolve_url(href: str, base: str) -> str | None:
    """``href`` resolved against ``base`` with the fragment dropped, or None when unparsable."""
    try:
        joined: str = ada_url.join_url(base, href)
    except ValueError:
        return None
    cut = joined.find("#")
    return joined if cut < 0 else joined[:cut]


def normalize_url(url: str) -> str | None:
    """An absolute URL in its WHATWG-serialised form without fragment, or None if invalid."""
    try:
        joined: str = ada_url.normalize_url(url)
    except ValueError:
        return None
    cut = joined.find("#")
    return joined if cut < 0 else joined[:cut]


def scheme_of(url: str) -> str:
    """The scheme of a serialised absolute URL (lower case, as ada serialises it)."""
    cut = url.find(":")
    return url[:cut] if cut > 0 else ""


def host_of(url: str) -> str:
    """The host of a serialised http(s) URL: no userinfo, no port; IPv6 keeps its brackets."""
    start = url.find("//")
    if start < 0:
        return ""
    start += 2
    end = len(url)
    for stop in ("/", "?"):
        found = url.find(stop, start)
        if 0 <= found < end:
            end = found
    authority = url[start:end]
    at = authority.rfind("@")
    if at >= 0:
        authority = authority[at + 1 :]
    if authority.startswith("["):
        close = authority.find("]")
        return authority[: close + 1]
    colon = authority.find(":")
    return authority if colon < 0 else authority[:colon]


def skip_reason(href: str) -> str | None:
    """Why a raw href is not a link before resolving it (``javascript:`` etc.), else None."""
    stripped = href.strip()
    colon = stripped.find(":")
    if 0 < colon <= 11:
        scheme = stripped[:colon].lower().replace("\t", "").replace("\n", "").replace("\r", "")
        return SKIPPED_SCHEMES.get(scheme)
    return None
