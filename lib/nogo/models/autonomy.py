"""Autonomy: which decisions the agent may take alone, at what level, and what earns it more.

*The autonomy surface.* Composable rules, each evaluated over a whole decision log at once, give every row a
verdict: ``alone`` (the agent acts without a person), ``approval`` (a person approves first) or ``blocked``
(off-limits whatever the confidence). ``alone < approval < blocked``: a surface takes the most restrictive
verdict per row and records the first rule, in its order, that gave it.

*The Autonomy Impact Grid.* Action frequency against consequence severity places each action type in a
quadrant with a recommended autonomy level (see :data:`QUADRANT_LEVELS`).

*Autonomy levels and promotion gates.* The levels of :data:`AUTONOMY_LEVELS`, a promotion gate that needs
an upper confidence bound on the error rate within budget over at least ``min_decisions`` decisions (a
point estimate is not evidence), and the number of decisions needed to pass it.

What takes autonomy away (rollback triggers, kill switches over a stream) is in :mod:`nogo.models.killswitch`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from nogo._validate import (
    as_float_array,
    as_paired_counts,
    as_whole_numbers,
    check_choice,
    check_items,
    check_rate,
)
from nogo.errors import InputError
from nogo.models.stats import proportion_upper_bound

__all__ = [
    "AUTONOMY_LEVELS",
    "LEVEL_DESCRIPTIONS",
    "QUADRANT_LEVELS",
    "VERDICTS",
    "AllowedActions",
    "AutonomySurface",
    "Never",
    "Rule",
    "SegmentRule",
    "TopShare",
    "ValueCap",
    "When",
    "check_promotion_gate",
    "decisions_needed",
    "impact_grid",
    "place_in_grid",
]

VERDICTS: tuple[str, ...] = ("alone", "approval", "blocked")
"""Verdicts of the autonomy surface, least restrictive first."""
AUTONOMY_LEVELS: tuple[str, ...] = ("draft", "approval", "constrained execution", "expanded scope")
"""Autonomy levels of the Agent Impact Contract, lowest first."""
LEVEL_DESCRIPTIONS: dict[str, str] = {
    "draft": "the agent drafts; a person decides and acts",
    "approval": "the agent proposes an action; a person approves each one before it runs",
    "constrained execution": "the agent acts alone inside explicit caps; everything outside them escalates",
    "expanded scope": "wider caps or new action types, earned by passing a promotion gate",
}
QUADRANT_LEVELS: dict[str, str] = {
    "frequent, minor": "constrained execution",
    "rare, minor": "approval",
    "frequent, severe": "approval",
    "rare, severe": "draft",
}
"""Recommended level per quadrant of the Impact Grid: full autonomy (within caps) only where actions are
frequent and consequences small; a person in the loop everywhere else."""
_RATIONALE = {
    "frequent, minor": "frequent and cheap to get wrong: act alone within caps; expand once a gate passes",
    "rare, minor": "cheap but rare: too few decisions to earn a promotion gate soon, so a person approves",
    "frequent, severe": "frequent but costly: a person in the loop on every action",
    "rare, severe": "rare and costly: draft only for a person to act on, or do not build it",
}
_ALONE = 0
_RESTRICTIVE = ("approval", "blocked")


def _check_frame(frame: Any, who: str, columns: Iterable[str], *, nonempty: bool = False) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"frame: expected a pandas DataFrame (a decision log), got {type(frame).__name__}")
    if nonempty and len(frame) == 0:
        raise InputError("frame: expected at least one decision, got an empty decision log")
    for col in columns:
        if col not in frame.columns:
            available = ", ".join(map(str, frame.columns)) or "none"
            raise InputError(f"{who}: column {col!r} not in the decision log (columns: {available})")


@dataclass(frozen=True)
class Rule:
    """Base class of the autonomy rules: a verdict per row of a decision log.

    Subclasses implement :meth:`describe` and ``_codes``; ``label`` (keyword only) names the rule in
    results, defaulting to :meth:`describe`.
    """

    label: str | None = field(default=None, kw_only=True)

    @property
    def columns(self) -> tuple[str, ...]:
        """Columns of the decision log the rule reads."""
        return (self.column,) if hasattr(self, "column") else ()

    @property
    def name(self) -> str:
        """The label, or the description when there is none."""
        return self.label or self.describe()

    def describe(self) -> str:
        """A one-line statement of the rule."""
        raise NotImplementedError

    def _codes(self, frame: pd.DataFrame) -> np.ndarray:
        raise NotImplementedError

    def codes(self, frame: pd.DataFrame) -> np.ndarray:
        """Verdict per row as an index into :data:`VERDICTS` (0 alone, 1 approval, 2 blocked)."""
        _check_frame(frame, self.name, self.columns)
        return np.asarray(self._codes(frame), dtype=np.int8)

    def evaluate(self, frame: pd.DataFrame) -> np.ndarray:
        """Verdict per row: ``"alone"``, ``"approval"`` or ``"blocked"``."""
        return np.asarray(VERDICTS)[self.codes(frame)]


def _verdict_code(name: str, verdict: str) -> int:
    return VERDICTS.index(check_choice(name, verdict, _RESTRICTIVE))


def _as_set(values: Iterable[Any] | str) -> frozenset[Any]:
    return frozenset([values] if isinstance(values, str) else values)


@dataclass(frozen=True)
class ValueCap(Rule):
    """Alone while the value at stake is at most ``max_usd``; above it, ``over``.

    Examples
    --------
    >>> ValueCap(50).evaluate(pd.DataFrame({"value_usd": [20.0, 50.0, 50.01]})).tolist()
    ['alone', 'alone', 'approval']
    """

    max_usd: float
    column: str = "value_usd"
    over: str = "approval"

    def __post_init__(self) -> None:
        as_float_array("max_usd", self.max_usd, nonnegative=True)
        _verdict_code("over", self.over)

    def describe(self) -> str:
        return f"{self.column} above {self.max_usd:g}: {self.over}"

    def _codes(self, frame: pd.DataFrame) -> np.ndarray:
        value = as_float_array(f"{self.name}: column {self.column!r}", frame[self.column], nonnegative=True)
        return np.where(value > self.max_usd, _verdict_code("over", self.over), _ALONE)


@dataclass(frozen=True)
class AllowedActions(Rule):
    """Alone only for the listed action types; any other (missing included) gets ``otherwise``.

    Examples
    --------
    >>> log = pd.DataFrame({"action_type": ["refund", "close_account"]})
    >>> AllowedActions({"refund", "reschedule"}).evaluate(log).tolist()
    ['alone', 'blocked']
    """

    actions: frozenset[Any]
    column: str = "action_type"
    otherwise: str = "blocked"

    def __post_init__(self) -> None:
        object.__setattr__(self, "actions", _as_set(self.actions))
        _verdict_code("otherwise", self.otherwise)

    def describe(self) -> str:
        return f"{self.column} not in {sorted(map(str, self.actions))}: {self.otherwise}"

    def _codes(self, frame: pd.DataFrame) -> np.ndarray:
        ok = frame[self.column].isin(self.actions).to_numpy()
        return np.where(ok, _ALONE, _verdict_code("otherwise", self.otherwise))


@dataclass(frozen=True)
class SegmentRule(Rule):
    """Rows whose ``column`` is one of ``values`` get ``verdict``; the rest are left alone.

    Examples
    --------
    >>> log = pd.DataFrame({"segment": ["retail", "minor", "retail"]})
    >>> SegmentRule({"minor"}, verdict="blocked").evaluate(log).tolist()
    ['alone', 'blocked', 'alone']
    """

    values: frozenset[Any]
    column: str = "segment"
    verdict: str = "approval"

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", _as_set(self.values))
        _verdict_code("verdict", self.verdict)

    def describe(self) -> str:
        return f"{self.column} in {sorted(map(str, self.values))}: {self.verdict}"

    def _codes(self, frame: pd.DataFrame) -> np.ndarray:
        hit = frame[self.column].isin(self.values).to_numpy()
        return np.where(hit, _verdict_code("verdict", self.verdict), _ALONE)


@dataclass(frozen=True)
class TopShare(Rule):
    """Alone only for the top ``share`` of the ranking by ``column`` (higher first); the rest ``otherwise``.

    Ties are resolved conservatively and independently of row order: a row is in the top share when the
    number of rows scoring at least as high (itself and its ties included) is at most
    ``floor(share * n)``. So never more than ``share`` of the rows act alone, and a tie that straddles the
    cut goes wholly to ``otherwise``.

    Examples
    --------
    >>> log = pd.DataFrame({"score": [0.9, 0.8, 0.8, 0.1, 0.5]})
    >>> TopShare(0.4).evaluate(log).tolist()  # 0.8 is tied across the cut at 2 rows
    ['alone', 'approval', 'approval', 'approval', 'approval']
    """

    share: float
    column: str = "score"
    otherwise: str = "approval"

    def __post_init__(self) -> None:
        check_rate("share", self.share)
        _verdict_code("otherwise", self.otherwise)

    def describe(self) -> str:
        return f"outside top {self.share:.0%} of {self.column}: {self.otherwise}"

    def _codes(self, frame: pd.DataFrame) -> np.ndarray:
        score = as_float_array(f"{self.name}: column {self.column!r}", frame[self.column])
        ordered = np.sort(score)
        at_least = len(score) - np.searchsorted(ordered, score, side="left")  # rows scoring >= this one
        top = at_least <= np.floor(self.share * len(score) + 1e-9)
        return np.where(top, _ALONE, _verdict_code("otherwise", self.otherwise))


@dataclass(frozen=True)
class When(Rule):
    """Rows where the pandas ``query`` is true get ``verdict``, e.g. ``When("value_usd > 500 and is_new")``.

    The query is evaluated with :meth:`pandas.DataFrame.eval` (python engine, vectorised); comparisons
    with missing values are false.

    Examples
    --------
    >>> log = pd.DataFrame({"value_usd": [10.0, 900.0], "channel": ["app", "phone"]})
    >>> When("value_usd > 500 and channel == 'phone'").evaluate(log).tolist()
    ['alone', 'approval']
    """

    query: str
    verdict: str = "approval"

    def __post_init__(self) -> None:
        _verdict_code("verdict", self.verdict)

    def describe(self) -> str:
        return f"{self.query}: {self.verdict}"

    def _codes(self, frame: pd.DataFrame) -> np.ndarray:
        try:
            hit = frame.eval(self.query, engine="python")
        except NameError as exc:  # pandas' UndefinedVariableError
            available = ", ".join(map(str, frame.columns)) or "none"
            raise InputError(f"{self.name}: {exc} in the decision log (columns: {available})") from None
        except (SyntaxError, ValueError, TypeError) as exc:
            raise InputError(f"{self.name}: could not evaluate the query ({exc})") from None
        if not isinstance(hit, pd.Series) or not pd.api.types.is_bool_dtype(hit.dtype):
            raise InputError(f"{self.name}: expected the query to give True/False per row")
        return np.where(
            hit.fillna(False).to_numpy(dtype=bool), _verdict_code("verdict", self.verdict), _ALONE
        )


@dataclass(frozen=True)
class Never(When):
    """Off-limits whatever the confidence: rows where ``query`` is true are ``blocked``.

    Examples
    --------
    >>> log = pd.DataFrame({"action_type": ["refund", "close_account"]})
    >>> Never("action_type == 'close_account'").evaluate(log).tolist()
    ['alone', 'blocked']
    """

    verdict: str = field(default="blocked", init=False)

    def describe(self) -> str:
        return f"never: {self.query}"


@dataclass(frozen=True)
class AutonomySurface:
    """The explicit set of what the agent may do alone: rules composed by the most restrictive verdict.

    Examples
    --------
    >>> log = pd.DataFrame({"value_usd": [20.0, 80.0, 30.0], "action_type": ["refund", "refund", "wire"]})
    >>> surface = AutonomySurface([ValueCap(50), AllowedActions({"refund"})])
    >>> surface.evaluate(log)["verdict"].tolist()
    ['alone', 'approval', 'blocked']
    >>> surface.summary(log)[["verdict", "n_decisions", "value_usd"]].values.tolist()
    [['alone', 1, 20.0], ['approval', 1, 80.0], ['blocked', 1, 30.0]]
    """

    rules: tuple[Rule, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "rules", check_items("rules", self.rules, Rule))

    def _matrix(self, frame: pd.DataFrame) -> np.ndarray:
        _check_frame(frame, "AutonomySurface", (), nonempty=True)
        if not self.rules:
            return np.zeros((len(frame), 1), dtype=np.int8)
        return np.column_stack([rule.codes(frame) for rule in self.rules])

    def evaluate(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Verdict per decision, with the input's index.

        Columns: ``verdict`` (most restrictive over the rules) and ``decided_by`` (the name of the first rule
        that gave it; ``"none"`` where every rule leaves the row alone).
        """
        codes = self._matrix(frame)
        verdict = codes.max(axis=1)
        first = np.argmax(codes == verdict[:, None], axis=1)
        names = np.asarray([r.name for r in self.rules] or ["none"], dtype=object)
        decided = np.where(verdict > _ALONE, names[first], "none")
        return pd.DataFrame(
            {"verdict": np.asarray(VERDICTS)[verdict], "decided_by": decided.astype(str)}, index=frame.index
        )

    def summary(self, frame: pd.DataFrame, *, value_column: str | None = "value_usd") -> pd.DataFrame:
        """Share of decisions and value at stake per verdict, one row per verdict (all three, in order).

        Columns: ``verdict``, ``n_decisions``, ``share``, and with ``value_column``: ``value_usd`` (sum of
        the value at stake) and ``value_share``.
        """
        _check_frame(frame, "summary", () if value_column is None else (value_column,))
        code = self._matrix(frame).max(axis=1)
        counts = np.bincount(code, minlength=3)
        out = pd.DataFrame({"verdict": list(VERDICTS), "n_decisions": counts, "share": counts / len(code)})
        if value_column is not None:
            value = as_float_array(f"summary: column {value_column!r}", frame[value_column], nonnegative=True)
            at_stake = np.bincount(code, weights=value, minlength=3)
            out["value_usd"] = at_stake
            out["value_share"] = at_stake / at_stake.sum() if at_stake.sum() > 0 else np.nan
        return out


def place_in_grid(
    action_type: npt.ArrayLike,
    decisions_per_day: npt.ArrayLike,
    severity_usd: npt.ArrayLike,
    *,
    frequency_cut_per_day: float,
    severity_cut_usd: float,
) -> pd.DataFrame:
    """Place action types in the Autonomy Impact Grid (frequency x consequence severity).

    An action type is *frequent* when ``decisions_per_day >= frequency_cut_per_day`` and *severe* when
    ``severity_usd > severity_cut_usd`` (the cut is the largest cost still called minor, like a value cap).
    Recommended level per quadrant (:data:`QUADRANT_LEVELS`): frequent, minor -> constrained execution
    (expanded scope once a promotion gate passes); rare, minor -> approval (too few decisions to earn a gate
    soon); frequent, severe -> approval (a person in the loop); rare, severe -> draft, or do not build it.

    Returns
    -------
    pandas.DataFrame
        ``action_type``, ``decisions_per_day``, ``severity_usd``, ``frequent``, ``severe``, ``quadrant``,
        ``recommended_level``, ``rationale``.

    Examples
    --------
    >>> g = place_in_grid(["reschedule", "reprice_high_value"], [400, 2], [5, 2e6],
    ...                   frequency_cut_per_day=50, severity_cut_usd=100)
    >>> g[["quadrant", "recommended_level"]].values.tolist()
    [['frequent, minor', 'constrained execution'], ['rare, severe', 'draft']]
    """
    freq = as_float_array("decisions_per_day", decisions_per_day, nonnegative=True)
    sev = as_float_array("severity_usd", severity_usd, nonnegative=True)
    names = np.atleast_1d(np.asarray(action_type, dtype=object))
    if not len(names) == len(freq) == len(sev):
        raise InputError(
            f"action_type, decisions_per_day, severity_usd: expected one value each per action type, "
            f"got {len(names)}, {len(freq)}, {len(sev)}"
        )
    f_cut = float(as_float_array("frequency_cut_per_day", frequency_cut_per_day, nonnegative=True)[0])
    s_cut = float(as_float_array("severity_cut_usd", severity_cut_usd, nonnegative=True)[0])
    frequent, severe = freq >= f_cut, sev > s_cut
    quadrant = np.where(frequent, "frequent, ", "rare, ").astype(object) + np.where(severe, "severe", "minor")
    return pd.DataFrame(
        {
            "action_type": names,
            "decisions_per_day": freq,
            "severity_usd": sev,
            "frequent": frequent,
            "severe": severe,
            "quadrant": quadrant.astype(str),
            "recommended_level": [QUADRANT_LEVELS[q] for q in quadrant],
            "rationale": [_RATIONALE[q] for q in quadrant],
        }
    )


def impact_grid(
    frame: pd.DataFrame,
    *,
    days: float,
    frequency_cut_per_day: float,
    severity_cut_usd: float,
    action_col: str = "action_type",
    severity_col: str = "cost_if_wrong_usd",
    severity_quantile: float = 0.95,
) -> pd.DataFrame:
    """The Impact Grid from a decision log covering ``days`` days: one row per action type.

    Frequency is decisions per day (count / ``days``); severity is the ``severity_quantile`` quantile
    (linear interpolation, as :func:`numpy.quantile`) of the cost of a wrong action in ``severity_col``,
    so a rare catastrophic case is not averaged away. Placement as in :func:`place_in_grid`, whose columns
    it returns plus ``n_decisions``, sorted by action type.

    Examples
    --------
    >>> log = pd.DataFrame({"action_type": ["reschedule"] * 3 + ["wire"],
    ...                     "cost_if_wrong_usd": [5.0, 10.0, 5.0, 40_000.0]})
    >>> g = impact_grid(log, days=1, frequency_cut_per_day=2, severity_cut_usd=100)
    >>> g[["action_type", "n_decisions", "recommended_level"]].values.tolist()
    [['reschedule', 3, 'constrained execution'], ['wire', 1, 'draft']]
    """
    _check_frame(frame, "impact_grid", (action_col, severity_col), nonempty=True)
    d = float(as_float_array("days", days)[0])
    if d <= 0:
        raise InputError(f"days: expected a positive number of days the log covers, got {days!r}")
    q = check_rate("severity_quantile", severity_quantile)
    cost = as_float_array(f"impact_grid: column {severity_col!r}", frame[severity_col], nonnegative=True)
    action = frame[action_col]
    if action.isna().any():
        raise InputError(
            f"impact_grid: column {action_col!r} is missing at row {int(np.argmax(action.isna()))}"
        )
    groups = pd.Series(cost).groupby(action.to_numpy(), sort=True)
    n = groups.size()
    grid = place_in_grid(
        n.index.to_numpy(),
        n.to_numpy() / d,
        groups.quantile(q).to_numpy(),
        frequency_cut_per_day=frequency_cut_per_day,
        severity_cut_usd=severity_cut_usd,
    )
    grid.insert(1, "n_decisions", n.to_numpy())
    return grid


def check_promotion_gate(
    errors: npt.ArrayLike,
    decisions: npt.ArrayLike,
    *,
    error_budget: float,
    min_decisions: int,
    level: float = 0.95,
    method: str = "clopper-pearson",
) -> pd.DataFrame:
    """Does the evidence earn the next autonomy level? Passes when ``decisions >= min_decisions`` and the
    one-sided upper confidence bound on the error rate is at most ``error_budget``.

    The bound is :func:`nogo.models.stats.proportion_upper_bound` (exact Clopper-Pearson by default, or
    Wilson);
    with zero decisions it is 1. Errors are assumed independent with one rate over the window.

    Returns
    -------
    pandas.DataFrame
        One row per (errors, decisions) pair: ``errors``, ``decisions``, ``error_rate``, ``upper_bound``,
        ``error_budget``, ``passed``, ``reason`` (``"passed"``, ``"too few decisions"``, checked first, or
        ``"upper bound above budget"``).

    Examples
    --------
    >>> g = check_promotion_gate(0, 300, error_budget=0.01, min_decisions=200)  # rule of three: ~3/300
    >>> g[["upper_bound", "passed"]].round(4).values.tolist()
    [[0.0099, True]]
    >>> check_promotion_gate([1, 1, 9], [150, 300, 300], error_budget=0.02, min_decisions=200).reason.tolist()
    ['too few decisions', 'passed', 'upper bound above budget']
    """
    check_choice("method", method, ("wilson", "clopper-pearson"))
    k, n = as_paired_counts(errors, decisions)
    budget = check_rate("error_budget", error_budget)
    min_n = float(as_whole_numbers("min_decisions", min_decisions)[0])
    ub = np.ones_like(n)
    seen = n > 0
    if seen.any():
        ub[seen] = proportion_upper_bound(k[seen], n[seen], level=level, method=method)
    few = n < min_n
    passed = ~few & (ub <= budget)
    reason = np.where(few, "too few decisions", np.where(passed, "passed", "upper bound above budget"))
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(seen, k / np.where(seen, n, 1), np.nan)
    return pd.DataFrame(
        {
            "errors": k.astype(np.int64),
            "decisions": n.astype(np.int64),
            "error_rate": rate,
            "upper_bound": ub,
            "error_budget": budget,
            "passed": passed,
            "reason": reason.astype(str),
        }
    )


def decisions_needed(
    error_budget: float,
    expected_error_rate: npt.ArrayLike = 0.0,
    *,
    level: float = 0.95,
    method: str = "clopper-pearson",
    max_decisions: int = 10**9,
) -> Any:
    """Smallest number of decisions whose expected errors would bring the upper bound within budget.

    With ``n`` decisions the expected errors are ``expected_error_rate * n`` (not rounded, so the answer
    moves smoothly with the rate); the answer is the smallest ``n`` with
    ``proportion_upper_bound(rate * n, n) <= error_budget``. That bound never rises with ``n`` at a fixed
    rate (checked against a brute-force scan in the tests), so a vectorised bisection finds it. Returns an
    int for a scalar rate, an int array otherwise. The rate must be below the budget.

    Examples
    --------
    >>> decisions_needed(0.01)  # zero errors expected: the rule of three, about 3 / 0.01
    299
    >>> decisions_needed(0.02, [0.0, 0.01]).tolist()
    [149, 569]
    """
    budget = check_rate("error_budget", error_budget)
    rate = as_float_array("expected_error_rate", expected_error_rate, unit_interval=True)
    if (rate >= budget).any():
        i = int(np.flatnonzero(rate >= budget)[0])
        raise InputError(
            f"expected_error_rate: must be below error_budget={budget:g} for any number of decisions "
            f"to pass, found {rate[i]:g} at row {i}"
        )

    def ok(n: np.ndarray) -> np.ndarray:
        return proportion_upper_bound(rate * n, n, level=level, method=method, whole=False) <= budget

    lo, hi = np.zeros(rate.shape), np.full(rate.shape, float(max_decisions))  # lo fails; hi must pass
    if not ok(hi).all():
        i = int(np.flatnonzero(~ok(hi))[0])
        raise InputError(f"expected_error_rate: more than max_decisions={max_decisions} needed at row {i}")
    while (hi - lo > 1).any():
        mid = np.floor((lo + hi) / 2)
        good = ok(np.maximum(mid, 1))
        hi, lo = np.where(good, mid, hi), np.where(good, lo, mid)
    out = hi.astype(np.int64)
    return int(out[0]) if np.ndim(expected_error_rate) == 0 else out
