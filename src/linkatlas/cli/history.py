"""Time commands: ``history`` (KPIs per snapshot) and ``changes`` (new and lost backlinks)."""

from __future__ import annotations

from typing import Annotated

import typer

from linkatlas.analyze import history as time_reports
from linkatlas.analyze.reports import ChangesReport, HistoryReport
from linkatlas.cli import output
from linkatlas.cli.options import (
    DEFAULT_DB_PATH,
    DbOption,
    JsonOption,
    LimitOption,
    ModeOption,
    TargetArgument,
)
from linkatlas.cli.run import run_report


def register(app: typer.Typer) -> None:
    app.command()(history)
    app.command()(changes)


def history(
    target: TargetArgument,
    db: DbOption = DEFAULT_DB_PATH,
    mode: ModeOption = "domain",
    json: JsonOption = False,
) -> None:
    """KPIs of a target in every snapshot: backlinks, referring domains, DR, new and lost."""
    run_report(db, time_reports.history, target, json=json, show=show_history, mode=mode)


def show_history(report: HistoryReport) -> None:
    output.console().print(
        output.table(
            f"History of {report.target} ({report.mode})",
            (
                "snapshot",
                "date",
                "backlinks",
                "referring domains",
                "followed",
                "DR",
                "new",
                "lost",
            ),
            [
                (
                    p.snapshot,
                    p.date.isoformat(),
                    p.backlinks,
                    p.referring_domains,
                    f"{p.followed_share:.0%}",
                    p.dr,
                    p.new_referring_domains,
                    p.lost_referring_domains,
                )
                for p in report.items
            ],
            caption="new/lost: referring domains versus the snapshot before",
        )
    )


def changes(
    target: TargetArgument,
    db: DbOption = DEFAULT_DB_PATH,
    mode: ModeOption = "domain",
    before: Annotated[
        str | None, typer.Option("--from", help="Earlier snapshot (default: the one before --to).")
    ] = None,
    after: Annotated[
        str | None, typer.Option("--to", help="Later snapshot (default: the latest).")
    ] = None,
    limit: LimitOption = 100,
    json: JsonOption = False,
) -> None:
    """New and lost backlinks between two snapshots, each lost one with its reason."""
    run_report(
        db, time_reports.changes, target, json=json, show=show_changes,
        mode=mode, before=before, after=after, limit=limit,
    )  # fmt: skip


def show_changes(report: ChangesReport) -> None:
    out = output.console()
    span = f"{report.from_snapshot} → {report.to_snapshot}"
    out.print(
        output.table(
            f"New backlinks of {report.target} ({span})",
            ("source", "target", "anchor"),
            [(c.source_url, c.target_url, c.anchor) for c in report.new],
            caption=f"{len(report.new):,} of {report.new_total:,}",
        )
    )
    out.print(
        output.table(
            f"Lost backlinks of {report.target} ({span})",
            ("source", "target", "anchor", "reason"),
            [(c.source_url, c.target_url, c.anchor, c.reason) for c in report.lost],
            caption=f"{len(report.lost):,} of {report.lost_total:,}; by reason: "
            + ", ".join(f"{k} {v}" for k, v in report.lost_by_reason.items()),
        )
    )
    out.print(
        f"{report.not_observed_total:,} backlinks not observed: their pages were not captured "
        f"in {report.to_snapshot}, so they are not counted as lost."
    )
