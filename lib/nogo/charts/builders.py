"""Chart builders: tidy frames in, ``altair.Chart`` out, in the house theme of :mod:`nogo.charts.theme`.

Every builder checks its frame (:func:`~nogo.charts.theme.require_columns`) and aggregates or thins its
input first (:func:`~nogo.charts.theme.thin`), so the embedded data stays far below Altair's 5,000-row
limit whatever the size of the decision log. Every line, rule and band a reader must interpret is keyed:
a titled legend, or a text label beside it (:func:`~nogo.charts.theme.rule_labels`), with its numbers
formatted by :mod:`nogo.formatting`.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from nogo.charts.theme import (
    ACTION_COLOURS,
    HIGHLIGHT,
    LABEL_COLOUR,
    LEVEL_COLOURS,
    OPTIMAL,
    REFERENCE,
    require_columns,
    rule_labels,
    thin,
    usd_axis,
)
from nogo.formatting import format_number, format_percent, format_usd
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


def _share(value: float) -> str:
    """A probability as a percentage to a tenth, without a trailing ``.0`` (``20%``, ``97.8%``)."""
    return format_percent(value, decimals=1).replace(".0%", "%")


def _sides(values: list[float], middle: float) -> list[str]:
    """Label a vertical rule to its right in the left part of the plot, to its left in the right part."""
    return ["left" if v <= middle else "right" for v in values]


def cost_curve(
    sweep: pd.DataFrame,
    *,
    naive: Policy | None = None,
    optimal: Policy | None = None,
    title: str = "Realised cost at every threshold",
) -> alt.Chart:
    """Realised cost against the threshold, the naive and the optimal policies marked and labelled.

    Each policy given gets a dashed rule at its ``t_hi``, a point at its cost and, above the plot, a
    label in the rule's colour naming it with its threshold and cost ("naive rule: act at 0.9, $206K").

    Parameters
    ----------
    sweep
        The frame of :func:`nogo.sweep_thresholds` (``threshold``, ``cost_usd``, ``act_rate``).
    naive, optimal
        Policies to mark with a vertical rule at their ``t_hi`` (a policy that never acts has no rule).
    """
    require_columns(sweep, "sweep", ("threshold", "cost_usd", "act_rate"))
    finite = sweep[np.isfinite(sweep["threshold"])].reset_index(drop=True)
    data = thin(finite, [int(np.argmin(finite["cost_usd"].to_numpy()))])
    x = alt.X("threshold:Q", title="act when the score is at least")
    line = (
        alt.Chart(data)
        .mark_line(color=OPTIMAL)
        .encode(
            x=x,
            y=alt.Y("cost_usd:Q", title="realised cost over the log (USD)", axis=usd_axis()),
            tooltip=[
                alt.Tooltip("threshold:Q", format=".3f"),
                alt.Tooltip("cost_usd:Q", format="$,.0f"),
                alt.Tooltip("act_rate:Q", format=".1%"),
            ],
        )
    )
    names = {"naive": "naive rule", "optimal": "cheapest threshold"}
    marks = [
        {
            "policy": p.label,
            "kind": names[kind],
            "threshold": float(p.t_hi),
            "cost_usd": float(p.cost_usd),
            "label": f"{names[kind]}: act at {format_number(p.t_hi, significant=2)}, "
            f"{format_usd(p.cost_usd, compact=True)}",
        }
        for p, kind in ((naive, "naive"), (optimal, "optimal"))
        if p is not None and np.isfinite(p.t_hi)
    ]
    layers: list[alt.Chart] = [line]
    if marks:
        rules = pd.DataFrame(marks)
        colour = alt.Color(
            "kind:N",
            scale=alt.Scale(domain=list(names.values()), range=[HIGHLIGHT, OPTIMAL]),
            legend=None,  # each rule is labelled in its own colour, above the plot
        )
        tip = [
            "policy:N",
            alt.Tooltip("threshold:Q", format=".3f"),
            alt.Tooltip("cost_usd:Q", format="$,.0f"),
        ]
        layers.append(
            alt.Chart(rules).mark_rule(strokeDash=[4, 3]).encode(x="threshold:Q", color=colour, tooltip=tip)
        )
        layers.append(
            alt.Chart(rules)
            .mark_point(filled=True, size=80)
            .encode(x="threshold:Q", y="cost_usd:Q", color=colour, tooltip=tip)
        )
        sides = _sides(rules["threshold"].tolist(), float(finite["threshold"].median()))
        layers.append(rule_labels(rules, x="threshold", color=colour, align=sides))
    return alt.layer(*layers).properties(title=title)


def three_way_regions(
    costs: DecisionCosts, *, n_points: int = 201, title: str = "Expected cost of each action"
) -> alt.Chart:
    """Expected cost of act, escalate and decline against ``p``, the cheapest action shaded.

    Needs scalar costs (one kind of decision); the cut-offs of :func:`nogo.three_way_cuts` bound the
    shaded regions. Two legends key the picture: the lines (the expected cost of each action) and the
    shading (the cheapest action at that probability); each cut-off is a dashed rule labelled above the
    plot ("escalate from 20%", "act from 97.8%").
    """
    lo, hi = (min(cut, 1.0) for cut in three_way_cuts(costs))  # inf: that action never pays
    p = np.linspace(0.0, 1.0, n_points)
    m = costs.expected(p)
    lines = pd.DataFrame(
        {"p": np.repeat(p, 3), "action": np.tile(ACTIONS, len(p)), "expected_cost_usd": m.ravel()}
    )
    lines = lines[np.isfinite(lines["expected_cost_usd"])]
    regions = pd.DataFrame(  # its own field name, so that its legend is not merged with the lines'
        {"cheapest": ["decline", "escalate", "act"], "start": [0.0, lo, hi], "end": [lo, hi, 1.0]}
    )
    regions = regions[regions["end"] > regions["start"]]
    scale = alt.Scale(domain=list(ACTIONS), range=[ACTION_COLOURS[a] for a in ACTIONS])
    x_kw = {
        "title": "probability that acting is right",
        "scale": alt.Scale(domain=[0, 1]),
        "axis": alt.Axis(format="%"),
    }
    x = alt.X("p:Q", **x_kw)
    band = (
        alt.Chart(regions)
        .mark_rect(opacity=0.18)
        .encode(
            x=alt.X("start:Q", **x_kw),
            x2="end:Q",
            fill=alt.Fill(
                "cheapest:N",
                # listed as the regions run along p: also keeps Vega-Lite from merging the two legends
                scale=alt.Scale(domain=ACTIONS[::-1], range=[ACTION_COLOURS[a] for a in ACTIONS[::-1]]),
                title="cheapest (shaded)",
            ),
        )
    )
    curve = (
        alt.Chart(lines)
        .mark_line(strokeWidth=2.5)
        .encode(
            x=x,
            y=alt.Y("expected_cost_usd:Q", title="expected cost per decision (USD)", axis=usd_axis()),
            color=alt.Color(
                "action:N",
                scale=scale,
                title="expected cost (line)",
                legend=alt.Legend(symbolType="stroke", symbolStrokeWidth=3),
            ),
            tooltip=[
                "action:N",
                alt.Tooltip("p:Q", format=".0%"),
                alt.Tooltip("expected_cost_usd:Q", format="$,.2f"),
            ],
        )
    )
    if lo < hi:
        cuts = pd.DataFrame({"cut": ["t_lo", "t_hi"], "p": [lo, hi]})
        cuts["label"] = [f"escalate from {_share(lo)}", f"act from {_share(hi)}"]
    else:
        cuts = pd.DataFrame({"cut": ["cut"], "p": [hi], "label": [f"act from {_share(hi)}"]})
    cuts = cuts[cuts["p"] < 1.0]  # a cut at 1 is an action that never pays: no line to draw
    layers: list[alt.Chart] = [band, curve]
    if len(cuts):
        layers.append(
            alt.Chart(cuts)
            .mark_rule(color=LABEL_COLOUR, strokeDash=[4, 3])
            .encode(x="p:Q", tooltip=["label:N", alt.Tooltip("p:Q", format=".1%")])
        )
        layers.append(rule_labels(cuts, x="p", align=_sides(cuts["p"].tolist(), 0.5)))
    return alt.layer(*layers).properties(title=title)


def reliability_diagram(
    table: pd.DataFrame, *, level: float = 0.95, title: str = "Is the score calibrated?"
) -> alt.Chart:
    """Observed rate against mean predicted probability per bin, with Wilson intervals and the diagonal.

    A legend keys the dashed diagonal ("perfectly calibrated") and the bars (the interval of each bin's
    observed rate); the point size is keyed by the number of decisions in the bin.

    Parameters
    ----------
    table
        The frame of :func:`nogo.reliability_table`.
    level
        The intervals' confidence level, as given to :func:`nogo.reliability_table` (for the legend).
    """
    require_columns(table, "table", ("mean_p", "observed_rate", "ci_low", "ci_high", "n"))
    return calibration_layers(
        table[["mean_p", "observed_rate", "ci_low", "ci_high", "n"]],
        x=("mean_p", "predicted probability that acting is right"),
        y=("observed_rate", "observed rate of right actions"),
        size_title="decisions",
        level=level,
        colours=(OPTIMAL, OPTIMAL),
    ).properties(title=title)


def calibration_layers(
    table: pd.DataFrame,
    *,
    x: tuple[str, str],
    y: tuple[str, str],
    size_title: str,
    level: float,
    colours: tuple[str, str],
) -> alt.LayerChart:
    """The diagonal, the intervals and the points of a reliability diagram, each keyed in a legend.

    Shared by :func:`reliability_diagram` and :func:`nogo.charts.track_record.calibration_chart`.
    ``table`` has the ``x`` and ``y`` fields (0 to 1; each given as ``(field, axis title)``), ``ci_low``,
    ``ci_high`` and ``n``; the intervals and the points draw the same rows (one dataset). ``colours``
    are the intervals' and the points' colours.
    """
    (x_field, x_title), (y_field, y_title) = x, y
    unit = alt.Scale(domain=[0, 1])
    keys = ["perfectly calibrated", f"{format_percent(level)} interval"]
    at_x = alt.X(f"{x_field}:Q", title=x_title, scale=unit, axis=alt.Axis(format="%", tickCount=5))
    at_y = alt.Y(f"{y_field}:Q", title=y_title, scale=unit, axis=alt.Axis(format="%", tickCount=5))
    diagonal = (
        alt.Chart(pd.DataFrame({x_field: [0.0, 1.0], y_field: [0.0, 1.0], "key": keys[0]}))
        .mark_line(color=REFERENCE, strokeDash=[4, 3])
        .encode(
            x=at_x,
            y=at_y,
            strokeDash=alt.StrokeDash(  # the legend of the diagonal and the intervals (a datum below)
                "key:N",
                scale=alt.Scale(domain=keys, range=[[4, 3], [1, 0]]),
                title=None,
                legend=alt.Legend(symbolType="stroke", symbolStrokeColor=LABEL_COLOUR),
            ),
        )
    )
    bars = (
        alt.Chart(table)
        .mark_rule(color=colours[0])
        .encode(x=at_x, y="ci_low:Q", y2="ci_high:Q", strokeDash=alt.datum(keys[1]))
    )
    points = (
        alt.Chart(table)
        .mark_point(filled=True, color=colours[1])
        .encode(
            x=at_x,
            y=at_y,
            size=alt.Size(
                "n:Q",
                title=size_title,
                scale=alt.Scale(zero=False, range=[30, 400]),  # no "0 decisions" entry in the legend
                legend=alt.Legend(tickCount=4, format=",d"),
            ),
            tooltip=[
                alt.Tooltip("n:Q", format=",", title=size_title),
                alt.Tooltip(f"{x_field}:Q", format=".1%", title=x_title),
                alt.Tooltip(f"{y_field}:Q", format=".1%", title=y_title),
            ],
        )
    )
    return alt.layer(diagonal, bars, points)


def tornado(sensitivity: pd.DataFrame, *, title: str = "Which cost assumption moves the call?") -> alt.Chart:
    """Total expected cost with each component at its low and high value, largest swing on top.

    Each bar spans the total cost from the component's low to its high value; the colour legend keys the
    cost categories, and the base case is a rule labelled with its total above the plot.

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
            x=alt.X(
                "cost_low_usd:Q",
                title="total expected cost, each assumption from its low to its high value (USD)",
                scale=alt.Scale(zero=False),
                axis=usd_axis(),
            ),
            x2="cost_high_usd:Q",
            y=y,
            color=alt.Color("category:N", title="category"),
            tooltip=[
                "component:N",
                "category:N",
                alt.Tooltip("cost_low_usd:Q", format="$,.0f"),
                alt.Tooltip("cost_high_usd:Q", format="$,.0f"),
                alt.Tooltip("swing_usd:Q", format="$,.0f"),
            ],
        )
    )
    layers: list[alt.Chart] = [bars]
    base = sensitivity.attrs.get("base_cost_usd")
    if base is not None:
        marks = pd.DataFrame(
            {"base_cost_usd": [float(base)], "label": [f"base case: {format_usd(base, compact=True)}"]}
        )
        layers.append(alt.Chart(marks).mark_rule(color=LABEL_COLOUR).encode(x="base_cost_usd:Q"))
        layers.append(rule_labels(marks, x="base_cost_usd"))
    return alt.layer(*layers).properties(title=title)


def queue_wait(
    metrics: pd.DataFrame,
    *,
    sla_minutes: float | None = None,
    title: str = "How long does an escalation wait?",
) -> alt.Chart:
    """Mean wait against reviewer headcount, the unstable headcounts shaded, the SLA as a labelled rule.

    Headcounts too small for the arrival rate (the queue grows without end) are shaded and keyed in a
    legend below the plot; the service level is a dashed rule labelled at its right end ("SLA: 5 min").

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
    reviewers = data["reviewers"].to_numpy(dtype=float)
    domain = [float(reviewers.min()) - 0.5, float(reviewers.max()) + 0.5]  # room for the end points
    x_kw = {
        "title": "reviewers on shift",
        "scale": alt.Scale(domain=domain, nice=False),
        "axis": alt.Axis(tickMinStep=1, format="d"),
    }
    x = alt.X("reviewers:Q", **x_kw)
    layers: list[alt.Chart] = []
    unstable = data[~data["stable"]]
    if len(unstable):
        zones = pd.DataFrame(
            {
                "from": [float(unstable["reviewers"].min()) - 0.5],
                "to": [float(unstable["reviewers"].max()) + 0.5],
                "zone": ["too few reviewers: the queue grows without end"],
            }
        )
        layers.append(
            alt.Chart(zones)
            .mark_rect(opacity=0.15)
            .encode(
                x=alt.X("from:Q", **x_kw),
                x2="to:Q",
                fill=alt.Fill(
                    "zone:N",
                    scale=alt.Scale(range=[HIGHLIGHT]),
                    title=None,
                    legend=alt.Legend(orient="bottom", labelLimit=0, symbolOpacity=0.3),
                ),
                tooltip=["zone:N"],
            )
        )
    layers.append(
        alt.Chart(data[data["stable"]])
        .mark_line(point=alt.OverlayMarkDef(color=OPTIMAL, filled=True), color=OPTIMAL)
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
    if sla_minutes is not None:
        sla = pd.DataFrame(
            {"sla_minutes": [float(sla_minutes)], "label": [f"SLA: {format_number(sla_minutes)} min"]}
        )
        layers.append(alt.Chart(sla).mark_rule(color=HIGHLIGHT, strokeDash=[4, 3]).encode(y="sla_minutes:Q"))
        layers.append(rule_labels(sla, y="sla_minutes", color=HIGHLIGHT))
    return alt.layer(*layers).properties(title=title)


def impact_grid_chart(
    grid: pd.DataFrame,
    *,
    frequency_cut_per_day: float,
    severity_cut_usd: float,
    title: str = "Autonomy Impact Grid",
) -> alt.Chart:
    """Each action type by frequency and consequence severity (log scales), coloured by recommended level.

    The cuts that split the quadrants are dashed rules, each labelled with its value ("50 a day" above
    the plot, "$500 if wrong" at the right end); the colour legend keys the recommended levels.

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
    y = alt.Y(
        "severity_usd:Q",
        scale=alt.Scale(type="log"),
        title="cost of one wrong action, USD (log)",
        axis=usd_axis(),
    )
    points = (
        alt.Chart(data)
        .mark_point(filled=True, size=140)
        .encode(x=x, y=y, color=colour, tooltip=["action_type:N", "quadrant:N", "recommended_level:N"])
    )
    labels = alt.Chart(data).mark_text(align="left", dx=9, fontSize=11).encode(x=x, y=y, text="action_type:N")
    frequency = pd.DataFrame(
        {"cut": [float(frequency_cut_per_day)], "label": [f"{format_number(frequency_cut_per_day)} a day"]}
    )
    severity = pd.DataFrame(
        {
            "cut": [float(severity_cut_usd)],
            "label": [f"{format_usd(severity_cut_usd, compact=True)} if wrong"],
        }
    )
    v = alt.Chart(frequency).mark_rule(color=REFERENCE, strokeDash=[4, 3]).encode(x="cut:Q")
    h = alt.Chart(severity).mark_rule(color=REFERENCE, strokeDash=[4, 3]).encode(y="cut:Q")
    return alt.layer(
        v,
        h,
        points,
        labels,
        rule_labels(frequency, x="cut", color="#666"),
        rule_labels(severity, y="cut", color="#666"),
    ).properties(title=title)


_FAN_BANDS = {"middle 90%": "#d4dadd", "middle 50%": "#97a6ac"}
"""The fan chart's bands: :data:`OPTIMAL` at 20% and 20% + 35% over white, opaque so the legend matches."""


def fan_chart(
    fan: pd.DataFrame,
    *,
    value_title: str,
    horizons: tuple[int, ...] = (30, 60, 90),
    title: str = "Where does it go in 30, 60, 90 days?",
) -> alt.Chart:
    """Median path with 50% and 90% bands over time, the 30/60/90-day horizons marked.

    A legend keys the bands (the middle 90% and 50% of simulated runs), the median is labelled at its
    right end, and each horizon is a dashed rule labelled above the plot ("day 30").

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
    outer_key, inner_key = _FAN_BANDS
    fill = alt.Fill(
        "band:N",
        scale=alt.Scale(domain=list(_FAN_BANDS), range=list(_FAN_BANDS.values())),
        title="simulated runs",
        legend=alt.Legend(orient="bottom", symbolType="square"),
    )
    outer = (
        alt.Chart(data.assign(band=outer_key))
        .mark_area()
        .encode(x=x, y=alt.Y("q05:Q", title=value_title), y2="q95:Q", fill=fill)
    )
    inner = alt.Chart(data.assign(band=inner_key)).mark_area().encode(x=x, y="q25:Q", y2="q75:Q", fill=fill)
    median = (
        alt.Chart(data)
        .mark_line(color=OPTIMAL)
        .encode(x=x, y="q50:Q", tooltip=["day:Q", alt.Tooltip("q50:Q", format=",.2f", title="median")])
    )
    end = data.loc[[data["day"].idxmax()], ["day", "q50"]].assign(label="median")
    median_label = (
        alt.Chart(end)
        .mark_text(align="left", dx=5, color=OPTIMAL)
        .encode(x="day:Q", y="q50:Q", text="label:N")
    )
    layers: list[alt.Chart] = [outer, inner, median, median_label]
    marks = [h for h in horizons if data["day"].min() <= h <= data["day"].max()]
    if marks:
        days = pd.DataFrame({"day": marks, "label": [f"day {format_number(h)}" for h in marks]})
        layers.append(
            alt.Chart(days).mark_rule(color=REFERENCE, strokeDash=[4, 3]).encode(x="day:Q", tooltip=["day:Q"])
        )
        layers.append(rule_labels(days, x="day", color="#666", align="right", stack=False))
    return alt.layer(*layers).properties(title=title)


def selection_rates_chart(
    rates: pd.DataFrame,
    *,
    min_ratio: float = 0.8,
    title: str = "Selection rate by group, against the four-fifths line",
) -> alt.Chart:
    """Selection rate per group, coloured by whether it passes, with the four-fifths line drawn.

    The line sits at ``min_ratio`` times the highest group's rate: a group whose bar ends below it
    fails the four-fifths rule of thumb. The line is labelled above the plot with its rate ("four-fifths
    of the top rate: 34.6%"); the colour legend keys passes and fails.

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
                "verdict:N",
                scale=alt.Scale(domain=["passes", "fails"], range=[OPTIMAL, HIGHLIGHT]),
                title="four-fifths rule",
            ),
            tooltip=[
                "group:N",
                alt.Tooltip("selection_rate:Q", format=".1%"),
                alt.Tooltip("impact_ratio:Q", format=".2f"),
            ],
        )
    )
    line_at = float(min_ratio) * float(data["selection_rate"].max())
    share = format_percent(min_ratio) if min_ratio != 0.8 else "four-fifths"
    marks = pd.DataFrame(
        {"four_fifths_line": [line_at], "label": [f"{share} of the top rate: {_share(line_at)}"]}
    )
    rule = alt.Chart(marks).mark_rule(color=LABEL_COLOUR, strokeDash=[4, 3]).encode(x="four_fifths_line:Q")
    return alt.layer(bars, rule, rule_labels(marks, x="four_fifths_line", align="right")).properties(
        title=title
    )
