"""Decisions, costs and the autonomy cap: the screener's ratings as a decision log, and what they cost.

:func:`decision_log` writes the ratings in the casebook's decision-log format; :func:`screening_cost_model`
prices a screening decision (illustrative: no costs were published); :func:`screening_surface` is the cap
"shortlist the top share for human review, never reject alone", and :func:`autonomy_report` compares the
screener deciding alone with the capped one, group by group.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from nogo._validate import as_bounded_scalar as _scalar
from nogo._validate import as_float_array
from nogo.cases.resume_proxy_bias._frames import column as _column
from nogo.cases.resume_proxy_bias.screener import Screener
from nogo.errors import InputError
from nogo.models.autonomy import AutonomySurface, TopShare, When
from nogo.models.costs import CostComponent, CostModel
from nogo.models.fairness import selection_rates

__all__ = ["autonomy_report", "decision_log", "screening_cost_model", "screening_surface"]


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
    >>> from nogo.cases.resume_proxy_bias import applicant_pool, train_screener
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
    score, stars = screener.score(pool), screener.stars(pool)
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
