"""Where on the page a link sits: ``main``, ``nav``, ``header``, ``footer`` or ``aside``.

The nearest classified ancestor decides. An ancestor is classified by, in this order:

1. its tag: ``<nav>`` → nav, ``<footer>`` → footer, ``<aside>`` → aside,
   ``<header>`` → header, ``<main>``, ``<article>``, ``<body>`` → main;
2. its ARIA role: ``navigation``/``menubar``/``menu`` → nav, ``contentinfo`` → footer,
   ``complementary`` → aside, ``banner`` → header, ``main``/``article`` → main;
3. for block containers (``div``, ``ul``, ``ol``, ``section``, ``td``, ``table``, ``form``),
   the words of its id and class names (split on spaces, ``-`` and ``_``, any case):
   ``nav``, ``navbar``, ``navigation``, ``menu``, ``menubar``, ``breadcrumb(s)`` → nav;
   ``footer`` → footer; ``sidebar``, ``widget`` → aside; ``header``, ``masthead`` → header.

A link with no classified ancestor is ``main`` (the editorial body). Ancestors are classified
once per page and cached by node, so the cost is per distinct ancestor, not per link (a
link's own plain parent, such as its ``<li>``, is stepped over without a cache entry).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Literal

from linkatlas.records import Position

_TAGS: dict[str, Position] = {
    "nav": "nav",
    "footer": "footer",
    "aside": "aside",
    "header": "header",
    "main": "main",
    "article": "main",
    "body": "main",
}
_ROLES: dict[str, Position] = {
    "navigation": "nav",
    "menubar": "nav",
    "menu": "nav",
    "contentinfo": "footer",
    "complementary": "aside",
    "banner": "header",
    "main": "main",
    "article": "main",
}
_WORDS: dict[str, Position] = {
    "nav": "nav",
    "navbar": "nav",
    "navigation": "nav",
    "menu": "nav",
    "menubar": "nav",
    "breadcrumb": "nav",
    "breadcrumbs": "nav",
    "footer": "footer",
    "sidebar": "aside",
    "widget": "aside",
    "header": "header",
    "masthead": "header",
}
_NAMED_CONTAINERS = frozenset({"div", "ul", "ol", "section", "td", "table", "form"})
"""Tags whose role/id/class are read. Inline and list-item elements are passed over: a menu's
``<li class="menu-item">`` sits in a ``<ul>`` or ``<div>`` that names it too."""
_BY_TAG: dict[str, Position | Literal["named"]] = {
    **_TAGS,
    **dict.fromkeys(_NAMED_CONTAINERS, "named"),
}
"""Each tag's rule in one lookup: a position, or ``"named"`` (read role, id and class)."""
_PRIORITY: tuple[Position, ...] = ("nav", "footer", "aside", "header")
_SPLIT = re.compile(r"[\s_\-]+")
_HINT = re.compile(r"nav|menu|breadcrumb|footer|sidebar|widget|header|masthead")
"""Every word of ``_WORDS`` contains one of these: a quick test, run on lower-cased text (a
case-insensitive pattern takes several times longer)."""


@lru_cache(maxsize=65536)
def classify_names(names: str) -> Position | None:
    """The position named by id/class text (``"site-footer widget"`` → footer), if any.

    Cached: the same class strings repeat on every page of a site, and a crawl of many sites
    meets tens of thousands of distinct ones.
    """
    lowered = names.lower()
    if not _HINT.search(lowered):
        return None
    found = {_WORDS[w] for w in _SPLIT.split(lowered) if w in _WORDS}
    for position in _PRIORITY:
        if position in found:
            return position
    return None


def classify_attributes(attrs: dict[str, str | None]) -> Position | None:
    """The position a block container's ARIA role, id or class names give, if any."""
    if not attrs:
        return None
    role = attrs.get("role")
    if role:
        by_role = _ROLES.get(role.strip().lower())
        if by_role is not None:
            return by_role
    names = f"{attrs.get('id') or ''} {attrs.get('class') or ''}"
    return classify_names(names) if len(names) > 1 else None


def link_position(node: Any, cache: dict[int, Position]) -> Position:
    """Position of one link node; ``cache`` (one per page) remembers each ancestor's answer.

    The hot loop of extraction. The link's own parent is most often a plain element of its
    own (``li``, ``span``, ``p``): it is stepped over without a cache entry. From there the
    walk goes up with one table lookup per ancestor tag, reads attributes only for block
    containers, and stops at the first ancestor already answered.
    """
    current = node.parent
    if current is None:
        return "main"
    rule = _BY_TAG.get(current.tag)
    if rule is None:
        current = current.parent
        if current is None:
            return "main"
    elif rule != "named":
        return rule
    return _ancestor_position(current, cache)


def _ancestor_position(current: Any, cache: dict[int, Position]) -> Position:
    """Position given by ``current`` or its nearest classified ancestor, through ``cache``."""
    key: int = current.mem_id
    known = cache.get(key)
    if known is not None:
        return known
    chain: list[int] = []
    position: Position = "main"
    while True:
        rule = _BY_TAG.get(current.tag)
        own = classify_attributes(current.attributes) if rule == "named" else rule
        if own is not None:
            position = own
            cache[key] = own
            break
        chain.append(key)
        current = current.parent
        if current is None:
            break
        key = current.mem_id
        known = cache.get(key)
        if known is not None:
            position = known
            break
    for key in chain:
        cache[key] = position
    return position
