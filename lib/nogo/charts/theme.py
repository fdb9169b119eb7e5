"""The house look of every chart: palette, the registered theme, the offline renderer, shared helpers.

:func:`setup` registers the theme and an offline renderer (``svg``, through vl-convert): with no network,
Altair's default renderer would try to load Vega from a CDN and show an error instead of the chart.

The palette (:data:`ACTION_COLOURS`, :data:`LEVEL_COLOURS`, :data:`HIGHLIGHT`, :data:`OPTIMAL`) and the
helpers :func:`require_columns` and :func:`thin` are shared by the builders of
:mod:`nogo.charts.builders` and by the cases' own charts, so every chart checks its frame and keeps its
embedded data small the same way.

Every line, rule or band a reader must interpret carries a key: a titled legend (a colour, fill or
dash encoding) or a text label beside it. :func:`rule_labels` writes those labels the same way in every
chart (a vertical rule's label just above the plot, a horizontal rule's at the plot's right end), and
:func:`usd_axis` makes dollar axes read as :func:`nogo.formatting.format_usd` writes them (``$950``,
``$1.2K``, ``$23.7M``, never ``$1G`` or ``$500m``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import altair as alt
import numpy as np
import numpy.typing as npt
import pandas as pd

from nogo._validate import check_choice
from nogo.errors import InputError

__all__ = [
    "ACTION_COLOURS",
    "HIGHLIGHT",
    "LABEL_COLOUR",
    "LEVEL_COLOURS",
    "MAX_POINTS",
    "OPTIMAL",
    "REFERENCE",
    "THEME",
    "require_columns",
    "rule_labels",
    "setup",
    "thin",
    "usd_axis",
]

ACTION_COLOURS: dict[str, str] = {"act": "#2a9d8f", "escalate": "#e9c46a", "decline": "#8d99ae"}
"""One colour per action, used by every chart."""
LEVEL_COLOURS: dict[str, str] = {
    "draft": "#e76f51",
    "approval": "#f4a261",
    "constrained execution": "#2a9d8f",
    "expanded scope": "#264653",
}
"""One colour per autonomy level (riskier autonomy, darker green; a person in the loop, warm)."""
HIGHLIGHT = "#e76f51"
"""The naive policy and anything the reader should distrust."""
OPTIMAL = "#264653"
"""The optimal policy, and the colour of a chart's one main series."""
REFERENCE = "#999"
"""A reference line that is not a policy (the diagonal of perfect calibration, a quadrant cut)."""
LABEL_COLOUR = "#333"
"""Text labels on a chart, and the rules they name unless a colour says more."""
MAX_POINTS = 400
"""Rows a line chart embeds at most (:func:`thin`)."""
THEME = "nogo"
"""The name the house theme is registered under (``alt.theme.enable(THEME)``)."""


@alt.theme.register(THEME, enable=False)
def _theme() -> alt.theme.ThemeConfig:
    return {
        "config": {
            "view": {"continuousWidth": 460, "continuousHeight": 260, "stroke": None},
            "font": "DejaVu Sans, Helvetica, Arial, sans-serif",
            "title": {"anchor": "start", "fontSize": 14, "fontWeight": "bold", "subtitleColor": "#555"},
            "axis": {"labelFontSize": 11, "titleFontSize": 12, "gridColor": "#eee"},
            "legend": {"labelFontSize": 11, "titleFontSize": 12},
            "range": {"category": ["#264653", "#2a9d8f", "#e9c46a", "#f4a261", "#e76f51", "#8d99ae"]},
        }
    }


def setup(renderer: str = "svg") -> None:
    """Enable the No-Go theme and an offline renderer (call once per notebook).

    ``"svg"`` renders static, byte-identical SVG through vl-convert (stable for nbval); ``"html"``
    embeds Vega inline for interactive charts. Neither needs a network.
    """
    check_choice("renderer", renderer, ("svg", "html"))
    alt.theme.enable(THEME)
    if renderer == "svg":
        alt.renderers.enable("svg")
    else:
        alt.renderers.enable("html", template="inline")


def require_columns(frame: pd.DataFrame, name: str, columns: tuple[str, ...]) -> None:
    """Check that ``frame`` is a DataFrame with ``columns``; raise :class:`InputError` naming the missing.

    Examples
    --------
    >>> require_columns(pd.DataFrame({"day": [1]}), "fan", ("day", "q50"))
    Traceback (most recent call last):
    ...
    nogo.errors.InputError: fan: missing column(s) q50; expected day, q50, got day
    """
    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"{name}: expected a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(
            f"{name}: missing column(s) {', '.join(missing)}; expected {', '.join(columns)}, "
            f"got {', '.join(map(str, frame.columns))}"
        )


def thin(frame: pd.DataFrame, keep: npt.ArrayLike, max_rows: int = MAX_POINTS) -> pd.DataFrame:
    """At most about ``max_rows`` evenly spaced rows by position, always keeping the positions ``keep``.

    Examples
    --------
    >>> thin(pd.DataFrame({"x": range(10)}), keep=[3], max_rows=3)["x"].tolist()
    [0, 3, 4, 9]
    """
    if len(frame) <= max_rows:
        return frame
    idx = np.unique(np.concatenate([np.linspace(0, len(frame) - 1, max_rows).round(), keep]).astype(int))
    return frame.iloc[idx]


_USD_LABEL = (
    "(datum.value < 0 ? '-' : '') + '$' + ("
    "abs(datum.value) >= 1e12 ? format(abs(datum.value) / 1e12, ',.3~r') + 'T' : "
    "abs(datum.value) >= 1e9 ? format(abs(datum.value) / 1e9, '.3~r') + 'B' : "
    "abs(datum.value) >= 1e6 ? format(abs(datum.value) / 1e6, '.3~r') + 'M' : "
    "abs(datum.value) >= 1e3 ? format(abs(datum.value) / 1e3, '.3~r') + 'K' : "
    "format(abs(datum.value), '.3~r'))"
)


def usd_axis(**kwargs: Any) -> alt.Axis:
    """An axis whose tick labels read as compact dollars (``$0``, ``$950``, ``$1.2K``, ``$23.7M``, ``$1B``).

    The labels follow :func:`nogo.formatting.format_usd` with ``compact=True`` (K, M, B, T; never the SI
    ``G`` or a milli-dollar ``m``); ``kwargs`` go to :class:`altair.Axis`.

    Examples
    --------
    >>> "'M'" in usd_axis(title="cost").to_dict()["labelExpr"]
    True
    """
    return alt.Axis(labelExpr=_USD_LABEL, **kwargs)


def rule_labels(
    labels: pd.DataFrame,
    *,
    x: str | alt.X | None = None,
    y: str | alt.Y | None = None,
    text: str = "label",
    color: str | alt.Color = LABEL_COLOUR,
    align: str | Sequence[str] | None = None,
    stack: bool = True,
) -> alt.LayerChart:
    """Text labels for reference rules: at the top of each vertical rule, at the right end of each horizontal.

    Give ``x`` (the field a vertical rule is drawn at) or ``y`` (a horizontal rule's field), or the
    rule's own :class:`altair.X` / :class:`altair.Y` (to share its scale); ``labels`` holds that field
    and the ``text`` column, one row per rule. A vertical rule's label sits just above
    the plot, each row one line higher than the one before (so two rules close together never print
    over each other; ``stack=False`` keeps them on one line, for rules far apart), to the right of its
    rule or, with ``align="right"``, to its left. A horizontal rule's label sits at the plot's right
    end, just above its rule (or at the left end, ``align="left"``).
    ``align`` may also give one side per row (a rule near the plot's right edge labelled to its left).
    ``color`` is a colour or an :class:`altair.Color` encoding (the rules' own scale, to match them).
    Numbers in the labels come formatted (:mod:`nogo.formatting`); the rows are few (one per rule).

    Examples
    --------
    >>> marks = pd.DataFrame({"sla_minutes": [5.0], "label": ["SLA: 5 min"]})
    >>> layer = rule_labels(marks, y="sla_minutes").to_dict()["layer"][0]
    >>> layer["mark"]["type"], layer["encoding"]["text"]["field"], layer["encoding"]["x"]["value"]
    ('text', 'label', 'width')
    """
    if (x is None) == (y is None):
        raise InputError("rule_labels: give x (vertical rules) or y (horizontal rules), not both")
    fields = [c if isinstance(c, str) else c.to_dict()["field"] for c in (x, y) if c is not None]
    require_columns(labels, "labels", (*fields, text))
    at_x = alt.X(f"{x}:Q") if isinstance(x, str) else x
    at_y = alt.Y(f"{y}:Q") if isinstance(y, str) else y
    colour = {"color": color} if isinstance(color, alt.Color) else {}
    style = {} if colour else {"color": color}
    sides = [align] * len(labels) if align is None or isinstance(align, str) else list(align)
    if len(sides) != len(labels) or not set(sides) <= {None, "left", "right"}:
        raise InputError(
            f"rule_labels: align: expected 'left', 'right' or one of them per row, got {align!r}"
        )
    layers = []
    for level in range(len(labels)):  # one mark per rule: a handful of rows
        one = labels.iloc[[level]]
        if x is not None:
            side = sides[level] or "left"
            mark = alt.Chart(one).mark_text(
                align=side,
                baseline="bottom",
                dx=4 if side == "left" else -4,
                dy=-4 - 14 * level * stack,
                **style,
            )
            layers.append(mark.encode(x=at_x, y=alt.value(0), text=f"{text}:N", **colour))
        else:
            side = sides[level] or "right"
            mark = alt.Chart(one).mark_text(
                align=side, baseline="bottom", dx=-2 if side == "right" else 2, dy=-3, **style
            )
            at = alt.value("width" if side == "right" else 0)
            layers.append(mark.encode(x=at, y=at_y, text=f"{text}:N", **colour))
    return alt.layer(*layers)
