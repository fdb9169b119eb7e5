"""Thresholds are policies: when the agent should act, escalate or decline.

Two views of the same question.

*Analytic.* With a calibrated probability ``p`` that acting is right and per-decision costs, the
expected-cost-optimal action is the cheapest of act, escalate and decline (Chow's reject option).
With scalar costs this is two cut-offs on ``p``: decline below ``t_lo``, act at or above ``t_hi``,
escalate in between. Without a usable escalation the cuts meet at the classic
``C_false_action / (C_false_action + C_missed)`` (net of the costs of the right outcomes).

*Empirical.* From a decision log (score, outcome, costs per decision), the realised cost of the policy
"act when score >= t" at every distinct threshold from one sort and cumulative sums, and the exact
two-threshold policy (act above ``t_hi``, escalate between, decline below ``t_lo``), optionally within
reviewer capacity and an error budget.

Complexity of the searches, for a log of n decisions: one ``argsort`` (O(n log n)), then O(n) prefix
sums and scans. The two-threshold search writes ``cost(i, j) = f(i) + g(j)`` over the sorted log (act on
the top ``i``, escalate ``i..j``, decline the rest), so the best ``i`` for every ``j`` is a running
minimum of ``f``; with a cap of ``k`` escalations it is a sliding-window minimum
(:func:`scipy.ndimage.minimum_filter1d`, O(n) independent of ``k``). Memory is O(n).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.ndimage import minimum_filter1d

from nogo.errors import (
    InputError,
    as_float_array,
    as_outcome_array,
    as_scalar,
    check_choice,
    check_same_length,
)
from nogo.models.costs import ACTIONS, DecisionCosts

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

_ACT, _ESC, _DEC = 0, 1, 2


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
    _check_costs(costs)
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
    _check_costs(costs)
    return np.asarray(ACTIONS)[np.argmin(costs.expected(p), axis=1)]


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


@dataclass(frozen=True)
class _SortedLog:
    """A decision log sorted by score, descending, with its costs and valid split positions."""

    score: np.ndarray  # (n,) descending
    cost: np.ndarray  # (n, 3): act, escalate, decline, in sorted order
    wrong: np.ndarray  # (n,) bool: acting would have been wrong
    valid: np.ndarray  # (n+1,) bool: k is a split between distinct scores (or an end)
    order: np.ndarray  # (n,) the sort: row k of the sorted log is row order[k] of the input

    @property
    def n(self) -> int:
        return len(self.score)

    def threshold_at(self, k: np.ndarray | int) -> np.ndarray:
        """Score threshold meaning "the top k rows": the k-th score, or +inf for k = 0."""
        k = np.asarray(k)
        padded = np.concatenate([[np.inf], self.score])
        return padded[k]


def _check_costs(costs: DecisionCosts) -> None:
    if not isinstance(costs, DecisionCosts):
        raise InputError(
            f"costs: expected DecisionCosts (or CostModel.decision_costs(...)), got {type(costs).__name__}"
        )


def _validate_log(score, outcome, costs: DecisionCosts) -> tuple[np.ndarray, np.ndarray]:
    """The boundary of every log function: 1-d score and outcome of one length, costs scalar or per row."""
    _check_costs(costs)
    s = as_float_array("score", score, per_decision=True)
    y = as_outcome_array("outcome", outcome, per_decision=True)
    check_same_length({"score": s, "outcome": y}, broadcast=False)
    if len(costs) not in (1, len(s)):
        raise InputError(f"costs: expected one value per decision ({len(s)}) or a scalar, got {len(costs)}")
    return s, y


def _sort_log(score, outcome, costs: DecisionCosts) -> _SortedLog:
    s, y = _validate_log(score, outcome, costs)
    cost = costs.realised(y)
    order = np.argsort(-s)
    s_sorted = s[order]
    valid = np.ones(len(s) + 1, dtype=bool)
    valid[1:-1] = s_sorted[1:] != s_sorted[:-1]
    return _SortedLog(s_sorted, cost[order], ~y[order], valid, order)


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
    s, y = _validate_log(score, outcome, costs)
    col = _DEC if otherwise == "decline" else _ESC
    right, wrong = costs.by_state()
    gain_right = right[:, _ACT] - right[:, col]  # change in cost when a right decision is acted on
    gain_wrong = wrong[:, _ACT] - wrong[:, col]
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
    cum_gain = _prefix(gain)
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


def _prefix(x: np.ndarray) -> np.ndarray:
    """Prefix sums with a leading zero along the last axis."""
    out = np.zeros((*x.shape[:-1], x.shape[-1] + 1))
    np.cumsum(x, axis=-1, out=out[..., 1:])
    return out


def _segmented_cummin(f: np.ndarray, segment: np.ndarray) -> np.ndarray:
    """Running minimum along the last axis that restarts wherever ``segment`` changes (rows independent)."""
    b, m = f.shape
    groups = (segment + np.arange(b)[:, None] * (m + 1)).ravel()
    return pd.Series(f.ravel()).groupby(groups, sort=False).cummin().to_numpy().reshape(b, m)


def _search_two(
    cost: np.ndarray,
    wrong: np.ndarray,
    valid: np.ndarray,
    *,
    max_escalations: int | None,
    max_wrong_actions: float | None,
    weights: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Best split positions (i, j) and cost for one log, or one per row of ``weights``.

    ``cost`` is (n, 3) in sorted order, ``weights`` (B, n) bootstrap counts. Returns arrays of length B
    (B = 1 without weights).

    A row whose escalation cost is inf (no reviewer for it) may not fall in the escalated band
    ``i <= k < j``: the band's cost is priced with those rows at 0 and ``i`` is searched only after the
    last such row before ``j`` (a running minimum that restarts there), so no ``inf - inf`` arises.
    """
    w = np.ones((1, cost.shape[0])) if weights is None else weights
    n = cost.shape[0]
    esc = cost[:, _ESC]
    blocked_row = np.isinf(esc)
    blocked = (w > 0) & blocked_row  # (B, n): rows in the sample that cannot be escalated
    a = _prefix(w * cost[:, _ACT])
    e = _prefix(w * np.where(blocked_row, 0.0, esc))
    d = _prefix(w * cost[:, _DEC])
    f = a - e  # (B, n+1): depends on the act/escalate split i
    g = e - d  # depends on the escalate/decline split j
    ok_i = np.broadcast_to(valid, f.shape)
    if max_wrong_actions is not None:
        wrong_cum = _prefix(w * wrong)
        ok_i = ok_i & (wrong_cum <= max_wrong_actions + 1e-9)
    f = np.where(ok_i, f, np.inf)
    pos = np.arange(n + 1)
    any_blocked = bool(blocked.any())
    if any_blocked:
        # start[b, j]: the first split i allowed for j, just after the last blocked row before j.
        start = np.zeros(f.shape, dtype=np.int64)
        np.maximum.accumulate(np.where(blocked, pos[1:], 0), axis=-1, out=start[:, 1:])
    capped = max_escalations is not None and max_escalations < n
    if capped:
        size = int(max_escalations) + 1
        best_f = minimum_filter1d(f, size, axis=-1, mode="constant", cval=np.inf, origin=(size - 1) // 2)
    else:
        best_f = np.minimum.accumulate(f, axis=-1)
    if any_blocked:
        # Where a blocked row is nearer than the capacity window's start, the window starts after it.
        if blocked.all():
            segment_min = f  # no row can be escalated: the window of j is j alone
        else:
            segment = np.zeros(f.shape, dtype=np.int64)  # blocked rows before each split
            np.cumsum(blocked, axis=-1, out=segment[:, 1:])
            segment_min = _segmented_cummin(f, segment)
        window_lo = pos - int(max_escalations) if capped else np.zeros_like(pos)
        best_f = np.where(start > window_lo, segment_min, best_f)
    total = np.where(valid, g + best_f, np.inf) + d[:, -1:]
    j = np.argmin(total, axis=-1)
    rows = np.arange(total.shape[0])
    best = total[rows, j]
    # Recover i: the first valid split in the allowed window whose f equals the window minimum.
    target = best_f[rows, j]
    lo = start[rows, j] if any_blocked else np.zeros_like(j)
    if capped:
        lo = np.maximum(lo, j - int(max_escalations))
    in_window = (pos[None, :] >= lo[:, None]) & (pos[None, :] <= j[:, None])
    i = np.argmax(in_window & (f == target[:, None]), axis=-1)
    return i, j, best


def _policy_from_split(log: _SortedLog, i: int, j: int, label: str) -> Policy:
    cost = log.cost[:i, _ACT].sum() + log.cost[i:j, _ESC].sum() + log.cost[j:, _DEC].sum()
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
    log = _sort_log(score, outcome, costs)
    cap, budget = _limits(log.n, max_escalations_per_day, days, error_budget)
    i, j, _ = _search_two(log.cost, log.wrong, log.valid, max_escalations=cap, max_wrong_actions=budget)
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
    s, y = _validate_log(score, outcome, costs)
    t = as_scalar("confidence", confidence)
    cost = costs.realised(y)
    act = s >= t
    other = cost[:, _DEC] if otherwise == "decline" else cost[:, _ESC]
    n_act = int(act.sum())
    return Policy(
        label=f"naive: act above {t:.0%} confidence, else {otherwise}",
        t_lo=t if otherwise == "decline" else -np.inf,
        t_hi=t,
        n_decisions=len(s),
        n_act=n_act,
        n_escalate=len(s) - n_act if otherwise == "escalate" else 0,
        n_wrong_actions=int((act & ~y).sum()),
        cost_usd=float(np.where(act, cost[:, _ACT], other).sum()),
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
