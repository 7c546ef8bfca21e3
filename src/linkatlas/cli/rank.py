"""Authority commands: ``rank``, ``top domains|pages`` and ``explain``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from linkatlas.analyze import authority
from linkatlas.analyze.reports import ExplainReport, RankReport, TopDomainsReport
from linkatlas.cli import output
from linkatlas.cli.options import (
    DEFAULT_DB_PATH,
    DbOption,
    JsonOption,
    LimitOption,
    SnapshotOption,
    TargetArgument,
)
from linkatlas.errors import SourceNotFoundError
from linkatlas.extract.domains import DomainResolver
from linkatlas.rank.pagerank import DEFAULT_DAMPING, DEFAULT_TOL
from linkatlas.rank.scale import TRUST_GAP
from linkatlas.store.connection import open_store

top_app = typer.Typer(help="The strongest domains or pages of a ranked snapshot.")

STEPS = {
    "read": "reading the link graph",
    "build": "building the page and domain graphs",
    "pagerank": "iterating PageRank (UR, DR)",
    "trust": "iterating TrustRank",
    "write": "writing the scores",
}
NO_TRUST = "trust: absent (no seeds given: rank with --seeds or --seeds-file)"


def register(app: typer.Typer) -> None:
    app.command()(rank)
    app.add_typer(top_app, name="top")
    app.command()(explain)


def read_seeds(seeds: str | None, seeds_file: Path | None) -> list[str]:
    """Seed domains from ``--seeds a.com,b.org`` and a file (one per line, ``#`` comments)."""
    found = [s.strip() for s in (seeds or "").split(",") if s.strip()]
    if seeds_file is not None:
        if not seeds_file.is_file():
            raise SourceNotFoundError(f"{seeds_file}: no such seeds file")
        for line in seeds_file.read_text(encoding="utf-8").splitlines():
            entry = line.split("#", 1)[0].strip()
            if entry:
                found.append(entry)
    return found


def rank(
    db: DbOption = DEFAULT_DB_PATH,
    snapshot: SnapshotOption = None,
    seeds: Annotated[
        str | None, typer.Option(help="Trusted seed domains for TrustRank, comma-separated.")
    ] = None,
    seeds_file: Annotated[
        Path | None, typer.Option(help="File of trusted seed domains, one per line.")
    ] = None,
    damping: Annotated[float, typer.Option(help="PageRank damping factor.")] = DEFAULT_DAMPING,
    tol: Annotated[float, typer.Option(help="Stop when the L1 change is below this.")] = (
        DEFAULT_TOL
    ),
    json: JsonOption = False,
) -> None:
    """Compute URL Rating, Domain Rating (and trust) for a snapshot and store them."""
    wanted = read_seeds(seeds, seeds_file)
    console = output.error_console()
    bar = Progress(
        SpinnerColumn(),
        TextColumn("[bold]rank[/bold] {task.description}"),
        TimeElapsedColumn(),
        console=console,
        disable=json or not console.is_terminal,
        transient=True,
    )
    with bar, open_store(db) as con:
        task = bar.add_task("", total=None)

        def progress(step: str) -> None:
            bar.update(task, description=STEPS.get(step, step))

        report = authority.rank(
            con,
            resolver=DomainResolver(),
            snapshot=snapshot,
            seeds=wanted,
            damping=damping,
            tol=tol,
            progress=progress,
        )
    if json:
        output.print_json(report)
    else:
        show_rank(report)


def show_rank(report: RankReport) -> None:
    out = output.console()
    iterations = ", ".join(f"{name} {count}" for name, count in report.iterations.items())
    out.print(
        output.key_values(
            f"Ranked snapshot {report.snapshot} (formula {report.formula_version})",
            [
                ("pages (URLs)", report.pages),
                ("page links (followed, distinct)", report.page_links),
                ("domains", report.domains),
                ("domain links (followed, distinct)", report.domain_links),
                ("iterations", iterations),
                *((f"seconds: {step}", sec) for step, sec in report.seconds.items()),
            ],
        )
    )
    bands = [f"{10 * i}-{10 * i + 10}" for i in range(10)]
    out.print(
        output.table(
            "Distribution (count per band of 10 points)",
            ("band", "UR", "DR"),
            zip(bands, report.ur_histogram, report.dr_histogram, strict=True),
        )
    )
    if report.trust_seeds is None:
        out.print(NO_TRUST)
    else:
        out.print(f"trust seeds: {', '.join(report.trust_seeds)}")
    if report.trust_seeds_missing:
        out.print(f"seeds not in the snapshot: {', '.join(report.trust_seeds_missing)}")


@top_app.command("domains")
def top_domains(
    db: DbOption = DEFAULT_DB_PATH,
    snapshot: SnapshotOption = None,
    limit: LimitOption = 100,
    json: JsonOption = False,
) -> None:
    """Domains by Domain Rating, with trust beside it when the snapshot was ranked with seeds."""
    with open_store(db) as con:
        report = authority.top_domains(con, snapshot=snapshot, limit=limit)
    if json:
        output.print_json(report)
    else:
        show_top_domains(report)


def show_top_domains(report: TopDomainsReport) -> None:
    out = output.console()
    out.print(
        output.table(
            f"Top domains of snapshot {report.snapshot} (formula {report.formula_version})",
            ("domain", "DR", "pagerank", "trust", f"DR-trust ≥ {TRUST_GAP:g}", "ref. domains"),
            [
                (
                    d.domain,
                    _points(d.dr),
                    _raw(d.pagerank),
                    _points(d.trust),
                    d.trust_gap,
                    d.referring_domains,
                )
                for d in report.items
            ],
            caption=f"{len(report.items):,} of {report.total:,} domains",
        )
    )
    if report.trust_seeds is None:
        out.print(NO_TRUST)


@top_app.command("pages")
def top_pages(
    db: DbOption = DEFAULT_DB_PATH,
    snapshot: SnapshotOption = None,
    limit: LimitOption = 100,
    json: JsonOption = False,
) -> None:
    """URLs by URL Rating."""
    with open_store(db) as con:
        report = authority.top_pages(con, snapshot=snapshot, limit=limit)
    if json:
        output.print_json(report)
        return
    output.console().print(
        output.table(
            f"Top pages of snapshot {report.snapshot} (formula {report.formula_version})",
            ("url", "UR", "pagerank", "inlinks"),
            [(p.url, _points(p.ur), _raw(p.pagerank), p.inlinks) for p in report.items],
            caption=f"{len(report.items):,} of {report.total:,} URLs",
        )
    )


def explain(
    target: TargetArgument,
    db: DbOption = DEFAULT_DB_PATH,
    mode: Annotated[
        str, typer.Option("--mode", "-m", help="domain: explain DR; exact: explain a URL's UR.")
    ] = "domain",
    snapshot: SnapshotOption = None,
    limit: LimitOption = 20,
    json: JsonOption = False,
) -> None:
    """Where a DR or UR comes from: each referring domain or page and its share of the score."""
    with open_store(db) as con:
        report = authority.explain(
            con, target, resolver=DomainResolver(), mode=mode, snapshot=snapshot, limit=limit
        )
    if json:
        output.print_json(report)
    else:
        show_explain(report)


def show_explain(report: ExplainReport) -> None:
    out = output.console()
    label = report.score.upper()
    facts: list[tuple[str, object]] = [
        (label, _points(report.rating)),
        ("pagerank", _raw(report.pagerank)),
        ("formula", f"{report.formula} (version {report.formula_version})"),
    ]
    if report.score == "dr":
        facts.append(("trust", _points(report.trust) if report.trust is not None else "absent"))
    out.print(output.key_values(f"{label} of {report.target} (snapshot {report.snapshot})", facts))
    rows: list[tuple[object, ...]] = [
        (c.source, _points(c.rating), c.outlinks, _percent(c.share)) for c in report.items
    ]
    if report.other_share > 0:
        rows.append((f"{report.total - len(report.items):,} more", None, None,
                     _percent(report.other_share)))  # fmt: skip
    rows.append(
        ("(no links: teleport and dangling share)", None, None, _percent(report.base_share))
    )
    source = "referring domain" if report.score == "dr" else "referring page"
    out.print(
        output.table(
            f"What makes up the {label}",
            (source, label, "outlinks", "share"),
            rows,
            caption=f"{report.total:,} contributors; shares add up to 100 %",
        )
    )


def _points(value: float | None) -> str | None:
    return None if value is None else f"{value:.1f}"


def _raw(value: float) -> str:
    return f"{value:.3e}"


def _percent(value: float) -> str:
    return f"{value * 100:.2f} %"
