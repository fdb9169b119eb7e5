"""Calibration first: a threshold on an uncalibrated score means nothing.

A reliability table (predicted against observed rate per bin, with Wilson intervals), the expected
calibration error, and calibrated scores from scikit-learn's isotonic regression or Platt scaling,
fitted out of fold so a notebook can compare a threshold on the raw score with one on the calibrated
probability without leaking the outcomes it is judged on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from nogo._validate import (
    as_float_array,
    as_outcome_array,
    check_choice,
    check_same_length,
    check_whole_number,
)
from nogo.errors import InputError
from nogo.models.stats import proportion_interval

__all__ = [
    "Calibrator",
    "calibrate_out_of_fold",
    "expected_calibration_error",
    "fit_calibrator",
    "reliability_table",
]


def _log(
    name: str, values: npt.ArrayLike, outcome: npt.ArrayLike, **checks: bool
) -> tuple[np.ndarray, np.ndarray]:
    """The boundary: a 1-d score (or probability) and outcome of one length; a single value is not a log."""
    s = as_float_array(name, values, per_decision=True, **checks)
    y = as_outcome_array("outcome", outcome, per_decision=True)
    check_same_length({name: s, "outcome": y}, broadcast=False)
    return s, y


def _both_outcomes(y: np.ndarray, where: str = "") -> None:
    if y.all() or not y.any():
        raise InputError(f"outcome: calibration needs both right (1) and wrong (0) outcomes{where}")


def _bins(p: np.ndarray, n_bins: int, strategy: str) -> np.ndarray:
    check_choice("strategy", strategy, ("uniform", "quantile"))
    check_whole_number("n_bins", n_bins, low=1)
    if strategy == "uniform":
        edges = np.linspace(0.0, 1.0, n_bins + 1)
    else:
        edges = np.unique(np.quantile(p, np.linspace(0.0, 1.0, n_bins + 1)))
    return edges


def reliability_table(
    p: npt.ArrayLike,
    outcome: npt.ArrayLike,
    *,
    n_bins: int = 10,
    strategy: str = "uniform",
    level: float = 0.95,
) -> pd.DataFrame:
    """Predicted probability against observed rate, per bin.

    Parameters
    ----------
    p
        Predicted probability that acting is right, in [0, 1].
    outcome
        1 where acting was right.
    n_bins
        Number of bins.
    strategy
        ``"uniform"`` (equal widths) or ``"quantile"`` (equal counts).
    level
        Confidence level of the Wilson interval on each bin's observed rate.

    Returns
    -------
    pandas.DataFrame
        Non-empty bins only: ``bin_low``, ``bin_high``, ``n``, ``mean_p``, ``observed_rate``,
        ``ci_low``, ``ci_high``, ``gap`` (observed minus predicted).

    Examples
    --------
    >>> t = reliability_table([0.1, 0.15, 0.8, 0.9], [0, 0, 1, 1], n_bins=2)
    >>> t[["n", "mean_p", "observed_rate"]].round(3).to_dict("list")
    {'n': [2, 2], 'mean_p': [0.125, 0.85], 'observed_rate': [0.0, 1.0]}
    """
    p_arr, y = _log("p", p, outcome, unit_interval=True)
    edges = _bins(p_arr, n_bins, strategy)
    idx = np.clip(np.searchsorted(edges, p_arr, side="right") - 1, 0, len(edges) - 2)
    n_edges = len(edges) - 1
    n = np.bincount(idx, minlength=n_edges)
    sum_p = np.bincount(idx, weights=p_arr, minlength=n_edges)
    k = np.bincount(idx, weights=y.astype(float), minlength=n_edges)
    keep = n > 0
    lo, hi = proportion_interval(k[keep], n[keep], level=level, method="wilson")
    table = pd.DataFrame(
        {
            "bin_low": edges[:-1][keep],
            "bin_high": edges[1:][keep],
            "n": n[keep],
            "mean_p": sum_p[keep] / n[keep],
            "observed_rate": k[keep] / n[keep],
            "ci_low": lo,
            "ci_high": hi,
        }
    )
    table["gap"] = table["observed_rate"] - table["mean_p"]
    return table


def expected_calibration_error(
    p: npt.ArrayLike, outcome: npt.ArrayLike, *, n_bins: int = 10, strategy: str = "uniform"
) -> float:
    """Expected calibration error: the count-weighted mean of ``|observed - predicted|`` over bins.

    Examples
    --------
    >>> expected_calibration_error([0.1, 0.15, 0.8, 0.9], [0, 0, 1, 1], n_bins=2)
    0.1375
    """
    t = reliability_table(p, outcome, n_bins=n_bins, strategy=strategy)
    return float(np.round((t["n"] * t["gap"].abs()).sum() / t["n"].sum(), 12))


@dataclass(frozen=True)
class Calibrator:
    """A fitted map from raw score to calibrated probability."""

    method: str
    model: Any

    def predict(self, score: npt.ArrayLike) -> np.ndarray:
        """Calibrated probability for each score."""
        s = as_float_array("score", score)
        if self.method == "isotonic":
            return np.clip(self.model.predict(s), 0.0, 1.0)
        return self.model.predict_proba(s.reshape(-1, 1))[:, 1]


def fit_calibrator(score: npt.ArrayLike, outcome: npt.ArrayLike, *, method: str = "isotonic") -> Calibrator:
    """Fit isotonic regression or Platt scaling (scikit-learn) from raw score to P(acting is right).

    Examples
    --------
    >>> cal = fit_calibrator([0.2, 0.4, 0.6, 0.8], [0, 0, 1, 1])
    >>> cal.predict([0.3, 0.7]).tolist()
    [0.0, 1.0]
    """
    check_choice("method", method, ("isotonic", "platt"))
    s, y = _log("score", score, outcome)
    _both_outcomes(y)
    if method == "isotonic":
        from sklearn.isotonic import IsotonicRegression

        model = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(s, y)
    else:
        from sklearn.linear_model import LogisticRegression
        from threadpoolctl import threadpool_limits

        # One feature, a few thousand rows at most: native thread pools only synchronise. On a busy
        # 2-core machine the default pools made each fit ~20x slower (about 4 s against 0.2 s for a
        # case's per-segment folds); one thread gives the same coefficients.
        with threadpool_limits(limits=1):
            model = LogisticRegression(C=1e6).fit(s.reshape(-1, 1), y)
    return Calibrator(method, model)


def calibrate_out_of_fold(
    score: npt.ArrayLike,
    outcome: npt.ArrayLike,
    *,
    method: str = "isotonic",
    n_folds: int = 5,
    seed: int = 0,
) -> np.ndarray:
    """Calibrated probabilities where each decision's value comes from a model fitted without it.

    Parameters
    ----------
    score, outcome
        The decision log.
    method
        ``"isotonic"`` or ``"platt"``.
    n_folds
        Number of folds (scikit-learn's ``KFold``, shuffled with ``seed``), from 2 to the number of
        decisions.
    seed
        Seed of the fold assignment.

    Examples
    --------
    >>> calibrate_out_of_fold([0.1, 0.2, 0.3, 0.7, 0.8, 0.9], [0, 1, 0, 1, 0, 1], n_folds=2).shape
    (6,)
    """
    from sklearn.model_selection import KFold

    check_choice("method", method, ("isotonic", "platt"))
    s, y = _log("score", score, outcome)
    k = check_whole_number("n_folds", n_folds, low=2, high=len(s), high_label="the decisions")
    seed = check_whole_number("seed", seed, low=0, high=2**32 - 1)
    _both_outcomes(y)
    out = np.empty_like(s)
    for fold, (train, test) in enumerate(KFold(k, shuffle=True, random_state=seed).split(s), start=1):
        where = f"; the rows fold {fold} of {k} is fitted on have only one, so use fewer folds"
        _both_outcomes(y[train], where)
        out[test] = fit_calibrator(s[train], y[train], method=method).predict(s[test])
    return out
