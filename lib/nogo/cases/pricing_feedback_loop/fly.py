"""The Fly run ("The Making of a Fly", April 2011; shared/incidents.md section 1): guardrails on a
repricing loop.

:func:`fly_guardrails` replays the two published rules with :func:`nogo.repricing_loop` and finds, with the
switches of :mod:`nogo.models.killswitch`, the day a price cap, a daily change limit and an anomaly kill
switch would each have stopped the loop; :func:`loop_projection` runs the loop forward with noisy
multipliers under each bound.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from nogo._validate import as_bounded_scalar as _scalar
from nogo._validate import as_rng as _rng
from nogo._validate import check_choice
from nogo.errors import InputError
from nogo.models.dynamics import repricing_loop
from nogo.models.killswitch import CusumErrorRate, SignalCap, evaluate_kill_switches

__all__ = ["GUARDRAIL_POLICIES", "fly_guardrails", "loop_projection"]

# The Fly run (shared/incidents.md section 1), the defaults of fly_guardrails and loop_projection.
_FLY_P0_USD = 1_730_045.91  # cheapest new copy when first noticed: F1, F2 (SEEN)
_FLY_MULTIPLIER_A = 0.9983  # profnath: 0.9983 x bordeebook's price: F2 (SEEN)
_FLY_MULTIPLIER_B = 1.270589  # bordeebook: 1.270589 x profnath's price: F2, F4 (SEEN)
_FLY_DAYS = 10  # DERIVED: p0 * 1.270589 * 1.26843**10 = the $23,698,655.93 peak (F3, F5), 18 April (F1)


def fly_guardrails(
    *,
    reference_usd: float,
    cap_multiple: float = 10.0,
    max_daily_change: float = 0.10,
    anomaly_move: float = 0.10,
    anomaly_cusum: tuple[float, float, float] = (0.05, 0.5, 5.0),
    seller: str = "highest",
    p0_a_usd: float = _FLY_P0_USD,
    multiplier_a: float = _FLY_MULTIPLIER_A,
    multiplier_b: float = _FLY_MULTIPLIER_B,
    days: int = _FLY_DAYS,
    noise_sd: float = 0.0,
    seed: int | None = None,
) -> pd.DataFrame:
    """When three guardrails would have stopped the Fly repricing loop, and the peak each would have avoided.

    The loop is :func:`nogo.repricing_loop`, unbounded, by default at the published figures (profnath
    0.9983, F2; bordeebook 1.270589, F2/F4; $1,730,045.91 first seen, F1/F2; the $23,698,655.93 peak on
    day 10, DERIVED). Each day's price of ``seller`` (``"a"``, ``"b"`` or the ``"highest"``) is checked
    once set; from the day a switch fires, the price freezes.

    * price cap: :class:`nogo.SignalCap` at ``cap_multiple * reference_usd``;
    * daily change limit: :class:`nogo.SignalCap` on the relative change from the day before (0 on day 0),
      at ``max_daily_change``;
    * anomaly kill switch: a Bernoulli CUSUM (:class:`nogo.CusumErrorRate` with ``anomaly_cusum = (p0, p1,
      h)``) on "anomalous" days, whose change is at least ``anomaly_move``: one jump does not stop the bot,
      a run of them does (at the defaults, the third in a row).

    Returns
    -------
    pandas.DataFrame
        One row per switch: ``switch`` (``"price cap"``, ``"daily change limit"``, ``"anomaly kill
        switch"``), ``rule``, ``fired``, ``fired_day`` (nullable int), ``price_at_fire_usd`` (NaN if it
        never fired), ``peak_usd`` (the highest price with no switch), ``peak_with_switch_usd`` and
        ``peak_avoided_usd``, via :func:`nogo.evaluate_kill_switches` on the running peak.

    Examples
    --------
    >>> g = fly_guardrails(reference_usd=1e6)  # a cap at $10M
    >>> g[["switch", "fired_day"]].values.tolist()
    [['price cap', 7], ['daily change limit', 1], ['anomaly kill switch', 3]]
    """
    ref = _scalar("reference_usd", reference_usd, low=0.0, low_open=True, expected="a price > 0")
    multiple = _scalar("cap_multiple", cap_multiple, low=0.0, low_open=True, expected="a multiple > 0")
    limit = _scalar("max_daily_change", max_daily_change, low=0.0, low_open=True, expected="a share > 0")
    move = _scalar("anomaly_move", anomaly_move, low=0.0, low_open=True, expected="a share > 0")
    check_choice("seller", seller, ("a", "b", "highest"))
    if not isinstance(anomaly_cusum, tuple | list) or len(anomaly_cusum) != 3:
        raise InputError(f"anomaly_cusum: expected (p0, p1, h), got {anomaly_cusum!r}")
    path = repricing_loop(p0_a_usd, multiplier_a, multiplier_b, days, noise_sd=noise_sd, seed=seed)
    a, b = path["price_a_usd"].to_numpy(), path["price_b_usd"].to_numpy()
    price = {"a": a, "b": b, "highest": np.maximum(a, b)}[seller]
    change = np.concatenate([[0.0], np.abs(price[1:] / price[:-1] - 1)])
    peak = np.maximum.accumulate(price)
    rise = np.diff(peak, prepend=peak[0])  # rise of the running peak: the "loss" a switch caps
    stream = pd.DataFrame(
        {"price_usd": price, "daily_change": change, "anomalous": change >= move, "loss_usd": rise}
    )
    switches = [
        SignalCap("price_usd", multiple * ref, label="price cap"),
        SignalCap("daily_change", limit, label="daily change limit"),
        CusumErrorRate(*anomaly_cusum, column="anomalous", label="anomaly kill switch"),
    ]
    ev = evaluate_kill_switches(stream, switches)
    out = ev[["switch", "fired", "fired_at_index"]].rename(columns={"fired_at_index": "fired_day"})
    out.insert(1, "rule", [s.describe() for s in switches])
    at = out["fired_day"].fillna(0).to_numpy(dtype=np.int64)
    out["price_at_fire_usd"] = np.where(out["fired"], price[at], np.nan)
    out["peak_usd"] = peak[-1]
    out["peak_with_switch_usd"] = peak[-1] - ev["loss_avoided_usd"]
    out["peak_avoided_usd"] = ev["loss_avoided_usd"]
    return out


# -- the Fly loop run forward ----------------------------------------------------------------------------

GUARDRAIL_POLICIES: tuple[str, ...] = ("no guardrail", "daily change limit", "price cap")
"""The policies of :func:`loop_projection`, in order."""


def loop_projection(
    *,
    reference_usd: float,
    noise_sd: float,
    seed: int | np.random.Generator,
    cap_multiple: float = 10.0,
    max_daily_change: float = 0.10,
    days: int = 90,
    n_paths: int = 500,
    p0_a_usd: float = _FLY_P0_USD,
    multiplier_a: float = _FLY_MULTIPLIER_A,
    multiplier_b: float = _FLY_MULTIPLIER_B,
) -> pd.DataFrame:
    """The Fly loop run forward from its first sighting for ``days`` days, with noisy multipliers, under each
    policy of :data:`GUARDRAIL_POLICIES`: no bound; each seller's daily change limited to
    ``max_daily_change``; each seller's price capped at ``cap_multiple * reference_usd``.

    Each run is :func:`nogo.repricing_loop` with lognormal jitter ``noise_sd`` on both multipliers (the
    published ones are the medians). Every policy replays the same jitter (common random numbers), so the
    differences between policies are theirs, not the sample's. Day 0 is the sighting: seller A's observed
    price is not bounded by any policy, so on day 0 the price cap shows that price, and binds from day 1.

    Returns
    -------
    pandas.DataFrame
        ``policy``, ``path``, ``day`` (0 to ``days``), ``price_usd`` (the higher of the two sellers' prices
        at the end of that day), ``log10_price_usd``; ``attrs`` hold ``cap_usd``, ``max_daily_change`` and
        ``noise_sd``.

    Examples
    --------
    >>> f = loop_projection(reference_usd=100.0, noise_sd=0.0, seed=0, days=30, n_paths=1)
    >>> f[f["day"] == 30].set_index("policy")["price_usd"].map("{:,.0f}".format).to_dict()
    {'no guardrail': '2,754,530,511', 'daily change limit': '38,356,880', 'price cap': '1,000'}
    """
    ref = _scalar("reference_usd", reference_usd, low=0.0, low_open=True, expected="a price > 0")
    multiple = _scalar("cap_multiple", cap_multiple, low=0.0, low_open=True, expected="a multiple > 0")
    cap = multiple * ref
    # One integer seed replayed for every policy (a Generator is drawn from once).
    base = int(_rng(seed).integers(2**63 - 1)) if isinstance(seed, np.random.Generator) else seed
    _rng(base)
    bounds: dict[str, dict[str, float]] = {
        "no guardrail": {},
        "daily change limit": {"max_daily_change": max_daily_change},
        "price cap": {"cap_usd": cap},
    }
    parts = []
    for policy in GUARDRAIL_POLICIES:
        f = repricing_loop(
            p0_a_usd, multiplier_a, multiplier_b, days, noise_sd=noise_sd, n_paths=n_paths, seed=base,
            **bounds[policy],
        )  # fmt: skip
        price = np.maximum(f["price_a_usd"].to_numpy(), f["price_b_usd"].to_numpy())
        frame = pd.DataFrame({"policy": policy, "path": f["path"], "day": f["day"], "price_usd": price})
        parts.append(frame.assign(log10_price_usd=np.log10(price)))
    out = pd.concat(parts, ignore_index=True)
    out.attrs |= {"cap_usd": cap, "max_daily_change": float(max_daily_change), "noise_sd": float(noise_sd)}
    return out
