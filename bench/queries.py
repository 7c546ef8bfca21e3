"""Report latency on a store of 10M links: the "Speed" section of issue 5.

    .venv/bin/python bench/queries.py                 # 10M links across ~90k sites, 2 snapshots
    .venv/bin/python bench/queries.py --small         # 500k links: a quick check
    .venv/bin/python bench/queries.py --store /tmp/sample-10m.duckdb   # build once, reuse
    .venv/bin/python bench/queries.py --check-builder # the store builder against real ingest

The store is the sample web's (``bench/stores.py``: the generator's sites, pages, links and
monthly changes, extracted by ingest's own code, written straight into DuckDB): ``--links``
link rows over ``--snapshots`` monthly crawls, every snapshot ranked (DR and UR, as the demo
does), rows in ingest order. ``--check-builder`` builds a small store both ways (this builder;
``generate_sample_web`` + ``linkatlas ingest``) and compares them table by table.

Timed: the library functions the CLI commands call, on one open connection, with their
default options: ``profile``, ``refdomains``, ``anchors`` (with the site's own keywords),
``history`` and ``changes`` (the two snapshots) for a large target (the generator's featured
site, the most popular; >= 100k backlinks per snapshot at 10M links) and a small one (a site
the generator's timeline gives new referring domains every month); and ``intersect`` of five
competitors (the next most popular sites) ``--not`` the large target, ``--min 2``. Each call
runs once to warm up, then ``--repeat`` rounds call each of them in turn; p50 and p95 are over
the rounds. First the report aggregates are built, as the end of an ingest builds them
(``linkatlas.store.aggregates.refresh_aggregates``, timed). Everything is measured twice in the
same run: on the store as ingest leaves it, and after ``linkatlas.store.layout.cluster_links``
(whose time is reported); the reports must be equal in both layouts.

Targets (issue 5): p50 <= 20 ms and p95 <= 100 ms for each report, intersect <= 100 ms (p50).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import duckdb

from linkatlas.analyze import anchors, authority, backlinks, history, opportunities
from linkatlas.extract.domains import DomainResolver
from linkatlas.ids import stable_id
from linkatlas.store import aggregates, layout
from linkatlas.store.connection import open_store
from linkatlas.store.sql import fetch_one
from stores import SampleWebStore, build_sample_web_store, compare_with_ingest

P50_TARGET_MS = 20.0
P95_TARGET_MS = 100.0
INTERSECT_TARGET_MS = 100.0
REPORTS = ("profile", "refdomains", "anchors", "history", "changes")


@dataclass(frozen=True, slots=True)
class Call:
    report: str
    target: str  # "large", "small" or "5 competitors"
    run: Callable[[], Any]


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


# -- the store --------------------------------------------------------------------------------


def rank_snapshots(path: Path, names: tuple[str, ...]) -> float:
    """Rank every snapshot as the demo does (without trust seeds); seconds taken."""
    began = time.perf_counter()
    resolver = DomainResolver()
    with open_store(path) as con:
        for name in names:
            authority.rank(con, resolver=resolver, snapshot=name)
        con.execute("CHECKPOINT")
    return time.perf_counter() - began


def prepare(
    args: argparse.Namespace, folder: Path
) -> tuple[SampleWebStore, Path, dict[str, float]]:
    """The built (or cached) store, copied to a work file; build and rank seconds."""
    cache = Path(args.store) if args.store else folder / "built.duckdb"
    facts_file = cache.with_suffix(".json")
    timings: dict[str, float] = {}
    if cache.exists() and facts_file.exists():
        saved = json.loads(facts_file.read_text())
        facts = SampleWebStore.from_dict(saved["facts"])
        timings = saved["timings"]
        log(f"reusing {cache} (built in {timings['build']:.0f} s, ranked in "
            f"{timings['rank']:.0f} s)")  # fmt: skip
    else:
        cache.unlink(missing_ok=True)
        facts = build_sample_web_store(
            cache, links=args.links, snapshots=args.snapshots, seed=args.seed, log=log
        )
        timings["build"] = facts.seconds
        timings["rank"] = rank_snapshots(cache, facts.snapshots) if args.rank else 0.0
        log(f"store built in {timings['build']:.0f} s, ranked in {timings['rank']:.0f} s")
        facts_file.write_text(json.dumps({"facts": facts.as_dict(), "timings": timings}))
    work = folder / "work.duckdb"
    shutil.copyfile(cache, work)
    return facts, work, timings


# -- the calls ----------------------------------------------------------------------------------


def calls(con: duckdb.DuckDBPyConnection, facts: SampleWebStore) -> list[Call]:
    """The timed calls: five reports for each target, then intersect."""
    resolver = DomainResolver()
    out: list[Call] = []
    for label, site in (("large", facts.featured), ("small", facts.rising[0])):
        keywords = facts.keywords[site][:2]
        out += [
            Call("profile", label, partial(backlinks.profile, con, site, resolver=resolver)),
            Call("refdomains", label, partial(backlinks.refdomains, con, site, resolver=resolver)),
            Call(
                "anchors",
                label,
                partial(anchors.anchors, con, site, resolver=resolver, keywords=keywords),
            ),
            Call("history", label, partial(history.history, con, site, resolver=resolver)),
            Call("changes", label, partial(history.changes, con, site, resolver=resolver)),
        ]
    competitors = list(facts.competitors[:5])
    intersect = partial(
        opportunities.intersect,
        con,
        competitors,
        resolver=resolver,
        target=facts.featured,
        min_competitors=2,
    )
    return [*out, Call("intersect", "5 competitors", intersect)]


def target_sizes(con: duckdb.DuckDBPyConnection, facts: SampleWebStore) -> dict[str, Any]:
    """Backlinks and referring domains of each target in the latest snapshot."""
    latest = con.execute(
        "SELECT snapshot_id FROM snapshots ORDER BY date DESC, created_at DESC LIMIT 1"
    ).fetchall()[0][0]
    sizes = {}
    for label, site in (
        ("large", facts.featured),
        ("small", facts.rising[0]),
        *((f"competitor {i + 1}", s) for i, s in enumerate(facts.competitors[:5])),
    ):
        row = con.execute(
            """SELECT count(*), count(DISTINCT source_domain_id) FROM links
               WHERE snapshot_id = ? AND target_domain_id = ?
                 AND source_domain_id <> target_domain_id
                 AND kind IN ('a', 'area', 'redirect', 'refresh')""",
            [latest, stable_id(site)],
        ).fetchall()[0]
        sizes[label] = {"domain": site, "backlinks": row[0], "referring_domains": row[1]}
    return sizes


def measure(cs: list[Call], repeat: int) -> tuple[dict[tuple[str, str], list[float]], list[Any]]:
    """Milliseconds of every call in every round, and each call's (warm-up) result."""
    results = [c.run() for c in cs]
    times: dict[tuple[str, str], list[float]] = {(c.report, c.target): [] for c in cs}
    for _ in range(repeat):
        for c in cs:
            began = time.perf_counter()
            c.run()
            times[c.report, c.target].append((time.perf_counter() - began) * 1e3)
    return times, results


def summarize(times: dict[tuple[str, str], list[float]]) -> dict[str, dict[str, float]]:
    return {
        f"{report} / {target}": {
            "p50": statistics.median(values),
            "p95": percentile(values, 0.95),
        }
        for (report, target), values in times.items()
    }


def verdict(report: str, p50: float, p95: float) -> str:
    if report == "intersect":
        return "PASS" if p50 <= INTERSECT_TARGET_MS else "MISS"
    return "PASS" if p50 <= P50_TARGET_MS and p95 <= P95_TARGET_MS else "MISS"


# -- the run ------------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="linkatlas-qbench-", dir=args.tmp) as tmp:
        facts, work, timings = prepare(args, Path(tmp))
        phases: dict[str, dict[str, dict[str, float]]] = {}
        with open_store(work) as con:
            # What the end of `linkatlas ingest` does: the report aggregates of every snapshot
            # built (from nothing: the builder writes the links only).
            built = aggregates.refresh_aggregates(con)
            timings["aggregate"] = built.seconds
            log(f"aggregates of {built.snapshots_built} snapshots built in {built.seconds:.1f} s")
            if args.threads:
                con.execute(f"SET threads = {int(args.threads)}")
            threads = fetch_one(con, "SELECT current_setting('threads')")
            sizes = target_sizes(con, facts)
            for label, size in sizes.items():
                log(f"{label}: {size['domain']}, {size['backlinks']:,} backlinks, "
                    f"{size['referring_domains']:,} referring domains")  # fmt: skip
            cs = calls(con, facts)
            log(f"timing {len(cs)} calls x {args.repeat} rounds, links as ingest wrote them")
            times, before = measure(cs, args.repeat)
            phases["before"] = summarize(times)
            state = layout.layout_state(con)
            log(f"clustering {state.rows:,} links by ({', '.join(layout.LINK_KEY)})")
            clustered = layout.cluster_links(con)
            timings["cluster"] = clustered.seconds
            log(f"clustered in {clustered.seconds:.1f} s; timing again")
            times, after = measure(cs, args.repeat)
            phases["after"] = summarize(times)
            differ = [f"{c.report} / {c.target}" for c, a, b in zip(cs, before, after, strict=True)
                      if a != b]  # fmt: skip
            if differ:
                raise SystemExit(f"reports differ after clustering: {', '.join(differ)}")
            if args.one_thread and threads != (1,):
                log("timing again with SET threads = 1")
                con.execute("SET threads = 1")
                phases["after, 1 thread"] = summarize(measure(cs, args.repeat)[0])
        size_bytes = work.stat().st_size
    return {
        "date": time.strftime("%Y-%m-%d"),
        "cores": os.cpu_count(),
        "duckdb": duckdb.__version__,
        "threads": threads[0] if threads else None,
        "repeat": args.repeat,
        "store": {**facts.as_dict(), "bytes": size_bytes},
        "seconds": {k: round(v, 1) for k, v in timings.items()},
        "targets": sizes,
        "phases": phases,
    }


def print_table(figures: dict[str, Any]) -> None:
    store, seconds = figures["store"], figures["seconds"]
    print(
        f"\n{store['links']:,} links, {store['pages']:,} pages, {store['urls']:,} URLs, "
        f"{store['domains']:,} domains, snapshots {', '.join(store['snapshots'])}; "
        f"{store['bytes'] / 1e9:.2f} GB; built in {seconds['build']:.0f} s, ranked in "
        f"{seconds['rank']:.0f} s, aggregated in {seconds['aggregate']:.1f} s, clustered in "
        f"{seconds['cluster']:.1f} s"
    )
    for label, size in figures["targets"].items():
        print(f"  {label}: {size['domain']} ({size['backlinks']:,} backlinks, "
              f"{size['referring_domains']:,} referring domains)")  # fmt: skip
    phases = figures["phases"]
    print(
        f"\nms (p50 / p95), {figures['repeat']} rounds, DuckDB {figures['duckdb']}, "
        f"{figures['threads']} threads, {figures['cores']} cores; verdict per phase after "
        "clustering"
    )
    after = [name for name in phases if name != "before"]
    print("| report | target | " + " | ".join(phases) + " | " + " | ".join(after) + " |")
    print("|---|---|" + "---:|" * len(phases) + "---|" * len(after))
    for key in phases["before"]:
        report, target = key.split(" / ")
        cells = [report, target]
        cells += [f"{p[key]['p50']:.1f} / {p[key]['p95']:.1f}" for p in phases.values()]
        cells += [verdict(report, phases[n][key]["p50"], phases[n][key]["p95"]) for n in after]
        print("| " + " | ".join(cells) + " |")


def check_builder(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="linkatlas-qbench-", dir=args.tmp) as tmp:
        differences = compare_with_ingest(Path(tmp), links=60_000, snapshots=3, seed=args.seed)
    for table, (rows, only_here, only_ingested) in differences.items():
        print(f"{table}: {rows:,} rows; only in the built store {only_here}, "
              f"only in the ingested one {only_ingested}")  # fmt: skip
    if any(a or b for _, a, b in differences.values()):
        raise SystemExit("the built store differs from the ingested one")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--links", type=int, default=10_000_000, help="link rows of the store")
    parser.add_argument("--small", action="store_true", help="500k links: a quick check")
    parser.add_argument("--snapshots", type=int, default=2, help="monthly crawls (>= 2)")
    parser.add_argument("--repeat", type=int, default=20, help="timed rounds")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--threads", type=int, default=0, help="DuckDB threads (0: default)")
    parser.add_argument(
        "--one-thread",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also time the clustered store with SET threads = 1",
    )
    parser.add_argument("--store", help="keep the built store here and reuse it next time")
    parser.add_argument("--tmp", help="folder for the work copy (default: the system's)")
    parser.add_argument("--rank", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--check-builder", action="store_true", help="compare with ingest")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if args.small:
        args.links = 500_000
    if args.snapshots < 2:
        parser.error("--snapshots: at least 2, so that history and changes have something")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.check_builder:
        check_builder(args)
        return
    figures = run(args)
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        print_table(figures)


if __name__ == "__main__":
    main()
