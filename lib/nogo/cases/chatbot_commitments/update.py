"""An update that regresses, replayed against the switches that could take it off the air.

DPD's chatbot went wrong after a system update (shared/incidents.md 10c) and DPD said it disabled the AI
element at once; the dealership's bot was pulled within about 48 hours (SEEN only in a secondary source);
New York City kept MyCity live with a disclaimer. :func:`update_stream` draws a synthetic stream of
adversarial attempts, one row each, before and after an update that multiplies the commitment rate;
:func:`switch_comparison` runs the kill switches of :mod:`nogo.models.killswitch` over it
(:func:`nogo.evaluate_kill_switches`): a rollback trigger on the error rate
(:class:`~nogo.models.killswitch.ErrorRateRollback`), a CUSUM
(:class:`~nogo.models.killswitch.CusumErrorRate`), a manual pull a given number of hours after the first
commitment (a :class:`~nogo.models.killswitch.SignalCap` on the hours since it), and no switch at all (kept
live behind a disclaimer).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from nogo._validate import as_bounded_scalar as _scalar
from nogo._validate import as_rng
from nogo._validate import check_count as _count
from nogo.models.killswitch import (
    CusumErrorRate,
    ErrorRateRollback,
    SignalCap,
    evaluate_kill_switches,
)

__all__ = ["switch_comparison", "update_stream"]


def update_stream(
    *,
    attacks_per_day: float,
    rate_before: float,
    rate_after: float,
    public_failure_usd: float,
    days_before: int,
    days_after: int,
    seed: int,
) -> pd.DataFrame:
    """Adversarial attempts before and after an update, one row each, oldest first (synthetic).

    Attempts arrive ``attacks_per_day`` a day, evenly; each commits with the rate of its side of the update
    (``error`` 1) and costs ``public_failure_usd`` (``loss_usd``). ``hours_since_first`` counts hours since
    the first commitment after the update (0 before it), the signal a manual pull watches.

    Returns
    -------
    pandas.DataFrame
        ``timestamp`` (hours since the stream began), ``day``, ``after_update``, ``error``, ``loss_usd``,
        ``hours_since_first``.

    Examples
    --------
    >>> s = update_stream(attacks_per_day=24, rate_before=0.0, rate_after=1.0, public_failure_usd=10.0,
    ...                   days_before=1, days_after=1, seed=0)
    >>> len(s), int(s["error"].sum()), float(s["hours_since_first"].max())
    (48, 24, 23.0)
    """
    per_day = _scalar(
        "attacks_per_day", attacks_per_day, low=0.0, low_open=True, expected="attempts a day > 0"
    )
    before, after = _count("days_before", days_before), _count("days_after", days_after)
    rates = [_scalar(n, r, low=0.0, high=1.0, expected="a rate") for n, r in
             (("rate_before", rate_before), ("rate_after", rate_after))]  # fmt: skip
    cost = _scalar("public_failure_usd", public_failure_usd, low=0.0, expected="a cost >= 0")
    n = round(per_day * (before + after))
    hours = np.arange(n) * 24.0 / per_day
    after_update = hours >= before * 24.0
    rate = np.where(after_update, rates[1], rates[0])
    error = (as_rng(seed).random(n) < rate).astype(np.int64)
    first = np.flatnonzero(after_update & (error == 1))
    since = (
        np.zeros(n) if first.size == 0 else np.where(hours >= hours[first[0]], hours - hours[first[0]], 0.0)
    )
    return pd.DataFrame(
        {"timestamp": hours, "day": (hours // 24).astype(int), "after_update": after_update, "error": error,
         "loss_usd": error * cost, "hours_since_first": since}
    )  # fmt: skip


def switch_comparison(
    stream: pd.DataFrame,
    *,
    rollback_rate: float,
    window: int,
    rate_before: float,
    rate_after: float,
    pull_after_hours: float,
    arl: float = 10_000.0,
) -> pd.DataFrame:
    """Each switch on the stream: when it fires and the loss it lets through, beside no switch at all.

    Parameters
    ----------
    stream
        :func:`update_stream`'s frame.
    rollback_rate, window
        The rollback trigger: fires when the lower 95% bound of the error rate over the last ``window``
        attempts exceeds ``rollback_rate``.
    rate_before, rate_after
        The CUSUM's in-control and alarm rates; its threshold is ``log(arl)`` (a false alarm about once in
        ``arl`` attempts or fewer, Lorden's bound).
    pull_after_hours
        The manual pull: hours after the first commitment following the update.

    Returns
    -------
    pandas.DataFrame
        :func:`nogo.evaluate_kill_switches`' columns, one row per switch, plus a last row for the bot kept
        live (no switch fires; the loss is the stream's).

    Examples
    --------
    >>> s = update_stream(attacks_per_day=20, rate_before=0.001, rate_after=0.05, public_failure_usd=1e4,
    ...                   days_before=10, days_after=20, seed=1)
    >>> out = switch_comparison(s, rollback_rate=0.001, window=140, rate_before=0.001, rate_after=0.05,
    ...                         pull_after_hours=48)
    >>> bool(out["loss_with_switch_usd"].iloc[-1] >= out["loss_with_switch_usd"].iloc[:-1].max())
    True
    """
    switches = [
        ErrorRateRollback(rollback_rate=rollback_rate, window=_count("window", window),
                          label=f"rollback trigger: error rate over the last {window:,} attempts"),
        CusumErrorRate(p0=rate_before, p1=rate_after, h=float(np.log(arl)), label="CUSUM on the error rate"),
        SignalCap("hours_since_first", pull_after_hours,
                  label=f"a person pulls it {pull_after_hours:g} hours after the first commitment"),
    ]  # fmt: skip
    out = evaluate_kill_switches(stream, switches, time_col="timestamp")
    total = float(stream["loss_usd"].sum())
    live = {"switch": "kept live with a disclaimer", "fired": False, "fired_at_index": pd.NA,
            "fired_at": np.nan, "status": "not fired", "decisions_before_fire": len(stream),
            "loss_before_fire_usd": total, "loss_total_usd": total, "loss_with_switch_usd": total,
            "loss_avoided_usd": 0.0}  # fmt: skip
    out = pd.concat([out, pd.DataFrame([live])], ignore_index=True)
    out["fired_at_index"] = out["fired_at_index"].astype("Int64")
    return out
