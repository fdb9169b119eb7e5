"""Chart builders: tidy frames in, ``altair.Chart`` out, in the house theme of :mod:`nogo.charts.theme`.

Every builder checks its frame (:func:`~nogo.charts.theme.require_columns`) and aggregates or thins its
input first (:func:`~nogo.charts.theme.thin`), so the embedded data stays far below Altair's 5,000-row
limit whatever the size of the decision log.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from nogo.charts.theme import ACTION_COLOURS, HIGHLIGHT, LEVEL_COLOURS, OPTIMAL, require_columns, thin
from nogo.models.costs import ACTIONS, DecisionCosts
from nogo.models.thresholds import Policy, three_way_cuts

__all__ = [
    "cost_curve",
    "fan_chart",
    "impact_grid_chart",
    "queue_wait",
    "reliability_diagram",
    "selection_rates_chart",
    "three_way_regions",
    "tornado",
]


def cost_curve(
    sweep: pd.DataFrame,
    *,
    naive: Policy | None = None,
    optimal: Policy | None = None,
    title: str = "Realised cost at every threshold",
) -> alt.Chart:
    """Realised cost against the threshold, with the naive and the optimal policies marked.

    Parameters
    ----------
    sweep
        The frame of :func:`nogo.sweep_thresholds` (``threshold``, ``cost_usd``, ``act_rate``).
    naive, optimal
        Policies to mark with a vertical rule at their ``t_hi``.
    """
    require_columns(sweep, "sweep", ("threshold", "cost_usd", "act_rate"))
    finite = sweep[np.isfinite(sweep["threshold"])].reset_index(drop=True)
    data = thin(finite, [int(np.argmin(finite["cost_usd"].to_numpy()))])
    line = (
        alt.Chart(data)
        .mark_line(color=OPTIMAL)
        .encode(
            x=alt.X("threshold:Q", title="act when score is at least"),
            y=alt.Y("cost_usd:Q", title="realised cost (USD)"),
            tooltip=[
                alt.Tooltip("threshold:Q", format=".3f"),
                alt.Tooltip("cost_usd:Q", format=",.0f"),
                alt.Tooltip("act_rate:Q", format=".1%"),
            ],
        )
    )
    marks = [
        {"policy": p.label, "threshold": p.t_hi, "cost_usd": p.cost_usd, "kind": kind}
        for p, kind in ((naive, "naive"), (optimal, "optimal"))
        if p is not None
    ]
    layers: list[alt.Chart] = [line]
    if marks:
        rules = pd.DataFrame(marks)
        colour = alt.Color(
            "kind:N",
            scale=alt.Scale(domain=["naive", "optimal"], range=[HIGHLIGHT, OPTIMAL]),
            title="policy",
        )
        layers.append(alt.Chart(rules).mark_rule(strokeDash=[4, 3]).encode(x="threshold:Q", color=colour))
        layers.append(
            alt.Chart(rules)
            .mark_point(filled=True, size=80)
            .encode(x="threshold:Q", y="cost_usd:Q", color=colour, tooltip=["policy:N", "cost_usd:Q"])
        )
    return alt.layer(*layers).properties(title=title)


def three_way_regions(
    costs: DecisionCosts, *, n_points: int = 201, title: str = "Expected cost of each action"
) -> alt.Chart:
    """Expected cost of act, escalate and decline against ``p``, the cheapest action shaded.

    Needs scalar costs (one kind of decision); the cut-offs of :func:`nogo.three_way_cuts` bound the
    shaded regions.
    """
    lo, hi = (min(cut, 1.0) for cut in three_way_cuts(costs))  # inf: that action never pays
    p = np.linspace(0.0, 1.0, n_points)
    m = costs.expected(p)
    lines = pd.DataFrame(
        {"p": np.repeat(p, 3), "action": np.tile(ACTIONS, len(p)), "expected_cost_usd": m.ravel()}
    )
    lines = lines[np.isfinite(lines["expected_cost_usd"])]
    regions = pd.DataFrame(
        {"action": ["decline", "escalate", "act"], "start": [0.0, lo, hi], "end": [lo, hi, 1.0]}
    )
    regions = regions[regions["end"] > regions["start"]]
    colour = alt.Color(
        "action:N",
        scale=alt.Scale(domain=list(ACTIONS), range=[ACTION_COLOURS[a] for a in ACTIONS]),
        title="action",
    )
    band = (
        alt.Chart(regions)
        .mark_rect(opacity=0.18)
        .encode(x=alt.X("start:Q", title="P(acting is right)"), x2="end:Q", color=colour)
    )
    curve = (
        alt.Chart(lines)
        .mark_line(strokeWidth=2.5)
        .encode(
            x="p:Q",
            y=alt.Y("expected_cost_usd:Q", title="expected cost per decision (USD)"),
            color=colour,
        )
    )
    cuts = pd.DataFrame({"cut": ["t_lo", "t_hi"] if lo < hi else ["cut"], "p": [lo, hi] if lo < hi else [hi]})
    cuts = cuts[cuts["p"] < 1.0]  # a cut at 1 is an action that never pays: no line to draw
    rule = (
        alt.Chart(cuts).mark_rule(color="#333", strokeDash=[4, 3]).encode(x="p:Q", tooltip=["cut:N", "p:Q"])
    )
    return alt.layer(band, curve, rule).properties(title=title)


def reliability_diagram(table: pd.DataFrame, *, title: str = "Is the score calibrated?") -> alt.Chart:
    """Observed rate against mean predicted probability per bin, with Wilson intervals and the diagonal.

    Parameters
    ----------
    table
        The frame of :func:`nogo.reliability_table`.
    """
    require_columns(table, "table", ("mean_p", "observed_rate", "ci_low", "ci_high", "n"))
    diagonal = (
        alt.Chart(pd.DataFrame({"x": [0.0, 1.0], "y": [0.0, 1.0]}))
        .mark_line(color="#999", strokeDash=[4, 3])
        .encode(x="x:Q", y="y:Q")
    )
    x = alt.X("mean_p:Q", title="predicted P(acting is right)", scale=alt.Scale(domain=[0, 1]))
    bars = alt.Chart(table).mark_rule(color=OPTIMAL).encode(x=x, y="ci_low:Q", y2="ci_high:Q")
    points = (
        alt.Chart(table)
        .mark_point(filled=True, color=OPTIMAL)
        .encode(
            x=x,
            y=alt.Y("observed_rate:Q", title="observed rate", scale=alt.Scale(domain=[0, 1])),
            size=alt.Size("n:Q", title="decisions"),
            tooltip=[
                "n:Q",
                alt.Tooltip("mean_p:Q", format=".3f"),
                alt.Tooltip("observed_rate:Q", format=".3f"),
            ],
        )
    )
    return alt.layer(diagonal, bars, points).properties(title=title)


def tornado(sensitivity: pd.DataFrame, *, title: str = "Which cost assumption moves the call?") -> alt.Chart:
    """Total expected cost with each component at its low and high value, largest swing on top.

    Parameters
    ----------
    sensitivity
        The frame of :meth:`nogo.CostModel.sensitivity` (its ``attrs["base_cost_usd"]`` draws the base
        line when present).
    """
    require_columns(
        sensitivity, "sensitivity", ("component", "category", "cost_low_usd", "cost_high_usd", "swing_usd")
    )
    order = sensitivity.sort_values("swing_usd", ascending=False)["component"].tolist()
    y = alt.Y("component:N", sort=order, title=None)
    bars = (
        alt.Chart(sensitivity)
        .mark_bar(height=16)
        .encode(
            x=alt.X("cost_low_usd:Q", title="total expected cost (USD)", scale=alt.Scale(zero=False)),
            x2="cost_high_usd:Q",
            y=y,
            color=alt.Color("category:N", title="category"),
            tooltip=["component:N", "category:N", alt.Tooltip("swing_usd:Q", format=",.0f")],
        )
    )
    layers: list[alt.Chart] = [bars]
    base = sensitivity.attrs.get("base_cost_usd")
    if base is not None:
        layers.append(
            alt.Chart(pd.DataFrame({"base_cost_usd": [base]}))
            .mark_rule(color="#333")
            .encode(x="base_cost_usd:Q")
        )
    return alt.layer(*layers).properties(title=title)


def queue_wait(
    metrics: pd.DataFrame,
    *,
    sla_minutes: float | None = None,
    title: str = "How long does an escalation wait?",
) -> alt.Chart:
    """Mean wait against reviewer headcount, the unstable headcounts marked, the SLA as a rule.

    Parameters
    ----------
    metrics
        The frame of :func:`nogo.queue_metrics` or :func:`nogo.staffing_costs` (``reviewers``,
        ``mean_wait_minutes``, ``p_wait``, ``utilisation``), one row per headcount.
    sla_minutes
        Draws the service level as a horizontal rule.
    """
    require_columns(metrics, "metrics", ("reviewers", "mean_wait_minutes", "p_wait", "utilisation"))
    data = metrics[["reviewers", "mean_wait_minutes", "p_wait", "utilisation"]].copy()
    data["stable"] = np.isfinite(data["mean_wait_minutes"].to_numpy())
    data["mean_wait_minutes"] = data["mean_wait_minutes"].where(data["stable"])
    x = alt.X("reviewers:Q", title="reviewers on shift", axis=alt.Axis(tickMinStep=1))
    line = (
        alt.Chart(data[data["stable"]])
        .mark_line(point=True, color=OPTIMAL)
        .encode(
            x=x,
            y=alt.Y("mean_wait_minutes:Q", title="mean wait per escalation (minutes)"),
            tooltip=[
                "reviewers:Q",
                alt.Tooltip("mean_wait_minutes:Q", format=".2f"),
                alt.Tooltip("p_wait:Q", format=".1%", title="share that waits"),
                alt.Tooltip("utilisation:Q", format=".0%"),
            ],
        )
    )
    layers: list[alt.Chart] = [line]
    unstable = data[~data["stable"]]
    if len(unstable):
        layers.append(
            alt.Chart(unstable)
            .mark_rule(color=HIGHLIGHT, strokeWidth=3, opacity=0.5)
            .encode(x=x, tooltip=[alt.Tooltip("reviewers:Q", title="unstable: queue grows without end")])
        )
    if sla_minutes is not None:
        layers.append(
            alt.Chart(pd.DataFrame({"sla_minutes": [float(sla_minutes)]}))
            .mark_rule(color=HIGHLIGHT, strokeDash=[4, 3])
            .encode(y="sla_minutes:Q")
        )
    return alt.layer(*layers).properties(title=title)


def impact_grid_chart(
    grid: pd.DataFrame,
    *,
    frequency_cut_per_day: float,
    severity_cut_usd: float,
    title: str = "Autonomy Impact Grid",
) -> alt.Chart:
    """Each action type by frequency and consequence severity (log scales), coloured by recommended level.

    Parameters
    ----------
    grid
        The frame of :func:`nogo.impact_grid` or :func:`nogo.place_in_grid`.
    frequency_cut_per_day, severity_cut_usd
        The cuts that split the quadrants, drawn as rules.
    """
    require_columns(
        grid, "grid", ("action_type", "decisions_per_day", "severity_usd", "quadrant", "recommended_level")
    )
    data = grid[["action_type", "decisions_per_day", "severity_usd", "quadrant", "recommended_level"]]
    levels = list(LEVEL_COLOURS)
    colour = alt.Color(
        "recommended_level:N",
        scale=alt.Scale(domain=levels, range=[LEVEL_COLOURS[k] for k in levels]),
        title="recommended level",
        legend=alt.Legend(orient="bottom"),
    )
    x = alt.X("decisions_per_day:Q", scale=alt.Scale(type="log", padding=40), title="decisions per day (log)")
    y = alt.Y("severity_usd:Q", scale=alt.Scale(type="log"), title="cost of one wrong action, USD (log)")
    points = (
        alt.Chart(data)
        .mark_point(filled=True, size=140)
        .encode(x=x, y=y, color=colour, tooltip=["action_type:N", "quadrant:N", "recommended_level:N"])
    )
    labels = alt.Chart(data).mark_text(align="left", dx=9, fontSize=11).encode(x=x, y=y, text="action_type:N")
    v = (
        alt.Chart(pd.DataFrame({"cut": [float(frequency_cut_per_day)]}))
        .mark_rule(color="#999", strokeDash=[4, 3])
        .encode(x="cut:Q")
    )
    h = (
        alt.Chart(pd.DataFrame({"cut": [float(severity_cut_usd)]}))
        .mark_rule(color="#999", strokeDash=[4, 3])
        .encode(y="cut:Q")
    )
    return alt.layer(v, h, points, labels).properties(title=title)


def fan_chart(
    fan: pd.DataFrame,
    *,
    value_title: str,
    horizons: tuple[int, ...] = (30, 60, 90),
    title: str = "Where does it go in 30, 60, 90 days?",
) -> alt.Chart:
    """Median path with 50% and 90% bands over time, the 30/60/90-day horizons marked.

    Parameters
    ----------
    fan
        The frame of :func:`nogo.fan` (``day``, ``q05``, ``q25``, ``q50``, ``q75``, ``q95``).
    value_title
        Axis title for the projected quantity, with its unit.
    horizons
        Days to mark with a rule (only those within the frame's range are drawn).
    """
    require_columns(fan, "fan", ("day", "q05", "q25", "q50", "q75", "q95"))
    data = fan[["day", "q05", "q25", "q50", "q75", "q95"]]
    x = alt.X("day:Q", title="day")
    outer = (
        alt.Chart(data)
        .mark_area(opacity=0.2, color=OPTIMAL)
        .encode(x=x, y=alt.Y("q05:Q", title=value_title), y2="q95:Q")
    )
    inner = alt.Chart(data).mark_area(opacity=0.35, color=OPTIMAL).encode(x=x, y="q25:Q", y2="q75:Q")
    median = (
        alt.Chart(data)
        .mark_line(color=OPTIMAL)
        .encode(x=x, y="q50:Q", tooltip=["day:Q", alt.Tooltip("q50:Q", format=",.2f", title="median")])
    )
    layers: list[alt.Chart] = [outer, inner, median]
    marks = [h for h in horizons if data["day"].min() <= h <= data["day"].max()]
    if marks:
        layers.append(
            alt.Chart(pd.DataFrame({"day": marks}))
            .mark_rule(color="#999", strokeDash=[4, 3])
            .encode(x="day:Q", tooltip=["day:Q"])
        )
    return alt.layer(*layers).properties(title=title)


def selection_rates_chart(
    rates: pd.DataFrame,
    *,
    min_ratio: float = 0.8,
    title: str = "Selection rate by group, against the four-fifths line",
) -> alt.Chart:
    """Selection rate per group, coloured by whether it passes, with the four-fifths line drawn.

    The line sits at ``min_ratio`` times the highest group's rate: a group whose bar ends below it
    fails the four-fifths rule of thumb.

    Parameters
    ----------
    rates
        The frame of :func:`nogo.selection_rates` (``group``, ``selection_rate``, ``impact_ratio``,
        ``passes_four_fifths``).
    """
    require_columns(rates, "rates", ("group", "selection_rate", "impact_ratio", "passes_four_fifths"))
    data = rates[["group", "selection_rate", "impact_ratio", "passes_four_fifths"]].copy()
    data["group"] = data["group"].astype(str)
    data["verdict"] = np.where(data["passes_four_fifths"].fillna(False).astype(bool), "passes", "fails")
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("selection_rate:Q", title="selection rate", axis=alt.Axis(format="%")),
            y=alt.Y("group:N", title=None, sort="-x"),
            color=alt.Color(
                "verdict:N", scale=alt.Scale(domain=["passes", "fails"], range=[OPTIMAL, HIGHLIGHT])
            ),
            tooltip=[
                "group:N",
                alt.Tooltip("selection_rate:Q", format=".1%"),
                alt.Tooltip("impact_ratio:Q", format=".2f"),
            ],
        )
    )
    line_at = float(min_ratio) * float(data["selection_rate"].max())
    rule = (
        alt.Chart(pd.DataFrame({"four_fifths_line": [line_at]}))
        .mark_rule(color="#333", strokeDash=[4, 3])
        .encode(x="four_fifths_line:Q")
    )
    return alt.layer(bars, rule).properties(title=title)
