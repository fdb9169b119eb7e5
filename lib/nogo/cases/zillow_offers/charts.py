"""The case's chart: what the accepted homes were overpaid, against the model's error (keyed: a legend per
margin of safety, the closed form as lines and the simulated homes as points).

:func:`curse_frame` tabulates :func:`.curse.winners_curse` over a range of model errors for a few margins,
with :func:`.curse.simulate_offers` at some of the errors; :func:`curse_chart` draws it.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from nogo.cases.zillow_offers.curse import MEDIAN_ABS_Z, simulate_offers, winners_curse
from nogo.charts.theme import require_columns

__all__ = ["curse_chart", "curse_frame"]


def curse_frame(
    margins_share: tuple[float, ...] = (0.0, 0.04, 0.08),
    *,
    seller_sd: float,
    median_errors_share: np.ndarray | None = None,
    simulated_errors_share: tuple[float, ...] = (0.02, 0.06, 0.10, 0.14),
    n_homes: int = 20_000,
    seed: int,
) -> pd.DataFrame:
    """The mean overpayment of accepted homes (price over value, minus 1) by model error and margin.

    Returns
    -------
    pandas.DataFrame
        ``median_error_share``, ``margin`` (a label such as ``"4% margin"``), ``overpayment_share``,
        ``how`` (``"closed form"`` or ``"simulated homes"``).

    Examples
    --------
    >>> f = curse_frame((0.0,), seller_sd=0.07, median_errors_share=np.array([0.05]),
    ...                 simulated_errors_share=(0.05,), n_homes=20_000, seed=1)
    >>> by = f.groupby("how")["overpayment_share"].first()
    >>> round(float(by["closed form"]), 3), bool(abs(by["closed form"] - by["simulated homes"]) < 0.003)
    (0.046, True)
    """
    errors = np.linspace(0.01, 0.16, 31) if median_errors_share is None else np.asarray(median_errors_share)
    rows = []
    for how, grid in (("closed form", errors), ("simulated homes", np.asarray(simulated_errors_share))):
        for e in grid:
            sd = float(e) / MEDIAN_ABS_Z
            if how == "closed form":
                f = winners_curse(margins_share, sd, seller_sd=seller_sd)
            else:
                f = simulate_offers(margins_share, sd, seller_sd=seller_sd, n_homes=n_homes, seed=seed)
            for m, over in zip(margins_share, f["overpayment_share"], strict=True):
                rows.append({"median_error_share": float(e), "margin": f"{m:.0%} margin",
                             "overpayment_share": float(over), "how": how})  # fmt: skip
    return pd.DataFrame(rows)


def curse_chart(
    frame: pd.DataFrame, *, title: str = "What the accepted homes were overpaid"
) -> alt.LayerChart:
    """Mean overpayment of accepted homes against the model's median error: one line per margin of safety
    (the closed form, a colour legend) and the simulated homes as points (a shape legend).

    Examples
    --------
    >>> f = curse_frame(seller_sd=0.07, simulated_errors_share=(0.06,), n_homes=2_000, seed=1)
    >>> [layer["mark"]["type"] for layer in curse_chart(f).to_dict()["layer"]]
    ['line', 'point']
    """
    require_columns(frame, "frame", ("median_error_share", "margin", "overpayment_share", "how"))
    x = alt.X(
        "median_error_share:Q",
        title="the model's median error on homes it bids for",
        axis=alt.Axis(format=".0%"),
    )
    y = alt.Y(
        "overpayment_share:Q", title="accepted homes: mean price above value", axis=alt.Axis(format=".0%")
    )
    color = alt.Color("margin:N", title="margin of safety")
    lines = alt.Chart(frame[frame["how"] == "closed form"]).mark_line().encode(x=x, y=y, color=color)
    points = (
        alt.Chart(frame[frame["how"] == "simulated homes"])
        .mark_point(filled=True, size=60)
        .encode(x=x, y=y, color=color, shape=alt.Shape("how:N", title="check"))
    )
    return alt.layer(lines, points).properties(title=title, width=420, height=260)
