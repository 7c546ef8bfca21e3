"""PageRank on a scipy sparse matrix: exact conventions, Gauss-Seidel, compiled loops.

The model (DESIGN.md, "Metrics"), for a graph of ``n`` nodes with weights ``w[i, j] >= 0``
(row ``i`` → column ``j`` is a link from ``i`` to ``j``)::

    T(x) = d · Pᵀ x  +  d · (Σ_{i dangling} x_i) · u  +  (1 - d) · v

``P`` is ``w`` with each row divided by its sum, a *dangling* node is one whose row sums to 0,
``v`` is the personalisation (uniform unless given) and ``u`` the dangling distribution (``v``
unless given). PageRank is the fixed point ``x = T(x)``; it sums to 1. These are networkx's
conventions, so its published cases and reference ranks are the tests (with networkx's
``tol`` being per node: ``tol_networkx · n`` here).

**Convergence**: the result is ``T(x)`` for an ``x`` whose L1 change ``‖T(x) - x‖₁`` is below
``tol``: the criterion of plain power iteration, which starts from the uniform vector (the
personalisation when given) and stops at the first step whose L1 change is below ``tol``.
As ``T`` shrinks L1 distances by ``d``, the result is within ``d · tol / (1 - d)`` of the
exact PageRank in L1 (5.7 · tol at d = 0.85), whatever led to ``x``.

**Method** (``method="gauss-seidel"``, the default): power steps while they converge fast;
once a step's L1 change is more than ``SWITCH_RATIO`` (0.45) of the last one's, the graph
mixes slowly and Gauss-Seidel sweeps take over. With the dangling mass going where the
teleport goes (``u = v``, always so in ``linkatlas rank``), the fixed point of ``T`` is
``y / Σy`` for the solution ``y`` of the linear system ``y = d · Pᵀ y + (1 - d) · v``: the
dangling term only scales the answer. The power iterate, scaled to that system, is the
sweeps' starting point. Backward sweeps: each node's new value is used at once by the
nodes after it in the sweep. The rows are cut into two fixed blocks, one per thread, each
sweeping over its own copy of the iterate, which the other block's new values reach at
the end of the sweep (Gauss-Seidel inside a block, Jacobi between them). When a sweep
changes ``y`` by less than ``tol · Σy`` in L1, one power step from ``y / Σy`` tests the
criterion above; its output is the result. With ``u ≠ v`` (a ``dangling`` argument) or
``method="power"``: power steps only, the last one the result.

Both are accelerated by *quadratic extrapolation* (Kamvar, Haveliwala, Manning & Golub,
"Extrapolation methods for accelerating PageRank computations", WWW 2003) at pass 10 and
every 5 passes after it (sweeps, or steps with ``method="power"``): from the last four
iterates a 2x2 least-squares solve cancels the two slowest-decaying error components. It
only moves the point the next pass starts from; if it ever makes the next change ten
times larger, it is off for the rest of the run. Measured (passes over the links to tol
1e-10; power, power extrapolated, sweeps, sweeps extrapolated): 1M-node benchmark graph
60, 40, 37, 27; the 10M-link benchmark store's page graph 90, 84, 49, 34, and its domain
graph 16 each (no sweeps: well mixed); hollins.edu 111, 66, 67, 42. The default's result
was never farther from the exact scores than plain power iteration's.

**Speed**: the graph is held as CSC (column ``j`` = the in-links of ``j``; a CSC input is
used without copying, a CSR one is transposed by a counting sort); a pass gathers
``z_i = d · x_i / out-weight_i`` over the in-links of each node, so an unweighted graph
(every stored weight equal) needs no value array at all. The loops are compiled by numba and
release the GIL: threads take blocks of rows, in chunks of 4,096 rows whose sums (L1
change, dangling mass) are added in chunk order, and the sweep's two blocks are fixed: the
scores are the same bits whatever the number of threads.
"""

from __future__ import annotations

import itertools
import logging
import math
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Literal

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

from linkatlas.errors import InputError

log = logging.getLogger(__name__)

Vector = NDArray[np.float64]
Method = Literal["gauss-seidel", "power"]
DEFAULT_DAMPING = 0.85
DEFAULT_TOL = 1e-10
DEFAULT_MAX_ITER = 1000
EXTRAPOLATE_FROM = 10
"""The pass at which quadratic extrapolation is first applied (then every 5 passes)."""
EXTRAPOLATE_EVERY = 5
SWITCH_RATIO = 0.45
"""Power steps give way to Gauss-Seidel sweeps once a step's L1 change is more than this
ratio of the last one's (measured: 0.05-0.35 on well-mixed graphs, where power steps win;
above 0.45 by the fourth step on web graphs, where sweeps take half as many passes)."""
_MIN_NNZ_PER_THREAD = 200_000
_GS_BLOCKS = 2
"""Row blocks of a Gauss-Seidel sweep (fixed, so the result does not depend on the threads)."""
_CHUNK_ROWS = 4096


@dataclass(frozen=True, slots=True)
class PageRankResult:
    scores: Vector
    """One score per node, summing to 1."""
    iterations: int
    """Passes over the links: sweeps and power steps (each reads every link once)."""
    converged: bool
    delta: float
    """The L1 change ``‖T(x) - x‖₁`` of the last power step (without convergence and with
    no power step yet: the last sweep's L1 change relative to ``Σy``)."""


def pagerank(
    adjacency: sp.spmatrix | sp.sparray,
    *,
    damping: float = DEFAULT_DAMPING,
    personalization: ArrayLike | None = None,
    dangling: ArrayLike | None = None,
    tol: float = DEFAULT_TOL,
    max_iter: int = DEFAULT_MAX_ITER,
) -> Vector:
    """PageRank of every node of ``adjacency`` (row i → column j = link i→j, values = weights).

    Raises :class:`~linkatlas.errors.InputError` for unusable arguments, or when the
    iteration does not converge to ``tol`` within ``max_iter`` passes over the links.
    """
    result = compute_pagerank(
        adjacency,
        damping=damping,
        personalization=personalization,
        dangling=dangling,
        tol=tol,
        max_iter=max_iter,
    )
    if not result.converged:
        raise InputError(
            f"PageRank did not converge to tol={tol:g} in {max_iter} iterations "
            f"(last L1 change {result.delta:.3g}): raise max_iter or tol"
        )
    return result.scores


def compute_pagerank(
    adjacency: sp.spmatrix | sp.sparray,
    *,
    damping: float = DEFAULT_DAMPING,
    personalization: ArrayLike | None = None,
    dangling: ArrayLike | None = None,
    tol: float = DEFAULT_TOL,
    max_iter: int = DEFAULT_MAX_ITER,
    threads: int | None = None,
    method: Method = "gauss-seidel",
    extrapolate: bool = True,
) -> PageRankResult:
    """PageRank with its pass count; see the module docstring for the model and the method.

    ``method="power", extrapolate=False`` is plain power iteration (the same criterion, more
    passes). A ``dangling`` distribution other than the personalisation always uses power
    steps (the Gauss-Seidel system holds only when the two are the same).
    """
    if method not in ("gauss-seidel", "power"):
        raise InputError(f"method={method!r}: give 'gauss-seidel' or 'power'")
    _check_parameters(damping, tol, max_iter)
    n = _check_square(adjacency)
    if n == 0:
        return PageRankResult(np.zeros(0), 0, True, 0.0)
    teleport = _distribution(personalization, n, "personalization")
    spill = teleport if dangling is None else _distribution(dangling, n, "dangling")
    kernels = _kernels()
    pool = _Pool(_thread_count(threads, int(adjacency.nnz)))
    try:
        links = _links(adjacency, kernels, pool)
        solver = _Solver(links, kernels, damping, teleport, spill, pool)
        if solver.mode == 2:
            method = "power"
        result = solver.run(tol, max_iter, method, extrapolate)
    finally:
        pool.close()
    if result.converged:
        log.debug("pagerank: n=%d nnz=%d converged in %d", n, links.nnz, result.iterations)
    else:
        log.warning("pagerank: no convergence to tol=%g in %d iterations", tol, max_iter)
    return result


def transition_matrix(
    adjacency: sp.spmatrix | sp.sparray, damping: float
) -> tuple[sp.csr_matrix, NDArray[np.int64]]:
    """CSR of ``damping · Pᵀ`` (row j holds the in-links of j) and the dangling nodes.

    Not used by the iteration (which never forms ``P``): for checks against the model.
    """
    csc = sp.csc_matrix(adjacency, dtype=np.float64)
    data = np.asarray(csc.data, dtype=np.float64)
    _check_weights(data)
    n = csc.shape[0]
    out_weight = np.bincount(csc.indices, weights=data, minlength=n)
    factor = np.zeros(n)
    np.divide(damping, out_weight, out=factor, where=out_weight > 0)
    scaled = data * factor.take(csc.indices)
    matrix = sp.csr_matrix((scaled, csc.indices, csc.indptr), shape=(n, n))
    return matrix, np.flatnonzero(out_weight == 0)


# -- the graph as the loops read it -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Links:
    """CSC arrays (unsigned views), weights (empty when all equal) and out-weights."""

    n: int
    indptr: NDArray[np.unsignedinteger]
    indices: NDArray[np.unsignedinteger]
    data: Vector
    weighted: bool
    out_weight: Vector

    @property
    def nnz(self) -> int:
        return int(self.indices.size)


def _kernels() -> ModuleType:
    from linkatlas.rank import _kernels as kernels  # numba: imported on first use

    return kernels


def _links(adjacency: sp.spmatrix | sp.sparray, kernels: ModuleType, pool: _Pool) -> _Links:
    """The CSC view of ``adjacency`` the loops need; InputError for unusable structure.

    A CSR input is transposed by a counting sort whose two passes (count the entries of each
    column, then place them) split the rows over the threads: the rows of the first part
    take the first slots of each column, so the result is the same whatever the threads.
    """
    matrix = adjacency if adjacency.format in ("csr", "csc") else sp.csc_matrix(adjacency)
    n = int(matrix.shape[0])
    indptr = _index_array(matrix.indptr)
    nnz = int(indptr[-1])
    if indptr[0] != 0 or nnz > matrix.indices.size or np.any(indptr[1:] < indptr[:-1]):
        raise InputError("adjacency has a malformed index pointer array")
    indices = _index_array(matrix.indices[:nnz])
    data, weighted = _weights(matrix.data[:nnz])
    if matrix.format == "csc":  # already the in-links by node: used as it is
        out_weight = np.zeros(n)  # one thread: faster than two partial sums here
        if not kernels.count_out(n, indices, data, weighted, 0, nnz, out_weight):
            raise InputError(f"adjacency has an index outside [0, {n})")
        return _Links(n, _unsigned(indptr), _unsigned(indices), data, weighted, out_weight)
    parts = _row_parts(indptr, pool.threads)
    big = n >= 2**31 - 1 or nnz >= 2**31 - 1
    index_type = np.dtype(np.int64 if big else np.int32)
    counts = [np.zeros(n, dtype=index_type) for _ in parts]
    checked = pool.map(
        lambda part: kernels.count_columns(
            n, indices, indptr[part[1][0]], indptr[part[1][1]], counts[part[0]]
        ),
        list(enumerate(parts)),
    )
    if not all(checked):
        raise InputError(f"adjacency has an index outside [0, {n})")
    out_indptr = np.zeros(n + 1, dtype=index_type)
    fills = []
    running = np.zeros(n, dtype=index_type)
    for count in counts:
        fills.append(running.copy())
        running += count
    np.cumsum(running, out=out_indptr[1:])
    for fill in fills:
        fill += out_indptr[:-1]
    out_indices = np.empty(nnz, dtype=index_type)
    out_data = np.empty(nnz if weighted else 0)
    out_weight = np.empty(n)
    pool.map(
        lambda part: kernels.scatter_rows(
            indptr, indices, data, weighted, *part[1], fills[part[0]], out_indices, out_data,
            out_weight,
        ),
        list(enumerate(parts)),
    )  # fmt: skip
    return _Links(n, _unsigned(out_indptr), _unsigned(out_indices), out_data, weighted, out_weight)


def _row_parts(indptr: NDArray[np.integer], parts: int) -> list[tuple[int, int]]:
    """Row ranges with about the same number of entries each."""
    n = indptr.size - 1
    if parts <= 1 or n <= 1:
        return [(0, n)]
    targets = np.linspace(0, int(indptr[-1]), parts + 1)[1:-1]
    cuts = sorted({0, n, *(int(c) for c in np.searchsorted(indptr, targets))})
    return list(itertools.pairwise(cuts))


class _Pool:
    """Runs a function over items on ``threads`` threads (or in this thread, with one)."""

    def __init__(self, threads: int) -> None:
        self.threads = threads
        self.executor = ThreadPoolExecutor(max_workers=threads) if threads > 1 else None

    def map(self, run: Callable[[Any], Any], items: Iterable[Any]) -> list[Any]:
        jobs = list(items)
        if self.executor is None or len(jobs) == 1:
            return [run(job) for job in jobs]
        return list(self.executor.map(run, jobs))

    def close(self) -> None:
        if self.executor is not None:
            self.executor.shutdown()


def _index_array(values: NDArray[np.integer]) -> NDArray[np.int32] | NDArray[np.int64]:
    array = np.ascontiguousarray(values)
    if array.dtype not in (np.int32, np.int64):
        array = array.astype(np.int64)
    return array


def _unsigned(values: NDArray[np.int32] | NDArray[np.int64]) -> NDArray[np.unsignedinteger]:
    """The same memory read as unsigned (checked not negative), so loops skip wrap-around."""
    return values.view(np.uint32 if values.dtype == np.int32 else np.uint64)


def _weights(values: NDArray[np.number]) -> tuple[Vector, bool]:
    """(weights, weighted): no array when every weight is the same positive number."""
    data = np.asarray(values)
    if data.size == 0:
        return np.zeros(0), False
    _check_weights(data)
    low, high = data.min(), data.max()
    if low == high and low > 0:
        return np.zeros(0), False
    return np.ascontiguousarray(data, dtype=np.float64), True


def _check_weights(data: NDArray[np.number]) -> None:
    if data.size and not (np.isfinite(data.min()) and data.min() >= 0 and np.isfinite(data.max())):
        raise InputError("link weights must be finite and not negative")


# -- the iteration ---------------------------------------------------------------------------


class _Solver:
    """Gauss-Seidel sweeps or power steps over ``links``; see the module docstring."""

    def __init__(
        self,
        links: _Links,
        kernels: ModuleType,
        damping: float,
        teleport: Vector | None,
        spill: Vector | None,
        pool: _Pool,
    ) -> None:
        self.links = links
        self.pool = pool
        self.kernels = kernels
        self.n = n = links.n
        self.damping = damping
        self.factor = np.zeros(n)
        np.divide(damping, links.out_weight, out=self.factor, where=links.out_weight > 0)
        self.dangling = links.out_weight == 0
        if teleport is None and spill is None:
            self.mode, self.teleport, self.spill = 0, np.zeros(0), np.zeros(0)
        elif spill is teleport and teleport is not None:
            self.mode, self.teleport, self.spill = 1, teleport, np.zeros(0)
        else:
            self.mode = 2
            self.teleport = np.full(n, 1.0 / n) if teleport is None else teleport
            self.spill = np.full(n, 1.0 / n) if spill is None else spill
        self.start = np.full(n, 1.0 / n) if teleport is None else teleport.copy()
        self.chunks = -(-n // _CHUNK_ROWS)
        self.partials = np.zeros((self.chunks, 5))
        self.blocks = _blocks(links, self.chunks, pool.threads)
        big = links.nnz >= _GS_BLOCKS * _MIN_NNZ_PER_THREAD
        self.sweep_blocks = _blocks(links, self.chunks, _GS_BLOCKS if big else 1)

    def run(self, tol: float, max_iter: int, method: Method, extrapolate: bool) -> PageRankResult:
        iterate = self._gauss_seidel if method == "gauss-seidel" else self._power
        return iterate(tol, max_iter, extrapolate)

    # -- the two methods

    def _gauss_seidel(self, tol: float, max_iter: int, extrapolate: bool) -> PageRankResult:
        """Power steps while they converge fast, then sweeps on the linear system.

        Each power step's L1 change is compared with the last one; once the ratio passes
        ``SWITCH_RATIO`` (a slowly mixing graph), the iterate ``x`` is scaled to the system
        ``y = d·Pᵀy + (1-d)·v`` (``y = x · (1-d) / (1 - d + d · dangling mass)``, exact at the
        fixed point) and Gauss-Seidel sweeps go on from there. With the dangling mass going
        where the teleport goes, ``T``'s fixed point is ``y / Σy`` for the system's solution:
        the dangling term only scales the answer. When a sweep changes ``y`` by less than
        ``tol·Σy``, a power step from ``x = y / Σy`` tests the criterion; it is returned when
        ``‖T(x) - x‖₁ < tol``.
        """
        n, d = self.n, self.damping
        x = self.start
        z, z_next = np.empty(n), np.empty(n)
        mass, total = self._combine((x, x, x), (1.0, 0.0, 0.0), x, z)
        history = _History(n)
        delta = last = math.inf
        passes = 0
        while True:
            if passes == max_iter:
                return PageRankResult(x, max_iter, False, delta)
            passes += 1
            y = history.spare()
            delta = self._step(x, z, y, z_next, mass, 1.0)
            if delta < tol:
                return PageRankResult(y, passes, True, delta)
            history.release(x)
            mass, total = float(self.sums[1]), float(self.sums[2])
            x, z, z_next = y, z_next, z
            if delta > SWITCH_RATIO * last:
                break
            last = delta
        own = [z] + [np.empty(n) for _ in self.sweep_blocks[1:]]
        y = history.spare()
        mass, total = self._combine((x, x, x), ((1 - d) / (1 - d + d * mass), 0.0, 0.0), y, z)
        history.release(x)
        history.restart(y, total)
        for copy in own[1:]:
            copy[:] = z
        b = 1.0 - d if self.mode == 1 else (1.0 - d) / n
        watch = math.inf  # the sweep's change before the last extrapolation
        change = math.inf
        while passes < max_iter:
            passes += 1
            new = history.spare()
            change, mass, total = self._sweep(own, y, new, b)
            y = new
            history.add(y, total)
            if change > 10.0 * watch:
                extrapolate = False
            watch = math.inf
            if change < tol * total and passes < max_iter:
                passes += 1
                scores = history.spare()
                delta = self._step(y, own[0], scores, history.scratch, mass / total, 1.0 / total)
                if delta < tol:
                    return PageRankResult(scores, passes, True, delta)
                history.release(scores)
            if extrapolate and _due(passes) and history.full():
                found = self._extrapolate(history, own[0], by_weights=True)
                if found is not None:
                    y, mass, total = found
                    watch = change
                    for copy in own[1:]:
                        copy[:] = own[0]
        return PageRankResult(y / total, max_iter, False, min(delta, change / total))

    def _power(self, tol: float, max_iter: int, extrapolate: bool) -> PageRankResult:
        """Power steps ``x ← T(x)`` from the start vector until ``‖T(x) - x‖₁ < tol``."""
        n = self.n
        x = self.start
        z, z_next = np.empty(n), np.empty(n)
        mass, total = self._combine((x, x, x), (1.0, 0.0, 0.0), x, z)
        history = _History(n)
        history.add(x, total)
        watch = math.inf  # the L1 change before the last extrapolation
        delta = math.inf
        for iteration in range(1, max_iter + 1):
            y = history.spare()
            delta = self._step(x, z, y, z_next, mass, 1.0)
            if delta < tol:
                return PageRankResult(y, iteration, True, delta)
            mass, total = self.sums[1], self.sums[2]
            history.add(y, total)
            if delta > 10.0 * watch:
                extrapolate = False
            watch = math.inf
            x, z, z_next = y, z_next, z
            if extrapolate and _due(iteration) and history.full():
                found = self._extrapolate(history, z, by_weights=False)
                if found is not None:
                    x, mass, total = found
                    watch = delta
        return PageRankResult(x, max_iter, False, delta)

    # -- passes over the links, run on the threads

    def _sweep(
        self, own: list[Vector], y_old: Vector, y: Vector, b: float
    ) -> tuple[float, float, float]:
        """One sweep, each block on its own copy of ``z``; then the copies are brought level."""
        sweep, n, links = self.kernels.sweep, self.n, self.links

        def run(index: int) -> None:
            first, last = self.sweep_blocks[index]
            sweep(first, last, _CHUNK_ROWS, n, links.indptr, links.indices, links.data,
                  links.weighted, own[index], y_old, y, self.factor, self.dangling, self.mode, b,
                  self.teleport, self.partials)  # fmt: skip

        self._map(run, range(len(self.sweep_blocks)))
        sums = self.partials[:, :3].sum(axis=0)
        bounds = [
            (first * _CHUNK_ROWS, min(last * _CHUNK_ROWS, n)) for first, last in self.sweep_blocks
        ]
        for index, (lo, hi) in enumerate(bounds):
            for other, copy in enumerate(own):
                if other != index:
                    copy[lo:hi] = own[index][lo:hi]
        return float(sums[0]), float(sums[1]), float(sums[2])

    def _step(
        self, x: Vector, z: Vector, y: Vector, z_next: Vector, mass: float, scale: float
    ) -> float:
        """``y = T(scale·x)`` (``z = factor·x``, ``mass`` the dangling mass of ``scale·x``)."""
        d, n, links = self.damping, self.n, self.links
        if self.mode == 0:
            a, b = ((1.0 - d) + d * mass) / n, 0.0
        elif self.mode == 1:
            a, b = (1.0 - d) + d * mass, 0.0
        else:
            a, b = 1.0 - d, d * mass
        step = self.kernels.step

        def run(block: tuple[int, int]) -> None:
            step(*block, _CHUNK_ROWS, n, links.indptr, links.indices, links.data,
                 links.weighted, z, x, y, z_next, self.factor, self.dangling, scale, self.mode,
                 a, b, self.teleport, self.spill, self.partials)  # fmt: skip

        self._map(run, self.blocks)
        self.sums = self.partials[:, :3].sum(axis=0)
        return float(self.sums[0])

    def _extrapolate(
        self, history: _History, z: Vector, *, by_weights: bool
    ) -> tuple[Vector, float, float] | None:
        """Quadratic extrapolation of the last four iterates (and ``z`` = factor · it).

        With ``y_k = x_k - x_0``: least squares ``[y1 y2] g = -y3`` (normal equations, 2x2);
        the error components of the two roots of ``(g1 + g2 + 1) + (g2 + 1)λ + λ²`` cancel in
        ``(g1 + g2 + 1) x1 + (g2 + 1) x2 + x3``, divided by the sum of those weights
        (``by_weights``, for Gauss-Seidel's unnormalised iterates) or by its own sum (power
        iterates sum to 1). None when the iterates are too nearly collinear for the solve.
        """
        (x0, _), (x1, t1), (x2, t2), (x3, t3) = history.last4()
        gram, n = self.kernels.gram, self.n

        def run(block: tuple[int, int]) -> None:
            gram(*block, _CHUNK_ROWS, n, x0, x1, x2, x3, self.partials)

        self._map(run, self.blocks)
        s11, s12, s22, s13, s23 = (float(v) for v in self.partials.sum(axis=0))
        det = s11 * s22 - s12 * s12
        if not (det > 1e-12 * s11 * s22 and math.isfinite(det)):
            return None
        g1 = -(s22 * s13 - s12 * s23) / det
        g2 = -(s11 * s23 - s12 * s13) / det
        weights = (g1 + g2 + 1.0, g2 + 1.0, 1.0)
        sums = (1.0, 1.0, 1.0) if by_weights else (t1, t2, t3)
        total = sum(w * t for w, t in zip(weights, sums, strict=True))
        if not (math.isfinite(total) and abs(total) > 1e-12):
            return None
        out = history.spare()
        scaled = (weights[0] / total, weights[1] / total, weights[2] / total)
        mass, out_total = self._combine((x1, x2, x3), scaled, out, z)
        history.restart(out, out_total)
        return out, mass, out_total

    def _combine(
        self,
        xs: tuple[Vector, Vector, Vector],
        weights: tuple[float, float, float],
        out: Vector,
        z: Vector,
    ) -> tuple[float, float]:
        combine, n = self.kernels.combine, self.n

        def run(block: tuple[int, int]) -> None:
            combine(*block, _CHUNK_ROWS, n, *xs, *weights, out, z, self.factor,
                    self.dangling, self.partials)  # fmt: skip

        self._map(run, self.blocks)
        sums = self.partials[:, 1:3].sum(axis=0)
        return float(sums[0]), float(sums[1])

    def _map(self, run: Callable[[Any], None], items: Iterable[Any]) -> None:
        self.pool.map(run, items)


class _History:
    """The last iterates (with their sums) for extrapolation, and spare vectors to reuse."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.kept: list[tuple[Vector, float]] = []
        self.free: list[Vector] = []
        self.scratch = np.empty(n)

    def spare(self) -> Vector:
        return self.free.pop() if self.free else np.empty(self.n)

    def release(self, vector: Vector) -> None:
        self.free.append(vector)

    def add(self, vector: Vector, total: float) -> None:
        self.kept.append((vector, total))
        if len(self.kept) > 4:
            self.free.append(self.kept.pop(0)[0])

    def full(self) -> bool:
        return len(self.kept) == 4

    def last4(self) -> list[tuple[Vector, float]]:
        return self.kept[-4:]

    def restart(self, vector: Vector, total: float) -> None:
        """After an extrapolation: only ``vector`` is kept; the older iterates are freed."""
        self.free.extend(kept for kept, _ in self.kept)
        self.kept = [(vector, total)]


def _due(count: int) -> bool:
    return count >= EXTRAPOLATE_FROM and (count - EXTRAPOLATE_FROM) % EXTRAPOLATE_EVERY == 0


def _blocks(links: _Links, chunks: int, parts: int) -> list[tuple[int, int]]:
    """Ranges of whole chunks with about the same number of non-zeros each."""
    if parts <= 1 or chunks <= 1:
        return [(0, chunks)]
    starts = np.minimum(np.arange(chunks + 1) * _CHUNK_ROWS, links.n)
    at = links.indptr[starts].astype(np.int64)
    targets = np.linspace(0, links.nnz, parts + 1)[1:-1]
    cuts = sorted({0, chunks, *(int(c) for c in np.searchsorted(at, targets))})
    return [(a, b) for a, b in itertools.pairwise(cuts) if b > a]


def _thread_count(threads: int | None, nnz: int) -> int:
    if threads is not None:
        if threads < 1:
            raise InputError(f"threads={threads}: give at least 1")
        return threads
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cores or 1, 8, nnz // _MIN_NNZ_PER_THREAD))


def _check_parameters(damping: float, tol: float, max_iter: int) -> None:
    if not 0.0 <= damping < 1.0:
        raise InputError(f"damping={damping}: give a value in [0, 1), usually 0.85")
    if not tol > 0.0:
        raise InputError(f"tol={tol}: give a positive tolerance such as 1e-10")
    if max_iter < 1:
        raise InputError(f"max_iter={max_iter}: give at least 1")


def _check_square(adjacency: object) -> int:
    if not sp.issparse(adjacency):
        raise InputError("adjacency must be a scipy sparse matrix (row i → column j = link i→j)")
    rows, cols = adjacency.shape  # type: ignore[attr-defined]
    if rows != cols:
        raise InputError(f"adjacency must be square, not {rows}x{cols}")
    return int(rows)


def _distribution(values: ArrayLike | None, n: int, name: str) -> Vector | None:
    """A probability vector from non-negative weights, or None (uniform)."""
    if values is None:
        return None
    vector = np.asarray(values, dtype=np.float64).ravel()
    if vector.shape != (n,):
        raise InputError(f"{name} has {vector.size} values for {n} nodes")
    if not (np.isfinite(vector).all() and (vector >= 0).all()):
        raise InputError(f"{name} weights must be finite and not negative")
    total = float(vector.sum())
    if total <= 0.0:
        raise InputError(f"{name} sums to 0: give at least one positive weight")
    return vector / total
