"""Store maintenance: ``linkatlas optimize``."""

from __future__ import annotations

import typer

from linkatlas.cli import output
from linkatlas.cli.options import DEFAULT_DB_PATH, DbOption, JsonOption
from linkatlas.store import aggregates, layout
from linkatlas.store.connection import open_store


def register(app: typer.Typer) -> None:
    app.command()(optimize)


def optimize(db: DbOption = DEFAULT_DB_PATH, json: JsonOption = False) -> None:
    """Cluster the links by target and build the report aggregates again, so that reports
    read only the target's rows.

    Ingest does both by itself (clustering once a tenth of the links were added since the
    last time, rebuilding the aggregates of the targets whose links changed); run it after
    many small ingests, after an interrupted ingest, or after writing links by other means.
    """
    with open_store(db) as con:
        before = layout.layout_state(con)
        result = layout.cluster_links(con)
        aggregates.rebuild_aggregates(con)
    data = {
        "links": result.rows,
        "unclustered_before": before.tail,
        "seconds": round(result.seconds, 3),
        "sort_key": list(layout.LINK_KEY),
    }
    if json:
        output.print_json(data)
        return
    rows = [(key.replace("_", " "), value) for key, value in data.items()]
    rows[-1] = ("sort key", ", ".join(layout.LINK_KEY))
    output.console().print(output.key_values(f"Optimized {db}", rows))
