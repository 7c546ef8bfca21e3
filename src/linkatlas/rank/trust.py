"""TrustRank: PageRank personalised on a seed set of trusted domains.

Equity starts only at the seeds (each an equal share) and teleports back to them, dangling
mass included; a domain's trust is how much of it reaches the domain through followed links.
A domain with high Domain Rating and little trust gets authority from outside the trusted
neighbourhood: a spam signal (Gyöngyi, Garcia-Molina & Pedersen, "Combating Web Spam with
TrustRank", 2004).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from linkatlas.errors import InputError
from linkatlas.rank.graph import LinkGraph
from linkatlas.rank.pagerank import DEFAULT_DAMPING, DEFAULT_TOL, PageRankResult, compute_pagerank


@dataclass(frozen=True, slots=True)
class TrustResult:
    result: PageRankResult
    seeds_used: int


def seed_vector(
    node_ids: NDArray[np.int64], seed_ids: Iterable[int]
) -> tuple[NDArray[np.float64], int]:
    """The personalisation vector (1 on each seed node present) and how many were present."""
    wanted = np.fromiter(set(seed_ids), dtype=np.int64)
    present = np.isin(node_ids, wanted)
    return present.astype(np.float64), int(present.sum())


def compute_trust(
    graph: LinkGraph,
    seed_ids: Iterable[int],
    *,
    damping: float = DEFAULT_DAMPING,
    tol: float = DEFAULT_TOL,
) -> TrustResult:
    """TrustRank over ``graph`` from the seeds; InputError when no seed is in the graph."""
    vector, present = seed_vector(graph.node_ids, seed_ids)
    if present == 0:
        raise InputError("none of the trust seeds is a domain of this snapshot: check --seeds")
    result = compute_pagerank(graph.adjacency, damping=damping, personalization=vector, tol=tol)
    return TrustResult(result, present)
