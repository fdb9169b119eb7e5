"""The 45 minutes of 1 August 2012, rebuilt second by second (SYNTHETIC), and the loss each switch caps.

The published record (shared/incidents.md section 6) gives the totals of the errant trading: about 45
minutes after the 9:30 open, a loss of more than $460M, more than 4 million child orders for 212 parent
(customer) orders, more than 397 million shares. It does not give the shape of the loss over time. So
:func:`errant_stream` *plants* the totals in a synthetic stream and makes the shape a parameter: the
cumulative loss after ``s`` of ``T`` seconds is

``L(s) = loss_total_usd * (s / T) ** loss_power``

(``loss_power`` 1: a steady loss rate; 2: accelerating, as the unwanted positions grow). Child orders and
shares arrive at a steady pace (cumulative ``floor(total * s / T)``), an assumption too. The stream's
totals are therefore *planted*, not reproduced: checking them is a consistency check.

Because the path is planted in closed form, the second at which each switch fires can be computed twice:
by running the switch of :mod:`nogo.models.killswitch` over the stream (it fires at the first row where
its running statistic reaches its limit; that row's loss counts), and by inverting the closed form
(:func:`closed_form_fire_second`). The two must agree to the row; the notebook and the tests check it.

Examples
--------
>>> s = errant_stream(loss_total_usd=460e6, minutes=45, child_orders=4_000_000, parent_orders=212,
...                   shares=397_000_000, step_seconds=1, seed=1)
>>> len(s), round(s["loss_usd"].sum() / 1e6), int(s["child_orders"].sum())
(2700, 460, 4000000)
>>> closed_form_loss_usd(5 * 60, loss_total_usd=460e6, minutes=45) / 1e6  # a halt at minute 5
51.111111111111114
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from nogo._validate import as_bounded_scalar as _scalar
from nogo._validate import as_rng
from nogo._validate import check_count as _count
from nogo.errors import InputError
from nogo.models.killswitch import (
    CumulativeLossCap,
    CusumErrorRate,
    KillSwitch,
    LossRateCap,
    SignalCap,
    evaluate_kill_switches,
)

__all__ = [
    "OPEN",
    "RATIO_COLUMN",
    "closed_form_fire_second",
    "closed_form_loss_usd",
    "default_switches",
    "errant_stream",
    "halt_minute_table",
    "switch_table",
    "usd_label",
]

OPEN = pd.Timestamp("2012-08-01 09:30:00")
"""The NYSE open on 1 August 2012 (New York time), when the errant trading began (K1, K2)."""
RATIO_COLUMN = "child_per_parent"
"""The order-to-fill signal: child orders sent so far per parent order being filled."""


def _stream_inputs(loss_total_usd: float, minutes: float, loss_power: float) -> tuple[float, float, float]:
    total = _scalar("loss_total_usd", loss_total_usd, low=0.0, low_open=True, expected="a loss > 0")
    span = _scalar("minutes", minutes, low=0.0, low_open=True, expected="minutes > 0")
    power = _scalar("loss_power", loss_power, low=0.25, high=4.0, expected="a shape exponent in [0.25, 4]")
    return total, span * 60.0, power


def errant_stream(
    *,
    loss_total_usd: float,
    minutes: float,
    child_orders: int,
    parent_orders: int,
    shares: int,
    loss_power: float = 1.0,
    step_seconds: int = 1,
    error_rate: float = 0.95,
    seed: int | np.random.Generator = 0,
) -> pd.DataFrame:
    """The errant trading, one row per ``step_seconds``, with the published totals planted (SYNTHETIC).

    Parameters
    ----------
    loss_total_usd, minutes, child_orders, parent_orders, shares
        The totals the record gives (planted): the loss, the duration, the child orders sent, the parent
        orders they were sent for, the shares traded.
    loss_power
        The shape of the cumulative loss over time (an assumption: the record gives no shape): 1 linear,
        above 1 accelerating, below 1 front-loaded.
    step_seconds
        Seconds per row (the whole span must be a whole number of steps).
    error_rate
        ASSUMPTION: the chance that a row shows an over-fill (a child order sent for a parent order already
        filled), the error signal a CUSUM watches; the only random column, drawn from ``seed``.
    seed
        Seed (or generator) of the ``error`` column.

    Returns
    -------
    pandas.DataFrame
        ``second`` (elapsed at the row's end), ``minute``, ``timestamp``, ``loss_usd`` (in the row),
        ``cum_loss_usd``, ``child_orders``, ``cum_child_orders``, ``child_per_parent`` (the order-to-fill
        signal), ``shares``, ``error``.
    """
    total, span_s, power = _stream_inputs(loss_total_usd, minutes, loss_power)
    step = _count("step_seconds", step_seconds)
    n = span_s / step
    if not float(n).is_integer():
        raise InputError(f"step_seconds: {step} does not divide the {span_s:g}-second span into whole steps")
    parents = _count("parent_orders", parent_orders)
    rate = _scalar("error_rate", error_rate, low=0.0, high=1.0, expected="a chance in [0, 1]")
    second = step * np.arange(1, int(n) + 1, dtype=np.int64)
    frac = second / span_s
    cum_loss = total * frac**power
    cum_child = np.floor(_count("child_orders", child_orders) * frac + 1e-9)
    cum_shares = np.floor(_count("shares", shares) * frac + 1e-9)
    rng = as_rng(seed)
    return pd.DataFrame(
        {
            "second": second,
            "minute": second / 60.0,
            "timestamp": OPEN + pd.to_timedelta(second, unit="s"),
            "loss_usd": np.diff(cum_loss, prepend=0.0),
            "cum_loss_usd": cum_loss,
            "child_orders": np.diff(cum_child, prepend=0.0).astype(np.int64),
            "cum_child_orders": cum_child.astype(np.int64),
            RATIO_COLUMN: cum_child / parents,
            "shares": np.diff(cum_shares, prepend=0.0).astype(np.int64),
            "error": (rng.random(second.size) < rate).astype(np.int64),
        }
    )


def closed_form_loss_usd(
    second: Any, *, loss_total_usd: float, minutes: float, loss_power: float = 1.0
) -> np.ndarray | float:
    """The planted cumulative loss ``L(s) = total * (s / T) ** power`` after ``second`` seconds (capped at T).

    Examples
    --------
    >>> closed_form_loss_usd([60, 2700], loss_total_usd=460e6, minutes=45, loss_power=2).round().tolist()
    [227160.0, 460000000.0]
    """
    total, span_s, power = _stream_inputs(loss_total_usd, minutes, loss_power)
    s = np.clip(np.asarray(second, dtype=float), 0.0, span_s)
    out = total * (s / span_s) ** power
    return float(out) if out.ndim == 0 else out


def closed_form_fire_second(
    kind: str,
    limit: float,
    *,
    loss_total_usd: float,
    minutes: float,
    child_orders: int,
    parent_orders: int,
    loss_power: float = 1.0,
    step_seconds: int = 1,
) -> float:
    """The second (a row's end) at which a switch fires on the planted path, by inverting the closed form.

    ``kind`` is ``"loss"`` (a cumulative loss cap of ``limit`` USD: the first row with
    ``L(s) >= limit``, ``s = T (limit / total) ** (1 / power)`` rounded up to a row) or ``"ratio"`` (an
    order-to-fill cap of ``limit`` child orders per parent: the first row with
    ``floor(C s / T) >= ceil(limit * parents)``). ``inf`` when the switch never fires in the span.

    Examples
    --------
    >>> closed_form_fire_second("loss", 20e6, loss_total_usd=460e6, minutes=45, child_orders=4_000_000,
    ...                         parent_orders=212)
    118.0
    """
    total, span_s, power = _stream_inputs(loss_total_usd, minutes, loss_power)
    step = _count("step_seconds", step_seconds)
    if kind == "loss":
        exact = span_s * (float(limit) / total) ** (1.0 / power)
    elif kind == "ratio":
        need = np.ceil(float(limit) * _count("parent_orders", parent_orders) - 1e-9)
        exact = need * span_s / _count("child_orders", child_orders)
    else:
        raise InputError(f"kind: expected 'loss' or 'ratio', got {kind!r}")
    fire = max(step, step * np.ceil(exact / step - 1e-9))
    return float(fire) if fire <= span_s else float("inf")


def switch_table(stream: pd.DataFrame, switches: list[KillSwitch]) -> pd.DataFrame:
    """When each switch fires on the stream and the loss it lets through, against the loss that happened.

    :func:`nogo.models.killswitch.evaluate_kill_switches` on the stream (a halt stops every later row:
    their loss is 0, an assumption that the halt freezes the loss where it stands), with the fire's
    ``minute`` and the ``share_of_loss`` let through.
    """
    out = evaluate_kill_switches(stream, switches)
    at = out["fired_at_index"]
    minutes = stream["minute"].to_numpy()
    out["minute"] = [np.nan if pd.isna(i) else float(minutes[int(i)]) for i in at]
    out["share_of_loss"] = out["loss_with_switch_usd"] / out["loss_total_usd"]
    return out


def halt_minute_table(stream: pd.DataFrame, halt_minutes: list[float], **planted: Any) -> pd.DataFrame:
    """A halt at each of ``halt_minutes`` (a person, a clock), two ways: the switch on the stream, and the
    closed form of the planted path.

    The switch is a :class:`~nogo.models.killswitch.SignalCap` on the stream's ``minute`` column (it fires
    at the row where the clock reaches the minute). ``planted`` are the closed form's arguments
    (``loss_total_usd``, ``minutes``, ``loss_power``).

    Returns
    -------
    pandas.DataFrame
        ``halt_minute``, ``loss_let_through_usd`` (the switch on the stream), ``closed_form_usd``,
        ``loss_avoided_usd``, ``share_of_loss``.
    """
    switches = [SignalCap("minute", float(m), label=f"halt at minute {m:g}") for m in halt_minutes]
    run = evaluate_kill_switches(stream, switches)
    closed = closed_form_loss_usd(np.asarray(halt_minutes, dtype=float) * 60.0, **planted)
    return pd.DataFrame(
        {
            "halt_minute": np.asarray(halt_minutes, dtype=float),
            "loss_let_through_usd": run["loss_with_switch_usd"].to_numpy(),
            "closed_form_usd": np.atleast_1d(closed),
            "loss_avoided_usd": run["loss_avoided_usd"].to_numpy(),
            "share_of_loss": run["loss_with_switch_usd"].to_numpy() / run["loss_total_usd"].to_numpy(),
        }
    )


def default_switches(
    *,
    loss_caps_usd: tuple[float, ...] = (1e6, 5e6, 20e6, 100e6),
    ratio_caps: tuple[float, ...] = (10, 100, 1000),
    loss_rate_usd_per_minute: float = 2e6,
    cusum_p0: float = 0.01,
    cusum_p1: float = 0.5,
    cusum_h: float = 5.0,
) -> list[KillSwitch]:
    """The switches the notebook's table compares: loss caps, order-to-fill caps, a loss-rate cap, a CUSUM.

    Every limit is an illustrative choice (the levers of the signature drill, plus a loss of
    ``loss_rate_usd_per_minute`` within any trailing minute and a CUSUM on over-fills from rate
    ``cusum_p0`` to ``cusum_p1`` with decision threshold ``cusum_h``).

    Examples
    --------
    >>> [s.name for s in default_switches(loss_caps_usd=(5e6,), ratio_caps=(100,))][:2]
    ['cumulative loss cap $5M', 'order-to-fill cap 100 child orders per parent']
    """
    out: list[KillSwitch] = [
        CumulativeLossCap(c, label=f"cumulative loss cap {usd_label(c)}") for c in loss_caps_usd
    ]
    out += [
        SignalCap(RATIO_COLUMN, r, label=f"order-to-fill cap {r:,.0f} child orders per parent")
        for r in ratio_caps
    ]
    out.append(
        LossRateCap(
            loss_rate_usd_per_minute,
            window="60s",
            label=f"loss-rate cap {usd_label(loss_rate_usd_per_minute)} a minute",
        )
    )
    out.append(CusumErrorRate(cusum_p0, cusum_p1, cusum_h, label="CUSUM on over-fills"))
    return out


def usd_label(x: float) -> str:
    """A round dollar amount as a lever reads it (``$5M``, ``$250,000``).

    Examples
    --------
    >>> usd_label(20e6), usd_label(2.5e6), usd_label(250_000)
    ('$20M', '$2.5M', '$250,000')
    """
    return f"${x / 1e6:,.4g}M" if x >= 1e6 else f"${x:,.0f}"
