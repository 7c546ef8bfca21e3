"""``linkatlas demo``: a sample web crawled monthly, ingested, then the featured site's reports."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from linkatlas.analyze import backlinks as backlink_reports
from linkatlas.analyze import history as time_reports
from linkatlas.cli import output
from linkatlas.cli.history import show_changes, show_history
from linkatlas.cli.reports import show_profile
from linkatlas.demo import MONTHS, build_demo_store
from linkatlas.extract.domains import DomainResolver
from linkatlas.store.connection import open_store


def register(app: typer.Typer) -> None:
    app.command()(demo)


def demo(
    out: Annotated[Path, typer.Option("--out", help="Folder for the WARC files and store.")] = Path(
        "demo"
    ),
    seed: Annotated[int, typer.Option(help="Seed of the generated web.")] = 7,
    months: Annotated[int, typer.Option(help="Monthly crawls to generate.", min=2)] = MONTHS,
    quick: Annotated[bool, typer.Option("--quick", help="A small web, for tests.")] = False,
    json: Annotated[bool, typer.Option("--json", help="Print the reports as JSON.")] = False,
) -> None:
    """Generate a sample web crawled monthly (deterministic), ingest each month as a
    snapshot, and show the featured site's profile, history and latest changes."""
    built = build_demo_store(out, seed=seed, quick=quick, months=months)
    resolver = DomainResolver()
    site = built.featured_site
    with open_store(built.db) as con:
        profile = backlink_reports.profile(con, site, resolver=resolver)
        history = time_reports.history(con, site, resolver=resolver)
        changes = time_reports.changes(con, site, resolver=resolver, limit=10)
    if json:
        output.print_json(
            {
                "db": str(built.db),
                "featured_site": site,
                "snapshots": list(built.snapshots),
                "profile": profile,
                "history": history,
                "changes": changes,
            }
        )
        return
    console = output.console()
    console.print(
        f"Generated {built.pages:,} pages on {built.sites} sites over {len(built.snapshots)} "
        f"monthly crawls ({', '.join(built.snapshots)}) into {built.db}"
    )
    show_profile(profile)
    show_history(history)
    show_changes(changes)
    console.print(
        f"Next: linkatlas backlinks {site} --db {built.db}  |  "
        f"linkatlas anchors {site} --db {built.db}  |  "
        f"linkatlas refdomains {site} --db {built.db} --json"
    )
