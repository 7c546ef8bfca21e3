"""URL resolution by the WHATWG URL standard (ada-url), and cheap URL string helpers."""

from __future__ import annotations

import codecs
import re

import ada_url

SKIPPED_SCHEMES: dict[str, str] = {
    "javascript": "javascript",
    "mailto": "mailto",
    "tel": "tel",
    "data": "data",
}
WEB_SCHEMES = ("http", "https")
# Special schemes whose query takes the page's encoding (the URL standard: not ws/wss).
LEGACY_QUERY_SCHEMES = ("http", "https", "ftp", "file")
# Bytes left as they are in a query: printable ASCII but the query percent-encode set.
_QUERY_KEEP = frozenset(range(0x21, 0x7F)) - {0x22, 0x23, 0x27, 0x3C, 0x3E}
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def resolve_url(href: str, base: str, encoding: str | None = None) -> str | None:
    """``href`` resolved against ``base`` with the fragment dropped, or None when unparsable.

    ``encoding`` is the codec the page was decoded with. As in a browser, non-ASCII characters
    in the query of an http(s)/ftp/file URL are then percent-encoded in that encoding, not in
    UTF-8 (``?q=é`` on a windows-1252 page is ``?q=%E9``). Only non-ASCII hrefs of non-UTF-8
    pages take this slower path.
    """
    try:
        joined: str = ada_url.join_url(base, href)
    except ValueError:
        return None
    if encoding is not None and encoding != "utf-8" and not href.isascii():
        joined = _with_legacy_query(joined, href, base, encoding)
    cut = joined.find("#")
    return joined if cut < 0 else joined[:cut]


def resolve_href(href: str, base: str, encoding: str | None = None) -> tuple[str, str | None]:
    """A raw link href as a link target: ``(url, None)`` for an http(s) link (absolute,
    fragment dropped), else ``(url, reason)``, the reason it is not a link: ``javascript``,
    ``mailto``, ``tel``, ``data`` (not resolved, ``url`` empty), ``unparsable`` (``url``
    empty) or ``other_scheme`` (``url`` says which).

    ``encoding`` is the page's codec, as for :func:`resolve_url`.
    """
    reason = skip_reason(href)
    if reason is not None:
        return "", reason
    target = resolve_url(href.strip(), base, encoding)
    if target is None:
        return "", "unparsable"
    if scheme_of(target) not in WEB_SCHEMES:
        return target, "other_scheme"
    return target, None


def _with_legacy_query(joined: str, href: str, base: str, encoding: str) -> str:
    """``joined`` again, with the query of ``href`` encoded in ``encoding`` when it applies."""
    start = href.find("?")
    end = href.find("#")
    if start < 0 or 0 <= end < start:
        return joined
    end = len(href) if end < 0 else end
    query = href[start + 1 : end]
    if query.isascii() or scheme_of(joined) not in LEGACY_QUERY_SCHEMES:
        return joined
    try:
        codec = codecs.lookup(encoding).name
    except LookupError:
        return joined
    if codec == "utf-8" or codec.startswith("utf-16"):  # UTF-16 pages use UTF-8 in URLs
        return joined
    encoded = href[: start + 1] + _encode_query(query, codec) + href[end:]
    try:
        relinked: str = ada_url.join_url(base, encoded)
    except ValueError:
        return joined
    return relinked


def _encode_query(query: str, codec: str) -> str:
    """The non-ASCII runs of ``query`` encoded in ``codec`` and percent-encoded."""
    return _NON_ASCII.sub(lambda run: _encode_run(run.group(), codec), query)


def _encode_run(text: str, codec: str) -> str:
    """Characters the encoding lacks become ``%26%23<code point>%3B`` (``&#NNN;``)."""
    try:
        data = text.encode(codec)
    except UnicodeEncodeError:
        if len(text) == 1:
            return f"%26%23{ord(text)}%3B"
        return "".join(_encode_run(char, codec) for char in text)
    return "".join(chr(byte) if byte in _QUERY_KEEP else f"%{byte:02X}" for byte in data)


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
