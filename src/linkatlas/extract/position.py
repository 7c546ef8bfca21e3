"""Where on the page a link sits: ``main``, ``nav``, ``header``, ``footer`` or ``aside``.

The nearest classified ancestor decides. An ancestor is classified by, in this order:

1. its tag: ``<nav>`` → nav, ``<footer>`` → footer, ``<aside>`` → aside,
   ``<header>`` → header, ``<main>``, ``<article>``, ``<body>`` → main;
2. for block containers only (``div``, ``ul``, ``ol``, ``section``, ``td``, ``table``,
   ``form``), its attributes:

   a. its ARIA role: ``navigation``/``menubar``/``menu`` → nav, ``contentinfo`` → footer,
      ``complementary`` → aside, ``banner`` → header, ``main``/``article`` → main;
   b. else the words of its id and class names (split on spaces, ``-`` and ``_``, any case):
      ``nav``, ``navbar``, ``navigation``, ``menu``, ``menubar``, ``breadcrumb(s)`` → nav;
      ``footer`` → footer; ``sidebar``, ``widget`` → aside; ``header``, ``masthead`` → header.

Any other element (``li``, ``p``, ``span``, ``a``, custom elements, ...) is passed over, its
role included. On real pages a landmark role sits on a landmark tag or a block container; on
other elements roles are mostly per-item widget roles, such as ``<li role="article">`` in a
feed or a list of related posts, that would wrongly turn links inside a sidebar or footer into
``main``. (In the 468 pages of ``real-pages-a``, 40 such elements carry one of the roles above,
30 of them ``<li role="article">``.) Reading attributes is also the dearest step of the walk,
so it is kept to the few containers where it pays.

A link with no classified ancestor is ``main`` (the editorial body). Ancestors are classified
once per page and cached by node, so the cost is per distinct ancestor, not per link (a
link's own plain parent, such as its ``<li>``, is stepped over without a cache entry).

The compiled walk (``extract/_lexbor_links.pyx``) applies these same rules from the tables
here (:data:`BY_TAG_ID`, :data:`ROLES`, :data:`WORDS`, :data:`PRIORITY`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any, Literal

from selectolax.lexbor import LexborHTMLParser

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
ROLES: dict[str, Position] = {
    "navigation": "nav",
    "menubar": "nav",
    "menu": "nav",
    "contentinfo": "footer",
    "complementary": "aside",
    "banner": "header",
    "main": "main",
    "article": "main",
}
WORDS: dict[str, Position] = {
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


def tag_ids(names: Iterable[str]) -> dict[str, int]:
    """Lexbor's numeric id of each standard HTML tag name (read from a parsed sample).

    A node's ``tag_id`` is an int read straight from the tree, where ``tag`` builds a new
    string on every call (about a tenth of the cost). Standard tags have fixed ids; a custom
    element's id never equals one of them.
    """
    names = sorted(names)
    sample = "".join(f"<{name}></{name}>" for name in names if name not in ("td", "body"))
    tree = LexborHTMLParser(f"<html><body>{sample}<table><tr><td></td></tr></table></body></html>")
    ids: dict[str, int] = {}
    for name in names:
        node = tree.css_first(name)
        if node is None:  # pragma: no cover - every name above is a standard tag
            raise LookupError(name)
        ids[name] = node.tag_id
    return ids


_TAG_IDS = tag_ids(_BY_TAG)
BY_TAG_ID: dict[int, Position | Literal["named"]] = {
    _TAG_IDS[name]: rule for name, rule in _BY_TAG.items()
}
""":data:`_BY_TAG` by Lexbor tag id (the walk reads ``tag_id``, never ``tag``)."""
PRIORITY: tuple[Position, ...] = ("nav", "footer", "aside", "header")
_SPLIT = re.compile(r"[\s_\-]+")
_HINT = re.compile(r"nav|menu|breadcrumb|footer|sidebar|widget|header|masthead")
"""Every word of ``WORDS`` contains one of these: a quick test, run on lower-cased text (a
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
    found = {WORDS[w] for w in _SPLIT.split(lowered) if w in WORDS}
    for position in PRIORITY:
        if position in found:
            return position
    return None


def classify_attributes(attrs: dict[str, str | None]) -> Position | None:
    """The position a block container's ARIA role, id or class names give, if any."""
    if not attrs:
        return None
    return classify_values(attrs.get("role"), attrs.get("class"), attrs.get("id"))


def classify_values(role: str | None, names: str | None, ident: str | None) -> Position | None:
    """The position given by a block container's ``role``, ``class`` and ``id`` values."""
    if role:
        by_role = ROLES.get(role.strip().lower())
        if by_role is not None:
            return by_role
    if ident:
        names = f"{ident} {names}" if names else ident
    return classify_names(names) if names else None


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
    rule = BY_TAG_ID.get(current.tag_id)
    if rule is None:
        current = current.parent
        if current is None:
            return "main"
    elif rule != "named":
        return rule
    key: int = current.mem_id
    known = cache.get(key)  # most often answered by an earlier link: no further call
    if known is not None:
        return known
    return _ancestor_position(current, key, cache)


def _ancestor_position(current: Any, key: int, cache: dict[int, Position]) -> Position:
    """Position given by ``current`` (not in ``cache``; ``key`` its ``mem_id``) or its nearest
    classified ancestor, through ``cache``."""
    chain: list[int] = []
    position: Position = "main"
    while True:
        rule = BY_TAG_ID.get(current.tag_id)
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
