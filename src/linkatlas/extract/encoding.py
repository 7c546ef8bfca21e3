"""Decoding page bytes to text: HTTP charset, BOM, <meta charset>, else detection.

Encoding labels follow the WHATWG Encoding standard (``iso-8859-1`` means windows-1252,
``gb2312`` means GBK, ...), through the ``webencodings`` label table.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer
import webencodings

_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""",
    re.IGNORECASE,
)
PRESCAN_BYTES = 4096
DETECT_BYTES = 65536


def _whatwg_codec(label: str) -> str | None:
    encoding = webencodings.lookup(label.strip().strip("\"'"))
    if encoding is None:
        return None
    name: str = encoding.codec_info.name
    return name


def codec_for_label(label: str | None) -> str | None:
    """The Python codec of a WHATWG encoding label, or None for an unknown label."""
    if not label:
        return None
    name = _whatwg_codec(label)
    # A page can't declare itself UTF-16 in ASCII-compatible bytes; WHATWG treats it as UTF-8.
    return "utf-8" if name is not None and name.startswith("utf-16") else name


def codec_for_python_name(name: str | None) -> str | None:
    """The codec of a Python codec name or alias (``latin_1``, ``latin-1``, ``euc_jp``).

    Mapped to its WHATWG encoding where there is one, as browsers do (``latin_1`` is read as
    windows-1252); else the Python codec itself; None if Python does not know the name.
    """
    if not name:
        return None
    try:
        canonical: str = codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None
    return _whatwg_codec(canonical) or _whatwg_codec(canonical.replace("_", "-")) or canonical


def sniff_encoding(body: bytes, http_charset: str | None = None) -> tuple[str, str]:
    """The codec to decode ``body`` with, and where it came from.

    The source is one of ``bom``, ``http``, ``meta``, ``utf-8`` (valid as UTF-8),
    ``detected`` (statistical detection) or ``default`` (windows-1252).

    A declared label that is not a WHATWG label but a Python alias (``latin-1``) is ignored,
    as browsers do, while the body is valid UTF-8; otherwise it is a better guide than
    detection and is used (source ``http`` or ``meta``).
    """
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name, "bom"
    codec = codec_for_label(http_charset)
    if codec:
        return codec, "http"
    match = _META_CHARSET.search(body, 0, PRESCAN_BYTES)
    meta_label = match.group(1).decode("ascii", "replace") if match else None
    codec = codec_for_label(meta_label)
    if codec:
        return codec, "meta"
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8", "utf-8"
    for label, source in ((http_charset, "http"), (meta_label, "meta")):
        codec = codec_for_python_name(label)
        if codec and not codec.startswith("utf-16"):
            return codec, source
    matches = charset_normalizer.from_bytes(body[:DETECT_BYTES])
    best = matches.best()
    if best is None or not best.encoding:
        return "cp1252", "default"
    for candidate in matches:
        # Between equally good candidates (Western text fits cp1250 as well as cp1252) the
        # web's default legacy encoding wins, as in browsers.
        if (candidate.chaos, candidate.coherence) == (best.chaos, best.coherence) and (
            "cp1252" in candidate.could_be_from_charset
        ):
            return "cp1252", "detected"
    return codec_for_python_name(best.encoding) or best.encoding, "detected"


def decode_html(body: bytes, http_charset: str | None = None) -> str:
    """The text of an HTML page; undecodable bytes become U+FFFD, never an error."""
    return decode_page(body, http_charset)[0]


def decode_page(body: bytes, http_charset: str | None = None) -> tuple[str, str]:
    """The text of an HTML page and the codec it was read with (the codec of its links'
    queries, see ``resolve_url``); undecodable bytes become U+FFFD, never an error."""
    return _decode_as(body, *sniff_encoding(body, http_charset))


def _decode_as(body: bytes, codec: str, source: str) -> tuple[str, str]:
    """``body`` decoded with the codec :func:`sniff_encoding` found (a BOM dropped)."""
    if source == "bom":
        for bom, _name in _BOMS:
            if body.startswith(bom):
                body = body[len(bom) :]
                break
    try:
        return body.decode(codec, "replace"), codec
    except LookupError:
        return body.decode("cp1252", "replace"), "cp1252"


def parser_input(body: bytes, http_charset: str | None = None) -> tuple[bytes | str, str]:
    """What to give the HTML parser, and the codec: UTF-8 pages go as bytes, untouched.

    The parser reads bytes as UTF-8 (invalid sequences become U+FFFD, as ``decode_page``
    would make them), so a UTF-8 page is neither decoded here nor re-encoded by the parser.
    Every other page is decoded to text.
    """
    codec, source = sniff_encoding(body, http_charset)
    if codec == "utf-8":
        return (body[3:] if source == "bom" else body), codec
    return _decode_as(body, codec, source)
