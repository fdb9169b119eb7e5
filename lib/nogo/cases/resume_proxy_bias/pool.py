"""The synthetic applicant pool: a planted truth, a biased historical label and gender proxies.

Every applicant has a latent qualification independent of gender; the label, ``hired_before``, is a past
hiring decision that also depended on gender (``label_bias``), the likely mechanism of the real tool (an
inference, not a reported fact). The resume carries skills, the explicit term "women's", the two
all-women's colleges, the verbs the reporting named and other terms whose frequency differs a little
between men and women. Every number is illustrative: nothing about the real pool was published.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import expit, logit
from scipy.stats import norm

from nogo._validate import as_bounded_scalar as _scalar
from nogo._validate import as_float_array
from nogo._validate import as_rng as _rng
from nogo._validate import check_count as _count
from nogo.errors import InputError

__all__ = ["EXPLICIT_TERMS", "KNOWN_PROXIES", "SKILLS", "WOMENS_COLLEGES", "HiringPlanted", "applicant_pool"]

SKILLS: tuple[str, ...] = ("skill_coding", "skill_systems", "skill_algorithms", "skill_delivery")
"""Job-relevant skills, each a noisy measure of the latent qualification (z-scores)."""
EXPLICIT_TERMS: tuple[str, ...] = ("mentions_womens",)
"""The explicit gendered term ("women's chess club captain"): what the reporting says was penalised."""
WOMENS_COLLEGES: tuple[str, ...] = ("womens_college_a", "womens_college_b")
"""The two all-women's colleges whose graduates the reporting says were downgraded (one term each)."""
KNOWN_PROXIES: tuple[str, ...] = (*WOMENS_COLLEGES, "verb_executed", "verb_captured")
"""Proxies named in the reporting: the two all-women's colleges, and verbs more common on men's resumes."""
_PROBABILITIES = ("share_women", "verb_rate_men", "verb_rate_women", "womens_college_rate_women")
_PROBABILITIES += ("womens_term_rate_women", "womens_term_rate_men")


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
