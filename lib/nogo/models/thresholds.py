"""Thresholds are policies: when the agent should act, escalate or decline.

Two views of the same question.

*Analytic* (:mod:`nogo.models.cutoffs`, re-exported here). With a calibrated probability ``p`` that
acting is right and per-decision costs, the expected-cost-optimal action is the cheapest of act,
escalate and decline: two cut-offs on ``p`` with scalar costs (:func:`three_way_cuts`), the classic
``C_false_action / (C_false_action + C_missed)`` without a usable escalation (:func:`classic_cut`).

*Empirical.* From a decision log (score, outcome, costs per decision), the realised cost of the policy
"act when score >= t" at every distinct threshold from one sort and cumulative sums, and the exact
two-threshold policy (act above ``t_hi``, escalate between, decline below ``t_lo``), optionally within
reviewer capacity and an error budget.

Complexity of the searches, for a log of n decisions: one ``argsort`` (O(n log n)), then O(n) prefix
sums and scans; the two-threshold search is :func:`nogo.models.threshold_search.search_two_cuts`, the
log's boundary checks and sort are in :mod:`nogo.models.decision_log`. Memory is O(n).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from nogo._validate import as_float_array, as_scalar, check_choice
from nogo.errors import InputError
from nogo.models.costs import ACT, DECLINE, ESCALATE, DecisionCosts
from nogo.models.cutoffs import classic_cut, optimal_action, three_way_cuts
from nogo.models.decision_log import SortedLog, prefix_sums, sort_log, validate_log
from nogo.models.threshold_search import search_two_cuts

__all__ = [
    "Policy",
    "best_threshold",
    "best_two_thresholds",
    "classic_cut",
    "compare_policies",
    "naive_policy",
    "optimal_action",
    "sweep_thresholds",
    "three_way_cuts",
]


@dataclass(frozen=True)
class Policy:
    """A threshold policy and what it realised on a decision log.

    Act when ``score >= t_hi``; escalate when ``t_lo <= score < t_hi``; decline when ``score < t_lo``.
    ``t_hi = inf`` means never act; ``t_lo = t_hi`` means never escalate.
    """

    label: str
    t_lo: float
    t_hi: float
    n_decisions: int
    n_act: int
    n_escalate: int
    n_wrong_actions: int
    cost_usd: float

    @property
    def n_decline(self) -> int:
        """Decisions declined."""
        return self.n_decisions - self.n_act - self.n_escalate

    @property
    def error_rate(self) -> float:
        """Wrong autonomous actions per decision."""
        return self.n_wrong_actions / self.n_decisions

    @property
    def cost_per_decision_usd(self) -> float:
        """Realised cost per decision."""
        return self.cost_usd / self.n_decisions

    def actions(self, score: npt.ArrayLike) -> np.ndarray:
        """Apply the policy to new scores."""
        s = as_float_array("score", score)
        out = np.full(s.shape, "decline", dtype=object)
        out[s >= self.t_lo] = "escalate"
        out[s >= self.t_hi] = "act"
        return out.astype(str)

    def as_dict(self) -> dict[str, float | int | str]:
        """A flat record for a results table."""
        return {
            "policy": self.label,
            "t_lo": self.t_lo,
            "t_hi": self.t_hi,
            "act_rate": self.n_act / self.n_decisions,
            "escalate_rate": self.n_escalate / self.n_decisions,
            "decline_rate": self.n_decline / self.n_decisions,
            "n_escalate": self.n_escalate,
            "error_rate": self.error_rate,
            "cost_usd": self.cost_usd,
            "cost_per_decision_usd": self.cost_per_decision_usd,
        }


def sweep_thresholds(
    score: npt.ArrayLike,
    outcome: npt.ArrayLike,
    costs: DecisionCosts,
    *,
    otherwise: str = "decline",
) -> pd.DataFrame:
    """Realised cost of "act when score >= threshold" at every distinct threshold of a log.

    One sort and cumulative sums: O(n log n). Below the threshold the agent does ``otherwise``
    (``"decline"`` or ``"escalate"``).

    Parameters
    ----------
    score
        The agent's score per decision (higher: more sure acting is right). Any finite reals.
    outcome
        1 (True) where acting would have been right.
    costs
        Per-decision costs (scalars broadcast).
    otherwise
        What happens below the threshold.

    Returns
    -------
    pandas.DataFrame
        One row per distinct threshold, highest first, starting with ``inf`` (never act):
        ``threshold``, ``n_act``, ``act_rate``, ``n_wrong_actions``, ``error_rate`` (wrong
        actions per decision) and ``cost_usd``.

    Examples
    --------
    >>> c = DecisionCosts(false_action_usd=9, missed_usd=1)
    >>> sweep_thresholds([0.9, 0.2, 0.6], [1, 0, 1], c)[["threshold", "n_act", "cost_usd"]]
       threshold  n_act  cost_usd
    0        inf      0       2.0
    1        0.9      1       1.0
    2        0.6      2       0.0
    3        0.2      3       9.0
    """
    check_choice("otherwise", otherwise, ("decline", "escalate"))
    s, y = validate_log(score, outcome, costs)
    col = DECLINE if otherwise == "decline" else ESCALATE
    right, wrong = costs.by_state()
    gain_right = right[:, ACT] - right[:, col]  # change in cost when a right decision is acted on
    gain_wrong = wrong[:, ACT] - wrong[:, col]
    n = len(s)
    order = np.argsort(s)[::-1]
    s_sorted = s[order]
    y_sorted = y[order]
    if len(costs) == 1:
        gain = np.where(y_sorted, gain_right[0], gain_wrong[0])
        n_right = int(y.sum())
        total_other = n_right * right[0, col] + (n - n_right) * wrong[0, col]
    else:
        gain = np.where(y, gain_right, gain_wrong)[order]
        total_other = np.where(y, right[:, col], wrong[:, col]).sum()
    cum_gain = prefix_sums(gain)
    cum_wrong = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(~y_sorted, out=cum_wrong[1:])
    threshold = np.empty(n + 1)
    threshold[0] = np.inf
    threshold[1:] = s_sorted
    distinct = s_sorted[1:] != s_sorted[:-1]
    if not distinct.all():  # ties: keep only splits between distinct scores
        k = np.flatnonzero(np.concatenate([[True], distinct, [True]]))
        threshold, cum_gain, cum_wrong = threshold[k], cum_gain[k], cum_wrong[k]
    else:
        k = np.arange(n + 1)
    cost_usd = cum_gain
    cost_usd += total_other
    return pd.DataFrame(
        {
            "threshold": threshold,
            "n_act": k,
            "act_rate": k / n,
            "n_wrong_actions": cum_wrong,
            "error_rate": cum_wrong / n,
            "cost_usd": cost_usd,
        },
        copy=False,
    )


def _policy_from_split(log: SortedLog, i: int, j: int, label: str) -> Policy:
    cost = log.cost[:i, ACT].sum() + log.cost[i:j, ESCALATE].sum() + log.cost[j:, DECLINE].sum()
    t_hi = float(log.threshold_at(i))
    t_lo = float(log.threshold_at(j)) if j > i else t_hi
    return Policy(
        label=label,
        t_lo=t_lo,
        t_hi=t_hi,
        n_decisions=log.n,
        n_act=int(i),
        n_escalate=int(j - i),
        n_wrong_actions=int(log.wrong[:i].sum()),
        cost_usd=float(cost),
    )


def _days(days) -> float:
    span = as_scalar("days", days)
    if not span > 0:
        raise InputError(f"days: expected the log's span in days (> 0), got {days!r}")
    return span


def _budget(error_budget) -> float | None:
    return None if error_budget is None else as_scalar("error_budget", error_budget, unit_interval=True)


def _limits(n: int, max_escalations_per_day, days, error_budget) -> tuple[int | None, float | None]:
    span = _days(days)
    cap = None
    if max_escalations_per_day is not None:
        rate = as_scalar("max_escalations_per_day", max_escalations_per_day, nonnegative=True)
        cap = int(np.floor(rate * span + 1e-9))
    budget = _budget(error_budget)
    return cap, None if budget is None else budget * n


def best_two_thresholds(
    score: npt.ArrayLike,
    outcome: npt.ArrayLike,
    costs: DecisionCosts,
    *,
    max_escalations_per_day: float | None = None,
    days: float = 1.0,
    error_budget: float | None = None,
) -> Policy:
    """The exact cost-minimising act / escalate / decline policy on a decision log.

    Searches every pair of distinct-score cut-offs in O(n log n) (see the module docstring).

    Parameters
    ----------
    score, outcome, costs
        As in :func:`sweep_thresholds`.
    max_escalations_per_day
        Reviewer capacity; with ``days``, the log may escalate at most ``floor(capacity * days)``.
    days
        How many days the log covers.
    error_budget
        Largest allowed share of decisions that are wrong autonomous actions.

    Examples
    --------
    >>> c = DecisionCosts(false_action_usd=9, missed_usd=1, escalate_usd=0.4)
    >>> p = best_two_thresholds([0.95, 0.7, 0.5, 0.1], [1, 0, 1, 0], c)
    >>> p.t_hi, p.t_lo, round(p.cost_usd, 6)
    (0.95, 0.5, 0.8)
    """
    log = sort_log(score, outcome, costs)
    cap, budget = _limits(log.n, max_escalations_per_day, days, error_budget)
    i, j, _ = search_two_cuts(log.cost, log.wrong, log.valid, max_escalations=cap, max_wrong_actions=budget)
    label = "best act/escalate/decline" + (" (constrained)" if cap is not None or budget is not None else "")
    return _policy_from_split(log, int(i[0]), int(j[0]), label)


def best_threshold(
    score: npt.ArrayLike,
    outcome: npt.ArrayLike,
    costs: DecisionCosts,
    *,
    otherwise: str = "decline",
    error_budget: float | None = None,
) -> Policy:
    """The cost-minimising single threshold: act at or above it, ``otherwise`` below.

    Examples
    --------
    >>> c = DecisionCosts(false_action_usd=9, missed_usd=1)
    >>> best_threshold([0.9, 0.2, 0.6], [1, 0, 1], c).t_hi
    0.6
    """
    table = sweep_thresholds(score, outcome, costs, otherwise=otherwise)
    cost = table["cost_usd"].to_numpy()
    budget = _budget(error_budget)
    if budget is not None:
        cost = np.where(table["error_rate"].to_numpy() <= budget + 1e-12, cost, np.inf)
    row = table.iloc[int(np.argmin(cost))]
    n = int(table["n_act"].iloc[-1])  # the last row acts on every decision
    n_act = int(row["n_act"])
    t_hi = float(row["threshold"])
    return Policy(
        label=f"best single threshold (else {otherwise})",
        t_lo=t_hi if otherwise == "decline" else -np.inf,
        t_hi=t_hi,
        n_decisions=n,
        n_act=n_act,
        n_escalate=n - n_act if otherwise == "escalate" else 0,
        n_wrong_actions=int(row["n_wrong_actions"]),
        cost_usd=float(row["cost_usd"]),
    )


def naive_policy(
    score: npt.ArrayLike,
    outcome: npt.ArrayLike,
    costs: DecisionCosts,
    *,
    confidence: float = 0.9,
    otherwise: str = "escalate",
) -> Policy:
    """The naive rule "act above ``confidence``, a person reviews the rest", priced on the log.

    Examples
    --------
    >>> c = DecisionCosts(false_action_usd=9, missed_usd=1, escalate_usd=0.4)
    >>> round(naive_policy([0.95, 0.7, 0.5, 0.1], [1, 0, 1, 0], c).cost_usd, 6)
    1.2
    """
    check_choice("otherwise", otherwise, ("decline", "escalate"))
    s, y = validate_log(score, outcome, costs)
    t = as_scalar("confidence", confidence)
    cost = costs.realised(y)
    act = s >= t
    other = cost[:, DECLINE] if otherwise == "decline" else cost[:, ESCALATE]
    n_act = int(act.sum())
    return Policy(
        label=f"naive: act above {t:.0%} confidence, else {otherwise}",
        t_lo=t if otherwise == "decline" else -np.inf,
        t_hi=t,
        n_decisions=len(s),
        n_act=n_act,
        n_escalate=len(s) - n_act if otherwise == "escalate" else 0,
        n_wrong_actions=int((act & ~y).sum()),
        cost_usd=float(np.where(act, cost[:, ACT], other).sum()),
    )


def compare_policies(
    score: npt.ArrayLike,
    outcome: npt.ArrayLike,
    costs: DecisionCosts,
    *,
    naive_confidence: float = 0.9,
    max_escalations_per_day: float | None = None,
    days: float = 1.0,
    error_budget: float | None = None,
) -> pd.DataFrame:
    """The naive rule beside the best single threshold and the best three-way policy.

    Returns one row per policy with its rates, error rate, cost and ``regret_usd`` against the
    cheapest policy in the table that meets the constraints.
    """
    span = _days(days)
    policies = [
        naive_policy(score, outcome, costs, confidence=naive_confidence),
        best_threshold(score, outcome, costs, error_budget=error_budget),
        best_two_thresholds(score, outcome, costs),
    ]
    if max_escalations_per_day is not None or error_budget is not None:
        policies.append(
            best_two_thresholds(
                score,
                outcome,
                costs,
                max_escalations_per_day=max_escalations_per_day,
                days=days,
                error_budget=error_budget,
            )
        )
    table = pd.DataFrame([p.as_dict() for p in policies])
    table["escalations_per_day"] = table["n_escalate"] / span
    feasible = np.ones(len(table), dtype=bool)
    if max_escalations_per_day is not None:
        rate = as_scalar("max_escalations_per_day", max_escalations_per_day, nonnegative=True)
        feasible &= table["escalations_per_day"].to_numpy() <= rate + 1e-9
    if error_budget is not None:
        feasible &= table["error_rate"].to_numpy() <= _budget(error_budget) + 1e-12
    table["meets_constraints"] = feasible
    best = table.loc[feasible, "cost_usd"].min()
    table["regret_usd"] = table["cost_usd"] - best
    return table
