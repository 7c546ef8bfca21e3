"""Time: a target's KPIs per snapshot, and what changed between two snapshots.

A backlink is the same across snapshots when its id is (source URL, target URL, kind,
occurrence among equal links on the page). Between snapshots A and B a backlink of A is:

* **lost, link_removed** — its page was captured in B (2xx) without it;
* **lost, page_gone** — its page answered 4xx/5xx in B;
* **lost, page_redirected** — its page answered 3xx in B;
* **lost, became_nofollow** — still there in B, but now nofollow, sponsored or ugc;
* **not observed** — its page was not captured in B: nothing is known, so it is not lost.
"""

from __future__ import annotations

from collections import Counter

import duckdb

from linkatlas.analyze.reports import ChangesReport, HistoryPoint, HistoryReport, LinkChange
from linkatlas.analyze.targets import parse_target
from linkatlas.errors import StoreError
from linkatlas.extract.domains import DomainResolver
from linkatlas.store import history_queries, queries, report_queries


def history(
    con: duckdb.DuckDBPyConnection, target: str, *, resolver: DomainResolver, mode: str = "domain"
) -> HistoryReport:
    """Backlinks, referring domains, followed share, DR, new and lost referring domains of a
    target in every snapshot, oldest first: the KPI series users chart."""
    parsed = parse_target(target, mode, resolver)
    aggregated = report_queries.checked_target(con, parsed)
    rows = history_queries.history_rows(con, parsed, aggregated=aggregated)
    domain_mode = parsed.mode == "domain"  # DR is the domain's: no rating of a host or page
    items = [
        HistoryPoint(
            snapshot=name,
            date=day,
            backlinks=backlinks,
            referring_domains=rd,
            followed_share=round(followed / backlinks, 4) if backlinks else 0.0,
            dr=float(dr) if domain_mode and dr is not None else None,
            new_referring_domains=new,
            lost_referring_domains=lost,
        )
        for name, day, backlinks, rd, followed, new, lost, _, dr in rows
    ]
    return HistoryReport(target=parsed.text, mode=parsed.mode, items=items)


def lost_reason(status: int) -> str:
    """Why a link is lost, from the status its page answered when captured again."""
    if 300 <= status < 400:
        return "page_redirected"
    if 200 <= status < 300:
        return "link_removed"
    return "page_gone"


def changes(
    con: duckdb.DuckDBPyConnection,
    target: str,
    *,
    resolver: DomainResolver,
    mode: str = "domain",
    before: str | None = None,
    after: str | None = None,
    limit: int = 100,
) -> ChangesReport:
    """New and lost backlinks of a target between two snapshots (default: the two latest)."""
    parsed = parse_target(target, mode, resolver)
    ordered, aggregated = report_queries.checked_snapshots(con, parsed)
    first, second, consecutive = _pair(con, ordered, before, after)
    new: list[LinkChange] = []
    lost: list[LinkChange] = []
    unseen: list[LinkChange] = []
    rows = history_queries.change_rows(
        con,
        parsed,
        first.snapshot_id,
        second.snapshot_id,
        aggregated=aggregated,
        consecutive=consecutive,
    )
    for change, source, target_url, anchor, status in rows:
        if change == "new":
            new.append(LinkChange(source, target_url, anchor))
        elif change == "unfollowed":
            lost.append(LinkChange(source, target_url, anchor, "became_nofollow"))
        elif status is None:
            unseen.append(LinkChange(source, target_url, anchor))
        else:
            lost.append(LinkChange(source, target_url, anchor, lost_reason(status)))
    cut = None if limit <= 0 else limit
    return ChangesReport(
        target=parsed.text,
        mode=parsed.mode,
        from_snapshot=first.name,
        to_snapshot=second.name,
        new_total=len(new),
        lost_total=len(lost),
        not_observed_total=len(unseen),
        lost_by_reason=dict(sorted(Counter(str(c.reason) for c in lost).items())),
        new=new[:cut],
        lost=lost[:cut],
        not_observed=unseen[:cut],
    )


def _pair(
    con: duckdb.DuckDBPyConnection,
    ordered: list[queries.SnapshotRow],
    before: str | None,
    after: str | None,
) -> tuple[queries.SnapshotRow, queries.SnapshotRow, bool]:
    """The two snapshots to compare, of ``ordered`` (every snapshot, oldest first): as named,
    else the latest and the one before it; and whether the first is the snapshot just before
    the second (by date, then creation: the order of the aggregates)."""
    by_name = {s.name: s for s in ordered}

    def named(name: str | None) -> queries.SnapshotRow:  # the errors of select_snapshot
        return by_name[name] if name in by_name else queries.select_snapshot(con, name)

    second = ordered[-1] if after is None and ordered else named(after)
    if before is None:
        earlier = [s for s in ordered if (s.date, s.name) < (second.date, second.name)]
        if not earlier:
            raise StoreError(
                f"no snapshot before {second.name!r} to compare with: give --from and --to"
            )
        first = earlier[-1]
    else:
        first = named(before)
    if first.snapshot_id == second.snapshot_id:
        raise StoreError("--from and --to name the same snapshot")
    ids = [s.snapshot_id for s in ordered]
    at = ids.index(second.snapshot_id) if second.snapshot_id in ids else -1
    return first, second, at > 0 and ids[at - 1] == first.snapshot_id
