"""Drift: an agent that trains on its own decisions, and a score that decays as its inputs do.

Two day-by-day simulations, seeded and vectorised across paths and decisions (a loop runs over days).

*Self-training feedback.* Each day an approval agent scores applicants with its model and approves those
whose predicted probability of a good outcome clears a threshold; it sees outcomes only for the
applicants it approved (selective labels), and refits on what it saw. When declined applicants are
recorded as failures, as "not hired" or "never repaid" records them, the refit model is more pessimistic
just below the cut, so the cut moves up, fewer are approved, and the model learns a positive rate far
below the true one. :func:`self_training_loop` shows the drift; exploration slows it.

*Degradation.* A probability calibrated at launch keeps being used while the input it reads gets
noisier (or shifts). Noise flattens the true relation between the score and the outcome, so the launch
calibration becomes overconfident: the expected calibration error grows and the fixed threshold costs
more than the same threshold on a recalibrated probability. :func:`degradation` tracks both over days.
"""

from __future__ import annotations

from collections import deque
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.special import expit, logit
from scipy.stats import norm

from nogo._validate import as_bounded_scalar, as_float_array, as_rng, check_choice, check_count
from nogo.errors import InputError
from nogo.models.costs import DecisionCosts
from nogo.models.dynamics import paths_frame

__all__ = ["degradation", "self_training_loop"]

_RIDGE = 1e-3  # L2 penalty on intercept and slope (summed log-loss): keeps a near-separable fit finite


def _fit_logistic(
    x: np.ndarray, y: np.ndarray, w: np.ndarray, start: np.ndarray, ridge: float = _RIDGE
) -> np.ndarray:
    """Weighted 1-d logistic regression ``P(y) = expit(a + b x)`` for each row, by damped Newton.

    ``x``, ``y``, ``w`` are (paths, n); ``start`` is (paths, 2). Minimises the weighted log-loss plus
    ``ridge / 2 * (a**2 + b**2)``; returns (paths, 2).
    """
    coef = start.astype(np.float64).copy()
    for _ in range(100):
        p = expit(coef[:, :1] + coef[:, 1:] * x)
        r = w * (p - y)
        g = np.stack([r.sum(1), (r * x).sum(1)], axis=1) + ridge * coef
        h = w * p * (1 - p)
        h00 = h.sum(1) + ridge
        h01 = (h * x).sum(1)
        h11 = (h * x * x).sum(1) + ridge
        det = h00 * h11 - h01**2
        step = np.stack([h11 * g[:, 0] - h01 * g[:, 1], h00 * g[:, 1] - h01 * g[:, 0]], axis=1) / det[:, None]
        size = np.abs(step).max(axis=1, keepdims=True)
        coef -= step * np.minimum(1.0, 4.0 / np.maximum(size, 1e-300))  # at most 4 logits per step
        if size.max() < 1e-10:
            break
    return coef


def self_training_loop(
    days: int = 90,
    *,
    n_per_day: int = 1000,
    n_paths: int = 50,
    alpha: float = 0.5,
    beta: float = 1.5,
    threshold: float = 0.6,
    declined_label: str = "negative",
    explore_rate: float = 0.0,
    window_days: int = 1,
    seed: int | np.random.Generator,
) -> pd.DataFrame:
    """An approval agent that retrains every day on the outcomes of its own decisions.

    Model: applicants have a feature ``x ~ N(0, 1)``; the chance of a good outcome is
    ``expit(alpha + beta * x)``. The agent starts with exactly that model, approves when its predicted
    probability is at least ``threshold``, and additionally approves a random ``explore_rate`` share of
    the applicants it would decline. At the end of each day it refits a logistic regression on ``x``
    (Newton's method, warm-started, with a tiny ridge) to the last ``window_days`` days of labels:

    * approved applicants carry their true outcome;
    * declined ones are recorded as failures (``declined_label="negative"``: the agent's log says they
      did not succeed, because they were never given the chance) or dropped (``"missing"``: selective
      labels proper; here the model is well specified and selection is on ``x`` alone, so this stays
      unbiased: the control).

    Parameters
    ----------
    days, n_per_day, n_paths
        Days run (1 to ``days``), applicants per day, simulated paths.
    alpha, beta
        The true relation (``beta > 0``: a higher ``x`` is better).
    threshold
        Approve when the predicted probability is at least this, in (0, 1).
    declined_label
        ``"negative"`` or ``"missing"``.
    explore_rate
        Share of would-be-declined applicants approved at random to learn their outcome, in [0, 1].
        Under ``"negative"`` it slows the drift and keeps true outcomes flowing, but does not undo it:
        the declined rows still enter the training data as failures.
    window_days
        Days of labels each refit uses.
    seed
        Seed or generator.

    Returns
    -------
    pandas.DataFrame
        ``path``, ``day``, ``approval_rate`` (share acted on, exploration included), ``cut_score`` (the
        ``x`` above which the model approves; NaN when its slope is not positive),
        ``estimated_positive_rate`` (mean predicted probability over the day's applicants: what the model
        believes), ``true_positive_rate`` (mean true probability over the same applicants),
        ``observed_positive_rate`` (good outcomes among those acted on: what a dashboard shows; NaN when
        none were), ``model_intercept`` and ``model_slope`` (the model used that day).

    Examples
    --------
    >>> f = self_training_loop(30, n_per_day=2000, n_paths=4, seed=0)
    >>> day = f.groupby("day")[["approval_rate", "estimated_positive_rate", "true_positive_rate"]].mean()
    >>> bool(day.loc[30, "estimated_positive_rate"] < day.loc[1, "estimated_positive_rate"] / 2)
    True
    >>> bool(abs(day.loc[30, "true_positive_rate"] - day.loc[1, "true_positive_rate"]) < 0.02)
    True
    """
    n_days = check_count("days", days)
    n = check_count("n_per_day", n_per_day)
    paths = check_count("n_paths", n_paths)
    a0 = as_bounded_scalar("alpha", alpha)
    b0 = as_bounded_scalar("beta", beta, low=0.0, low_open=True, expected="a slope > 0")
    t = as_bounded_scalar(
        "threshold",
        threshold,
        low=0.0,
        high=1.0,
        low_open=True,
        high_open=True,
        expected="a probability strictly between 0 and 1",
    )
    check_choice("declined_label", declined_label, ("negative", "missing"))
    eps = as_bounded_scalar("explore_rate", explore_rate, low=0.0, high=1.0, expected="a rate in [0, 1]")
    window = check_count("window_days", window_days)
    rng = as_rng(seed)

    coef = np.tile([a0, b0], (paths, 1))
    logit_t = float(logit(t))
    buffer: deque[tuple[np.ndarray, np.ndarray, np.ndarray]] = deque(maxlen=window)
    cols = (
        "approval_rate",
        "cut_score",
        "estimated_positive_rate",
        "true_positive_rate",
        "observed_positive_rate",
        "model_intercept",
        "model_slope",
    )
    out = {c: np.empty((n_days, paths)) for c in cols}
    for d in range(n_days):
        x = rng.standard_normal((paths, n))
        q = expit(a0 + b0 * x)
        y = rng.random((paths, n)) < q
        explore = rng.random((paths, n)) < eps
        p_hat = expit(coef[:, :1] + coef[:, 1:] * x)
        acted = (p_hat >= t) | explore
        k = acted.sum(1)
        with np.errstate(invalid="ignore", divide="ignore"):
            out["cut_score"][d] = np.where(coef[:, 1] > 0, (logit_t - coef[:, 0]) / coef[:, 1], np.nan)
            out["observed_positive_rate"][d] = np.where(k > 0, (y & acted).sum(1) / k, np.nan)
        out["approval_rate"][d] = k / n
        out["estimated_positive_rate"][d] = p_hat.mean(1)
        out["true_positive_rate"][d] = q.mean(1)
        out["model_intercept"][d], out["model_slope"][d] = coef[:, 0], coef[:, 1]
        if declined_label == "negative":
            buffer.append((x, (y & acted).astype(np.float64), np.ones_like(x)))
        else:
            buffer.append((x, y.astype(np.float64), acted.astype(np.float64)))
        xs, ys, ws = (np.concatenate(parts, axis=1) for parts in zip(*buffer, strict=True))
        coef = _fit_logistic(xs, ys, ws, coef)
    return paths_frame(out, day0=1)


def _per_day(name: str, value: npt.ArrayLike, n_days: int, **checks: Any) -> np.ndarray:
    arr = as_float_array(name, value, **checks)
    if arr.size not in (1, n_days + 1):
        raise InputError(
            f"{name}: expected one value or one per day 0..{n_days} ({n_days + 1}), got {arr.size}"
        )
    return np.broadcast_to(arr, (n_days + 1,))


def _probit_given_input(x_seen: np.ndarray, alpha: float, beta: float, sd: float, shift: float) -> np.ndarray:
    """P(good | observed input) when x ~ N(shift, 1), seen = x + N(0, sd**2), P(good | x) = Phi(a + b x)."""
    v = sd**2 / (1 + sd**2)
    m = (shift * sd**2 + x_seen) / (1 + sd**2)
    return norm.cdf((alpha + beta * m) / np.sqrt(1 + beta**2 * v))


def _ece_by_row(p: np.ndarray, y: np.ndarray, n_bins: int) -> np.ndarray:
    """Expected calibration error of each row, uniform bins as :func:`nogo.expected_calibration_error`."""
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    idx = np.clip(np.searchsorted(edges, p, side="right") - 1, 0, n_bins - 1)
    rows, n = p.shape
    flat = (idx + n_bins * np.arange(rows)[:, None]).ravel()
    gap = np.bincount(flat, weights=(y - p).ravel(), minlength=rows * n_bins).reshape(rows, n_bins)
    return np.abs(gap).sum(1) / n


def degradation(
    days: int = 90,
    *,
    input_noise_sd: npt.ArrayLike,
    costs: DecisionCosts,
    input_shift: npt.ArrayLike = 0.0,
    threshold: float | None = None,
    alpha: float = 0.0,
    beta: float = 2.0,
    n_per_day: int = 2000,
    n_paths: int = 20,
    n_bins: int = 10,
    seed: int | np.random.Generator,
) -> pd.DataFrame:
    """A fixed threshold on a probability calibrated at launch, while its input degrades.

    Model (probit, so every probability has a closed form): the true input is ``x ~ N(shift_d, 1)`` on
    day ``d``, the chance that acting is right is ``Phi(alpha + beta * x)``, and the agent sees ``x + e``
    with ``e ~ N(0, noise_d**2)``. At launch (day 0) the agent's probability is exactly calibrated for
    day 0's noise and shift, ``P(right | seen)``; it keeps that map. Every day it acts when its probability
    is at least ``threshold`` and declines otherwise (no escalation). The recalibrated column applies the
    same threshold to ``P(right | seen)`` for that day's noise and shift: what a perfect recalibration
    would cost.

    Parameters
    ----------
    days
        Days after launch (the frame runs 0 to ``days``).
    input_noise_sd, input_shift
        One value, or one per day 0..days (e.g. ``np.linspace(0, 1, days + 1)``).
    costs
        Scalar :class:`~nogo.models.costs.DecisionCosts` (act and decline columns are used).
    threshold
        Act when the probability is at least this; by default the cost-optimal cut
        ``regret_act / (regret_act + regret_decline)`` of ``costs``.
    alpha, beta
        The true relation; ``beta > 0``.
    n_per_day, n_paths, n_bins, seed
        Decisions per day, simulated paths, ECE bins (uniform), seed or generator.

    Returns
    -------
    pandas.DataFrame
        ``path``, ``day``, ``input_noise_sd``, ``input_shift``, ``act_rate``, ``error_rate`` (wrong actions
        per decision), ``ece`` (expected calibration error of the launch probability on that day's
        decisions; it has a small positive sampling floor even when calibrated),
        ``cost_per_decision_usd``, ``recalibrated_cost_per_decision_usd``.

    Examples
    --------
    >>> c = DecisionCosts(false_action_usd=80.0, missed_usd=20.0)
    >>> f = degradation(60, input_noise_sd=np.linspace(0, 1.5, 61), costs=c, n_paths=4, seed=0)
    >>> d = f.groupby("day")[["ece", "cost_per_decision_usd", "recalibrated_cost_per_decision_usd"]].mean()
    >>> bool(d.loc[60, "ece"] > 4 * d.loc[0, "ece"])
    True
    >>> bool(d.loc[60, "cost_per_decision_usd"] > d.loc[60, "recalibrated_cost_per_decision_usd"])
    True
    """
    n_days = check_count("days", days)
    noise = _per_day("input_noise_sd", input_noise_sd, n_days, nonnegative=True)
    shift = _per_day("input_shift", input_shift, n_days)
    if not isinstance(costs, DecisionCosts):
        raise InputError(f"costs: expected DecisionCosts, got {type(costs).__name__}")
    if len(costs) != 1:
        raise InputError(f"costs: expected scalar costs, got {len(costs)} values per cost")
    right, wrong = (c[0] for c in costs.by_state())  # each: act, escalate, decline
    if threshold is None:
        regret_act, regret_decline = wrong[0] - wrong[2], right[2] - right[0]
        if not np.isfinite(regret_act + regret_decline) or regret_act + regret_decline <= 0:
            raise InputError(
                "costs: a wrong action and a miss must together cost more than the right outcomes"
            )
        threshold = float(np.clip(regret_act / (regret_act + regret_decline), 0.0, 1.0))
    t = as_bounded_scalar("threshold", threshold, low=0.0, high=1.0, expected="a probability in [0, 1]")
    a = as_bounded_scalar("alpha", alpha)
    b = as_bounded_scalar("beta", beta, low=0.0, low_open=True, expected="a slope > 0")
    n = check_count("n_per_day", n_per_day)
    paths = check_count("n_paths", n_paths)
    bins = check_count("n_bins", n_bins)
    rng = as_rng(seed)

    cols = ("act_rate", "error_rate", "ece", "cost_per_decision_usd", "recalibrated_cost_per_decision_usd")
    out = {c: np.empty((n_days + 1, paths)) for c in cols}
    for d in range(n_days + 1):
        x = shift[d] + rng.standard_normal((paths, n))
        seen = x + noise[d] * rng.standard_normal((paths, n))
        y = rng.random((paths, n)) < norm.cdf(a + b * x)
        p_launch = _probit_given_input(seen, a, b, noise[0], shift[0])
        p_now = _probit_given_input(seen, a, b, noise[d], shift[d])
        cost_act = np.where(y, right[0], wrong[0])
        cost_decline = np.where(y, right[2], wrong[2])
        act = p_launch >= t
        out["act_rate"][d] = act.mean(1)
        out["error_rate"][d] = (act & ~y).mean(1)
        out["ece"][d] = _ece_by_row(p_launch, y, bins)
        out["cost_per_decision_usd"][d] = np.where(act, cost_act, cost_decline).mean(1)
        out["recalibrated_cost_per_decision_usd"][d] = np.where(p_now >= t, cost_act, cost_decline).mean(1)
    frame = paths_frame(out)
    frame.insert(2, "input_noise_sd", np.tile(noise, paths))
    frame.insert(3, "input_shift", np.tile(shift, paths))
    return frame
