"""``linkatlas ingest warc``: WARC files into the store, with a progress bar and stats."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

from linkatlas.cli import output
from linkatlas.cli.options import DEFAULT_DB_PATH, DbOption, JsonOption
from linkatlas.config import Settings
from linkatlas.errors import InputError, SourceNotFoundError
from linkatlas.extract.domains import DomainResolver
from linkatlas.store.connection import open_store
from linkatlas.store.ingest import IngestStats, ingest_warc_files

ingest_app = typer.Typer(help="Read crawl data into the store.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(ingest_app, name="ingest")


def parse_day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise InputError(f"--date {text!r}: give a date as YYYY-MM-DD") from exc


@ingest_app.command("warc")
def warc(
    files: Annotated[list[Path], typer.Argument(help=".warc or .warc.gz files.")],
    db: DbOption = DEFAULT_DB_PATH,
    snapshot: Annotated[
        str | None,
        typer.Option(help="Snapshot name (default: capture date of the first page)."),
    ] = None,
    day: Annotated[str | None, typer.Option("--date", help="Snapshot date, YYYY-MM-DD.")] = None,
    json: JsonOption = False,
) -> None:
    """Ingest WARC files: extract every page's links and store them (idempotent, resumable)."""
    for path in files:
        if not path.is_file():
            raise SourceNotFoundError(f"{path}: no such file")
    settings = Settings.load(db=db)
    stats = run_ingest(settings, files, snapshot=snapshot, day=parse_day(day), quiet=json)
    if json:
        output.print_json(stats.as_dict())
    else:
        show_stats(stats)


def run_ingest(
    settings: Settings,
    files: list[Path],
    *,
    snapshot: str | None,
    day: date | None,
    quiet: bool = False,
) -> IngestStats:
    """Ingest with a progress bar over the input bytes (hidden when quiet or not a terminal)."""
    sizes = {path: path.stat().st_size for path in files}
    done: dict[Path, int] = {}
    console = output.error_console()
    bar = Progress(
        TextColumn("[bold]ingest"),
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
        TextColumn("{task.description}"),
        console=console,
        disable=quiet or not console.is_terminal,
        transient=True,
    )
    with bar, open_store(settings.db, create=True) as con:
        task = bar.add_task("", total=sum(sizes.values()))

        def advance(path: Path, bytes_read: int) -> None:
            done[path] = bytes_read
            bar.update(task, completed=sum(done.values()), description=path.name)

        return ingest_warc_files(
            con,
            files,
            resolver=DomainResolver(),
            snapshot=snapshot,
            snapshot_date=day,
            batch_pages=settings.batch_pages,
            max_page_bytes=settings.max_page_bytes,
            progress=advance,
        )


def show_stats(stats: IngestStats) -> None:
    data = stats.as_dict()
    rows: list[tuple[str, object]] = []
    for key, value in data.items():
        if isinstance(value, dict):
            rows.extend((f"{key}: {k}", v) for k, v in value.items())
        else:
            rows.append((key.replace("_", " "), value))
    output.console().print(output.key_values(f"Ingested into snapshot {stats.snapshot}", rows))
