"""A four-control policy priced on a decision log: thresholds, a value cap and reviewer headcount.

The pure model behind the "set the policy" drill (:mod:`nogo.practice.policy_drill`).

A policy has four controls. With a calibrated probability ``p`` that acting is right and the value at
stake ``value_usd`` of each decision:

* **act** when ``p >= t_hi`` and ``value_usd <= value_cap_usd``;
* **escalate** when ``t_lo <= p < t_hi``, or when ``p >= t_hi`` but the value is above the cap;
* **decline** when ``p < t_lo``;
* ``reviewers`` people work the escalation queue.

A case's hard rules (``allowed``: what the agent may do alone on each decision, as
:meth:`nogo.CaseData.allowed` gives it) come before the policy: where a rule forbids the action the
policy would take alone, a person decides instead (the decision is escalated, and counted in
``n_routed``). So no policy, and no optimum, ever takes a forbidden action alone, and a policy that
follows a case's rule costs the same as one whose thresholds would have broken it.

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
and fairness on the outcome the case is about (:class:`~nogo.models.policy_inputs.PolicyFairness`, which
a case declares): a rate per group of what the policy decides, compared as a ratio or as a gap. Without
one, a log with a ``group`` column gets the four-fifths rule: the adverse-impact ratio (lowest group rate
over highest, :func:`nogo.selection_rates`) of the favourable outcome must be at least
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
from dataclasses import asdict, dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from nogo._validate import as_float_array, as_outcome_array
from nogo.errors import InputError
from nogo.models.costs import ACT, ACTIONS, DECLINE, ESCALATE, DecisionCosts
from nogo.models.escalation import queue_metrics
from nogo.models.policy_inputs import PolicyAssumptions, PolicyFairness, PolicySettings, usd_label

__all__ = [
    "GAP_TOLERANCE",
    "IMPACT_RATIO_TOLERANCE",
    "TOLERANCE",
    "PolicyAssumptions",
    "PolicyFairness",
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
GAP_TOLERANCE = 1e-9
"""Slack on a gap measure's comparison (a gap exactly at the limit meets it)."""


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
    cum_error: np.ndarray  # expected wrong autonomous actions, sum of 1 - p where acting alone is allowed
    cum_wrong: np.ndarray
    act_ok: np.ndarray  # (n,) the hard rules let the agent act alone
    decline_ok: np.ndarray  # (n,) ... and decline alone
    cum_act_ok: np.ndarray  # (n + 1,) counts
    cum_decline_ok: np.ndarray
    fairness: PolicyFairness | None  # None: no groups; fairness_default: built from the assumptions
    fairness_default: bool
    group_codes: np.ndarray | None  # (n,) sorted like p
    group_weight: np.ndarray | None  # (n,) what each decision adds to its group's rate
    group_sizes: np.ndarray | None  # (G,) the rates' denominators
    group_total: np.ndarray | None  # (G,) each group's whole weight
    cum_group_act: np.ndarray | None  # (G, n + 1) prefix sums of the weight where acting alone is allowed
    cum_group_decline: np.ndarray | None  # (G, n + 1) ... where declining alone is allowed
    thresholds: np.ndarray
    value_caps_usd: np.ndarray  # ascending, the last is inf
    value_suffix_max: np.ndarray  # (n + 1,) largest value allowed to act at or after each row, -1 at the end
    cap_exponents: tuple[float, float, float]  # log10 of the lowest and highest cap slider values, step

    @property
    def group_labels(self) -> tuple[str, ...]:
        """The groups of the fairness measure (empty without one)."""
        return () if self.fairness is None else self.fairness.labels

    def measure(self) -> tuple[str, str, float]:
        """The fairness measure's ``(outcome, compare, limit)``; a default one follows the assumptions."""
        f, a = self.fairness, self.assumptions
        if f is None or self.fairness_default:
            return a.favourable, "ratio", a.min_impact_ratio
        return f.outcome, f.compare, f.limit

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


def _allowed(allowed: npt.ArrayLike | None, n: int) -> tuple[np.ndarray, np.ndarray]:
    """``(act_ok, decline_ok)`` from the hard rules' ``(n, 3)`` bools (all True without rules)."""
    if allowed is None:
        return np.ones(n, dtype=bool), np.ones(n, dtype=bool)
    ok = np.asarray(allowed)
    if ok.dtype != bool or ok.shape != (n, len(ACTIONS)):
        raise InputError(
            f"allowed: expected ({n}, {len(ACTIONS)}) bools (one row per decision, {', '.join(ACTIONS)}), "
            f"got {ok.dtype} of shape {ok.shape}"
        )
    if not ok[:, ESCALATE].all():
        row = int(np.flatnonzero(~ok[:, ESCALATE])[0])
        raise InputError(
            f"allowed: escalating must always be allowed (a person decides); forbidden at row {row}"
        )
    return ok[:, ACT].copy(), ok[:, DECLINE].copy()


def prepare_policy_log(
    log: pd.DataFrame,
    p: npt.ArrayLike | str,
    costs: DecisionCosts,
    *,
    days: float,
    assumptions: PolicyAssumptions | None = None,
    allowed: npt.ArrayLike | None = None,
    fairness: PolicyFairness | None = None,
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
    allowed
        The case's hard rules: ``(n, 3)`` bools in :data:`~nogo.models.costs.ACTIONS` order, what the
        agent may do alone on each decision (:meth:`nogo.CaseData.allowed`); escalating must always be
        allowed. Where the policy's action is forbidden, a person decides (escalate). Default: no rule.
    fairness
        What the fairness constraint measures (:class:`~nogo.models.policy_inputs.PolicyFairness`, one
        group per row); default: the four-fifths rule on the assumptions' favourable outcome when ``log``
        has a ``group`` column, else none.
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
    >>> no_act = [[False, True, True], [True, True, True], [True, True, True], [True, True, True]]
    >>> prepare_policy_log(log, [0.95, 0.9, 0.92, 0.3], c, days=1, allowed=no_act).act_ok.tolist()
    [True, True, True, False]
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
    act_ok, decline_ok = _allowed(allowed, len(log))
    act_ok, decline_ok = act_ok[order], decline_ok[order]
    default = fairness is None
    if default and "group" in log.columns:
        fairness = PolicyFairness.from_assumptions(log["group"], a)
    if fairness is not None and not isinstance(fairness, PolicyFairness):
        raise InputError(f"fairness: expected PolicyFairness or None, got {type(fairness).__name__}")
    codes = weight = sizes = cum_act_g = cum_dec_g = None
    if fairness is not None:
        if len(fairness.codes) != len(log):
            raise InputError(
                f"fairness: expected one group per row of log ({len(log)}), got {len(fairness.codes)}"
            )
        codes, weight, sizes = fairness.codes[order], fairness.weight[order], fairness.sizes_array()
        one_hot = (codes[None, :] == np.arange(len(fairness.labels))[:, None]) * weight[None, :]
        cum_act_g, cum_dec_g = (_prefix((one_hot * ok[None, :]).T).T for ok in (act_ok, decline_ok))
    positive = value[value > 0]
    lo = math.floor(math.log10(positive.min()) / cap_step) * cap_step if positive.size else 0.0
    hi = math.ceil(math.log10(value.max()) / cap_step) * cap_step if positive.size else lo
    hi = max(hi, lo + cap_step)
    exps = np.round(lo + cap_step * np.arange(round((hi - lo) / cap_step) + 1), 10)
    caps = 10.0**exps
    caps[-1] = np.inf  # the top of the slider is at least the largest value: no cap
    p_s, wrong, v_s = prob[order], ~outcome[order], value[order]
    suffix_max = np.full(len(v_s) + 1, -1.0)
    suffix_max[:-1] = np.maximum.accumulate(np.where(act_ok, v_s, -1.0)[::-1])[::-1]
    expected, realised = expected[order], realised[order]
    for table in (expected, realised):  # a forbidden action costs what the person deciding costs
        table[:, ACT] = np.where(act_ok, table[:, ACT], table[:, ESCALATE])
        table[:, DECLINE] = np.where(decline_ok, table[:, DECLINE], table[:, ESCALATE])
    return PreparedLog(
        assumptions=a,
        days=float(span[0]),
        p=p_s,
        value_usd=v_s,
        order=order,
        expected=expected,
        realised=realised,
        wrong=wrong,
        cum_expected=_prefix(expected),
        cum_realised=_prefix(realised),
        cum_error=_prefix((1.0 - p_s) * act_ok),
        cum_wrong=_prefix((wrong & act_ok).astype(np.float64)),
        act_ok=act_ok,
        decline_ok=decline_ok,
        cum_act_ok=_prefix(act_ok.astype(np.float64)),
        cum_decline_ok=_prefix(decline_ok.astype(np.float64)),
        fairness=fairness,
        fairness_default=default,
        group_codes=codes,
        group_weight=weight,
        group_sizes=sizes,
        group_total=None if codes is None else np.bincount(codes, weight, minlength=len(sizes)),
        cum_group_act=cum_act_g,
        cum_group_decline=cum_dec_g,
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
    ``n_routed`` counts the decisions the case's hard rules sent to a person (the policy would have acted
    or declined alone); they are in ``n_escalate``. ``selection_rates`` (each group's rate of the fairness
    measure), ``impact_ratio`` (lowest over highest, a ratio measure) and ``group_gap`` (highest minus
    lowest, a gap measure) are None without one.
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
    n_routed: int = 0
    group_gap: float | None = None

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
    # (a forbidden action is priced as the escalation it becomes, so the sums need no mask)
    if s.value_cap_usd >= prep.value_suffix_max[i]:  # ... and act on every allowed row from i
        n_act = prep.cum_act_ok[n] - prep.cum_act_ok[i]
        act_e = (ce[n, ACT] - ce[i, ACT]) - (ce[n, ESCALATE] - ce[i, ESCALATE])
        act_r = (cr[n, ACT] - cr[i, ACT]) - (cr[n, ESCALATE] - cr[i, ESCALATE])
        err, wrong = prep.cum_error[n] - prep.cum_error[i], prep.cum_wrong[n] - prep.cum_wrong[i]
        acted_g = None if prep.cum_group_act is None else prep.cum_group_act[:, n] - prep.cum_group_act[:, i]
    else:  # ... and act on the allowed rows from i within the cap
        idx = i + np.flatnonzero((prep.value_usd[i:] <= s.value_cap_usd) & prep.act_ok[i:])
        n_act = len(idx)
        act_e = (prep.expected[idx, ACT] - prep.expected[idx, ESCALATE]).sum()
        act_r = (prep.realised[idx, ACT] - prep.realised[idx, ESCALATE]).sum()
        err, wrong = (1.0 - prep.p[idx]).sum(), prep.wrong[idx].sum()
        acted_g = None
        if prep.group_codes is not None:
            acted_g = np.bincount(
                prep.group_codes[idx], prep.group_weight[idx], minlength=len(prep.group_labels)
            )
    n_act, n_dec = round(float(n_act)), round(float(prep.cum_decline_ok[j]))
    n_esc = n - n_dec - n_act
    forbidden_act = (n - i) - round(float(prep.cum_act_ok[n] - prep.cum_act_ok[i]))  # in the act band
    if forbidden_act and not math.isinf(s.value_cap_usd):  # ... and within the cap: the policy would act
        forbidden_act = int(np.count_nonzero((prep.value_usd[i:] <= s.value_cap_usd) & ~prep.act_ok[i:]))
    routed = j - n_dec + forbidden_act
    rate, load = escalation_load(prep, n_esc)
    q = queue_metrics(rate, a.handle_minutes, s.reviewers, sla_minutes=a.sla_minutes).iloc[0]
    staffing = s.reviewers * a.reviewer_cost_per_hour_usd * a.hours_per_day * prep.days
    rates = ratio = gap = None
    if prep.group_sizes is not None:
        outcome, compare, _ = prep.measure()
        hits = acted_g if outcome == "act" else prep.group_total - prep.cum_group_decline[:, j]
        r, air = adverse_impact(np.asarray(hits, dtype=np.float64), prep.group_sizes)
        rates = dict(zip(prep.group_labels, map(float, r), strict=True))
        ratio, gap = (float(air), None) if compare == "ratio" else (None, float(r.max() - r.min()))
    within = None if a.sla_minutes is None else float(q["within_sla"])
    metrics = PolicyMetrics(
        settings=s,
        n_decisions=n,
        days=prep.days,
        n_act=n_act,
        n_escalate=int(n_esc),
        n_decline=n_dec,
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
        n_routed=routed,
        group_gap=gap,
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
    if m.selection_rates is not None and prep.fairness is not None:
        _, compare, limit = prep.measure()
        rates, f = m.selection_rates, prep.fairness
        low, high = min(rates, key=rates.__getitem__), max(rates, key=rates.__getitem__)
        name = f.name if not prep.fairness_default else a.favourable.replace("_", "-")
        if (
            compare == "ratio"
            and m.impact_ratio is not None
            and m.impact_ratio < limit - IMPACT_RATIO_TOLERANCE
        ):
            out.append(
                f"adverse impact: group {low}'s {name} rate ({f.rate_text(rates[low])}) is "
                f"{m.impact_ratio:.2f} of group {high}'s ({f.rate_text(rates[high])}), below {limit:g}"
            )
        if compare == "gap" and m.group_gap is not None and m.group_gap > limit + GAP_TOLERANCE:
            out.append(
                f"group gap: group {low}'s {name} ({f.rate_text(rates[low])}) is {m.group_gap:.3g} "
                f"below group {high}'s ({f.rate_text(rates[high])}), above the {limit:g} limit"
            )
    return tuple(out)
