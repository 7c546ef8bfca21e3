"""Authority: rank a snapshot (UR, DR, trust), list the top, and explain one score.

``rank`` reads the edge lists from the store, builds the page and the domain graph, runs the
same :func:`linkatlas.pagerank` core on both (and TrustRank with seeds), maps the scores to
0-100 (``linkatlas.rank.scale``, versioned) and stores them for the snapshot. ``explain``
decomposes a stored score into what each referring domain or page brings::

    pagerank(t) = base + Σ_{s → t}  damping · pagerank(s) / outlinks(s)

``base`` is the share every node gets without links; all parts add up to the score.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal

import duckdb
import numpy as np

from linkatlas.analyze.reports import (
    Contribution,
    ExplainReport,
    RankReport,
    TopDomain,
    TopDomainsReport,
    TopPage,
    TopPagesReport,
)
from linkatlas.analyze.targets import parse_target
from linkatlas.errors import BadTargetError, InputError, StoreError, UnknownTargetError
from linkatlas.extract.domains import DomainResolver
from linkatlas.ids import stable_id
from linkatlas.rank.graph import LinkGraph, build_graph
from linkatlas.rank.pagerank import (
    DEFAULT_DAMPING,
    DEFAULT_TOL,
    PageRankResult,
    compute_pagerank,
    load_kernels_in_background,
)
from linkatlas.rank.scale import (
    FORMULA,
    FORMULA_VERSION,
    has_trust_gap,
    histogram,
    rating,
    trust_rating,
)
from linkatlas.rank.trust import compute_trust
from linkatlas.store import queries, scores
from linkatlas.store.ingest import utc_now
from linkatlas.store.queries import SnapshotRow

log = logging.getLogger(__name__)

_DR: Literal["dr", "ur"] = "dr"
_UR: Literal["dr", "ur"] = "ur"

Progress = Callable[[str], None]
"""Called with the name of each step as it starts."""


class _Timer:
    def __init__(self, progress: Progress | None) -> None:
        self.seconds: dict[str, float] = {}
        self.progress = progress
        self.start = time.perf_counter()

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        if self.progress is not None:
            self.progress(name)
        began = time.perf_counter()
        yield
        self.seconds[name] = round(self.seconds.get(name, 0.0) + time.perf_counter() - began, 3)

    def total(self) -> dict[str, float]:
        return {**self.seconds, "total": round(time.perf_counter() - self.start, 3)}


@dataclass(frozen=True, slots=True)
class _Ranked:
    graph: LinkGraph
    result: PageRankResult
    ratings: np.ndarray
    base: float


def _pagerank(graph: LinkGraph, damping: float, tol: float) -> _Ranked:
    result = compute_pagerank(graph.adjacency, damping=damping, tol=tol)
    if not result.converged:
        raise InputError(
            f"PageRank did not converge to --tol {tol:g} (last change {result.delta:.3g}): "
            "give a larger --tol"
        )
    n = max(graph.nodes, 1)
    dangling_mass = float(result.scores[graph.out_degree == 0].sum())
    base = ((1.0 - damping) + damping * dangling_mass) / n
    return _Ranked(graph, result, rating(result.scores), base)


def seed_domains(seeds: Sequence[str], resolver: DomainResolver) -> list[str]:
    """The registrable domains of the given seeds (domains, hosts or URLs), deduplicated."""
    found: dict[str, None] = {}
    for seed in seeds:
        if seed.strip():
            found[parse_target(seed, "domain", resolver).domain] = None
    return list(found)


def rank(
    con: duckdb.DuckDBPyConnection,
    *,
    resolver: DomainResolver,
    snapshot: str | None = None,
    seeds: Sequence[str] = (),
    damping: float = DEFAULT_DAMPING,
    tol: float = DEFAULT_TOL,
    progress: Progress | None = None,
) -> RankReport:
    """Compute and store UR, DR (and trust, with seeds) for a snapshot (default: the latest)."""
    snap = queries.select_snapshot(con, snapshot)
    wanted = seed_domains(seeds, resolver)
    timer = _Timer(progress)
    load_kernels_in_background()  # numba's imports overlap the reading of the store
    with timer.step("read"):
        page_edges = scores.read_page_graph(con, snap.snapshot_id)
        domain_edges = scores.read_domain_graph(con, snap.snapshot_id)
        links = scores.count_links(con, snap.snapshot_id)
    with timer.step("build"):
        page_graph = build_graph(page_edges.node_ids, page_edges.sources, page_edges.targets)
        domain_graph = build_graph(
            domain_edges.node_ids, domain_edges.sources, domain_edges.targets
        )
        del page_edges, domain_edges
    with timer.step("pagerank"):
        pages = _pagerank(page_graph, damping, tol)
        domains = _pagerank(domain_graph, damping, tol)
    trust_values: np.ndarray | None = None
    found: list[str] | None = None
    trust_iterations: int | None = None
    if wanted:
        with timer.step("trust"):
            trust_values, found, trust_iterations = _trust(domain_graph, wanted, damping, tol)
    with timer.step("write"):
        run = _run_record(snap, links, damping, tol, pages, domains, found, trust_iterations)
        scores.write_scores(con, run, _columns(pages), _columns(domains, trust_values))
    iterations = {"ur": pages.result.iterations, "dr": domains.result.iterations}
    if trust_iterations is not None:
        iterations["trust"] = trust_iterations
    return RankReport(
        snapshot=snap.name,
        formula_version=FORMULA_VERSION,
        formula=FORMULA,
        pages=page_graph.nodes,
        page_links=page_graph.edges,
        domains=domain_graph.nodes,
        domain_links=domain_graph.edges,
        iterations=iterations,
        seconds=timer.total(),
        trust_seeds=found,
        trust_seeds_missing=[d for d in wanted if found is None or d not in found],
        ur_histogram=histogram(pages.ratings),
        dr_histogram=histogram(domains.ratings),
    )


def _trust(
    graph: LinkGraph, wanted: list[str], damping: float, tol: float
) -> tuple[np.ndarray, list[str], int]:
    ids = {stable_id(domain): domain for domain in wanted}
    trust = compute_trust(graph, ids, damping=damping, tol=tol)
    present = set(graph.node_ids[np.isin(graph.node_ids, list(ids))].tolist())
    found = [domain for key, domain in ids.items() if key in present]
    return trust.result.scores, found, trust.result.iterations


def _columns(ranked: _Ranked, trust: np.ndarray | None = None) -> scores.ScoreColumns:
    return scores.ScoreColumns(
        node_ids=ranked.graph.node_ids,
        pagerank=ranked.result.scores,
        rating=ranked.ratings,
        in_degree=ranked.graph.in_degree,
        out_degree=ranked.graph.out_degree,
        trustrank=trust,
        trust=None if trust is None else trust_rating(trust),
    )


def _run_record(
    snap: SnapshotRow,
    links: int,
    damping: float,
    tol: float,
    pages: _Ranked,
    domains: _Ranked,
    seeds: list[str] | None,
    trust_iterations: int | None,
) -> scores.RankRun:
    return scores.RankRun(
        snapshot_id=snap.snapshot_id,
        formula_version=FORMULA_VERSION,
        computed_at=utc_now(),
        damping=damping,
        tol=tol,
        links=links,
        page_nodes=pages.graph.nodes,
        page_edges=pages.graph.edges,
        page_iterations=pages.result.iterations,
        page_base=pages.base,
        domain_nodes=domains.graph.nodes,
        domain_edges=domains.graph.edges,
        domain_iterations=domains.result.iterations,
        domain_base=domains.base,
        trust_seeds=seeds,
        trust_iterations=trust_iterations,
    )


def _ranked_snapshot(
    con: duckdb.DuckDBPyConnection, snapshot: str | None
) -> tuple[SnapshotRow, scores.RankRun]:
    snap = queries.select_snapshot(con, snapshot)
    run = scores.load_run(con, snap.snapshot_id)
    if run is None:
        raise StoreError(
            f"snapshot {snap.name!r} has no scores yet: run linkatlas rank --snapshot {snap.name}"
        )
    if scores.count_links(con, snap.snapshot_id) != run.links:
        log.warning("links were added after snapshot %s was ranked: run rank again", snap.name)
    return snap, run


def _limit(limit: int) -> int | None:
    return None if limit <= 0 else limit


def top_domains(
    con: duckdb.DuckDBPyConnection, *, snapshot: str | None = None, limit: int = 100
) -> TopDomainsReport:
    """The domains of a ranked snapshot by Domain Rating, with trust when seeds were given."""
    snap, run = _ranked_snapshot(con, snapshot)
    items = [
        TopDomain(
            domain=r[0],
            pagerank=r[1],
            dr=r[2],
            trustrank=r[3],
            trust=r[4],
            trust_gap=has_trust_gap(r[2], r[4]),
            referring_domains=r[5],
        )
        for r in scores.top_domain_rows(con, snap.snapshot_id, limit=_limit(limit))
    ]
    return TopDomainsReport(
        snapshot=snap.name,
        formula_version=run.formula_version,
        trust_seeds=run.trust_seeds,
        total=scores.count_scores(con, "domain_scores", snap.snapshot_id),
        items=items,
    )


def top_pages(
    con: duckdb.DuckDBPyConnection, *, snapshot: str | None = None, limit: int = 100
) -> TopPagesReport:
    """The URLs of a ranked snapshot by URL Rating."""
    snap, run = _ranked_snapshot(con, snapshot)
    items = [
        TopPage(url=r[0], pagerank=r[1], ur=r[2], inlinks=r[3])
        for r in scores.top_page_rows(con, snap.snapshot_id, limit=_limit(limit))
    ]
    return TopPagesReport(
        snapshot=snap.name,
        formula_version=run.formula_version,
        total=scores.count_scores(con, "page_scores", snap.snapshot_id),
        items=items,
    )


def explain(
    con: duckdb.DuckDBPyConnection,
    target: str,
    *,
    resolver: DomainResolver,
    mode: str = "domain",
    snapshot: str | None = None,
    limit: int = 20,
) -> ExplainReport:
    """Where a score comes from: DR of a domain (mode domain) or UR of a URL (mode exact)."""
    if mode not in ("domain", "exact"):
        raise BadTargetError(f"explain takes --mode domain (DR) or exact (UR), not {mode!r}")
    parsed = parse_target(target, mode, resolver)
    snap, run = _ranked_snapshot(con, snapshot)
    if parsed.mode == "domain":
        row = scores.domain_score_row(con, snap.snapshot_id, parsed.domain)
        if row is None:
            raise UnknownTargetError(f"{parsed.domain} is not a domain of snapshot {snap.name}")
        name, pagerank, value, trust = parsed.domain, row[0], row[1], row[3]
        sources = scores.domain_contributor_rows(con, snap.snapshot_id, parsed.domain)
        base, kind = run.domain_base, _DR
    else:
        found = scores.page_score_row(con, snap.snapshot_id, parsed.urls)
        if found is None:
            raise UnknownTargetError(f"{parsed.text} is not a URL of snapshot {snap.name}")
        name, pagerank, value, trust = found[0], found[1], found[2], None
        sources = scores.page_contributor_rows(con, snap.snapshot_id, name)
        base, kind = run.page_base, _UR
    parts = _contributions(sources, run.damping)
    whole = base + sum(part for part, _ in parts)
    if abs(whole - pagerank) > 1e-6 * pagerank:
        log.warning("the links changed since %s was ranked: run rank again", snap.name)
    shown = parts[: _limit(limit)]
    items = [
        Contribution(source=r[0], pagerank=r[1], rating=r[2], outlinks=r[3], share=part / whole)
        for part, r in shown
    ]
    return ExplainReport(
        target=name,
        mode=parsed.mode,
        snapshot=snap.name,
        score=kind,
        pagerank=pagerank,
        rating=value,
        formula_version=run.formula_version,
        formula=FORMULA,
        trust=trust,
        trust_gap=has_trust_gap(value, trust) if kind == "dr" else None,
        base_share=base / whole,
        other_share=sum(part for part, _ in parts[len(shown) :]) / whole,
        total=len(parts),
        items=items,
    )


def _contributions(
    rows: list[tuple[Any, ...]], damping: float
) -> list[tuple[float, tuple[Any, ...]]]:
    """(part of the target's PageRank, row) per source, largest first."""
    parts = [(damping * float(r[1]) / int(r[3]), r) for r in rows]
    parts.sort(key=lambda pair: (-pair[0], str(pair[1][0])))
    return parts
