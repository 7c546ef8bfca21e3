"""One Settings object: defaults < LINKATLAS_* environment < explicit arguments (flags)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from linkatlas.errors import InputError

DEFAULT_DB = "atlas.duckdb"


@dataclass(frozen=True, slots=True)
class Settings:
    """Every setting, its default, and (in ``SETTINGS_HELP``) what it does."""

    db: Path = Path(DEFAULT_DB)
    max_page_bytes: int = 5 * 1024 * 1024
    batch_pages: int = 2000

    @classmethod
    def load(cls, env: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Defaults, then ``LINKATLAS_<NAME>`` variables, then the non-None overrides."""
        environ = os.environ if env is None else env
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = environ.get(f"LINKATLAS_{f.name.upper()}")
            if raw:
                values[f.name] = _coerce(f.name, raw, f"LINKATLAS_{f.name.upper()}")
        for name, value in overrides.items():
            if value is not None:
                values[name] = _coerce(name, value, name)
        return replace(cls(), **values)


SETTINGS_HELP: dict[str, str] = {
    "db": "Path of the DuckDB store (env LINKATLAS_DB, flag --db).",
    "max_page_bytes": (
        "Bytes of a page body read at most; the rest is cut (env LINKATLAS_MAX_PAGE_BYTES)."
    ),
    "batch_pages": (
        "Pages written to the store per transaction of an ingest (env LINKATLAS_BATCH_PAGES)."
    ),
}


def _coerce(name: str, value: object, source: str) -> Any:
    if name == "db":
        return Path(str(value))
    if name in ("max_page_bytes", "batch_pages"):
        try:
            number = int(str(value))
        except ValueError:
            number = 0
        if number <= 0:
            raise InputError(f"{source}={value!r}: give a positive whole number")
        return number
    raise InputError(f"unknown setting {name!r}")
