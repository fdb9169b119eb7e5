"""The case's one chart of its own: how far apart the two spouses' limits are, household by household.

No shared builder draws a distribution of ratios with reference lines, so this module does: bars of
households by how many times one spouse's limit is the other's, coloured (with a titled legend) by
whether the pair is at least as far apart as a line from the record (Wozniak's 10x), and each line from
the record drawn as a rule labelled where it stands.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from nogo.charts.theme import HIGHLIGHT, OPTIMAL, require_columns, rule_labels

__all__ = ["RATIO_BINS", "pair_ratio_chart"]

RATIO_BINS: tuple[float, ...] = (1, 1.5, 2, 3, 5, 7, 10, 15, 20, 30, 50)
"""Edges of the ratio bins (times); the last bin holds every pair beyond the last edge."""


def pair_ratio_chart(
    pairs: pd.DataFrame,
    lines: dict[str, float],
    *,
    title: str = "How many times one spouse's limit is the other's (synthetic)",
) -> alt.LayerChart:
    """Households by the ratio of the spouses' limits, with the record's ratios as labelled rules.

    Parameters
    ----------
    pairs
        :func:`~nogo.cases.apple_card_appeals.spousal_pairs` (``limit_ratio`` per household).
    lines
        Label to ratio, e.g. ``{"Wozniak: 10x": 10, "Hansson: 20x": 20}``; the smallest colours the bars.

    Examples
    --------
    >>> pairs = pd.DataFrame({"limit_ratio": [1.2, 2.5, 12.0, 25.0]})
    >>> spec = pair_ratio_chart(pairs, {"10x": 10, "20x": 20}).to_dict()
    >>> [layer["mark"]["type"] for layer in spec["layer"][:2]]
    ['bar', 'rule']
    """
    require_columns(pairs, "pairs", ("limit_ratio",))
    ratio = pairs["limit_ratio"].to_numpy(dtype=float)
    edges = np.asarray(RATIO_BINS, dtype=float)
    k = np.clip(np.searchsorted(edges, ratio, side="right") - 1, 0, len(edges) - 1)
    counts = np.bincount(k, minlength=len(edges))
    upper = np.r_[edges[1:], edges[-1] * 1.6]
    first = min(lines.values()) if lines else np.inf
    bars = pd.DataFrame(
        {
            "from": edges,
            "to": upper,
            "households": counts,
            "bin": [f"{a:g}x to {b:g}x" if j < len(edges) - 1 else f"{a:g}x or more"
                    for j, (a, b) in enumerate(zip(edges, upper, strict=True))],
            "apart": np.where(edges >= first, f"at least {first:g}x apart", f"less than {first:g}x apart"),
        }
    )  # fmt: skip
    scale = alt.Scale(type="log", domain=[1, float(upper[-1])], nice=False)
    x = alt.X("from:Q", title="one spouse's limit over the other's (times, log scale)", scale=scale,
              axis=alt.Axis(values=[1, 2, 5, 10, 20, 50], format="~g"))  # fmt: skip
    domain = sorted(set(bars["apart"]), reverse=True)
    chart = (
        alt.Chart(bars)
        .mark_bar(stroke="white")
        .encode(
            x=x,
            x2="to:Q",
            y=alt.Y("households:Q", title="households with joint finances"),
            y2=alt.datum(0),
            color=alt.Color("apart:N", title="the two limits", scale=alt.Scale(domain=domain,
                            range=[OPTIMAL, HIGHLIGHT][: len(domain)])),
            tooltip=["bin:N", "households:Q"],
        )
    )  # fmt: skip
    if not lines:
        return alt.layer(chart).properties(title=title)
    marks = pd.DataFrame({"ratio": list(lines.values()), "label": list(lines.keys())})
    at = alt.X("ratio:Q", scale=scale)
    rule = alt.Chart(marks).mark_rule(color="#333333", strokeDash=[4, 3]).encode(x=at)
    return alt.layer(chart, rule, rule_labels(marks, x=at)).properties(title=title)
