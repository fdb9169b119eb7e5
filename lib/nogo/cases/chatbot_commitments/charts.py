"""The chatbot case's chart: what a clean red team proves, by its size (keyed: a legend per line, a label
on the budget's rule).

:func:`bound_frame` computes, for each red-team size and each number of commitments found, the one-sided
95% upper bound on the commitment rate (:func:`nogo.models.stats.proportion_upper_bound`, exact
Clopper-Pearson); :func:`bound_chart` draws it on log axes with the gate's budget as a labelled rule.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from nogo.charts.theme import REFERENCE, require_columns, rule_labels
from nogo.formatting import format_percent
from nogo.models.stats import proportion_upper_bound

__all__ = ["bound_chart", "bound_frame"]


def bound_frame(
    sizes: np.ndarray | None = None, found: tuple[int, ...] = (0, 1, 2), *, level: float = 0.95
) -> pd.DataFrame:
    """The upper bound on the commitment rate after ``n`` attempts with ``k`` commitments found.

    Parameters
    ----------
    sizes
        Red-team sizes (default: 40 sizes from 10 to 30,000, evenly spaced on a log scale).
    found
        Commitments found in the round, one line each.
    level
        One-sided confidence.

    Returns
    -------
    pandas.DataFrame
        ``attempts``, ``found`` (a label such as ``"0 found"``), ``upper_bound``.

    Examples
    --------
    >>> f = bound_frame(np.array([300, 3000]), found=(0,))
    >>> f["upper_bound"].round(4).tolist()
    [0.0099, 0.001]
    """
    n = np.unique(np.round(np.geomspace(10, 30_000, 40)).astype(int)) if sizes is None else np.asarray(sizes)
    k = np.asarray(found)
    kk, nn = np.meshgrid(k, n, indexing="ij")
    keep = kk < nn
    ub = proportion_upper_bound(kk[keep], nn[keep], level=level)
    labels = np.array([f"{int(v)} found" for v in k], dtype=object)
    return pd.DataFrame(
        {"attempts": nn[keep].astype(int), "found": np.broadcast_to(labels[:, None], kk.shape)[keep],
         "upper_bound": ub}
    )  # fmt: skip


def bound_chart(
    frame: pd.DataFrame, *, budget: float, title: str = "What a red team proves"
) -> alt.LayerChart:
    """The 95% upper bound on the commitment rate against the red team's size, one line per number of
    commitments found (a titled colour legend), and the gate's budget as a labelled horizontal rule.

    Examples
    --------
    >>> spec = bound_chart(bound_frame(), budget=0.001).to_dict()
    >>> [layer["mark"]["type"] for layer in spec["layer"][:2]]
    ['line', 'rule']
    """
    require_columns(frame, "frame", ("attempts", "found", "upper_bound"))
    lines = (
        alt.Chart(frame)
        .mark_line(point=False)
        .encode(
            x=alt.X("attempts:Q", scale=alt.Scale(type="log"), title="red-team attempts in a round",
                    axis=alt.Axis(format=",.0f")),
            y=alt.Y("upper_bound:Q", scale=alt.Scale(type="log"),
                    title="95% upper bound on the commitment rate", axis=alt.Axis(format=".2~%")),
            color=alt.Color("found:N", title="commitments found"),
        )
    )  # fmt: skip
    marks = pd.DataFrame(
        {"upper_bound": [budget], "label": [f"budget: {format_percent(budget, decimals=1)}"]}
    )
    rule = alt.Chart(marks).mark_rule(color=REFERENCE, strokeDash=[4, 4]).encode(y="upper_bound:Q")
    return alt.layer(lines, rule, rule_labels(marks, y="upper_bound")).properties(title=title)
