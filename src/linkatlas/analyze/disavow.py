"""Which domains go into a disavow file, and why (the file itself: ``linkatlas.export.disavow``).

The user lists the domains, or names risk signals (``linkatlas.analyze.risk``) and every
referring domain showing one of them is selected, or both. Each entry says why: "listed by
the user" and/or each selected signal with its detail and one evidence URL, then the store's
evidence (the domain's backlinks to the target in the snapshot).
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from linkatlas.analyze import risk
from linkatlas.analyze.reports import RISK_SIGNALS, DisavowEntry, DisavowReport, RiskSignal
from linkatlas.analyze.targets import parse_target
from linkatlas.errors import InputError
from linkatlas.extract.domains import DomainResolver
from linkatlas.ids import stable_id
from linkatlas.store import report_queries

LISTED = "listed by the user"


def signal_reason(signal: RiskSignal) -> str:
    """A selected signal as a disavow reason: name, detail and the first evidence URL."""
    example = f", e.g. {signal.evidence[0]}" if signal.evidence else ""
    return f"{signal.signal}: {signal.detail}{example}"


def _wanted_signals(signals: Sequence[str], all_signals: bool) -> list[str]:
    unknown = [s for s in signals if s not in RISK_SIGNALS]
    if unknown:
        raise InputError(f"unknown signal {unknown[0]!r}: use one of {', '.join(RISK_SIGNALS)}")
    return list(RISK_SIGNALS) if all_signals else list(dict.fromkeys(signals))


def _signal_reasons(
    con: duckdb.DuckDBPyConnection,
    scope: report_queries.Scope,
    wanted: list[str],
    *,
    explicit: bool,
    keywords: Sequence[str],
) -> dict[str, list[str]]:
    """The reasons of every referring domain showing one of the wanted signals."""
    found = risk.assess(con, scope, keywords=keywords)
    if explicit and "dr_trust_gap" in wanted and not found.trust:
        raise InputError(
            f"dr_trust_gap needs trust scores and snapshot {scope.snapshot.name} has none "
            "(run linkatlas rank --seeds TRUSTED_DOMAIN,...)"
        )
    reasons: dict[str, list[str]] = {}
    for item in found.domains:
        picked = [signal_reason(s) for s in item.signals if s.signal in wanted]
        if picked:
            reasons[item.domain] = picked
    return reasons


def disavow(
    con: duckdb.DuckDBPyConnection,
    target: str,
    *,
    domains: Sequence[str] = (),
    resolver: DomainResolver,
    snapshot: str | None = None,
    signals: Sequence[str] = (),
    all_signals: bool = False,
    keywords: Sequence[str] = (),
) -> DisavowReport:
    """Disavow entries for the listed domains (any host or URL stands for its site) and for the
    referring domains showing any of ``signals`` (every signal with ``all_signals``).

    ``keywords`` make ``commercial_anchor_low_dr`` look for exact-match anchors, as in
    :func:`linkatlas.analyze.risk.risk`.
    """
    wanted = _wanted_signals(signals, all_signals)
    if not domains and not wanted:
        raise InputError(
            "give the domains to disavow (--domain DOMAIN, once per domain) or the risk signals "
            "that select them (--signal NAME, once per signal, or --all-signals)"
        )
    parsed = parse_target(target, "domain", resolver)
    scope = report_queries.backlink_scope(con, parsed, snapshot)
    sites = list(dict.fromkeys(parse_target(d, "domain", resolver).domain for d in domains))
    if parsed.domain in sites:
        raise InputError(f"{parsed.domain} is the target itself: it cannot be disavowed")
    reasons: dict[str, list[str]] = {site: [LISTED] for site in sites}
    if wanted:
        selected = _signal_reasons(con, scope, wanted, explicit=not all_signals, keywords=keywords)
        for site, picked in selected.items():
            reasons.setdefault(site, []).extend(picked)
    counts = report_queries.refdomain_counts(
        con, scope.where, scope.params, [stable_id(site) for site in reasons]
    )
    where = f"to {parsed.text} in snapshot {scope.snapshot.name}"
    items = []
    for site, why in reasons.items():
        backlinks, followed = counts.get(stable_id(site), (0, 0))
        evidence = (
            f"{backlinks:,} backlinks ({followed:,} followed) {where}"
            if backlinks
            else f"no backlinks {where}"
        )
        items.append(DisavowEntry(domain=site, reasons=[*why, evidence]))
    items.sort(key=lambda e: e.domain)
    return DisavowReport(
        target=parsed.text, snapshot=scope.snapshot.name, out=None, total=len(items), items=items
    )
