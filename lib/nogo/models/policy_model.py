"""A four-control policy priced on a decision log: thresholds, a value cap and reviewer headcount.

The pure model behind the "set the policy" drill (:mod:`nogo.practice.policy_drill`).

A policy has four controls. With a calibrated probability ``p`` that acting is right and the value at
stake ``value_usd`` of each decision:

* **act** when ``p >= t_hi`` and ``value_usd <= value_cap_usd``;
* **escalate** when ``t_lo <= p < t_hi``, or when ``p >= t_hi`` but the value is above the cap;
* **decline** when ``p < t_lo``;
* ``reviewers`` people work the escalation queue.

What it costs (USD, over the log's ``days``): the *decision cost*, each decision's expected cost of the
action taken (:meth:`nogo.DecisionCosts.expected` at ``p``, so ``escalate_usd`` and the reviewers' own
error rates are in it), plus the *staffing cost* ``reviewers * reviewer_cost_per_hour_usd *
hours_per_day * days``. ``escalate_usd`` should therefore hold what one escalation costs beyond the
reviewers' pay (delay, friction): set ``reviewer_cost_per_hour_usd=0`` if it already includes their time.
The realised cost (the same costs at the logged ``outcome``) is reported beside it; the optimum and the
regret use the expected cost, which does not reward luck.

The queue is :func:`nogo.queue_metrics` (Erlang C, M/M/c): escalations arrive over ``hours_per_day``
working hours a day at ``escalations per day / hours_per_day`` an hour, each takes ``handle_minutes``.
A policy always staffs at least one reviewer (the escalation path has an owner even when idle).

Constraints (:class:`PolicyAssumptions`), each reported as a sentence when broken:
capacity (a stable queue with utilisation at most ``max_utilisation``); an optional service level
(``target_within_sla`` of escalations answered within ``sla_minutes``); an optional headcount limit
``max_reviewers``; an optional ``error_budget`` on the expected wrong autonomous actions per decision;
and, when the log has a ``group`` column, the four-fifths rule: the adverse-impact ratio (lowest group
rate over highest, :func:`nogo.selection_rates`) of the favourable outcome must be at least
``min_impact_ratio``. The favourable outcome is ``"act"`` (the agent grants it alone, the customer does
not wait) or ``"not_declined"`` (acted on or sent to a person). A ratio is undefined (NaN, never a
breach) when no one gets the favourable outcome.

The optimum and the regret against it are in :mod:`nogo.models.policy_optimum`.

Speed: :func:`prepare_policy_log` sorts the log by ``p`` once and keeps prefix sums, so
:func:`evaluate_policy` is two binary searches, prefix-sum differences and one masked pass over the
decisions at or above ``t_hi`` when a cap binds (see ``tests/bench/bench_policy_drill.py``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from nogo._validate import as_float_array, as_outcome_array, check_choice, check_rate
from nogo.errors import InputError
from nogo.models.costs import ACT, DECLINE, ESCALATE, DecisionCosts
from nogo.models.escalation import queue_metrics

__all__ = [
    "IMPACT_RATIO_TOLERANCE",
    "TOLERANCE",
    "PolicyAssumptions",
    "PolicyMetrics",
    "PolicySettings",
    "PreparedLog",
    "adverse_impact",
    "as_settings",
    "capacity_ok",
    "escalation_load",
    "evaluate_policy",
    "prepare_policy_log",
    "usd_label",
]

TOLERANCE = 1e-12
"""Floating-point slack on the capacity and error-budget comparisons (a policy at a limit meets it)."""
IMPACT_RATIO_TOLERANCE = 1e-9
"""Slack on the four-fifths comparison, as in :mod:`nogo.models.fairness`: a ratio of exactly 4/5 meets it."""


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
class PreparedLog:
    """A decision log sorted by ``p`` (ascending) with prefix sums; build it with :func:`prepare_policy_log`.

    Row ``k`` of every array is the ``k``-th smallest ``p``; ``cum_*`` have a leading zero (length n + 1).
    ``thresholds`` and ``value_caps_usd`` are the default search grid (and the sliders' lattices).
    """

    assumptions: PolicyAssumptions
    days: float
    p: np.ndarray
    value_usd: np.ndarray
    order: np.ndarray
    expected: np.ndarray  # (n, 3) act, escalate, decline
    realised: np.ndarray
    wrong: np.ndarray  # acting would have been wrong
    cum_expected: np.ndarray
    cum_realised: np.ndarray
    cum_error: np.ndarray  # expected wrong actions, sum of 1 - p
    cum_wrong: np.ndarray
    group_codes: np.ndarray | None
    group_labels: tuple[str, ...]
    cum_group: np.ndarray | None  # (G, n + 1)
    thresholds: np.ndarray
    value_caps_usd: np.ndarray  # ascending, the last is inf
    value_suffix_max: np.ndarray  # (n + 1,) largest value at or after each row, -1 at the end
    cap_exponents: tuple[float, float, float]  # log10 of the lowest and highest cap slider values, step

    @property
    def n(self) -> int:
        """Decisions in the log."""
        return len(self.p)

    def with_assumptions(self, **changes: Any) -> PreparedLog:
        """The same log under changed assumptions (the arrays are shared, nothing is recomputed)."""
        return replace(self, assumptions=replace(self.assumptions, **changes))


def _column(log: pd.DataFrame, name: str) -> pd.Series:
    if name not in log.columns:
        raise InputError(f"log: missing column {name!r}; got columns {', '.join(map(str, log.columns))}")
    return log[name]


def _prefix(x: np.ndarray) -> np.ndarray:
    out = np.zeros((x.shape[0] + 1, *x.shape[1:]))
    np.cumsum(x, axis=0, out=out[1:])
    return out


def prepare_policy_log(
    log: pd.DataFrame,
    p: npt.ArrayLike | str,
    costs: DecisionCosts,
    *,
    days: float,
    assumptions: PolicyAssumptions | None = None,
    threshold_step: float = 0.01,
    cap_step: float = 0.1,
) -> PreparedLog:
    """Validate a decision log and precompute what every policy evaluation needs (one sort, prefix sums).

    Parameters
    ----------
    log
        A decision log with ``value_usd`` and ``outcome``, optionally ``group`` (no missing labels).
    p
        Calibrated probability that acting is right, one per row, or the name of a column of ``log``.
    costs
        Per-decision (or scalar) costs with a finite ``escalate_usd``.
    days
        The span of the log in days (> 0).
    assumptions
        Queue, pay and constraints (default :class:`PolicyAssumptions`).
    threshold_step, cap_step
        Lattices of the search grid: thresholds ``0, step, ..., 1`` (``1 / step`` a whole number) and
        value caps ``10 ** (k * cap_step)`` spanning the values, the top one replaced by no cap.

    Examples
    --------
    >>> log = pd.DataFrame({"value_usd": [10.0, 50.0, 900.0, 20.0], "outcome": [1, 1, 0, 0]})
    >>> c = DecisionCosts(false_action_usd=log["value_usd"], missed_usd=5.0, escalate_usd=2.0)
    >>> prep = prepare_policy_log(log, [0.95, 0.9, 0.92, 0.3], c, days=1)
    >>> prep.n, prep.p.tolist(), prep.value_caps_usd[[0, -1]].tolist()
    (4, [0.3, 0.9, 0.92, 0.95], [10.0, inf])
    """
    if not isinstance(log, pd.DataFrame):
        raise InputError(f"log: expected a pandas DataFrame, got {type(log).__name__}")
    if not isinstance(costs, DecisionCosts):
        raise InputError(f"costs: expected DecisionCosts, got {type(costs).__name__}")
    a = PolicyAssumptions() if assumptions is None else assumptions
    if not isinstance(a, PolicyAssumptions):
        raise InputError(f"assumptions: expected PolicyAssumptions, got {type(a).__name__}")
    span = as_float_array("days", days)
    if span.size != 1 or span[0] <= 0:
        raise InputError(f"days: expected the log's span in days (> 0), got {days!r}")
    prob = as_float_array("p", _column(log, p) if isinstance(p, str) else p, unit_interval=True)
    value = as_float_array("value_usd", _column(log, "value_usd"), nonnegative=True)
    outcome = as_outcome_array("outcome", _column(log, "outcome").to_numpy())
    if not len(prob) == len(value) == len(log):
        raise InputError(f"p: expected {len(log)} values (one per row of log), got {len(prob)}")
    if len(costs) not in (1, len(log)):
        raise InputError(f"costs: expected one value per decision ({len(log)}) or scalars, got {len(costs)}")
    expected, realised = costs.expected(prob), costs.realised(outcome)
    if not np.isfinite(expected[:, ESCALATE]).all():
        raise InputError("costs: escalate_usd must be finite (this drill prices escalation); got inf")
    k = round(1 / threshold_step) if 0 < threshold_step <= 0.5 else 0
    if k < 2 or abs(k * threshold_step - 1) > 1e-9:
        raise InputError(
            f"threshold_step: expected a step in (0, 0.5] that divides 1, got {threshold_step!r}"
        )
    if not 0 < cap_step <= 1:
        raise InputError(f"cap_step: expected a step in (0, 1] (log10 USD), got {cap_step!r}")
    order = np.argsort(prob, kind="stable")
    codes, labels, cum_group = None, (), None
    if "group" in log.columns:
        g = log["group"]
        if g.isna().any():
            i = int(np.flatnonzero(g.isna().to_numpy())[0])
            raise InputError(f"group: missing group label at row {i}; fill it or drop the column")
        raw, uniques = pd.factorize(g.astype(str), sort=True)
        codes, labels = raw[order].astype(np.int32), tuple(map(str, uniques))
        cum_group = np.zeros((len(labels), len(log) + 1), dtype=np.int32)
        np.cumsum(codes[None, :] == np.arange(len(labels))[:, None], axis=1, out=cum_group[:, 1:])
    positive = value[value > 0]
    lo = math.floor(math.log10(positive.min()) / cap_step) * cap_step if positive.size else 0.0
    hi = math.ceil(math.log10(value.max()) / cap_step) * cap_step if positive.size else lo
    hi = max(hi, lo + cap_step)
    exps = np.round(lo + cap_step * np.arange(round((hi - lo) / cap_step) + 1), 10)
    caps = 10.0**exps
    caps[-1] = np.inf  # the top of the slider is at least the largest value: no cap
    p_s, wrong, v_s = prob[order], ~outcome[order], value[order]
    suffix_max = np.full(len(v_s) + 1, -1.0)
    suffix_max[:-1] = np.maximum.accumulate(v_s[::-1])[::-1]
    return PreparedLog(
        assumptions=a,
        days=float(span[0]),
        p=p_s,
        value_usd=v_s,
        order=order,
        expected=expected[order],
        realised=realised[order],
        wrong=wrong,
        cum_expected=_prefix(expected[order]),
        cum_realised=_prefix(realised[order]),
        cum_error=_prefix(1.0 - p_s),
        cum_wrong=_prefix(wrong.astype(np.float64)),
        group_codes=codes,
        group_labels=labels,
        cum_group=cum_group,
        thresholds=np.round(np.arange(k + 1) * threshold_step, 12),
        value_caps_usd=caps,
        value_suffix_max=suffix_max,
        cap_exponents=(float(exps[0]), float(exps[-1]), float(cap_step)),
    )


# --------------------------------------------------------------------------- one policy


@dataclass(frozen=True)
class PolicyMetrics:
    """What one policy does on a prepared log. Costs in USD over the log's span; shares of decisions.

    ``error_rate`` is the expected share of decisions that are wrong autonomous actions (sum of ``1 - p``
    over the acted-on decisions, per decision); ``realised_error_rate`` counts logged outcomes.
    ``selection_rates`` and ``impact_ratio`` are None without a ``group`` column.
    """

    settings: PolicySettings
    n_decisions: int
    days: float
    n_act: int
    n_escalate: int
    n_decline: int
    decision_cost_usd: float
    staffing_cost_usd: float
    realised_decision_cost_usd: float
    escalations_per_day: float
    utilisation: float
    stable: bool
    p_wait: float
    mean_wait_minutes: float
    within_sla: float | None
    error_rate: float
    realised_error_rate: float
    selection_rates: dict[str, float] | None
    impact_ratio: float | None
    violations: tuple[str, ...]

    @property
    def cost_usd(self) -> float:
        """Expected total cost: decision cost plus staffing."""
        return self.decision_cost_usd + self.staffing_cost_usd

    @property
    def realised_cost_usd(self) -> float:
        """Realised total cost: decision cost at the logged outcomes plus staffing."""
        return self.realised_decision_cost_usd + self.staffing_cost_usd

    @property
    def cost_per_decision_usd(self) -> float:
        """Expected total cost per decision."""
        return self.cost_usd / self.n_decisions

    @property
    def feasible(self) -> bool:
        """Whether the policy breaks no constraint."""
        return not self.violations

    def as_dict(self) -> dict[str, Any]:
        """A flat record: the settings, counts, shares, costs, queue and constraint columns."""
        out = {**asdict(self.settings), **{k: v for k, v in asdict(self).items() if k != "settings"}}
        n = self.n_decisions
        out.update(
            act_share=self.n_act / n,
            escalate_share=self.n_escalate / n,
            decline_share=self.n_decline / n,
            cost_usd=self.cost_usd,
            cost_per_decision_usd=self.cost_per_decision_usd,
            realised_cost_usd=self.realised_cost_usd,
            feasible=self.feasible,
        )
        return out


def as_settings(settings: PolicySettings | Mapping[str, Any]) -> PolicySettings:
    """``settings`` as :class:`PolicySettings` (a mapping of its fields is accepted), or raise."""
    if isinstance(settings, PolicySettings):
        return settings
    if isinstance(settings, Mapping):
        return PolicySettings(**settings)
    raise InputError(
        f"settings: expected PolicySettings or a mapping of its fields, got {type(settings).__name__}"
    )


def capacity_ok(load: np.ndarray, reviewers: np.ndarray, max_utilisation: float) -> np.ndarray:
    """The capacity constraint: a stable queue with utilisation at most ``max_utilisation``."""
    return (load < reviewers) & (load / reviewers <= max_utilisation + TOLERANCE)


def escalation_load(prep: PreparedLog, n_escalate: npt.ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Arrival rate per hour and offered load (erlangs), computed as :func:`evaluate_policy` does."""
    a = prep.assumptions
    rate = np.asarray(n_escalate, dtype=np.float64) / prep.days / a.hours_per_day
    return rate, rate * a.handle_minutes / 60.0


def adverse_impact(acted: np.ndarray, sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Selection rates (G, ...) and the adverse-impact ratio (NaN where no group is selected).

    ``acted`` counts each group's favourable outcomes (G, ...) and ``sizes`` the group sizes (G,).
    """
    rates = acted / sizes.reshape((-1,) + (1,) * (acted.ndim - 1))
    top = rates.max(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(top > 0, rates.min(axis=0) / np.where(top > 0, top, 1.0), np.nan)
    return rates, ratio


def evaluate_policy(prepared: PreparedLog, settings: PolicySettings | Mapping[str, Any]) -> PolicyMetrics:
    """Cost, shares, queue, error rate, adverse impact and broken constraints of one policy.

    O(log n) with no binding cap; one vectorised pass over the decisions at or above ``t_hi`` otherwise.

    Examples
    --------
    >>> log = pd.DataFrame({"value_usd": [10.0, 50.0, 900.0, 20.0], "outcome": [1, 1, 0, 0]})
    >>> c = DecisionCosts(false_action_usd=log["value_usd"], missed_usd=5.0, escalate_usd=2.0)
    >>> prep = prepare_policy_log(log, [0.95, 0.9, 0.92, 0.3], c, days=1,
    ...                           assumptions=PolicyAssumptions(reviewer_cost_per_hour_usd=0))
    >>> m = evaluate_policy(prep, PolicySettings(t_lo=0.5, t_hi=0.9, value_cap_usd=100))
    >>> (m.n_act, m.n_escalate, m.n_decline), round(m.cost_usd, 6)  # 0.05*10 + 0.1*50 + 2 + 0.3*5
    ((2, 1, 1), 9.0)
    """
    s, prep, a = as_settings(settings), prepared, prepared.assumptions
    n = prep.n
    j = int(np.searchsorted(prep.p, s.t_lo, side="left"))  # rows below j: p < t_lo, declined
    i = int(np.searchsorted(prep.p, s.t_hi, side="left"))  # rows from i: p >= t_hi
    ce, cr = prep.cum_expected, prep.cum_realised
    base_e = ce[j, DECLINE] + (ce[n, ESCALATE] - ce[j, ESCALATE])  # decline below t_lo, escalate the rest ...
    base_r = cr[j, DECLINE] + (cr[n, ESCALATE] - cr[j, ESCALATE])
    if s.value_cap_usd >= prep.value_suffix_max[i]:  # ... and act on every row from i
        n_act = n - i
        act_e = (ce[n, ACT] - ce[i, ACT]) - (ce[n, ESCALATE] - ce[i, ESCALATE])
        act_r = (cr[n, ACT] - cr[i, ACT]) - (cr[n, ESCALATE] - cr[i, ESCALATE])
        err, wrong = prep.cum_error[n] - prep.cum_error[i], prep.cum_wrong[n] - prep.cum_wrong[i]
        acted_g = None if prep.cum_group is None else prep.cum_group[:, n] - prep.cum_group[:, i]
    else:  # ... and act on the rows from i within the cap
        idx = i + np.flatnonzero(prep.value_usd[i:] <= s.value_cap_usd)
        n_act = len(idx)
        act_e = (prep.expected[idx, ACT] - prep.expected[idx, ESCALATE]).sum()
        act_r = (prep.realised[idx, ACT] - prep.realised[idx, ESCALATE]).sum()
        err, wrong = (1.0 - prep.p[idx]).sum(), prep.wrong[idx].sum()
        acted_g = None
        if prep.group_codes is not None:
            acted_g = np.bincount(prep.group_codes[idx], minlength=len(prep.group_labels))
    n_esc = n - j - n_act
    rate, load = escalation_load(prep, n_esc)
    q = queue_metrics(rate, a.handle_minutes, s.reviewers, sla_minutes=a.sla_minutes).iloc[0]
    staffing = s.reviewers * a.reviewer_cost_per_hour_usd * a.hours_per_day * prep.days
    rates = ratio = None
    if prep.cum_group is not None:
        sizes = prep.cum_group[:, n]
        hits = acted_g if a.favourable == "act" else sizes - prep.cum_group[:, j]
        r, air = adverse_impact(np.asarray(hits, dtype=np.float64), sizes)
        rates, ratio = dict(zip(prep.group_labels, map(float, r), strict=True)), float(air)
    within = None if a.sla_minutes is None else float(q["within_sla"])
    metrics = PolicyMetrics(
        settings=s,
        n_decisions=n,
        days=prep.days,
        n_act=int(n_act),
        n_escalate=int(n_esc),
        n_decline=j,
        decision_cost_usd=float(base_e + act_e),
        staffing_cost_usd=float(staffing),
        realised_decision_cost_usd=float(base_r + act_r),
        escalations_per_day=float(n_esc / prep.days),
        utilisation=float(q["utilisation"]),
        stable=bool(q["stable"]),
        p_wait=float(q["p_wait"]),
        mean_wait_minutes=float(q["mean_wait_minutes"]),
        within_sla=within,
        error_rate=float(err / n),
        realised_error_rate=float(wrong / n),
        selection_rates=rates,
        impact_ratio=ratio,
        violations=(),
    )
    return replace(metrics, violations=_violations(metrics, prep, float(load)))


def _violations(m: PolicyMetrics, prep: PreparedLog, load: float) -> tuple[str, ...]:
    a, c = prep.assumptions, m.settings.reviewers
    out = []
    per_day = f"{m.escalations_per_day:,.0f} escalations a day"
    if not m.stable:
        out.append(
            f"capacity: the review queue is unstable ({per_day} are {load:.1f} reviewers' worth of work, "
            f"{c} on shift); the backlog grows without end"
        )
    elif not capacity_ok(np.asarray(load), np.asarray(float(c)), a.max_utilisation):
        out.append(
            f"capacity: reviewers {m.utilisation:.0%} busy ({per_day}, {c} reviewers), "
            f"above the {a.max_utilisation:.0%} limit"
        )
    if m.within_sla is not None and not m.within_sla >= a.target_within_sla:
        out.append(
            f"service level: {m.within_sla:.0%} of escalations answered within {a.sla_minutes:g} minutes, "
            f"target {a.target_within_sla:.0%}"
        )
    if a.max_reviewers is not None and c > a.max_reviewers:
        out.append(f"headcount: {c} reviewers, only {a.max_reviewers} available")
    if a.error_budget is not None and m.error_rate > a.error_budget + TOLERANCE:
        out.append(
            f"error budget: {m.error_rate:.2%} of decisions are expected wrong autonomous actions, "
            f"budget {a.error_budget:.2%}"
        )
    if m.impact_ratio is not None and m.impact_ratio < a.min_impact_ratio - IMPACT_RATIO_TOLERANCE:
        rates = m.selection_rates or {}
        low, high = min(rates, key=rates.__getitem__), max(rates, key=rates.__getitem__)
        out.append(
            f"adverse impact: group {low}'s {a.favourable.replace('_', '-')} rate ({rates[low]:.1%}) is "
            f"{m.impact_ratio:.2f} of group {high}'s ({rates[high]:.1%}), below {a.min_impact_ratio:g}"
        )
    return tuple(out)
