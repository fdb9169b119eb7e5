"""Charts of a learner's track record: calibration of stated confidence, and regret per drill over time.

Two builders, tidy frames in, Altair charts out (the frames come from :mod:`nogo.practice.track_record`,
but any frame with the documented columns will do):

- :func:`calibration_chart`: share right against stated confidence per bin, with the diagonal of a
  perfectly calibrated forecaster, Wilson intervals and the number of calls as the point size, as
  forecasting track records draw it.
- :func:`regret_chart`: cumulative regret per drill in answer order, one panel per drill, **each on its
  own scale and in its own unit** (dollars for the decision stream, millions for the policy drill,
  ``1 - rank correlation`` for the pre-mortem, points missed for the launch call): one shared dollar axis
  would flatten every drill but the largest. Each panel has one line, named by its title and axis.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from nogo.charts.builders import calibration_layers
from nogo.charts.theme import HIGHLIGHT, OPTIMAL, require_columns, thin, usd_axis

__all__ = ["calibration_chart", "regret_chart"]


def calibration_chart(
    table: pd.DataFrame, *, level: float = 0.95, title: str = "Are your confident calls right?"
) -> alt.Chart:
    """Share of calls that were right against the confidence stated, per confidence bin.

    Parameters
    ----------
    table
        One row per bin: ``mean_confidence`` and ``share_right`` (0 to 1), ``ci_low``, ``ci_high`` and
        ``n`` (calls in the bin), as :func:`nogo.calibration_table` returns.
    level
        The intervals' confidence level, as given to :func:`nogo.calibration_table` (for the legend,
        which keys the dashed diagonal of perfect calibration and the intervals).
    title
        The chart's title.

    Examples
    --------
    >>> t = pd.DataFrame({"mean_confidence": [0.55, 0.9], "share_right": [0.5, 0.6], "ci_low": [0.1, 0.3],
    ...     "ci_high": [0.9, 0.85], "n": [2, 5]})
    >>> spec = calibration_chart(t).to_dict()
    >>> [layer["mark"]["type"] for layer in spec["layer"]]
    ['line', 'rule', 'point']
    """
    require_columns(table, "table", ("mean_confidence", "share_right", "ci_low", "ci_high", "n"))
    return calibration_layers(
        table[["mean_confidence", "share_right", "ci_low", "ci_high", "n"]],
        x=("mean_confidence", "stated confidence"),
        y=("share_right", "share of calls right"),
        size_title="calls",
        level=level,
        colours=(OPTIMAL, HIGHLIGHT),
    ).properties(title=title, width=260, height=220)


def regret_chart(
    regret: pd.DataFrame, *, title: str = "Regret over time, each drill on its own scale"
) -> alt.Chart:
    """Cumulative regret per drill in answer order: one panel per drill, each with its own y axis.

    Parameters
    ----------
    regret
        One row per answer: ``drill``, ``unit`` (the drill's regret unit, the panel's axis title),
        ``answer`` (1, 2, ... within the drill) and ``cumulative_regret`` (never negative), as
        :func:`nogo.regret_over_time` returns. Long histories are thinned to a few hundred points per
        drill (the last answer always kept).
    title
        The chart's title.

    Examples
    --------
    >>> r = pd.DataFrame({"drill": ["stream", "stream", "premortem"], "unit": ["USD", "USD", "1 - rho"],
    ...     "answer": [1, 2, 1], "cumulative_regret": [20.0, 20.0, 0.5]})
    >>> spec = regret_chart(r).to_dict()
    >>> [panel["title"] for panel in spec["vconcat"]]
    ['stream', 'premortem']
    >>> spec["vconcat"][0]["encoding"]["y"]["title"]
    'cumulative regret (USD)'
    """
    require_columns(regret, "regret", ("drill", "unit", "answer", "cumulative_regret"))
    panels = []
    for drill, part in regret.groupby("drill", sort=False):
        part = part.sort_values("answer", kind="stable")
        rows = thin(part[["answer", "cumulative_regret"]].reset_index(drop=True), [len(part) - 1])
        unit = str(part["unit"].iloc[0])
        last = int(part["answer"].max())
        ticks = {"values": list(range(1, last + 1))} if last <= 12 else {"tickMinStep": 1}  # whole answers
        y_axis = usd_axis() if unit == "USD" else alt.Axis()
        panels.append(
            alt.Chart(rows)
            .mark_line(point=alt.OverlayMarkDef(color=HIGHLIGHT), color=HIGHLIGHT, interpolate="step-after")
            .encode(
                x=alt.X("answer:Q", title="answer (in order)", axis=alt.Axis(format="d", **ticks)),
                y=alt.Y(
                    "cumulative_regret:Q",
                    title=f"cumulative regret ({unit})",
                    scale=alt.Scale(zero=True),
                    axis=y_axis,
                ),
                tooltip=["answer:Q", alt.Tooltip("cumulative_regret:Q", format=",.3~f")],
            )
            .properties(title=str(drill), width=360, height=120)
        )
    return alt.vconcat(*panels).properties(title=title)
