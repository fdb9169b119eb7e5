"""Alert routing as escalation: minutes to each level of harm against each route's latency (SYNTHETIC).

Time-to-harm is read off the planted loss path (:func:`~nogo.cases.knight_capital_kill_switch.timeline.
closed_form_loss_usd` inverted): the minutes after the open until the loss reaches a level. Each alert
route has a latency until someone, or something, halts: an automatic switch within its first row; a
person paged with a 5- or 15-minute response target (the response drawn uniformly within the target, an
assumption); an automated email nobody is bound to read, counted as the whole session (390 minutes:
nobody reads it before the close, an assumption; on 1 August the stop came from staff diagnosing, not from
the emails).
:func:`nogo.models.escalation.late_share` gives the share of halts that come after the harm.

Examples
--------
>>> t = time_to_harm_table([20e6, 460e6], loss_total_usd=460e6, minutes=45, seed=1)
>>> t[["harm_usd", "minutes_to_harm"]].round(2).values.tolist()
[[20000000.0, 1.96], [460000000.0, 45.0]]
>>> t["late_email only"].tolist()
[1.0, 1.0]
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from nogo._validate import as_float_array, as_rng
from nogo.models.escalation import late_share

__all__ = ["ROUTE_LATENCY_MINUTES", "route_latencies", "time_to_harm_table"]

ROUTE_LATENCY_MINUTES: dict[str, float] = {
    "automatic switch": 1 / 60,
    "paged, 5 minutes": 5.0,
    "paged, 15 minutes": 15.0,
    "email only": 390.0,
}
"""Each route's latency ceiling in minutes (an automatic switch: one second; email: the whole session)."""


def route_latencies(n: int = 1000, *, seed: int | np.random.Generator = 0) -> dict[str, np.ndarray]:
    """``n`` halting latencies (minutes) per route: fixed for a switch and email, uniform within a page's
    response target (an assumption)."""
    rng = as_rng(seed)
    u = rng.random(n)
    return {
        route: (np.full(n, ceiling) if route in ("automatic switch", "email only") else u * ceiling)
        for route, ceiling in ROUTE_LATENCY_MINUTES.items()
    }


def time_to_harm_table(
    harm_usd: Any,
    *,
    loss_total_usd: float,
    minutes: float,
    loss_power: float = 1.0,
    seed: int = 0,
    n: int = 1000,
) -> pd.DataFrame:
    """Minutes from the open until the planted loss reaches each level, and each route's late share.

    Returns
    -------
    pandas.DataFrame
        ``harm_usd``, ``minutes_to_harm`` (``inf`` beyond the span), and ``late_<route>`` per route: the
        share of halts by that route that come after the harm (:func:`nogo.models.escalation.late_share`).
    """
    harm = as_float_array("harm_usd", harm_usd)
    frac = np.where(harm <= loss_total_usd, (harm / loss_total_usd) ** (1.0 / loss_power), np.inf)
    to_harm = float(minutes) * frac
    out = pd.DataFrame({"harm_usd": harm, "minutes_to_harm": to_harm})
    for route, latency in route_latencies(n, seed=seed).items():
        out[f"late_{route}"] = [late_share(latency, t) for t in to_harm]
    return out
