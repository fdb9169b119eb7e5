"""The screener: a logistic regression on a resume's features, its coefficients and its 1-5 stars.

What the team built, kept well: scikit-learn's logistic regression trained on the historical label, Wald
intervals on every coefficient, stars cut at quantiles of the training pool's scores, and the team's edit
(drop the explicit gendered term), which keeps the proxies.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.stats import norm
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

from nogo._validate import as_bounded_scalar as _scalar
from nogo._validate import as_float_array, as_outcome_array
from nogo.cases.resume_proxy_bias._frames import column as _column
from nogo.cases.resume_proxy_bias.pool import EXPLICIT_TERMS, KNOWN_PROXIES, SKILLS
from nogo.errors import InputError

__all__ = ["STAR_QUANTILES", "Screener", "drop_explicit_terms", "star_ratings", "train_screener"]

STAR_QUANTILES: tuple[float, ...] = (0.2, 0.4, 0.6, 0.8)
"""Quantiles of the training pool's scores between 1|2|3|4|5 stars: quintiles (assumed; never published)."""
_KINDS = dict.fromkeys(SKILLS, "skill") | dict.fromkeys(EXPLICIT_TERMS, "explicit gendered term")
_KINDS |= dict.fromkeys(KNOWN_PROXIES, "known proxy")


def _matrix(frame: Any, features: Sequence[str], who: str) -> np.ndarray:
    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"{who}: expected a pandas DataFrame of applicants, got {type(frame).__name__}")
    if len(frame) == 0:
        raise InputError(f"{who}: expected at least one applicant, got an empty frame")
    cols = []
    for f in features:
        s = _column(frame, f, "features")
        if not (pd.api.types.is_bool_dtype(s.dtype) or pd.api.types.is_numeric_dtype(s.dtype)):
            raise InputError(f"features: column {f!r} is {s.dtype}, expected numbers or booleans")
        cols.append(as_float_array(f"column {f!r}", s.to_numpy(dtype=np.float64, na_value=np.nan)))
    return np.column_stack(cols)


@dataclass(frozen=True)
class Screener:
    """A fitted screener: the model, what it reads, its coefficients and its star cut-offs.

    ``coefficients``, one row per feature: ``feature``, ``kind`` (skill, explicit gendered term, known
    proxy, other term, other), ``coefficient`` (log-odds of ``label`` per unit), ``std_error``, ``z``,
    ``ci_low``, ``ci_high`` (95% Wald interval), ``odds_ratio``.
    """

    model: LogisticRegression
    features: tuple[str, ...]
    label: str
    intercept: float
    coefficients: pd.DataFrame
    star_cuts: np.ndarray

    def score(self, frame: pd.DataFrame) -> np.ndarray:
        """The model's probability of ``label`` for each applicant."""
        return self.model.predict_proba(_matrix(frame, self.features, "frame"))[:, 1]

    def stars(self, frame: pd.DataFrame) -> np.ndarray:
        """1-5 stars per applicant, with the cut-offs set on the training pool."""
        return _stars(self.score(frame), self.star_cuts)


def train_screener(
    pool: pd.DataFrame,
    *,
    features: Sequence[str],
    seed: int,
    label: str = "hired_before",
    C: float = 1.0,
    quantiles: Sequence[float] = STAR_QUANTILES,
) -> Screener:
    """Fit scikit-learn's :class:`~sklearn.linear_model.LogisticRegression` to ``label`` on ``features``.

    A transparent, well-kept learner: L2 penalty with inverse strength ``C`` (negligible at thousands of
    rows), lbfgs, which is deterministic (``seed`` is passed as ``random_state`` for form's sake). Booleans
    become 0/1, other features are used as given. Standard errors are Wald errors from the inverse Hessian
    of the penalised log-likelihood, ``X'WX + I / C`` with the intercept unpenalised; the star cut-offs are
    the ``quantiles`` of the training pool's scores (see :func:`star_ratings`).

    Examples
    --------
    >>> from nogo.cases.resume_proxy_bias import applicant_pool
    >>> pool = applicant_pool(5_000, seed=0)
    >>> s = train_screener(pool, features=("skill_coding", "mentions_womens"), seed=0)
    >>> s.coefficients.set_index("feature")["coefficient"].gt(0).to_dict()
    {'skill_coding': True, 'mentions_womens': False}
    """
    feats = (features,) if isinstance(features, str) else tuple(features)
    if not feats:
        raise InputError("features: expected at least one column name, got none")
    if len(set(feats)) < len(feats):
        raise InputError(f"features: {next(f for f in feats if feats.count(f) > 1)!r} is listed twice")
    x = _matrix(pool, feats, "pool")
    y = as_outcome_array(f"label: column {label!r}", _column(pool, label, "label"))
    if y.all() or not y.any():
        raise InputError(f"label: column {label!r} has only one class; a screener needs both")
    c = _scalar("C", C, low=0.0, low_open=True, expected="a positive number")
    with threadpool_limits(1):  # small dense problems: threads only contend (and one is reproducible)
        model = LogisticRegression(C=c, max_iter=5000, tol=1e-8, random_state=seed).fit(x, y)
        p = model.predict_proba(x)[:, 1]
        design = np.column_stack([np.ones(len(x)), x])
        hess = design.T @ (design * (p * (1 - p))[:, None]) + np.diag([0.0] + [1 / c] * len(feats))
        se = np.sqrt(np.diag(np.linalg.pinv(hess)))[1:]
    coef, z95 = model.coef_[0], float(norm.ppf(0.975))
    table = pd.DataFrame(
        {
            "feature": feats,
            "kind": [_KINDS.get(f, "other term" if f.startswith("term_") else "other") for f in feats],
            "coefficient": coef,
            "std_error": se,
            "z": np.divide(coef, se, out=np.full_like(coef, np.nan), where=se > 0),
            "ci_low": coef - z95 * se,
            "ci_high": coef + z95 * se,
            "odds_ratio": np.exp(coef),
        }
    )
    return Screener(model, feats, label, float(model.intercept_[0]), table, _star_cuts(p, quantiles))


def _star_cuts(reference: npt.ArrayLike, quantiles: Sequence[float]) -> np.ndarray:
    ref = as_float_array("reference", reference)
    q = as_float_array("quantiles", quantiles, unit_interval=True)
    if len(q) != 4 or (np.diff(q) <= 0).any():
        raise InputError(f"quantiles: expected 4 increasing quantiles (1|2|3|4|5 stars), got {quantiles!r}")
    return np.quantile(ref, q)


def _stars(score: np.ndarray, cuts: np.ndarray) -> np.ndarray:
    return (1 + np.searchsorted(cuts, score, side="right")).astype(np.int64)


def star_ratings(
    scores: npt.ArrayLike,
    *,
    reference: npt.ArrayLike | None = None,
    quantiles: Sequence[float] = STAR_QUANTILES,
) -> np.ndarray:
    """Stars 1-5: one plus the number of cut-offs a score reaches.

    The cut-offs are the ``quantiles`` of ``reference`` (:func:`numpy.quantile`, linear), the training
    pool's scores (default: ``scores`` themselves). With the default quintiles each star holds a fifth of
    a continuous reference pool; a score equal to a cut-off gets the higher star.

    Examples
    --------
    >>> star_ratings([0.05, 0.3, 0.5, 0.7, 0.95], reference=np.arange(11) / 10).tolist()
    [1, 2, 3, 4, 5]
    """
    s = as_float_array("scores", scores)
    return _stars(s, _star_cuts(s if reference is None else reference, quantiles))


def drop_explicit_terms(features: Sequence[str], terms: Sequence[str] = EXPLICIT_TERMS) -> list[str]:
    """``features`` without the explicit gendered ``terms``: the edit the team made, which keeps the proxies.

    Examples
    --------
    >>> drop_explicit_terms(["skill_coding", "mentions_womens", "womens_college"])
    ['skill_coding', 'womens_college']
    """
    return [f for f in features if f not in set(terms)]
