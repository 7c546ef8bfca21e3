"""The link graph as the PageRank loops read it: in-links by node (CSC), checked once.

A pass gathers, for each node ``j``, ``z_i = d · x_i / out-weight_i`` over the links
``i → j``: the loops need the in-links of each node, the CSC arrays of the adjacency. A CSR
input (rows = out-links) is transposed here by a counting sort on the threads; a CSC one is
used without copying when its dangling nodes (no out-weight) come last already. Index arrays
are handed to the loops as unsigned views: they are checked to be in range first, and the
loops then need no wrap-around test per access. When every stored weight is the same, no
value array is kept at all (4 bytes per link instead of 12).

**Node order**: the loops see the nodes with out-links first, in their order, then the
dangling ones, in theirs (``Links.order``). A dangling node passes nothing on, so the
Gauss-Seidel sweeps leave them out (on the benchmark graph a fifth of the nodes and of the
links), and the values the loops read (``z``) are dense in the first ``active`` positions.
The transpose places the nodes so at no extra pass; a CSC input whose dangling nodes are not
last is copied in that order.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from types import ModuleType

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from linkatlas.errors import InputError
from linkatlas.rank.pool import Pool

Vector = NDArray[np.float64]
Index = NDArray[np.int32] | NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Links:
    """CSC arrays (unsigned views), weights (empty when all equal) and out-weights, in the
    loops' node order: the ``active`` nodes with out-links first, then the dangling ones."""

    n: int
    indptr: NDArray[np.unsignedinteger]
    indices: NDArray[np.unsignedinteger]
    data: Vector
    weighted: bool
    out_weight: Vector
    active: int
    """Nodes ``0..active-1`` have out-weight; ``active..n-1`` dangle."""
    order: NDArray[np.integer] | None
    """``order[p]`` is the input's node at position p (None: the input's order)."""

    @property
    def nnz(self) -> int:
        return int(self.indices.size)

    def to_loop_order(self, vector: Vector) -> Vector:
        return vector if self.order is None else vector[self.order]

    def to_input_order(self, vector: Vector) -> Vector:
        if self.order is None:
            return vector
        out = np.empty_like(vector)
        out[self.order] = vector
        return out


def read_links(adjacency: sp.spmatrix | sp.sparray, kernels: ModuleType, pool: Pool) -> Links:
    """The CSC view of ``adjacency`` the loops need; InputError for unusable structure."""
    matrix = adjacency if adjacency.format in ("csr", "csc") else sp.csc_matrix(adjacency)
    n = int(matrix.shape[0])
    indptr = _index_array(matrix.indptr)
    nnz = int(indptr[-1])
    if indptr[0] != 0 or nnz > matrix.indices.size or np.any(indptr[1:] < indptr[:-1]):
        raise InputError("adjacency has a malformed index pointer array")
    indices = _index_array(matrix.indices[:nnz])
    data, weighted = _weights(matrix.data[:nnz], kernels, pool)
    if matrix.format == "csr":
        return _transpose(n, indptr, indices, data, weighted, kernels, pool)
    out_weight = np.zeros(n)  # one thread: faster than two partial sums here
    if not kernels.count_out(n, indices, data, weighted, 0, nnz, out_weight):
        raise InputError(f"adjacency has an index outside [0, {n})")
    order, position, active = _loop_order(out_weight, indices.dtype, kernels)
    if order is None:  # already in the loops' order: used as it is
        return Links(n, _unsigned(indptr), _unsigned(indices), data, weighted, out_weight,
                     active, None)  # fmt: skip
    return _permute(n, indptr, indices, data, weighted, out_weight, order, position, active,
                    kernels, pool)  # fmt: skip


def _loop_order(
    out_weight: Vector, index_type: np.dtype, kernels: ModuleType
) -> tuple[NDArray[np.integer] | None, Index, int]:
    """The loops' order (None when it is the input's), each node's position in it, and the
    number of nodes with out-weight."""
    n = out_weight.size
    order = np.empty(n, dtype=index_type)
    position = np.empty(n, dtype=index_type)
    active = int(kernels.order_nodes(out_weight, order, position))
    if active == n or not out_weight[active:].any():  # dangling nodes last already
        return None, position, active
    return order, position, active


def _transpose(
    n: int,
    indptr: Index,
    indices: Index,
    data: Vector,
    weighted: bool,
    kernels: ModuleType,
    pool: Pool,
) -> Links:
    """CSR → CSC in the loops' order by a counting sort whose passes split the rows over the
    threads.

    The out-weights come first (entry counts, or row sums), so the order is known before the
    placing. Then each part counts the entries of every column (checking the indices), and
    each places its rows: the rows of the first part take the first slots of each column, so
    a column's entries are in row order (as scipy's ``tocsc`` puts them) whatever the threads.
    """
    nnz = int(indices.size)
    parts = _row_parts(indptr, pool.threads)
    rows, columns = _unsigned(indptr), _unsigned(indices)
    if weighted:
        out_weight = np.empty(n)
        pool.map(lambda part: kernels.sum_rows(rows, data, *part, out_weight), parts)
    else:
        out_weight = np.diff(indptr).astype(np.float64)
    big = n >= 2**31 - 1 or nnz >= 2**31 - 1
    index_type = np.dtype(np.int64 if big else np.int32)
    order, position, active = _loop_order(out_weight, index_type, kernels)
    counts = [np.zeros(n, dtype=index_type) for _ in parts]
    checked = pool.map(
        lambda part: kernels.count_columns(
            n, indices, indptr[part[1][0]], indptr[part[1][1]], counts[part[0]]
        ),
        list(enumerate(parts)),
    )
    if not all(checked):
        raise InputError(f"adjacency has an index outside [0, {n})")
    running = counts[0]  # the entries of each column
    for count in counts[1:]:
        running = running + count
    out_indptr = np.zeros(n + 1, dtype=index_type)
    fills = [np.empty(n, dtype=index_type)]  # the first slot of each input column
    kernels.column_starts(running, position if order is None else order, out_indptr, fills[0])
    for count in counts[:-1]:  # each part's rows after the parts before it
        fills.append(fills[-1] + count)
    out_indices = np.empty(nnz, dtype=index_type)
    out_data = np.empty(nnz if weighted else 0)
    slots, moved = _unsigned(out_indices), _unsigned(position)
    pool.map(
        lambda part: kernels.scatter_rows(
            rows, columns, data, weighted, *part[1], moved, _unsigned(fills[part[0]]), slots,
            out_data,
        ),
        list(enumerate(parts)),
    )  # fmt: skip
    loop_weight = out_weight if order is None else out_weight[order]
    return Links(n, _unsigned(out_indptr), slots, out_data, weighted, loop_weight, active, order)


def _permute(
    n: int,
    indptr: Index,
    indices: Index,
    data: Vector,
    weighted: bool,
    out_weight: Vector,
    order: NDArray[np.integer],
    position: Index,
    active: int,
    kernels: ModuleType,
    pool: Pool,
) -> Links:
    """A CSC copy with the columns and row numbers in the loops' order (``order``)."""
    out_indptr = np.zeros(n + 1, dtype=indptr.dtype)
    np.cumsum(np.diff(indptr)[order], out=out_indptr[1:])
    out_indices = np.empty(indices.size, dtype=indices.dtype)
    out_data = np.empty(indices.size if weighted else 0)
    arrays = (_unsigned(indptr), _unsigned(indices), data, weighted)
    targets = (_unsigned(out_indptr), _unsigned(out_indices), out_data)
    pool.map(
        lambda part: kernels.permute_columns(*arrays, *part, order, _unsigned(position),
                                             *targets),
        _row_parts(out_indptr, pool.threads),
    )  # fmt: skip
    return Links(n, _unsigned(out_indptr), _unsigned(out_indices), out_data, weighted,
                 out_weight[order], active, order)  # fmt: skip


def _row_parts(indptr: NDArray[np.integer], parts: int) -> list[tuple[int, int]]:
    """Row ranges with about the same number of entries each."""
    n = indptr.size - 1
    if parts <= 1 or n <= 1:
        return [(0, n)]
    targets = np.linspace(0, int(indptr[-1]), parts + 1)[1:-1]
    cuts = sorted({0, n, *(int(c) for c in np.searchsorted(indptr, targets))})
    return list(itertools.pairwise(cuts))


def _index_array(values: NDArray[np.integer]) -> NDArray[np.int32] | NDArray[np.int64]:
    array = np.ascontiguousarray(values)
    if array.dtype not in (np.int32, np.int64):
        array = array.astype(np.int64)
    return array


def _unsigned(values: NDArray[np.int32] | NDArray[np.int64]) -> NDArray[np.unsignedinteger]:
    """The same memory read as unsigned (checked not negative), so loops skip wrap-around."""
    return values.view(np.uint32 if values.dtype == np.int32 else np.uint64)


def _weights(values: NDArray[np.number], kernels: ModuleType, pool: Pool) -> tuple[Vector, bool]:
    """(weights, weighted): no array when every weight is the same positive number.

    One pass over the weights, split over the threads, checks them and compares them.
    """
    data = np.ascontiguousarray(values, dtype=np.float64)
    if data.size == 0:
        return np.zeros(0), False
    cuts = np.linspace(0, data.size, pool.threads + 1).astype(np.int64)
    survey = np.zeros((pool.threads, 3))  # first value, how many differ, how many unusable
    pool.map(
        lambda part: kernels.survey_weights(data[cuts[part] : cuts[part + 1]], survey[part]),
        [part for part in range(pool.threads) if cuts[part] < cuts[part + 1]],
    )
    if survey[:, 2].any():
        raise InputError("link weights must be finite and not negative")
    first = float(data[0])
    if first > 0 and not survey[:, 1].any() and np.all(survey[:, 0][cuts[1:] > cuts[:-1]] == first):
        return np.zeros(0), False
    return data, True


def check_weights(data: NDArray[np.number]) -> None:
    """InputError unless every weight is finite and not negative (numpy, for small uses)."""
    if data.size and not (np.isfinite(data.min()) and data.min() >= 0 and np.isfinite(data.max())):
        raise InputError("link weights must be finite and not negative")
