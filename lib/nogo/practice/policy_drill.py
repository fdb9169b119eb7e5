"""The "set the policy" drill: find the cheapest policy that breaks no constraint, then see the regret.

The learner moves four controls (decline below ``t_lo``, act at or above ``t_hi``, a value cap above
which a person approves, reviewer headcount) and watches expected cost, escalations per day, queue
wait, error rate and, where the log has groups, the adverse-impact ratio update with a chart. Submitting
scores the policy by its regret against the optimum and lists the constraints it breaks. The model is
:mod:`nogo.models.policy_model`, the optimum and the regret :mod:`nogo.models.policy_optimum`, the chart
:mod:`nogo.practice.policy_chart` (:func:`policy_chart` is re-exported here); this module adds the widget
(a thin shell: every control goes through :meth:`PolicyDrill.set`, the button through
:meth:`PolicyDrill.submit`, both callable headless).

The optimum is searched on a grid (:func:`nogo.models.policy_optimum.optimal_policy`): the thresholds and caps
the sliders can reach, each with the smallest headcount meeting capacity and service level, so any
policy set with the sliders has a regret of zero or more (up to rounding of the cap slider's values).

The case comes first (:meth:`PolicyDrill.for_case`, from :meth:`nogo.Case.build`): its hard rules
(:meth:`nogo.Case.hard_rules`) send any action they forbid to a person, in the learner's policy and in
the optimum alike, so no rule-breaking policy can be scored better than the one that follows the rule;
its fairness measure (:meth:`nogo.Case.fairness`: the autonomous shortlist, the rate gap) is the
constraint. :func:`case_rules` reads both for any log of the case. A policy as cheap as the optimum is
recorded as optimal: the optimum need not be unique.
"""

from __future__ import annotations

import html
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict
from typing import Any

import altair as alt
import numpy as np
import numpy.typing as npt
import pandas as pd

from nogo.cases.case import CaseData, HardRule, open_case
from nogo.cases.casefile import CaseFile
from nogo.charts import THEME
from nogo.errors import InputError
from nogo.formatting import format_count, math_safe_html
from nogo.models.costs import ACTIONS, DecisionCosts
from nogo.models.policy_model import (
    PolicyAssumptions,
    PolicyFairness,
    PolicyMetrics,
    PolicySettings,
    PreparedLog,
    evaluate_policy,
    prepare_policy_log,
)
from nogo.models.policy_model import usd_label as _usd
from nogo.models.policy_optimum import Submission, naive_settings, optimal_policy, submit
from nogo.models.policy_optimum import min_reviewers as _min_reviewers
from nogo.practice.live import DRILL_TEXT, LiveDrill, card_html, drill_view, status_html
from nogo.practice.policy_chart import actions_by_bin, policy_chart, policy_cuts, policy_subtitle
from nogo.practice.progress import ProgressStore

__all__ = [
    "PolicyDrill",
    "case_policy_log",
    "case_rules",
    "policy_chart",
]

#: a policy within this share of the optimum's expected cost (and feasible) is recorded as optimal
TIE_TOLERANCE = 1e-9


def case_rules(
    case: CaseFile, log: pd.DataFrame, parameters: Mapping[str, Any] | None = None
) -> tuple[tuple[HardRule, ...], PolicyFairness | None]:
    """The case's hard rules and fairness measure on ``log`` (a decision log of the case).

    Through the case interface (:func:`nogo.open_case`): :meth:`~nogo.Case.hard_rules` and
    :meth:`~nogo.Case.fairness` on ``log`` at ``parameters`` (the case file's defaults for those not
    given). Raises :class:`~nogo.errors.InputError` naming a column they read that ``log`` lacks.

    Examples
    --------
    >>> import nogo
    >>> case = nogo.Project.find().case("resume-proxy-bias")
    >>> log = pd.DataFrame({"group": ["m", "w"], "score": [0.9, 0.2], "outcome": [1, 0],
    ...                     "value_usd": [1.0, 1.0]})
    >>> rules, fairness = case_rules(case, log)
    >>> [r.forbids for r in rules], fairness.name
    (['decline'], 'autonomous shortlist')
    """
    built = open_case(case)
    params = built.parameters(parameters)
    try:
        return tuple(built.hard_rules(log, params)), built.fairness(log, params)
    except KeyError as exc:
        raise InputError(
            f"log: no column {exc} that the hard rules or fairness of case {case.id!r} read; "
            "pass a decision log of the case (nogo.open_case(case).build().log)"
        ) from None


def case_policy_log(
    case: CaseFile,
    log: pd.DataFrame,
    p: npt.ArrayLike | str,
    costs: DecisionCosts,
    *,
    days: float,
    assumptions: PolicyAssumptions | None = None,
    parameters: Mapping[str, Any] | None = None,
) -> PreparedLog:
    """:func:`~nogo.models.policy_model.prepare_policy_log` under the case's own hard rules and fairness
    measure (:func:`case_rules`), for an optimum that respects the case (e.g. a coaching reveal).

    Examples
    --------
    >>> import nogo
    >>> case = nogo.Project.find().case("resume-proxy-bias")
    >>> data = nogo.open_case(case).build({"n_applicants": 2_000})
    >>> prep = case_policy_log(case, data.log, data.p, data.costs, days=data.days, assumptions=data.desk)
    >>> nogo.optimal_policy(prep).n_decline  # no applicant is rejected without a person
    0
    """
    rules, fairness = case_rules(case, log, parameters)
    allowed = _allowed(rules, len(log))
    return prepare_policy_log(
        log, p, costs, days=days, assumptions=assumptions, allowed=allowed, fairness=fairness
    )


def _allowed(rules: Sequence[HardRule], n: int) -> np.ndarray | None:
    if not rules:
        return None
    out = np.ones((n, len(ACTIONS)), dtype=bool)
    for rule in rules:
        if not isinstance(rule, HardRule):
            raise InputError(f"hard_rules: expected nogo.HardRule items, got {type(rule).__name__}")
        if rule.applies.size != n:
            raise InputError(
                f"hard rule {rule.rule!r}: {rule.applies.size} values for a log of {n} decisions"
            )
        out &= rule.allowed()
    return out


def _metric_rows(
    m: PolicyMetrics, a: PolicyAssumptions, rules: Sequence[HardRule] = (), f: PolicyFairness | None = None
) -> list[tuple[str, str]]:
    """The metrics panel as (label, plain text) rows, shared by the HTML panel and the text summary."""
    n = m.n_decisions
    if m.stable:
        queue = f"mean wait {m.mean_wait_minutes:.1f} min, reviewers {m.utilisation:.0%} busy"
        if m.within_sla is not None:
            queue += f", {m.within_sla:.0%} answered within {a.sla_minutes:g} min"
    else:
        queue = "unstable: more work than reviewers, the backlog grows without end"
    budget = "no budget set" if a.error_budget is None else f"budget {a.error_budget:.2%}"
    rows = [
        (
            "expected cost",
            f"{_usd(m.cost_usd)} ({_usd(m.cost_per_decision_usd)} a decision: decisions "
            f"{_usd(m.decision_cost_usd)}, reviewers' pay {_usd(m.staffing_cost_usd)})",
        ),
        ("realised cost", f"{_usd(m.realised_cost_usd)} at the logged outcomes"),
        (
            "act / escalate / decline",
            f"{m.n_act / n:.1%} / {m.n_escalate / n:.1%} / {m.n_decline / n:.1%}",
        ),
        ("escalations a day", f"{m.escalations_per_day:,.1f} for {m.settings.reviewers} reviewers"),
        ("review queue", queue),
        (
            "error rate",
            f"{m.error_rate:.2%} expected wrong autonomous actions ({budget}); realised "
            f"{m.realised_error_rate:.2%}",
        ),
    ]
    if rules:
        said = "; ".join(r.rule for r in rules)
        rows.append(
            ("hard rules", f"{m.n_routed / n:.1%} of decisions sent to a person by the case's rules ({said})")
        )
    if m.selection_rates is not None and f is not None:
        by_group = ", ".join(f"{g} {f.rate_text(r)}" for g, r in m.selection_rates.items())
        if m.group_gap is not None:
            rows.append(
                ("group gap", f"{m.group_gap:.3g} {f.unit}, limit {f.limit:g} ({f.name}: {by_group})")
            )
        elif m.impact_ratio is not None:
            air = "undefined (no one selected)" if np.isnan(m.impact_ratio) else f"{m.impact_ratio:.2f}"
            rows.append(("adverse-impact ratio", f"{air} ({f.name} rate: {by_group})"))
    rows.append(("constraints broken", "; ".join(m.violations) if m.violations else "none"))
    return rows


def _metrics_html(
    m: PolicyMetrics, a: PolicyAssumptions, rules: Sequence[HardRule], f: PolicyFairness | None
) -> str:
    cells = []
    for label, text in _metric_rows(m, a, rules, f):
        style = ' style="color:#b00020"' if label == "constraints broken" and m.violations else ""
        cells.append(f"<tr><th style='text-align:left'>{label}</th><td{style}>{html.escape(text)}</td></tr>")
    return math_safe_html(f"<table class='nogo-policy-metrics'>{''.join(cells)}</table>")


class PolicyDrill(LiveDrill):
    """The "set the policy" widget: four controls, live metrics and chart, and a Submit button.

    Parameters
    ----------
    case
        The :class:`nogo.CaseFile` (its id, and ``drill.naive_confidence`` for the starting policy).
    log, p, costs, days
        As in :func:`nogo.models.policy_model.prepare_policy_log`.
    assumptions
        Queue, pay and constraints; by default :meth:`PolicyAssumptions.from_case` (the case's
        parameters with matching names, else the defaults).
    hard_rules, fairness
        The case's hard rules (a forbidden action goes to a person) and fairness measure (default: no
        rule; the four-fifths rule on the assumptions' favourable outcome when the log has a ``group``
        column). :meth:`for_case` passes the case's own; :func:`case_rules` reads them for a log.
    store, learner, variant_seed
        Where each submission is recorded (drill ``"policy"``, item ``"policy"``); ``variant_seed=None``
        records 0, the default variant.
    clock
        Seconds, for the time taken (since creation, or since the previous submission).

    The drill starts at the naive policy (:func:`naive_settings`). State: ``settings``, ``metrics``,
    ``submission`` (the last :class:`Submission`, or None) and ``submissions``; :attr:`widget` (also
    :attr:`view`) is the widget: the live metrics panel, the chart, and a status line
    (:meth:`status_text`) saying whether the policy on the sliders is the one submitted. Sliders update
    on release (``continuous_update=False``); the chart is re-rendered (SVG through vl-convert) only
    when a threshold or the cap moves.
    """

    drill_key = "policy"

    def __init__(
        self,
        case: CaseFile,
        log: pd.DataFrame,
        p: npt.ArrayLike | str,
        costs: DecisionCosts,
        *,
        days: float,
        assumptions: PolicyAssumptions | None = None,
        hard_rules: Sequence[HardRule] = (),
        fairness: PolicyFairness | None = None,
        store: ProgressStore | None = None,
        learner: str = "me",
        variant_seed: int | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        import ipywidgets as w

        if not isinstance(case, CaseFile):
            raise InputError(
                f"case: expected a nogo.CaseFile (nogo.load_case(...)), got {type(case).__name__}"
            )
        if store is not None and not isinstance(store, ProgressStore):
            raise InputError(f"store: expected a nogo.ProgressStore or None, got {type(store).__name__}")
        if not isinstance(learner, str) or not learner.strip():
            raise InputError(f"learner: expected a non-empty name, got {learner!r}")
        if variant_seed is not None and (
            isinstance(variant_seed, bool)
            or not isinstance(variant_seed, int | np.integer)
            or variant_seed < 0
        ):
            raise InputError(f"variant_seed: expected a whole number >= 0 or None, got {variant_seed!r}")
        a = PolicyAssumptions.from_case(case) if assumptions is None else assumptions
        self.case, self.store, self.learner = case, store, learner
        self.variant_seed = 0 if variant_seed is None else int(variant_seed)
        self.hard_rules: tuple[HardRule, ...] = tuple(hard_rules)
        allowed = _allowed(self.hard_rules, len(log)) if isinstance(log, pd.DataFrame) else None
        self.prepared = prepare_policy_log(
            log, p, costs, days=days, assumptions=a, allowed=allowed, fairness=fairness
        )
        self.fairness = self.prepared.fairness
        self._clock = clock
        self._last = clock()
        self._optimum: PolicyMetrics | None = None
        self._verdict_html = ""
        self.submission: Submission | None = None
        self.submissions: list[Submission] = []
        self.naive = naive_settings(self.prepared, case.drill.naive_confidence)
        lo_exp, hi_exp, cap_step = self.prepared.cap_exponents
        self._cap_range = (10.0**lo_exp, 10.0**hi_exp)
        top = int(_min_reviewers(self.prepared, np.array([self.prepared.n]))[0])  # escalate everything
        r_max = max(2 * top, top + 5, self.naive.reviewers, a.max_reviewers or 1)  # room to overstaff
        step = float(self.prepared.thresholds[1])
        common = {
            "continuous_update": False,
            "style": {"description_width": "9em"},
            "layout": {"width": "30em"},
        }  # a track long enough to move by one step, and room for each slider's value
        self.t_lo_slider = w.FloatSlider(
            value=self.naive.t_lo, min=0, max=1, step=step, description="decline below", **common
        )
        self.t_hi_slider = w.FloatSlider(
            value=self.naive.t_hi, min=0, max=1, step=step, description="act at or above", **common
        )
        self.cap_slider = w.FloatLogSlider(
            value=self._cap_range[1], base=10, min=lo_exp, max=hi_exp, step=cap_step,
            description="value cap USD", readout_format=",.0f", **common,
        )  # fmt: skip
        self.reviewers_slider = w.IntSlider(
            value=self.naive.reviewers, min=1, max=r_max, description="reviewers", **common
        )
        self.metrics_html, self.chart_html, self.result_html = w.HTML(), w.HTML(), w.HTML()
        self.metrics_html.layout = w.Layout(flex="1 1 26em")  # beside the sliders, or below on a narrow page
        self.submit_button = w.Button(description="Submit policy", button_style="primary")
        self._sliders = (self.t_lo_slider, self.t_hi_slider, self.cap_slider, self.reviewers_slider)
        for s in self._sliders:
            s.observe(self._on_slider, names="value")
        self.submit_button.on_click(lambda _button: self.submit())
        note = w.HTML(math_safe_html("<i>At the top of its range the value cap means no cap.</i>"))
        sliders = w.VBox([*self._sliders, note], layout=w.Layout(flex="0 0 auto", width="31em"))
        self.widget = drill_view(
            [
                w.HTML(math_safe_html(f"<b>Set the policy: {html.escape(case.title)}</b>")),
                w.HBox([sliders, self.metrics_html], layout=w.Layout(flex_flow="row wrap")),
                self.chart_html,
                self.submit_button,
                self.result_html,
            ],
            self,
        )
        self._busy = False
        self._chart_key: tuple[Any, ...] | None = None
        self._vega: tuple[PolicySettings | None, dict[str, Any], list[str]] | None = None
        self._update()
        self._start = self.metrics  # the naive policy the drill starts at: the brief's panel

    @property
    def view(self) -> Any:
        """The widget (the same as :attr:`widget`, named as in the other drills)."""
        return self.widget

    @classmethod
    def for_case(cls, case: CaseFile, data: CaseData, **kwargs: Any) -> PolicyDrill:
        """The drill on a case's own data (:meth:`nogo.Case.build`): its log, ``p``, costs, days and desk,
        its hard rules and its fairness measure. ``kwargs`` go to the constructor (``store``,
        ``learner``, ``variant_seed``, ``clock``; ``assumptions`` replaces the desk).

        Examples
        --------
        >>> import nogo
        >>> case = nogo.Project.find().case("resume-proxy-bias")
        >>> data = nogo.open_case(case).build({"n_applicants": 2_000})
        >>> drill = PolicyDrill.for_case(case, data)
        >>> drill.set(t_lo=0.5).n_decline, drill.metrics.n_routed > 0  # no one is rejected alone
        (0, True)
        """
        if not isinstance(data, CaseData):
            raise InputError(
                f"data: expected a nogo.CaseData (nogo.open_case(case).build()), got {type(data).__name__}"
            )
        kwargs.setdefault("assumptions", data.desk)
        return cls(
            case,
            data.log,
            data.p,
            data.costs,
            days=data.days,
            hard_rules=data.hard_rules,
            fairness=data.fairness,
            **kwargs,
        )

    # -- state ---------------------------------------------------------------------------------

    @property
    def optimum(self) -> PolicyMetrics:
        """The optimal policy's metrics (computed once, on first use)."""
        if self._optimum is None:
            self._optimum = optimal_policy(self.prepared)
        return self._optimum

    def _controls(self) -> PolicySettings:
        cap = self.cap_slider.value
        no_cap = cap >= self._cap_range[1] * (1 - 1e-9)
        return PolicySettings(
            float(self.t_lo_slider.value),
            float(self.t_hi_slider.value),
            math.inf if no_cap else float(cap),
            int(self.reviewers_slider.value),
        )

    def _on_slider(self, change: dict[str, Any]) -> None:
        if self._busy:
            return
        self._busy = True
        try:  # keep t_lo <= t_hi: the other threshold follows the one moved
            lo, hi = self.t_lo_slider.value, self.t_hi_slider.value
            if change["owner"] is self.t_lo_slider and lo > hi:
                self.t_hi_slider.value = lo
            elif change["owner"] is self.t_hi_slider and hi < lo:
                self.t_lo_slider.value = hi
        finally:
            self._busy = False
        self._update()

    def _update(self) -> None:
        self.settings = self._controls()
        self.metrics = evaluate_policy(self.prepared, self.settings)
        self.metrics_html.value = _metrics_html(
            self.metrics, self.prepared.assumptions, self.hard_rules, self.fairness
        )
        s = self.settings
        shown = None if self.submission is None else self.optimum.settings
        key = (s.t_lo, s.t_hi, s.value_cap_usd, shown)
        if key != self._chart_key:
            self.chart_html.value = math_safe_html(self.chart_svg())
            self._chart_key = key
        self._show_status()

    def status_text(self) -> str:
        """The widget's live status line: submitted or not, and whether the sliders moved since."""
        sub = self.submission
        if sub is None:
            return (
                "Not submitted yet: the panel shows the policy on the sliders. Submit scores it against "
                "the optimum."
            )
        count = format_count(len(self.submissions), "policy", plural="policies")
        moved = " its verdict is below."
        if sub.settings != self.settings:
            moved = " its verdict is below. The sliders have moved since: submit to score this one."
        return f"Submitted {count}; the last is {sub.settings.describe()}:{moved}"

    def _show_status(self) -> None:
        sub = self.submission
        status = status_html(self.status_text(), tone="" if sub is None or sub.metrics.feasible else "error")
        self.result_html.value = status + (self._verdict_html if sub is not None else "")

    def chart_svg(self) -> str:
        """The chart of the current settings as SVG (the optimum's thresholds too, once submitted).

        The same chart as :func:`policy_chart`, made cheaply: the Vega spec is compiled once (again
        only when the optimum appears) and each update replaces its data and subtitle before
        rendering, which skips building the Altair chart and compiling it (measured in
        ``tests/bench/bench_policy_drill.py``).
        """
        import vl_convert as vlc

        shown = None if self.submission is None else self.optimum.settings
        if self._vega is None or self._vega[0] != shown:
            with alt.theme.enable(THEME):
                spec = policy_chart(self.prepared, self.settings, optimum=shown).to_dict()
            names = [layer["data"]["name"] for layer in spec["layer"]]
            self._vega = (shown, vlc.vegalite_to_vega(spec), names)
        _, vega, (bars, rules) = self._vega
        for entry in vega["data"]:
            if entry["name"] == bars:
                entry["values"] = actions_by_bin(self.prepared, self.settings, 50).to_dict("records")
            elif entry["name"] == rules:
                entry["values"] = policy_cuts(self.settings, shown).to_dict("records")
        vega["title"]["subtitle"] = policy_subtitle(self.settings)
        return vlc.vega_to_svg(vega)

    # -- actions -------------------------------------------------------------------------------

    def set(self, **controls: Any) -> PolicyMetrics:
        """Move the controls (``t_lo``, ``t_hi``, ``value_cap_usd``, ``reviewers``) as the sliders would.

        Raises :class:`~nogo.errors.InputError` for an unknown control, invalid settings (``t_lo >
        t_hi``, a negative cap, fewer than one reviewer) or a value outside a slider's range (a cap above
        the range means no cap). Returns the new metrics.
        """
        allowed = ("t_lo", "t_hi", "value_cap_usd", "reviewers")
        for name in controls:
            if name not in allowed:
                raise InputError(f"{name}: not a control; expected one of {', '.join(allowed)}")
        new = PolicySettings(**{**asdict(self.settings), **controls})
        if new.reviewers > self.reviewers_slider.max:
            raise InputError(
                f"reviewers: expected at most {self.reviewers_slider.max} (the slider's range), "
                f"got {new.reviewers}"
            )
        if new.value_cap_usd < self._cap_range[0] * (1 - 1e-9):
            raise InputError(
                f"value_cap_usd: expected at least {self._cap_range[0]:g} (the slider's range), "
                f"got {new.value_cap_usd:g}"
            )
        self._busy = True
        try:
            self.t_lo_slider.value, self.t_hi_slider.value = new.t_lo, new.t_hi
            self.cap_slider.value = min(new.value_cap_usd, self._cap_range[1])
            self.reviewers_slider.value = new.reviewers
        finally:
            self._busy = False
        self._update()
        return self.metrics

    def submit(self) -> Submission:
        """What clicking Submit does: score the current policy, record it, show the verdict."""
        sub = submit(self.prepared, self.settings, optimum=self.optimum)
        best = sub.optimum
        tied = sub.metrics.feasible and sub.regret_usd <= TIE_TOLERANCE * max(abs(best.cost_usd), 1.0)
        now = self._clock()
        elapsed, self._last = max(0.0, now - self._last), now
        if self.store is not None:
            self.store.record_attempt(
                learner=self.learner,
                case_id=self.case.id,
                variant_seed=self.variant_seed,
                drill="policy",
                item="policy",
                choice=sub.settings.describe(),
                cost_usd=best.cost_usd + sub.regret_usd,  # a broken constraint saves nothing
                optimal_choice=(sub.settings if tied else best.settings).describe(),
                optimal_cost_usd=sub.optimum.cost_usd,
                time_taken_seconds=elapsed,
            )
        self.submission = sub
        self.submissions.append(sub)
        colour = "#2a9d8f" if sub.metrics.feasible else "#b00020"
        self._verdict_html = math_safe_html(f"<p style='color:{colour}'>{html.escape(sub.text())}</p>")
        self._update()
        return sub

    def run_scripted(self, **controls: Any) -> Submission:
        """Set the controls and submit, as a learner would (for tests and notebooks run headless)."""
        self.set(**controls)
        return self.submit()

    # -- text ----------------------------------------------------------------------------------

    def _panel_lines(self, m: PolicyMetrics) -> list[str]:
        prep = self.prepared
        return [
            f"Set the policy ({self.case.id}): {prep.n:,} decisions over {prep.days:g} days",
            f"Policy: {m.settings.describe()}",
            *(
                f"  {label}: {text}"
                for label, text in _metric_rows(m, prep.assumptions, self.hard_rules, self.fairness)
            ),
        ]

    def summary_text(self) -> str:
        """A plain-text summary of the case, the current policy and its metrics, and the last verdict."""
        lines = self._panel_lines(self.metrics)
        if self.submission is not None:
            lines.append(f"Submitted: {self.submission.settings.describe()}. {self.submission.text()}")
        return "\n".join(lines)

    def brief_text(self) -> str:
        """The case and the panel at the starting (naive) policy: what the drill asks, never the optimum."""
        return "\n".join(self._panel_lines(self._start))

    def static_html(self) -> str:
        """What the drill asks, as a static card, with the panel where it starts (not an answer)."""
        e, prep, a = html.escape, self.prepared, DRILL_TEXT["policy"][1]
        asks = f"On {prep.n:,} decisions over {prep.days:g} days: " + a[0].lower() + a[1:]
        rows = _metric_rows(self._start, prep.assumptions, self.hard_rules, self.fairness)
        table = "".join(f"<tr><th>{e(label)}</th><td>{e(text)}</td></tr>" for label, text in rows)
        start = (
            '<p class="nogo-options"><b>Where the panel starts</b> (the default policy, not an answer):</p>'
            f'<table class="nogo-start"><tr><th>policy</th><td>{e(self._start.settings.describe())}</td>'
            f"</tr>{table}</table>"
        )
        return card_html(self.drill_key, e(asks), start, case_id=self.case.id)

    def record_text(self) -> str:
        """The submissions so far (the last one's verdict), or that none is made yet."""
        sub = self.submission
        if sub is None:
            return "no policy submitted yet."
        count = format_count(len(self.submissions), "policy", plural="policies")
        return f"{count} submitted; the last: {sub.settings.describe()}. {sub.text()}"

    def __repr__(self) -> str:
        return f"PolicyDrill({self.case.id!r}, {self.settings.describe()})"
