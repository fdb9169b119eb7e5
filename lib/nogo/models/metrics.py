"""Metrics that catch quiet failure, and how many contacts a release test needs to see one.

An overconfident support agent can raise its resolution rate and CSAT while the customers it
"resolved" come back the next day: the vanity metrics rise as the quiet ones fail. This module
computes both kinds from one event log. A log where that divergence is planted
(:mod:`nogo.models.quiet_failure_log`) and the sizing of a two-proportion release test (sample size,
power, minimum detectable effect; :mod:`nogo.models.release_test`) are re-exported here.

Event-log schema (:data:`EVENT_LOG_SCHEMA`; one row per contact the agent handled, other columns
ignored): ``customer_id`` (who made contact; recurrence is per customer), ``timestamp`` (datetimes,
or text such as "2026-01-05 09:30"), the flags ``resolved`` (the agent marked it resolved),
``escalated`` (handed to a person) and ``overridden`` (a user or staff member reversed the agent),
True/False or 1/0, and ``csat`` (1-5, missing where the customer did not answer).
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from nogo._validate import as_scalar
from nogo.errors import InputError
from nogo.models.quiet_failure_log import SIMULATED_RATES, simulate_quiet_failure
from nogo.models.release_test import (
    SampleSize,
    minimum_detectable_effect,
    power_two_proportions,
    sample_size_two_proportions,
)

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
