"""Analytic cut-offs: the expected-cost-optimal action for a calibrated probability ``p``.

With a calibrated probability ``p`` that acting is right and per-decision costs, the expected-cost-optimal
action is the cheapest of act, escalate and decline (Chow's reject option). With scalar costs this is two
cut-offs on ``p``: decline below ``t_lo``, act at or above ``t_hi``, escalate in between. Without a
usable escalation the cuts meet at the classic ``C_false_action / (C_false_action + C_missed)`` (net of
the costs of the right outcomes). The empirical view, on a decision log, is :mod:`nogo.models.thresholds`.
"""

from __future__ import annotations

import itertools

import numpy as np
import numpy.typing as npt

from nogo._validate import as_scalar
from nogo.errors import InputError
from nogo.models.costs import ACTIONS, DecisionCosts
from nogo.models.decision_log import check_costs

__all__ = ["classic_cut", "optimal_action", "three_way_cuts"]


def classic_cut(false_action_usd: float, missed_usd: float) -> float:
    """The textbook cut-off: act when ``p >= C_fa / (C_fa + C_miss)``.

    Examples
    --------
    >>> classic_cut(90.0, 10.0)
    0.9
    """
    fa = as_scalar("false_action_usd", false_action_usd, nonnegative=True)
    miss = as_scalar("missed_usd", missed_usd, nonnegative=True)
    if fa + miss == 0:
        raise InputError("false_action_usd, missed_usd: at least one must be positive")
    return fa / (fa + miss)


def three_way_cuts(costs: DecisionCosts) -> tuple[float, float]:
    """Cut-offs ``(t_lo, t_hi)`` on ``p`` for scalar costs: decline below, act at or above, escalate between.

    The cuts are read off the exact lower envelope of the three expected-cost lines on ``[0, 1]``. When
    escalation is never the cheapest action the two cuts are equal (the classic cut). ``t_hi = inf``
    means that no ``p`` makes acting cheapest (never act), as in :class:`Policy`; then ``t_lo = inf`` too
    when escalating never pays either. At a cut itself two actions cost the same.

    Raises
    ------
    InputError
        When a wrong action and a miss together cost no more than the right outcomes, or when the
        cheapest action does not run decline, escalate, act as ``p`` rises (only possible when a
        right outcome costs more than a wrong one), which two cuts cannot express.

    Examples
    --------
    >>> three_way_cuts(DecisionCosts(false_action_usd=90, missed_usd=10))
    (0.9, 0.9)
    >>> lo, hi = three_way_cuts(DecisionCosts(false_action_usd=90, missed_usd=10, escalate_usd=2))
    >>> round(lo, 4), round(hi, 4)
    (0.2, 0.9778)
    >>> three_way_cuts(DecisionCosts(false_action_usd=28, missed_usd=3, act_right_usd=9.65))  # never act
    (inf, inf)
    """
    check_costs(costs)
    if len(costs) != 1:
        raise InputError("costs: three_way_cuts needs scalar costs; use optimal_action per decision")
    fa, miss = costs.array("false_action_usd")[0], costs.array("missed_usd")[0]
    act_right, hold_right = costs.array("act_right_usd")[0], costs.array("hold_right_usd")[0]
    if (fa - hold_right) + (miss - act_right) <= 0:
        raise InputError("costs: a wrong action and a miss must together cost more than the right outcomes")
    ends = costs.expected(np.array([0.0, 1.0]))  # (2, 3): each action's expected cost at p = 0 and 1
    with np.errstate(invalid="ignore"):  # an unavailable escalation is inf at both ends
        intercept, slope = ends[0], ends[1] - ends[0]
    finite = np.flatnonzero(np.isfinite(intercept) & np.isfinite(slope))
    # Every place two lines cross inside (0, 1); between two such places one action is cheapest.
    points = [0.0, 1.0]
    for x, y in itertools.combinations(finite, 2):
        if slope[x] != slope[y]:
            p = (intercept[y] - intercept[x]) / (slope[x] - slope[y])
            if 0.0 < p < 1.0:
                points.append(float(p))
    points = np.unique(points)
    cheapest = optimal_action((points[:-1] + points[1:]) / 2, costs)
    rank = np.select([cheapest == "decline", cheapest == "escalate"], [0, 1], 2)
    if (np.diff(rank) < 0).any():
        raise InputError(
            "costs: the cheapest action does not run decline, escalate, act as p rises "
            f"({', '.join(dict.fromkeys(cheapest))}), so it cannot be written as two cuts; "
            "use optimal_action per decision"
        )
    starts = points[:-1]
    t_hi = float(starts[rank == 2][0]) if (rank == 2).any() else np.inf
    t_lo = float(starts[rank >= 1][0]) if (rank >= 1).any() else np.inf
    return t_lo, t_hi


def optimal_action(p: npt.ArrayLike, costs: DecisionCosts) -> np.ndarray:
    """The expected-cost-optimal action per decision: ``"act"``, ``"escalate"`` or ``"decline"``.

    Ties go to the first of act, escalate, decline.

    Examples
    --------
    >>> c = DecisionCosts(false_action_usd=90, missed_usd=10, escalate_usd=2)
    >>> optimal_action([0.1, 0.5, 0.99], c).tolist()
    ['decline', 'escalate', 'act']
    """
    check_costs(costs)
    return np.asarray(ACTIONS)[np.argmin(costs.expected(p), axis=1)]
