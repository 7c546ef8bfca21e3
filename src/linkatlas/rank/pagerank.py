"""PageRank by power iteration on a scipy sparse matrix: exact conventions, no loops over edges.

The model (DESIGN.md, "Metrics"), for a graph of ``n`` nodes with weights ``w[i, j] >= 0``
(row ``i`` → column ``j`` is a link from ``i`` to ``j``)::

    x' = d · Pᵀ x  +  d · (Σ_{i dangling} x_i) · u  +  (1 - d) · v

``P`` is ``w`` with each row divided by its sum, a *dangling* node is one whose row sums to 0,
``v`` is the personalisation (uniform unless given) and ``u`` the dangling distribution (``v``
unless given). Iteration starts from the uniform vector and stops when the L1 change
``‖x' - x‖₁`` drops below ``tol``; scores sum to 1. These are networkx's conventions, so its
published cases and reference ranks are the tests (with networkx's ``tol`` being per node:
``tol_networkx · n`` here).

Speed: the matrix is held once, as CSR of ``d · Pᵀ`` (a CSC input is used without copying its
structure), rows split by non-zeros over threads. scipy's sparse kernel releases the GIL, so
each thread multiplies its block of rows straight into its slice of the output, which was
first filled with the teleport term; the L1 change is summed in the same pass.
"""

from __future__ import annotations

import itertools
import logging
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

from linkatlas.errors import InputError

try:  # the kernel behind ``csr_matrix @ vector``, adding into a given output
    from scipy.sparse._sparsetools import csr_matvec as _csr_matvec
except ImportError:  # pragma: no cover - private scipy module; the public product is the fallback
    _csr_matvec = None

log = logging.getLogger(__name__)

Vector = NDArray[np.float64]
DEFAULT_DAMPING = 0.85
DEFAULT_TOL = 1e-10
DEFAULT_MAX_ITER = 1000
_MIN_NNZ_PER_THREAD = 200_000
_CHUNK = 1 << 16


@dataclass(frozen=True, slots=True)
class PageRankResult:
    scores: Vector
    """One score per node, summing to 1."""
    iterations: int
    converged: bool
    delta: float
    """The L1 change of the last iteration."""


@dataclass(frozen=True, slots=True)
class _Block:
    start: int
    stop: int
    indptr: NDArray[np.int32] | NDArray[np.int64]
    indices: NDArray[np.int32] | NDArray[np.int64]
    data: Vector


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
    iteration does not converge to ``tol`` within ``max_iter`` iterations.
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
) -> PageRankResult:
    """PageRank with its iteration count; see the module docstring for the model."""
    _check_parameters(damping, tol, max_iter)
    n = _check_square(adjacency)
    if n == 0:
        return PageRankResult(np.zeros(0), 0, True, 0.0)
    teleport = _distribution(personalization, n, "personalization")
    spill = teleport if dangling is None else _distribution(dangling, n, "dangling")
    matrix, dangling_nodes = transition_matrix(adjacency, damping)
    blocks = _split_rows(matrix, _thread_count(threads, matrix.nnz))
    step = _Stepper(blocks, n, damping, teleport, spill, dangling_nodes)
    x = np.full(n, 1.0 / n) if teleport is None else teleport.copy()
    y = np.empty(n)
    delta = float("inf")
    with ThreadPoolExecutor(max_workers=len(blocks)) as pool:
        for iteration in range(1, max_iter + 1):
            delta = step(x, y, pool)
            x, y = y, x
            if delta < tol:
                log.debug("pagerank: n=%d nnz=%d converged in %d", n, matrix.nnz, iteration)
                return PageRankResult(x, iteration, True, delta)
    log.warning("pagerank: no convergence to tol=%g in %d iterations", tol, max_iter)
    return PageRankResult(x, max_iter, False, delta)


def transition_matrix(
    adjacency: sp.spmatrix | sp.sparray, damping: float
) -> tuple[sp.csr_matrix, NDArray[np.int64]]:
    """CSR of ``damping · Pᵀ`` (row j holds the in-links of j) and the dangling nodes."""
    borrowed = adjacency.format == "csc"  # its arrays are the caller's: never written to
    csc = adjacency if borrowed else sp.csc_matrix(adjacency, dtype=np.float64)
    data = np.asarray(csc.data, dtype=np.float64)
    if data.size and not (np.isfinite(data.min()) and data.min() >= 0 and np.isfinite(data.max())):
        raise InputError("link weights must be finite and not negative")
    sources = csc.indices
    n = csc.shape[0]
    out_weight = np.bincount(sources, weights=data, minlength=n)
    factor = np.zeros(n)
    np.divide(damping, out_weight, out=factor, where=out_weight > 0)
    scaled = np.empty(data.size) if borrowed or data is not csc.data else data
    for lo in range(0, data.size, _CHUNK):  # chunked: no edge-sized temporary
        hi = min(lo + _CHUNK, data.size)
        np.multiply(data[lo:hi], factor.take(sources[lo:hi]), out=scaled[lo:hi])
    matrix = sp.csr_matrix((scaled, csc.indices, csc.indptr), shape=(n, n), copy=False)
    return matrix, np.flatnonzero(out_weight == 0)


class _Stepper:
    """One power-iteration step ``x → y``, parallel over row blocks; returns ``‖y - x‖₁``."""

    def __init__(
        self,
        blocks: list[_Block],
        n: int,
        damping: float,
        teleport: Vector | None,
        spill: Vector | None,
        dangling_nodes: NDArray[np.int64],
    ) -> None:
        self.blocks = blocks
        self.n = n
        self.damping = damping
        self.teleport = teleport
        self.spill = spill
        self.dangling_nodes = dangling_nodes
        self.scratch = np.empty(n)

    def __call__(self, x: Vector, y: Vector, pool: ThreadPoolExecutor) -> float:
        dangling_mass = float(x.take(self.dangling_nodes).sum())
        jobs: list[Callable[[], float]] = [
            self._job(block, x, y, dangling_mass) for block in self.blocks
        ]
        if len(jobs) == 1:
            return jobs[0]()
        return float(sum(pool.map(lambda job: job(), jobs)))

    def _job(
        self, block: _Block, x: Vector, y: Vector, dangling_mass: float
    ) -> Callable[[], float]:
        def run() -> float:
            part = y[block.start : block.stop]
            self._fill_base(part, block, dangling_mass)
            _multiply_add(block, x, part, self.n)
            diff = self.scratch[block.start : block.stop]
            np.subtract(part, x[block.start : block.stop], out=diff)
            np.abs(diff, out=diff)
            return float(diff.sum())

        return run

    def _fill_base(self, part: Vector, block: _Block, dangling_mass: float) -> None:
        d, n, lo, hi = self.damping, self.n, block.start, block.stop
        if self.teleport is None and self.spill is None:
            part.fill(((1.0 - d) + d * dangling_mass) / n)
        elif self.spill is self.teleport and self.teleport is not None:
            np.multiply(self.teleport[lo:hi], (1.0 - d) + d * dangling_mass, out=part)
        else:
            _weighted_into(part, self.teleport, 1.0 - d, lo, hi, n)
            part += _weighted(self.spill, d * dangling_mass, lo, hi, n)


def _weighted(vector: Vector | None, weight: float, lo: int, hi: int, n: int) -> Vector | float:
    return weight / n if vector is None else vector[lo:hi] * weight


def _weighted_into(
    part: Vector, vector: Vector | None, weight: float, lo: int, hi: int, n: int
) -> None:
    if vector is None:
        part.fill(weight / n)
    else:
        np.multiply(vector[lo:hi], weight, out=part)


def _multiply_add(block: _Block, x: Vector, out: Vector, n: int) -> None:
    """``out += block · x`` without temporaries (scipy's kernel releases the GIL)."""
    if _csr_matvec is not None:
        _csr_matvec(block.stop - block.start, n, block.indptr, block.indices, block.data, x, out)
        return
    rows = sp.csr_matrix(
        (block.data, block.indices, block.indptr), shape=(block.stop - block.start, n)
    )  # pragma: no cover
    out += rows @ x  # pragma: no cover


def _split_rows(matrix: sp.csr_matrix, parts: int) -> list[_Block]:
    """Row blocks with about the same number of non-zeros each."""
    n = matrix.shape[0]
    indptr = matrix.indptr
    targets = np.linspace(0, matrix.nnz, parts + 1)
    cuts = sorted({0, n, *(int(c) for c in np.searchsorted(indptr, targets[1:-1]))})
    blocks = []
    for start, stop in itertools.pairwise(cuts):
        lo, hi = int(indptr[start]), int(indptr[stop])
        blocks.append(
            _Block(
                start,
                stop,
                indptr[start : stop + 1] - indptr[start],
                matrix.indices[lo:hi],
                matrix.data[lo:hi],
            )
        )
    return blocks


def _thread_count(threads: int | None, nnz: int) -> int:
    if threads is not None:
        if threads < 1:
            raise InputError(f"threads={threads}: give at least 1")
        return threads
    return max(1, min(os.cpu_count() or 1, 8, nnz // _MIN_NNZ_PER_THREAD))


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
