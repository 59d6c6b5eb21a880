"""Kleinberg's two-state burst detection over counts in consecutive periods (batched form).

From J. Kleinberg, "Bursty and Hierarchical Structure in Streams" (KDD 2002), section 4:
in period t, r_t of the d_t documents carry the term. The base state emits the term with
probability p0 = R / D (its overall share), the burst state with p1 = s · p0. Being in
state i in period t costs σ_i(t) = -ln[C(d_t, r_t) p_i^r_t (1 - p_i)^(d_t - r_t)]; moving up
from the base state to the burst state costs γ ln n (n periods), moving down is free. The
cheapest state sequence (Viterbi, starting in the base state) marks the bursts; a burst's
weight is Σ σ_0(t) - σ_1(t) over its periods: how much better the burst state explains them.
A period without documents costs nothing in either state, so a burst can run on through
empty periods; its first and last period are therefore trimmed to periods with documents.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import gammaln

#: The burst state's rate is this multiple of the base rate (Kleinberg's s).
SCALE = 2.0
#: The cost of entering a burst, times ln n (Kleinberg's γ).
GAMMA = 1.0


@dataclass(frozen=True)
class Burst:
    """A run of periods in the burst state: first and last index, and its weight."""

    start: int
    end: int
    weight: float


def state_costs(r: np.ndarray, d: np.ndarray, scale: float = SCALE) -> np.ndarray:
    """σ_i(t) for both states, shape (2, n); periods with d_t = 0 cost nothing."""
    r = np.asarray(r, dtype=np.float64)
    d = np.asarray(d, dtype=np.float64)
    p0 = r.sum() / d.sum()
    p1 = min(scale * p0, 1.0 - 1e-9)
    log_binom = gammaln(d + 1) - gammaln(r + 1) - gammaln(d - r + 1)
    costs = []
    for p in (p0, p1):
        costs.append(-(log_binom + r * np.log(p) + (d - r) * np.log1p(-p)))
    return np.vstack(costs)


def viterbi(costs: np.ndarray, up_cost: float) -> np.ndarray:
    """The cheapest state sequence (0 base, 1 burst), starting in the base state."""
    n = costs.shape[1]
    total = np.array([0.0, up_cost])  # before the first period: in state 0
    back = np.zeros((n, 2), dtype=np.int8)
    for t in range(n):
        stay0, from1_to0 = total[0], total[1]  # moving down is free
        to1_from0, stay1 = total[0] + up_cost, total[1]
        back[t, 0] = 0 if stay0 <= from1_to0 else 1
        back[t, 1] = 1 if stay1 <= to1_from0 else 0
        total = np.array([min(stay0, from1_to0), min(stay1, to1_from0)]) + costs[:, t]
    states = np.zeros(n, dtype=np.int8)
    states[-1] = 0 if total[0] <= total[1] else 1
    for t in range(n - 1, 0, -1):
        states[t - 1] = back[t, states[t]]
    return states


def bursts(r: np.ndarray, d: np.ndarray, scale: float = SCALE,
           gamma: float = GAMMA) -> list[Burst]:
    """The bursts of one term: r_t documents with it out of d_t, per consecutive period."""
    r = np.asarray(r, dtype=np.float64)
    d = np.asarray(d, dtype=np.float64)
    if len(r) < 2 or r.sum() <= 0 or d.sum() <= 0 or r.sum() >= d.sum():
        return []
    costs = state_costs(r, d, scale)
    states = viterbi(costs, gamma * np.log(len(r)))
    out, t = [], 0
    while t < len(states):
        if states[t] == 1:
            start = t
            while t + 1 < len(states) and states[t + 1] == 1:
                t += 1
            first, last = start, t
            while first < last and d[first] == 0:
                first += 1
            while last > first and d[last] == 0:
                last -= 1
            gain = costs[0, start:t + 1] - costs[1, start:t + 1]
            out.append(Burst(first, last, float(gain.sum())))
        t += 1
    return out
