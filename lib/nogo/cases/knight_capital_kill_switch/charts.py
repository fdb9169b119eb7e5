"""The case's chart of its own: the cumulative loss over the 45 minutes, each switch's fire a labelled rule.

No shared builder draws a running loss with the minute each switch fires, so this module does: the planted
cumulative loss as one line (its y axis titled), a dashed vertical rule at each switch's fire minute,
coloured by the switch with a titled legend, and a point where each rule meets the line.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from nogo.charts.theme import require_columns, thin, usd_axis

__all__ = ["loss_path_chart"]

_SWITCH_COLOURS = ("#e76f51", "#6d597a", "#b08900", "#2a9d8f", "#8d99ae", "#f4a261", "#b5838d")


def loss_path_chart(
    stream: pd.DataFrame,
    fires: pd.DataFrame,
    *,
    title: str = "The loss over the 45 minutes, and when each switch would have fired (synthetic path)",
) -> alt.LayerChart:
    """The cumulative loss by minute, with a keyed rule at each switch's fire.

    Parameters
    ----------
    stream
        The bad day's stream (``minute``, ``cum_loss_usd``).
    fires
        One row per switch that fired: ``switch``, ``minute``, ``loss_with_switch_usd``
        (:func:`~nogo.cases.knight_capital_kill_switch.switch_table`); rows that did not fire are dropped.

    Examples
    --------
    >>> s = pd.DataFrame({"minute": [1.0, 2.0, 3.0], "cum_loss_usd": [1e6, 2e6, 3e6]})
    >>> f = pd.DataFrame({"switch": ["cap $2M"], "minute": [2.0], "loss_with_switch_usd": [2e6]})
    >>> [layer["mark"]["type"] for layer in loss_path_chart(s, f).to_dict()["layer"]]
    ['line', 'rule', 'point']
    """
    require_columns(stream, "stream", ("minute", "cum_loss_usd"))
    require_columns(fires, "fires", ("switch", "minute", "loss_with_switch_usd"))
    path = thin(stream[["minute", "cum_loss_usd"]], keep=[len(stream) - 1], max_rows=240)
    fired = fires[np.isfinite(fires["minute"].to_numpy(dtype=float))]
    marks = pd.DataFrame(
        {
            "switch": fired["switch"].astype(str).to_numpy(),
            "minute": fired["minute"].to_numpy(dtype=float),
            "cum_loss_usd": fired["loss_with_switch_usd"].to_numpy(dtype=float),
        }
    )
    x = alt.X(
        "minute:Q",
        title="minutes after the 9:30 open",
        scale=alt.Scale(domain=[0, float(stream["minute"].max())]),
    )
    y = alt.Y("cum_loss_usd:Q", title="cumulative loss (USD)", axis=usd_axis())
    colour = alt.Color(
        "switch:N",
        title="switch fires",
        sort=list(marks["switch"]),
        scale=alt.Scale(range=list(_SWITCH_COLOURS)),
        legend=alt.Legend(orient="bottom", columns=2, labelLimit=0),
    )
    usd = alt.Tooltip("cum_loss_usd:Q", format="$,.0f", title="loss")
    return alt.layer(
        alt.Chart(path).mark_line(color="#264653").encode(x=x, y=y, tooltip=["minute:Q", usd]),
        alt.Chart(marks).mark_rule(strokeDash=[5, 3], strokeWidth=2).encode(x="minute:Q", color=colour),
        alt.Chart(marks)
        .mark_point(filled=True, size=90, shape="diamond")
        .encode(x=x, y=y, color=colour, tooltip=["switch:N", "minute:Q", usd]),
    ).properties(title=title)
