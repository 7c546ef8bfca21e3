"""From raw PageRank to the 0-100 ratings (URL Rating, Domain Rating, Trust), versioned.

Formula version 1 (``FORMULA_VERSION``), for the scores ``p`` of one graph::

    rating(p) = 100 · ln(p / p_min) / ln(p_max / p_min)        (0 when p_max = p_min)

``p_min`` is the smallest score of the graph: the score of a node that no followed link
reaches (teleport and dangling share only), so every such node rates exactly 0; ``p_max`` is
the largest, which rates 100. The mapping is strictly increasing in ``p``: more equity never
means a lower rating. Why logarithmic: link equity is heavy-tailed (a power law), so on a
linear scale all but a handful of nodes would sit at 0; on a log scale each step of the
rating is the same *factor* of equity, whatever the level, which is how the commercial
ratings behave ("DR 60 → 70 is much harder than 10 → 20").

Trust (TrustRank ``t``, personalised on the seeds, summing to 1 over ``N`` nodes) has no
floor above 0 (unreachable domains get none), so it is scaled against the even share::

    trust(t) = 100 · ln(1 + N·t) / ln(1 + N·t_max)

0 for a domain no trusted path reaches, 100 for the most trusted (usually a seed).
A domain is flagged when ``rating - trust >= TRUST_GAP``: much more authority than trust.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

FORMULA_VERSION = 1
FORMULA = "rating = 100 * ln(p / p_min) / ln(p_max / p_min)"
TRUST_FORMULA = "trust = 100 * ln(1 + N * t) / ln(1 + N * t_max)"
TRUST_GAP = 30.0
"""Rating points above the trust score from which a domain is flagged."""
_DIGITS = 2
_SAME = 1e-9
"""Relative closeness to ``p_min`` counted as ``p_min`` (float noise of the iteration)."""

Vector = NDArray[np.float64]


def rating(scores: Vector) -> Vector:
    """The 0-100 rating of each PageRank score of one graph (formula version 1)."""
    if scores.size == 0:
        return np.zeros(0)
    low = float(scores.min())
    high = float(scores.max())
    if low <= 0.0 or high <= low * (1.0 + _SAME):
        return np.zeros(scores.size)
    span = np.log(high / low)
    values = 100.0 * np.log(np.maximum(scores, low) / low) / span
    values[scores <= low * (1.0 + _SAME)] = 0.0
    rounded: Vector = np.round(np.clip(values, 0.0, 100.0), _DIGITS)
    return rounded


def trust_rating(trust: Vector) -> Vector:
    """The 0-100 trust of each TrustRank score (formula version 1)."""
    if trust.size == 0:
        return np.zeros(0)
    n = trust.size
    top = float(trust.max())
    if top <= 0.0:
        return np.zeros(n)
    values = 100.0 * np.log1p(n * np.maximum(trust, 0.0)) / np.log1p(n * top)
    rounded: Vector = np.round(np.clip(values, 0.0, 100.0), _DIGITS)
    return rounded


def has_trust_gap(rating_value: float, trust_value: float | None) -> bool | None:
    """Whether a rating stands ``TRUST_GAP`` points or more above its trust (None: no trust)."""
    if trust_value is None:
        return None
    return rating_value - trust_value >= TRUST_GAP


def histogram(ratings: Vector, *, width: float = 10.0) -> list[int]:
    """Counts of ratings per band of ``width`` points: [0, 10), [10, 20), ... [90, 100]."""
    bands = round(100.0 / width)
    index = np.minimum((ratings // width).astype(np.int64), bands - 1)
    return [int(c) for c in np.bincount(index, minlength=bands)]
