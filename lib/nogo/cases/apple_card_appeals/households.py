"""Synthetic married applicants: a group audit that passes, and spouses with very different limits.

NYDFS analysed underwriting data on about 400,000 New York applicants and found no fair-lending
violation (P5). That is an answer to a group question: are women, as a group, approved and given limits
at rates comparable to men's? Hansson's complaint asked something else: why does his wife, who shares
his finances and has the better credit score, get a twentieth of his limit? This module builds a
SYNTHETIC population of married households to show the two questions apart (every number is an
assumption; nothing about the real applicants was published):

- each household has an income (lognormal) and, with probability ``joint_share``, joint finances;
- the underwriting model is individual: it sees each applicant's own file, the credit score and the
  income on record for that applicant. In a household with joint finances the household's income is on
  record under one spouse only (the man with probability ``primary_man_share``), and the other spouse's
  own (often small) income is on theirs; in a household with separate finances each spouse's own share;
- credit scores are drawn the same way for women and men (planted: no difference in credit quality);
- approval: a credit score at or above ``approval_score``; limit: a share of the income on record,
  scaled by the score, rounded to $50 and kept between $250 and $30,000.

:func:`group_audit` runs the audit a regulator or a bias auditor runs (:func:`nogo.selection_rates`,
:func:`nogo.impact_ratios` on the limits, :func:`nogo.threshold_by_group` on the score), and
:func:`spousal_pairs` asks the household's question: the ratio between the two spouses' limits.

Examples
--------
>>> people = spousal_households(1000, seed=1)
>>> sorted(people["sex"].unique()), len(people)
(['man', 'woman'], 2000)
>>> audit = group_audit(people)
>>> bool(audit["approval"]["passes_four_fifths"].all())
True
>>> pairs = spousal_pairs(people)
>>> bool((pairs["limit_ratio"] >= 10).any())
True
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from nogo.errors import InputError
from nogo.models.fairness import impact_ratios, selection_rates, threshold_by_group

__all__ = [
    "AUDIT_SCORE_CUTS",
    "group_audit",
    "pair_summary",
    "spousal_households",
    "spousal_pairs",
]

AUDIT_SCORE_CUTS: tuple[int, ...] = (580, 620, 660, 700, 740)
"""Credit-score cut-offs the audit sweeps with :func:`nogo.threshold_by_group` (illustrative)."""
_STREAM = 0x5B0E5  # the households' own random stream beside the case's seed


def spousal_households(
    n_households: int,
    seed: int,
    *,
    joint_share: float = 0.6,
    primary_man_share: float = 0.55,
    approval_score: int = 640,
    median_income_usd: float = 110_000.0,
) -> pd.DataFrame:
    """Two applicants per household, each with the individual file the model sees and its decision.

    Parameters
    ----------
    n_households
        Married households applying (two applicants each).
    seed
        Seed of every draw.
    joint_share
        Share of households with joint finances (an assumption).
    primary_man_share
        In a joint-finance household, the chance the household's income is on record under the man.
    approval_score
        The model approves a credit score at or above this (illustrative).
    median_income_usd
        Median household income (illustrative).

    Returns
    -------
    pandas.DataFrame
        One row per applicant: ``applicant_id``, ``household_id``, ``sex``, ``joint_finances``,
        ``credit_score``, ``income_on_record_usd``, ``approved``, ``limit_usd`` (0 when declined).
    """
    n = int(n_households)
    if n < 10:
        raise InputError(f"n_households: at least 10, got {n_households!r}")
    for name, share in (("joint_share", joint_share), ("primary_man_share", primary_man_share)):
        if not 0 <= share <= 1:
            raise InputError(f"{name}: a share in [0, 1], got {share!r}")
    rng = np.random.default_rng([int(seed), _STREAM])
    income = median_income_usd * np.exp(0.5 * rng.standard_normal(n))
    joint = rng.random(n) < joint_share
    man_primary = rng.random(n) < primary_man_share
    own_share = np.where(joint, rng.beta(1.5, 3.0, n), rng.beta(2.0, 2.0, n))  # the second spouse's share
    second_income = income * own_share
    first_income = np.where(joint, income, income - second_income)  # joint: the household's, on one file
    man_income = np.where(man_primary, first_income, second_income)
    woman_income = np.where(man_primary, second_income, first_income)
    score = np.clip(np.round(rng.normal(715, 55, size=(n, 2))), 500, 850)  # same for women and men
    household = np.repeat(np.arange(1, n + 1), 2)
    sex = np.tile(np.array(["woman", "man"], dtype=object), n)
    on_record = np.column_stack([woman_income, man_income]).reshape(-1)
    credit = score.reshape(-1)
    approved = credit >= approval_score
    raw = 0.12 * on_record * np.exp((credit - 715.0) / 120.0)
    limit = np.where(approved, np.clip(np.round(raw / 50.0) * 50.0, 250.0, 30_000.0), 0.0)
    return pd.DataFrame(
        {
            "applicant_id": np.arange(1, 2 * n + 1),
            "household_id": household,
            "sex": sex,
            "joint_finances": np.repeat(joint, 2),
            "credit_score": credit.astype(np.int64),
            "income_on_record_usd": np.round(on_record, 2),
            "approved": approved,
            "limit_usd": limit,
        }
    )


def group_audit(people: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The audit by group a regulator or bias auditor runs on the applicants.

    Returns
    -------
    dict
        ``approval``: :func:`nogo.selection_rates` of approval by sex; ``limits``:
        :func:`nogo.impact_ratios` with ``method="scoring"`` on the approved applicants' limits (the share
        of each sex above the median limit); ``cuts``: :func:`nogo.threshold_by_group` of the credit score
        at :data:`AUDIT_SCORE_CUTS`.
    """
    approved = people[people["approved"]]
    return {
        "approval": selection_rates(people["sex"], people["approved"]),
        "limits": impact_ratios(approved["sex"], score=approved["limit_usd"], method="scoring"),
        "cuts": threshold_by_group(people["credit_score"], people["sex"], thresholds=list(AUDIT_SCORE_CUTS)),
    }


def spousal_pairs(people: pd.DataFrame, *, joint_only: bool = True) -> pd.DataFrame:
    """The household's question: per household where both spouses are approved, their two limits.

    Returns
    -------
    pandas.DataFrame
        One row per household: ``household_id``, ``joint_finances``, ``woman_limit_usd``,
        ``man_limit_usd``, ``limit_ratio`` (the higher limit over the lower), ``lower_limit_sex`` and
        ``lower_limit_has_higher_score`` (the spouse with the lower limit has the better credit score).
    """
    wide = people.pivot(index="household_id", columns="sex", values=["limit_usd", "credit_score", "approved"])
    both = wide["approved"].all(axis=1).to_numpy(dtype=bool)
    joint = people.groupby("household_id")["joint_finances"].first().to_numpy(dtype=bool)
    keep = both & joint if joint_only else both
    w_limit = wide[("limit_usd", "woman")].to_numpy(dtype=float)[keep]
    m_limit = wide[("limit_usd", "man")].to_numpy(dtype=float)[keep]
    w_score = wide[("credit_score", "woman")].to_numpy(dtype=float)[keep]
    m_score = wide[("credit_score", "man")].to_numpy(dtype=float)[keep]
    woman_lower = w_limit < m_limit
    return pd.DataFrame(
        {
            "household_id": wide.index.to_numpy()[keep],
            "joint_finances": joint[keep],
            "woman_limit_usd": w_limit,
            "man_limit_usd": m_limit,
            "limit_ratio": np.maximum(w_limit, m_limit) / np.minimum(w_limit, m_limit),
            "lower_limit_sex": np.where(woman_lower, "woman", np.where(m_limit < w_limit, "man", "equal")),
            "lower_limit_has_higher_score": np.where(woman_lower, w_score > m_score, m_score > w_score)
            & (w_limit != m_limit),
        }
    )


def pair_summary(pairs: pd.DataFrame, lines: tuple[float, ...]) -> pd.DataFrame:
    """How many spousal pairs are at least each line apart (e.g. the reported 10x and 20x).

    Returns
    -------
    pandas.DataFrame
        One row per line: ``line`` (times), ``pairs`` (at least that far apart), ``share_of_pairs``,
        ``woman_lower`` (share of those pairs where the woman has the lower limit),
        ``lower_has_better_score`` (share where the spouse with the lower limit has the better score).
    """
    ratio = pairs["limit_ratio"].to_numpy(dtype=float)
    cut = np.asarray(lines, dtype=float)[:, None]
    at = ratio[None, :] >= cut  # lines x pairs
    count = at.sum(axis=1)
    woman = (pairs["lower_limit_sex"].to_numpy() == "woman")[None, :]
    better = pairs["lower_limit_has_higher_score"].to_numpy(dtype=bool)[None, :]
    with np.errstate(invalid="ignore", divide="ignore"):
        return pd.DataFrame(
            {
                "line": np.asarray(lines, dtype=float),
                "pairs": count,
                "share_of_pairs": count / max(len(ratio), 1),
                "woman_lower": (at & woman).sum(axis=1) / count,
                "lower_has_better_score": (at & better).sum(axis=1) / count,
            }
        )
