"""The Klarna case's chart: the headline beside the hard tail's quiet-failure metrics, week by week.

Each series is keyed in a legend; rates are formatted as percentages.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from nogo.errors import InputError

__all__ = ["quiet_failure_chart"]

_SERIES = {
    "resolution_rate": "headline: resolution rate, all intents",
    "hard_tail_escalation_rate": "hard tail: handed to a person",
    "hard_tail_recurrence_24h_rate": "hard tail: repeat contact within 24 hours",
}
_COLOURS = ["#264653", "#2a9d8f", "#e76f51"]


def quiet_failure_chart(
    weekly: pd.DataFrame, *, title: str = "The headline rises while the hard tail comes back (synthetic)"
) -> alt.Chart:
    """Lines by week of :func:`~nogo.cases.klarna_assistant.weekly_metrics`: the headline resolution rate,
    and the hard tail's escalation rate and repeat contacts within 24 hours, keyed in a legend.

    Examples
    --------
    >>> from nogo.cases.klarna_assistant import contact_log, weekly_metrics
    >>> spec = quiet_failure_chart(weekly_metrics(contact_log(days=28, contacts_per_day=60))).to_dict()
    >>> spec["mark"]["type"], spec["encoding"]["color"]["field"]
    ('line', 'series')
    """
    missing = [c for c in ("week", *_SERIES) if c not in weekly.columns]
    if missing:
        raise InputError(f"weekly: missing column(s) {', '.join(missing)} (see weekly_metrics)")
    long = weekly.melt(id_vars="week", value_vars=list(_SERIES), var_name="metric", value_name="rate")
    long = long.dropna(subset=["rate"]).assign(series=lambda f: f["metric"].map(_SERIES))
    return (
        alt.Chart(long)
        .mark_line(point=True)
        .encode(
            x=alt.X("week:Q", title="week", axis=alt.Axis(tickMinStep=1, format="d")),
            y=alt.Y(
                "rate:Q", title="share of contacts", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])
            ),
            color=alt.Color(
                "series:N",
                title=None,
                scale=alt.Scale(domain=list(_SERIES.values()), range=_COLOURS),
                legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=400),
            ),
            tooltip=["series:N", "week:Q", alt.Tooltip("rate:Q", format=".1%")],
        )
        .properties(title=title)
    )
