"""Fairness: who gets selected, and what one threshold does to each group.

Selection rates by group and the adverse-impact ratio against the most selected group (the
four-fifths rule of the US Uniform Guidelines, 29 CFR 1607.4(D)), with a significance test beside
it, since the rule is a rule of thumb; impact ratios the way a New York City Local Law 144 bias
audit reports them (DCWP rules, 6 RCNY 5-300 and 5-301: selection-rate and scoring-rate variants,
intersectional categories, the option to set aside categories under 2% of the data); the
equal-opportunity and equalised-odds gaps; and a sweep of one threshold across every group.

Inputs are arrays (one value per applicant), or column names with ``data=`` a DataFrame; several
group columns form intersectional categories labelled ``"Female / Asian"``.

Four-fifths comparisons allow a tolerance of 1e-9, so a ratio of exactly 4/5 (48% against 60%,
which floating point makes 0.7999...) meets the rule, as the Uniform Guidelines' Q&A says it does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats

from nogo._validate import as_float_array, as_scalar, check_choice
from nogo.errors import InputError

__all__ = [
    "FourFifthsCheck",
    "adverse_impact_ratio",
    "equal_opportunity_gap",
    "four_fifths",
    "impact_ratios",
    "selection_rates",
    "threshold_by_group",
]

_TOL = 1e-9
GroupLike = str | Sequence[Any] | Mapping[str, npt.ArrayLike] | npt.ArrayLike


# -- inputs ------------------------------------------------------------------------------------


def _lookup(data: pd.DataFrame, name: Any, arg: str) -> pd.Series:
    if not isinstance(data, pd.DataFrame):
        raise InputError(f"data: expected a pandas DataFrame, got {type(data).__name__}")
    if not isinstance(name, str):
        raise InputError(f"{arg}: with data=..., expected a column name, got {type(name).__name__}")
    if name not in data.columns:
        available = ", ".join(repr(str(c)) for c in data.columns)
        raise InputError(f"{arg}: column {name!r} not found in data; available columns: {available}")
    return data[name].reset_index(drop=True)


def _series(arg: str, value: Any, data: pd.DataFrame | None) -> pd.Series:
    if data is not None:
        return _lookup(data, value, arg)
    if isinstance(value, pd.Series):
        return value.reset_index(drop=True)
    try:
        ndim = np.ndim(value)
    except ValueError:  # ragged nested lists
        ndim = -1
    if ndim != 1:
        raise InputError(f"{arg}: expected a 1-d array (one value per applicant), got {type(value).__name__}")
    return pd.Series(value)


def _floats(arg: str, value: Any, data: pd.DataFrame | None, n: int) -> np.ndarray:
    s = _series(arg, value, data)
    if not pd.api.types.is_numeric_dtype(s.dtype):
        num = pd.to_numeric(s, errors="coerce")
        bad = (num.isna() & s.notna()).to_numpy()
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise InputError(f"{arg}: expected numbers, found {_plain(s.iloc[i])!r} at row {i}")
        s = num
    return _check_length(arg, as_float_array(arg, s.to_numpy(dtype=np.float64, na_value=np.nan)), n)


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _group_frame(group: GroupLike, data: pd.DataFrame | None) -> pd.DataFrame:
    """Group components as columns: one column, or several for intersectional categories."""
    if data is not None:
        names = [group] if isinstance(group, str) else list(group)  # type: ignore[arg-type]
        if not names:
            raise InputError("group: expected a column name or a list of column names, got an empty list")
        cols = {str(n): _lookup(data, n, "group") for n in names}
    elif isinstance(group, Mapping | pd.DataFrame):
        cols = {str(k): _series(f"group[{k!r}]", v, None) for k, v in group.items()}
        if not cols:
            raise InputError("group: expected at least one group array, got none")
    else:
        cols = {"group": _series("group", group, None)}
    lengths = {k: len(v) for k, v in cols.items()}
    if len(set(lengths.values())) > 1:
        raise InputError(
            f"group: components have different lengths {lengths}; expected one value per applicant"
        )
    if len(cols) > 1 and "group" in cols:
        raise InputError(
            "group: an intersectional component may not be called 'group' (the combined label's name)"
        )
    keys = pd.DataFrame(cols)
    if len(keys) == 0:
        raise InputError("group: expected at least one applicant, got none")
    for name, col in keys.items():  # a declared category nobody is in has no rate at all
        counts = col.value_counts(sort=False) if isinstance(col.dtype, pd.CategoricalDtype) else None
        if counts is not None and (counts == 0).any():
            raise InputError(
                f"group: category {counts.index[counts == 0][0]!r} of {name!r} has zero applicants, so it "
                "has no selection rate; drop it (Series.cat.remove_unused_categories()) or report it apart"
            )
    return keys


def _check_length(name: str, values: np.ndarray, n: int) -> np.ndarray:
    if len(values) != n:
        raise InputError(f"{name}: expected {n} values to match group, got {len(values)}")
    return values


def _as_flags(arg: str, value: Any, data: pd.DataFrame | None, n: int) -> np.ndarray:
    """0/1 or True/False per row as a bool array; name the first row that is neither."""
    s = _series(arg, value, data)
    if s.dtype == bool:
        return _check_length(arg, s.to_numpy(), n)
    bad = ~s.isin([0, 1]).to_numpy() | s.isna().to_numpy()
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError(f"{arg}: expected 0/1 or True/False, found {_plain(s.iloc[i])!r} at row {i}")
    return _check_length(arg, s.to_numpy(dtype=np.float64) == 1, n)


def _known(keys: pd.DataFrame, unknown: str) -> np.ndarray:
    missing = keys.isna().any(axis=1).to_numpy()
    if unknown == "raise" and missing.any():
        i = int(np.flatnonzero(missing)[0])
        raise InputError(
            f"group: missing group label at row {i}; fill it, or use impact_ratios, which counts "
            "unknown categories apart as a bias audit must"
        )
    return ~missing


# -- core --------------------------------------------------------------------------------------


def _counts(keys: pd.DataFrame, hits: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
    """Applicants and hits per group (one groupby) with the display label, and each row's group."""
    names = list(keys.columns)
    work = keys.copy()
    work["__hit"] = hits.astype(np.int64)
    try:
        grouped = work.groupby(names, sort=True, observed=True)
        agg = grouped["__hit"].agg(["size", "sum"])
    except TypeError:  # labels of mixed types cannot be sorted
        grouped = work.groupby(names, sort=False, observed=True)
        agg = grouped["__hit"].agg(["size", "sum"])
    out = agg.index.to_frame(index=False)
    if len(names) == 1:
        out.columns = ["group"]
    else:
        out.insert(0, "group", [" / ".join(map(str, t)) for t in agg.index])
    out["n"] = agg["size"].to_numpy()
    out["n_hit"] = agg["sum"].to_numpy()
    return out, grouped.ngroup().to_numpy()


def _impact(rate: np.ndarray, eligible: np.ndarray, min_ratio: float) -> tuple[np.ndarray, pd.array, int]:
    """Ratio to the highest eligible rate, the rule's verdict (NA where undefined), the reference row."""
    ratio = np.full(rate.shape, np.nan)
    if not eligible.any():
        return ratio, pd.array([pd.NA] * len(rate), dtype="boolean"), -1
    ref = int(np.flatnonzero(eligible)[np.argmax(rate[eligible])])
    if rate[ref] > 0:
        ratio[eligible] = rate[eligible] / rate[ref]
    return ratio, _passes(ratio, min_ratio), ref


def _passes(ratio: np.ndarray, min_ratio: float) -> pd.array:
    """``ratio >= min_ratio`` (within 1e-9), NA where the ratio is undefined."""
    passes = pd.array(ratio >= min_ratio - _TOL, dtype="boolean")
    passes[np.isnan(ratio)] = pd.NA
    return passes


def _check_min_ratio(min_ratio: float) -> float:
    v = as_scalar("min_ratio", min_ratio, nonnegative=True)
    if not 0 < v <= 1:
        raise InputError(f"min_ratio: expected a ratio in (0, 1], got {min_ratio!r}")
    return v


def selection_rates(
    group: GroupLike,
    selected: Any,
    *,
    data: pd.DataFrame | None = None,
    min_ratio: float = 0.8,
) -> pd.DataFrame:
    """Selection rate per group and its ratio to the most selected group (the four-fifths rule).

    Parameters
    ----------
    group
        Group label per applicant; with ``data``, a column name. A list of column names (or a
        mapping of names to arrays) forms intersectional categories. Missing labels raise.
    selected
        1 (True) where the applicant was selected; with ``data``, a column name.
    data
        Optional DataFrame holding the columns.
    min_ratio
        The rule's bar: 0.8 is four-fifths (29 CFR 1607.4(D)).

    Returns
    -------
    pandas.DataFrame
        One row per group, sorted by label: ``group`` (and each component for intersectional
        groups), ``n`` (applicants), ``n_selected``, ``selection_rate``, ``impact_ratio`` (rate over
        the highest group's rate; NaN when nobody was selected) and ``passes_four_fifths``
        (``impact_ratio >= min_ratio``; nullable, NA where the ratio is undefined).
        ``attrs["reference_group"]`` names the most selected group (the first, on a tie).

    Examples
    --------
    >>> t = selection_rates(["a"] * 80 + ["b"] * 40, [1] * 48 + [0] * 32 + [1] * 12 + [0] * 28)
    >>> t[["group", "n", "n_selected", "selection_rate", "impact_ratio"]]
      group   n  n_selected  selection_rate  impact_ratio
    0     a  80          48             0.6           1.0
    1     b  40          12             0.3           0.5
    >>> t.attrs["reference_group"], t["passes_four_fifths"].tolist()
    ('a', [True, False])
    """
    _known(_group_frame(group, data), "raise")
    out = impact_ratios(group, selected=selected, data=data, min_ratio=min_ratio)
    attrs = {k: out.attrs[k] for k in ("reference_group", "group_columns")}
    out = out.drop(columns=["share_of_data", "excluded"])
    out.attrs = attrs
    return out


def impact_ratios(
    group: GroupLike,
    *,
    selected: Any = None,
    score: Any = None,
    method: str = "selection",
    data: pd.DataFrame | None = None,
    exclude_below_share: float = 0.0,
    min_ratio: float = 0.8,
) -> pd.DataFrame:
    """Impact ratios as a NYC Local Law 144 bias audit computes them (6 RCNY 5-300, 5-301).

    ``method="selection"``: selection rate = selected / applicants in a category; impact ratio =
    that rate / the most selected category's rate. ``method="scoring"``: scoring rate = share of a
    category scoring strictly above the median score of the whole sample (every row with a known
    category); impact ratio = that rate / the highest category's scoring rate. With many scores tied
    at the median, scoring rates can sit well below one half: that is the rule's definition.

    Parameters
    ----------
    group
        Category per applicant, or column name(s) with ``data``; several columns form the
        intersectional categories the rule also requires (sex x race/ethnicity).
    selected, score
        ``selected`` (1 where the applicant moved forward) for ``"selection"``; ``score`` for
        ``"scoring"``.
    exclude_below_share
        Leave categories under this share of the known rows out of the ratios (0: keep all).

    Rows whose category is missing are the rule's "unknown category": left out of every rate and the
    median, and counted in ``attrs["n_unknown"]`` (an audit must report that number). Categories
    under ``exclude_below_share`` of the known rows (the rule allows 0.02) keep their counts and
    rate but get no impact ratio and cannot be the reference; they are flagged ``excluded``, never
    dropped.

    Returns
    -------
    pandas.DataFrame
        One row per category: ``group`` (and each component, for intersectional categories), ``n``,
        ``share_of_data`` (n over known rows), ``n_selected`` and ``selection_rate`` (or
        ``n_above_median`` and ``scoring_rate``), ``impact_ratio``, ``excluded`` and
        ``passes_four_fifths`` (nullable; the four-fifths bar is not part of LL144, which only asks
        for the ratios). ``attrs``: ``method``, ``reference_group``, ``n_unknown``,
        ``excluded_groups``, ``median_score`` (scoring only).

    Examples
    --------
    >>> t = impact_ratios(["m", "m", "f", "f", "f", "x"], score=[9, 5, 8, 2, 1, 7], method="scoring")
    >>> t[["group", "n", "n_above_median", "scoring_rate", "impact_ratio"]]
      group  n  n_above_median  scoring_rate  impact_ratio
    0     f  3               1      0.333333      0.333333
    1     m  2               1      0.500000      0.500000
    2     x  1               1      1.000000      1.000000
    >>> t.attrs["median_score"]
    6.0
    """
    check_choice("method", method, ("selection", "scoring"))
    min_ratio = _check_min_ratio(min_ratio)
    share = as_scalar("exclude_below_share", exclude_below_share, unit_interval=True)
    keys = _group_frame(group, data)
    known = _known(keys, "count")
    if not known.any():
        raise InputError("group: every row has a missing category; nothing to audit")
    attrs: dict[str, Any] = {"method": method, "n_unknown": int((~known).sum())}
    if method == "selection":
        if selected is None:
            raise InputError("selected: method='selection' needs selected (0/1 per applicant)")
        hit = _as_flags("selected", selected, data, len(keys))
        hit_col, rate_col = "n_selected", "selection_rate"
    else:
        if score is None:
            raise InputError("score: method='scoring' needs score (one number per applicant)")
        s = _floats("score", score, data, len(keys))
        median = float(np.median(s[known]))
        hit = s > median
        attrs["median_score"] = median
        hit_col, rate_col = "n_above_median", "scoring_rate"
    out = _counts(keys[known], hit[known])[0].rename(columns={"n_hit": hit_col})
    n = out["n"].to_numpy()
    out.insert(out.columns.get_loc("n") + 1, "share_of_data", n / n.sum())
    rate = out[hit_col].to_numpy() / n
    excluded = out["share_of_data"].to_numpy() < share
    ratio, passes, ref = _impact(rate, ~excluded, min_ratio)
    out[rate_col] = rate
    out["impact_ratio"] = ratio
    out["excluded"] = excluded
    out["passes_four_fifths"] = passes
    attrs["reference_group"] = out["group"].iloc[ref] if ref >= 0 and rate[ref] > 0 else None
    attrs["excluded_groups"] = out.loc[excluded, "group"].tolist()
    attrs["exclude_below_share"] = share
    attrs["group_columns"] = list(keys.columns)
    out.attrs.update(attrs)
    return out


# -- two groups: the ratio and its significance ------------------------------------------------


def _count_pair(name: str, k: Any, n: Any) -> tuple[int, int]:
    k_f = as_scalar(f"selected_{name}", k, nonnegative=True)
    n_f = as_scalar(f"n_{name}", n, nonnegative=True)
    if n_f == 0:
        raise InputError(f"n_{name}: a group with zero applicants has no selection rate")
    if k_f != int(k_f) or n_f != int(n_f):
        raise InputError(f"selected_{name}, n_{name}: expected whole counts, got {k!r} of {n!r}")
    if k_f > n_f:
        raise InputError(f"selected_{name}: expected at most n_{name}={n_f:g}, got {k_f:g}")
    return int(k_f), int(n_f)


def adverse_impact_ratio(
    selected_focal: int, n_focal: int, selected_reference: int, n_reference: int
) -> float:
    """The focal group's selection rate over the reference group's (NaN when neither selects anyone).

    The Uniform Guidelines compare each group with the group with the highest rate; with that as
    the reference, a ratio below 0.8 "will generally be regarded ... as evidence of adverse impact".

    Examples
    --------
    >>> adverse_impact_ratio(12, 40, 48, 80)  # 30% against 60%
    0.5
    """
    kf, nf = _count_pair("focal", selected_focal, n_focal)
    kr, nr = _count_pair("reference", selected_reference, n_reference)
    if kr == 0:
        return float("nan") if kf == 0 else float("inf")
    return (kf / nf) / (kr / nr)


@dataclass(frozen=True)
class FourFifthsCheck:
    """The four-fifths rule for two groups, with two significance tests beside it.

    ``p_value_z`` is the two-sided pooled two-proportion z test (the chi-square test of the 2x2
    table without continuity correction); ``p_value_fisher`` is Fisher's exact test, safer for small
    groups. ``significant`` uses Fisher's test at ``alpha``.
    """

    selection_rate_focal: float
    selection_rate_reference: float
    impact_ratio: float
    passes_four_fifths: bool
    z_statistic: float
    p_value_z: float
    p_value_fisher: float
    significant: bool

    def as_dict(self) -> dict[str, float | bool]:
        """A flat record for a results table."""
        return asdict(self)


def four_fifths(
    selected_focal: int,
    n_focal: int,
    selected_reference: int,
    n_reference: int,
    *,
    min_ratio: float = 0.8,
    alpha: float = 0.05,
) -> FourFifthsCheck:
    """Check the four-fifths rule for a focal group against a reference, with significance tests.

    The rule (29 CFR 1607.4(D)) is a rule of thumb: a small group can fail it by chance, and a large
    one can pass it with a significant gap. Report both.

    Examples
    --------
    >>> c = four_fifths(12, 40, 48, 80)  # the Uniform Guidelines Q&A example
    >>> c.impact_ratio, c.passes_four_fifths, round(c.z_statistic, 2), c.significant
    (0.5, False, -3.1, True)
    """
    min_ratio = _check_min_ratio(min_ratio)
    a = as_scalar("alpha", alpha, unit_interval=True)
    kf, nf = _count_pair("focal", selected_focal, n_focal)
    kr, nr = _count_pair("reference", selected_reference, n_reference)
    ratio = adverse_impact_ratio(kf, nf, kr, nr)
    pooled = (kf + kr) / (nf + nr)
    se = np.sqrt(pooled * (1 - pooled) * (1 / nf + 1 / nr))
    z = (kf / nf - kr / nr) / se if se > 0 else 0.0
    p_z = float(2 * stats.norm.sf(abs(z)))
    p_f = float(stats.fisher_exact([[kf, nf - kf], [kr, nr - kr]]).pvalue)
    return FourFifthsCheck(
        selection_rate_focal=kf / nf,
        selection_rate_reference=kr / nr,
        impact_ratio=ratio,
        passes_four_fifths=bool(np.isnan(ratio) or ratio >= min_ratio - _TOL),
        z_statistic=float(z),
        p_value_z=p_z,
        p_value_fisher=p_f,
        significant=p_f < a,
    )


# -- error rates by group ----------------------------------------------------------------------


def equal_opportunity_gap(
    group: GroupLike,
    outcome: Any,
    selected: Any,
    *,
    data: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """True- and false-positive rates by group: equal opportunity and equalised odds.

    ``outcome`` is 1 where the applicant was qualified (acting would have been right). The
    true-positive rate is the share of the qualified who were selected; the false-positive rate the
    share of the unqualified who were selected. A group with nobody qualified (or nobody
    unqualified) has a NaN rate, ignored by the gaps.

    Returns
    -------
    pandas.DataFrame
        One row per group: ``group``, ``n``, ``n_qualified``, ``n_selected``, ``selection_rate``,
        ``tpr``, ``fpr``, ``tpr_gap`` (best group's TPR minus this one's) and ``fpr_gap`` (this
        group's FPR minus the lowest). ``attrs``: ``max_tpr_gap`` (equal-opportunity difference),
        ``max_fpr_gap`` and ``equalized_odds_gap`` (the larger of the two).

    Examples
    --------
    >>> t = equal_opportunity_gap(["a"] * 4 + ["b"] * 4, [1, 1, 0, 0] * 2, [1, 1, 1, 0, 1, 0, 0, 0])
    >>> t[["group", "tpr", "fpr", "tpr_gap"]]
      group  tpr  fpr  tpr_gap
    0     a  1.0  0.5      0.0
    1     b  0.5  0.0      0.5
    >>> t.attrs["max_tpr_gap"], t.attrs["equalized_odds_gap"]
    (0.5, 0.5)
    """
    keys = _group_frame(group, data)
    y = _as_flags("outcome", outcome, data, len(keys))
    sel = _as_flags("selected", selected, data, len(keys))
    _known(keys, "raise")
    out, codes = _counts(keys, sel)
    out = out.rename(columns={"n_hit": "n_selected"})
    k = len(out)
    n_q = np.bincount(codes, weights=y, minlength=k)
    n_u = out["n"].to_numpy() - n_q
    with np.errstate(invalid="ignore", divide="ignore"):
        tpr = np.where(n_q > 0, np.bincount(codes, weights=y & sel, minlength=k) / n_q, np.nan)
        fpr = np.where(n_u > 0, np.bincount(codes, weights=~y & sel, minlength=k) / n_u, np.nan)
    out.insert(out.columns.get_loc("n") + 1, "n_qualified", n_q.astype(np.int64))
    out["selection_rate"] = out["n_selected"] / out["n"]
    out["tpr"], out["fpr"] = tpr, fpr
    out["tpr_gap"] = (np.nanmax(tpr) if np.isfinite(tpr).any() else np.nan) - tpr
    out["fpr_gap"] = fpr - (np.nanmin(fpr) if np.isfinite(fpr).any() else np.nan)
    max_tpr, max_fpr = (float(out[c].max()) for c in ("tpr_gap", "fpr_gap"))  # NaN-skipping
    out.attrs.update(
        max_tpr_gap=max_tpr,
        max_fpr_gap=max_fpr,
        equalized_odds_gap=float(pd.Series([max_tpr, max_fpr]).max()),
        group_columns=list(keys.columns),
    )
    return out


def threshold_by_group(
    score: Any,
    group: GroupLike,
    outcome: Any = None,
    thresholds: npt.ArrayLike | None = None,
    *,
    data: pd.DataFrame | None = None,
    min_ratio: float = 0.8,
) -> pd.DataFrame:
    """What one threshold, or a grid of them, does to each group: select when ``score >= threshold``.

    Each group's scores (and its qualified and unqualified scores) are sorted once; counts at every
    threshold come from ``searchsorted``: O((n + T) log n) for T thresholds, no loop over rows.

    Parameters
    ----------
    score
        Score per applicant or decision (finite); with ``data``, a column name.
    group
        Group label per row (see :func:`selection_rates`).
    outcome
        Optional 1 (True) where the row was qualified; adds ``n_qualified``, ``tpr`` and ``fpr``.
    thresholds
        Thresholds to apply; default every distinct score.

    Returns
    -------
    pandas.DataFrame
        Long and tidy, one row per (distinct threshold, group), thresholds ascending: ``threshold``,
        ``group``, ``n``, ``n_selected``, ``selection_rate``, ``impact_ratio`` (rate over the
        highest group's rate at that threshold; NaN when nobody is selected),
        ``passes_four_fifths`` (nullable), and with ``outcome``: ``n_qualified``, ``tpr``, ``fpr``.

    Examples
    --------
    >>> t = threshold_by_group([0.9, 0.4, 0.8, 0.3], ["a", "a", "b", "b"], thresholds=[0.5])
    >>> t[["threshold", "group", "n_selected", "selection_rate", "impact_ratio"]]
       threshold group  n_selected  selection_rate  impact_ratio
    0        0.5     a           1             0.5           1.0
    1        0.5     b           1             0.5           1.0
    """
    min_ratio = _check_min_ratio(min_ratio)
    keys = _group_frame(group, data)
    _known(keys, "raise")
    s = _floats("score", score, data, len(keys))
    y = None
    if outcome is not None:
        y = _as_flags("outcome", outcome, data, len(keys))
    t = np.unique(s) if thresholds is None else as_float_array("thresholds", thresholds, finite=False)
    if np.isnan(t).any():
        raise InputError(
            f"thresholds: expected numbers, found nan at row {int(np.flatnonzero(np.isnan(t))[0])}"
        )
    t = np.unique(t)  # distinct, ascending
    labels, codes = _counts(keys, np.zeros(len(keys), dtype=bool))
    n_groups, n_t = len(labels), len(t)
    n = labels["n"].to_numpy()
    sel = np.empty((n_t, n_groups), dtype=np.int64)
    tp = np.empty_like(sel)
    n_q = np.zeros(n_groups, dtype=np.int64)
    order = np.lexsort((s, codes))
    bounds = np.searchsorted(codes[order], np.arange(n_groups + 1))
    for g in range(n_groups):  # a handful of groups; every threshold at once
        rows = order[bounds[g] : bounds[g + 1]]
        sorted_s = s[rows]
        sel[:, g] = len(rows) - np.searchsorted(sorted_s, t, side="left")
        if y is not None:
            pos_s = sorted_s[y[rows]]
            n_q[g] = len(pos_s)
            tp[:, g] = len(pos_s) - np.searchsorted(pos_s, t, side="left")
    rate = sel / n
    best = rate.max(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(best > 0, rate / best, np.nan)
    out = pd.DataFrame(
        {
            "threshold": np.repeat(t, n_groups),
            "group": np.tile(labels["group"].to_numpy(), n_t),
            "n": np.tile(n, n_t),
            "n_selected": sel.ravel(),
            "selection_rate": rate.ravel(),
            "impact_ratio": ratio.ravel(),
            "passes_four_fifths": _passes(ratio.ravel(), min_ratio),
        }
    )
    if y is not None:
        n_u = n - n_q
        with np.errstate(invalid="ignore", divide="ignore"):
            out["n_qualified"] = np.tile(n_q, n_t)
            out["tpr"] = np.where(n_q > 0, tp / n_q, np.nan).ravel()
            out["fpr"] = np.where(n_u > 0, (sel - tp) / n_u, np.nan).ravel()
    return out
