"""Charts of the pricing case: the Fly run with the day each guardrail fires, and the value cap's cost
curve with the best cap and its interval.

Every line, rule and band is keyed (a legend, or a label where it is drawn), dollar axes and labels read
as :func:`nogo.formatting.format_usd` writes them (``$23.7M``).

Builders take the frames of :mod:`~nogo.cases.pricing_feedback_loop.fly` and
:mod:`~nogo.cases.pricing_feedback_loop.value_cap` and return Altair charts (tested through
``to_dict()``).
"""

from __future__ import annotations

from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from nogo._validate import as_bounded_scalar as _scalar
from nogo.cases.pricing_feedback_loop.value_cap import ValueCapResult
from nogo.charts.theme import usd_axis
from nogo.errors import InputError
from nogo.formatting import format_percent, format_usd

__all__ = ["price_path_chart", "value_cap_chart"]

_MAX_CAPS = 400  # caps drawn by value_cap_chart
_SELLER_COLOURS = ("#264653", "#2a9d8f")
_SWITCH_COLOURS = ("#e76f51", "#f4a261", "#e9c46a", "#8d99ae")


def _frame(frame: Any, name: str, columns: tuple[str, ...]) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"{name}: expected a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(
            f"{name}: missing column(s) {', '.join(missing)}; expected {', '.join(columns)}, "
            f"got {', '.join(map(str, frame.columns))}"
        )
    if len(frame) == 0:
        raise InputError(f"{name}: expected at least one row, got an empty frame")
    return frame


def price_path_chart(
    path: pd.DataFrame,
    guardrails: pd.DataFrame,
    *,
    cap_usd: float | None = None,
    peak_usd: float | None = None,
    seller_labels: tuple[str, str] = ("seller A", "seller B"),
    title: str = "The loop, day by day, and when each guardrail would have fired",
) -> alt.LayerChart:
    """Both sellers' prices by day (log scale), a rule on each day a guardrail fires, the cap drawn.

    Parameters
    ----------
    path
        One path of :func:`nogo.repricing_loop` (``day``, ``price_a_usd``, ``price_b_usd``).
    guardrails
        The frame of :func:`fly_guardrails` (``switch``, ``fired``, ``fired_day``, ``price_at_fire_usd``):
        each switch that fired gets a dashed rule at its day and a diamond at the price it saw.
    cap_usd, peak_usd
        The price cap and a published peak, drawn as labelled horizontal rules.
    seller_labels
        Names of seller A and seller B in the legend.

    Examples
    --------
    >>> from nogo.cases.pricing_feedback_loop import fly_guardrails
    >>> from nogo.models.dynamics import repricing_loop
    >>> g = fly_guardrails(reference_usd=1e6)
    >>> spec = price_path_chart(repricing_loop(1.7e6, 0.9983, 1.270589, 10), g, cap_usd=1e7).to_dict()
    >>> [layer["mark"]["type"] for layer in spec["layer"]]
    ['line', 'rule', 'point', 'rule', 'text']
    """
    _frame(path, "path", ("day", "price_a_usd", "price_b_usd"))
    _frame(guardrails, "guardrails", ("switch", "fired", "fired_day", "price_at_fire_usd"))
    if "path" in path.columns and path["path"].nunique() > 1:
        raise InputError(f"path: expected one simulated path, got {path['path'].nunique()}; select one first")
    if not (isinstance(seller_labels, tuple | list) and len(seller_labels) == 2):
        raise InputError(f"seller_labels: expected two names (seller A, seller B), got {seller_labels!r}")
    days = path["day"].to_numpy()
    prices = pd.DataFrame(
        {
            "day": np.concatenate([days, days]),
            "series": np.repeat([str(s) for s in seller_labels], len(days)),
            "price_usd": np.concatenate([path["price_a_usd"], path["price_b_usd"]]).astype(np.float64),
        }
    )
    fired = guardrails[guardrails["fired"].astype(bool)]
    fires = pd.DataFrame(
        {
            "day": fired["fired_day"].astype(np.int64).to_numpy(),
            "series": fired["switch"].astype(str).to_numpy(),
            "price_usd": fired["price_at_fire_usd"].astype(np.float64).to_numpy(),
        }
    )
    domain = [*map(str, seller_labels), *fires["series"]]
    colour = alt.Color(
        "series:N",
        scale=alt.Scale(domain=domain, range=[*_SELLER_COLOURS, *_SWITCH_COLOURS[: len(fires)]]),
        title=None,
        legend=alt.Legend(orient="bottom", columns=2, labelLimit=0),
    )
    x = alt.X("day:Q", title="days since first sighting", axis=alt.Axis(tickMinStep=1))
    y = alt.Y(
        "price_usd:Q",
        scale=alt.Scale(type="log"),
        axis=usd_axis(),
        title="price (USD, log scale)",
    )
    usd = alt.Tooltip("price_usd:Q", format="$,.2f", title="price")
    layers: list[alt.Chart] = [
        alt.Chart(prices)
        .mark_line(point=True)
        .encode(x=x, y=y, color=colour, tooltip=["series:N", "day:Q", usd]),
        alt.Chart(fires).mark_rule(strokeDash=[5, 3], strokeWidth=2).encode(x="day:Q", color=colour),
        alt.Chart(fires)
        .mark_point(shape="diamond", filled=True, size=140, opacity=0.9)
        .encode(x=x, y=y, color=colour, tooltip=["series:N", "day:Q", usd]),
    ]
    refs = [
        (v, label) for v, label in ((cap_usd, "price cap"), (peak_usd, "published peak")) if v is not None
    ]
    if refs:
        lines = pd.DataFrame(
            {
                "price_usd": [_scalar(label, v, low=0.0, low_open=True) for v, label in refs],
                "label": [f"{label}: {format_usd(v, compact=True)}" for v, label in refs],
                "day": float(days.min()),
            }
        )
        layers.append(alt.Chart(lines).mark_rule(color="#555", strokeDash=[2, 2]).encode(y=y))
        layers.append(
            alt.Chart(lines)
            .mark_text(align="left", dx=4, dy=-7, color="#555")
            .encode(x=x, y=y, text="label:N")
        )
    return alt.layer(*layers).properties(title=title)


def value_cap_chart(
    result: ValueCapResult,
    *,
    level: float = 0.9,
    title: str = "Expected cost of each value cap, and where the best one could be",
) -> alt.LayerChart:
    """Total cost against the value cap (log scale), the best cap marked with its bootstrap interval, and
    the two extremes (a person approves everything; the agent alone on everything) as rules.

    The legend below the plot keys the interval band and the two extremes; the best cap is labelled
    under its point ("best cap $16K: $340K in total").

    The curve is thinned to at most 400 caps evenly spaced in log value, always keeping the best one.

    Examples
    --------
    >>> from nogo.cases.pricing_feedback_loop import best_value_cap, pricing_catalogue, review_costs
    >>> log = pricing_catalogue(2000, seed=1)
    >>> spec = value_cap_chart(best_value_cap(log, review_costs(log), n_boot=50, seed=2)).to_dict()
    >>> [layer["mark"]["type"] for layer in spec["layer"]]
    ['rect', 'rule', 'line', 'point', 'text']
    """
    if not isinstance(result, ValueCapResult):
        raise InputError(
            f"result: expected a ValueCapResult (see best_value_cap), got {type(result).__name__}"
        )
    interval = result.summary(level).loc["cap_usd"]
    curve = result.curve
    cap = curve["cap_usd"].to_numpy()
    shown = curve[np.isfinite(cap) & (cap > 0)].reset_index(drop=True)
    if len(shown) == 0:
        raise InputError("result: expected at least one cap above 0 to draw on a log scale")
    if len(shown) > _MAX_CAPS:
        c = shown["cap_usd"].to_numpy()
        grid = np.geomspace(c[0], c[-1], _MAX_CAPS)
        keep = np.searchsorted(c, grid).clip(0, len(c) - 1)
        best = np.searchsorted(c, result.cap_usd).clip(0, len(c) - 1)
        shown = shown.iloc[np.unique(np.append(keep, best))]
    data = shown[["cap_usd", "total_cost_usd", "share_reviewed"]]
    log_x = {"scale": alt.Scale(type="log"), "axis": usd_axis()}
    cap_title = "value cap: the agent reprices alone up to (USD, log)"
    x = alt.X("cap_usd:Q", title=cap_title, **log_x)
    y = alt.Y("total_cost_usd:Q", axis=usd_axis(), title="expected total cost (USD)")
    extremes = pd.DataFrame(
        {
            "policy": ["a person approves everything", "the agent alone on everything"],
            "total_cost_usd": [curve["total_cost_usd"].iloc[0], curve["total_cost_usd"].iloc[-1]],
        }
    )
    band = pd.DataFrame(
        {
            "low_usd": [interval["low"]],
            "high_usd": [interval["high"]],
            "interval": [f"where the best cap could be ({format_percent(level)} interval)"],
        }
    )
    best_row = pd.DataFrame(
        {
            "cap_usd": [result.cap_usd],
            "total_cost_usd": [result.cost_usd],
            "label": [
                f"best cap {format_usd(result.cap_usd, compact=True)}: "
                f"{format_usd(result.cost_usd, compact=True)} in total"
            ],
        }
    )
    cost_tip = alt.Tooltip("total_cost_usd:Q", format="$,.0f", title="total cost")
    bottom = {"orient": "bottom", "labelLimit": 0}
    return alt.layer(
        alt.Chart(band)
        .mark_rect(opacity=0.15)
        .encode(
            x=alt.X("low_usd:Q", title=cap_title, **log_x),
            x2="high_usd:Q",
            fill=alt.Fill(
                "interval:N",
                scale=alt.Scale(range=[_SELLER_COLOURS[1]]),
                title=None,
                legend=alt.Legend(symbolOpacity=0.3, **bottom),
            ),
            tooltip=[
                "interval:N",
                alt.Tooltip("low_usd:Q", format="$,.0f"),
                alt.Tooltip("high_usd:Q", format="$,.0f"),
            ],
        ),
        alt.Chart(extremes)
        .mark_rule(strokeDash=[4, 3])
        .encode(
            y="total_cost_usd:Q",
            color=alt.Color(
                "policy:N",
                scale=alt.Scale(range=list(_SWITCH_COLOURS[:2])),
                title=None,
                legend=alt.Legend(symbolType="stroke", symbolDash=[4, 3], **bottom),
            ),
            tooltip=["policy:N", cost_tip],
        ),
        alt.Chart(data)
        .mark_line(color=_SELLER_COLOURS[0])
        .encode(x=x, y=y, tooltip=[alt.Tooltip("cap_usd:Q", format="$,.0f"), cost_tip]),
        alt.Chart(best_row)
        .mark_point(filled=True, size=120, color=_SELLER_COLOURS[0])
        .encode(x=x, y=y, tooltip=[alt.Tooltip("cap_usd:Q", format="$,.0f", title="best cap"), cost_tip]),
        alt.Chart(best_row)
        .mark_text(baseline="top", dy=10, color=_SELLER_COLOURS[0], fontWeight="bold")
        .encode(x=x, y=y, text="label:N"),
    ).properties(title=title)
