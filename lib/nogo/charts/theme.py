"""The house look of every chart: palette, the registered theme, the offline renderer, shared helpers.

:func:`setup` registers the theme and an offline renderer (``svg``, through vl-convert): with no network,
Altair's default renderer would try to load Vega from a CDN and show an error instead of the chart.

The palette (:data:`ACTION_COLOURS`, :data:`LEVEL_COLOURS`, :data:`HIGHLIGHT`, :data:`OPTIMAL`) and the
helpers :func:`require_columns` and :func:`thin` are shared by the builders of
:mod:`nogo.charts.builders` and by the cases' own charts, so every chart checks its frame and keeps its
embedded data small the same way.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import numpy.typing as npt
import pandas as pd

from nogo._validate import check_choice
from nogo.errors import InputError

__all__ = [
    "ACTION_COLOURS",
    "HIGHLIGHT",
    "LEVEL_COLOURS",
    "MAX_POINTS",
    "OPTIMAL",
    "THEME",
    "require_columns",
    "setup",
    "thin",
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
