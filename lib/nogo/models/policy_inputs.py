"""The policy drill's inputs: the four controls, the desk's assumptions, and the fairness measure.

Part of the "set the policy" model (:mod:`nogo.models.policy_model` re-exports every name here).
:class:`PolicySettings` is one setting of the four controls; :class:`PolicyAssumptions` the review desk
and the constraints; :class:`PolicyFairness` what the fairness constraint measures: a rate per group of
an outcome the policy decides (the autonomous shortlist, the rate relief granted alone), compared as a
ratio (the four-fifths rule) or as a gap in its own unit (basis points). A case declares its measure
(``nogo.Case.fairness``); without one, a log with a ``group`` column gets the assumptions' default: the
share of each group given :attr:`PolicyAssumptions.favourable`, at least ``min_impact_ratio`` of the
best-served group's.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
import numpy.typing as npt

from nogo._validate import as_float_array, check_choice, check_rate
from nogo.errors import InputError

__all__ = ["PolicyAssumptions", "PolicyFairness", "PolicySettings", "usd_label"]


def usd_label(x: float) -> str:
    """Dollars for a sentence: ``$1,234`` from $100 up, three significant digits below, ``none`` for inf.

    Examples
    --------
    >>> usd_label(12345.6), usd_label(0.4567), usd_label(float("inf"))
    ('$12,346', '$0.457', 'none')
    """
    return "none" if math.isinf(x) else (f"${x:,.0f}" if abs(x) >= 100 else f"${x:.3g}")


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class PolicyAssumptions:
    """Operating assumptions and constraints of a policy. The defaults are illustrative, not estimates.

    Parameters
    ----------
    handle_minutes
        Mean minutes a reviewer spends on one escalation (> 0).
    hours_per_day
        Working hours a day in which escalations arrive and reviewers work, in (0, 24].
    reviewer_cost_per_hour_usd
        Pay per reviewer-hour (>= 0); staffing costs it for every hour of ``hours_per_day * days``.
    max_utilisation
        Capacity: the queue must be stable with utilisation at most this, in (0, 1].
    error_budget
        Largest expected share of decisions that are wrong autonomous actions, or None.
    min_impact_ratio
        The four-fifths bar for the adverse-impact ratio, in (0, 1] (used when the log has groups).
    sla_minutes, target_within_sla
        Optional service level: at least ``target_within_sla`` answered within ``sla_minutes``.
    max_reviewers
        Headcount available, or None for no limit.
    favourable
        ``"act"`` or ``"not_declined"``: the outcome whose rate the adverse-impact ratio compares.
    """

    handle_minutes: float = 10.0
    hours_per_day: float = 8.0
    reviewer_cost_per_hour_usd: float = 40.0
    max_utilisation: float = 0.85
    error_budget: float | None = None
    min_impact_ratio: float = 0.8
    sla_minutes: float | None = None
    target_within_sla: float = 0.8
    max_reviewers: int | None = None
    favourable: str = "act"

    def __post_init__(self) -> None:
        def num(name: str, low: float, high: float, *, open_low: bool = True) -> None:
            v = float(as_float_array(name, getattr(self, name))[0])
            if (v <= low if open_low else v < low) or v > high:
                raise InputError(
                    f"{name}: expected a number in {'(' if open_low else '['}{low:g}, {high:g}], got {v!r}"
                )
            object.__setattr__(self, name, v)

        num("handle_minutes", 0, math.inf)
        num("hours_per_day", 0, 24)
        num("reviewer_cost_per_hour_usd", 0, math.inf, open_low=False)
        num("max_utilisation", 0, 1)
        num("min_impact_ratio", 0, 1)
        num("target_within_sla", 0, 1)
        if self.target_within_sla == 1:
            raise InputError("target_within_sla: expected a share below 1 (no headcount answers all at once)")
        if self.error_budget is not None:
            object.__setattr__(self, "error_budget", check_rate("error_budget", self.error_budget))
        if self.sla_minutes is not None:
            num("sla_minutes", 0, math.inf, open_low=False)
        if self.max_reviewers is not None:
            _check_reviewers("max_reviewers", self.max_reviewers)
        check_choice("favourable", self.favourable, ("act", "not_declined"))

    @classmethod
    def from_case(cls, case: Any, **overrides: Any) -> PolicyAssumptions:
        """Defaults, then any case parameter with a field's name (``handle_minutes``...), then ``overrides``.

        Examples
        --------
        >>> from types import SimpleNamespace as NS
        >>> case = NS(parameters={"handle_minutes": NS(default=6.0), "seed": NS(default=1)})
        >>> PolicyAssumptions.from_case(case, error_budget=0.02).handle_minutes
        6.0
        """
        names = {f.name for f in fields(cls)}
        params = getattr(case, "parameters", {}) or {}
        values = {k: p.default for k, p in params.items() if k in names}
        return cls(**{**values, **overrides})


def _check_reviewers(name: str, value: Any) -> int:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | np.integer | float)
        or value != math.floor(value)
    ):
        raise InputError(f"{name}: expected a whole number of reviewers >= 1, got {value!r}")
    if value < 1:
        raise InputError(f"{name}: expected a whole number of reviewers >= 1, got {value!r}")
    return int(value)


@dataclass(frozen=True)
class PolicySettings:
    """One setting of the four controls (see the module docstring for what each does).

    Examples
    --------
    >>> PolicySettings(t_lo=0.3, t_hi=0.9, value_cap_usd=500, reviewers=4).describe()
    't_lo=0.3 t_hi=0.9 cap=$500 reviewers=4'
    """

    t_lo: float
    t_hi: float
    value_cap_usd: float = math.inf
    reviewers: int = 1

    def __post_init__(self) -> None:
        lo, hi = check_rate("t_lo", self.t_lo), check_rate("t_hi", self.t_hi)
        if lo > hi:
            raise InputError(
                f"t_lo: expected t_lo <= t_hi (decline below, act at or above), got {lo:g} > {hi:g}"
            )
        cap = as_float_array("value_cap_usd", self.value_cap_usd, finite=False)
        if cap.size != 1 or not cap[0] >= 0:
            raise InputError(
                f"value_cap_usd: expected a number >= 0 (inf: no cap), got {self.value_cap_usd!r}"
            )
        object.__setattr__(self, "t_lo", lo)
        object.__setattr__(self, "t_hi", hi)
        object.__setattr__(self, "value_cap_usd", float(cap[0]))
        object.__setattr__(self, "reviewers", _check_reviewers("reviewers", self.reviewers))

    def describe(self) -> str:
        """A compact, canonical description (the ``choice`` recorded in a progress store)."""
        cap = usd_label(self.value_cap_usd)
        return f"t_lo={self.t_lo:.4g} t_hi={self.t_hi:.4g} cap={cap} reviewers={self.reviewers}"


@dataclass(frozen=True, eq=False)
class PolicyFairness:
    """What the policy's fairness constraint measures: a rate per group of an outcome the policy decides.

    The rate of group ``g`` is the sum of ``weight`` over ``g``'s decisions that get ``outcome``, over
    ``sizes[g]``. ``compare="ratio"``: the lowest rate must be at least ``limit`` of the highest (the
    four-fifths rule; undefined, never a breach, when no one gets the outcome); ``compare="gap"``: the
    highest rate minus the lowest must be at most ``limit``, in ``unit``.

    Parameters
    ----------
    name
        What is measured, for a sentence (``"autonomous shortlist"``, ``"rate cut granted alone"``).
    group
        One group label per decision of the log (no missing labels).
    outcome
        ``"act"`` (the agent grants it alone) or ``"not_declined"`` (acted on or sent to a person).
    compare, limit
        ``"ratio"`` with ``limit`` in (0, 1], or ``"gap"`` with ``limit >= 0``.
    weight
        What each decision adds when it gets ``outcome`` (>= 0; default 1: a count).
    sizes
        The denominator of each group's rate (default: its number of decisions); every group must have one.
    unit
        The unit of a rate, for a sentence (``"bps a borrower"``); empty: a share, shown as a percentage.

    Examples
    --------
    >>> f = PolicyFairness("rate cut granted alone", ["A", "B", "B"], compare="gap", limit=2,
    ...                    weight=[50, 50, 0], sizes={"A": 1, "B": 2}, unit="bps a borrower")
    >>> f.labels, f.sizes_array().tolist(), f.codes.tolist()
    (('A', 'B'), [1.0, 2.0], [0, 1, 1])
    """

    name: str
    group: npt.ArrayLike
    outcome: str = "act"
    compare: str = "ratio"
    limit: float = 0.8
    weight: npt.ArrayLike | None = None
    sizes: Mapping[str, float] | None = None
    unit: str = ""
    codes: np.ndarray = field(init=False, repr=False)  # each decision's group, an index into labels
    labels: tuple[str, ...] = field(init=False)  # the groups, sorted

    def __post_init__(self) -> None:
        import pandas as pd

        if not isinstance(self.name, str) or not self.name.strip():
            raise InputError(f"fairness name: expected a non-empty string, got {self.name!r}")
        check_choice("fairness outcome", self.outcome, ("act", "not_declined"))
        check_choice("fairness compare", self.compare, ("ratio", "gap"))
        g = pd.Series(np.asarray(self.group, dtype=object).reshape(-1))
        if g.isna().any():
            i = int(np.flatnonzero(g.isna().to_numpy())[0])
            raise InputError(f"group: missing group label at row {i}; fill it or drop the column")
        codes, uniques = pd.factorize(g.astype(str), sort=True)
        object.__setattr__(self, "codes", codes.astype(np.int32))
        object.__setattr__(self, "labels", tuple(map(str, uniques)))
        n = len(codes)
        w = np.ones(n)
        if self.weight is not None:
            w = as_float_array("fairness weight", self.weight, nonnegative=True)
        if len(w) != n:
            raise InputError(f"fairness weight: expected {n} values (one per decision), got {len(w)}")
        object.__setattr__(self, "weight", w)
        limit = float(as_float_array("fairness limit", self.limit)[0])
        if not (0 < limit <= 1 if self.compare == "ratio" else limit >= 0):
            expected = "a ratio in (0, 1]" if self.compare == "ratio" else "a gap >= 0"
            raise InputError(f"fairness limit: expected {expected}, got {self.limit!r}")
        object.__setattr__(self, "limit", limit)
        if self.sizes is not None:
            missing = [lab for lab in self.labels if lab not in self.sizes]
            if missing:
                raise InputError(f"fairness sizes: no size for group {missing[0]!r}")
            bad = [lab for lab in self.labels if not float(self.sizes[lab]) > 0]
            if bad:
                raise InputError(
                    f"fairness sizes: group {bad[0]!r} needs a size > 0, got {self.sizes[bad[0]]!r}"
                )

    def sizes_array(self) -> np.ndarray:
        """Each group's denominator, in :attr:`labels` order."""
        if self.sizes is None:
            return np.bincount(self.codes, minlength=len(self.labels)).astype(np.float64)
        return np.array([float(self.sizes[lab]) for lab in self.labels])

    def rate_text(self, rate: float) -> str:
        """One group's rate for a sentence: a percentage, or a number in :attr:`unit`."""
        return f"{rate:.1%}" if not self.unit else f"{rate:.3g} {self.unit}"

    @classmethod
    def from_assumptions(cls, group: npt.ArrayLike, assumptions: PolicyAssumptions) -> PolicyFairness:
        """The default measure: the share of each group given ``favourable``, as a four-fifths ratio."""
        name = assumptions.favourable.replace("_", "-")
        return cls(name, group, assumptions.favourable, "ratio", assumptions.min_impact_ratio)
