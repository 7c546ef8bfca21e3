"""Parsing a report target for its mode, as the commercial tools accept it.

``domain`` (default): the registrable domain of whatever is given (``www.example.com/x`` →
``example.com``); ``host``: that host only; ``exact``: one URL; ``prefix``: every URL that
starts with the given one. Without a scheme, ``exact`` and ``prefix`` match both http and https.
"""

from __future__ import annotations

import duckdb

from linkatlas.analyze.reports import TARGET_MODES, Target
from linkatlas.errors import BadTargetError
from linkatlas.extract.domains import DomainResolver
from linkatlas.extract.urls import host_of, normalize_url
from linkatlas.store import report_queries

SCHEMES = ("https://", "http://")


def parse_target(text: str, mode: str, resolver: DomainResolver) -> Target:
    """The :class:`Target` for ``text`` in ``mode``; BadTargetError when it can't be one."""
    if mode not in TARGET_MODES:
        raise BadTargetError(f"unknown mode {mode!r}: use one of {', '.join(TARGET_MODES)}")
    raw = text.strip()
    if not raw:
        raise BadTargetError("the target is empty: give a domain, host or URL")
    has_scheme = "://" in raw
    if has_scheme and not raw.lower().startswith(SCHEMES):
        raise BadTargetError(f"{raw!r}: only http and https URLs can be targets")
    candidates = [raw] if has_scheme else [scheme + raw for scheme in SCHEMES]
    urls = [normalize_url(c) for c in candidates]
    valid = [u for u in urls if u is not None]
    if not valid:
        raise BadTargetError(f"{raw!r} is not a valid domain, host or URL")
    host = host_of(valid[0])
    if not host:
        raise BadTargetError(f"{raw!r} has no host name")
    domain = resolver.registrable_domain(host)
    if mode == "domain":
        return Target(text=domain, mode=mode, domain=domain)
    if mode == "host":
        return Target(text=host, mode=mode, domain=domain, host=host)
    if mode == "exact":
        shown = valid[0] if has_scheme else _strip_scheme(valid[0])
        return Target(text=shown, mode=mode, domain=domain, host=host, urls=tuple(valid))
    shown = valid[0] if has_scheme else _strip_scheme(valid[0])
    return Target(text=shown, mode=mode, domain=domain, host=host, urls=tuple(valid))


def _strip_scheme(url: str) -> str:
    return url.split("://", 1)[1]


def row_limit(limit: int) -> int | None:
    """The rows a report lists: ``--limit 0`` (or less) means all of them."""
    return None if limit <= 0 else limit


def report_scope(
    con: duckdb.DuckDBPyConnection,
    target: str,
    mode: str,
    snapshot: str | None,
    resolver: DomainResolver,
) -> report_queries.Scope:
    """The parsed target, its snapshot and the condition selecting its backlinks: the start
    of every backlink report."""
    return report_queries.backlink_scope(con, parse_target(target, mode, resolver), snapshot)
