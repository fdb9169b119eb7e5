"""The case's charts: what the screener learned (coefficients), and the impact ratio at each star cut.

Each reference rule is labelled where it is drawn (zero: "no effect") or keyed in a legend (the
four-fifths line), and each series coloured with a titled legend.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from nogo._validate import as_bounded_scalar as _scalar
from nogo.charts.theme import HIGHLIGHT as _HIGHLIGHT
from nogo.charts.theme import OPTIMAL as _OPTIMAL
from nogo.charts.theme import require_columns as _require
from nogo.charts.theme import rule_labels as _rule_labels

__all__ = ["KIND_COLOURS", "coefficient_chart", "impact_ratio_chart"]

KIND_COLOURS: dict[str, str] = {
    "explicit gendered term": _HIGHLIGHT,
    "known proxy": "#f4a261",
    "other term": "#8d99ae",
    "skill": _OPTIMAL,
    "other": "#bbbbbb",
}
"""One colour per feature kind in :func:`coefficient_chart`: what the reporting named stands out."""


def coefficient_chart(
    coefficients: pd.DataFrame, *, title: str = "What the screener learned from past hires"
) -> alt.LayerChart:
    """Each feature's coefficient with its 95% interval, the gendered term and the proxies highlighted.

    ``coefficients`` is :attr:`Screener.coefficients` (``feature``, ``kind``, ``coefficient``, ``ci_low``,
    ``ci_high``); features are sorted by coefficient, coloured by kind, with a rule at zero (left of it, the
    feature lowers the score, labelled "no effect" above the plot). Skills are per standard deviation,
    terms for having the term.

    Examples
    --------
    >>> from nogo.cases.resume_proxy_bias import applicant_pool, train_screener
    >>> pool = applicant_pool(3_000, seed=0)
    >>> s = train_screener(pool, features=("skill_coding", "mentions_womens"), seed=0)
    >>> [layer.get("mark", {}).get("type") for layer in coefficient_chart(s.coefficients).to_dict()["layer"]]
    ['rule', 'point', 'rule', None]
    """
    _require(coefficients, "coefficients", ("feature", "kind", "coefficient", "ci_low", "ci_high"))
    data = coefficients[["feature", "kind", "coefficient", "ci_low", "ci_high"]].copy()
    order = data.sort_values("coefficient")["feature"].tolist()
    kinds = [k for k in KIND_COLOURS if k in set(data["kind"])]
    y = alt.Y("feature:N", sort=order, title=None)
    colour = alt.Color(
        "kind:N",
        title="kind of feature",
        scale=alt.Scale(domain=kinds, range=[KIND_COLOURS[k] for k in kinds]),
    )
    tip = [
        "feature:N",
        "kind:N",
        *(alt.Tooltip(f"{c}:Q", format=".2f") for c in ("coefficient", "ci_low", "ci_high")),
    ]
    base = alt.Chart(data)
    interval = base.mark_rule(strokeWidth=2).encode(x="ci_low:Q", x2="ci_high:Q", y=y, color=colour)
    point = base.mark_point(filled=True, size=50).encode(
        x=alt.X("coefficient:Q", title="effect on the score (log-odds of 'hired before', 95% interval)"),
        y=y,
        color=colour,
        tooltip=tip,
    )
    zero = alt.Chart(pd.DataFrame({"zero": [0.0]})).mark_rule(color="#333").encode(x="zero:Q")
    label = _rule_labels(pd.DataFrame({"zero": [0.0], "label": ["no effect (0)"]}), x="zero")
    height = max(120, 16 * len(data))
    return alt.layer(interval, point, zero, label).properties(title=title, height=height)


def impact_ratio_chart(
    report: pd.DataFrame,
    *,
    min_ratio: float = 0.8,
    title: str = "The lowest group's impact ratio at each star cut",
) -> alt.LayerChart:
    """The lowest group's adverse-impact ratio at each star cut, one line per feature set, the 0.8 line drawn.

    ``report`` is :func:`screen_report` (one line) or :func:`compare_feature_sets` (one line per
    ``feature_set``): ``min_stars``, ``group``, ``impact_ratio``. At each (feature set, cut) the lowest
    ratio is drawn, with its group in the tooltip; a point below the dashed line fails the four-fifths rule.
    The legend keys each feature set's line and the dashed four-fifths line.

    Examples
    --------
    >>> rep = pd.DataFrame({"min_stars": [4, 4, 5, 5], "group": ["m", "w", "m", "w"],
    ...                     "impact_ratio": [1.0, 0.7, 1.0, 0.5]})
    >>> spec = impact_ratio_chart(rep).to_dict()
    >>> [r["impact_ratio"] for r in spec["datasets"][spec["layer"][0]["data"]["name"]]]
    [0.7, 0.5]
    """
    _require(report, "report", ("min_stars", "group", "impact_ratio"))
    line = _scalar("min_ratio", min_ratio, low=0.0, high=1.0, low_open=True, expected="a ratio in (0, 1]")
    data = report.assign(feature_set=report.get("feature_set", "screener"))
    keys = ["feature_set", "min_stars"]
    data = data.loc[data.groupby(keys, sort=False)["impact_ratio"].idxmin(), [*keys, "group", "impact_ratio"]]
    data = data.assign(group=data["group"].astype(str), feature_set=data["feature_set"].astype(str))
    sets = list(dict.fromkeys(data["feature_set"]))
    palette = [_HIGHLIGHT, "#f4a261", "#e9c46a", "#2a9d8f", _OPTIMAL, "#8d99ae"]  # biased warm, fixes cool
    colours = alt.Scale(domain=sets, range=[palette[i % len(palette)] for i in range(len(sets))])
    lines = (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=alt.X(
                "min_stars:O", title="shortlisted at this many stars or more", axis=alt.Axis(labelAngle=0)
            ),
            y=alt.Y("impact_ratio:Q", title="lowest impact ratio", scale=alt.Scale(domain=[0, 1.05])),
            color=alt.Color("feature_set:N", title="screener", sort=sets, scale=colours),
            tooltip=["feature_set:N", "min_stars:O", "group:N", alt.Tooltip("impact_ratio:Q", format=".2f")],
        )
    )
    key = f"four-fifths line ({line:g}): below it fails"
    rule = (
        alt.Chart(pd.DataFrame({"four_fifths": [line], "key": [key]}))
        .mark_rule(color="#333")
        .encode(
            y="four_fifths:Q",
            strokeDash=alt.StrokeDash(
                "key:N",
                scale=alt.Scale(domain=[key], range=[[4, 3]]),
                title=None,
                legend=alt.Legend(symbolType="stroke", symbolStrokeColor="#333", labelLimit=0),
            ),
        )
    )
    return alt.layer(lines, rule).properties(title=title, width=460)
