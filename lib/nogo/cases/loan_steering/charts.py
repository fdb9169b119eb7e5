"""The loan case's charts: each borrower's total cost change per policy, and repeat relief by cohort.

Every rule is labelled where it is drawn and every series keyed in a legend, numbers formatted by
:mod:`nogo.formatting`.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from nogo._validate import as_float_array
from nogo.cases.loan_steering._checks import check_frame
from nogo.charts.theme import rule_labels, usd_axis
from nogo.errors import InputError
from nogo.formatting import format_usd

__all__ = ["repeat_forbearance_chart", "total_cost_chart"]

_POLICY_COLOURS = {"immediate_saving": "#e76f51", "total_cost": "#264653"}
_POLICY_NAMES = {
    "immediate_saving": "the steering agent (largest monthly saving)",
    "total_cost": "the aligned agent (lowest total cost of credit)",
}


def _signed_usd(value: float) -> str:
    """``+$3,920``, ``-$40.00``, ``$0.00``: a change in dollars, its sign shown."""
    text = format_usd(value)
    return "+" + text if value > 0 and text.strip("$0.,") else text


def total_cost_chart(
    chosen: pd.DataFrame,
    *,
    bins: int = 40,
    title: str = "Change in each borrower's total cost of credit",
) -> alt.VConcatChart:
    """Histogram of ``total_cost_change_usd`` per ``policy``, one panel each, zero and the mean marked.

    Bins are shared by the panels and span the 0.5th to 99.5th percentile of all rows; values beyond fall
    into the end bins (so a few huge balances do not squash the picture). Embeds ``bins`` rows per panel.
    Each panel is titled with the policy in words and its mean; its two dashed rules are labelled above
    the plot ("no change", "mean +$3,920").

    Examples
    --------
    >>> from nogo.cases.loan_steering import LOAN_POLICIES, borrower_book, choose_offers, loan_offers
    >>> offers = loan_offers(borrower_book(1_000, seed=2))
    >>> chart = total_cost_chart(pd.concat([choose_offers(offers, p) for p in LOAN_POLICIES]))
    >>> [c.layer[0].mark.type for c in chart.vconcat]
    ['bar', 'bar']
    """
    chosen = check_frame(chosen, "chosen", ("policy", "total_cost_change_usd"))
    x = as_float_array("chosen: column 'total_cost_change_usd'", chosen["total_cost_change_usd"])
    if isinstance(bins, bool) or not isinstance(bins, int | np.integer) or bins < 1:
        raise InputError(f"bins: expected a whole number of bins >= 1, got {bins!r}")
    lo, hi = np.quantile(x, [0.005, 0.995])
    edges = np.linspace(lo, hi if hi > lo else lo + 1.0, bins + 1)
    scale = alt.Scale(domain=[float(edges[0]), float(edges[-1])])
    panels = []
    for policy in pd.unique(chosen["policy"]):  # one panel per policy (two)
        m = (chosen["policy"] == policy).to_numpy()
        counts = np.bincount(np.clip(np.searchsorted(edges, x[m], side="right") - 1, 0, bins - 1), None, bins)
        data = pd.DataFrame({"from_usd": edges[:-1], "to_usd": edges[1:], "borrowers": counts})
        colour = _POLICY_COLOURS.get(str(policy), "#8d99ae")
        bars = (
            alt.Chart(data)
            .mark_bar(color=colour)
            .encode(
                x=alt.X(
                    "from_usd:Q",
                    bin="binned",
                    scale=scale,
                    title="change in the borrower's total cost of credit (USD)",
                    axis=usd_axis(),
                ),
                x2="to_usd:Q",
                y=alt.Y("borrowers:Q", title="borrowers"),
                tooltip=[
                    alt.Tooltip("from_usd:Q", format="$,.0f"),
                    alt.Tooltip("to_usd:Q", format="$,.0f"),
                    "borrowers:Q",
                ],
            )
        )
        mean = float(x[m].mean())
        marks = pd.DataFrame(
            {
                "at_usd": [0.0, mean],
                "mark": ["no change", "mean"],
                "label": ["no change", f"mean {_signed_usd(mean)}"],
            }
        )
        rule_colour = alt.Color(
            "mark:N", scale=alt.Scale(domain=["mean", "no change"], range=["#333", "#777"]), legend=None
        )
        rules = (
            alt.Chart(marks)
            .mark_rule(strokeDash=[4, 3])
            .encode(
                x=alt.X("at_usd:Q", scale=scale),
                color=rule_colour,
                tooltip=["mark:N", alt.Tooltip("at_usd:Q", format="$,.0f")],
            )
        )
        sides = ["right" if v > (edges[0] + edges[-1]) / 2 else "left" for v in marks["at_usd"]]
        labels = rule_labels(marks, x=alt.X("at_usd:Q", scale=scale), color=rule_colour, align=sides)
        name = _POLICY_NAMES.get(str(policy), f"policy: {policy}")
        panels.append(alt.layer(bars, rules, labels).properties(title=name, height=140))
    return alt.vconcat(*panels).properties(title=title)


def repeat_forbearance_chart(
    rates: pd.DataFrame,
    *,
    title: str = "Repeat forbearance: share of spells followed by another",
) -> alt.Chart:
    """The repeat rate by cohort month (:func:`repeat_forbearance_rate` with ``by="month"``), per ``series``.

    Months with no observed spell are left out. Add a ``series`` column to draw several lines (for
    example one per policy or arrangement).

    Examples
    --------
    >>> from nogo.cases.loan_steering import borrower_book, repeat_forbearance_rate, simulate_hardship_calls
    >>> calls = simulate_hardship_calls(borrower_book(500, seed=1), months=24, seed=1)
    >>> rates = repeat_forbearance_rate(calls).assign(series="steering agent")
    >>> repeat_forbearance_chart(rates).to_dict()["mark"]["type"]
    'line'
    """
    rates = check_frame(rates, "rates", ("period", "repeat_rate", "n_observed"))
    data = rates.assign(series=rates["series"] if "series" in rates else "all")
    data = data.loc[data["n_observed"] > 0, ["period", "repeat_rate", "n_observed", "series"]]
    return (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=alt.X("period:Q", title="month the spell started"),
            y=alt.Y(
                "repeat_rate:Q",
                title="repeat rate",
                axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            color=alt.Color("series:N", title=None, legend=alt.Legend(orient="bottom", labelLimit=400)),
            tooltip=["series:N", "period:Q", alt.Tooltip("repeat_rate:Q", format=".1%"), "n_observed:Q"],
        )
        .properties(title=title)
    )
