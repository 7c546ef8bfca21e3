"""The PageRank iteration: power steps, Gauss-Seidel sweeps, quadratic extrapolation.

For the model ``T(x) = d · Pᵀ x + d · (Σ_{i dangling} x_i) · u + (1 - d) · v`` and its stopping
rule see :mod:`linkatlas.rank.pagerank`; this module decides the passes that lead there.

**Choice** (``method="auto"``, the default): power steps only when ``tol`` is at least
``POWER_FROM_TOL`` (1e-7: few passes, where a power step's lower cost wins), else the
Gauss-Seidel schedule.

**Schedule** (``method="gauss-seidel"``): power steps while they converge fast;
once a step's L1 change is more than ``SWITCH_RATIO`` (0.45) of the last one's, the graph
mixes slowly and Gauss-Seidel sweeps take over. With the dangling mass going where the
teleport goes (``u = v``, always so in ``linkatlas rank``), the fixed point of ``T`` is
``y / Σy`` for the solution ``y`` of the linear system ``y = d · Pᵀ y + (1 - d) · v``: the
dangling term only scales the answer. The power iterate, scaled to that system, is the
sweeps' starting point. Backward sweeps: each node's new value is used at once by the
nodes after it in the sweep. The sweeps cover the nodes with out-links only, which
:mod:`linkatlas.rank.links` places first (``Links.active``): a dangling node's value feeds
no other, so the dangling nodes' values (a fifth of the nodes and of the links on the
benchmark graph) are computed once from the others', before each checking step. The rows
are cut into two fixed blocks, one per thread, each sweeping over its own copy of the
iterate, which the other block's new values reach at the end of the sweep (Gauss-Seidel
inside a block, Jacobi between them). When a sweep changes ``y`` by less than
``tol · Σy`` in L1 (the dangling nodes' part of ``Σy`` as last computed), one power step
from ``y / Σy`` tests the criterion; its output is the result. With ``u ≠ v`` (a
``dangling`` argument) or ``method="power"``: power steps only, the last one the result.

**Extrapolation**: both are accelerated by *quadratic extrapolation* (Kamvar, Haveliwala,
Manning & Golub, "Extrapolation methods for accelerating PageRank computations", WWW 2003)
at pass 10 and every 5 passes after it (sweeps, or steps with ``method="power"``): from the
last four iterates a 2x2 least-squares solve cancels the two slowest-decaying error
components. It only moves the point the next pass starts from; if it ever makes the next
change ten times larger, it is off for the rest of the run.

**Threads**: the loops (:mod:`linkatlas.rank._kernels`) take blocks of rows, in chunks of
4,096 rows whose sums (L1 change, dangling mass) are added in chunk order, and the sweep's
two blocks are fixed: the scores are the same bits whatever the number of threads.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from linkatlas.rank.links import Links
from linkatlas.rank.pool import MIN_NNZ_PER_THREAD, Pool

Vector = NDArray[np.float64]
Method = Literal["auto", "gauss-seidel", "power"]
POWER_FROM_TOL = 1e-7
"""``method="auto"`` (the default) takes power steps only for a tolerance at least this loose,
Gauss-Seidel sweeps (after the first power steps) below it. Measured on the 1M-node
benchmark graph (2 threads, paired runs; passes, sweeps against power extrapolated): tol
1e-6 17 vs 18, 1e-7 18 vs 24, 1e-8 22 vs 29, 1e-9 25 vs 34, 1e-10 27 vs 40. With two fixed
sweep blocks a sweep cost about 1.35 power steps (power 20-25% faster at 1e-6, even at
1e-7); since the sweeps leave out the dangling nodes, even at 1e-6 (medians 545 against
555 ms, load 2) and sweeps 10-15% faster from 1e-7 down."""
EXTRAPOLATE_FROM = 10
"""The pass at which quadratic extrapolation is first applied (then every 5 passes)."""
EXTRAPOLATE_EVERY = 5
SWITCH_RATIO = 0.45
"""Power steps give way to Gauss-Seidel sweeps once a step's L1 change is more than this
ratio of the last one's (measured: 0.05-0.35 on well-mixed graphs, where power steps win;
above 0.45 by the fourth step on web graphs, where sweeps take half as many passes)."""
_GS_BLOCKS = 2
"""Row blocks of a Gauss-Seidel sweep (fixed, so the result does not depend on the threads)."""
_CHUNK_ROWS = 4096
_PARTS_PER_THREAD = 4
"""A power step is cut into this many blocks per thread, taken by whichever thread is free:
a thread the machine holds back does not hold up the step (the sums stay per chunk)."""


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


class Solver:
    """Gauss-Seidel sweeps or power steps over ``links``; see the module docstring.

    ``teleport`` and ``spill`` (the dangling distribution) are None when uniform; ``spill``
    is ``teleport`` itself when the dangling mass goes where the teleport goes.
    """

    def __init__(
        self,
        links: Links,
        kernels: ModuleType,
        damping: float,
        teleport: Vector | None,
        spill: Vector | None,
        pool: Pool,
    ) -> None:
        self.links = links
        self.pool = pool
        self.kernels = kernels
        self.n = n = links.n
        self.damping = damping
        self.active = active = links.active
        self.factor = np.zeros(n)
        np.divide(damping, links.out_weight, out=self.factor, where=links.out_weight > 0)
        if teleport is None and spill is None:
            self.mode, self.teleport, self.spill = 0, np.zeros(0), np.zeros(0)
        elif spill is teleport and teleport is not None:
            self.mode, self.teleport, self.spill = 1, teleport, np.zeros(0)
        else:
            self.mode = 2
            self.teleport = np.full(n, 1.0 / n) if teleport is None else teleport
            self.spill = np.full(n, 1.0 / n) if spill is None else spill
        self.start = np.full(n, 1.0 / n) if teleport is None else teleport.copy()
        self.chunks = chunks = -(-n // _CHUNK_ROWS)
        self.partials = np.zeros((chunks, 5))
        self.tail_partials = np.zeros((chunks, 3))
        parts = pool.threads * _PARTS_PER_THREAD if pool.threads > 1 else 1
        self.blocks = _blocks(links, 0, chunks, parts, n)
        # The sweeps leave out the dangling rows (from ``active`` on): they pass nothing on.
        active_chunks = -(-active // _CHUNK_ROWS)
        self.active_blocks = _blocks(links, 0, active_chunks, parts, active)
        self.tail_blocks = _blocks(links, active // _CHUNK_ROWS, chunks, parts, n)
        big = links.nnz >= _GS_BLOCKS * MIN_NNZ_PER_THREAD
        self.sweep_blocks = _blocks(links, 0, active_chunks, _GS_BLOCKS if big else 1, active)
        self.sweep_rows = [
            (first * _CHUNK_ROWS, min(last * _CHUNK_ROWS, active))
            for first, last in self.sweep_blocks
        ]

    def run(self, tol: float, max_iter: int, method: Method, extrapolate: bool) -> PageRankResult:
        if method == "auto":
            method = "power" if tol >= POWER_FROM_TOL or self.mode == 2 else "gauss-seidel"
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
        history = History(n)
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
        # The sweeps update the rows before ``active``; the dangling rows' values (and their
        # sum, ``tail``) are brought up to date only before a checking step.
        tail = mass
        watch = math.inf  # the sweep's change before the last extrapolation
        change = math.inf
        while passes < max_iter:
            passes += 1
            new = history.spare()
            change, total = self._sweep(own, y, new, b)
            y = new
            history.add(y, total + tail)
            if change > 10.0 * watch:
                extrapolate = False
            watch = math.inf
            if change < tol * (total + tail) and passes < max_iter:
                passes += 1
                tail = self._fill_tail(own[0], y, b)
                total += tail
                scores = history.spare()
                delta = self._step(y, own[0], scores, history.scratch, tail / total, 1.0 / total)
                if delta < tol:
                    return PageRankResult(scores, passes, True, delta)
                history.release(scores)
            if extrapolate and _due(passes) and history.full():
                found = self._extrapolate(history, own[0], self.active_blocks, self.active, True)
                if found is not None:
                    y, _, total = found
                    history.restart(y, total + tail)
                    watch = change
                    for copy in own[1:]:
                        copy[:] = own[0]
        total += self._fill_tail(own[0], y, b)
        return PageRankResult(y / total, max_iter, False, min(delta, change / total))

    def _power(self, tol: float, max_iter: int, extrapolate: bool) -> PageRankResult:
        """Power steps ``x ← T(x)`` from the start vector until ``‖T(x) - x‖₁ < tol``."""
        n = self.n
        x = self.start
        z, z_next = np.empty(n), np.empty(n)
        mass, total = self._combine((x, x, x), (1.0, 0.0, 0.0), x, z)
        history = History(n)
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
                found = self._extrapolate(history, z, self.blocks, n, False)
                if found is not None:
                    x, mass, total = found
                    history.restart(x, total)
                    watch = delta
        return PageRankResult(x, max_iter, False, delta)

    # -- passes over the links, run on the threads

    def _sweep(self, own: list[Vector], y_old: Vector, y: Vector, b: float) -> tuple[float, float]:
        """One sweep over the rows before ``active``, each block on its own copy of ``z``; then
        the copies are brought level. Returns the L1 change and the sum of those rows."""
        partials = self.partials

        def run(index: int) -> None:
            chunks, rows = self.sweep_blocks[index], (0, self.active)
            self._sweep_rows(chunks, rows, own[index], y_old=y_old, y=y, b=b, out=partials)

        partials[:] = 0.0
        self._map(run, range(len(self.sweep_blocks)))
        sums = partials[:, :3].sum(axis=0)

        def share(index: int) -> None:  # block ``index``'s new values into the other copies
            lo, hi = self.sweep_rows[index]
            for other, copy in enumerate(own):
                if other != index:
                    copy[lo:hi] = own[index][lo:hi]

        if len(own) > 1:
            self._map(share, range(len(own)))
        return float(sums[0]), float(sums[2])

    def _fill_tail(self, z: Vector, y: Vector, b: float) -> float:
        """The dangling rows' values ``y_j = Σ_{i → j} z_i + base_j`` (their ``z`` stays 0, so
        they do not depend on each other); returns their sum."""
        partials = self.tail_partials

        def run(block: tuple[int, int]) -> None:
            self._sweep_rows(block, (self.active, self.n), z, y_old=y, y=y, b=b, out=partials)

        partials[:] = 0.0
        self._map(run, self.tail_blocks)
        return float(partials[:, 2].sum())

    def _sweep_rows(
        self,
        chunks: tuple[int, int],
        rows: tuple[int, int],
        z: Vector,
        *,
        y_old: Vector,
        y: Vector,
        b: float,
        out: NDArray[np.float64],
    ) -> None:
        """The sweep kernel over ``chunks`` (a range), limited to ``rows`` (a range)."""
        links = self.links
        self.kernels.sweep(*chunks, _CHUNK_ROWS, *rows, links.indptr, links.indices, links.data,
                           links.weighted, z, y_old, y, self.factor, self.mode, b, self.teleport,
                           out)  # fmt: skip

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
                 links.weighted, z, x, y, z_next, self.factor, self.active, scale, self.mode,
                 a, b, self.teleport, self.spill, self.partials)  # fmt: skip

        self._map(run, self.blocks)
        self.sums = self.partials[:, :3].sum(axis=0)
        return float(self.sums[0])

    def _extrapolate(
        self,
        history: History,
        z: Vector,
        blocks: list[tuple[int, int]],
        stop: int,
        by_weights: bool,
    ) -> tuple[Vector, float, float] | None:
        """Quadratic extrapolation of the last four iterates' rows before ``stop`` (and ``z`` =
        factor · it).

        With ``y_k = x_k - x_0``: least squares ``[y1 y2] g = -y3`` (normal equations, 2x2);
        the error components of the two roots of ``(g1 + g2 + 1) + (g2 + 1)λ + λ²`` cancel in
        ``(g1 + g2 + 1) x1 + (g2 + 1) x2 + x3``, divided by the sum of those weights
        (``by_weights``, for Gauss-Seidel's unnormalised iterates) or by its own sum (power
        iterates sum to 1). Returns it with its dangling mass and sum; None when the iterates
        are too nearly collinear for the solve.
        """
        (x0, _), (x1, t1), (x2, t2), (x3, t3) = history.last4()
        gram = self.kernels.gram

        def run(block: tuple[int, int]) -> None:
            gram(*block, _CHUNK_ROWS, stop, x0, x1, x2, x3, self.partials)

        self.partials[:] = 0.0
        self._map(run, blocks)
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
        mass, out_total = self._combine((x1, x2, x3), scaled, out, z, blocks, stop)
        return out, mass, out_total

    def _combine(
        self,
        xs: tuple[Vector, Vector, Vector],
        weights: tuple[float, float, float],
        out: Vector,
        z: Vector,
        blocks: list[tuple[int, int]] | None = None,
        stop: int | None = None,
    ) -> tuple[float, float]:
        """``out = Σ weights·xs`` and ``z = factor·out`` over the rows before ``stop`` (all by
        default); returns their dangling mass and sum."""
        combine, stop = self.kernels.combine, self.n if stop is None else stop

        def run(block: tuple[int, int]) -> None:
            combine(*block, _CHUNK_ROWS, stop, *xs, *weights, out, z, self.factor,
                    self.active, self.partials)  # fmt: skip

        self.partials[:] = 0.0
        self._map(run, self.blocks if blocks is None else blocks)
        sums = self.partials[:, 1:3].sum(axis=0)
        return float(sums[0]), float(sums[1])

    def _map(self, run: Callable[[Any], None], items: Iterable[Any]) -> None:
        self.pool.map(run, items)


class History:
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


def _blocks(links: Links, first: int, last: int, parts: int, stop: int) -> list[tuple[int, int]]:
    """Ranges of whole chunks ``first..last-1`` with about the same number of non-zeros each
    (counting the rows before ``stop``)."""
    if parts <= 1 or last - first <= 1:
        return [(first, last)]
    starts = np.minimum(np.arange(first, last + 1) * _CHUNK_ROWS, stop)
    at = links.indptr[starts].astype(np.int64)
    targets = np.linspace(at[0], at[-1], parts + 1)[1:-1]
    cuts = sorted({0, last - first, *(int(c) for c in np.searchsorted(at, targets))})
    return [(first + a, first + b) for a, b in itertools.pairwise(cuts) if b > a]
