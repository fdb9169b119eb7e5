"""Escalation: reviewers are a queue, the queue has a clock, and a tired reviewer misses things.

*The queue.* Escalations arrive at random (a Poisson stream of ``arrival_rate_per_hour``), each takes a
reviewer an exponentially distributed time with mean ``handle_minutes``, ``reviewers`` identical people
take them first come, first served, and nobody gives up waiting: an M/M/c queue. Per minute, with
``lam = arrival_rate_per_hour / 60``, ``mu = 1 / handle_minutes`` and ``c = reviewers``:

* offered load ``A = lam / mu`` (erlangs: reviewers' worth of work), utilisation ``rho = A / c``;
* probability an escalation waits, Erlang C: ``C = c B / (c - A (1 - B))``, where ``B`` is Erlang B, the
  Poisson(A) probability of ``c`` divided by that of at most ``c``; both are taken in log space from
  :data:`scipy.stats.poisson`, so no factorial is formed and 10,000 reviewers with a load of thousands
  of erlangs are as exact as 2;
* wait: zero with probability ``1 - C``, otherwise exponential with rate ``theta = c mu - lam``, so
  ``P(wait > t) = C exp(-theta t)``, mean wait ``C / theta`` and service level (share answered within
  ``t``) ``1 - C exp(-theta t)``.

When ``A >= c`` the queue is unstable: the backlog grows without bound. The functions then return the
long-run limits (every escalation waits, waits are infinite, none is answered within any SLA, every one
is too late) instead of raising, so a sweep over headcount can include the understaffed rows; the
``stable`` column says which rows these are.

*Time to harm.* A decision arrives after wait + handling + any fixed extra latency (paging, acting on
the answer). Handling is independent of the wait, so the share that arrives after a harm deadline has a
closed form (an exponential convolved with an exponential, with the equal-rate case taken as a limit).

*Alert fatigue.* Reviewers shown mostly false alarms, or too many alarms, catch fewer of the real
ones. :func:`catch_rate` states one functional form with named parameters; it is an assumption to
argue with, not an estimate.

Assumptions worth saying out loud: arrivals are Poisson (burstier arrivals wait longer); handling times
are exponential (less variable handling waits less, roughly in proportion to ``(1 + cv**2) / 2``, the
Allen-Cunneen approximation, so these waits are on the cautious side for steady work); nobody abandons;
no priorities; reviewers are always on shift and equally fast.
"""

from __future__ import annotations

from types import MappingProxyType

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.stats import poisson

from nogo._validate import as_float_array, check_same_length
from nogo.errors import InputError

__all__ = [
    "FATIGUE_DEFAULTS",
    "catch_rate",
    "delay_cost_usd",
    "erlang_c",
    "fatigued_miss_rate",
    "late_share",
    "queue_metrics",
    "reviewers_needed",
    "share_too_late",
    "staffing_costs",
]

FATIGUE_DEFAULTS = MappingProxyType(
    {
        "max_catch_rate": 0.95,
        "precision_exponent": 0.5,
        "half_volume_per_hour": 30.0,
        "volume_exponent": 2.0,
    }
)
"""Default parameters of :func:`catch_rate`: illustrative assumptions, not estimates."""


# --------------------------------------------------------------------------- validation


def _positive(name: str, values: npt.ArrayLike) -> np.ndarray:
    arr = as_float_array(name, values)
    bad = arr <= 0
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError(f"{name}: expected values > 0, found {arr[i].item()!r} at row {i}")
    return arr


def _reviewers(values: npt.ArrayLike) -> np.ndarray:
    arr = as_float_array("reviewers", values)
    bad = (arr < 1) | (arr != np.floor(arr))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError(f"reviewers: expected whole numbers >= 1, found {arr[i].item()!r} at row {i}")
    return arr


def _scalar(name: str, value: float, *, low: float, high: float, open_low: bool, open_high: bool) -> float:
    arr = as_float_array(name, value)
    if arr.size != 1:
        raise InputError(f"{name}: expected a single number, got {arr.size} values")
    v = float(arr[0])
    if (v <= low if open_low else v < low) or (v >= high if open_high else v > high):
        lb, rb = "(" if open_low else "[", ")" if open_high else "]"
        raise InputError(f"{name}: expected a number in {lb}{low:g}, {high:g}{rb}, got {value!r}")
    return v


def _one(name: str, value: float) -> float:
    """A single number >= 0."""
    arr = as_float_array(name, value, nonnegative=True)
    if arr.size != 1:
        raise InputError(f"{name}: expected a single number, got {arr.size} values")
    return float(arr[0])


def _broadcast(**arrays: np.ndarray) -> dict[str, np.ndarray]:
    check_same_length(arrays)
    return dict(zip(arrays, np.broadcast_arrays(*arrays.values()), strict=True))


def _queue_inputs(rate, handle, reviewers, **extra: np.ndarray) -> dict[str, np.ndarray]:
    return _broadcast(
        arrival_rate_per_hour=as_float_array("arrival_rate_per_hour", rate, nonnegative=True),
        handle_minutes=_positive("handle_minutes", handle),
        reviewers=_reviewers(reviewers),
        **extra,
    )


# --------------------------------------------------------------------------- the queue


def _erlang_c(load: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Erlang C from Erlang B in log space; 1 where the queue is unstable. Inputs already valid."""
    stable = load < c
    with np.errstate(divide="ignore", invalid="ignore"):
        b = np.exp(poisson.logpmf(c, load) - poisson.logcdf(c, load))
        cw = c * b / (c - load * (1.0 - b))
    return np.where(stable, np.clip(cw, 0.0, 1.0), 1.0)


def _queue(q: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Offered load, stability, P(wait) and the wait's tail rate ``theta`` (per minute; 0 if unstable)."""
    load = q["arrival_rate_per_hour"] * q["handle_minutes"] / 60.0
    c = q["reviewers"]
    stable = load < c
    theta = np.where(stable, (c - load) / q["handle_minutes"], 0.0)
    return load, stable, _erlang_c(load, c), theta


def _within(p_wait: np.ndarray, theta: np.ndarray, stable: np.ndarray, t: np.ndarray) -> np.ndarray:
    return np.where(stable, 1.0 - p_wait * np.exp(-theta * t), 0.0)


def erlang_c(
    arrival_rate_per_hour: npt.ArrayLike, handle_minutes: npt.ArrayLike, reviewers: npt.ArrayLike
) -> np.ndarray:
    """Probability that an escalation has to wait for a reviewer (Erlang C).

    Parameters
    ----------
    arrival_rate_per_hour
        Escalations per hour, >= 0.
    handle_minutes
        Mean time a reviewer spends on one escalation, > 0.
    reviewers
        Whole numbers >= 1. All three broadcast (scalars, or arrays of one common length).

    Returns
    -------
    numpy.ndarray
        P(wait) per row, in [0, 1]; exactly 1 where the load is at or above the headcount.

    Examples
    --------
    >>> erlang_c(100, 3, [5, 6, 7]).round(4).tolist()  # 5 erlangs of work
    [1.0, 0.5875, 0.3241]
    >>> float(erlang_c(57_000, 10, 10_000)[0]) < 1e-3  # 9,500 erlangs on 10,000 reviewers
    True
    """
    q = _queue_inputs(arrival_rate_per_hour, handle_minutes, reviewers)
    return _queue(q)[2]


def queue_metrics(
    arrival_rate_per_hour: npt.ArrayLike,
    handle_minutes: npt.ArrayLike,
    reviewers: npt.ArrayLike,
    sla_minutes: float | None = None,
) -> pd.DataFrame:
    """The review queue at each headcount: load, chance of waiting, mean waits, service level.

    Parameters
    ----------
    arrival_rate_per_hour, handle_minutes, reviewers
        As in :func:`erlang_c`; they broadcast, one output row per element.
    sla_minutes
        Answer-time target; when given, adds ``sla_minutes`` and ``within_sla``.

    Returns
    -------
    pandas.DataFrame
        ``arrival_rate_per_hour``, ``handle_minutes``, ``reviewers`` (int), ``offered_load_erlangs``,
        ``utilisation`` (load per reviewer; above 1 when unstable), ``stable``, ``p_wait``,
        ``mean_wait_minutes`` (over all escalations, including those answered at once),
        ``mean_wait_if_waiting_minutes``, ``mean_queue_length`` (escalations waiting, by Little's law);
        then ``sla_minutes`` and ``within_sla`` (share answered within it) if ``sla_minutes`` is given.
        Unstable rows hold ``p_wait`` 1, infinite waits and queue, and ``within_sla`` 0.

    Examples
    --------
    >>> m = queue_metrics(100, 3, [6, 7], sla_minutes=1)
    >>> m[["p_wait", "mean_wait_minutes", "within_sla"]].round(3).to_dict("list")
    {'p_wait': [0.588, 0.324], 'mean_wait_minutes': [1.763, 0.486], 'within_sla': [0.579, 0.834]}
    """
    q = _queue_inputs(arrival_rate_per_hour, handle_minutes, reviewers)
    load, stable, p_wait, theta = _queue(q)
    with np.errstate(divide="ignore"):
        if_waiting = np.where(stable, 1.0 / np.where(stable, theta, 1.0), np.inf)
    mean_wait = np.where(stable, p_wait * if_waiting, np.inf)
    out = pd.DataFrame(
        {
            "arrival_rate_per_hour": q["arrival_rate_per_hour"],
            "handle_minutes": q["handle_minutes"],
            "reviewers": q["reviewers"].astype(np.int64),
            "offered_load_erlangs": load,
            "utilisation": load / q["reviewers"],
            "stable": stable,
            "p_wait": p_wait,
            "mean_wait_minutes": mean_wait,
            "mean_wait_if_waiting_minutes": if_waiting,
            "mean_queue_length": np.where(stable, q["arrival_rate_per_hour"] / 60.0 * mean_wait, np.inf),
        }
    )
    if sla_minutes is not None:
        sla = _one("sla_minutes", sla_minutes)
        out["sla_minutes"] = sla
        out["within_sla"] = _within(p_wait, theta, stable, sla)
    return out


def reviewers_needed(
    arrival_rate_per_hour: npt.ArrayLike,
    handle_minutes: npt.ArrayLike,
    sla_minutes: npt.ArrayLike,
    target_within_sla: float = 0.8,
) -> np.ndarray:
    """Smallest headcount that answers ``target_within_sla`` of escalations within ``sla_minutes``.

    The share answered within the SLA rises with every added reviewer (Erlang C falls and the wait's
    tail shortens), so the answer is found by doubling from the smallest stable headcount
    ``floor(A) + 1`` and then bisecting: O(log A) vectorised steps. ``sla_minutes=0`` asks for
    ``P(no wait) >= target``. At least one reviewer is always returned, even with no escalations.

    Parameters
    ----------
    arrival_rate_per_hour, handle_minutes, sla_minutes
        Broadcast; ``sla_minutes`` >= 0.
    target_within_sla
        Service-level target strictly between 0 and 1 (the classic call-centre target is 80% within
        20 seconds).

    Returns
    -------
    numpy.ndarray
        Reviewers needed per row (int64).

    Examples
    --------
    >>> reviewers_needed(100, 3, 1).tolist()  # 80% of escalations picked up within a minute
    [7]
    >>> reviewers_needed([720, 57_000], [4, 10], 0.25).tolist()
    [55, 9542]
    """
    rate = as_float_array("arrival_rate_per_hour", arrival_rate_per_hour, nonnegative=True)
    handle = _positive("handle_minutes", handle_minutes)
    sla = as_float_array("sla_minutes", sla_minutes, nonnegative=True)
    target = _scalar("target_within_sla", target_within_sla, low=0, high=1, open_low=True, open_high=True)
    b = _broadcast(arrival_rate_per_hour=rate, handle_minutes=handle, sla_minutes=sla)
    load = b["arrival_rate_per_hour"] * b["handle_minutes"] / 60.0

    def ok(c: np.ndarray) -> np.ndarray:
        q = {"arrival_rate_per_hour": b["arrival_rate_per_hour"], "handle_minutes": b["handle_minutes"]}
        _, stable, p_wait, theta = _queue({**q, "reviewers": c.astype(np.float64)})
        return _within(p_wait, theta, stable, b["sla_minutes"]) >= target

    lo = np.floor(load).astype(np.int64)  # unstable (or zero reviewers): always short of the target
    step = np.ceil(np.sqrt(load)).astype(np.int64) + 1
    hi = lo + step
    for _ in range(64):  # doubling: the service level tends to 1 as reviewers grow
        short = ~ok(hi)
        if not short.any():
            break
        lo = np.where(short, hi, lo)
        step = np.where(short, 2 * step, step)
        hi = np.where(short, hi + step, hi)
    gap = hi - lo > 1  # bisection keeps lo short of the target and hi meeting it
    while gap.any():
        mid = (lo + hi) // 2
        good = ok(np.maximum(mid, 1))
        hi = np.where(gap & good, mid, hi)
        lo = np.where(gap & ~good, mid, lo)
        gap = hi - lo > 1
    return np.maximum(hi, 1)


# --------------------------------------------------------------------------- cost of delay


def delay_cost_usd(
    arrival_rate_per_hour: npt.ArrayLike,
    handle_minutes: npt.ArrayLike,
    reviewers: npt.ArrayLike,
    *,
    cost_per_minute_usd: float,
    grace_minutes: float = 0.0,
    breach_usd: float = 0.0,
) -> np.ndarray:
    """Expected cost of waiting, per escalation, from the M/M/c wait distribution.

    Waiting is free for ``grace_minutes``; each minute beyond costs ``cost_per_minute_usd``, and any wait
    beyond it also costs a fixed ``breach_usd`` (an SLA penalty, a customer who notices). With
    ``P(W > g) = C exp(-theta g)`` and ``E[(W - g)+] = C exp(-theta g) / theta`` this is

    ``cost_per_minute_usd * C exp(-theta g) / theta + breach_usd * C exp(-theta g)``.

    Only the time in the queue is priced; the handling time is the review cost itself. Add the result
    to the review cost to get ``escalate_usd`` for :class:`nogo.DecisionCosts`. Unstable rows cost
    ``inf`` when minutes are priced (``breach_usd`` alone when they are not).

    Examples
    --------
    >>> delay_cost_usd(100, 3, [6, 7], cost_per_minute_usd=2.0).round(3).tolist()  # 2 x mean wait
    [3.525, 0.972]
    """
    per_minute = _one("cost_per_minute_usd", cost_per_minute_usd)
    grace = _one("grace_minutes", grace_minutes)
    breach = _one("breach_usd", breach_usd)
    _, stable, p_wait, theta = _queue(_queue_inputs(arrival_rate_per_hour, handle_minutes, reviewers))
    late = np.where(stable, p_wait * np.exp(-theta * grace), 1.0)
    excess_minutes = late / np.where(stable, theta, 1.0)  # E[(W - grace)+] where stable
    unstable_minutes = np.inf if per_minute > 0 else 0.0
    return np.where(stable, per_minute * excess_minutes, unstable_minutes) + breach * late


def staffing_costs(
    arrival_rate_per_hour: npt.ArrayLike,
    handle_minutes: npt.ArrayLike,
    reviewers: npt.ArrayLike,
    *,
    reviewer_cost_per_hour_usd: float,
    cost_per_minute_usd: float = 0.0,
    grace_minutes: float = 0.0,
    breach_usd: float = 0.0,
) -> pd.DataFrame:
    """Hourly cost of a headcount: reviewers' pay against the delay they prevent.

    Sweep ``reviewers`` to draw the staffing trade-off; the cheapest row is the cost-optimal headcount.

    Returns
    -------
    pandas.DataFrame
        ``arrival_rate_per_hour``, ``handle_minutes``, ``reviewers``, ``utilisation``, ``p_wait``,
        ``mean_wait_minutes``, ``delay_cost_per_escalation_usd`` (:func:`delay_cost_usd`),
        ``delay_cost_per_hour_usd`` (times the arrival rate), ``reviewer_cost_per_hour_usd`` (reviewers
        times the hourly cost) and ``total_cost_per_hour_usd``.

    Examples
    --------
    >>> t = staffing_costs(100, 3, [6, 7, 8], reviewer_cost_per_hour_usd=40, cost_per_minute_usd=2)
    >>> t["total_cost_per_hour_usd"].round(1).tolist()
    [592.5, 377.2, 353.5]
    """
    wage = _one("reviewer_cost_per_hour_usd", reviewer_cost_per_hour_usd)
    m = queue_metrics(arrival_rate_per_hour, handle_minutes, reviewers)
    per_escalation = delay_cost_usd(
        m["arrival_rate_per_hour"],
        m["handle_minutes"],
        m["reviewers"],
        cost_per_minute_usd=cost_per_minute_usd,
        grace_minutes=grace_minutes,
        breach_usd=breach_usd,
    )
    out = m[["arrival_rate_per_hour", "handle_minutes", "reviewers", "utilisation", "p_wait"]].copy()
    out["mean_wait_minutes"] = m["mean_wait_minutes"]
    out["delay_cost_per_escalation_usd"] = per_escalation
    out["delay_cost_per_hour_usd"] = m["arrival_rate_per_hour"].to_numpy() * per_escalation
    out["reviewer_cost_per_hour_usd"] = wage * m["reviewers"].to_numpy()
    out["total_cost_per_hour_usd"] = out["delay_cost_per_hour_usd"] + out["reviewer_cost_per_hour_usd"]
    return out


# --------------------------------------------------------------------------- time to harm


def _harm_deadline(name: str, values: npt.ArrayLike) -> np.ndarray:
    arr = as_float_array(name, values, finite=False)
    bad = np.isnan(arr) | (arr < 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"{name}: expected values >= 0 (inf for no deadline), found {arr[i].item()!r} at row {i}"
        )
    return arr


def _hypoexp_sf(x: np.ndarray, r1: np.ndarray, r2: np.ndarray) -> np.ndarray:
    """P(X1 + X2 > x) for independent exponentials with rates r1, r2 (x >= 0, rates > 0).

    ``(b e^{-a x} - a e^{-b x}) / (b - a)`` with ``a <= b``, rewritten as
    ``e^{-a x} (1 + a x phi((b - a) x))`` with ``phi(z) = (1 - e^{-z}) / z``, ``phi(0) = 1``: no
    cancellation as the rates meet, no overflow when they are far apart.
    """
    a, b = np.minimum(r1, r2), np.maximum(r1, r2)
    z = (b - a) * x
    with np.errstate(invalid="ignore", divide="ignore"):
        phi = np.where(z > 0, -np.expm1(-z) / np.where(z > 0, z, 1.0), 1.0)
    return np.exp(-a * x) * (1.0 + a * x * phi)


def share_too_late(
    arrival_rate_per_hour: npt.ArrayLike,
    handle_minutes: npt.ArrayLike,
    reviewers: npt.ArrayLike,
    time_to_harm_minutes: npt.ArrayLike,
    extra_latency_minutes: npt.ArrayLike = 0.0,
) -> np.ndarray:
    """Probability that the reviewer's decision arrives after the harm has happened.

    The decision lands at ``W + S + L``: the M/M/c wait ``W`` (zero with probability ``1 - C``,
    otherwise exponential with rate ``theta = c mu - lam``), the exponential handling time ``S`` (rate
    ``mu``, independent of the wait under first come, first served) and a fixed extra latency ``L``.
    With ``x = time_to_harm - L``, ``P(late) = 1`` when ``x <= 0``, and otherwise

    ``(1 - C) exp(-mu x) + C P(Exp(theta) + Exp(mu) > x)``,

    the second term in closed form, including the limit ``theta == mu`` (that is, ``c - A == 1``)
    where it becomes ``exp(-mu x) (1 + mu x)``. Unstable rows are 1. Every argument broadcasts, so pass
    one ``time_to_harm_minutes`` per decision and take the mean for the share of a decision log.

    Examples
    --------
    >>> share_too_late(100, 3, [6, 7], time_to_harm_minutes=10).round(4).tolist()
    [0.1055, 0.0468]
    >>> share_too_late(100, 3, 7, [1, 10, np.inf], extra_latency_minutes=0.5).round(4).tolist()
    [0.8886, 0.0552, 0.0]
    """
    q = _queue_inputs(
        arrival_rate_per_hour,
        handle_minutes,
        reviewers,
        time_to_harm_minutes=_harm_deadline("time_to_harm_minutes", time_to_harm_minutes),
        extra_latency_minutes=as_float_array(
            "extra_latency_minutes", extra_latency_minutes, nonnegative=True
        ),
    )
    _, stable, p_wait, theta = _queue(q)
    mu = 1.0 / q["handle_minutes"]
    with np.errstate(invalid="ignore"):
        x = q["time_to_harm_minutes"] - q["extra_latency_minutes"]
    finite = np.isfinite(x)
    xs = np.where(finite & (x > 0), x, 0.0)
    tail = _hypoexp_sf(xs, np.where(stable, theta, 1.0), mu)
    late = (1.0 - p_wait) * np.exp(-mu * xs) + p_wait * tail
    late = np.where(x <= 0, 1.0, np.where(finite, late, 0.0))
    return np.where(stable, np.clip(late, 0.0, 1.0), 1.0)


def late_share(latency_minutes: npt.ArrayLike, time_to_harm_minutes: npt.ArrayLike) -> float:
    """Share of decisions whose latency exceeds their time to harm (paired, row by row).

    The distribution-free counterpart of :func:`share_too_late`, for latencies from a log, a simulation
    or a published distribution (a driver's reaction time against the 1.3 s left to brake). A decision
    exactly on the deadline counts as in time. Either argument may be a single value.

    Examples
    --------
    >>> late_share([0.9, 1.2, 1.5, 2.0], 1.3)  # reaction times (s) against 1.3 s to harm
    0.5
    """
    lat = as_float_array("latency_minutes", latency_minutes, nonnegative=True)
    harm = _harm_deadline("time_to_harm_minutes", time_to_harm_minutes)
    b = _broadcast(latency_minutes=lat, time_to_harm_minutes=harm)
    return float(np.mean(b["latency_minutes"] > b["time_to_harm_minutes"]))


# --------------------------------------------------------------------------- alert fatigue


def catch_rate(
    precision: npt.ArrayLike,
    alerts_per_reviewer_per_hour: npt.ArrayLike,
    *,
    max_catch_rate: float = FATIGUE_DEFAULTS["max_catch_rate"],
    precision_exponent: float = FATIGUE_DEFAULTS["precision_exponent"],
    half_volume_per_hour: float = FATIGUE_DEFAULTS["half_volume_per_hour"],
    volume_exponent: float = FATIGUE_DEFAULTS["volume_exponent"],
) -> np.ndarray:
    """Probability a reviewer catches a truly bad escalation, under alert fatigue (an ASSUMPTION).

    ``catch = max_catch_rate * precision ** precision_exponent``
    ``/ (1 + (v / half_volume_per_hour) ** volume_exponent)``

    where ``precision`` is the share of escalations that are truly bad and ``v`` the alerts each reviewer
    sees per hour. It rises with precision (the cry-wolf effect: ``precision_exponent = 1`` is the
    "probability matching" seen in alarm experiments, people responding to about the share of alarms
    that proved true, Bliss, Gilson and Deaton, Ergonomics 38(11), 1995; 0 switches it off), falls with
    volume (half of ``max_catch_rate`` is lost at ``half_volume_per_hour``) and stays in
    ``[0, max_catch_rate]``. The form and the defaults in :data:`FATIGUE_DEFAULTS` (0.95, 0.5, 30 per
    hour, 2) are illustrative choices, not estimates from data: set them per case and show the
    sensitivity.

    Examples
    --------
    >>> catch_rate([1.0, 0.25, 0.25], [0, 0, 30]).round(4).tolist()
    [0.95, 0.475, 0.2375]
    """
    p = as_float_array("precision", precision, unit_interval=True)
    v = as_float_array("alerts_per_reviewer_per_hour", alerts_per_reviewer_per_hour, nonnegative=True)
    top = _scalar("max_catch_rate", max_catch_rate, low=0, high=1, open_low=False, open_high=False)
    alpha = _scalar(
        "precision_exponent", precision_exponent, low=0, high=np.inf, open_low=False, open_high=True
    )
    half = _scalar(
        "half_volume_per_hour", half_volume_per_hour, low=0, high=np.inf, open_low=True, open_high=True
    )
    beta = _scalar("volume_exponent", volume_exponent, low=0, high=np.inf, open_low=True, open_high=True)
    b = _broadcast(precision=p, alerts_per_reviewer_per_hour=v)
    with np.errstate(over="ignore"):
        volume_factor = 1.0 / (1.0 + (b["alerts_per_reviewer_per_hour"] / half) ** beta)
    return top * b["precision"] ** alpha * volume_factor


def fatigued_miss_rate(
    precision: npt.ArrayLike,
    alerts_per_reviewer_per_hour: npt.ArrayLike,
    **fatigue: float,
) -> np.ndarray:
    """Share of truly bad escalations a fatigued reviewer lets through: ``1 - catch_rate``.

    This is the ``reviewer_miss_rate`` of :class:`nogo.DecisionCosts`; ``fatigue`` takes the keyword
    parameters of :func:`catch_rate`.

    Examples
    --------
    >>> from nogo.models.costs import DecisionCosts
    >>> miss = fatigued_miss_rate(0.12, 6.0)  # 12% of alerts real, 6 alerts per reviewer-hour
    >>> round(float(miss[0]), 4)
    0.6836
    >>> costs = DecisionCosts(
    ...     false_action_usd=500, missed_usd=20, escalate_usd=8, reviewer_miss_rate=float(miss[0])
    ... )
    """
    return 1.0 - catch_rate(precision, alerts_per_reviewer_per_hour, **fatigue)
