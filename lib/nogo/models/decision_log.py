"""A decision log at the boundary, and sorted by score once for the threshold searches.

Every function that prices a policy on a log (:mod:`nogo.models.thresholds`, :mod:`nogo.models.bootstrap`)
checks it here: :func:`validate_log` (1-d ``score`` and ``outcome`` of one length, costs scalar or one per
decision) and :func:`sort_log` (the log by score, descending, with each decision's realised cost of every
action). :func:`prefix_sums` turns per-decision costs into the cost of "the top ``k``" for every ``k``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nogo._validate import as_float_array, as_outcome_array, check_same_length
from nogo.errors import InputError
from nogo.models.costs import DecisionCosts

__all__ = ["SortedLog", "check_costs", "prefix_sums", "sort_log", "validate_log"]


@dataclass(frozen=True)
class SortedLog:
    """A decision log sorted by score, descending, with its costs and valid split positions.

    Build it with :func:`sort_log`. Row ``k`` of the sorted log is row ``order[k]`` of the input; a split
    ``k`` means "the top ``k`` rows" (act on them, say), and ``valid[k]`` is False where it would part
    two equal scores, which no threshold can do.
    """

    score: np.ndarray  # (n,) descending
    cost: np.ndarray  # (n, 3): act, escalate, decline, in sorted order
    wrong: np.ndarray  # (n,) bool: acting would have been wrong
    valid: np.ndarray  # (n+1,) bool: k is a split between distinct scores (or an end)
    order: np.ndarray  # (n,) the sort: row k of the sorted log is row order[k] of the input

    @property
    def n(self) -> int:
        """Decisions in the log."""
        return len(self.score)

    def threshold_at(self, k: np.ndarray | int) -> np.ndarray:
        """Score threshold meaning "the top k rows": the k-th score, or +inf for k = 0."""
        k = np.asarray(k)
        padded = np.concatenate([[np.inf], self.score])
        return padded[k]


def check_costs(costs: DecisionCosts) -> None:
    """Raise :class:`InputError` unless ``costs`` is a :class:`DecisionCosts`."""
    if not isinstance(costs, DecisionCosts):
        raise InputError(
            f"costs: expected DecisionCosts (or CostModel.decision_costs(...)), got {type(costs).__name__}"
        )


def validate_log(score, outcome, costs: DecisionCosts) -> tuple[np.ndarray, np.ndarray]:
    """The boundary of every log function: 1-d score and outcome of one length, costs scalar or per row."""
    check_costs(costs)
    s = as_float_array("score", score, per_decision=True)
    y = as_outcome_array("outcome", outcome, per_decision=True)
    check_same_length({"score": s, "outcome": y}, broadcast=False)
    if len(costs) not in (1, len(s)):
        raise InputError(f"costs: expected one value per decision ({len(s)}) or a scalar, got {len(costs)}")
    return s, y


def sort_log(score, outcome, costs: DecisionCosts) -> SortedLog:
    """Validate a log and sort it by score, descending, with every action's realised cost per decision.

    Examples
    --------
    >>> log = sort_log([0.2, 0.9, 0.9], [0, 1, 0], DecisionCosts(false_action_usd=9, missed_usd=1))
    >>> log.score.tolist(), log.valid.tolist(), float(log.threshold_at(1))
    ([0.9, 0.9, 0.2], [True, False, True, True], 0.9)
    """
    s, y = validate_log(score, outcome, costs)
    cost = costs.realised(y)
    order = np.argsort(-s)
    s_sorted = s[order]
    valid = np.ones(len(s) + 1, dtype=bool)
    valid[1:-1] = s_sorted[1:] != s_sorted[:-1]
    return SortedLog(s_sorted, cost[order], ~y[order], valid, order)


def prefix_sums(x: np.ndarray) -> np.ndarray:
    """Prefix sums with a leading zero along the last axis: entry ``k`` is the sum of the first ``k``.

    Examples
    --------
    >>> prefix_sums(np.array([1.0, 2.0, 3.0])).tolist()
    [0.0, 1.0, 3.0, 6.0]
    """
    out = np.zeros((*x.shape[:-1], x.shape[-1] + 1))
    np.cumsum(x, axis=-1, out=out[..., 1:])
    return out
