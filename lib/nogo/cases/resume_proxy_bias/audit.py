"""What the screen does to each group: selection rates, impact ratios and equal opportunity at each cut.

:func:`screen_report` audits one screener's stars against the four-fifths rule (29 CFR 1607.4(D)) and
the planted truth; :func:`compare_feature_sets` retrains on other feature sets (the team's edit, fewer
proxies, skills only, the true label) to show where the gap lives.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

from nogo._validate import as_float_array
from nogo.cases.resume_proxy_bias._frames import column as _column
from nogo.cases.resume_proxy_bias.pool import KNOWN_PROXIES, SKILLS, HiringPlanted
from nogo.cases.resume_proxy_bias.screener import drop_explicit_terms, train_screener
from nogo.errors import InputError
from nogo.models.fairness import equal_opportunity_gap, threshold_by_group

__all__ = ["compare_feature_sets", "screen_report"]


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
    >>> from nogo.cases.resume_proxy_bias import applicant_pool
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
