"""How sure is the best threshold? A seeded, vectorised bootstrap over the decision log.

Each replicate resamples the log's rows with replacement. Because resampling only changes how many times
each row counts, the log is sorted once and every replicate is a row of bootstrap counts over the same
sorted order: cumulative sums along the rows give every replicate's cost curve at once, in blocks that
keep memory bounded.

Two costs per replicate, because they answer different questions:

*in sample*
    the cost of the replicate's best policy on the replicate itself. The policy was chosen to fit those
    very rows, so this is optimistic: its interval says how the optimum of logs like this one varies,
    and it sits below what the chosen policy will cost on new decisions.
*out of sample* (cross-fitted)
    the policy chosen on the replicate, priced on the rows the replicate left out (about 37% of the log;
    Efron's leave-one-out bootstrap). Use this one for "what will the policy we pick cost per decision".
    Its interval is wider, and honest: on simulated logs with a known optimum the 90% interval covers the
    true optimal expected cost in well over 80% of logs (tested), where the in-sample one does not.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from nogo._validate import as_float_array, check_choice, check_whole_number
from nogo.errors import InputError
from nogo.models.costs import ACT, DECLINE, ESCALATE, DecisionCosts
from nogo.models.decision_log import prefix_sums, sort_log
from nogo.models.threshold_search import search_two_cuts
from nogo.models.thresholds import Policy, best_threshold, best_two_thresholds

__all__ = ["BootstrapResult", "bootstrap_policy", "resample_counts"]

_BLOCK_CELLS = 4_000_000  # replicates x decisions held in memory at once


@dataclass(frozen=True)
class BootstrapResult:
    """The best policy on the full log, and the best policy on each bootstrap replicate."""

    estimate: Policy
    # t_lo, t_hi, cost_usd, cost_per_decision_usd (in sample), out_of_sample_cost_per_decision_usd
    replicates: pd.DataFrame
    seed: int

    def summary(self, level: float = 0.9) -> pd.DataFrame:
        """Percentile intervals at ``level`` for the thresholds and the cost per decision.

        Returns a frame indexed by statistic with ``estimate``, ``low`` and ``high``: ``t_hi``, ``t_lo``,
        ``cost_per_decision_usd`` (in sample: the estimate is the full log's optimum, optimistic) and
        ``out_of_sample_cost_per_decision_usd`` (the policy chosen on each replicate priced on the rows it
        left out; the estimate is their mean). The module docstring says what each interval is and is
        not.
        """
        lv = float(as_float_array("level", level)[0])
        if not 0 < lv < 1:
            raise InputError(f"level: expected a value strictly between 0 and 1, got {level!r}")
        q = [(1 - lv) / 2, (1 + lv) / 2]
        est = self.estimate
        oob = "out_of_sample_cost_per_decision_usd"
        rows = {
            "t_hi": est.t_hi,
            "t_lo": est.t_lo,
            "cost_per_decision_usd": est.cost_per_decision_usd,
            oob: float(self.replicates[oob].mean()),
        }
        out = pd.DataFrame(
            {
                "estimate": rows,
                "low": {k: self.replicates[k].quantile(q[0]) for k in rows},
                "high": {k: self.replicates[k].quantile(q[1]) for k in rows},
            }
        )
        out.index.name = "statistic"
        return out


def resample_counts(rng: np.random.Generator, n_rep: int, n: int) -> np.ndarray:
    """Bootstrap counts: how often each of ``n`` rows is drawn in each of ``n_rep`` resamples of size ``n``.

    A resample as weights, shape ``(n_rep, n)``: weighted sums over a log replace indexing it, so all
    replicates run as one array operation. Each row sums to ``n``.

    Examples
    --------
    >>> w = resample_counts(np.random.default_rng(0), 3, 5)
    >>> w.shape, w.sum(axis=1).tolist()
    ((3, 5), [5.0, 5.0, 5.0])
    """
    draws = rng.integers(0, n, size=(n_rep, n))
    flat = (draws + np.arange(n_rep)[:, None] * n).ravel()
    return np.bincount(flat, minlength=n_rep * n).reshape(n_rep, n).astype(np.float64)


def _out_of_bag_cost(cost: np.ndarray, left_out: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Cost per decision of each replicate's split (act on the top i, escalate to j) on its left-out rows.

    ``cost`` is (n, 3) in sorted order, ``left_out`` (B, n). A left-out row in the escalated band that
    cannot be escalated (inf) is declined. NaN for a replicate that left no row out.
    """
    esc = np.where(np.isinf(cost[:, ESCALATE]), cost[:, DECLINE], cost[:, ESCALATE])
    rows = np.arange(len(i))
    a = prefix_sums(left_out * cost[:, ACT])[rows, i]
    e = prefix_sums(left_out * esc)
    d = prefix_sums(left_out * cost[:, DECLINE])
    total = a + e[rows, j] - e[rows, i] + d[rows, -1] - d[rows, j]
    n_out = left_out.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n_out > 0, total / n_out, np.nan)


def bootstrap_policy(
    score: npt.ArrayLike,
    outcome: npt.ArrayLike,
    costs: DecisionCosts,
    *,
    kind: str = "three-way",
    n_boot: int = 200,
    seed: int,
    error_budget: float | None = None,
) -> BootstrapResult:
    """Bootstrap the best single-threshold or three-way policy of a decision log.

    Parameters
    ----------
    score, outcome, costs
        The decision log and its per-decision costs.
    kind
        ``"single"`` (act at or above the threshold, decline below) or ``"three-way"``.
    n_boot
        Number of replicates.
    seed
        Seed of the resampling; the same seed gives the same replicates.
    error_budget
        Largest allowed share of wrong autonomous actions, applied in every replicate.
        (Reviewer capacity is not bootstrapped: on a resample it is not a fixed window of rows.)

    Returns
    -------
    BootstrapResult
        ``replicates`` holds each replicate's best ``t_lo``, ``t_hi``, its in-sample cost
        (``cost_usd``, ``cost_per_decision_usd``) and its out-of-sample cost per decision
        (``out_of_sample_cost_per_decision_usd``). The in-sample cost interval is optimistic (each
        replicate re-optimises on its own rows); quote the out-of-sample one for what a chosen policy
        will cost (see the module docstring).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> p = rng.uniform(size=2000); y = rng.uniform(size=2000) < p
    >>> r = bootstrap_policy(p, y, DecisionCosts(false_action_usd=3, missed_usd=1), kind="single",
    ...                      n_boot=50, seed=1)
    >>> s = r.summary()
    >>> bool(s.loc["t_hi", "low"] < 0.75 < s.loc["t_hi", "high"])
    True
    """
    check_choice("kind", kind, ("single", "three-way"))
    check_whole_number("n_boot", n_boot, low=1)
    check_whole_number("seed", seed, low=0)
    log = sort_log(score, outcome, costs)
    n = log.n
    budget = None
    if error_budget is not None:
        budget = float(as_float_array("error_budget", error_budget, unit_interval=True)[0])
    if kind == "single":
        estimate = best_threshold(score, outcome, costs, error_budget=budget)
        cost = log.cost.copy()
        cost[:, ESCALATE] = cost[:, DECLINE]  # below the threshold: decline
    else:
        estimate = best_two_thresholds(score, outcome, costs, error_budget=budget)
        cost = log.cost
    rng = np.random.default_rng(seed)
    block = max(1, _BLOCK_CELLS // n)
    parts = []
    for start in range(0, n_boot, block):
        w = resample_counts(rng, min(block, n_boot - start), n)[:, log.order]
        if kind == "single":
            gain = prefix_sums(w * (cost[:, ACT] - cost[:, DECLINE]))
            total = (w * cost[:, DECLINE]).sum(axis=1, keepdims=True) + gain
            ok = np.broadcast_to(log.valid, total.shape)
            if budget is not None:
                ok = ok & (prefix_sums(w * log.wrong) <= budget * n + 1e-9)
            total = np.where(ok, total, np.inf)
            i = np.argmin(total, axis=1)
            j = i
            best = total[np.arange(len(i)), i]
        else:
            i, j, best = search_two_cuts(
                cost,
                log.wrong,
                log.valid,
                max_escalations=None,
                max_wrong_actions=None if budget is None else budget * n,
                weights=w,
            )
        t_hi = log.threshold_at(i)
        t_lo = np.where(j > i, log.threshold_at(j), t_hi)
        parts.append(
            pd.DataFrame(
                {
                    "t_lo": t_lo,
                    "t_hi": t_hi,
                    "cost_usd": best,
                    "out_of_sample_cost_per_decision_usd": _out_of_bag_cost(cost, w == 0, i, j),
                }
            )
        )
    reps = pd.concat(parts, ignore_index=True)
    reps.insert(3, "cost_per_decision_usd", reps["cost_usd"] / n)
    return BootstrapResult(estimate=estimate, replicates=reps, seed=int(seed))
