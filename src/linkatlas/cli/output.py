"""The one place that prints: JSON documents for machines, rich tables for people.

Anchor texts and titles are page content, so every cell is a plain ``Text`` (no markup).
"""

from __future__ import annotations

import dataclasses
import json
import re
import sys
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

import msgspec
from rich.console import Console
from rich.table import Table
from rich.text import Text


def to_jsonable(value: Any) -> Any:
    """Records, lists, dicts and datetimes as plain JSON values (datetimes in ISO 8601, UTC)."""
    if isinstance(value, msgspec.Struct):
        return {name: to_jsonable(getattr(value, name)) for name in value.__struct_fields__}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        names: dict[str, str] = getattr(value, "JSON_NAMES", {})
        return {
            names.get(f.name, f.name): to_jsonable(getattr(value, f.name))
            for f in dataclasses.fields(value)
        }
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, datetime):
        text = value.isoformat()
        return text + "Z" if value.tzinfo is None else text
    if isinstance(value, date):
        return value.isoformat()
    return value


def print_json(value: Any, *, lines: bool = False) -> None:
    """One JSON document (indented), or one compact line with ``lines``."""
    data = to_jsonable(value)
    if lines:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n")
    else:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def cell(value: Any) -> Text:
    if value is None:
        return Text("")
    if isinstance(value, bool):
        return Text("yes" if value else "")
    if isinstance(value, datetime):
        return Text(value.strftime("%Y-%m-%d"))
    if isinstance(value, float):
        return Text(f"{value:,.1f}" if value == 0 or abs(value) >= 1 else f"{value:.3g}")
    if isinstance(value, int):
        return Text(f"{value:,}")
    return Text(str(value))


def table(
    title: str, columns: Sequence[str], rows: Iterable[Sequence[Any]], *, caption: str | None = None
) -> Table:
    """A table of plain-text cells; columns holding only numbers are right-aligned."""
    cells = [[cell(v) for v in row] for row in rows]
    result = Table(title=title, caption=caption, title_justify="left")
    for index, name in enumerate(columns):
        texts = [row[index] for row in cells]
        numeric = any(t.plain for t in texts) and all(_NUMBER.fullmatch(t.plain) for t in texts)
        widest = max((len(t.plain) for t in texts), default=0)
        result.add_column(
            name,
            justify="right" if numeric else "left",
            overflow="fold",
            min_width=widest if widest <= SHORT_CELL else None,
        )
    for row in cells:
        result.add_row(*row)
    return result


SHORT_CELL = 12
"""Columns whose cells are all this short (dates, counts, flags) keep their width."""
_NUMBER = re.compile(r"|-?[\d,]+(\.\d+)?(e[-+]?\d+)?%?")


def console() -> Console:
    return Console(highlight=False, soft_wrap=False)


def error_console() -> Console:
    return Console(stderr=True, highlight=False)


def key_values(title: str, pairs: Iterable[tuple[str, Any]]) -> Table:
    return table(title, ("metric", "value"), pairs)
