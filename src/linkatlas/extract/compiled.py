"""The compiled body-link walk (``_lexbor_links``): loaded, taught Lexbor's ids, and checked.

The walk reads Lexbor's tree through raw pointers, so before it is used it learns the ids it
compares against (tags, attribute names) from a parsed sample and checks that it reads every
node of a sample document as selectolax does. Where the extension was not built, or the
check fails (a selectolax release with another Lexbor layout), :func:`load_walk` returns None
and extraction keeps to the Python walk, which gives the same records.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from linkatlas.extract.position import (
    BY_TAG_ID,
    PRIORITY,
    ROLES,
    WORDS,
    classify_values,
    tag_ids,
)
from linkatlas.records import Link, Position

log = logging.getLogger(__name__)

BodyWalk = Callable[[int, Any], tuple[list[Link], list[str]] | None]
"""(root element address, the page's ``_PageLinks``) → (links, reasons of dropped hrefs), or
None for a page with a node the walk cannot read (the Python walk takes it)."""

ATTRIBUTES = ("href", "rel", "title", "alt", "role", "class", "id")
"""The attributes the walk reads (``xlink:href`` is ``href`` with a prefix)."""
RULE_POSITIONS: tuple[Position, ...] = ("main", "main", "nav", "footer", "aside", "header")
"""The position of each rule number of the compiled walk; 0 is a link's default."""
NAMED_RULE = len(RULE_POSITIONS)
"""Rule number of a block container whose role, id and class decide."""

LAYOUT_SAMPLE = """<!doctype html><html><head><title>t</title></head><body>
<div id="top" class="a b" role="banner" data-x="1"><p>one <b>two</b></p>
<a href="/a" rel="NoFollow ugc" title=" T ">x</a><a href>valueless</a>
<svg viewBox="0 0 1 1"><a xlink:href="/s">s</a><use href="/u" xlink:href="/v"></use></svg>
<a xlink:href="/html-xlink" href>h</a>
<map><area href="/m" alt="A"></map><img alt="i" src="/i.png"><my-el role="x">c</my-el>
</div></body></html>"""
"""Every kind of node and attribute the walk reads, for the layout check."""


def _attribute_ids(module: Any) -> dict[str, int] | None:
    """The name id of each attribute of :data:`ATTRIBUTES`, or None when Lexbor's built-in
    ids do not repeat from one document to the next as they must."""
    seen: list[dict[str, int]] = []
    for names in (ATTRIBUTES, ("data-q", "zz", *reversed(ATTRIBUTES))):
        attrs = " ".join(f'{name}="v"' for name in names)
        node = LexborHTMLParser(f"<p {attrs}>x</p>").css_first("p")
        if node is None:  # pragma: no cover - the sample always has its <p>
            return None
        seen.append(dict(zip(names, module.attribute_ids(node.mem_id), strict=True)))
    first, second = ({name: ids[name] for name in ATTRIBUTES} for ids in seen)
    static = {name: value for name, value in first.items() if value < module.STATIC_ID_LIMIT}
    if "href" not in static or any(second[name] != value for name, value in static.items()):
        return None
    return {**first, "xlink:href": first["href"]}


RULE_NUMBERS: dict[Position, int] = {"main": 1, "nav": 2, "footer": 3, "aside": 4, "header": 5}
"""The rule number of each position (its place in :data:`RULE_POSITIONS`)."""


def _rules() -> dict[int, int]:
    """Each tag id of :data:`position.BY_TAG_ID` with its rule number."""
    return {
        tag: NAMED_RULE if rule == "named" else RULE_NUMBERS[rule]
        for tag, rule in BY_TAG_ID.items()
    }


def make_layout(module: Any, tags: dict[str, int], attrs: dict[str, int]) -> Any:
    """The compiled walk's Layout: these ids, and the rules of ``extract.position``."""
    return module.Layout(
        tags,
        attrs,
        _rules(),
        RULE_POSITIONS,
        {role: RULE_NUMBERS[position] for role, position in ROLES.items()},
        {word: RULE_NUMBERS[position] for word, position in WORDS.items()},
        tuple(RULE_NUMBERS[position] for position in PRIORITY),
    )


def _layout_matches(module: Any, layout: Any) -> bool:
    """Whether the walk reads every node of :data:`LAYOUT_SAMPLE` as selectolax does: tag id,
    parent, node type and the attributes it reads."""
    tree = LexborHTMLParser(LAYOUT_SAMPLE)
    wanted = {*ATTRIBUTES, "xlink:href"}
    for node in tree.css("*"):
        parent = node.parent
        attrs = {key: value for key, value in node.attributes.items() if key in wanted}
        expected = (node.tag_id, parent.mem_id if parent is not None else 0, 1, attrs)
        if module.read_node(layout, node.mem_id) != expected:
            log.warning("compiled link walk: node %s read otherwise than selectolax", node.tag)
            return False
    return True


RelInfo = Callable[[str], tuple[tuple[str, ...], bool, bool, bool]]


def load_walk(rel_info: RelInfo, normalize_space: Callable[[str], str]) -> BodyWalk | None:
    """The compiled walk, set up for this selectolax, or None where it cannot be used.

    ``rel_info`` and ``normalize_space`` are the Python walk's own (``extract.html``): the
    compiled walk calls them where it meets a rel value or text it does not handle itself.
    """
    try:
        from linkatlas.extract import _lexbor_links as module
    except ImportError:
        log.info("compiled link walk not built: extraction runs the Python walk")
        return None
    attrs = _attribute_ids(module)
    if attrs is None:
        log.warning("compiled link walk: Lexbor's attribute ids are not fixed; Python walk used")
        return None
    text = LexborHTMLParser("<p>x</p>").css_first("p")
    if text is None or text.child is None:  # pragma: no cover - the sample has its text
        return None
    text_id = module.name_id(text.child.mem_id)
    if text_id != text.child.tag_id:
        log.warning("compiled link walk: text nodes read otherwise than selectolax")
        return None
    tags: dict[str, int] = {**tag_ids({"a", "area", "img"}), "#text": text_id}
    layout = make_layout(module, tags, attrs)
    if not _layout_matches(module, layout):
        return None
    body_links = module.body_links
    unreadable = module.Unreadable

    def walk(root: int, page: Any) -> tuple[list[Link], list[str]] | None:
        try:
            links, dropped = body_links(
                layout, root, page, Link, rel_info, classify_values, normalize_space
            )
        except unreadable:
            return None
        return links, dropped

    return walk
