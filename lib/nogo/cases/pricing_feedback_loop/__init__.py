"""Pricing agents: guardrails on a repricing loop, and how far a repricing agent may act alone.

*The Fly run* ("The Making of a Fly", April 2011; shared/incidents.md section 1): :func:`fly_guardrails`
replays the two rules with :func:`nogo.repricing_loop` and finds, with the switches of
:mod:`nogo.models.killswitch`,
the day a price cap, a daily change limit and an anomaly kill switch would each have stopped the loop;
:func:`loop_projection` runs the loop forward with noisy multipliers under each bound, and
:func:`price_path_chart` draws the run with the day each guardrail fires.

*A catalogue decision* (shared/frameworks.md item 4: an illustrative interview prompt, not an incident): an
agent right 93% of the time on a long-tailed catalogue. :func:`pricing_catalogue` plants that truth in a
synthetic log; :func:`tail_share` shows the tail carries the expected cost of error; :func:`action_grid`
places the action types on the Impact Grid; :func:`value_cap_curve` and :func:`best_value_cap` price
"alone up to a value cap, a person approves above it" and find the best cap with a bootstrap interval over
SKUs (as :mod:`nogo.models.bootstrap`: sort once, bootstrap counts per replicate, cumulative sums), and the
out-of-bag cost of each replicate's cap (the in-sample optimum understates the cost on new SKUs);
:func:`value_cap_chart` draws the curve, the best cap and its interval.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import altair as alt
import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.special import expit, logit

from nogo._validate import as_bounded_scalar as _scalar
from nogo._validate import as_float_array, as_outcome_array, check_choice, check_rate
from nogo._validate import as_rng as _rng
from nogo._validate import check_count as _count
from nogo.cases.case import Case
from nogo.errors import InputError
from nogo.models.autonomy import decisions_needed, impact_grid
from nogo.models.bootstrap import resample_counts as _resample_counts
from nogo.models.costs import DecisionCosts
from nogo.models.decision_log import prefix_sums as _prefix
from nogo.models.dynamics import repricing_loop
from nogo.models.killswitch import CusumErrorRate, SignalCap, evaluate_kill_switches

__all__ = [
    "CASE",
    "GUARDRAIL_POLICIES",
    "PRICING_ACTIONS",
    "PricingFeedbackLoopCase",
    "ValueCapResult",
    "action_grid",
    "best_value_cap",
    "fly_guardrails",
    "loop_projection",
    "price_path_chart",
    "pricing_catalogue",
    "review_costs",
    "tail_share",
    "value_cap_chart",
    "value_cap_curve",
]

PRICING_ACTIONS: dict[str, tuple[float, float]] = {
    "small markdown": (0.55, 0.05),
    "price increase": (0.30, 0.10),
    "large markdown": (0.12, 0.30),
    "delist": (0.03, 0.50),
}
"""Action types of :func:`pricing_catalogue`: ``name -> (share of decisions, loss share)``. Illustrative:
the loss share is the part of a SKU's inventory value a wrong action of that type loses (sold too cheap,
left unsold and written down, or pulled from sale): a wrong delist of the largest ($4M) SKU costs $2M."""

# The Fly run (shared/incidents.md section 1), the defaults of fly_guardrails and loop_projection.
_FLY_P0_USD = 1_730_045.91  # cheapest new copy when first noticed: F1, F2 (SEEN)
_FLY_MULTIPLIER_A = 0.9983  # profnath: 0.9983 x bordeebook's price: F2 (SEEN)
_FLY_MULTIPLIER_B = 1.270589  # bordeebook: 1.270589 x profnath's price: F2, F4 (SEEN)
_FLY_DAYS = 10  # DERIVED: p0 * 1.270589 * 1.26843**10 = the $23,698,655.93 peak (F3, F5), 18 April (F1)

_BLOCK_CELLS = 1_000_000  # replicates x decisions held in memory at once
_MAX_CAPS = 400  # caps drawn by value_cap_chart


# -- boundary checks -------------------------------------------------------------------------------------


def _log(log: Any, who: str, columns: tuple[str, ...]) -> pd.DataFrame:
    if not isinstance(log, pd.DataFrame):
        raise InputError(f"log: expected a pandas DataFrame (a decision log), got {type(log).__name__}")
    if len(log) == 0:
        raise InputError("log: expected at least one decision, got an empty decision log")
    for col in columns:
        if col not in log.columns:
            available = ", ".join(map(str, log.columns)) or "none"
            raise InputError(f"{who}: column {col!r} not in the decision log (columns: {available})")
    return log


def _values(log: pd.DataFrame, who: str, col: str) -> np.ndarray:
    return as_float_array(f"{who}: column {col!r}", log[col].to_numpy(), nonnegative=True)


def _right_prob(log: pd.DataFrame, who: str, basis: str, prob_col: str) -> np.ndarray:
    """Probability (expected) or indicator (realised) that acting is right, per decision."""
    check_choice("basis", basis, ("realised", "expected"))
    if basis == "realised":
        _log(log, who, ("outcome",))
        return as_outcome_array(f"{who}: column 'outcome'", log["outcome"].to_numpy()).astype(np.float64)
    _log(log, who, (prob_col,))
    return as_float_array(f"{who}: column {prob_col!r}", log[prob_col].to_numpy(), unit_interval=True)


# -- the synthetic catalogue -----------------------------------------------------------------------------


def _actions(actions: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    pairs = np.array([])
    if isinstance(actions, Mapping) and all(isinstance(v, tuple | list) for v in actions.values()):
        try:
            pairs = np.array(list(actions.values()), dtype=np.float64)
        except (TypeError, ValueError):
            pass  # reported below
    if pairs.ndim != 2 or pairs.shape[1] != 2:
        raise InputError(f"actions: expected a mapping name -> pair (share, loss_share), got {actions!r}")
    names = np.array([str(k) for k in actions], dtype=object)
    share = as_float_array("actions: share", pairs[:, 0], unit_interval=True)
    loss = as_float_array("actions: loss_share", pairs[:, 1], unit_interval=True)
    if abs(share.sum() - 1) > 1e-9:
        raise InputError(f"actions: expected the shares of decisions to sum to 1, got {share.sum():g}")
    return names, share, loss


def pricing_catalogue(
    n_skus: int,
    *,
    seed: int | np.random.Generator,
    accuracy: float = 0.93,
    days: int = 30,
    value_min_usd: float = 250.0,
    value_max_usd: float = 4_000_000.0,
    value_alpha: float = 0.8,
    actions: Mapping[str, tuple[float, float]] | None = None,
    concentration: float = 20.0,
    overconfidence: float = 1.0,
) -> pd.DataFrame:
    """A synthetic log of repricing decisions on a long-tailed catalogue: one SKU, one decision, on a day
    drawn uniformly over ``days``. Every parameter is illustrative (no reported incident behind it).

    * ``value_usd``: the inventory value at stake, a bounded Pareto on ``[value_min_usd, value_max_usd]``
      with tail index ``value_alpha`` (``P(V > v)`` proportional to ``v**-alpha``, renormalised to the
      bounds; :func:`scipy.stats.truncpareto` with ``b=alpha``, ``c=max/min``, ``scale=min``). At the
      defaults the top 1% of SKUs hold about 60% of the value.
    * ``action_type``: drawn with the shares of ``actions`` (:data:`PRICING_ACTIONS`), independent of value;
      ``cost_if_wrong_usd`` is ``loss_share[action_type] * value_usd``, what a wrong action loses.
    * ``p_right``: the planted probability that the repricing is right, ``Beta(c * accuracy,
      c * (1 - accuracy))`` with ``c = concentration``, independent of value and action, so the expected
      accuracy is exactly ``accuracy``. ``outcome`` is a Bernoulli draw with that probability.
    * ``score``: the agent's confidence, ``expit(overconfidence * logit(p_right))``: calibrated (equal to
      ``p_right``) at 1, overconfident above 1, underconfident below.

    Returns
    -------
    pandas.DataFrame
        ``decision_id`` (0..n-1, in day order), ``day``, ``action_type``, ``value_usd``,
        ``cost_if_wrong_usd``, ``p_right``, ``score``, ``outcome``; ``attrs["planted"]`` holds the parameters.

    Examples
    --------
    >>> log = pricing_catalogue(20_000, seed=0)
    >>> round(float(log["outcome"].mean()), 2), bool(log["cost_if_wrong_usd"].max() > 1e6)
    (0.93, True)
    """
    n = _count("n_skus", n_skus)
    rng = _rng(seed)
    acc = _scalar(
        "accuracy", accuracy, low=0.0, high=1.0, low_open=True, high_open=True, expected="a share in (0, 1)"
    )
    n_days = _count("days", days)
    lo = _scalar("value_min_usd", value_min_usd, low=0.0, low_open=True, expected="a value > 0")
    hi = _scalar("value_max_usd", value_max_usd, low=lo, low_open=True, expected=f"a value > {lo:g}")
    alpha = _scalar("value_alpha", value_alpha, low=0.0, low_open=True, expected="a tail index > 0")
    names, share, loss = _actions(PRICING_ACTIONS if actions is None else actions)
    conc = _scalar("concentration", concentration, low=0.0, low_open=True, expected="a number > 0")
    gamma = _scalar("overconfidence", overconfidence, low=0.0, low_open=True, expected="a number > 0")

    u = rng.uniform(size=n)
    value = np.clip(lo * (1 - u * (1 - (lo / hi) ** alpha)) ** (-1 / alpha), lo, hi)  # clip: rounding
    kind = rng.choice(len(names), size=n, p=share / share.sum())
    p_right = rng.beta(conc * acc, conc * (1 - acc), size=n)
    outcome = rng.uniform(size=n) < p_right
    day = np.sort(rng.integers(0, n_days, size=n))
    score = p_right if gamma == 1 else expit(gamma * logit(p_right))  # logit(0 or 1) is -inf or inf
    log = pd.DataFrame(
        {
            "decision_id": np.arange(n),
            "day": day,
            "action_type": names[kind].astype(str),
            "value_usd": value,
            "cost_if_wrong_usd": loss[kind] * value,
            "p_right": p_right,
            "score": score,
            "outcome": outcome,
        }
    )
    acts = {str(k): (float(s), float(ls)) for k, s, ls in zip(names, share, loss, strict=True)}
    log.attrs["planted"] = {
        "accuracy": acc, "days": n_days, "value_min_usd": lo, "value_max_usd": hi, "value_alpha": alpha,
        "actions": acts, "concentration": conc, "overconfidence": gamma,
    }  # fmt: skip
    return log


# -- where the expected cost of error sits ---------------------------------------------------------------


def tail_share(
    log: pd.DataFrame,
    top_shares: npt.ArrayLike = (0.001, 0.01, 0.05, 0.1, 0.5, 1.0),
    *,
    basis: str = "expected",
    prob_col: str = "score",
    value_col: str = "value_usd",
    cost_col: str = "cost_if_wrong_usd",
) -> pd.DataFrame:
    """Share of the total cost of error carried by the top ``x`` share of SKUs ranked by value.

    The error cost of a decision is ``(1 - p) * cost_if_wrong`` with ``p`` from ``prob_col`` (``basis=
    "expected"``: the agent's score if it is calibrated; ``"p_right"`` for a catalogue's planted truth),
    or ``cost_if_wrong`` where ``outcome`` is wrong (``"realised"``). SKUs are ranked by value, highest
    first; SKUs of equal value share their group's totals evenly, so the result does not depend on row
    order, and a share between two SKUs interpolates linearly (a concentration curve).

    Returns
    -------
    pandas.DataFrame
        One row per top share: ``top_share``, ``n_skus`` (``top_share * n``), ``value_cut_usd`` (the value
        of the last SKU counted), ``value_share``, ``error_share`` (of the expected or realised number of
        errors), ``error_cost_usd`` and ``error_cost_share``.

    Examples
    --------
    >>> log = pd.DataFrame({"value_usd": [1e6, 10.0, 20.0, 30.0], "score": 0.9,
    ...                     "cost_if_wrong_usd": [5e5, 5.0, 10.0, 15.0]})
    >>> tail_share(log, [0.25, 1.0])[["n_skus", "error_share", "error_cost_share"]].round(4).values.tolist()
    [[1.0, 0.25, 0.9999], [4.0, 1.0, 1.0]]
    """
    log = _log(log, "tail_share", (value_col, cost_col))
    x = as_float_array("top_shares", top_shares, unit_interval=True)
    if (x == 0).any():
        raise InputError(f"top_shares: expected shares above 0, found 0 at row {int(np.argmax(x == 0))}")
    value = _values(log, "tail_share", value_col)
    cost = _values(log, "tail_share", cost_col)
    err = 1 - _right_prob(log, "tail_share", basis, prob_col)
    order = np.argsort(-value, kind="stable")
    v = value[order]
    ends = np.flatnonzero(np.append(v[1:] != v[:-1], True)) + 1  # rows counted at each tie-group end
    n = len(v)
    pos = x * n
    cut = v[np.maximum(np.ceil(pos - 1e-9), 1).astype(int) - 1]  # the last SKU counted, wholly or in part
    out = {"top_share": x, "n_skus": pos, "value_cut_usd": cut}
    for name, per_row in (("value", value), ("error", err), ("error_cost_usd", err * cost)):
        cum = np.concatenate([[0.0], np.cumsum(per_row[order])[ends - 1]])
        at = np.interp(pos, np.concatenate([[0], ends]), cum)  # linear between tie-group ends
        out[name] = at
        out[name.removesuffix("_usd") + "_share"] = at / cum[-1] if cum[-1] > 0 else np.full(len(x), np.nan)
    return pd.DataFrame(out).drop(columns=["value", "error"])


# -- the value cap ---------------------------------------------------------------------------------------


def review_costs(
    log: pd.DataFrame,
    *,
    review_usd: float = 100.0,
    reviewer_miss_rate: float = 0.1,
    missed_share: float = 0.0,
    cost_col: str = "cost_if_wrong_usd",
    value_col: str = "value_usd",
) -> DecisionCosts:
    """Costs of the value-cap model: a wrong action costs ``cost_col``; a person's approval costs
    ``review_usd`` and lets a wrong price through with probability ``reviewer_miss_rate``. Illustrative
    defaults: $100 a review (an hour of a pricing analyst, with the delay); one wrong price in ten missed.

    ``missed_share`` prices the third action, holding back (leaving the price as it is): a right repricing
    not made forgoes ``missed_share * value_col`` (the gain it would have brought, as a share of the
    inventory value). At 0, the default, holding back is free: the value cap compares acting alone with a
    person's approval only (both make the right repricings), so the gain cancels and is left out. A drill
    that offers "block" needs it above 0, or blocking everything would look optimal.

    Examples
    --------
    >>> c = review_costs(pd.DataFrame({"cost_if_wrong_usd": [50.0, 2e6]}))
    >>> c.expected([0.93, 0.93]).round(1).tolist()  # act, escalate, decline
    [[3.5, 100.4, 0.0], [140000.0, 14100.0, 0.0]]
    >>> log = pd.DataFrame({"cost_if_wrong_usd": [50.0, 2e6], "value_usd": [1000.0, 4e6]})
    >>> review_costs(log, missed_share=0.02).expected([0.93, 0.93])[:, 2].round(1).tolist()
    [18.6, 74400.0]
    """
    log = _log(log, "review_costs", (cost_col,))
    fee = _scalar("review_usd", review_usd, low=0.0, expected="a cost >= 0")
    miss = check_rate("reviewer_miss_rate", reviewer_miss_rate)
    fa = _values(log, "review_costs", cost_col)
    missed: float | np.ndarray = check_rate("missed_share", missed_share)
    if missed > 0:
        missed = missed * _values(_log(log, "review_costs", (value_col,)), "review_costs", value_col)
    return DecisionCosts(false_action_usd=fa, missed_usd=missed, escalate_usd=fee, reviewer_miss_rate=miss)


@dataclass(frozen=True)
class _CapLog:
    """A decision log sorted by value, ascending, with each decision's cost alone and when reviewed."""

    value: np.ndarray
    alone: np.ndarray  # cost if the agent acts alone
    reviewed: np.ndarray  # cost if a person approves: fee plus what the reviewer lets through or blocks
    fee: np.ndarray
    errors: np.ndarray  # probability (or indicator) that acting alone is wrong
    order: np.ndarray  # row k of the sorted log is row order[k] of the input
    caps: np.ndarray  # the caps, ascending and distinct
    k: np.ndarray  # decisions at or below each cap


def _cap_log(
    log: pd.DataFrame, costs: Any, caps: Any, basis: str, prob_col: str, value_col: str, who: str
) -> _CapLog:
    log = _log(log, who, (value_col,))
    value = _values(log, who, value_col)
    p = _right_prob(log, who, basis, prob_col)
    if not isinstance(costs, DecisionCosts):
        raise InputError(f"costs: expected DecisionCosts (see review_costs), got {type(costs).__name__}")
    if len(costs) not in (1, n := len(value)):
        raise InputError(f"costs: expected one value per decision ({n}) or a scalar, got {len(costs)}")
    if not np.isfinite(costs.array("escalate_usd")).all():
        raise InputError("costs: escalate_usd must be finite: above the cap a person approves every decision")
    m = costs.expected(p)  # p is 0/1 when realised: the realised cost
    fee = np.broadcast_to(costs.array("escalate_usd"), value.shape)
    order = np.argsort(value, kind="stable")
    v = value[order]
    if caps is None:
        grid = np.unique(np.concatenate([[0.0], v]))
    else:
        grid = np.unique(as_float_array("caps", caps, finite=False, nonnegative=True))
        if np.isnan(grid).any():
            raise InputError("caps: expected numbers >= 0 (inf: no cap), found nan")
    k = np.searchsorted(v, grid, side="right")
    return _CapLog(v, m[order, 0], m[order, 1], fee[order], 1 - p[order], order, grid, k)


def _curve(c: _CapLog) -> pd.DataFrame:
    n, k = len(c.value), c.k
    alone, reviewed, fee, value = (_prefix(x) for x in (c.alone, c.reviewed, c.fee, c.value))
    reviewed_usd = reviewed[n] - reviewed[k]
    fee_usd = fee[n] - fee[k]
    total = alone[k] + reviewed_usd
    return pd.DataFrame(
        {
            "cap_usd": c.caps,
            "n_alone": k,
            "n_reviewed": n - k,
            "share_reviewed": (n - k) / n,
            "value_share_reviewed": (value[n] - value[k]) / value[n] if value[n] > 0 else 0.0,
            "errors_alone": _prefix(c.errors)[k],
            "alone_cost_usd": alone[k],
            "review_fee_usd": fee_usd,
            "residual_cost_usd": reviewed_usd - fee_usd,
            "total_cost_usd": total,
            "cost_per_decision_usd": total / n,
        }
    )


def value_cap_curve(
    log: pd.DataFrame,
    costs: DecisionCosts,
    caps: npt.ArrayLike | None = None,
    *,
    basis: str = "realised",
    prob_col: str = "score",
    value_col: str = "value_usd",
) -> pd.DataFrame:
    """Total cost of "the agent reprices alone when ``value_usd <= cap``; above it a person approves".

    Below the cap each decision costs the act cost of ``costs`` (the cost of error when it is wrong);
    above it, the escalation cost: ``escalate_usd`` plus what the reviewer lets through
    (``reviewer_miss_rate`` of the wrong ones cost their ``false_action_usd``) or wrongly blocks. The
    ``"realised"`` basis uses ``outcome``; ``"expected"`` uses the probabilities in ``prob_col``. One sort by
    value and cumulative sums: O(n log n + caps log n), however many caps.

    ``costs`` are per decision or scalar (e.g. :func:`review_costs`), with a finite ``escalate_usd``.
    ``caps`` are in USD (``inf``: no cap); by default 0 and every distinct value, i.e. every distinct policy.

    Returns
    -------
    pandas.DataFrame
        One row per distinct cap, ascending: ``cap_usd``, ``n_alone``, ``n_reviewed``, ``share_reviewed``,
        ``value_share_reviewed``, ``errors_alone`` (wrong actions taken alone, or their expected number),
        ``alone_cost_usd``, ``review_fee_usd``, ``residual_cost_usd`` (errors the reviewers let through, and
        right actions they block), ``total_cost_usd``, ``cost_per_decision_usd``.

    Examples
    --------
    >>> log = pd.DataFrame({"value_usd": [10.0, 500.0, 2e6], "outcome": [True, False, False],
    ...                     "cost_if_wrong_usd": [1.0, 50.0, 2e5]})
    >>> c = review_costs(log, review_usd=100, reviewer_miss_rate=0.1)
    >>> curve = value_cap_curve(log, c, [0, 1000, np.inf])
    >>> curve[["cap_usd", "n_reviewed", "total_cost_usd"]].values.tolist()
    [[0.0, 3.0, 20305.0], [1000.0, 1.0, 20150.0], [inf, 0.0, 200050.0]]
    """
    return _curve(_cap_log(log, costs, caps, basis, prob_col, value_col, "value_cap_curve"))


@dataclass(frozen=True)
class ValueCapResult:
    """The cost-minimising value cap of a log, and the best cap of each bootstrap replicate.

    ``replicates`` has one row per replicate: ``cap_usd`` (the best cap on the resample); ``cost_usd``,
    ``cost_per_decision_usd`` and ``share_reviewed`` (on the resample, at that cap: in sample); and
    ``out_of_sample_cost_per_decision_usd`` (that cap priced on the decisions the resample left out, per
    decision; NaN if it left none out). The names follow :class:`nogo.BootstrapResult`.
    """

    cap_usd: float  # on the full log
    cost_usd: float  # on the full log, at the cap chosen on it: in sample, so optimistic
    share_reviewed: float
    curve: pd.DataFrame  # value_cap_curve over the caps searched
    replicates: pd.DataFrame  # one row per replicate (see above)
    seed: int

    def summary(self, level: float = 0.9) -> pd.DataFrame:
        """Percentile intervals at ``level``: a frame indexed by statistic with ``estimate``, ``low`` and
        ``high``.

        ``cap_usd``, ``cost_usd``, ``cost_per_decision_usd`` and ``share_reviewed`` are estimated on the
        full log; their intervals are percentiles of the replicates' in-sample optima (the cost ones are
        optimistic: see :func:`best_value_cap`). ``out_of_sample_cost_per_decision_usd`` is the cost per
        decision of the cap each replicate chose, on the decisions it left out: its estimate is the
        replicates' mean, its interval their percentiles (replicates that left nothing out are skipped).
        """
        lv = float(as_float_array("level", level)[0])
        if not 0 < lv < 1:
            raise InputError(f"level: expected a value strictly between 0 and 1, got {level!r}")
        n = int(self.curve["n_alone"].iloc[0] + self.curve["n_reviewed"].iloc[0])
        stats = ["cap_usd", "cost_usd", "cost_per_decision_usd", "share_reviewed"]
        q = [(1 - lv) / 2, (1 + lv) / 2]
        low, high = np.quantile(self.replicates[stats].to_numpy(), q, axis=0)
        estimate = [self.cap_usd, self.cost_usd, self.cost_usd / n, self.share_reviewed]
        oos = self.replicates["out_of_sample_cost_per_decision_usd"].to_numpy()
        oos = oos[np.isfinite(oos)]
        o_low, o_high = np.quantile(oos, q) if len(oos) else (np.nan, np.nan)
        index = pd.Index([*stats, "out_of_sample_cost_per_decision_usd"], name="statistic")
        return pd.DataFrame(
            {
                "estimate": [*estimate, oos.mean() if len(oos) else np.nan],
                "low": [*low, o_low],
                "high": [*high, o_high],
            },
            index=index,
        )


def best_value_cap(
    log: pd.DataFrame,
    costs: DecisionCosts,
    caps: npt.ArrayLike | None = None,
    *,
    n_boot: int = 200,
    seed: int,
    basis: str = "realised",
    prob_col: str = "score",
    value_col: str = "value_usd",
) -> ValueCapResult:
    """The value cap with the lowest total cost (:func:`value_cap_curve`), and a bootstrap over SKUs.

    Ties go to the lowest cap (when indifferent, a person approves). Each replicate resamples the
    decisions with replacement (``n`` draws, seeded): the log is sorted by value once, a replicate is a
    row of bootstrap counts (as in :func:`nogo.bootstrap_policy`), and one cumulative sum of
    ``count * (cost alone - cost reviewed)`` gives its cost at every cap at once. The caps searched stay
    those of the full log. A long tail widens the interval: one more $2M SKU in a replicate moves it.

    What the intervals are, and are not. The ``cap_usd`` interval says how much the best cap moves between
    resamples of these decisions. The ``cost_usd`` interval is not an interval on the cost of the chosen
    cap on new decisions: each replicate re-optimises the cap on the very rows it prices, so its cost, like
    ``cost_usd`` itself, is an in-sample optimum and understates what the cap will cost (biased low). For
    that, use ``out_of_sample_cost_per_decision_usd``: each replicate's cap priced on the decisions its
    resample left out (about 37% of them), per decision. It is chosen on one part and priced on the
    other, so it carries no selection optimism; priced on a third of the rows by a cap chosen on a
    resample, it is if anything pessimistic and wide. On 100 synthetic catalogues of 2,000 SKUs with a
    known truth (``tests/unit/test_pricing.py``), its 90% interval covered the true cost of the chosen
    cap 91 times; the in-sample interval covered the true optimal cost 78 times, its estimate biased low.

    Returns
    -------
    ValueCapResult
        ``cap_usd``, ``cost_usd``, ``share_reviewed`` (on the full log), ``curve``, ``replicates`` (with
        the out-of-bag cost of each replicate's cap) and :meth:`ValueCapResult.summary`.

    Examples
    --------
    >>> log = pricing_catalogue(5000, seed=1)
    >>> r = best_value_cap(log, review_costs(log), n_boot=100, seed=2)
    >>> s = r.summary()
    >>> bool(s.loc["cap_usd", "low"] <= r.cap_usd <= s.loc["cap_usd", "high"])
    True
    >>> bool(r.cost_usd < r.curve["total_cost_usd"].iloc[-1])  # cheaper than no cap at all
    True
    >>> oos = s.loc["out_of_sample_cost_per_decision_usd"]  # the cap priced on SKUs it was not chosen on
    >>> bool(oos["low"] <= oos["estimate"] <= oos["high"])
    True
    """
    n_boot = _count("n_boot", n_boot)
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise InputError(f"seed: expected a whole number, got {seed!r}")
    c = _cap_log(log, costs, caps, basis, prob_col, value_col, "best_value_cap")
    curve = _curve(c)
    best = int(np.argmin(curve["total_cost_usd"].to_numpy()))
    n = len(c.value)
    rng = np.random.default_rng(int(seed))
    block = max(1, _BLOCK_CELLS // n)
    parts = []
    for start in range(0, n_boot, block):
        w = _resample_counts(rng, min(block, n_boot - start), n)[:, c.order]
        saving = _prefix(w * (c.alone - c.reviewed))[:, c.k]  # replicates x caps
        total = (w * c.reviewed).sum(axis=1, keepdims=True) + saving
        j = np.argmin(total, axis=1)
        rows = np.arange(len(j))
        kept = _prefix(w)[:, c.k][rows, j]  # resampled decisions at or below the best cap
        # Out of sample (out of bag): the replicate's cap priced on the decisions its resample left out.
        out = (w == 0).astype(np.float64)
        at = c.k[j]
        out_alone = _prefix(out * c.alone)[rows, at]
        out_reviewed = (out * c.reviewed).sum(axis=1) - _prefix(out * c.reviewed)[rows, at]
        n_out = out.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            out_cost = np.where(n_out > 0, (out_alone + out_reviewed) / n_out, np.nan)
        parts.append(
            pd.DataFrame(
                {
                    "cap_usd": c.caps[j],
                    "cost_usd": total[rows, j],
                    "cost_per_decision_usd": total[rows, j] / n,
                    "share_reviewed": 1 - kept / n,
                    "out_of_sample_cost_per_decision_usd": out_cost,
                }
            )
        )
    row = curve.iloc[best]
    reps = pd.concat(parts, ignore_index=True)
    best_row = (float(row.cap_usd), float(row.total_cost_usd), float(row.share_reviewed))
    return ValueCapResult(*best_row, curve, reps, int(seed))


# -- the Impact Grid -------------------------------------------------------------------------------------


def action_grid(
    log: pd.DataFrame,
    *,
    days: float | None = None,
    review_usd: float = 100.0,
    reviewer_miss_rate: float = 0.1,
    error_budget: float = 0.10,
    gate_window_days: float = 7.0,
    frequency_cut_per_day: float | None = None,
    severity_cut_usd: float | None = None,
    severity_quantile: float = 0.95,
) -> pd.DataFrame:
    """Place the action types of a pricing log on the Autonomy Impact Grid (:func:`nogo.impact_grid`).

    Severity is the ``severity_quantile`` quantile of ``cost_if_wrong_usd`` per action type; frequency is
    decisions per day over ``days`` (default: the log's ``day`` span, ``max(day) + 1``). The cuts, unless
    given, come from the decision they serve, with the log's error rate ``e = 1 - mean(outcome)``:

    * severe: one wrong action costs more than ``review_usd / (e * (1 - reviewer_miss_rate))``, the cost
      of error above which a person's approval pays for itself (it saves ``e (1 - miss) cost`` a decision);
    * frequent: at least ``decisions_needed(error_budget, e) / gate_window_days`` decisions a day, enough to
      pass a promotion gate (95% upper bound on the error rate within the budget) within the window.

    A type minor at the quantile can still hide a few very costly SKUs: the value cap deals with those.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`nogo.impact_grid`; ``attrs`` hold ``frequency_cut_per_day``,
        ``severity_cut_usd``, ``error_rate`` and ``days``.

    Examples
    --------
    >>> g = action_grid(pricing_catalogue(20_000, seed=0))
    >>> g.set_index("action_type")["recommended_level"].to_dict()  # doctest: +NORMALIZE_WHITESPACE
    {'delist': 'draft', 'large markdown': 'approval', 'price increase': 'constrained execution',
     'small markdown': 'constrained execution'}
    """
    log = _log(log, "action_grid", ("action_type", "cost_if_wrong_usd", "outcome"))
    e = 1 - float(as_outcome_array("action_grid: column 'outcome'", log["outcome"].to_numpy()).mean())
    if days is None:
        days = _values(_log(log, "action_grid", ("day",)), "action_grid", "day").max() + 1
    d = _scalar("days", days, low=0.0, low_open=True, expected="a positive number of days")
    sev, freq = severity_cut_usd, frequency_cut_per_day
    if sev is None:
        fee = _scalar("review_usd", review_usd, low=0.0, expected="a cost >= 0")
        saved = e * (1 - check_rate("reviewer_miss_rate", reviewer_miss_rate))  # per $ of cost if wrong
        sev = fee / saved if saved > 0 else np.finfo(np.float64).max  # no errors: nothing is severe
    if freq is None:
        window = _scalar("gate_window_days", gate_window_days, low=0.0, low_open=True, expected="days > 0")
        if e >= check_rate("error_budget", error_budget):
            raise InputError(
                f"error_budget: the log's error rate {e:.4g} is not below the budget {error_budget:g}, so no "
                "number of decisions passes a promotion gate; give frequency_cut_per_day instead"
            )
        freq = decisions_needed(error_budget, e) / window
    q = severity_quantile
    grid = impact_grid(log, days=d, frequency_cut_per_day=freq, severity_cut_usd=sev, severity_quantile=q)
    grid.attrs |= dict(frequency_cut_per_day=float(freq), severity_cut_usd=float(sev), error_rate=e, days=d)
    return grid


# -- the Fly run's guardrails ----------------------------------------------------------------------------


def fly_guardrails(
    *,
    reference_usd: float,
    cap_multiple: float = 10.0,
    max_daily_change: float = 0.10,
    anomaly_move: float = 0.10,
    anomaly_cusum: tuple[float, float, float] = (0.05, 0.5, 5.0),
    seller: str = "highest",
    p0_a_usd: float = _FLY_P0_USD,
    multiplier_a: float = _FLY_MULTIPLIER_A,
    multiplier_b: float = _FLY_MULTIPLIER_B,
    days: int = _FLY_DAYS,
    noise_sd: float = 0.0,
    seed: int | None = None,
) -> pd.DataFrame:
    """When three guardrails would have stopped the Fly repricing loop, and the peak each would have avoided.

    The loop is :func:`nogo.repricing_loop`, unbounded, by default at the published figures (profnath
    0.9983, F2; bordeebook 1.270589, F2/F4; $1,730,045.91 first seen, F1/F2; the $23,698,655.93 peak on
    day 10, DERIVED). Each day's price of ``seller`` (``"a"``, ``"b"`` or the ``"highest"``) is checked
    once set; from the day a switch fires, the price freezes.

    * price cap: :class:`nogo.SignalCap` at ``cap_multiple * reference_usd``;
    * daily change limit: :class:`nogo.SignalCap` on the relative change from the day before (0 on day 0),
      at ``max_daily_change``;
    * anomaly kill switch: a Bernoulli CUSUM (:class:`nogo.CusumErrorRate` with ``anomaly_cusum = (p0, p1,
      h)``) on "anomalous" days, whose change is at least ``anomaly_move``: one jump does not stop the bot,
      a run of them does (at the defaults, the third in a row).

    Returns
    -------
    pandas.DataFrame
        One row per switch: ``switch`` (``"price cap"``, ``"daily change limit"``, ``"anomaly kill
        switch"``), ``rule``, ``fired``, ``fired_day`` (nullable int), ``price_at_fire_usd`` (NaN if it
        never fired), ``peak_usd`` (the highest price with no switch), ``peak_with_switch_usd`` and
        ``peak_avoided_usd``, via :func:`nogo.evaluate_kill_switches` on the running peak.

    Examples
    --------
    >>> g = fly_guardrails(reference_usd=1e6)  # a cap at $10M
    >>> g[["switch", "fired_day"]].values.tolist()
    [['price cap', 7], ['daily change limit', 1], ['anomaly kill switch', 3]]
    """
    ref = _scalar("reference_usd", reference_usd, low=0.0, low_open=True, expected="a price > 0")
    multiple = _scalar("cap_multiple", cap_multiple, low=0.0, low_open=True, expected="a multiple > 0")
    limit = _scalar("max_daily_change", max_daily_change, low=0.0, low_open=True, expected="a share > 0")
    move = _scalar("anomaly_move", anomaly_move, low=0.0, low_open=True, expected="a share > 0")
    check_choice("seller", seller, ("a", "b", "highest"))
    if not isinstance(anomaly_cusum, tuple | list) or len(anomaly_cusum) != 3:
        raise InputError(f"anomaly_cusum: expected (p0, p1, h), got {anomaly_cusum!r}")
    path = repricing_loop(p0_a_usd, multiplier_a, multiplier_b, days, noise_sd=noise_sd, seed=seed)
    a, b = path["price_a_usd"].to_numpy(), path["price_b_usd"].to_numpy()
    price = {"a": a, "b": b, "highest": np.maximum(a, b)}[seller]
    change = np.concatenate([[0.0], np.abs(price[1:] / price[:-1] - 1)])
    peak = np.maximum.accumulate(price)
    rise = np.diff(peak, prepend=peak[0])  # rise of the running peak: the "loss" a switch caps
    stream = pd.DataFrame(
        {"price_usd": price, "daily_change": change, "anomalous": change >= move, "loss_usd": rise}
    )
    switches = [
        SignalCap("price_usd", multiple * ref, label="price cap"),
        SignalCap("daily_change", limit, label="daily change limit"),
        CusumErrorRate(*anomaly_cusum, column="anomalous", label="anomaly kill switch"),
    ]
    ev = evaluate_kill_switches(stream, switches)
    out = ev[["switch", "fired", "fired_at_index"]].rename(columns={"fired_at_index": "fired_day"})
    out.insert(1, "rule", [s.describe() for s in switches])
    at = out["fired_day"].fillna(0).to_numpy(dtype=np.int64)
    out["price_at_fire_usd"] = np.where(out["fired"], price[at], np.nan)
    out["peak_usd"] = peak[-1]
    out["peak_with_switch_usd"] = peak[-1] - ev["loss_avoided_usd"]
    out["peak_avoided_usd"] = ev["loss_avoided_usd"]
    return out


# -- the Fly loop run forward ----------------------------------------------------------------------------

GUARDRAIL_POLICIES: tuple[str, ...] = ("no guardrail", "daily change limit", "price cap")
"""The policies of :func:`loop_projection`, in order."""


def loop_projection(
    *,
    reference_usd: float,
    noise_sd: float,
    seed: int | np.random.Generator,
    cap_multiple: float = 10.0,
    max_daily_change: float = 0.10,
    days: int = 90,
    n_paths: int = 500,
    p0_a_usd: float = _FLY_P0_USD,
    multiplier_a: float = _FLY_MULTIPLIER_A,
    multiplier_b: float = _FLY_MULTIPLIER_B,
) -> pd.DataFrame:
    """The Fly loop run forward from its first sighting for ``days`` days, with noisy multipliers, under each
    policy of :data:`GUARDRAIL_POLICIES`: no bound; each seller's daily change limited to
    ``max_daily_change``; each seller's price capped at ``cap_multiple * reference_usd``.

    Each run is :func:`nogo.repricing_loop` with lognormal jitter ``noise_sd`` on both multipliers (the
    published ones are the medians). Every policy replays the same jitter (common random numbers), so the
    differences between policies are theirs, not the sample's. Day 0 is the sighting: seller A's observed
    price is not bounded by any policy, so on day 0 the price cap shows that price, and binds from day 1.

    Returns
    -------
    pandas.DataFrame
        ``policy``, ``path``, ``day`` (0 to ``days``), ``price_usd`` (the higher of the two sellers' prices
        at the end of that day), ``log10_price_usd``; ``attrs`` hold ``cap_usd``, ``max_daily_change`` and
        ``noise_sd``.

    Examples
    --------
    >>> f = loop_projection(reference_usd=100.0, noise_sd=0.0, seed=0, days=30, n_paths=1)
    >>> f[f["day"] == 30].set_index("policy")["price_usd"].map("{:,.0f}".format).to_dict()
    {'no guardrail': '2,754,530,511', 'daily change limit': '38,356,880', 'price cap': '1,000'}
    """
    ref = _scalar("reference_usd", reference_usd, low=0.0, low_open=True, expected="a price > 0")
    multiple = _scalar("cap_multiple", cap_multiple, low=0.0, low_open=True, expected="a multiple > 0")
    cap = multiple * ref
    # One integer seed replayed for every policy (a Generator is drawn from once).
    base = int(_rng(seed).integers(2**63 - 1)) if isinstance(seed, np.random.Generator) else seed
    _rng(base)
    bounds: dict[str, dict[str, float]] = {
        "no guardrail": {},
        "daily change limit": {"max_daily_change": max_daily_change},
        "price cap": {"cap_usd": cap},
    }
    parts = []
    for policy in GUARDRAIL_POLICIES:
        f = repricing_loop(
            p0_a_usd, multiplier_a, multiplier_b, days, noise_sd=noise_sd, n_paths=n_paths, seed=base,
            **bounds[policy],
        )  # fmt: skip
        price = np.maximum(f["price_a_usd"].to_numpy(), f["price_b_usd"].to_numpy())
        frame = pd.DataFrame({"policy": policy, "path": f["path"], "day": f["day"], "price_usd": price})
        parts.append(frame.assign(log10_price_usd=np.log10(price)))
    out = pd.concat(parts, ignore_index=True)
    out.attrs |= {"cap_usd": cap, "max_daily_change": float(max_daily_change), "noise_sd": float(noise_sd)}
    return out


# -- charts ----------------------------------------------------------------------------------------------

_SELLER_COLOURS = ("#264653", "#2a9d8f")
_SWITCH_COLOURS = ("#e76f51", "#f4a261", "#e9c46a", "#8d99ae")


def _frame(frame: Any, name: str, columns: tuple[str, ...]) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"{name}: expected a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(
            f"{name}: missing column(s) {', '.join(missing)}; expected {', '.join(columns)}, "
            f"got {', '.join(map(str, frame.columns))}"
        )
    if len(frame) == 0:
        raise InputError(f"{name}: expected at least one row, got an empty frame")
    return frame


def price_path_chart(
    path: pd.DataFrame,
    guardrails: pd.DataFrame,
    *,
    cap_usd: float | None = None,
    peak_usd: float | None = None,
    seller_labels: tuple[str, str] = ("seller A", "seller B"),
    title: str = "The loop, day by day, and when each guardrail would have fired",
) -> alt.LayerChart:
    """Both sellers' prices by day (log scale), a rule on each day a guardrail fires, the cap drawn.

    Parameters
    ----------
    path
        One path of :func:`nogo.repricing_loop` (``day``, ``price_a_usd``, ``price_b_usd``).
    guardrails
        The frame of :func:`fly_guardrails` (``switch``, ``fired``, ``fired_day``, ``price_at_fire_usd``):
        each switch that fired gets a dashed rule at its day and a diamond at the price it saw.
    cap_usd, peak_usd
        The price cap and a published peak, drawn as labelled horizontal rules.
    seller_labels
        Names of seller A and seller B in the legend.

    Examples
    --------
    >>> g = fly_guardrails(reference_usd=1e6)
    >>> spec = price_path_chart(repricing_loop(1.7e6, 0.9983, 1.270589, 10), g, cap_usd=1e7).to_dict()
    >>> [layer["mark"]["type"] for layer in spec["layer"]]
    ['line', 'rule', 'point', 'rule', 'text']
    """
    _frame(path, "path", ("day", "price_a_usd", "price_b_usd"))
    _frame(guardrails, "guardrails", ("switch", "fired", "fired_day", "price_at_fire_usd"))
    if "path" in path.columns and path["path"].nunique() > 1:
        raise InputError(f"path: expected one simulated path, got {path['path'].nunique()}; select one first")
    if not (isinstance(seller_labels, tuple | list) and len(seller_labels) == 2):
        raise InputError(f"seller_labels: expected two names (seller A, seller B), got {seller_labels!r}")
    days = path["day"].to_numpy()
    prices = pd.DataFrame(
        {
            "day": np.concatenate([days, days]),
            "series": np.repeat([str(s) for s in seller_labels], len(days)),
            "price_usd": np.concatenate([path["price_a_usd"], path["price_b_usd"]]).astype(np.float64),
        }
    )
    fired = guardrails[guardrails["fired"].astype(bool)]
    fires = pd.DataFrame(
        {
            "day": fired["fired_day"].astype(np.int64).to_numpy(),
            "series": fired["switch"].astype(str).to_numpy(),
            "price_usd": fired["price_at_fire_usd"].astype(np.float64).to_numpy(),
        }
    )
    domain = [*map(str, seller_labels), *fires["series"]]
    colour = alt.Color(
        "series:N",
        scale=alt.Scale(domain=domain, range=[*_SELLER_COLOURS, *_SWITCH_COLOURS[: len(fires)]]),
        title=None,
        legend=alt.Legend(orient="bottom", columns=2, labelLimit=0),
    )
    x = alt.X("day:Q", title="days since first sighting", axis=alt.Axis(tickMinStep=1))
    y = alt.Y(
        "price_usd:Q",
        scale=alt.Scale(type="log"),
        axis=alt.Axis(format="$~s"),
        title="price (USD, log scale)",
    )
    usd = alt.Tooltip("price_usd:Q", format="$,.2f", title="price")
    layers: list[alt.Chart] = [
        alt.Chart(prices)
        .mark_line(point=True)
        .encode(x=x, y=y, color=colour, tooltip=["series:N", "day:Q", usd]),
        alt.Chart(fires).mark_rule(strokeDash=[5, 3], strokeWidth=2).encode(x="day:Q", color=colour),
        alt.Chart(fires)
        .mark_point(shape="diamond", filled=True, size=140, opacity=0.9)
        .encode(x=x, y=y, color=colour, tooltip=["series:N", "day:Q", usd]),
    ]
    refs = [
        (v, label) for v, label in ((cap_usd, "price cap"), (peak_usd, "published peak")) if v is not None
    ]
    if refs:
        lines = pd.DataFrame(
            {
                "price_usd": [_scalar(label, v, low=0.0, low_open=True) for v, label in refs],
                "label": [f"{label} ${float(v):,.{0 if float(v).is_integer() else 2}f}" for v, label in refs],
                "day": float(days.min()),
            }
        )
        layers.append(alt.Chart(lines).mark_rule(color="#555", strokeDash=[2, 2]).encode(y=y))
        layers.append(
            alt.Chart(lines)
            .mark_text(align="left", dx=4, dy=-7, color="#555")
            .encode(x=x, y=y, text="label:N")
        )
    return alt.layer(*layers).properties(title=title)


def value_cap_chart(
    result: ValueCapResult,
    *,
    level: float = 0.9,
    title: str = "Expected cost of each value cap, and where the best one could be",
) -> alt.LayerChart:
    """Total cost against the value cap (log scale), the best cap marked with its bootstrap interval, and
    the two extremes (a person approves everything; the agent alone on everything) as rules.

    The curve is thinned to at most 400 caps evenly spaced in log value, always keeping the best one.

    Examples
    --------
    >>> log = pricing_catalogue(2000, seed=1)
    >>> spec = value_cap_chart(best_value_cap(log, review_costs(log), n_boot=50, seed=2)).to_dict()
    >>> [layer["mark"]["type"] for layer in spec["layer"]]
    ['rect', 'rule', 'line', 'point']
    """
    if not isinstance(result, ValueCapResult):
        raise InputError(
            f"result: expected a ValueCapResult (see best_value_cap), got {type(result).__name__}"
        )
    interval = result.summary(level).loc["cap_usd"]
    curve = result.curve
    cap = curve["cap_usd"].to_numpy()
    shown = curve[np.isfinite(cap) & (cap > 0)].reset_index(drop=True)
    if len(shown) == 0:
        raise InputError("result: expected at least one cap above 0 to draw on a log scale")
    if len(shown) > _MAX_CAPS:
        c = shown["cap_usd"].to_numpy()
        grid = np.geomspace(c[0], c[-1], _MAX_CAPS)
        keep = np.searchsorted(c, grid).clip(0, len(c) - 1)
        best = np.searchsorted(c, result.cap_usd).clip(0, len(c) - 1)
        shown = shown.iloc[np.unique(np.append(keep, best))]
    data = shown[["cap_usd", "total_cost_usd", "share_reviewed"]]
    log_x = {"scale": alt.Scale(type="log"), "axis": alt.Axis(format="$~s")}
    x = alt.X("cap_usd:Q", title="value cap: the agent reprices alone up to (USD, log)", **log_x)
    y = alt.Y("total_cost_usd:Q", axis=alt.Axis(format="$~s"), title="expected total cost (USD)")
    extremes = pd.DataFrame(
        {
            "policy": ["a person approves everything", "the agent alone on everything"],
            "total_cost_usd": [curve["total_cost_usd"].iloc[0], curve["total_cost_usd"].iloc[-1]],
        }
    )
    band = pd.DataFrame(
        {"low_usd": [interval["low"]], "high_usd": [interval["high"]], "interval": [f"{level:.0%} interval"]}
    )
    best_row = pd.DataFrame({"cap_usd": [result.cap_usd], "total_cost_usd": [result.cost_usd]})
    cost_tip = alt.Tooltip("total_cost_usd:Q", format="$,.0f", title="total cost")
    return alt.layer(
        alt.Chart(band)
        .mark_rect(opacity=0.15, color=_SELLER_COLOURS[1])
        .encode(
            x=alt.X("low_usd:Q", **log_x),
            x2="high_usd:Q",
            tooltip=[
                "interval:N",
                alt.Tooltip("low_usd:Q", format="$,.0f"),
                alt.Tooltip("high_usd:Q", format="$,.0f"),
            ],
        ),
        alt.Chart(extremes)
        .mark_rule(strokeDash=[4, 3])
        .encode(
            y="total_cost_usd:Q",
            color=alt.Color(
                "policy:N",
                scale=alt.Scale(range=list(_SWITCH_COLOURS[:2])),
                title=None,
                legend=alt.Legend(orient="bottom", labelLimit=0),
            ),
            tooltip=["policy:N", cost_tip],
        ),
        alt.Chart(data)
        .mark_line(color=_SELLER_COLOURS[0])
        .encode(x=x, y=y, tooltip=[alt.Tooltip("cap_usd:Q", format="$,.0f"), cost_tip]),
        alt.Chart(best_row)
        .mark_point(filled=True, size=120, color=_SELLER_COLOURS[0])
        .encode(x=x, y=y, tooltip=[alt.Tooltip("cap_usd:Q", format="$,.0f", title="best cap"), cost_tip]),
    ).properties(title=title)


class PricingFeedbackLoopCase(Case):
    """The pricing-feedback-loop case through the case interface (:class:`nogo.Case`).

    The decision log is the ``catalogue`` dataset (:func:`pricing_catalogue`); the agent's score is
    calibrated by construction at the defaults, so ``p`` is the score; the costs are :func:`review_costs`
    with the case's ``review_usd``, ``reviewer_miss_rate`` and ``missed_share``; the log covers its days.
    No fixed hard rule: this case's guardrails (a value cap, a price cap against a reference price, a kill
    switch) are levers whose settings follow from the numbers.
    """

    def decision_log(self, params):
        return self.dataset("catalogue", params)

    def decision_costs(self, log, params):
        return review_costs(
            log,
            review_usd=params["review_usd"],
            reviewer_miss_rate=params["reviewer_miss_rate"],
            missed_share=params["missed_share"],
        )

    def days(self, log, params):
        return float(log["day"].max() + 1)


CASE = PricingFeedbackLoopCase
