"""Report commands: profile, backlinks, refdomains."""

from __future__ import annotations

import typer

from linkatlas.analyze import backlinks as backlink_reports
from linkatlas.analyze.reports import BacklinksReport, ProfileReport, RefDomainsReport
from linkatlas.cli import output
from linkatlas.cli.options import (
    DEFAULT_DB_PATH,
    DbOption,
    JsonOption,
    LimitOption,
    ModeOption,
    SnapshotOption,
    TargetArgument,
)
from linkatlas.cli.run import run_report


def register(app: typer.Typer) -> None:
    app.command()(profile)
    app.command()(backlinks)
    app.command()(refdomains)


def profile(
    target: TargetArgument,
    db: DbOption = DEFAULT_DB_PATH,
    mode: ModeOption = "domain",
    snapshot: SnapshotOption = None,
    top: int = typer.Option(10, help="Rows in each top list."),
    json: JsonOption = False,
) -> None:
    """KPIs of a target: backlinks, referring domains, link types, top anchors/domains/pages."""
    run_report(
        db, backlink_reports.profile, target, json=json, show=show_profile,
        mode=mode, snapshot=snapshot, top=top,
    )  # fmt: skip


def show_profile(report: ProfileReport) -> None:
    out = output.console()
    out.print(
        output.key_values(
            f"Profile of {report.target} ({report.mode}, snapshot {report.snapshot})",
            [
                ("backlinks", report.backlinks),
                ("referring domains", report.referring_domains),
                ("referring pages", report.referring_pages),
                ("followed backlinks", report.followed_backlinks),
                ("nofollow", report.nofollow),
                ("sponsored", report.sponsored),
                ("ugc", report.ugc),
                ("image links", report.image),
            ],
        )
    )
    out.print(
        output.table(
            "Top anchors",
            ("anchor", "referring domains", "backlinks"),
            [(a.anchor or "(empty)", a.referring_domains, a.backlinks) for a in report.top_anchors],
        )
    )
    out.print(
        output.table(
            "Top referring domains",
            ("domain", "backlinks", "followed"),
            [(d.domain, d.backlinks, d.followed_backlinks) for d in report.top_referring_domains],
        )
    )
    out.print(
        output.table(
            "Top linked pages",
            ("url", "referring domains", "backlinks"),
            [(p.url, p.referring_domains, p.backlinks) for p in report.top_pages],
        )
    )


def backlinks(
    target: TargetArgument,
    db: DbOption = DEFAULT_DB_PATH,
    mode: ModeOption = "domain",
    snapshot: SnapshotOption = None,
    limit: LimitOption = 100,
    json: JsonOption = False,
) -> None:
    """One row per backlink of a target (each link occurrence on another site's page)."""
    run_report(
        db, backlink_reports.backlinks, target, json=json, show=show_backlinks,
        mode=mode, snapshot=snapshot, limit=limit,
    )  # fmt: skip


def _link_type(nofollow: bool, sponsored: bool, ugc: bool) -> str:
    flags = [
        name for name, on in (("nofollow", nofollow), ("sponsored", sponsored), ("ugc", ugc)) if on
    ]
    return " ".join(flags) or "followed"


def show_backlinks(report: BacklinksReport) -> None:
    output.console().print(
        output.table(
            f"Backlinks of {report.target} ({report.mode}, snapshot {report.snapshot})",
            ("source", "target", "anchor", "type", "position", "first seen"),
            [
                (
                    b.source_url,
                    b.target_url,
                    b.anchor,
                    _link_type(b.nofollow, b.sponsored, b.ugc),
                    b.position,
                    b.first_seen,
                )
                for b in report.items
            ],
            caption=f"{len(report.items):,} of {report.total:,} backlinks",
        )
    )


def refdomains(
    target: TargetArgument,
    db: DbOption = DEFAULT_DB_PATH,
    mode: ModeOption = "domain",
    snapshot: SnapshotOption = None,
    limit: LimitOption = 100,
    json: JsonOption = False,
) -> None:
    """One row per referring domain of a target, by backlinks."""
    run_report(
        db, backlink_reports.refdomains, target, json=json, show=show_refdomains,
        mode=mode, snapshot=snapshot, limit=limit,
    )  # fmt: skip


def show_refdomains(report: RefDomainsReport) -> None:
    output.console().print(
        output.table(
            f"Referring domains of {report.target} ({report.mode}, snapshot {report.snapshot})",
            ("domain", "backlinks", "followed", "first seen"),
            [(d.domain, d.backlinks, d.followed_backlinks, d.first_seen) for d in report.items],
            caption=f"{len(report.items):,} of {report.total:,} referring domains",
        )
    )
