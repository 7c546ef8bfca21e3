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

**Method** (:mod:`linkatlas.rank.solver`): power steps, then Gauss-Seidel sweeps on the
equivalent linear system, with quadratic extrapolation (for ``tol`` ≥ 1e-7 power steps
only, cheaper there: see ``solver.POWER_FROM_TOL``); they only decide where the final
check starts from. Measured (passes over the links to tol 1e-10; power, power extrapolated,
sweeps, sweeps extrapolated): 1M-node benchmark graph 60, 40, 36, 27; the 10M-link benchmark
store's page graph 90, 84, 49, 34, and its domain graph 16 each (no sweeps: well mixed);
hollins.edu 111, 66, 67, 42. The default's result was never farther from the exact scores
than plain power iteration's.

**Speed**: the graph is read as CSC, the in-links of each node, with the dangling nodes
placed after the others (:mod:`linkatlas.rank.links`: a CSR input is transposed into that
order by a counting sort, a CSC one is used without copying when it is in that order
already); the sweeps leave the dangling nodes out, as they pass nothing on. The loops are
compiled by numba (:mod:`linkatlas.rank._kernels`, loaded on the first call, or ahead of it
by :func:`load_kernels_in_background`) and run on threads (:mod:`linkatlas.rank.pool`).
"""

from __future__ import annotations

import logging
import sys
import threading
from dataclasses import replace
from types import ModuleType

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

from linkatlas.errors import InputError
from linkatlas.rank.links import check_weights, read_links
from linkatlas.rank.pool import Pool, thread_count
from linkatlas.rank.solver import Method, PageRankResult, Solver

__all__ = [
    "DEFAULT_DAMPING",
    "DEFAULT_MAX_ITER",
    "DEFAULT_TOL",
    "Method",
    "PageRankResult",
    "compute_pagerank",
    "load_kernels_in_background",
    "pagerank",
    "transition_matrix",
]

log = logging.getLogger(__name__)

Vector = NDArray[np.float64]
DEFAULT_DAMPING = 0.85
DEFAULT_TOL = 1e-10
DEFAULT_MAX_ITER = 1000
_KERNELS = "linkatlas.rank._kernels"


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
    method: Method = "auto",
    extrapolate: bool = True,
) -> PageRankResult:
    """PageRank with its pass count; see the module docstring for the model and the method.

    ``method="auto"`` takes power steps for a loose ``tol`` (at least 1e-7), the Gauss-Seidel
    schedule for a tighter one (``solver.POWER_FROM_TOL``). ``method="power",
    extrapolate=False`` is plain power iteration (the same criterion, more
    passes). A ``dangling`` distribution other than the personalisation always uses power
    steps (the Gauss-Seidel system holds only when the two are the same).
    """
    if method not in ("auto", "gauss-seidel", "power"):
        raise InputError(f"method={method!r}: give 'auto', 'gauss-seidel' or 'power'")
    _check_parameters(damping, tol, max_iter)
    n = _check_square(adjacency)
    if n == 0:
        return PageRankResult(np.zeros(0), 0, True, 0.0)
    teleport = _distribution(personalization, n, "personalization")
    spill = teleport if dangling is None else _distribution(dangling, n, "dangling")
    kernels = load_kernels()
    pool = Pool(thread_count(threads, int(adjacency.nnz)))
    try:
        links = read_links(adjacency, kernels, pool)
        same = spill is teleport
        teleport = None if teleport is None else links.to_loop_order(teleport)
        spill = teleport if same or spill is None else links.to_loop_order(spill)
        solver = Solver(links, kernels, damping, teleport, spill, pool)
        if solver.mode == 2:
            method = "power"
        result = solver.run(tol, max_iter, method, extrapolate)
    finally:
        pool.close()
    result = replace(result, scores=links.to_input_order(result.scores))
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
    check_weights(data)
    n = csc.shape[0]
    out_weight = np.bincount(csc.indices, weights=data, minlength=n)
    factor = np.zeros(n)
    np.divide(damping, out_weight, out=factor, where=out_weight > 0)
    scaled = data * factor.take(csc.indices)
    matrix = sp.csr_matrix((scaled, csc.indices, csc.indptr), shape=(n, n))
    return matrix, np.flatnonzero(out_weight == 0)


def load_kernels() -> ModuleType:
    """The compiled loops (importing numba: about 0.1 s, done on the first call only)."""
    from linkatlas.rank import _kernels as kernels

    return kernels


def load_kernels_in_background() -> threading.Thread | None:
    """Start importing numba and loading the compiled loops on a thread (None: done already).

    For a caller that has other work first (``linkatlas rank`` reads the store): the 0.3 s
    of imports and cache loading then overlap it instead of delaying the first PageRank.
    A PageRank call made before the thread ends waits for what it needs (imports and
    compilations hold locks), so starting it is always safe.
    """
    if _KERNELS in sys.modules:
        return None
    thread = threading.Thread(target=_warm_up, name="linkatlas-kernels", daemon=True)
    thread.start()
    return thread


def _warm_up() -> None:
    """Run PageRank on a tiny graph, so each loop is loaded for 32-bit indices (CSR and CSC).

    A cycle (0 → 1 → 3 → 0) mixes slowly: the default method switches to sweeps, and power
    steps go on long enough to be extrapolated. Node 2 dangles but is not last, so the nodes
    are reordered (for CSC, by the copy) as on real graphs.
    """
    links = ([0, 1, 1, 3, 4], [1, 2, 3, 0, 0])
    small = sp.csr_matrix((np.ones(5), links), shape=(5, 5))
    for matrix in (small, small.tocsc()):
        compute_pagerank(matrix, threads=1)
        compute_pagerank(matrix, threads=1, method="power")


# -- checks of the arguments ------------------------------------------------------------------


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
