"""The case's two charts of its own: what each threshold does, and the alerts a day around the surge.

No shared builder draws a score's operating points against the share alerted, or a daily count with the
day a shift began, so this module does. Every line carries a colour legend, and every rule a text label.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from nogo.charts.theme import require_columns, rule_labels

__all__ = ["daily_alerts_chart", "operating_chart"]

_METRICS = {"sensitivity": "septic stays alerted (sensitivity)", "ppv": "alerts that were sepsis (PPV)"}


def operating_chart(
    points: pd.DataFrame,
    marks: dict[str, float],
    *,
    title: str = "What each threshold does: sepsis flagged and alerts that were right (synthetic score)",
) -> alt.LayerChart:
    """Sensitivity and PPV against the share of stays alerted, with labelled rules at chosen shares.

    Parameters
    ----------
    points
        :func:`~.cohort.operating_points` (``share_alerted``, ``sensitivity``, ``ppv``).
    marks
        Label to share alerted, e.g. ``{"score 6 at Michigan: 18%": 0.18}``.

    Examples
    --------
    >>> pts = pd.DataFrame({"share_alerted": [0.05, 0.2], "sensitivity": [0.1, 0.4], "ppv": [0.15, 0.1]})
    >>> spec = operating_chart(pts, {"18%": 0.18}).to_dict()
    >>> [layer["mark"]["type"] for layer in spec["layer"][:2]]
    ['line', 'rule']
    """
    require_columns(points, "points", ("share_alerted", "sensitivity", "ppv"))
    long = points.melt(
        id_vars="share_alerted", value_vars=list(_METRICS), var_name="metric", value_name="share"
    )
    long["metric"] = long["metric"].map(_METRICS)
    x = alt.X("share_alerted:Q", title="share of hospitalisations alerted", axis=alt.Axis(format=".0%"))
    lines = (
        alt.Chart(long)
        .mark_line()
        .encode(
            x=x,
            y=alt.Y("share:Q", title="share", axis=alt.Axis(format=".0%")),
            color=alt.Color(
                "metric:N", title="what it measures", scale=alt.Scale(domain=list(_METRICS.values()))
            ),
            tooltip=[
                "metric:N",
                alt.Tooltip("share_alerted:Q", format=".0%"),
                alt.Tooltip("share:Q", format=".1%"),
            ],
        )
    )
    at = pd.DataFrame({"share_alerted": list(marks.values()), "label": list(marks.keys())})
    rule = alt.Chart(at).mark_rule(color="#333333", strokeDash=[4, 3]).encode(x="share_alerted:Q")
    return alt.layer(lines, rule, rule_labels(at, x=alt.X("share_alerted:Q"))).properties(title=title)


def daily_alerts_chart(
    daily: pd.DataFrame,
    *,
    alarm_day: int | None = None,
    title: str = "Alerts a day before and during the surge (synthetic)",
) -> alt.LayerChart:
    """Alerts a day coloured by period (before, surge), a labelled rule where the surge begins and, if
    given, one where the alert-rate alarm fires.

    Examples
    --------
    >>> daily = pd.DataFrame(
    ...     {"day": [-1, 0, 1], "period": ["before", "surge", "surge"], "alerts": [100, 150, 140]}
    ... )
    >>> spec = daily_alerts_chart(daily, alarm_day=1).to_dict()
    >>> [layer["mark"]["type"] for layer in spec["layer"][:2]]
    ['bar', 'rule']
    """
    require_columns(daily, "daily", ("day", "period", "alerts"))
    x = alt.X("day:Q", title="day (0: the surge's first day)")
    bars = (
        alt.Chart(daily)
        .mark_bar()
        .encode(
            x=x,
            y=alt.Y("alerts:Q", title="alerts a day"),
            color=alt.Color("period:N", title="period", scale=alt.Scale(domain=["before", "surge"])),
            tooltip=["day:Q", "period:N", "alerts:Q"],
        )
    )
    rows = [{"day": -0.5, "label": "surge begins"}]
    if alarm_day is not None:
        rows.append({"day": float(alarm_day) + 0.5, "label": "alert-rate alarm fires"})
    at = pd.DataFrame(rows)
    rule = alt.Chart(at).mark_rule(color="#333333", strokeDash=[4, 3]).encode(x="day:Q")
    return alt.layer(bars, rule, rule_labels(at, x=alt.X("day:Q"))).properties(title=title)
