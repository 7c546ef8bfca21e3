"""Analysis commands: anchors, intersect, broken, pages, outlinks, risk, disavow."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from linkatlas.analyze import anchors as anchor_reports
from linkatlas.analyze import disavow as disavow_reports
from linkatlas.analyze import opportunities
from linkatlas.analyze import risk as risk_reports
from linkatlas.analyze.reports import (
    AnchorsReport,
    BrokenReport,
    DisavowCheckReport,
    DisavowReport,
    IntersectReport,
    OutlinksReport,
    PagesReport,
    RiskReport,
)
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
from linkatlas.errors import InputError
from linkatlas.export import disavow as disavow_file
from linkatlas.extract.domains import DomainResolver
from linkatlas.store.connection import open_store


def register(app: typer.Typer) -> None:
    for command in (anchors, intersect, broken, pages, outlinks, risk, disavow):
        app.command()(command)


def _share(value: float) -> str:
    return f"{value * 100:.1f} %"


def _print_line(text: str) -> None:
    """One plain line (file content is never read as markup, never wrapped)."""
    output.console().print(Text(text), soft_wrap=True)


# -- anchors -------------------------------------------------------------------------------


def anchors(
    target: TargetArgument,
    db: DbOption = DEFAULT_DB_PATH,
    mode: ModeOption = "domain",
    snapshot: SnapshotOption = None,
    brand: Annotated[
        list[str] | None,
        typer.Option(help="Brand term (repeat it); default: the target's domain name."),
    ] = None,
    keyword: Annotated[
        list[str] | None,
        typer.Option(help="Target keyword for exact and partial match (repeat it)."),
    ] = None,
    threshold: Annotated[
        float,
        typer.Option(help="Exact-match share of referring domains above which to flag."),
    ] = anchor_reports.EXACT_SHARE_THRESHOLD,
    limit: LimitOption = 100,
    json: JsonOption = False,
) -> None:
    """Anchor texts of a target by category (branded, exact, generic...), over-optimisation."""
    run_report(
        db, anchor_reports.anchors, target, json=json, show=show_anchors,
        mode=mode, snapshot=snapshot, brands=brand or (), keywords=keyword or (), limit=limit,
        threshold=threshold,
    )  # fmt: skip


def show_anchors(report: AnchorsReport) -> None:
    out = output.console()
    out.print(
        output.table(
            f"Anchor categories of {report.target} ({report.mode}, snapshot {report.snapshot})",
            ("category", "referring domains", "share", "backlinks"),
            [
                (c.category, c.referring_domains, _share(c.share), c.backlinks)
                for c in report.categories
            ],
            caption=f"brands: {', '.join(report.brands) or 'none'}; "
            f"keywords: {', '.join(report.keywords) or 'none'}",
        )
    )
    out.print(
        output.table(
            "Anchors",
            ("anchor", "category", "referring domains", "backlinks"),
            [
                (a.anchor or "(empty)", a.category, a.referring_domains, a.backlinks)
                for a in report.items
            ],
            caption=f"{len(report.items):,} of {report.total:,} anchors",
        )
    )
    verdict = "OVER-OPTIMISED" if report.over_optimized else "not over-optimised"
    out.print(
        Text(
            f"Exact match: {_share(report.exact_share)} of referring domains "
            f"(threshold {_share(report.exact_share_threshold)}): {verdict}"
        )
    )
    if report.exact_match_domains:
        out.print(
            output.table(
                "Domains linking with exact-match anchors",
                ("domain", "backlinks", "anchors"),
                [(d.domain, d.backlinks, "; ".join(d.anchors)) for d in report.exact_match_domains],
            )
        )


# -- intersect -----------------------------------------------------------------------------


def intersect(
    competitors: Annotated[list[str], typer.Argument(help="Competitor domains (any number).")],
    not_: Annotated[
        str | None, typer.Option("--not", help="Your site: domains linking to it are left out.")
    ] = None,
    min_: Annotated[
        int, typer.Option("--min", help="Competitors a domain must link to, at least.")
    ] = 1,
    db: DbOption = DEFAULT_DB_PATH,
    mode: ModeOption = "domain",
    snapshot: SnapshotOption = None,
    limit: LimitOption = 100,
    json: JsonOption = False,
) -> None:
    """Referring domains of at least --min competitors that do not link to --not TARGET."""
    run_report(
        db, opportunities.intersect, competitors, json=json, show=show_intersect,
        target=not_, mode=mode, snapshot=snapshot, min_competitors=min_, limit=limit,
    )  # fmt: skip


def show_intersect(report: IntersectReport) -> None:
    title = f"Link intersect of {', '.join(report.competitors)}"
    if report.target:
        title += f", not linking to {report.target}"
    output.console().print(
        output.table(
            f"{title} (snapshot {report.snapshot})",
            ("domain", "DR", "competitors", "backlinks", "links to"),
            [
                (
                    d.domain,
                    d.dr,
                    len(d.links_to),
                    d.backlinks,
                    ", ".join(f"{c.competitor} ({c.backlinks})" for c in d.links_to),
                )
                for d in report.items
            ],
            caption=f"{len(report.items):,} of {report.total:,} domains linking to at least "
            f"{report.min_competitors} competitor(s)",
        )
    )


# -- broken, pages, outlinks ---------------------------------------------------------------


def broken(
    target: TargetArgument,
    db: DbOption = DEFAULT_DB_PATH,
    mode: ModeOption = "domain",
    snapshot: SnapshotOption = None,
    limit: LimitOption = 100,
    json: JsonOption = False,
) -> None:
    """Backlinks to pages that answered 4xx/5xx or redirect to one: links to reclaim."""
    run_report(
        db, opportunities.broken, target, json=json, show=show_broken,
        mode=mode, snapshot=snapshot, limit=limit,
    )  # fmt: skip


def show_broken(report: BrokenReport) -> None:
    output.console().print(
        output.table(
            f"Broken backlinks of {report.target} ({report.mode}, snapshot {report.snapshot})",
            ("target", "status", "leads to", "source", "anchor", "followed"),
            [
                (
                    b.target_url,
                    b.status,
                    b.final_url if b.redirects else "",
                    b.source_url,
                    b.anchor,
                    b.followed,
                )
                for b in report.items
            ],
            caption=f"{len(report.items):,} of {report.total:,} backlinks from "
            f"{report.referring_domains:,} domains to {report.broken_pages:,} broken pages "
            f"(targets never captured are unknown, not listed)",
        )
    )


def pages(
    target: TargetArgument,
    db: DbOption = DEFAULT_DB_PATH,
    mode: ModeOption = "domain",
    snapshot: SnapshotOption = None,
    limit: LimitOption = 100,
    json: JsonOption = False,
) -> None:
    """The target's pages by referring domains: which content earns links."""
    run_report(
        db, opportunities.pages, target, json=json, show=show_pages,
        mode=mode, snapshot=snapshot, limit=limit,
    )  # fmt: skip


def show_pages(report: PagesReport) -> None:
    output.console().print(
        output.table(
            f"Linked pages of {report.target} ({report.mode}, snapshot {report.snapshot})",
            ("url", "UR", "referring domains", "backlinks", "followed", "first seen"),
            [
                (p.url, p.ur, p.referring_domains, p.backlinks, p.followed_backlinks, p.first_seen)
                for p in report.items
            ],
            caption=f"{len(report.items):,} of {report.total:,} pages",
        )
    )


def outlinks(
    source: Annotated[str, typer.Argument(help="The linking site: domain, host, URL or prefix.")],
    db: DbOption = DEFAULT_DB_PATH,
    mode: ModeOption = "domain",
    snapshot: SnapshotOption = None,
    limit: LimitOption = 100,
    json: JsonOption = False,
) -> None:
    """The sites a site links to, with followed and nofollow links."""
    run_report(
        db, opportunities.outlinks, source, json=json, show=show_outlinks,
        mode=mode, snapshot=snapshot, limit=limit,
    )  # fmt: skip


def show_outlinks(report: OutlinksReport) -> None:
    output.console().print(
        output.table(
            f"Sites {report.source} links to ({report.mode}, snapshot {report.snapshot})",
            ("domain", "DR", "links", "followed", "nofollow", "pages"),
            [
                (
                    d.domain,
                    d.dr,
                    d.links,
                    d.followed_links,
                    d.links - d.followed_links,
                    d.linked_pages,
                )
                for d in report.items
            ],
            caption=f"{len(report.items):,} of {report.total:,} sites; {report.links:,} links, "
            f"{report.followed_links:,} followed",
        )
    )


# -- risk ----------------------------------------------------------------------------------


def risk(
    target: TargetArgument,
    db: DbOption = DEFAULT_DB_PATH,
    mode: ModeOption = "domain",
    snapshot: SnapshotOption = None,
    brand: Annotated[
        list[str] | None,
        typer.Option(help="Brand term (repeat it); default: the target's domain name."),
    ] = None,
    keyword: Annotated[
        list[str] | None,
        typer.Option(help="Target keyword: commercial anchors are exact matches (repeat it)."),
    ] = None,
    limit: LimitOption = 100,
    json: JsonOption = False,
) -> None:
    """Referring domains showing link-scheme signals (sitewide, reciprocal, link farm...),
    each with the pages that show it."""
    run_report(
        db, risk_reports.risk, target, json=json, show=show_risk,
        mode=mode, snapshot=snapshot, brands=brand or (), keywords=keyword or (), limit=limit,
    )  # fmt: skip


def show_risk(report: RiskReport) -> None:
    out = output.console()
    rows = []
    for item in report.items:
        for index, s in enumerate(item.signals):
            more = f" (+{len(s.evidence) - 1} more)" if len(s.evidence) > 1 else ""
            shown = f"{s.detail}\n{s.evidence[0]}{more}" if s.evidence else s.detail
            first = (
                (item.domain, item.dr, item.followed_backlinks) if index == 0 else ("", None, None)
            )
            rows.append((*first, s.signal, shown))
    counts = ", ".join(
        f"{name} {'not checked' if count is None else count}"
        for name, count in report.signal_counts.items()
    )
    out.print(
        output.table(
            f"Risk signals of {report.target} ({report.mode}, snapshot {report.snapshot})",
            ("domain", "DR", "followed", "signal", "detail and evidence"),
            rows,
            caption=f"{len(report.items):,} of {report.total:,} domains with signals, of "
            f"{report.referring_domains:,} referring domains; domains per signal: {counts}",
        )
    )
    for note in report.notes:
        out.print(Text(f"note: {note}"))


# -- disavow -------------------------------------------------------------------------------


def disavow(
    target: Annotated[
        str | None, typer.Argument(help="Your site (not needed with --check).")
    ] = None,
    domain: Annotated[
        list[str] | None, typer.Option(help="A domain to disavow (repeat it).")
    ] = None,
    signal: Annotated[
        list[str] | None,
        typer.Option(help="Disavow the domains showing this risk signal (repeat it; see risk)."),
    ] = None,
    all_signals: Annotated[
        bool, typer.Option("--all-signals", help="Disavow the domains showing any risk signal.")
    ] = False,
    keyword: Annotated[
        list[str] | None,
        typer.Option(help="With --signal: target keyword for commercial_anchor_low_dr."),
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Write the file here (.txt); default: print it.")
    ] = None,
    check: Annotated[
        Path | None, typer.Option(help="Check a disavow file against Google's limits instead.")
    ] = None,
    db: DbOption = DEFAULT_DB_PATH,
    snapshot: SnapshotOption = None,
    json: JsonOption = False,
) -> None:
    """Write a Google disavow file for the listed domains and those showing risk signals, or
    check one (--check FILE)."""
    if check is not None:
        if target is not None or domain or signal or all_signals or out is not None:
            raise InputError("--check FILE takes no TARGET, --domain, --signal or --out")
        run_check(check, json=json)
        return
    if target is None:
        raise InputError(
            "give TARGET and --domain DOMAIN or --signal NAME (to write a file) or --check FILE"
        )
    with open_store(db) as con:
        report = disavow_reports.disavow(
            con, target, domains=domain or [], resolver=DomainResolver(), snapshot=snapshot,
            signals=signal or [], all_signals=all_signals, keywords=keyword or [],
        )  # fmt: skip
    if out is not None:
        report = disavow_file.write_disavow(report, out)
    if json:
        output.print_json(report)
    elif out is None:
        for line in disavow_file.render_disavow(report).splitlines():
            _print_line(line)
    else:
        show_disavow(report)


def show_disavow(report: DisavowReport) -> None:
    output.console().print(
        output.table(
            f"Disavowed for {report.target} (snapshot {report.snapshot}) in {report.out}",
            ("domain", "reasons"),
            [(e.domain, "; ".join(e.reasons)) for e in report.items],
        )
    )


def run_check(path: Path, *, json: bool) -> None:
    """Check a disavow file; exit 1 (with a one-line error after the problems) when invalid."""
    report = disavow_file.check_disavow_file(path)
    if json:
        output.print_json(report)
    else:
        show_check(report, str(path))
    if not report.valid:
        count = len(report.problems)
        raise InputError(
            f"{path}: {count:,} problem{'s' if count > 1 else ''}; Google would refuse the file"
        )


def show_check(report: DisavowCheckReport, shown: str) -> None:
    if report.valid:
        _print_line(
            f"{shown}: valid ({report.encoding}, {report.lines:,} lines, {report.bytes:,} bytes): "
            f"{report.domains:,} domain lines, {report.urls:,} URLs, "
            f"{report.comments:,} comments, {report.blank_lines:,} blank lines"
        )
        return
    for problem in report.problems:
        where = f"{shown}:{problem.line}" if problem.line else shown
        _print_line(f"{where}: {problem.problem}")
