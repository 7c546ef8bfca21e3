"""The PageRank core against published cases (networkx's tests, the hollins.edu crawl)."""

from __future__ import annotations

import json
import sys
from typing import Any

import numpy as np
import pytest
import scipy.sparse as sp

import linkatlas
from linkatlas.errors import InputError
from linkatlas.rank.graph import build_graph
from linkatlas.rank.links import Links, read_links
from linkatlas.rank.pagerank import (
    compute_pagerank,
    load_kernels,
    load_kernels_in_background,
    pagerank,
    transition_matrix,
)
from linkatlas.rank.pool import Pool
from linkatlas.rank.scale import has_trust_gap, histogram, rating, trust_rating
from linkatlas.rank.trust import compute_trust
from tests.conftest import shared_file


def load_cases() -> list[dict[str, Any]]:
    path = shared_file("graphs/networkx_pagerank_hits_cases.json")
    cases: list[dict[str, Any]] = json.loads(path.read_text())["cases"]
    return cases


def case_graph(case: dict[str, Any]) -> tuple[list[str], sp.csr_matrix]:
    """Nodes (named as networkx prints them: repr) and the weighted adjacency of a case."""
    names: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    for a, b in case["edges"]:
        i = names.setdefault(repr(a), len(names))
        j = names.setdefault(repr(b), len(names))
        pairs = [(i, j)] if case["directed"] else [(i, j), (j, i)]
        for r, c in pairs:
            rows.append(r)
            cols.append(c)
    n = len(names)
    matrix = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    if not case.get("multigraph"):
        matrix.data[:] = 1.0  # a simple graph: a repeated pair is one edge
    return list(names), matrix


def named_vector(names: list[str], values: dict[str, float] | None) -> np.ndarray | None:
    if values is None:
        return None
    return np.array([float(values.get(name, 0.0)) for name in names])


def case_id(case: dict[str, Any]) -> str:
    return str(case["name"])


@pytest.mark.parametrize("index", range(8))
def test_networkx_published_cases(index: int) -> None:
    cases = load_cases()
    assert len(cases) == 8
    case = cases[index]
    names, matrix = case_graph(case)
    params = case.get("params", {})
    kwargs: dict[str, Any] = {
        "damping": params.get("alpha", 0.85),
        "personalization": named_vector(names, params.get("personalization")),
        "dangling": named_vector(names, params.get("dangling")),
    }
    if "expected_error" in case:
        with pytest.raises(InputError, match="sums to 0"):
            pagerank(matrix, **kwargs)
        return
    scores = pagerank(matrix, **kwargs)
    expected = case["expected"]
    assert sorted(expected) == sorted(names)
    for name, value in expected.items():
        assert scores[names.index(name)] == pytest.approx(value, abs=1e-4), (case["name"], name)
    if names:
        assert scores.sum() == pytest.approx(1.0, abs=1e-12)


def hollins() -> tuple[sp.csr_matrix, np.ndarray]:
    folder = "graphs/hollins/"
    edges = np.loadtxt(shared_file(folder + "hollins-edges.dat"), skiprows=1, dtype=np.int64) - 1
    n = 6012
    matrix = sp.csr_matrix((np.ones(len(edges)), (edges[:, 0], edges[:, 1])), shape=(n, n))
    reference = np.zeros(n)
    for line in shared_file(folder + "hollins-reference-ranks.tsv").read_text().splitlines():
        if line and not line.startswith("#"):
            fields = line.split("\t")
            reference[int(fields[1]) - 1] = float(fields[3])
    return matrix, reference


def test_hollins_reference_ranks() -> None:
    matrix, reference = hollins()
    assert matrix.nnz == 23875 and reference.sum() == pytest.approx(1.0, abs=1e-9)
    result = compute_pagerank(matrix, tol=1e-12)
    assert result.converged
    assert np.abs(result.scores - reference).sum() < 1e-6
    assert int(np.argmax(result.scores)) == 1  # node 2: http://www.hollins.edu/


def test_public_api_is_the_core() -> None:
    matrix, reference = hollins()
    scores = linkatlas.pagerank(matrix)
    assert "pagerank" in linkatlas.__all__
    assert np.abs(scores - reference).sum() < 1e-6


def random_graph(n: int, m: int, seed: int) -> sp.csr_matrix:
    rng = np.random.default_rng(seed)
    matrix = sp.csr_matrix(
        (rng.random(m) + 0.1, (rng.integers(0, n, m), rng.integers(0, n // 2, m))), shape=(n, n)
    )
    return matrix  # nodes n/2.. receive no links; many are dangling too


def test_threads_formats_and_fixed_point() -> None:
    matrix = random_graph(3000, 400_000, seed=3)
    one = compute_pagerank(matrix, threads=1)
    two = compute_pagerank(matrix.tocsc(), threads=2)
    coo = compute_pagerank(matrix.tocoo(), threads=3)
    assert one.iterations == two.iterations == coo.iterations
    # Sums are added per chunk of rows in chunk order: the same bits whatever the threads.
    assert np.array_equal(one.scores, two.scores) and np.array_equal(one.scores, coo.scores)
    # The scores are the fixed point: each is its teleport/dangling share plus its in-links' shares.
    d = 0.85
    out = np.asarray(matrix.sum(axis=1)).ravel()
    dangling_mass = one.scores[out == 0].sum()
    rebuilt = (
        (1 - d) / 3000 + d * dangling_mass / 3000 + transition_matrix(matrix, d)[0] @ one.scores
    )
    assert np.abs(rebuilt - one.scores).sum() < 1e-9


def site_graph(n: int, seed: int) -> sp.csr_matrix:
    """Sites of 40 pages, 10 links a page, 9 of 10 inside the site: a slowly mixing graph."""
    rng = np.random.default_rng(seed)
    sources = np.repeat(np.arange(n), 10)
    inside = sources - sources % 40 + rng.integers(0, 40, sources.size)
    targets = np.where(rng.random(sources.size) < 0.9, inside, rng.integers(0, n, sources.size))
    matrix = sp.csr_matrix((np.ones(sources.size), (sources, targets)), shape=(n, n))
    matrix.sum_duplicates()
    matrix.data[:] = 1.0
    return matrix


def test_sweeps_give_the_same_bits_whatever_the_threads() -> None:
    matrix = site_graph(50_000, seed=11)  # 13 chunks of rows, 2 sweep blocks
    results = [compute_pagerank(matrix, threads=threads) for threads in (1, 2, 3)]
    plain = compute_pagerank(matrix, method="power", extrapolate=False)
    assert results[0].iterations < 0.7 * plain.iterations  # sweeps were made
    for result in results[1:]:
        assert result.iterations == results[0].iterations
        assert np.array_equal(result.scores, results[0].scores)
    assert np.abs(results[0].scores - plain.scores).sum() < 1e-9


def with_dangling_nodes(matrix: sp.csr_matrix, share: float, seed: int) -> sp.csr_matrix:
    """``matrix`` with about ``share`` of its rows emptied: dangling nodes among the others."""
    rng = np.random.default_rng(seed)
    keep = np.repeat(rng.random(matrix.shape[0]) >= share, np.diff(matrix.indptr))
    emptied = matrix.copy()
    emptied.data[~keep] = 0.0
    emptied.eliminate_zeros()
    return emptied


def loops_see(links: Links) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    order = np.arange(links.n) if links.order is None else np.asarray(links.order)
    return links.indptr, links.indices, links.out_weight, order


@pytest.mark.parametrize("threads", [1, 2, 3])
@pytest.mark.parametrize("weighted", [False, True])
def test_csr_input_is_transposed_as_scipy_does(threads: int, weighted: bool) -> None:
    matrix = with_dangling_nodes(random_graph(3000, 400_000, seed=7), 0.2, seed=8)
    matrix.sum_duplicates()
    if weighted:
        matrix.data[matrix.indptr[5] : matrix.indptr[6]] = 0.0  # stored zeros: node 5 dangles
    else:
        matrix.data[:] = 2.0  # all equal: no value array, out-weights count the links
    out_weight = matrix.sum(axis=1).A1
    live = out_weight > 0
    # The loops' order: the nodes with out-links first, then the dangling ones, each in order.
    order = np.concatenate([np.flatnonzero(live), np.flatnonzero(~live)])
    expected = matrix[order][:, order].tocsc()
    pool = Pool(threads)
    try:
        links = read_links(matrix, load_kernels(), pool)
        from_csc = read_links(matrix.tocsc(), load_kernels(), pool)
    finally:
        pool.close()
    assert links.weighted is weighted
    assert links.active == int(live.sum()) < 3000 and links.order is not None
    assert np.array_equal(links.order, order)
    assert np.array_equal(links.indptr, expected.indptr)
    if weighted:  # node 5's stored zeros stay, in input row order: compare sorted columns
        got = sp.csc_matrix((links.data, links.indices, links.indptr), shape=matrix.shape)
        got.sort_indices()
        assert np.array_equal(got.indices, expected.indices)
        assert np.array_equal(got.data, expected.data)
        np.testing.assert_allclose(links.out_weight, out_weight[order], rtol=1e-12)
    else:
        assert np.array_equal(links.indices, expected.indices)
        assert links.data.size == 0
        assert np.array_equal(links.out_weight, np.diff(matrix.indptr)[order].astype(np.float64))
    # A CSC input whose dangling nodes are not last is copied in the same order.
    for mine, theirs in zip(loops_see(links), loops_see(from_csc), strict=True):
        assert np.array_equal(mine, theirs)
    scores = np.arange(3000.0)
    assert np.array_equal(links.to_input_order(links.to_loop_order(scores)), scores)


def test_inputs_in_the_loops_order_are_not_copied() -> None:
    matrix = site_graph(20_000, seed=2)[:, :30_000]  # nodes 20,000.. dangle: already last
    matrix.resize((30_000, 30_000))
    csc = matrix.tocsc()
    pool = Pool(2)
    try:
        links = read_links(csc, load_kernels(), pool)
    finally:
        pool.close()
    assert links.order is None and links.active == 20_000
    assert np.shares_memory(links.indices, csc.indices)


def test_dangling_nodes_left_out_of_the_sweeps_change_nothing() -> None:
    big = with_dangling_nodes(site_graph(50_000, seed=11), 0.2, seed=12)  # 2 sweep blocks
    small = with_dangling_nodes(site_graph(4000, seed=13), 0.2, seed=14)
    d, tol = 0.85, 1e-10
    for matrix in (big, small):
        n = matrix.shape[0]
        seeds = np.zeros(n)
        seeds[[4, 900, n - 7]] = 1.0
        for vector in (None, seeds):
            results = [
                compute_pagerank(form, personalization=vector, threads=threads)
                for form, threads in ((matrix, 1), (matrix, 2), (matrix.tocsc(), 3))
            ]
            for result in results[1:]:
                assert result.iterations == results[0].iterations
                assert np.array_equal(result.scores, results[0].scores)
            plain = compute_pagerank(
                matrix, personalization=vector, method="power", extrapolate=False
            )
            assert results[0].iterations < 0.7 * plain.iterations  # sweeps were made
            if matrix is small:  # a direct solve is quick at this size only
                teleport = np.full(n, 1.0 / n) if vector is None else vector / vector.sum()
                exact = exact_pagerank(matrix, d, teleport)
                assert np.abs(results[0].scores - exact).sum() < d * tol / (1 - d) + 1e-13


def test_kernels_load_in_background() -> None:
    thread = load_kernels_in_background()  # None when an earlier test loaded them already
    if thread is not None:
        thread.join()
    assert "linkatlas.rank._kernels" in sys.modules
    assert load_kernels_in_background() is None


def plain_power_iteration(matrix: sp.csr_matrix, tol: float) -> tuple[np.ndarray, int]:
    """The documented criterion, written out: power steps from uniform until ‖x' - x‖₁ < tol."""
    d, n = 0.85, matrix.shape[0]
    scaled, dangling = transition_matrix(matrix, d)
    x = np.full(n, 1.0 / n)
    for iteration in range(1, 10_000):
        y = scaled @ x + ((1 - d) + d * x[dangling].sum()) / n
        delta = np.abs(y - x).sum()
        x = y
        if delta < tol:
            return x, iteration
    raise AssertionError("no convergence")


@pytest.mark.parametrize("personalized", [False, True])
def test_every_method_meets_the_power_iteration_criterion(personalized: bool) -> None:
    matrix, _ = hollins()
    tol, d, n = 1e-10, 0.85, matrix.shape[0]
    seeds = np.zeros(n)
    seeds[[1, 5, 40]] = 1.0
    vector = seeds if personalized else None
    if not personalized:  # plain power iteration is the documented criterion, step for step
        expected, steps = plain_power_iteration(matrix, tol)
        plain = compute_pagerank(matrix, tol=tol, method="power", extrapolate=False)
        assert plain.iterations == steps
        np.testing.assert_allclose(plain.scores, expected, rtol=0, atol=1e-16)
    exact = compute_pagerank(matrix, personalization=vector, tol=1e-15).scores
    passes = {}
    for method in ("gauss-seidel", "power"):
        for extrapolate in (True, False):
            result = compute_pagerank(
                matrix, personalization=vector, tol=tol, method=method, extrapolate=extrapolate
            )
            assert result.converged and result.delta < tol
            # The result is T(x) with ‖T(x) - x‖₁ < tol: within d·tol/(1-d) of the fixed point.
            assert np.abs(result.scores - exact).sum() < d * tol / (1 - d) + 1e-14
            assert result.scores.sum() == pytest.approx(1.0, abs=1e-12)
            passes[method, extrapolate] = result.iterations
    # Fewer passes over the links: 111 power steps, 66 extrapolated; 67 and 42 with sweeps.
    assert passes["power", True] < 0.7 * passes["power", False]
    assert passes["gauss-seidel", True] < 0.7 * passes["gauss-seidel", False]
    assert passes["gauss-seidel", True] < 0.5 * passes["power", False]


def test_well_mixed_graphs_keep_to_power_steps() -> None:
    # Each power step cuts the change by 12x here: sweeps would not help, so none is made.
    matrix = random_graph(3000, 400_000, seed=3)
    default = compute_pagerank(matrix)
    plain = compute_pagerank(matrix, method="power", extrapolate=False)
    assert default.iterations == plain.iterations
    assert np.array_equal(default.scores, plain.scores)


def test_equal_weights_need_no_values_and_zero_weights_dangle() -> None:
    matrix, _ = hollins()
    doubled = matrix * 2.0
    assert np.array_equal(pagerank(matrix), pagerank(doubled))
    # 0 → 1 (weight 1), 1 → 2 (stored weight 0): node 1 passes nothing on, so it dangles.
    zeros = sp.csr_matrix(([1.0, 0.0], ([0, 1], [1, 2])), shape=(3, 3))
    same = sp.csr_matrix(([1.0], ([0], [1])), shape=(3, 3))
    np.testing.assert_allclose(pagerank(zeros), pagerank(same), rtol=0, atol=1e-15)


@pytest.mark.parametrize("form", [sp.csr_matrix, sp.csc_matrix])
def test_out_of_range_structure_is_an_input_error(form: Any) -> None:
    # scipy's constructors do not check index bounds; the compiled loops must not trust them.
    bad_index = form((np.ones(2), np.array([1, 7]), np.array([0, 1, 2, 2])), shape=(3, 3))
    with pytest.raises(InputError, match="outside"):
        pagerank(bad_index)
    bad_pointer = form((np.ones(2), np.array([1, 2]), np.array([0, 2, 1, 2])), shape=(3, 3))
    with pytest.raises(InputError, match="index pointer"):
        pagerank(bad_pointer)
    with pytest.raises(InputError, match="method"):
        compute_pagerank(sp.csr_matrix(np.eye(3)), method="jacobi")  # type: ignore[arg-type]


def test_weights_split_equity_in_proportion() -> None:
    # 0 links to 1 with weight 3 and to 2 with weight 1; 1 and 2 dangle.
    matrix = sp.csr_matrix(([3.0, 1.0], ([0, 0], [1, 2])), shape=(3, 3))
    scores = pagerank(matrix)
    base = scores[0]
    assert scores[1] - base == pytest.approx(3 * (scores[2] - base))


@pytest.mark.parametrize(
    ("make", "kwargs", "needle"),
    [
        (lambda: sp.csr_matrix((2, 3)), {}, "square"),
        (lambda: np.eye(3), {}, "scipy sparse"),
        (lambda: sp.csr_matrix(-np.eye(3)), {}, "not negative"),
        (lambda: sp.csc_matrix(np.diag([1.0, np.nan, 1.0])), {}, "finite"),
        (lambda: sp.csr_matrix(np.diag([1.0, 1.0, np.inf])), {}, "finite"),
        (lambda: sp.csr_matrix(np.eye(3)), {"damping": 1.0}, "damping"),
        (lambda: sp.csr_matrix(np.eye(3)), {"tol": 0.0}, "tol"),
        (lambda: sp.csr_matrix(np.eye(3)), {"personalization": [1, 2]}, "2 values for 3"),
        (lambda: sp.csr_matrix(np.eye(3)), {"dangling": [0, -1, 2]}, "not negative"),
    ],
)
def test_bad_arguments_are_input_errors(make: Any, kwargs: dict[str, Any], needle: str) -> None:
    with pytest.raises(InputError, match=needle):
        pagerank(make(), **kwargs)


def test_no_convergence_says_how_to_fix() -> None:
    matrix, _ = hollins()
    with pytest.raises(InputError, match="raise max_iter or tol"):
        pagerank(matrix, max_iter=3)
    assert not compute_pagerank(matrix, max_iter=3).converged


def test_build_graph_counts_and_orders() -> None:
    graph = build_graph(
        np.array([10, 20, 30, 40], dtype=np.int64), np.array([0, 0, 1, 3]), np.array([1, 2, 2, 0])
    )
    assert (graph.nodes, graph.edges) == (4, 4)
    assert graph.out_degree.tolist() == [2, 1, 0, 1]
    assert graph.in_degree.tolist() == [1, 1, 2, 0]
    assert graph.adjacency.toarray()[0].tolist() == [0, 1, 1, 0]
    with pytest.raises(InputError, match="node positions"):
        build_graph(np.array([1], dtype=np.int64), np.array([0]), np.array([1]))


def test_rating_scale_is_monotonic_and_anchored() -> None:
    matrix = random_graph(2000, 20_000, seed=5)
    scores = pagerank(matrix)
    ratings = rating(scores)
    order = np.argsort(scores, kind="stable")
    assert np.all(np.diff(ratings[order]) >= 0)
    assert ratings.max() == 100.0
    assert np.all(ratings[scores <= scores.min() * (1 + 1e-9)] == 0.0)
    assert sum(histogram(ratings)) == 2000
    assert rating(np.full(4, 0.25)).tolist() == [0.0] * 4


def test_trust_starts_at_the_seeds() -> None:
    # 0 → 1 → 2, and 3 → 4 on its own: only 0's side is reachable from seed 0.
    graph = build_graph(
        np.arange(5, dtype=np.int64) + 100, np.array([0, 1, 3]), np.array([1, 2, 4])
    )
    trust = compute_trust(graph, [100, 999])
    assert trust.seeds_used == 1
    scores = trust.result.scores
    assert scores[3] == scores[4] == 0.0 and scores[2] > 0
    ratings = trust_rating(scores)
    assert ratings[3] == 0.0 and ratings.max() == 100.0
    assert has_trust_gap(80.0, 10.0) is True and has_trust_gap(50.0, 40.0) is False
    assert has_trust_gap(50.0, None) is None
    with pytest.raises(InputError, match="none of the trust seeds"):
        compute_trust(graph, [999])


def exact_pagerank(matrix: sp.csr_matrix, d: float, teleport: np.ndarray) -> np.ndarray:
    """The fixed point by a direct sparse solve of ``y = d·Pᵀy + (1-d)·v``, then ``y / Σy``
    (the dangling mass goes where the teleport goes: it only scales the answer)."""
    import scipy.sparse.linalg as spla

    n = matrix.shape[0]
    out = np.asarray(matrix.sum(axis=1)).ravel()
    inverse = np.divide(1.0, out, out=np.zeros(n), where=out > 0)
    transposed = (sp.diags(inverse) @ matrix).T.tocsc()
    y = spla.spsolve((sp.identity(n, format="csc") - d * transposed).tocsc(), (1 - d) * teleport)
    return np.asarray(y / y.sum())


@pytest.mark.parametrize("tol", [1e-4, 1e-6, 1e-7, 1e-8, 1e-10])
@pytest.mark.parametrize("personalized", [False, True])
def test_each_method_meets_the_tolerance_against_the_exact_solution(
    tol: float, personalized: bool
) -> None:
    matrix = site_graph(4000, seed=5) + random_graph(4000, 2000, seed=6)  # dangling nodes too
    n, d = matrix.shape[0], 0.85
    teleport = np.full(n, 1.0 / n)
    if personalized:
        teleport = np.zeros(n)
        teleport[[3, 70, 2500]] = 1.0 / 3
    exact = exact_pagerank(matrix, d, teleport)
    vector = teleport if personalized else None
    results = {}
    for method in ("auto", "gauss-seidel", "power"):
        for extrapolate in (True, False):
            result = compute_pagerank(
                matrix, personalization=vector, tol=tol, method=method, extrapolate=extrapolate
            )
            assert result.converged and result.delta < tol
            # T(x) with ‖T(x) - x‖₁ < tol: within d·tol/(1-d) of the fixed point in L1.
            assert np.abs(result.scores - exact).sum() < d * tol / (1 - d) + 1e-13
            results[method, extrapolate] = result
    # "auto": power steps for a loose tolerance, the Gauss-Seidel schedule for a tight one.
    chosen = results["power" if tol >= 1e-7 else "gauss-seidel", True]
    assert results["auto", True].iterations == chosen.iterations
    assert np.array_equal(results["auto", True].scores, chosen.scores)
