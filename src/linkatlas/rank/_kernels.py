"""Compiled loops of the PageRank core (numba; imported on the first PageRank call).

Every loop walks whole *chunks* of ``chunk`` rows and leaves its sums per chunk in
``partials``: the caller adds them up in chunk order, so the results do not depend on how the
chunks are shared among threads. The functions release the GIL (``nogil``), so threads run
them side by side. Index arrays come as unsigned views (positions are never negative: numba
then needs no wrap-around test per access); the bounds are checked once, by ``count_out``
or ``count_columns``, before any loop trusts them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit

Array = Any  # numba compiles for the array types it is given; mypy sees the callers' types


@njit(nogil=True, cache=True)
def count_out(
    n: int, sources: Array, data: Array, weighted: bool, first: int, last: int, out: Array
) -> bool:
    """``out[i] +=`` the weight (1 unless ``weighted``) of links ``first..last-1`` from ``i``.

    False for a source not in range (then ``out`` is incomplete).
    """
    for k in range(first, last):
        i = sources[k]
        if i < 0 or i >= n:
            return False
        out[i] += data[k] if weighted else 1.0
    return True


@njit(nogil=True, cache=True)
def count_columns(n: int, indices: Array, first: int, last: int, counts: Array) -> bool:
    """``counts[j] +=`` the entries of column j among ``first..last-1``; False if not in range."""
    for k in range(first, last):
        j = indices[k]
        if j < 0 or j >= n:
            return False
        counts[j] += 1
    return True


@njit(nogil=True, cache=True)
def survey_weights(data: Array, out: Array) -> None:
    """What ``data`` holds: ``out = (first value, how many differ from it, how many are not
    finite or negative)``.

    Integer counts (no early exit, no floating-point reduction) over the whole array from 0,
    so the loop is vectorised: about as fast as reading the array.
    """
    ref = data[0]
    differ = np.int64(0)
    bad = np.int64(0)
    for k in range(data.size):
        v = data[k]
        differ += np.int64(v != ref)
        bad += np.int64(not (v >= 0.0 and v < np.inf))
    out[0] = ref
    out[1] = differ
    out[2] = bad


@njit(nogil=True, cache=True)
def sum_rows(indptr: Array, data: Array, lo: int, hi: int, out: Array) -> None:
    """``out[i]`` = the sum of row i's weights (in storage order) for rows ``lo..hi-1``."""
    one = np.uint64(1)
    for row in range(lo, hi):
        i = np.uint64(row)
        total = 0.0
        for k in range(indptr[i], indptr[i + one]):
            total += data[k]
        out[i] = total


@njit(nogil=True, cache=True)
def order_nodes(out_weight: Array, order: Array, position: Array) -> int:
    """The loops' order: nodes with out-weight first, then the dangling ones, each in their
    order (``order[p]``: the node at p; ``position[i]``: where node i stands). Returns how
    many have out-weight."""
    n = out_weight.size
    active = 0
    for i in range(n):
        if out_weight[i] > 0:
            active += 1
    live = 0
    dangling = active
    for i in range(n):
        if out_weight[i] > 0:
            order[live] = i
            position[i] = live
            live += 1
        else:
            order[dangling] = i
            position[i] = dangling
            dangling += 1
    return active


@njit(nogil=True, cache=True)
def column_starts(counts: Array, order: Array, out_indptr: Array, starts: Array) -> None:
    """``out_indptr`` of the columns in the loops' order (column p holds ``counts[order[p]]``
    entries) and ``starts[j]``: the first slot of input column j."""
    slot = 0
    for p in range(order.size):
        j = order[p]
        starts[j] = slot
        slot += counts[j]
        out_indptr[p + 1] = slot


@njit(nogil=True, cache=True)
def scatter_rows(
    indptr: Array,
    indices: Array,
    data: Array,
    weighted: bool,
    lo: int,
    hi: int,
    position: Array,
    fill: Array,
    out_indices: Array,
    out_data: Array,
) -> None:
    """Rows ``lo..hi-1`` of a CSR into CSC slots (``fill[j]``: column j's next free slot).

    The second pass of a counting sort: a column's entries land in row order, as scipy's
    ``tocsc`` puts them, each row renumbered to ``position[row]`` (the loops' order; the
    columns are placed in it by ``fill``). All index arrays unsigned, ``fill`` of the output
    index type.
    """
    one = np.uint64(1)
    for row in range(lo, hi):
        i = np.uint64(row)
        first = indptr[i]
        last = indptr[i + one]
        moved = position[i]
        if weighted:
            for k in range(first, last):
                j = indices[k]
                slot = fill[j]
                out_indices[slot] = moved
                out_data[slot] = data[k]
                fill[j] = slot + one
        else:
            for k in range(first, last):
                j = indices[k]
                slot = fill[j]
                out_indices[slot] = moved
                fill[j] = slot + one


@njit(nogil=True, cache=True)
def permute_columns(
    indptr: Array, indices: Array, data: Array, weighted: bool, lo: int, hi: int, order: Array,
    position: Array, out_indptr: Array, out_indices: Array, out_data: Array,
) -> None:  # fmt: skip
    """Columns ``lo..hi-1`` of the reordered CSC: column p is the input's ``order[p]``, each
    row index renumbered to ``position[row]``, the entries kept in their order."""
    one = np.uint64(1)
    for p in range(lo, hi):
        column = np.uint64(order[p])
        slot = out_indptr[p]
        for k in range(indptr[column], indptr[column + one]):
            out_indices[slot] = position[indices[k]]
            if weighted:
                out_data[slot] = data[k]
            slot += one


@njit(nogil=True, cache=True)
def step(
    first: int,
    last: int,
    chunk: int,
    n: int,
    indptr: Array,
    indices: Array,
    data: Array,
    weighted: bool,
    z: Array,
    x: Array,
    y: Array,
    z_next: Array,
    factor: Array,
    active: int,
    scale: float,
    mode: int,
    a: float,
    b: float,
    teleport: Array,
    spill: Array,
    partials: Array,
) -> None:
    """One power step from ``scale·x`` over chunks ``first..last-1``: ``y = scale·Wᵀz + base``.

    ``z = factor·x`` (``factor = damping / out-weight``, 0 for a dangling node), so the sum
    over the in-links of j is ``d · Σ_i P_ij x_i``; ``z_next = factor·y``. ``base`` (teleport
    and dangling mass): ``a`` (mode 0), ``a·teleport_j`` (mode 1) or ``a·teleport_j +
    b·spill_j`` (mode 2). The dangling nodes are the rows from ``active`` on. Partials per
    chunk: L1 change ``Σ|y - scale·x|``, the dangling nodes' mass, ``Σ y``.
    """
    one = np.uint64(1)
    for c in range(first, last):
        lo = c * chunk
        hi = min(lo + chunk, n)
        delta = 0.0
        mass = 0.0
        total = 0.0
        for row in range(lo, hi):
            j = np.uint64(row)
            acc = 0.0
            if weighted:
                for k in range(indptr[j], indptr[j + one]):
                    acc += data[k] * z[indices[k]]
            else:
                for k in range(indptr[j], indptr[j + one]):
                    acc += z[indices[k]]
            acc *= scale
            if mode == 0:
                v = acc + a
            elif mode == 1:
                v = acc + a * teleport[j]
            else:
                v = acc + a * teleport[j] + b * spill[j]
            y[j] = v
            delta += abs(v - x[j] * scale)
            total += v
            z_next[j] = v * factor[j]
            if row >= active:
                mass += v
        partials[c, 0] = delta
        partials[c, 1] = mass
        partials[c, 2] = total


@njit(nogil=True, cache=True)
def sweep(
    first: int,
    last: int,
    chunk: int,
    start: int,
    stop: int,
    indptr: Array,
    indices: Array,
    data: Array,
    weighted: bool,
    z: Array,
    y_old: Array,
    y: Array,
    factor: Array,
    mode: int,
    b: float,
    teleport: Array,
    partials: Array,
) -> None:
    """A backward Gauss-Seidel sweep of ``y = d·Pᵀy + b`` over the rows of chunks
    ``first..last-1`` that lie in ``start..stop-1``.

    Rows from last to first: ``y_j = Σ_{i → j} z_i + base_j`` (``b``, mode 0; ``b·teleport_j``,
    mode 1), then ``z_j = factor_j · y_j`` at once, so the rows after it in the sweep read
    the new value. ``z`` is this block's own copy. Partials per chunk: ``Σ|y - y_old|``, 0,
    ``Σ y``. Over dangling rows only (whose ``z`` is 0: no row reads another's value) it
    computes their values from the others', the order not mattering.
    """
    one = np.uint64(1)
    for c in range(last - 1, first - 1, -1):
        lo = max(c * chunk, start)
        hi = min(c * chunk + chunk, stop)
        change = 0.0
        total = 0.0
        for t in range(hi - lo):
            j = np.uint64(hi - 1 - t)
            acc = 0.0
            if weighted:
                for k in range(indptr[j], indptr[j + one]):
                    acc += data[k] * z[indices[k]]
            else:
                for k in range(indptr[j], indptr[j + one]):
                    acc += z[indices[k]]
            v = acc + b if mode == 0 else acc + b * teleport[j]
            y[j] = v
            change += abs(v - y_old[j])
            total += v
            z[j] = v * factor[j]
        partials[c, 0] = change
        partials[c, 1] = 0.0
        partials[c, 2] = total


@njit(nogil=True, cache=True)
def gram(
    first: int, last: int, chunk: int, n: int, x0: Array, x1: Array, x2: Array, x3: Array,
    partials: Array,
) -> None:  # fmt: skip
    """Dot products of ``y_i = x_i - x0``: y1·y1, y1·y2, y2·y2, y1·y3, y2·y3 (per chunk, rows
    below ``n``)."""
    for c in range(first, last):
        lo = c * chunk
        hi = min(lo + chunk, n)
        s11 = s12 = s22 = s13 = s23 = 0.0
        for row in range(lo, hi):
            j = np.uint64(row)
            base = x0[j]
            y1 = x1[j] - base
            y2 = x2[j] - base
            y3 = x3[j] - base
            s11 += y1 * y1
            s12 += y1 * y2
            s22 += y2 * y2
            s13 += y1 * y3
            s23 += y2 * y3
        partials[c, 0] = s11
        partials[c, 1] = s12
        partials[c, 2] = s22
        partials[c, 3] = s13
        partials[c, 4] = s23


@njit(nogil=True, cache=True)
def combine(
    first: int,
    last: int,
    chunk: int,
    n: int,
    x1: Array,
    x2: Array,
    x3: Array,
    b1: float,
    b2: float,
    b3: float,
    out: Array,
    z: Array,
    factor: Array,
    active: int,
    partials: Array,
) -> None:
    """``out = b1·x1 + b2·x2 + b3·x3`` and ``z = factor·out`` (rows below ``n``); partials:
    dangling mass (rows from ``active`` on), Σ out."""
    for c in range(first, last):
        lo = c * chunk
        hi = min(lo + chunk, n)
        mass = 0.0
        total = 0.0
        for row in range(lo, hi):
            j = np.uint64(row)
            v = b1 * x1[j] + b2 * x2[j] + b3 * x3[j]
            out[j] = v
            z[j] = v * factor[j]
            total += v
            if row >= active:
                mass += v
        partials[c, 0] = 0.0
        partials[c, 1] = mass
        partials[c, 2] = total
