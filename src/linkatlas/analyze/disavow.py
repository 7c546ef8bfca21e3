"""Which domains go into a disavow file, and why (the file itself: ``linkatlas.export.disavow``).

Today the user lists the domains; each entry says so and gives the store's evidence (the
domain's backlinks to the target in the snapshot). A selection by risk signal will produce
the same :class:`DisavowReport` of (domain, reasons) entries.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from linkatlas.analyze.reports import DisavowEntry, DisavowReport
from linkatlas.analyze.targets import parse_target
from linkatlas.errors import InputError
from linkatlas.extract.domains import DomainResolver
from linkatlas.ids import stable_id
from linkatlas.store import report_queries

LISTED = "listed by the user"


def disavow(
    con: duckdb.DuckDBPyConnection,
    target: str,
    *,
    domains: Sequence[str],
    resolver: DomainResolver,
    snapshot: str | None = None,
) -> DisavowReport:
    """Disavow entries for the listed domains (any host or URL stands for its site)."""
    if not domains:
        raise InputError("give the domains to disavow (--domain DOMAIN, once per domain)")
    parsed = parse_target(target, "domain", resolver)
    scope = report_queries.backlink_scope(con, parsed, snapshot)
    sites = list(dict.fromkeys(parse_target(d, "domain", resolver).domain for d in domains))
    if parsed.domain in sites:
        raise InputError(f"{parsed.domain} is the target itself: it cannot be disavowed")
    counts = report_queries.refdomain_counts(
        con, scope.where, scope.params, [stable_id(site) for site in sites]
    )
    where = f"to {parsed.text} in snapshot {scope.snapshot.name}"
    items = []
    for site in sites:
        backlinks, followed = counts.get(stable_id(site), (0, 0))
        evidence = (
            f"{backlinks:,} backlinks ({followed:,} followed) {where}"
            if backlinks
            else f"no backlinks {where}"
        )
        items.append(DisavowEntry(domain=site, reasons=[LISTED, evidence]))
    items.sort(key=lambda e: e.domain)
    return DisavowReport(
        target=parsed.text, snapshot=scope.snapshot.name, out=None, total=len(items), items=items
    )
