"""Types of the compiled body-link walk (``_lexbor_links.pyx``)."""

from collections.abc import Callable
from typing import Any

STATIC_ID_LIMIT: int

class Unreadable(Exception): ...

class Layout:
    def __init__(
        self,
        tags: dict[str, int],
        attrs: dict[str, int],
        rules: dict[int, int],
        positions: tuple[str, ...],
        roles: dict[str, int],
        words: dict[str, int],
        priority: tuple[int, ...],
    ) -> None: ...

def body_links(
    layout: Layout,
    root: int,
    page: Any,
    link_type: Callable[..., Any],
    rel_info: Callable[[str], tuple[tuple[str, ...], bool, bool, bool]],
    classify_values: Callable[[str | None, str | None, str | None], str | None],
    normalize_space: Callable[[str], str],
) -> tuple[list[Any], list[str]]: ...
def read_node(layout: Layout, address: int) -> tuple[int, int, int, dict[str, str | None]]: ...
def attribute_ids(address: int) -> list[int]: ...
def name_id(address: int) -> int: ...
