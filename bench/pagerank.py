"""PageRank: LinkAtlas against igraph, networkx, scikit-network and networkit (issue 4).

    .venv/bin/python bench/pagerank.py            # 1M nodes, ~10M edges; then `rank` on 10M links
    .venv/bin/python bench/pagerank.py --small    # 100k nodes, ~1M edges: a quick check
    .venv/bin/python bench/pagerank.py --no-store --repeat 5 --json

The graph (``generate_graph``, seeded): nodes are pages of sites whose sizes follow a power
law (Pareto, alpha 1.5, at least 5 pages), numbered site by site as LinkAtlas numbers a store's
URLs. 20% of the nodes have no outlinks (pages linked to but not crawled); the others get
links in proportion to a power-law weight (alpha 1.5). 75% of the links stay inside the site,
skewed towards its first pages (home, sections); the rest go to any node with probability
proportional to a power-law in-weight (alpha 1.1), so in-degrees are heavy-tailed. Repeated
pairs count once, self-links are dropped. Every contender gets this graph, damping 0.85,
dangling mass spread uniformly, tolerance ``--tol`` on the L1 change (networkx's ``tol`` is
per node: it gets ``tol / n``; igraph's PRPACK has a fixed 1e-10 and no setting).

Timed: the PageRank call only, each library given the graph in its own structure, built
beforehand (LinkAtlas: a CSR matrix, so its time includes the transpose to CSC). Besides
``linkatlas.pagerank`` (its default method: power steps for tol ≥ 1e-7, else Gauss-Seidel
sweeps; both with quadratic extrapolation), three LinkAtlas
baselines run in the same process: the same core with power steps (extrapolated, then
plain: the documented criterion step for step), and the previous core's method, scipy's
``csr_matvec`` on row blocks over 2 threads, rebuilt here. "passes" are passes over the
links: power steps and sweeps, each reading every link once. networkx
runs once (it is slow); the others ``--repeat`` times, after a warm-up, and the median is
reported. Memory: tracemalloc's peak during LinkAtlas's call, against the CSR bytes.

The store benchmark (``--store``, on by default without ``--small``) writes a LinkAtlas store
of ``--links`` link rows straight into DuckDB (the sample-web generator and ingest would take
hours for 10M links): the same kind of graph, raw link occurrences (repeated pairs kept),
10% nofollow, URLs and pages rows as ingest writes them. It then times ``linkatlas rank``
in a child process: wall time and peak RSS.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from linkatlas.rank.links import read_links
from linkatlas.rank.pagerank import Method, compute_pagerank, load_kernels, transition_matrix
from linkatlas.rank.pool import Pool, thread_count

Scores = np.ndarray


def generate_graph(nodes: int, edges: int, seed: int = 1) -> sp.csr_matrix:
    """The seeded power-law web graph described above, as a CSR matrix of 0/1 weights."""
    src, dst = generate_links(nodes, int(edges * 1.65), seed)
    matrix = sp.csr_matrix((np.ones(src.size), (src, dst)), shape=(nodes, nodes))
    matrix.sum_duplicates()
    matrix.setdiag(0)
    matrix.eliminate_zeros()
    matrix.data[:] = 1.0
    return matrix


def site_layout(nodes: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(first node, size) of each site: Pareto sizes (alpha 1.5, at least 5), numbered in order."""
    sizes = np.minimum(np.floor(5 * (1 - rng.random(nodes // 5)) ** (-1 / 1.5)), 50_000)
    sizes = sizes.astype(np.int64)
    ends = np.cumsum(sizes)
    count = int(np.searchsorted(ends, nodes)) + 1
    sizes = sizes[:count].copy()
    sizes[-1] -= ends[count - 1] - nodes
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    return starts, sizes


def generate_links(nodes: int, draws: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``draws`` raw links (source, target), repeated pairs and self-links included."""
    rng = np.random.default_rng(seed)
    starts, sizes = site_layout(nodes, rng)
    site = np.repeat(np.arange(starts.size), sizes)
    out_weight = (1 - rng.random(nodes)) ** (-1 / 1.5)
    out_weight[rng.random(nodes) < 0.2] = 0.0
    cumulative = np.cumsum(out_weight)
    src = np.searchsorted(cumulative, rng.random(draws) * cumulative[-1], side="right")
    in_weight = np.cumsum((1 - rng.random(nodes)) ** (-1 / 1.1))
    dst = np.searchsorted(in_weight, rng.random(draws) * in_weight[-1], side="right")
    internal = rng.random(draws) < 0.75
    home = site[src[internal]]
    offset = np.floor(sizes[home] * rng.random(home.size) ** 2).astype(np.int64)
    dst[internal] = starts[home] + offset
    return src.astype(np.int64), dst.astype(np.int64)


# -- contenders ------------------------------------------------------------------------------


def run_linkatlas(
    matrix: sp.csr_matrix, tol: float, method: Method = "auto", extrapolate: bool = True
) -> tuple[Scores, int]:
    result = compute_pagerank(matrix, tol=tol, method=method, extrapolate=extrapolate)
    return result.scores, result.iterations


def link_setup(matrix: sp.csr_matrix) -> None:
    """What LinkAtlas does before its first pass: out-degrees, transpose (counting sort) into
    the loops' order (dangling nodes last)."""
    pool = Pool(thread_count(None, matrix.nnz))
    try:
        read_links(matrix, load_kernels(), pool)
    finally:
        pool.close()


def scipy_power(matrix: sp.csr_matrix, tol: float, threads: int = 2) -> tuple[Scores, int]:
    """The previous core's method: power iteration on the CSR of d·Pᵀ with scipy's kernel.

    Rows split by non-zeros over ``threads``; each thread fills its slice of the result with
    the teleport term and lets ``csr_matvec`` (which releases the GIL) add its rows' products.
    """
    from scipy.sparse._sparsetools import csr_matvec

    d, n = 0.85, matrix.shape[0]
    scaled, dangling = transition_matrix(matrix, d)
    indptr = scaled.indptr
    cuts = np.searchsorted(indptr, np.linspace(0, scaled.nnz, threads + 1)[1:-1])
    blocks = []
    for lo, hi in itertools.pairwise([0, *(int(c) for c in cuts), n]):
        a, b = int(indptr[lo]), int(indptr[hi])
        rows = (indptr[lo : hi + 1] - a, scaled.indices[a:b], scaled.data[a:b])
        blocks.append((lo, hi, rows))
    x, y = np.full(n, 1.0 / n), np.empty(n)

    def multiply(x: Scores, y: Scores, lo: int, hi: int, rows: Any, base: float) -> float:
        part = y[lo:hi]
        part.fill(base)
        csr_matvec(hi - lo, n, *rows, x, part)
        return float(np.abs(part - x[lo:hi]).sum())

    with ThreadPoolExecutor(threads) as pool:
        for iteration in range(1, 10_000):
            base = ((1 - d) + d * x[dangling].sum()) / n
            jobs = [pool.submit(multiply, x, y, *block, base) for block in blocks]
            delta = sum(job.result() for job in jobs)
            x, y = y, x
            if delta < tol:
                return x, iteration
    raise RuntimeError("scipy power iteration did not converge")


def prepare_igraph(matrix: sp.csr_matrix, tol: float) -> Callable[[], Scores] | None:
    try:
        import igraph
    except ImportError:
        return None
    coo = matrix.tocoo()
    graph = igraph.Graph(
        n=matrix.shape[0], edges=np.column_stack([coo.row, coo.col]), directed=True
    )
    return lambda: np.array(graph.pagerank(damping=0.85, implementation="prpack"))


def prepare_networkx(matrix: sp.csr_matrix, tol: float) -> Callable[[], Scores] | None:
    try:
        import networkx
    except ImportError:
        return None
    n = matrix.shape[0]
    coo = matrix.tocoo()
    graph = networkx.DiGraph()
    graph.add_nodes_from(range(n))
    graph.add_edges_from(zip(coo.row.tolist(), coo.col.tolist(), strict=True))

    def run() -> Scores:
        ranks = networkx.pagerank(graph, alpha=0.85, tol=tol / n, max_iter=10_000)
        return np.array([ranks[i] for i in range(n)])

    return run


def prepare_sknetwork(matrix: sp.csr_matrix, tol: float) -> Callable[[], Scores] | None:
    try:
        from sknetwork.ranking import PageRank
    except ImportError:
        return None
    ranker = PageRank(damping_factor=0.85, solver="piteration", n_iter=10_000, tol=tol)
    return lambda: np.asarray(ranker.fit_predict(matrix))


def prepare_networkit(matrix: sp.csr_matrix, tol: float) -> Callable[[], Scores] | None:
    try:
        import networkit
    except ImportError:
        return None
    coo = matrix.tocoo()
    graph = networkit.Graph(matrix.shape[0], directed=True)
    graph.addEdges((coo.row.astype(np.uint64), coo.col.astype(np.uint64)))
    centrality = networkit.centrality

    def run() -> Scores:
        ranker = centrality.PageRank(
            graph, damp=0.85, tol=tol, distributeSinks=centrality.SinkHandling.DistributeSinks
        )
        ranker.norm = centrality.Norm.L1_NORM
        ranker.run()
        return np.array(ranker.scores())

    return run


PEERS: dict[str, tuple[Callable[[sp.csr_matrix, float], Callable[[], Scores] | None], str]] = {
    "igraph": (prepare_igraph, "Graph.pagerank, PRPACK (its own fixed tolerance)"),
    "networkit": (prepare_networkit, "centrality.PageRank, L1 norm, DistributeSinks"),
    "scikit-network": (prepare_sknetwork, "ranking.PageRank, power iteration"),
    "networkx": (prepare_networkx, "pagerank (scipy inside), tol / n per node"),
}


# -- measurements ----------------------------------------------------------------------------


def timed(run: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Median seconds of ``repeat`` runs after a warm-up (a single run when repeat is 1)."""
    result = run() if repeat > 1 else None
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - began)
    return statistics.median(times), result


def read_bandwidth(threads: int = 2, megabytes: int = 512) -> float:
    """GB/s of summing a large array, split over ``threads`` threads (numpy releases the GIL)."""
    data = np.ones(megabytes * 1024 * 1024 // 8)
    parts = np.array_split(data, threads)

    def once() -> None:
        workers = [threading.Thread(target=part.sum) for part in parts]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()

    seconds, _ = timed(once, 5)
    return data.nbytes / seconds / 1e9


def iteration_bytes(matrix: sp.csr_matrix) -> int:
    """Bytes one LinkAtlas step must move at least on an unweighted graph.

    The link structure once (column indices and pointers; no values: every weight is 1),
    x, z = d·x/out-degree and the out-degree factors read, y and the next z written (the
    dangling nodes are the last ones: no flags to read).
    """
    n = matrix.shape[0]
    return matrix.nnz * matrix.indices.itemsize + (n + 1) * matrix.indices.itemsize + 40 * n


def csr_bytes(matrix: sp.csr_matrix) -> int:
    return int(matrix.data.nbytes + matrix.indices.nbytes + matrix.indptr.nbytes)


def peak_memory(matrix: sp.csr_matrix, tol: float) -> int:
    """Peak bytes allocated (tracemalloc: numpy arrays included) by one LinkAtlas call."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    compute_pagerank(matrix, tol=tol)
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    return int(peak)


def timed_rounds(runs: dict[str, Callable[[], Any]], repeat: int) -> dict[str, tuple[float, Any]]:
    """Median seconds of each run over ``repeat`` rounds, after one warm-up run of each.

    Every round runs every contender once (the order rotating from round to round), so a
    load that comes and goes on the machine falls on all of them alike.
    """
    results = {name: run() for name, run in runs.items()}
    times: dict[str, list[float]] = {name: [] for name in runs}
    names = list(runs)
    for round_ in range(repeat):
        shift = round_ % len(names)
        for name in names[shift:] + names[:shift]:
            began = time.perf_counter()
            runs[name]()
            times[name].append(time.perf_counter() - began)
    return {name: (statistics.median(times[name]), results[name]) for name in runs}


def bench_core(args: argparse.Namespace) -> dict[str, Any]:
    began = time.perf_counter()
    matrix = generate_graph(args.nodes, args.edges, args.seed)
    n = matrix.shape[0]
    dangling = int((np.diff(matrix.indptr) == 0).sum())
    log(f"graph: {n:,} nodes, {matrix.nnz:,} edges, {dangling:,} dangling "
        f"({time.perf_counter() - began:.1f} s to generate)")  # fmt: skip
    exact = compute_pagerank(matrix, tol=1e-14, max_iter=10_000).scores
    contenders: dict[str, tuple[Callable[[], Any], str]] = {
        "linkatlas": (lambda: run_linkatlas(matrix, args.tol),
                      "linkatlas.pagerank: default method (power if tol >= 1e-7, else sweeps)"),
        "linkatlas power": (lambda: run_linkatlas(matrix, args.tol, "power"),
                            "same core, method='power': power steps, extrapolated"),
        "linkatlas plain": (lambda: run_linkatlas(matrix, args.tol, "power", extrapolate=False),
                            "same core, plain power iteration"),
        "scipy power (previous core)": (lambda: scipy_power(matrix, args.tol),
                                        "scipy csr_matvec, 2 threads: the previous core's method"),
    }  # fmt: skip
    slow: dict[str, tuple[Callable[[], Any], str]] = {}
    for name, (prepare, what) in PEERS.items():
        if name in args.skip:
            continue
        log(f"{name}: building its graph")
        run = prepare(matrix, args.tol)
        if run is None:
            log(f"{name}: not installed (pip install -e '.[bench]'), skipped")
            continue
        (slow if name == "networkx" else contenders)[name] = (run, what)
    runs = {name: run for name, (run, _) in contenders.items() if name not in args.skip}
    log(f"timing {', '.join(runs)}: {args.repeat} interleaved rounds")
    measured = timed_rounds({**runs, "setup": lambda: link_setup(matrix)}, args.repeat)
    for name, (run, _) in slow.items():
        log(f"{name}: one run")
        measured[name] = timed(run, 1)
    setup = measured.pop("setup")[0]
    seconds, (ours, iterations) = measured["linkatlas"]
    rows = []
    for name, (peer_seconds, result) in measured.items():
        scores, steps = result if isinstance(result, tuple) else (result, None)
        what = contenders[name][1] if name in contenders else slow[name][1]
        rows.append({
            "contender": name,
            "seconds": peer_seconds,
            "max_abs_diff": float(np.abs(scores - ours).max()),
            "l1_to_exact": float(np.abs(scores - exact).sum()),
            "runs": 1 if name in slow else args.repeat,
            "what": what if steps is None else f"{what}, {steps} passes",
        })  # fmt: skip
        log(f"{name}: {peer_seconds:.3f} s, L1 to exact {rows[-1]['l1_to_exact']:.1e}")
    per_iteration = (seconds - setup) / iterations
    bandwidth = read_bandwidth()
    bound = iteration_bytes(matrix) / (bandwidth * 1e9)
    return {
        "nodes": n,
        "edges": int(matrix.nnz),
        "dangling": dangling,
        "tol": args.tol,
        "iterations": iterations,
        "setup_seconds": setup,
        "ms_per_iteration": per_iteration * 1e3,
        "read_bandwidth_gb_s": bandwidth,
        "bound_ms_per_iteration": bound * 1e3,
        "csr_bytes": csr_bytes(matrix),
        "peak_bytes": peak_memory(matrix, args.tol),
        "contenders": rows,
    }


# -- the store benchmark: `linkatlas rank` on a store of --links link rows ---------------------


def build_store(path: Path, links: int, seed: int) -> dict[str, int]:
    """A store with ``links`` link rows written by SQL (see the module docstring)."""
    import pyarrow as pa

    from linkatlas.ids import snapshot_id, stable_id
    from linkatlas.store.connection import open_store

    nodes = max(1000, links // 10)
    rng = np.random.default_rng(seed)
    starts, sizes = site_layout(nodes, rng)
    site = np.repeat(np.arange(starts.size), sizes)
    offset = np.arange(nodes) - starts[site]
    src, dst = generate_links(nodes, links, seed)
    crawled = np.zeros(nodes, dtype=bool)
    crawled[src] = True
    domains = [f"site{i}.example" for i in range(starts.size)]
    urls = [
        f"https://www.{domains[s]}/p{o}"
        for s, o in zip(site.tolist(), offset.tolist(), strict=True)
    ]
    domain_ids = np.array([stable_id(d) for d in domains], dtype=np.int64)
    host_ids = np.array([stable_id("www." + d) for d in domains], dtype=np.int64)
    url_ids = np.array([stable_id(u) for u in urls], dtype=np.int64)
    sid = snapshot_id("bench")
    tables = {
        "b_domains": pa.table({"domain_id": domain_ids, "domain": domains}),
        "b_urls": pa.table(
            {
                "url_id": url_ids,
                "url": urls,
                "host_id": host_ids[site],
                "domain_id": domain_ids[site],
                "crawled": crawled,
                "i": np.arange(nodes, dtype=np.int64),
            }
        ),
        "b_links": pa.table(
            {
                "k": np.arange(src.size, dtype=np.int64),
                "s": src,
                "t": dst,
                "nofollow": rng.random(src.size) < 0.1,
            }
        ),
    }
    with open_store(path, create=True) as con:
        for name, table in tables.items():
            con.register(name, table)
        _fill_store(con, sid)
        for name in tables:
            con.unregister(name)
    return {
        "links": int(src.size),
        "urls": nodes,
        "pages": int(crawled.sum()),
        "domains": len(domains),
        "bytes": path.stat().st_size,
    }


def _fill_store(con: Any, sid: int) -> None:
    con.execute(f"INSERT INTO snapshots VALUES ({sid}, 'bench', DATE '2026-01-01', now())")
    con.execute("INSERT INTO domains SELECT domain_id, domain FROM b_domains")
    con.execute(
        "INSERT INTO hosts SELECT DISTINCT host_id, 'www.' || d.domain, u.domain_id "
        "FROM b_urls u JOIN b_domains d USING (domain_id)"
    )
    con.execute("INSERT INTO urls SELECT url_id, url, host_id, domain_id FROM b_urls")
    con.execute(
        f"""INSERT INTO pages SELECT {sid}, url_id, host_id, domain_id, TIMESTAMP '2026-01-01',
                200, 'text/html', NULL, NULL, false, false, NULL, 0, NULL, 'bench'
            FROM b_urls WHERE crawled"""
    )
    con.execute(
        f"""INSERT INTO links
            SELECT {sid}, l.k, su.url_id, su.host_id,
                   su.domain_id, tu.url_id, tu.host_id, tu.domain_id, TIMESTAMP '2026-01-01',
                   0, 'a', 'anchor', CASE WHEN l.nofollow THEN 'nofollow' ELSE '' END,
                   l.nofollow, false, false, false, 'main', su.domain_id = tu.domain_id
            FROM b_links l JOIN b_urls su ON su.i = l.s JOIN b_urls tu ON tu.i = l.t
            ORDER BY tu.domain_id"""
    )


RANK_AND_REPORT_RSS = """
import atexit, sys
from linkatlas.cli.app import main
def peak():  # this process's own high-water mark (a fork's copy of the parent is not counted)
    status = open("/proc/self/status").read()
    sys.stderr.write("VmHWM:" + status.split("VmHWM:", 1)[1].split("\\n", 1)[0] + "\\n")
atexit.register(peak)
main(["rank", "--db", sys.argv[1], "--json"])
"""
"""``linkatlas rank --json`` in a child that reports its peak RSS (VmHWM) on stderr at exit."""


def bench_store(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="linkatlas-bench-") as folder:
        db = Path(folder) / "atlas.duckdb"
        began = time.perf_counter()
        facts = build_store(db, args.links, args.seed)
        took = time.perf_counter() - began
        log(f"store: {facts['links']:,} links, {facts['pages']:,} pages ({took:.0f} s to write)")
        command = [sys.executable, "-c", RANK_AND_REPORT_RSS, str(db)]
        began = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        wall = time.perf_counter() - began
        rss = int(done.stderr.rsplit("VmHWM:", 1)[1].split()[0]) * 1024
    report = json.loads(done.stdout)
    log(
        f"linkatlas rank: {wall:.1f} s wall, peak RSS {rss / 1e9:.2f} GB, steps {report['seconds']}"
    )
    return {**facts, "wall_seconds": wall, "peak_rss_bytes": rss, "rank": report}


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def print_table(core: dict[str, Any]) -> None:
    ours = core["contenders"][0]["seconds"]
    print(
        f"\n{core['nodes']:,} nodes, {core['edges']:,} edges, tol {core['tol']:g}, "
        f"{core['iterations']} iterations, {os.cpu_count()} cores"
    )
    print(
        "| contender | seconds (median) | LinkAtlas faster by | max abs diff | L1 to exact | what |"
    )
    print("|---|---:|---:|---:|---:|---|")
    for row in core["contenders"]:
        ratio = row["seconds"] / ours
        diffs = f"{row['max_abs_diff']:.1e}", f"{row['l1_to_exact']:.1e}"
        cells = (row["contender"], f"{row['seconds']:.3f}", f"{ratio:.1f}x", *diffs, row["what"])
        print("| " + " | ".join(cells) + " |")
    bound = core["bound_ms_per_iteration"]
    bandwidth = core["read_bandwidth_gb_s"]
    print(
        f"\nper pass over the links: {core['ms_per_iteration']:.1f} ms; memory-bandwidth bound "
        f"{bound:.1f} ms ({bandwidth:.1f} GB/s read, 2 threads); "
        f"setup (transpose, out-degrees) {core['setup_seconds'] * 1e3:.0f} ms"
    )
    peak, matrix = core["peak_bytes"], core["csr_bytes"]
    print(
        f"peak memory of the call: {peak / 1e6:.0f} MB = {peak / matrix:.2f}x the CSR matrix "
        f"({matrix / 1e6:.0f} MB)"
    )


def print_store(store: dict[str, Any]) -> None:
    rss = store["peak_rss_bytes"] / 1e9
    print(
        f"\nlinkatlas rank on {store['links']:,} links: {store['wall_seconds']:.1f} s wall, "
        f"peak RSS {rss:.2f} GB; steps {store['rank']['seconds']}"
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="100k nodes, ~1M edges, no store")
    parser.add_argument("--nodes", type=int, default=1_000_000)
    parser.add_argument("--edges", type=int, default=10_000_000)
    parser.add_argument("--links", type=int, default=10_000_000, help="link rows of the store")
    parser.add_argument("--tol", type=float, default=1e-10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip", default="", help="comma-separated contenders to leave out")
    parser.add_argument(
        "--core", action=argparse.BooleanOptionalAction, default=True, help="PageRank comparison"
    )
    parser.add_argument("--store", action=argparse.BooleanOptionalAction, default=None)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if args.small:
        args.nodes, args.edges, args.links = 100_000, 1_000_000, 1_000_000
    if args.store is None:
        args.store = not args.small
    args.skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    figures: dict[str, Any] = {}
    if args.core:
        figures["core"] = bench_core(args)
    if args.store:
        figures["store"] = bench_store(args)
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    if args.core:
        print_table(figures["core"])
    if args.store:
        print_store(figures["store"])


if __name__ == "__main__":
    main()
