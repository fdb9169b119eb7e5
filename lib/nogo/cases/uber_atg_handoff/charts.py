"""The Tempe case's chart: the last seconds before impact, each moment of the record labelled.

Returns ``alt.Chart`` built from a tidy frame; every rule carries a text label at its position.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from nogo.errors import InputError

__all__ = ["timeline_chart"]


def timeline_chart(
    timeline: pd.DataFrame,
    curve: pd.DataFrame,
    *,
    title: str = "The last seconds: what the system knew, and when (the record)",
) -> alt.LayerChart:
    """Speed at impact if braking starts at each moment (a model output) against seconds before impact,
    with a labelled rule at each moment of the record.

    ``timeline`` is :func:`~nogo.cases.uber_atg_handoff.timeline_table`'s frame, ``curve``
    :func:`~nogo.cases.uber_atg_handoff.braking_curve`'s (``seconds_before_impact``, ``who``, ``impact_mph``).

    Examples
    --------
    >>> import nogo
    >>> from nogo.cases import uber_atg_handoff as uber
    >>> case = nogo.Project.find().case("uber-atg-handoff")
    >>> figures = {f.name: f.value for f in case.published_figures}
    >>> params = case.defaults()
    >>> spec = timeline_chart(uber.timeline_table(figures, params), uber.braking_curve(params)).to_dict()
    >>> [layer["mark"]["type"] for layer in spec["layer"]]
    ['line', 'rule', 'text']
    """
    need = ("seconds_before_impact", "what_the_system_knew_or_did")
    missing = [c for c in need if c not in timeline.columns]
    if missing:
        raise InputError(f"timeline: missing column(s) {', '.join(missing)} (see timeline_table)")
    moments = timeline.assign(
        label=[f"{s:g} s: {w.split(';')[0].split(':')[0]}" for s, w in
               zip(timeline["seconds_before_impact"], timeline["what_the_system_knew_or_did"], strict=True)],
        row=range(len(timeline)),
    )[["seconds_before_impact", "label", "row"]]  # fmt: skip
    missing = [c for c in ("seconds_before_impact", "who", "impact_mph") if c not in curve.columns]
    if missing:
        raise InputError(f"curve: missing column(s) {', '.join(missing)} (see braking_curve)")
    x = alt.X("seconds_before_impact:Q", title="seconds before impact", scale=alt.Scale(reverse=True))
    line = (
        alt.Chart(curve)
        .mark_line()
        .encode(
            x=x,
            y=alt.Y("impact_mph:Q", title="speed at impact if braking starts then (mph, model)"),
            color=alt.Color("who:N", title="who starts braking",
                            legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=400)),
        )
    )  # fmt: skip
    rules = (
        alt.Chart(moments).mark_rule(strokeDash=[4, 3], color="#6c757d").encode(x="seconds_before_impact:Q")
    )
    labels = (
        alt.Chart(moments)
        .mark_text(align="left", dx=3, angle=0, fontSize=10, color="#343a40")
        .encode(x="seconds_before_impact:Q", y=alt.Y("row:Q", axis=None, scale=alt.Scale(domain=[-1, 6])),
                text="label:N")
    )  # fmt: skip
    return alt.layer(line, rules, labels).resolve_scale(y="independent").properties(title=title)
