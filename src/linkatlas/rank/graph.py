"""Link graphs as sparse matrices: node ids of the store ↔ matrix positions, edges → CSC.

The store hands over edge lists already reduced to what passes equity (followed links,
several links of one pair counted once) and already numbered: position ``i`` of ``node_ids``
is node ``i``. The order of the nodes is chosen by the store so that a site's pages sit
together (better memory locality in the iteration); nothing here depends on it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from linkatlas.errors import InputError

EQUITY_KINDS: tuple[str, ...] = ("a", "area", "redirect", "canonical")
"""Link kinds that pass equity when followed (a meta refresh does not; issue 4, parts 2-3)."""


@dataclass(frozen=True, slots=True)
class LinkGraph:
    node_ids: NDArray[np.int64]
    """The store id of each node (URL or domain id), by position."""
    adjacency: sp.csc_matrix
    """Row i → column j: node i links to node j (weight 1)."""
    out_degree: NDArray[np.int64]
    in_degree: NDArray[np.int64]

    @property
    def nodes(self) -> int:
        return int(self.node_ids.size)

    @property
    def edges(self) -> int:
        return int(self.adjacency.nnz)


def build_graph(
    node_ids: NDArray[np.int64], sources: NDArray[np.integer], targets: NDArray[np.integer]
) -> LinkGraph:
    """The graph of distinct edges ``sources[k] → targets[k]`` (positions into ``node_ids``).

    CSC is built directly (it is the CSR of the transposed matrix the iteration multiplies
    by), so the PageRank core needs no transpose.
    """
    n = int(node_ids.size)
    if sources.shape != targets.shape:
        raise InputError("sources and targets must have the same length")
    index_type = np.int32 if n < 2**31 - 1 and sources.size < 2**31 - 1 else np.int64
    src: NDArray[np.int64] = np.asarray(sources, dtype=index_type)
    dst: NDArray[np.int64] = np.asarray(targets, dtype=index_type)
    if src.size and (min(src.min(), dst.min()) < 0 or max(src.max(), dst.max()) >= n):
        raise InputError(f"edge endpoints must be node positions in [0, {n})")
    out_degree = np.bincount(src, minlength=n).astype(np.int64)
    in_degree = np.bincount(dst, minlength=n).astype(np.int64)
    in_target_order = bool(np.all(dst[1:] >= dst[:-1]))  # the store sends them so: no sort
    rows = src if in_target_order else src[np.argsort(dst, kind="stable")]
    indptr = np.zeros(n + 1, dtype=index_type)
    np.cumsum(in_degree, out=indptr[1:])
    adjacency = sp.csc_matrix((np.ones(src.size), rows, indptr), shape=(n, n), copy=False)
    return LinkGraph(node_ids, adjacency, out_degree, in_degree)
