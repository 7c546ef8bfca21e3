"""Where on the page a link sits: ``main``, ``nav``, ``header``, ``footer`` or ``aside``.

Rules (first match wins, in this order):

1. ``nav`` — inside ``<nav>``, an element with ``role="navigation"`` or ``role="menubar"``,
   or an element whose id or class names a menu or navigation (``nav``, ``navbar``,
   ``navigation``, ``menu``, ``breadcrumb``).
2. ``footer`` — inside ``<footer>``, ``role="contentinfo"``, or id/class ``footer``.
3. ``aside`` — inside ``<aside>``, ``role="complementary"``, or id/class ``sidebar``,
   ``widget``.
4. ``header`` — inside ``<header>``, ``role="banner"``, or id/class ``header``, ``masthead``.
5. ``main`` — everything else (the editorial body).

The ancestors are matched with one CSS query per position over the whole document
(in Lexbor, in C), not by walking each link's parents in Python.
"""

from __future__ import annotations

from functools import lru_cache

from selectolax.lexbor import LexborHTMLParser

from linkatlas.records import Position

_CONTAINERS: tuple[tuple[Position, tuple[str, ...]], ...] = (
    (
        "nav",
        (
            "nav",
            "[role=navigation]",
            "[role=menubar]",
            "[id*=navigation i]",
            "[id*=navbar i]",
            "[id=nav i]",
            "[id*=menu i]",
            "[class~=nav i]",
            "[class*=navbar i]",
            "[class*=navigation i]",
            "[class*=menu i]",
            "[class*=breadcrumb i]",
        ),
    ),
    (
        "footer",
        ("footer", "[role=contentinfo]", "[id*=footer i]", "[class*=footer i]"),
    ),
    (
        "aside",
        (
            "aside",
            "[role=complementary]",
            "[id*=sidebar i]",
            "[class*=sidebar i]",
            "[class~=widget i]",
        ),
    ),
    (
        "header",
        (
            "header",
            "[role=banner]",
            "[id*=header i]",
            "[class*=site-header i]",
            "[id*=masthead i]",
            "[class*=masthead i]",
        ),
    ),
)


def _selector(containers: tuple[str, ...], link_selector: str) -> str:
    return ", ".join(
        f"{container} {link}" for container in containers for link in link_selector.split(", ")
    )


@lru_cache(maxsize=8)
def position_selectors(link_selector: str) -> tuple[tuple[Position, str], ...]:
    """One combined CSS selector per position, for links matched by ``link_selector``."""
    return tuple(
        (position, _selector(containers, link_selector)) for position, containers in _CONTAINERS
    )


def link_positions(tree: LexborHTMLParser, link_selector: str) -> dict[int, Position]:
    """Position of every non-main link node, keyed by the node's ``mem_id``."""
    positions: dict[int, Position] = {}
    for position, selector in reversed(position_selectors(link_selector)):
        for node in tree.css(selector):
            positions[node.mem_id] = position
    return positions
