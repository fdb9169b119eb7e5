"""Metrics that catch quiet failure, and how many contacts a release test needs to see one.

An overconfident support agent can raise its resolution rate and CSAT while the customers it
"resolved" come back the next day: the vanity metrics rise as the quiet ones fail. This module
computes both kinds from one event log, simulates a log where that divergence is planted, and
sizes a two-proportion release test (sample size, power, minimum detectable effect).

Event-log schema (:data:`EVENT_LOG_SCHEMA`; one row per contact the agent handled, other columns
ignored): ``customer_id`` (who made contact; recurrence is per customer), ``timestamp`` (datetimes,
or text such as "2026-01-05 09:30"), the flags ``resolved`` (the agent marked it resolved),
``escalated`` (handed to a person) and ``overridden`` (a user or staff member reversed the agent),
True/False or 1/0, and ``csat`` (1-5, missing where the customer did not answer).

Sample sizes use the normal approximation for a pooled two-proportion z test (pooled variance
under H0, unpooled under H1; Fleiss, Levin & Paik, *Statistical Methods for Rates and Proportions*,
3rd ed., 2003, chapter 4), with Fleiss's continuity correction as an option.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from types import MappingProxyType
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import optimize, stats

from nogo._validate import as_scalar, check_choice
from nogo.errors import InputError

__all__ = [
    "EVENT_LOG_SCHEMA",
    "SIMULATED_RATES",
    "SampleSize",
    "flag_recurrence",
    "minimum_detectable_effect",
    "power_two_proportions",
    "quiet_failure_metrics",
    "sample_size_two_proportions",
    "simulate_quiet_failure",
]

EVENT_LOG_SCHEMA: MappingProxyType[str, str] = MappingProxyType(
    {
        "customer_id": "who made contact (any hashable id)",
        "timestamp": "when the contact started (datetime, or parseable text)",
        "resolved": "the agent marked the contact resolved (bool or 0/1)",
        "escalated": "the agent handed the contact to a person (bool or 0/1)",
        "overridden": "a user or staff member reversed the agent's action (bool or 0/1)",
        "csat": "satisfaction score 1-5, missing where unanswered",
    }
)
_FLAGS = ("resolved", "escalated", "overridden")
_PERIODS = ("day", "week", "month")


# -- validation --------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _timestamps(name: str, values: Any) -> pd.Series:
    s = values.reset_index(drop=True) if isinstance(values, pd.Series) else pd.Series(values)
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        parsed = s
    else:
        if pd.api.types.is_numeric_dtype(s.dtype):
            raise InputError(f"{name}: expected datetimes or date text, got numbers (dtype {s.dtype})")
        try:
            parsed = pd.to_datetime(s, errors="coerce")
        except (TypeError, ValueError) as exc:
            raise InputError(f"{name}: could not parse timestamps ({exc})") from None
        bad = (parsed.isna() & s.notna()).to_numpy()
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise InputError(
                f"{name}: could not parse {_plain(s.iloc[i])!r} at row {i} as a timestamp; "
                "expected datetimes or text such as '2026-01-05 09:30'"
            )
    missing = parsed.isna().to_numpy()
    if missing.any():
        raise InputError(f"{name}: missing timestamp at row {int(np.flatnonzero(missing)[0])}")
    return parsed


def _flags(name: str, s: pd.Series) -> np.ndarray:
    if s.dtype == bool:
        return s.to_numpy()
    bad = ~s.isin([0, 1]).to_numpy(dtype=bool) | s.isna().to_numpy()
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError(f"{name}: expected True/False or 1/0, found {_plain(s.iloc[i])!r} at row {i}")
    return s.to_numpy(dtype=np.float64) == 1


def _csat(s: pd.Series) -> np.ndarray:
    num = pd.to_numeric(s, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    bad = (np.isnan(num) & s.notna().to_numpy()) | (~np.isnan(num) & ~np.isin(num, [1, 2, 3, 4, 5]))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError(
            "column 'csat': expected a score 1, 2, 3, 4 or 5 (or missing), "
            f"found {_plain(s.iloc[i])!r} at row {i}"
        )
    return num


def _validate_events(events: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(events, pd.DataFrame):
        raise InputError(f"events: expected a pandas DataFrame, got {type(events).__name__}")
    schema = "; ".join(f"{k} ({v})" for k, v in EVENT_LOG_SCHEMA.items())
    for col in EVENT_LOG_SCHEMA:
        if col not in events.columns:
            raise InputError(f"events: missing column {col!r}; an event log needs columns: {schema}")
    if len(events) == 0:
        raise InputError("events: expected at least one contact, got an empty log")
    cust = events["customer_id"].reset_index(drop=True)
    if cust.isna().any():
        raise InputError(f"column 'customer_id': missing id at row {int(np.flatnonzero(cust.isna())[0])}")
    out = pd.DataFrame(
        {"customer_id": cust, "timestamp": _timestamps("column 'timestamp'", events["timestamp"])}
    )
    for col in _FLAGS:
        out[col] = _flags(f"column {col!r}", events[col].reset_index(drop=True))
    out["csat"] = _csat(events["csat"].reset_index(drop=True))
    return out


# -- the metrics -------------------------------------------------------------------------------


def flag_recurrence(
    customer_id: npt.ArrayLike, timestamp: npt.ArrayLike, *, window_hours: float = 24.0
) -> np.ndarray:
    """True where the same customer's next contact starts within ``window_hours`` (inclusive).

    One stable sort by customer and time, then a comparison with the next row: no loop over rows.
    Contacts at the same instant count as a recurrence of the earlier row.

    Examples
    --------
    >>> ts = ["2026-01-05 09:00", "2026-01-05 20:00", "2026-01-07 09:00", "2026-01-05 10:00"]
    >>> flag_recurrence(["a", "a", "a", "b"], ts).tolist()
    [True, False, False, False]
    """
    window = as_scalar("window_hours", window_hours, nonnegative=True)
    ts = _timestamps("timestamp", timestamp)
    if not isinstance(customer_id, pd.Series):
        ids = np.asarray(customer_id, dtype=object)
        if ids.ndim != 1:
            raise InputError(
                f"customer_id: expected a 1-d array (one id per contact), got shape {ids.shape}"
            )
    cust = pd.Series(customer_id) if not isinstance(customer_id, pd.Series) else customer_id
    if len(cust) != len(ts):
        raise InputError(f"timestamp: expected {len(cust)} values to match customer_id, got {len(ts)}")
    return _recurs(cust.reset_index(drop=True), ts, pd.Timedelta(hours=window))


def _recurs(cust: pd.Series, ts: pd.Series, window: pd.Timedelta) -> np.ndarray:
    codes, _ = pd.factorize(cust)
    utc = ts.dt.tz_convert("UTC").dt.tz_localize(None) if ts.dt.tz is not None else ts
    t_ns = utc.to_numpy(dtype="datetime64[ns]").view(np.int64)
    order = np.lexsort((t_ns, codes))  # stable: ties keep row order
    c, t = codes[order], t_ns[order]
    hit = np.zeros(len(order), dtype=bool)
    hit[:-1] = (c[1:] == c[:-1]) & (t[1:] - t[:-1] <= window.value)
    out = np.empty_like(hit)
    out[order] = hit
    return out


def _period(ts: pd.Series, by: str) -> pd.Series:
    naive = ts.dt.tz_localize(None) if ts.dt.tz is not None else ts
    day = naive.dt.normalize()
    if by == "day":
        return day
    if by == "week":  # weeks start on Monday
        return day - pd.to_timedelta(naive.dt.day_of_week, unit="D")
    return naive.dt.to_period("M").dt.start_time


def quiet_failure_metrics(
    events: pd.DataFrame,
    *,
    by: str | None = "week",
    log_end: Any = None,
) -> pd.DataFrame:
    """Vanity and quiet-failure metrics per period, from an event log (schema in the module docstring).

    Parameters
    ----------
    events
        One row per contact: ``customer_id``, ``timestamp``, ``resolved``, ``escalated``,
        ``overridden``, ``csat``.
    by
        ``"day"``, ``"week"`` (weeks start on Monday) or ``"month"`` of the timestamp; any other
        string names a column of ``events`` to group by; ``None`` for one row over the whole log.
    log_end
        When the log stops. A resolved contact counts toward the recurrence rate only when its full
        24 hours had passed by then (a contact in the log's last day could still come back unseen).
        Default: the last timestamp in the log.

    Returns
    -------
    pandas.DataFrame
        One row per period, in order: ``period``, ``n_contacts``, ``n_resolved``,
        ``resolution_rate``, ``n_csat`` (answers), ``csat_response_rate``, ``csat_mean`` (over
        answers; NaN with none), ``escalation_rate``, ``override_rate`` (both per contact),
        ``n_recurrence_observed`` (resolved contacts with a full 24-hour window) and
        ``recurrence_24h_rate`` (share of those followed by another contact from the same customer
        within 24 hours, attributed to the period of the resolved contact).

    Examples
    --------
    >>> log = pd.DataFrame({
    ...     "customer_id": ["a", "a", "b", "c"],
    ...     "timestamp": ["2026-01-05 09:00", "2026-01-05 18:00", "2026-01-05 10:00", "2026-01-07 10:00"],
    ...     "resolved": [1, 1, 1, 0], "escalated": [0, 0, 0, 1], "overridden": [0, 1, 0, 0],
    ...     "csat": [5, None, 4, 2]})
    >>> m = quiet_failure_metrics(log, by=None)
    >>> print(m[["n_contacts", "resolution_rate", "csat_mean", "recurrence_24h_rate"]].to_string())
       n_contacts  resolution_rate  csat_mean  recurrence_24h_rate
    0           4             0.75   3.666667             0.333333
    """
    log = _validate_events(events)
    if by is None:
        period = pd.Series("all", index=log.index)
    elif by in _PERIODS:
        period = _period(log["timestamp"], by)
    elif isinstance(by, str) and by in events.columns:
        period = events[by].reset_index(drop=True)
        if period.isna().any():
            raise InputError(f"by: column {by!r} is missing at row {int(np.flatnonzero(period.isna())[0])}")
    else:
        raise InputError(f"by: expected 'day', 'week', 'month', None or a column of events, got {by!r}")
    ts = log["timestamp"]
    end = ts.max() if log_end is None else _timestamps("log_end", [log_end]).iloc[0]
    window = pd.Timedelta(hours=24)
    try:
        complete = (ts + window <= end).to_numpy()
    except TypeError:
        raise InputError(
            f"log_end: {log_end!r} cannot be compared with the timestamps; give both with a time zone "
            "or both without"
        ) from None
    observed = log["resolved"].to_numpy() & complete
    recurred = observed & _recurs(log["customer_id"], ts, window)
    work = pd.DataFrame(
        {
            "period": period.to_numpy(),
            "resolved": log["resolved"].to_numpy(),
            "escalated": log["escalated"].to_numpy(),
            "overridden": log["overridden"].to_numpy(),
            "answered": ~np.isnan(log["csat"].to_numpy()),
            "csat": log["csat"].to_numpy(),
            "observed": observed,
            "recurred": recurred,
        }
    )
    g = work.groupby("period", sort=True)
    sums = g[["resolved", "escalated", "overridden", "answered", "observed", "recurred"]].sum()
    n = g.size().to_numpy()
    obs = sums["observed"].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        recurrence = np.where(obs > 0, sums["recurred"].to_numpy() / np.maximum(obs, 1), np.nan)
    return pd.DataFrame(
        {
            "period": sums.index.to_numpy(),
            "n_contacts": n,
            "n_resolved": sums["resolved"].to_numpy(),
            "resolution_rate": sums["resolved"].to_numpy() / n,
            "n_csat": sums["answered"].to_numpy(),
            "csat_response_rate": sums["answered"].to_numpy() / n,
            "csat_mean": g["csat"].mean().to_numpy(),
            "escalation_rate": sums["escalated"].to_numpy() / n,
            "override_rate": sums["overridden"].to_numpy() / n,
            "n_recurrence_observed": obs,
            "recurrence_24h_rate": recurrence,
        }
    )


# -- a log with the divergence planted ----------------------------------------------------------

SIMULATED_RATES: MappingProxyType[str, Any] = MappingProxyType(
    {
        "solve": 0.65,  # the agent really fixes the problem (its skill never changes)
        "escalate_unsolved_before": 0.60,  # escalates an unsolved contact, before the drift
        "escalate_unsolved_after": 0.10,  # ... and once fully overconfident
        "return_24h_false_resolution": 0.70,  # a falsely "resolved" customer comes back within 24 h
        "return_24h_solved": 0.03,  # a truly solved customer comes back anyway
        "override_false_resolution": 0.30,  # a false resolution is reversed by the user or staff
        "override_other": 0.02,
        "csat_response": 0.30,
        # P(score = 1..5): the customer answers at the end of the contact, before knowing it failed
        "csat_solved": (0.02, 0.03, 0.10, 0.30, 0.55),
        "csat_false_resolution": (0.03, 0.05, 0.12, 0.35, 0.45),
        "csat_escalated": (0.15, 0.20, 0.30, 0.20, 0.15),
    }
)


def _draw_contacts(rng: np.random.Generator, over: np.ndarray) -> dict[str, np.ndarray]:
    r = SIMULATED_RATES
    n = len(over)
    solved = rng.random(n) < r["solve"]
    p_esc = r["escalate_unsolved_before"] + over * (
        r["escalate_unsolved_after"] - r["escalate_unsolved_before"]
    )
    escalated = ~solved & (rng.random(n) < p_esc)
    false_res = ~solved & ~escalated
    overridden = rng.random(n) < np.where(false_res, r["override_false_resolution"], r["override_other"])
    csat = np.full(n, np.nan)
    for kind, mask in (("solved", solved), ("false_resolution", false_res), ("escalated", escalated)):
        csat[mask] = rng.choice(np.arange(1.0, 6.0), size=int(mask.sum()), p=r[f"csat_{kind}"])
    csat[rng.random(n) >= r["csat_response"]] = np.nan
    p_return = np.where(
        false_res, r["return_24h_false_resolution"], np.where(solved, r["return_24h_solved"], 0.0)
    )
    return {
        "resolved": ~escalated,
        "escalated": escalated,
        "overridden": overridden,
        "csat": csat,
        "solved": solved,
        "returns": rng.random(n) < p_return,
    }


def simulate_quiet_failure(
    days: int = 56,
    contacts_per_day: float = 300.0,
    *,
    drift_start_day: int = 14,
    drift_days: int = 28,
    start: str = "2026-01-05",
    seed: int = 0,
) -> pd.DataFrame:
    """A seeded event log in which an overconfident agent games the vanity metrics.

    Model (rates in :data:`SIMULATED_RATES`): each day brings Poisson(``contacts_per_day``) new
    customers at uniform times. The agent solves 65% of problems, whatever its confidence. An
    unsolved contact is escalated with a probability that drifts linearly from 0.60 to 0.10 between
    ``drift_start_day`` and ``drift_start_day + drift_days`` (the column ``overconfidence`` goes from
    0 to 1); an unsolved contact it does not escalate is marked resolved anyway (a false resolution).
    Falsely resolved customers come back within 24 hours 70% of the time (solved ones 3%), at a
    uniform 0.5-23.5 hours later, and their action is reversed 30% of the time (others 2%). CSAT is
    answered 30% of the time, at the end of the contact: escalations score lowest, so trading
    escalations for false resolutions raises CSAT. A follow-up contact is drawn the same way but
    starts no further follow-up; contacts after the last day are dropped.

    So resolution rate (0.79 to 0.965) and CSAT rise while escalations fall, and recurrence within 24
    hours and overrides climb. Planted truth columns: ``solved``, ``follow_up``, ``overconfidence``.

    Returns
    -------
    pandas.DataFrame
        The event-log schema plus the truth columns, sorted by ``timestamp``.

    Examples
    --------
    >>> log = simulate_quiet_failure(days=28, contacts_per_day=50, seed=1)
    >>> list(log.columns)[:6]
    ['customer_id', 'timestamp', 'resolved', 'escalated', 'overridden', 'csat']
    >>> bool(log.equals(simulate_quiet_failure(days=28, contacts_per_day=50, seed=1)))
    True
    """
    for name, value, low in (
        ("days", days, 1),
        ("drift_start_day", drift_start_day, 0),
        ("drift_days", drift_days, 1),
    ):
        if not isinstance(value, int | np.integer) or value < low:
            raise InputError(f"{name}: expected a whole number >= {low}, got {value!r}")
    lam = as_scalar("contacts_per_day", contacts_per_day, nonnegative=True)
    rng = np.random.default_rng(seed)
    origin = pd.Timestamp(start)
    per_day = rng.poisson(lam, size=days)
    t0_h = np.repeat(np.arange(days) * 24.0, per_day) + rng.uniform(0, 24, size=per_day.sum())

    def drift(t_h: np.ndarray) -> np.ndarray:
        return np.clip((np.floor(t_h / 24.0) - drift_start_day) / drift_days, 0.0, 1.0)

    first = _draw_contacts(rng, drift(t0_h))
    customers = np.arange(len(t0_h))
    back = first["returns"]
    t1_h = t0_h[back] + rng.uniform(0.5, 23.5, size=int(back.sum()))
    keep = t1_h < days * 24.0
    t1_h, back_ids = t1_h[keep], customers[back][keep]
    second = _draw_contacts(rng, drift(t1_h))
    t_h = np.concatenate([t0_h, t1_h])
    frame = pd.DataFrame(
        {
            "customer_id": np.concatenate([customers, back_ids]),
            "timestamp": origin + pd.to_timedelta(np.round(t_h * 3600.0), unit="s"),
            **{k: np.concatenate([first[k], second[k]]) for k in (*_FLAGS, "csat", "solved")},
            "follow_up": np.concatenate([np.zeros(len(t0_h), bool), np.ones(len(t1_h), bool)]),
            "overconfidence": drift(t_h),
        }
    )
    return frame.sort_values("timestamp", kind="stable", ignore_index=True)


# -- release-test sizing -----------------------------------------------------------------------


@dataclass(frozen=True)
class SampleSize:
    """Sample size for a two-proportion release test; ``n_*_exact`` before rounding up."""

    p_baseline: float
    p_treatment: float
    alpha: float
    power: float
    two_sided: bool
    ratio: float
    continuity_correction: bool
    n_control_exact: float
    n_control: int
    n_treatment: int

    @property
    def n_total(self) -> int:
        """Both arms."""
        return self.n_control + self.n_treatment

    def as_dict(self) -> dict[str, Any]:
        """A flat record for a results table."""
        return {**asdict(self), "n_total": self.n_total}


def _design(alpha: Any, power: Any, ratio: Any) -> tuple[float, float, float]:
    a = as_scalar("alpha", alpha)
    if not 0 < a < 1:
        raise InputError(f"alpha: expected a significance level strictly between 0 and 1, got {alpha!r}")
    pw = as_scalar("power", power)
    if not 0.5 <= pw < 1:
        raise InputError(f"power: expected a power in [0.5, 1), got {power!r}")
    r = as_scalar("ratio", ratio)
    if not r > 0:
        raise InputError(f"ratio: expected n_treatment / n_control > 0, got {ratio!r}")
    return a, pw, r


def _parts(p1: float, p2: float, alpha: float, two_sided: bool, r: float) -> tuple[float, float, float]:
    """``z_alpha * sd_H0`` and ``sd_H1`` (per sqrt(n_control)), and |delta|."""
    z_a = stats.norm.ppf(1 - alpha / 2) if two_sided else stats.norm.ppf(1 - alpha)
    p_bar = (p1 + r * p2) / (1 + r)
    sd0 = np.sqrt((1 + 1 / r) * p_bar * (1 - p_bar))
    sd1 = np.sqrt(p1 * (1 - p1) + p2 * (1 - p2) / r)
    return z_a * sd0, sd1, abs(p2 - p1)


def _n_exact(p1: float, p2: float, alpha: float, power: float, two_sided: bool, r: float, cc: bool) -> float:
    za_sd0, sd1, d = _parts(p1, p2, alpha, two_sided, r)
    n = ((za_sd0 + stats.norm.ppf(power) * sd1) / d) ** 2
    if cc:  # Fleiss's continuity correction, for unequal arms (Fleiss, Levin & Paik 2003, ch. 4)
        n = n / 4 * (1 + np.sqrt(1 + 2 * (r + 1) / (r * n * d))) ** 2
    return float(n)


def power_two_proportions(
    p_baseline: float,
    p_treatment: float,
    n_per_arm: float,
    *,
    alpha: float = 0.05,
    two_sided: bool = True,
    ratio: float = 1.0,
    continuity_correction: bool = False,
) -> float:
    """Power of the pooled two-proportion z test: ``n_per_arm`` controls, ``ratio`` times as many treated.

    Normal approximation; the far tail of a two-sided test is ignored (negligible at any useful
    power). With the continuity correction the difference is reduced by
    ``(1/n_control + 1/n_treatment) / 2``, the test Fleiss's corrected sample size is built for.

    Examples
    --------
    >>> round(power_two_proportions(0.10, 0.15, 686), 3)
    0.8
    """
    p1 = as_scalar("p_baseline", p_baseline, unit_interval=True)
    p2 = as_scalar("p_treatment", p_treatment, unit_interval=True)
    n = as_scalar("n_per_arm", n_per_arm)
    if not n > 0:
        raise InputError(f"n_per_arm: expected a positive number of contacts, got {n_per_arm!r}")
    a, _, r = _design(alpha, 0.5, ratio)
    za_sd0, sd1, d = _parts(p1, p2, a, two_sided, r)
    if continuity_correction:
        d = d - (1 + 1 / r) / (2 * n)
    if sd1 == 0:
        return 1.0 if d * np.sqrt(n) > za_sd0 else 0.0
    return float(stats.norm.cdf((d * np.sqrt(n) - za_sd0) / sd1))


def sample_size_two_proportions(
    p_baseline: float,
    p_treatment: float | None = None,
    *,
    mde_abs: float | None = None,
    alpha: float = 0.05,
    power: float = 0.8,
    two_sided: bool = True,
    ratio: float = 1.0,
    continuity_correction: bool = False,
) -> SampleSize:
    """Contacts per arm to detect ``p_baseline`` -> ``p_treatment`` with a two-proportion z test.

    ``n_control = (z_a * sqrt((1 + 1/r) p_bar q_bar) + z_b * sqrt(p1 q1 + p2 q2 / r))**2 / delta**2``,
    with ``p_bar = (p1 + r p2) / (1 + r)`` and ``r = ratio = n_treatment / n_control`` (Fleiss, Levin
    & Paik 2003, ch. 4); the continuity-corrected size multiplies by
    ``(1 + sqrt(1 + 2 (r + 1) / (r n delta)))**2 / 4``. Give ``p_treatment`` or ``mde_abs``
    (``p_treatment = p_baseline + mde_abs``; negative for a decrease).

    Examples
    --------
    >>> s = sample_size_two_proportions(0.10, 0.15)
    >>> s.n_control, s.n_treatment, round(s.n_control_exact, 1)
    (686, 686, 685.6)
    >>> sample_size_two_proportions(0.10, mde_abs=0.05, continuity_correction=True).n_control
    726
    """
    p1 = as_scalar("p_baseline", p_baseline, unit_interval=True)
    if (p_treatment is None) == (mde_abs is None):
        raise InputError("p_treatment, mde_abs: give exactly one (the treated rate, or the change to detect)")
    if p_treatment is None:
        p2 = p1 + as_scalar("mde_abs", mde_abs)
        if not 0 <= p2 <= 1:
            raise InputError(f"mde_abs: p_baseline + mde_abs = {p2:g} is not a rate in [0, 1]")
    else:
        p2 = as_scalar("p_treatment", p_treatment, unit_interval=True)
    if p1 == p2:
        raise InputError("p_treatment: equals p_baseline; there is no effect to detect")
    a, pw, r = _design(alpha, power, ratio)
    n = _n_exact(p1, p2, a, pw, bool(two_sided), r, bool(continuity_correction))
    n_c = int(np.ceil(n - 1e-9))
    return SampleSize(
        p_baseline=p1,
        p_treatment=p2,
        alpha=a,
        power=pw,
        two_sided=bool(two_sided),
        ratio=r,
        continuity_correction=bool(continuity_correction),
        n_control_exact=n,
        n_control=n_c,
        n_treatment=int(np.ceil(r * n - 1e-9)),
    )


def minimum_detectable_effect(
    p_baseline: float,
    n_per_arm: float,
    *,
    alpha: float = 0.05,
    power: float = 0.8,
    two_sided: bool = True,
    ratio: float = 1.0,
    continuity_correction: bool = False,
    direction: str = "increase",
) -> float:
    """The smallest absolute change from ``p_baseline`` a test with ``n_per_arm`` controls detects.

    Solves :func:`power_two_proportions` = ``power`` for the treated rate with
    :func:`scipy.optimize.brentq`, above the baseline (``direction="increase"``) or below it; the
    inverse of :func:`sample_size_two_proportions` before rounding. Raises when no change up to a
    rate of 1 (or down to 0) reaches the power.

    Examples
    --------
    >>> round(minimum_detectable_effect(0.10, 685.6), 4)
    0.05
    """
    check_choice("direction", direction, ("increase", "decrease"))
    p1 = as_scalar("p_baseline", p_baseline, unit_interval=True)
    a, pw, r = _design(alpha, power, ratio)
    n = as_scalar("n_per_arm", n_per_arm)
    if not n > 0:
        raise InputError(f"n_per_arm: expected a positive number of contacts, got {n_per_arm!r}")
    far = 1.0 if direction == "increase" else 0.0
    if p1 == far:
        raise InputError(f"p_baseline: {p1:g} leaves no room for an {direction}")

    def gap(p2: float) -> float:
        return (
            power_two_proportions(
                p1, p2, n, alpha=a, two_sided=two_sided, ratio=r, continuity_correction=continuity_correction
            )
            - pw
        )

    if gap(far) < 0:
        raise InputError(
            f"n_per_arm: {n:g} per arm cannot detect any {direction} from {p1:g} with power {pw:g} "
            f"at alpha {a:g}; more contacts are needed"
        )
    near = p1 + (1e-12 if direction == "increase" else -1e-12)
    p2 = optimize.brentq(gap, near, far, xtol=1e-14, rtol=1e-12)
    return abs(p2 - p1)
