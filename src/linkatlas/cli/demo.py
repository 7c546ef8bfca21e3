"""``linkatlas demo``: generate the sample web, ingest it, show one site's profile."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

import typer

from linkatlas.analyze import backlinks as backlink_reports
from linkatlas.cli import output
from linkatlas.cli.ingest import run_ingest, show_stats
from linkatlas.cli.reports import show_profile
from linkatlas.config import Settings
from linkatlas.extract.domains import DomainResolver
from linkatlas.store.connection import open_store

log = logging.getLogger(__name__)


def register(app: typer.Typer) -> None:
    app.command()(demo)


def demo(
    out: Annotated[
        Path, typer.Option("--out", help="Folder for the sample WARC and store.")
    ] = Path("demo"),
    seed: Annotated[int, typer.Option(help="Seed of the generated web.")] = 7,
    quick: Annotated[bool, typer.Option("--quick", help="A small web, for tests.")] = False,
    json: Annotated[bool, typer.Option("--json", help="Print the profile as JSON.")] = False,
) -> None:
    """Generate a sample web (deterministic), ingest it and print the profile of one site."""
    from linkatlas.sources.sample_web import generate_sample_web  # the generator is only for demo

    out.mkdir(parents=True, exist_ok=True)
    sites, pages = (12, 15) if quick else (40, 60)
    warc = out / "sample-web.warc.gz"
    summary = generate_sample_web(warc, seed=seed, sites=sites, pages_per_site=pages)
    db = out / "atlas.duckdb"
    if db.exists():
        db.unlink()
    settings = Settings.load(db=db)
    stats = run_ingest(settings, [warc], snapshot=None, day=None, quiet=json)
    with open_store(db) as con:
        report = backlink_reports.profile(con, summary.featured_site, resolver=DomainResolver())
    if json:
        output.print_json(report)
        return
    out_console = output.console()
    out_console.print(
        f"Generated {summary.pages:,} pages on {len(summary.sites)} sites into {warc}"
    )
    show_stats(stats)
    show_profile(report)
    out_console.print(
        f"Next: linkatlas backlinks {summary.featured_site} --db {db}  |  "
        f"linkatlas refdomains {summary.featured_site} --db {db} --json"
    )
