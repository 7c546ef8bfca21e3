"""Options shared by the commands, declared once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from linkatlas.config import DEFAULT_DB

DbOption = Annotated[
    Path,
    typer.Option(
        "--db",
        envvar="LINKATLAS_DB",
        help="DuckDB store file (env LINKATLAS_DB).",
        show_default=True,
    ),
]
DEFAULT_DB_PATH = Path(DEFAULT_DB)
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document instead.")]
ModeOption = Annotated[
    str,
    typer.Option(
        "--mode",
        "-m",
        help="How to read TARGET: domain (registrable domain), host, exact (one URL) or prefix.",
    ),
]
SnapshotOption = Annotated[
    str | None, typer.Option("--snapshot", help="Snapshot to report on (default: the latest).")
]
LimitOption = Annotated[
    int,
    typer.Option(
        "--limit", "-n", min=0, help="Rows to show; 0 shows all. `total` counts all rows."
    ),
]
TargetArgument = Annotated[str, typer.Argument(help="Domain, host, URL or URL prefix.")]
