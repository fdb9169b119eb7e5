"""The synthetic catalogue of the pricing case: one repricing decision per SKU, where its expected cost
of error sits, and its action types on the Autonomy Impact Grid.

*A catalogue decision* (shared/frameworks.md item 4: an illustrative interview prompt, not an incident):
an agent right 93% of the time on a long-tailed catalogue. :func:`pricing_catalogue` plants that truth in
a synthetic log (the case's ``catalogue`` dataset, and so its decision log); :func:`tail_share` shows the
tail carries the expected cost of error; :func:`action_grid` places the action types on the Impact Grid.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.special import expit, logit

from nogo._validate import as_bounded_scalar as _scalar
from nogo._validate import as_float_array, as_outcome_array, check_rate
from nogo._validate import as_rng as _rng
from nogo._validate import check_count as _count
from nogo.cases.pricing_feedback_loop._checks import check_log as _log
from nogo.cases.pricing_feedback_loop._checks import column_values as _values
from nogo.cases.pricing_feedback_loop._checks import right_probability as _right_prob
from nogo.errors import InputError
from nogo.models.autonomy import decisions_needed, impact_grid

__all__ = ["PRICING_ACTIONS", "action_grid", "pricing_catalogue", "tail_share"]

PRICING_ACTIONS: dict[str, tuple[float, float]] = {
    "small markdown": (0.55, 0.05),
    "price increase": (0.30, 0.10),
    "large markdown": (0.12, 0.30),
    "delist": (0.03, 0.50),
}
"""Action types of :func:`pricing_catalogue`: ``name -> (share of decisions, loss share)``. Illustrative:
the loss share is the part of a SKU's inventory value a wrong action of that type loses (sold too cheap,
left unsold and written down, or pulled from sale): a wrong delist of the largest ($4M) SKU costs $2M."""


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
