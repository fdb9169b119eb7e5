"""Hiring: a resume screener whose label is past hiring decisions, and why removing a word does not fix it.

The domain library of the ``resume-proxy-bias`` case (incidents sheet, section 3: Amazon's experimental
screener, 2014-2017, 1-5 stars, trained on about ten years of resumes submitted to the company, mostly
from men; it penalised "women's" and graduates of two all-women's colleges, favoured verbs such as
"executed" and "captured"; about 500 models of about 50,000 terms; scrapped). The reporting says what the
models were trained on, not what they were trained to predict: a label of past hiring decisions
("resembles the people we hired before") is the likely mechanism, an inference that this module plants
as ``hired_before``, not a reported fact. **No selection rates were published: everything here is a
synthetic, illustrative reconstruction** with a planted truth (a biased historical label, gender
proxies), never a reported figure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import altair as alt
import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.special import expit, logit
from scipy.stats import norm
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

from nogo._validate import as_bounded_scalar as _scalar
from nogo._validate import as_float_array, as_outcome_array
from nogo._validate import as_rng as _rng
from nogo._validate import check_count as _count
from nogo.cases.case import Case, HardRule
from nogo.charts.theme import HIGHLIGHT as _HIGHLIGHT
from nogo.charts.theme import OPTIMAL as _OPTIMAL
from nogo.charts.theme import require_columns as _require
from nogo.errors import InputError
from nogo.models.autonomy import AutonomySurface, TopShare, When
from nogo.models.calibration import calibrate_out_of_fold
from nogo.models.costs import CostComponent, CostModel
from nogo.models.fairness import equal_opportunity_gap, selection_rates, threshold_by_group

# fmt: off
__all__ = [
    "CASE",
    "EXPLICIT_TERMS",
    "KIND_COLOURS",
    "KNOWN_PROXIES",
    "SKILLS",
    "STAR_QUANTILES",
    "WOMENS_COLLEGES",
    "HiringPlanted",
    "ResumeProxyBiasCase",
    "Screener",
    "applicant_pool",
    "autonomy_report",
    "coefficient_chart",
    "compare_feature_sets",
    "decision_log",
    "drop_explicit_terms",
    "impact_ratio_chart",
    "screen_report",
    "screening_cost_model",
    "screening_surface",
    "star_ratings",
    "train_screener",
]
# fmt: on

SKILLS: tuple[str, ...] = ("skill_coding", "skill_systems", "skill_algorithms", "skill_delivery")
"""Job-relevant skills, each a noisy measure of the latent qualification (z-scores)."""
EXPLICIT_TERMS: tuple[str, ...] = ("mentions_womens",)
"""The explicit gendered term ("women's chess club captain"): what the reporting says was penalised."""
WOMENS_COLLEGES: tuple[str, ...] = ("womens_college_a", "womens_college_b")
"""The two all-women's colleges whose graduates the reporting says were downgraded (one term each)."""
KNOWN_PROXIES: tuple[str, ...] = (*WOMENS_COLLEGES, "verb_executed", "verb_captured")
"""Proxies named in the reporting: the two all-women's colleges, and verbs more common on men's resumes."""
STAR_QUANTILES: tuple[float, ...] = (0.2, 0.4, 0.6, 0.8)
"""Quantiles of the training pool's scores between 1|2|3|4|5 stars: quintiles (assumed; never published)."""
_PROBABILITIES = ("share_women", "verb_rate_men", "verb_rate_women", "womens_college_rate_women")
_PROBABILITIES += ("womens_term_rate_women", "womens_term_rate_men")
_KINDS = dict.fromkeys(SKILLS, "skill") | dict.fromkeys(EXPLICIT_TERMS, "explicit gendered term")
_KINDS |= dict.fromkeys(KNOWN_PROXIES, "known proxy")


@dataclass(frozen=True)
class HiringPlanted:
    """The parameters that generate a synthetic pool (see :func:`applicant_pool`): the truth to recover.

    Rates are probabilities; ``hire_*`` and ``label_bias`` are logits of the past hiring decision.
    """

    n: int
    seed: int | None
    share_women: float
    share_qualified: float
    skill_loadings: tuple[float, ...]
    womens_term_rate_women: float
    womens_term_rate_men: float
    womens_college_rate_women: float
    verb_rate_men: float
    verb_rate_women: float
    n_terms: int
    term_base_rate: float
    term_gender_logodds: float
    hire_intercept: float
    hire_weight: float
    label_bias: float

    def __post_init__(self) -> None:
        _count("n", self.n)
        loads = as_float_array("skill_loadings", self.skill_loadings)
        if len(loads) != len(SKILLS) or ((loads < 0) | (loads >= 1)).any():
            raise InputError(f"skill_loadings: expected 4 correlations in [0, 1), got {loads.tolist()}")
        object.__setattr__(self, "skill_loadings", tuple(map(float, loads)))
        for name in _PROBABILITIES:
            object.__setattr__(self, name, _scalar(name, getattr(self, name), low=0.0, high=1.0))
        if (rate := self.womens_college_rate_women) > 0.5:
            raise InputError(f"womens_college_rate_women: expected at most 0.5 per college (two), got {rate}")
        for name in ("share_qualified", "term_base_rate"):
            _scalar(name, getattr(self, name), low=0.0, high=1.0, low_open=True, high_open=True)
        for name in ("term_gender_logodds", "hire_intercept", "hire_weight", "label_bias"):
            _scalar(name, getattr(self, name))
        k = self.n_terms
        if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 0:
            raise InputError(f"n_terms: expected a whole number >= 0, got {k!r}")

    @property
    def qualified_cut_z(self) -> float:
        """Qualification (z) from which an applicant is qualified: ``norm.ppf(1 - share_qualified)``."""
        return float(norm.ppf(1 - self.share_qualified))

    @property
    def term_rates(self) -> np.ndarray:
        """Other terms' rates, (2, n_terms), men then women: ``expit(logit(base) +/- logodds / 2)``."""
        half = np.where(np.arange(self.n_terms) % 2 == 0, 0.5, -0.5) * self.term_gender_logodds
        return expit(logit(self.term_base_rate) + np.array([half, -half]))

    @property
    def terms(self) -> tuple[str, ...]:
        """Names of the other-term columns, ``term_00`` ...."""
        return tuple(f"term_{j:02d}" for j in range(self.n_terms))

    @property
    def features(self) -> tuple[str, ...]:
        """Every column a screener may read: skills, explicit term, known proxies, other terms."""
        return SKILLS + EXPLICIT_TERMS + KNOWN_PROXIES + self.terms


def applicant_pool(
    n: int,
    *,
    seed: int | np.random.Generator,
    share_women: float = 0.2,
    share_qualified: float = 0.3,
    skill_loadings: Sequence[float] = (0.8, 0.7, 0.6, 0.5),
    womens_term_rate_women: float = 0.30,
    womens_term_rate_men: float = 0.01,
    womens_college_rate_women: float = 0.08,
    verb_rate_men: float = 0.60,
    verb_rate_women: float = 0.25,
    n_terms: int = 20,
    term_base_rate: float = 0.2,
    term_gender_logodds: float = 0.8,
    hire_intercept: float = -2.2,
    hire_weight: float = 2.0,
    label_bias: float = 2.0,
) -> pd.DataFrame:
    """A synthetic applicant pool with a planted truth, a biased historical label and gender proxies.

    Every number is an illustrative, synthetic parameter (nothing about the real pool was published).
    Generative model, per applicant, independently:

    * ``gender`` is ``"woman"`` with probability ``share_women`` (default 0.2: mostly men, as the
      reporting says of the training resumes), else ``"man"``;
    * ``qualification ~ N(0, 1)``, independent of gender; ``qualified`` when it is at least
      ``norm.ppf(1 - share_qualified)`` (a population cut, ``qualified_cut_z``);
    * skill ``j`` is ``l_j * qualification + sqrt(1 - l_j**2) * noise``: N(0, 1), correlation ``l_j``
      (``skill_loadings``) with qualification, and independent of gender given it;
    * ``mentions_womens`` with probability ``womens_term_rate_women`` for women, ``..._men`` for men;
      ``womens_college_a`` and ``womens_college_b`` (:data:`WOMENS_COLLEGES`) for women only, each with
      probability ``womens_college_rate_women`` (one or the other, never both); ``verb_executed``
      and ``verb_captured`` (independently) with ``verb_rate_men`` or ``verb_rate_women``;
    * ``n_terms`` other terms, stand-ins for the thousands a bag-of-words screener reads: term ``j`` has
      logit rate ``logit(term_base_rate) +/- term_gender_logodds / 2``, even ``j`` more common among men,
      odd ``j`` among women. None of these depends on qualification;
    * ``hired_before`` with probability ``expit(hire_intercept + hire_weight * qualification
      - label_bias * [woman])``: past decisions, not qualification (the label the case assumes, as the
      likely mechanism of the real tool: the reporting does not name its label). ``label_bias=0`` is
      the control.
      Under the defaults that is 20.3% of men and 5.9% of women in the population (integrating over
      qualification): a historical impact ratio of 0.29.

    Returns
    -------
    pandas.DataFrame
        One row per applicant: ``applicant_id`` (0..n-1), ``gender``, ``qualification`` (z),
        ``qualified`` (bool), the :data:`SKILLS` (z), ``mentions_womens``, ``womens_college_a``,
        ``womens_college_b``, ``verb_executed``, ``verb_captured``, ``term_00`` ... (bools) and
        ``hired_before`` (bool). ``attrs["planted"]`` is the :class:`HiringPlanted` record. Same seed,
        same pool.

    Examples
    --------
    >>> pool = applicant_pool(20_000, seed=1)
    >>> pool.groupby("gender")["hired_before"].mean().round(2).to_dict()
    {'man': 0.21, 'woman': 0.06}
    >>> pool.groupby("gender")["qualified"].mean().round(2).to_dict()
    {'man': 0.29, 'woman': 0.29}
    """
    params = dict(locals())  # the arguments exactly as given, validated by HiringPlanted
    rng = _rng(params.pop("seed"))
    p = HiringPlanted(seed=None if isinstance(seed, np.random.Generator) else int(seed), **params)
    size, loads = int(p.n), np.asarray(p.skill_loadings)
    woman = rng.random(size) < p.share_women
    q = rng.standard_normal(size)
    skills = q[:, None] * loads + np.sqrt(1 - loads**2) * rng.standard_normal((size, len(SKILLS)))
    u = rng.random((size, 4))
    terms = rng.random((size, p.n_terms)) < np.where(woman[:, None], p.term_rates[1], p.term_rates[0])
    hired = rng.random(size) < expit(p.hire_intercept + p.hire_weight * q - p.label_bias * woman)
    verb = np.where(woman, p.verb_rate_women, p.verb_rate_men)
    pool = pd.DataFrame(
        {
            "applicant_id": np.arange(size),
            "gender": np.where(woman, "woman", "man"),
            "qualification": q,
            "qualified": q >= p.qualified_cut_z,
            **{name: skills[:, j] for j, name in enumerate(SKILLS)},
            "mentions_womens": u[:, 0] < np.where(woman, p.womens_term_rate_women, p.womens_term_rate_men),
            "womens_college_a": woman & (u[:, 1] < p.womens_college_rate_women),
            "womens_college_b": woman
            & (u[:, 1] >= p.womens_college_rate_women)
            & (u[:, 1] < 2 * p.womens_college_rate_women),
            "verb_executed": u[:, 2] < verb,
            "verb_captured": u[:, 3] < verb,
            **{name: terms[:, j] for j, name in enumerate(p.terms)},
            "hired_before": hired,
        }
    )
    pool.attrs["planted"] = p
    return pool


# -- the screener ----------------------------------------------------------------------------------------


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


# -- what the screen does to each group ------------------------------------------------------------------


def _column(frame: pd.DataFrame, name: str, arg: str, where: str = "pool") -> pd.Series:
    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"{where}: expected a pandas DataFrame, got {type(frame).__name__}")
    if name not in frame.columns:
        raise InputError(f"{arg}: column {name!r} not in the {where}")
    return frame[name].reset_index(drop=True)


def screen_report(
    pool: pd.DataFrame,
    stars: npt.ArrayLike | str,
    *,
    group: str = "gender",
    outcome: str = "qualified",
    min_stars: Sequence[int] = (2, 3, 4, 5),
) -> pd.DataFrame:
    """Selection rates, adverse-impact ratios and equal opportunity by group at each star cut.

    Selected at cut ``m``: ``stars >= m``. Rates, ratios (to the most selected group) and TPR/FPR against
    ``outcome`` (true qualification) from :func:`nogo.models.fairness.threshold_by_group`; the TPR gap from
    :func:`nogo.models.fairness.equal_opportunity_gap`.

    Returns
    -------
    pandas.DataFrame
        One row per (cut, group): ``min_stars``, ``group``, ``n``, ``n_selected``, ``selection_rate``,
        ``impact_ratio``, ``passes_four_fifths``, ``n_qualified``, ``tpr``, ``fpr``, ``tpr_gap``.

    Examples
    --------
    >>> pool = pd.DataFrame({"gender": ["m", "m", "w", "w"], "qualified": [1, 0, 0, 1]})
    >>> screen_report(pool, [5, 3, 3, 1], min_stars=[3])[["group", "selection_rate", "impact_ratio", "tpr"]]
      group  selection_rate  impact_ratio  tpr
    0     m             1.0           1.0  1.0
    1     w             0.5           0.5  0.0
    """
    g, y = _column(pool, group, "group"), _column(pool, outcome, "outcome")
    st = as_float_array("stars", _column(pool, stars, "stars") if isinstance(stars, str) else stars)
    cuts = as_float_array("min_stars", min_stars)
    bad = (cuts < 1) | (cuts > 5) | (cuts != np.floor(cuts))
    if bad.any():
        raise InputError(f"min_stars: expected whole stars 1-5, found {cuts[bad][0]:g}")
    if len(st) != len(g):
        raise InputError(f"stars: expected {len(g)} values (one per applicant), got {len(st)}")
    out = threshold_by_group(st, g, y, thresholds=cuts).rename(columns={"threshold": "min_stars"})
    gaps = [equal_opportunity_gap(g, y, st >= m)["tpr_gap"].to_numpy() for m in np.unique(cuts)]
    out["tpr_gap"] = np.concatenate(gaps)  # both sort groups by label, cuts ascending
    out["min_stars"] = out["min_stars"].astype(np.int64)
    cols = ["min_stars", "group", "n", "n_selected", "selection_rate", "impact_ratio", "passes_four_fifths"]
    return out[[*cols, "n_qualified", "tpr", "fpr", "tpr_gap"]]


def compare_feature_sets(
    pool: pd.DataFrame,
    *,
    seed: int,
    feature_sets: Mapping[str, tuple[Sequence[str], str]] | None = None,
    min_stars: Sequence[int] = (2, 3, 4, 5),
) -> pd.DataFrame:
    """Retrain the screener on each feature set and report what each does to each group.

    ``feature_sets`` maps names to ``(features, label)``; by default (kept in ``attrs["feature_sets"]``):
    ``all terms``, ``explicit term dropped`` (the team's edit), ``known proxies dropped too``, ``skills
    only`` (a list only the planted truth lets you write) and ``true label`` (all terms, trained on
    ``qualified``, which no real pool has). Each model gets its own star cut-offs. Under the default planted
    parameters the ratio stays below 0.8 at 4 and 5 stars without the explicit term (proxies carry gender);
    dropping known proxies narrows it, the other terms keep part; only gender-free features or an unbiased
    label close it.

    Returns
    -------
    pandas.DataFrame
        :func:`screen_report`'s columns preceded by ``feature_set``, ``label`` and ``n_features``.

    Examples
    --------
    >>> t = compare_feature_sets(applicant_pool(4_000, seed=0), seed=0, min_stars=[4])
    >>> t["feature_set"].unique().tolist()[-2:]
    ['skills only', 'true label']
    """
    sets = dict(feature_sets or {})
    if feature_sets is None:
        planted = pool.attrs.get("planted") if isinstance(pool, pd.DataFrame) else None
        if not isinstance(planted, HiringPlanted):
            raise InputError("pool: expected a pool from applicant_pool (attrs['planted'] is missing)")
        every, edited = planted.features, tuple(drop_explicit_terms(planted.features))
        sets = {
            "all terms": (every, "hired_before"),
            "explicit term dropped": (edited, "hired_before"),
            "known proxies dropped too": (tuple(drop_explicit_terms(edited, KNOWN_PROXIES)), "hired_before"),
            "skills only": (SKILLS, "hired_before"),
            "true label": (every, "qualified"),
        }
    if not sets:
        raise InputError("feature_sets: expected at least one {name: (features, label)}, got none")
    frames = []
    for name, spec in sets.items():  # a handful of models
        if not (isinstance(spec, tuple | list) and len(spec) == 2):
            raise InputError(f"feature_sets: {name!r} should be (features, label), got {spec!r}")
        screener = train_screener(pool, features=spec[0], label=spec[1], seed=seed)
        rep = screen_report(pool, screener.stars(pool), min_stars=min_stars)
        frames.append(rep.assign(feature_set=name, label=spec[1], n_features=len(screener.features)))
    out = pd.concat(frames, ignore_index=True)[["feature_set", "label", "n_features", *rep.columns]]
    out.attrs["feature_sets"] = {name: (tuple(f), lab) for name, (f, lab) in sets.items()}
    return out


# -- decisions, costs and the autonomy cap ----------------------------------------------------------------


def decision_log(
    pool: pd.DataFrame, screener: Screener, *, min_stars: int = 4, salary_usd: float = 150_000.0
) -> pd.DataFrame:
    """The screener's decisions as a decision log (the shared conventions).

    ``score``: the model's probability of ``hired_before``; ``outcome``: the planted truth ``qualified``;
    ``value_usd``: the role's first-year salary (illustrative ``salary_usd``; the cost model takes shares
    of it); ``group``: gender; ``action_type``: ``"shortlist"`` at ``min_stars`` or more, else
    ``"reject"``; plus ``applicant_id`` and ``stars``.

    Examples
    --------
    >>> pool = applicant_pool(2_000, seed=0)
    >>> log = decision_log(pool, train_screener(pool, features=("skill_coding",), seed=0))
    >>> log["action_type"].value_counts().to_dict()
    {'reject': 1200, 'shortlist': 800}
    """
    if not isinstance(screener, Screener):
        raise InputError(f"screener: expected a Screener from train_screener, got {type(screener).__name__}")
    m = _scalar("min_stars", min_stars, low=1.0, high=5.0, expected="a whole number of stars 1-5")
    if m != int(m):
        raise InputError(f"min_stars: expected a whole number of stars 1-5, got {min_stars!r}")
    salary = _scalar("salary_usd", salary_usd, low=0.0, expected="a salary >= 0")
    score = screener.score(pool)
    stars = _stars(score, screener.star_cuts)
    return pd.DataFrame(
        {
            "decision_id": np.arange(len(pool)),
            "applicant_id": _column(pool, "applicant_id", "pool").to_numpy(),
            "score": score,
            "stars": stars,
            "outcome": _column(pool, "qualified", "pool").to_numpy(dtype=bool),
            "value_usd": np.full(len(pool), salary),
            "group": _column(pool, "gender", "pool").to_numpy(),
            "action_type": np.where(stars >= m, "shortlist", "reject"),
        }
    )


def screening_cost_model(
    *,
    bad_hire_share: Sequence[float] = (0.15, 0.30, 1.00),
    missed_share: Sequence[float] = (0.05, 0.15, 0.30),
    legal_usd: Sequence[float] = (0.0, 500.0, 5_000.0),
    review_usd: Sequence[float] = (15.0, 30.0, 60.0),
    reviewer_miss_rate: float = 0.10,
    reviewer_false_block_rate: float = 0.10,
) -> CostModel:
    """Illustrative costs of one screening decision (no published figures exist), each (low, base, high).

    ``act`` is shortlisting, ``decline`` rejecting, ``escalate`` a recruiter reading the resume. Priced as
    if the screen's call were final: a false positive is a bad hire (``bad_hire_share`` of ``value_usd``,
    the first-year salary); a false negative is a missed qualified candidate (``missed_share`` of it: a
    longer vacancy, a weaker hire) plus legal exposure (``legal_usd`` expected per wrongful rejection,
    category ``legal``); a review costs ``review_usd``, and reviewers have their own error rates.

    Examples
    --------
    >>> m = screening_cost_model()
    >>> m.expected_costs([0.5], value_usd=[100_000.0]).round(0).to_dict("records")
    [{'act_usd': 15000.0, 'escalate_usd': 2305.0, 'decline_usd': 7750.0, 'best_action': 'escalate'}]
    """
    share, usd = ("value_share_low", "value_share", "value_share_high"), ("low_usd", "base_usd", "high_usd")
    comps = []
    for label, name, outcome, category, value, keys in [
        ("bad hire", "bad_hire_share", "false_action", "financial", bad_hire_share, share),
        ("missed qualified candidate", "missed_share", "missed", "financial", missed_share, share),
        ("legal exposure", "legal_usd", "missed", "legal", legal_usd, usd),
        ("recruiter review", "review_usd", "review", "financial", review_usd, usd),
    ]:
        arr = as_float_array(name, value, nonnegative=True)
        if len(arr) != 3:
            raise InputError(f"{name}: expected (low, base, high), got {value!r}")
        kw = dict(zip(keys, map(float, arr), strict=True))
        comps.append(CostComponent(f"{label} (illustrative)", outcome, category, **kw))
    miss, block = reviewer_miss_rate, reviewer_false_block_rate
    return CostModel(comps, reviewer_miss_rate=miss, reviewer_false_block_rate=block)


def screening_surface(top_share: float = 0.10) -> AutonomySurface:
    """The cap: shortlist the top ``top_share`` by score for human review; never reject alone.

    Examples
    --------
    >>> log = pd.DataFrame({"score": [0.9, 0.2, 0.5], "action_type": ["shortlist", "reject", "reject"]})
    >>> screening_surface(0.34).evaluate(log)["verdict"].tolist()
    ['alone', 'approval', 'approval']
    """
    top = TopShare(top_share, column="score", otherwise="approval", label=f"outside top {top_share:.0%}")
    return AutonomySurface([top, When("action_type == 'reject'", "approval", label="never reject alone")])


def autonomy_report(
    log: pd.DataFrame, *, top_share: float = 0.10, cost_model: CostModel | None = None, level: str = "base"
) -> pd.DataFrame:
    """The screener deciding alone against the capped screener, by group.

    ``screener alone``: every shortlist and rejection is autonomous. ``capped``: only rows the
    :func:`screening_surface` leaves ``alone`` (autonomous shortlists of the top ``top_share``) are the
    agent's; everything else goes to a person. ``impact_ratio`` is that of the autonomous shortlist
    (:func:`nogo.models.fairness.selection_rates`). With ``cost_model``, ``cost_usd`` is the realised cost at
    ``level``: autonomous shortlists priced as ``act``, autonomous rejections as ``decline``, and rows sent
    to a person as ``escalate`` (review plus the reviewer's own errors).

    Returns
    -------
    pandas.DataFrame
        One row per (policy, group): ``policy``, ``group``, ``n``, ``n_shortlisted_alone``,
        ``shortlist_rate``, ``impact_ratio``, ``passes_four_fifths``, ``n_rejected_alone``,
        ``n_to_humans``, ``share_to_humans`` (and ``cost_usd``).

    Examples
    --------
    >>> log = pd.DataFrame({"score": [0.9, 0.8, 0.4, 0.3], "group": ["m", "w", "m", "w"],
    ...                     "action_type": ["shortlist", "shortlist", "reject", "reject"]})
    >>> autonomy_report(log, top_share=0.25)[["policy", "group", "n_shortlisted_alone", "n_to_humans"]]
               policy group  n_shortlisted_alone  n_to_humans
    0  screener alone     m                    1            0
    1  screener alone     w                    1            0
    2          capped     m                    1            1
    3          capped     w                    0            2
    """
    verdict = screening_surface(top_share).evaluate(log)["verdict"].to_numpy()
    group = _column(log, "group", "log", "decision log").to_numpy()
    shortlist = _column(log, "action_type", "log", "decision log").to_numpy() == "shortlist"
    costs = None
    if cost_model is not None:
        outcome = _column(log, "outcome", "log", "decision log")
        costs = cost_model.decision_costs(log.get("value_usd"), level=level).realised(outcome)
    frames = []
    for policy, alone in [("screener alone", np.ones(len(log), dtype=bool)), ("capped", verdict == "alone")]:
        rates = selection_rates(group, alone & shortlist)
        counts = {"n_rejected_alone": alone & ~shortlist, "n_to_humans": ~alone}
        if costs is not None:  # column 0 act, 1 escalate, 2 decline
            counts["cost_usd"] = costs[np.arange(len(log)), np.where(alone, np.where(shortlist, 0, 2), 1)]
        sums = pd.DataFrame(counts).groupby(group).sum().loc[rates["group"]].reset_index(drop=True)
        t = rates[["group", "n", "n_selected", "selection_rate", "impact_ratio", "passes_four_fifths"]]
        t = t.rename(columns={"n_selected": "n_shortlisted_alone", "selection_rate": "shortlist_rate"})
        t = pd.concat([t, sums], axis=1).assign(share_to_humans=lambda d: d["n_to_humans"] / d["n"])
        frames.append(t.assign(policy=policy))
    cols = ["policy", "group", "n", "n_shortlisted_alone", "shortlist_rate", "impact_ratio"]
    cols += ["passes_four_fifths", "n_rejected_alone", "n_to_humans", "share_to_humans"]
    return pd.concat(frames, ignore_index=True)[cols + ["cost_usd"] * (costs is not None)]


# -- charts ------------------------------------------------------------------------------------------------

KIND_COLOURS: dict[str, str] = {
    "explicit gendered term": _HIGHLIGHT,
    "known proxy": "#f4a261",
    "other term": "#8d99ae",
    "skill": _OPTIMAL,
    "other": "#bbbbbb",
}
"""One colour per feature kind in :func:`coefficient_chart`: what the reporting named stands out."""


def coefficient_chart(
    coefficients: pd.DataFrame, *, title: str = "What the screener learned from past hires"
) -> alt.LayerChart:
    """Each feature's coefficient with its 95% interval, the gendered term and the proxies highlighted.

    ``coefficients`` is :attr:`Screener.coefficients` (``feature``, ``kind``, ``coefficient``, ``ci_low``,
    ``ci_high``); features are sorted by coefficient, coloured by kind, with a rule at zero (left of it, the
    feature lowers the score). Skills are per standard deviation, terms for having the term.

    Examples
    --------
    >>> pool = applicant_pool(3_000, seed=0)
    >>> s = train_screener(pool, features=("skill_coding", "mentions_womens"), seed=0)
    >>> [layer["mark"]["type"] for layer in coefficient_chart(s.coefficients).to_dict()["layer"]]
    ['rule', 'point', 'rule']
    """
    _require(coefficients, "coefficients", ("feature", "kind", "coefficient", "ci_low", "ci_high"))
    data = coefficients[["feature", "kind", "coefficient", "ci_low", "ci_high"]].copy()
    order = data.sort_values("coefficient")["feature"].tolist()
    kinds = [k for k in KIND_COLOURS if k in set(data["kind"])]
    y = alt.Y("feature:N", sort=order, title=None)
    colour = alt.Color(
        "kind:N", title="feature", scale=alt.Scale(domain=kinds, range=[KIND_COLOURS[k] for k in kinds])
    )
    tip = [
        "feature:N",
        "kind:N",
        *(alt.Tooltip(f"{c}:Q", format=".2f") for c in ("coefficient", "ci_low", "ci_high")),
    ]
    base = alt.Chart(data)
    interval = base.mark_rule(strokeWidth=2).encode(x="ci_low:Q", x2="ci_high:Q", y=y, color=colour)
    point = base.mark_point(filled=True, size=50).encode(
        x=alt.X("coefficient:Q", title="log-odds of 'hired before' (95% interval)"),
        y=y,
        color=colour,
        tooltip=tip,
    )
    zero = alt.Chart(pd.DataFrame({"zero": [0.0]})).mark_rule(color="#333").encode(x="zero:Q")
    height = max(120, 16 * len(data))
    return alt.layer(interval, point, zero).properties(title=title, height=height)


def impact_ratio_chart(
    report: pd.DataFrame,
    *,
    min_ratio: float = 0.8,
    title: str = "The lowest group's impact ratio at each star cut",
) -> alt.LayerChart:
    """The lowest group's adverse-impact ratio at each star cut, one line per feature set, the 0.8 line drawn.

    ``report`` is :func:`screen_report` (one line) or :func:`compare_feature_sets` (one line per
    ``feature_set``): ``min_stars``, ``group``, ``impact_ratio``. At each (feature set, cut) the lowest
    ratio is drawn, with its group in the tooltip; a point below the dashed line fails the four-fifths rule.

    Examples
    --------
    >>> rep = pd.DataFrame({"min_stars": [4, 4, 5, 5], "group": ["m", "w", "m", "w"],
    ...                     "impact_ratio": [1.0, 0.7, 1.0, 0.5]})
    >>> spec = impact_ratio_chart(rep).to_dict()
    >>> [r["impact_ratio"] for r in spec["datasets"][spec["layer"][0]["data"]["name"]]]
    [0.7, 0.5]
    """
    _require(report, "report", ("min_stars", "group", "impact_ratio"))
    line = _scalar("min_ratio", min_ratio, low=0.0, high=1.0, low_open=True, expected="a ratio in (0, 1]")
    data = report.assign(feature_set=report.get("feature_set", "screener"))
    keys = ["feature_set", "min_stars"]
    data = data.loc[data.groupby(keys, sort=False)["impact_ratio"].idxmin(), [*keys, "group", "impact_ratio"]]
    data = data.assign(group=data["group"].astype(str), feature_set=data["feature_set"].astype(str))
    sets = list(dict.fromkeys(data["feature_set"]))
    palette = [_HIGHLIGHT, "#f4a261", "#e9c46a", "#2a9d8f", _OPTIMAL, "#8d99ae"]  # biased warm, fixes cool
    colours = alt.Scale(domain=sets, range=[palette[i % len(palette)] for i in range(len(sets))])
    lines = (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=alt.X(
                "min_stars:O", title="shortlisted at this many stars or more", axis=alt.Axis(labelAngle=0)
            ),
            y=alt.Y("impact_ratio:Q", title="lowest impact ratio", scale=alt.Scale(domain=[0, 1.05])),
            color=alt.Color("feature_set:N", title=None, sort=sets, scale=colours),
            tooltip=["feature_set:N", "min_stars:O", "group:N", alt.Tooltip("impact_ratio:Q", format=".2f")],
        )
    )
    rule = (
        alt.Chart(pd.DataFrame({"four_fifths": [line]}))
        .mark_rule(color="#333", strokeDash=[4, 3])
        .encode(y="four_fifths:Q")
    )
    heading = alt.TitleParams(title, subtitle=f"dashed: the four-fifths line at {line:g}; below it fails")
    return alt.layer(lines, rule).properties(title=heading, width=460)


class ResumeProxyBiasCase(Case):
    """The resume-proxy-bias case through the case interface (:class:`nogo.Case`).

    The decision log is :func:`decision_log` of a screener trained (:func:`train_screener`) on the
    synthetic pool (:func:`applicant_pool`, with the case's ``label_bias``); ``p`` is calibrated out of
    fold on the truth; the costs are :func:`screening_cost_model`; a quarter's applicants (90 days,
    illustrative); the adverse-impact ratio compares who is not declined; one hard rule: never reject an
    applicant without a person.
    """

    DESK = MappingProxyType({"favourable": "not_declined"})

    def decision_log(self, params):
        seed = int(params["seed"])
        pool = applicant_pool(params["n_applicants"], seed=seed, label_bias=params["label_bias"])
        screener = train_screener(pool, features=pool.attrs["planted"].features, seed=seed)
        return decision_log(pool, screener)

    def probability(self, log, params):
        return calibrate_out_of_fold(log["score"], log["outcome"], seed=int(params["seed"]))

    def cost_model(self, log, params):
        return screening_cost_model()

    def days(self, log, params):
        return 90.0

    def hard_rules(self, log, params):
        return [HardRule("never reject an applicant without a person", "decline", np.ones(len(log), bool))]


CASE = ResumeProxyBiasCase
