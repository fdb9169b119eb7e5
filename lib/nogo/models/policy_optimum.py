"""The best policy on a decision log, and how far a learner's policy is from it (regret).

Part of the "set the policy" drill (:mod:`nogo.practice.policy_drill`); the model is
:mod:`nogo.models.policy_model`.
The optimum is the cheapest policy (expected decision cost plus reviewers' pay) that breaks no
constraint, searched on a grid: thresholds and value caps on the lattices the drill's sliders reach,
each with the smallest headcount meeting capacity and any service level (more reviewers only add pay).
The case's hard rules hold in every candidate as in :func:`~nogo.models.policy_model.evaluate_policy`
(a forbidden action goes to a person), so the optimum never takes a forbidden action alone, and the
fairness constraint is the case's own measure.
A policy off the grid can beat the grid optimum by a little: its regret is then slightly below zero,
and reported as is.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from nogo._validate import as_float_array, check_rate
from nogo.errors import InputError
from nogo.models.costs import ACT, DECLINE, ESCALATE
from nogo.models.escalation import reviewers_needed
from nogo.models.policy_model import (
    GAP_TOLERANCE,
    IMPACT_RATIO_TOLERANCE,
    TOLERANCE,
    PolicyMetrics,
    PolicySettings,
    PreparedLog,
    adverse_impact,
    capacity_ok,
    escalation_load,
    evaluate_policy,
    usd_label,
)

__all__ = [
    "TIE_SLACK",
    "Submission",
    "min_reviewers",
    "naive_settings",
    "optimal_policy",
    "regret",
    "reviewers_for",
    "submit",
]


TIE_SLACK = 1e-9
"""Relative slack under which two candidates' costs tie (floating-point sums of the same policy)."""

# --------------------------------------------------------------------------- headcount and optimum


def min_reviewers(prep: PreparedLog, n_escalate: np.ndarray) -> np.ndarray:
    """Smallest headcount (>= 1) meeting capacity and any service level, per escalation count.

    ``n_escalate`` holds escalation counts over the whole log; the result has its shape.
    """
    a = prep.assumptions
    rate, load = escalation_load(prep, n_escalate)
    c = np.maximum(1.0, np.ceil(load / a.max_utilisation))
    down = (c > 1) & capacity_ok(load, np.maximum(c - 1, 1.0), a.max_utilisation)
    c = np.where(down, c - 1, c)
    for _ in range(8):  # floating-point edge cases only: at most a step or two
        short = ~capacity_ok(load, c, a.max_utilisation)
        if not short.any():
            break
        c = np.where(short, c + 1, c)
    if a.sla_minutes is not None:
        c = np.maximum(c, reviewers_needed(rate, a.handle_minutes, a.sla_minutes, a.target_within_sla))
    return c.astype(np.int64)


def reviewers_for(prepared: PreparedLog, t_lo: float, t_hi: float, value_cap_usd: float = math.inf) -> int:
    """Smallest headcount that keeps this policy's queue within capacity and any service level.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from nogo.models.costs import DecisionCosts
    >>> from nogo.models.policy_model import prepare_policy_log
    >>> log = pd.DataFrame({"value_usd": np.ones(4800), "outcome": np.ones(4800, bool)})
    >>> prep = prepare_policy_log(log, np.full(4800, 0.5), DecisionCosts(1, 1, 1), days=10)
    >>> reviewers_for(prep, 0.0, 0.9)  # 60 an hour at 10 minutes: 10 erlangs, 85% busy at most
    12
    """
    m = evaluate_policy(prepared, PolicySettings(t_lo, t_hi, value_cap_usd, 1))
    return int(min_reviewers(prepared, np.array([m.n_escalate]))[0])


def naive_settings(prepared: PreparedLog, confidence: float = 0.9) -> PolicySettings:
    """The naive rule: act at or above ``confidence``, escalate the rest, no cap, just enough reviewers.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from nogo.models.costs import DecisionCosts
    >>> from nogo.models.policy_model import prepare_policy_log
    >>> log = pd.DataFrame({"value_usd": np.ones(4800), "outcome": np.ones(4800, bool)})
    >>> prep = prepare_policy_log(log, np.full(4800, 0.5), DecisionCosts(1, 1, 1), days=10)
    >>> naive_settings(prep).describe()
    't_lo=0 t_hi=0.9 cap=none reviewers=12'
    """
    t = check_rate("confidence", confidence)
    return PolicySettings(0.0, t, math.inf, reviewers_for(prepared, 0.0, t))


def optimal_policy(
    prepared: PreparedLog,
    *,
    thresholds: npt.ArrayLike | None = None,
    value_caps_usd: npt.ArrayLike | None = None,
) -> PolicyMetrics:
    """The cheapest policy (expected cost plus staffing) that breaks no constraint, on a grid.

    Every pair ``t_lo <= t_hi`` of ``thresholds`` and every cap of ``value_caps_usd`` (defaults: the
    prepared lattices), each with the smallest headcount meeting capacity and any service level (a
    policy needing more than ``max_reviewers`` is infeasible). The log is binned once by threshold and
    cap (``numpy.bincount``); then the cost of every candidate is ``F(t_lo) + G(t_hi, cap)`` from suffix
    sums, all candidates at once. Ties (within :data:`TIE_SLACK` of the cost, e.g. a decline band a
    hard rule sends to a person costs the same whatever ``t_lo``) go to the first in (t_lo, t_hi, cap)
    order.

    Returns
    -------
    PolicyMetrics
        :func:`evaluate_policy` at the best settings.

    Examples
    --------
    >>> import pandas as pd
    >>> from nogo.models.costs import DecisionCosts
    >>> from nogo.models.policy_model import PolicyAssumptions, PolicySettings, prepare_policy_log
    >>> log = pd.DataFrame({"value_usd": [10.0, 50.0, 900.0, 20.0], "outcome": [1, 1, 0, 0]})
    >>> c = DecisionCosts(false_action_usd=log["value_usd"], missed_usd=5.0, escalate_usd=2.0)
    >>> prep = prepare_policy_log(log, [0.95, 0.9, 0.92, 0.3], c, days=1,
    ...                           assumptions=PolicyAssumptions(reviewer_cost_per_hour_usd=0))
    >>> best = optimal_policy(prep)
    >>> round(best.cost_usd, 6), best.n_act, best.n_escalate  # 0.05 * 10 + 2 + 2 + 0.3 * 5
    (6.0, 1, 2)
    """
    prep, a = prepared, prepared.assumptions
    t_grid = (
        prep.thresholds
        if thresholds is None
        else np.unique(as_float_array("thresholds", thresholds, unit_interval=True))
    )
    c_grid = (
        prep.value_caps_usd
        if value_caps_usd is None
        else np.unique(as_float_array("value_caps_usd", value_caps_usd, finite=False))
    )
    if np.isnan(c_grid).any() or (c_grid < 0).any():
        raise InputError("value_caps_usd: expected caps >= 0 (inf: no cap)")
    k, m, n = len(t_grid), len(c_grid), prep.n
    kb = np.searchsorted(t_grid, prep.p, side="right")  # p >= t_grid[t] <=> kb >= t + 1
    cb = np.searchsorted(c_grid, prep.value_usd, side="left")  # value <= c_grid[c] <=> cb <= c
    cb[~prep.act_ok] = m  # a hard rule forbids acting alone: within no cap

    rows = kb * (m + 1) + cb

    def table(weights: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """Suffix sums over rows with p >= t_grid[t]: all caps (k,), and within cap c (k, m)."""
        h = np.bincount(rows, weights, minlength=(k + 1) * (m + 1)).reshape(k + 1, m + 1)
        suffix = np.cumsum(h[::-1], axis=0)[::-1][1:]  # row t: rows with kb >= t + 1
        return suffix.sum(axis=1), np.cumsum(suffix, axis=1)[:, :m]

    dec_all, _ = table(prep.expected[:, DECLINE])
    esc_all, esc_cap = table(prep.expected[:, ESCALATE])
    _, act_cap = table(prep.expected[:, ACT])
    count_all, count_cap = table(None)
    _, err_cap = table(1.0 - prep.p)
    forbid_decline = (~prep.decline_ok).astype(np.float64)
    routed_below = forbid_decline.sum() - table(forbid_decline)[0]  # (k,) below t_lo, a person decides
    f = prep.cum_expected[n, DECLINE] - dec_all + esc_all  # (k,) by t_lo
    g = act_cap - esc_cap  # (k, m) by t_hi, cap
    cost = f[:, None, None] + g[None, :, :]
    n_esc = np.rint((count_all + routed_below)[:, None, None] - count_cap[None, :, :]).astype(np.int64)
    n_esc = np.maximum(n_esc, 0)  # negative only for t_lo > t_hi, which is infeasible anyway
    feasible = np.broadcast_to((t_grid[:, None] <= t_grid[None, :])[:, :, None], cost.shape).copy()
    if a.error_budget is not None:
        feasible &= (err_cap / n <= a.error_budget + TOLERANCE)[None, :, :]
    if prep.group_codes is not None:
        outcome, compare, limit = prep.measure()
        hits = []
        for code in range(len(prep.group_labels)):  # a loop over groups, not rows
            w = np.where(prep.group_codes == code, prep.group_weight, 0.0)
            if outcome == "act":
                hits.append(table(w)[1])  # (k, m) by t_hi, cap: acted on alone
            else:  # (k,) by t_lo: all but what is declined alone below it
                kept = w * prep.decline_ok
                hits.append(prep.group_total[code] - (kept.sum() - table(kept)[0]))
        rates, air = adverse_impact(np.stack(hits), prep.group_sizes)
        if compare == "ratio":
            ok = ~(air < limit - IMPACT_RATIO_TOLERANCE)
        else:
            ok = rates.max(axis=0) - rates.min(axis=0) <= limit + GAP_TOLERANCE
        feasible &= ok[None, :, :] if outcome == "act" else ok[:, None, None]
    uniq, inverse = np.unique(n_esc, return_inverse=True)
    heads = min_reviewers(prep, uniq)
    reviewers = heads[inverse].reshape(cost.shape)
    if a.max_reviewers is not None:
        feasible &= reviewers <= a.max_reviewers
    total = cost + reviewers * (a.reviewer_cost_per_hour_usd * a.hours_per_day * prep.days)
    total = np.where(feasible, total, np.inf)
    best = int(np.argmin(total))
    if not np.isfinite(total.flat[best]):
        raise InputError("assumptions: no policy on the grid meets every constraint; relax one")
    low = total.flat[best]  # ties up to rounding (a rule makes some settings the same policy): the first
    best = int(np.flatnonzero(total.ravel() <= low + TIE_SLACK * max(1.0, abs(low)))[0])
    lo, hi, cap = np.unravel_index(best, total.shape)
    settings = PolicySettings(
        float(t_grid[lo]), float(t_grid[hi]), float(c_grid[cap]), int(reviewers[lo, hi, cap])
    )
    return evaluate_policy(prep, settings)


# --------------------------------------------------------------------------- scoring


@dataclass(frozen=True)
class Submission:
    """A submitted policy scored against the optimum: ``regret_usd = cost - optimal cost`` (expected).

    A policy that breaks a constraint earns no credit for what breaking it saves: its regret is at least
    zero (``saving_usd`` keeps what it would have saved), so no infeasible policy scores better than a
    feasible one that is optimal.
    """

    metrics: PolicyMetrics
    optimum: PolicyMetrics
    regret_usd: float

    @property
    def saving_usd(self) -> float:
        """What an infeasible policy costs less than the optimum by breaking a constraint (else 0)."""
        return max(0.0, self.optimum.cost_usd - self.metrics.cost_usd) if self.violations else 0.0

    @property
    def settings(self) -> PolicySettings:
        """The submitted settings."""
        return self.metrics.settings

    @property
    def violations(self) -> tuple[str, ...]:
        """The constraints the submitted policy breaks."""
        return self.metrics.violations

    def text(self) -> str:
        """Plain-text verdict."""
        broken = "; ".join(self.violations) if self.violations else "none"
        saving = self.saving_usd
        note = (
            f" It would cost {usd_label(saving)} less than the optimum only by breaking them: no credit."
            if saving > 0
            else ""
        )
        return (
            f"Regret: {usd_label(self.regret_usd)} against the optimum ({self.optimum.settings.describe()}, "
            f"expected cost {usd_label(self.optimum.cost_usd)}). Constraints broken: {broken}.{note}"
        )


def regret(
    prepared: PreparedLog,
    settings: PolicySettings | Mapping[str, Any],
    *,
    optimum: PolicyMetrics | None = None,
) -> float:
    """Expected cost of ``settings`` minus that of the optimum (computed unless given); at least 0 when
    ``settings`` breaks a constraint (see :class:`Submission`).

    Examples
    --------
    >>> import pandas as pd
    >>> from nogo.models.costs import DecisionCosts
    >>> from nogo.models.policy_model import PolicyAssumptions, PolicySettings, prepare_policy_log
    >>> log = pd.DataFrame({"value_usd": [10.0, 50.0, 900.0, 20.0], "outcome": [1, 1, 0, 0]})
    >>> c = DecisionCosts(false_action_usd=log["value_usd"], missed_usd=5.0, escalate_usd=2.0)
    >>> prep = prepare_policy_log(log, [0.95, 0.9, 0.92, 0.3], c, days=1,
    ...                           assumptions=PolicyAssumptions(reviewer_cost_per_hour_usd=0))
    >>> round(regret(prep, {"t_lo": 0.5, "t_hi": 0.9, "value_cap_usd": 100}), 6)
    3.0
    """
    return submit(prepared, settings, optimum=optimum).regret_usd


def submit(
    prepared: PreparedLog,
    settings: PolicySettings | Mapping[str, Any],
    *,
    optimum: PolicyMetrics | None = None,
) -> Submission:
    """Score a policy: its metrics, the optimum's, the regret and the broken constraints.

    Examples
    --------
    >>> import pandas as pd
    >>> from nogo.models.costs import DecisionCosts
    >>> from nogo.models.policy_model import PolicyAssumptions, PolicySettings, prepare_policy_log
    >>> log = pd.DataFrame({"value_usd": [10.0, 50.0, 900.0, 20.0], "outcome": [1, 1, 0, 0]})
    >>> c = DecisionCosts(false_action_usd=log["value_usd"], missed_usd=5.0, escalate_usd=2.0)
    >>> prep = prepare_policy_log(log, [0.95, 0.9, 0.92, 0.3], c, days=1,
    ...                           assumptions=PolicyAssumptions(reviewer_cost_per_hour_usd=0))
    >>> print(submit(prep, PolicySettings(0.0, 0.0)).text())  # doctest: +NORMALIZE_WHITESPACE
    Regret: $85.5 against the optimum (t_lo=0.31 t_hi=0.31 cap=$10 reviewers=1, expected cost $6).
    Constraints broken: none.
    """
    metrics = evaluate_policy(prepared, settings)
    best = optimal_policy(prepared) if optimum is None else optimum
    diff = metrics.cost_usd - best.cost_usd
    return Submission(metrics, best, max(diff, 0.0) if metrics.violations else diff)
